"""Pages of the register: single registration, a person, a family, merge and unmerge.

Views are thin: parse, get people through the access layer (familyhub.access.layer: a page is a
door above it, as every part's pages are), call a service, redirect.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from familyhub.access import layer
from familyhub.access.candidates import find_candidates
from familyhub.access.layer import person_view
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import MANAGER_ROLES, PRACTITIONER_ROLES
from familyhub.core.forms import GovukDateInput
from familyhub.matching.search import search_candidates
from familyhub.people import services
from familyhub.people.forms import (
    AddressForm,
    CandidateSearchForm,
    ContactForm,
    MemberFormSet,
    MergeForm,
    MoveForm,
    PersonEditForm,
    RegisterExistingForm,
    RelationshipForm,
    UnmergeForm,
)
from familyhub.people.merging import MergeRefused, person_merge, person_unmerge
from familyhub.people.models import MergeRecord, Person
from familyhub.people.selectors import (
    change_label,
    changes_of,
    current_household,
    family_lines,
    merges_of,
    registering_team,
)
from familyhub.services.selectors import authority_of

REGISTER_ROLES = PRACTITIONER_ROLES


def _require(request: AuthenticatedRequest, roles) -> None:
    if getattr(request.user, "role", "") not in roles and not request.user.is_superuser:
        raise PermissionDenied


def _search_form(request: AuthenticatedRequest) -> tuple[CandidateSearchForm, list]:
    form = CandidateSearchForm(request.GET or None)
    candidates: list = []
    if _searched(form):
        candidates = find_candidates(request.user, **form.cleaned_data)
    return form, candidates


def _searched(form: CandidateSearchForm) -> bool:
    """Whether a search was run: only then may the page say nobody was found."""
    return form.is_bound and form.is_valid() and form.has_query()


@person_view
def register(request: AuthenticatedRequest) -> HttpResponse:
    """Search first: the registrar types a name, date of birth and postcode; likely existing
    records appear (as they type, with JavaScript; after 'Search' without it)."""
    _require(request, REGISTER_ROLES)
    form, candidates = _search_form(request)
    return render(
        request,
        "people/register.html",
        {"form": form, "candidates": candidates, "searched": _searched(form)},
    )


@person_view
def register_candidates(request: AuthenticatedRequest) -> HttpResponse:
    """The candidate list alone, as an HTML fragment for the page's script."""
    _require(request, REGISTER_ROLES)
    form, candidates = _search_form(request)
    return render(
        request,
        "people/_candidates.html",
        {"form": form, "candidates": candidates, "searched": _searched(form)},
    )


@person_view
def register_existing(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Register someone already on the register with the registrar's team. If the registrar may
    already see them, it is done at once; if not (a family known to another service), they see
    only the minimal view, say why, and a manager of their team confirms it: registering someone
    never opens their record by itself."""
    _require(request, REGISTER_ROLES)
    person = layer.person_minimal(
        request.user, public_id, purpose="Register an existing person", channel="registration"
    )
    team = registering_team(request.user)
    if team is None:
        messages.error(request, "You are not in a team, so you cannot register people.")
        return redirect("people:register")
    visible = layer.can_see(request.user, person)
    form = RegisterExistingForm(
        request.POST if request.method == "POST" else None, needs_reason=not visible
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_record(
                person=Person.objects.get(pk=person.pk),
                by=request.user,
                team=team,
                confirmed=visible,
                reason=form.cleaned_data.get("reason", ""),
                channel="registration",
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            if registration.is_confirmed:
                messages.success(request, f"{person.display_name} is registered with {team}.")
                return redirect("people:person", public_id=person.public_id)
            messages.success(
                request,
                f"{person.display_name}'s registration with {team} is waiting for your team "
                "leader to confirm it. Until then you see only their name and date of birth.",
            )
            return redirect("people:register")
    return render(
        request,
        "people/register_existing.html",
        {"person": person, "team": team, "visible": visible, "form": form},
    )


@person_view
def registrations_to_confirm(request: AuthenticatedRequest) -> HttpResponse:
    """A manager's list of registrations waiting for confirmation: who asked, why, and the
    minimal view of the person. Confirming makes the family visible to the team."""
    _require(request, MANAGER_ROLES)
    waiting = list(layer.registrations_to_confirm(request.user)[:200])
    if request.method == "POST":
        chosen = set(request.POST.getlist("registration"))
        decision = request.POST.get("decision")
        done = 0
        for registration in waiting:
            if str(registration.pk) not in chosen:
                continue
            if decision == "confirm":
                services.registration_confirm(registration=registration, by=request.user)
                done += 1
            elif decision == "decline":
                try:
                    services.registration_decline(
                        registration=registration,
                        by=request.user,
                        reason=request.POST.get("reason", ""),
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                    break
                done += 1
        if done:
            verb = "confirmed" if decision == "confirm" else "declined"
            messages.success(request, f"{done} registration{'s' if done != 1 else ''} {verb}.")
        elif decision in ("confirm", "decline") and not chosen:
            messages.error(request, "Select the registrations to confirm or decline")
        return redirect("people:registrations-to-confirm")
    layer.log_shown(
        request.user,
        [r.person for r in waiting],
        purpose="Registrations to confirm",
        detail="minimal view",
    )
    return render(request, "people/registrations_to_confirm.html", {"waiting": waiting})


@person_view
def register_new(request: AuthenticatedRequest) -> HttpResponse:
    """Register a new family (or add new people to existing records the registrar chose)."""
    _require(request, REGISTER_ROLES)
    initial_member = {
        "role": "parent",
        "given_name": request.GET.get("given_name", ""),
        "family_name": request.GET.get("family_name", ""),
        # The search page's Day, Month and Year boxes, shown back as typed.
        "date_of_birth": GovukDateInput().value_from_datadict(request.GET, {}, "date_of_birth"),
    }
    address_form = AddressForm(
        request.POST or None,
        prefix="address",
        initial={"postcode": request.GET.get("postcode", "")},
    )
    formset = MemberFormSet(request.POST or None, prefix="members", initial=[initial_member])
    duplicates: dict[int, list] = {}
    # Adding people to a family already registered: the household comes through the access layer.
    household_id = request.POST.get("household") or request.GET.get("household")
    household = None
    if household_id:
        household = layer.household_for_viewer(
            request.user, household_id, purpose="Add people to a family"
        )
    if request.method == "POST" and address_form.is_valid() and formset.is_valid():
        rows = [form for form in formset.forms if not form.is_blank()]
        if not rows:
            formset.forms[0].add_error("given_name", "Enter at least one person")
        else:
            members = [
                services.FamilyMember(
                    role=form.cleaned_data["role"],
                    existing=form.cleaned_data.get("existing"),
                    fields=form.person_fields(),
                    relationship=form.cleaned_data.get("relationship") or "parent",
                    create_new=form.cleaned_data.get("create_new", False),
                )
                for form in rows
            ]
            authority = authority_of(request.user)
            try:
                if authority is None:
                    raise ValidationError("You are not in a team, so you cannot register people.")
                result = services.family_register(
                    authority=authority,
                    by=request.user,
                    members=members,
                    team=registering_team(request.user),
                    address=address_form.cleaned_data,
                    household=household,
                    resolve_existing=lambda public_id: layer.person_for_viewer(
                        request.user, public_id, purpose="Register a family"
                    ),
                    search=search_candidates,
                )
            except services.PossibleDuplicates as possible:
                for index in possible.matches:
                    form = rows[index]
                    form.add_error(
                        None,
                        "This person may already be registered: choose their record below, or "
                        "tick 'This is a new person'",
                    )
                    if index in possible.same_nhs_number:
                        form.add_error(
                            "nhs_number",
                            "This NHS number is already on a record on the register. If you "
                            "register a new person with it, the two records go to the duplicate "
                            "review queue",
                        )
                    fields = form.person_fields()
                    duplicates[formset.forms.index(form)] = find_candidates(
                        request.user,
                        given_name=fields.get("given_name") or "",
                        family_name=fields.get("family_name") or "",
                        date_of_birth=fields.get("date_of_birth"),
                        postcode=address_form.cleaned_data.get("postcode", ""),
                        nhs_number=fields.get("nhs_number") or "",
                    )
            except ValidationError as error:
                _spread_errors(error, rows, address_form)
            else:
                messages.success(
                    request,
                    f"Registered {len(result.people)} "
                    f"{'person' if len(result.people) == 1 else 'people'} "
                    f"in household {result.household.card_number}.",
                )
                for person in result.same_nhs_number:
                    messages.warning(
                        request,
                        f"{person.display_name}'s NHS number is already on another record: the "
                        "two records are in the duplicate review queue.",
                    )
                return redirect("people:household", public_id=result.household.public_id)
    member_rows = [(form, duplicates.get(index, [])) for index, form in enumerate(formset.forms)]
    for form, candidates in member_rows:
        if not candidates:  # "none of the records shown is them" only when records are shown
            form.fields["create_new"].widget = forms.HiddenInput()
    return render(
        request,
        "people/register_new.html",
        {
            "address_form": address_form,
            "formset": formset,
            "member_rows": member_rows,
            "household": household,
        },
    )


def _spread_errors(error: ValidationError, rows, address_form) -> None:
    for name, messages_ in error.message_dict.items():
        if name.startswith("members["):
            index = int(name[len("members[") : name.index("]")])
            field = name.split(".", 1)[1] if "." in name else None
            form = rows[index]
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
        else:
            field = "postcode" if name == "postcode" else None
            for message in messages_:
                address_form.add_error(field, message)


@person_view
def person_detail(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="View a person's record")
    if person.public_id != public_id:
        # A merged-away record: its old address leads to the person it became.
        return redirect("people:person", public_id=person.public_id)
    household = current_household(person)
    relationships = _shown_relationships(request.user, person)
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "household": household,
            "relationships": relationships,
            "contacts": person.contact_details.all(),
            "previous_names": person.previous_names.order_by("-until"),
            "addresses": person.addresses.order_by("-start", "-pk"),
            "registrations": person.registrations.select_related("site", "service", "team"),
            "changes": [(change, change_label(change.field)) for change in changes_of(person)[:50]],
            "merges": merges_of(person),
        },
    )


@person_view
def person_edit(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Change a person's record")
    if person.public_id != public_id:
        return redirect("people:person-edit", public_id=person.public_id)
    initial = {name: getattr(person, name) for name in services.EDITABLE_FIELDS}
    for name in ("date_of_birth", "expected_date_of_delivery", "date_of_death"):
        if initial[name]:
            initial[name] = initial[name].strftime("%d/%m/%Y")
    initial["version"] = person.version
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        changes = {name: value for name, value in data.items() if name in services.EDITABLE_FIELDS}
        changes = {
            k: ("" if v is None and k not in _DATE_FIELDS else v) for k, v in changes.items()
        }
        try:
            services.person_update(
                person=person, by=request.user, expected_version=version, **changes
            )
        except services.StaleEdit as stale:
            form.add_error(None, stale.messages[0])
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "The record is updated. The change is kept in its history.")
            return redirect("people:person", public_id=person.public_id)
    return render(request, "people/person_edit.html", {"person": person, "form": form})


_DATE_FIELDS = {"date_of_birth", "expected_date_of_delivery", "date_of_death"}


@person_view
def person_move(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Change a person's address")
    if person.public_id != public_id:
        return redirect("people:person-move", public_id=person.public_id)
    form = MoveForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_move(
                person=person,
                by=request.user,
                line1=data["line1"],
                line2=data["line2"],
                town=data["town"],
                postcode=data["postcode"],
                start=data.get("start"),
                expected_version=data["version"],
            )
        except services.StaleEdit as stale:
            form.add_error(None, stale.messages[0])
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(
                request, "The new address is saved; the old one is kept in the history."
            )
            return redirect("people:person", public_id=person.public_id)
    return render(request, "people/person_move.html", {"person": person, "form": form})


@person_view
def contact_add(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Add contact details")
    if person.public_id != public_id:
        return redirect("people:contact-add", public_id=person.public_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_detail_add(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, "Contact details added.")
            return redirect("people:person", public_id=person.public_id)
    return render(request, "people/contact_add.html", {"person": person, "form": form})


@person_view
def household_detail(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    household = layer.household_for_viewer(request.user, public_id, purpose="View a family")
    members = layer.household_members_for_viewer(request.user, household, purpose="View a family")
    return render(request, "people/household.html", {"household": household, "members": members})


MERGE_ROLES = PRACTITIONER_ROLES


@person_view
def merge_confirm(
    request: AuthenticatedRequest, public_id: uuid.UUID, duplicate_id: uuid.UUID
) -> HttpResponse:
    """Confirm that two records are one person; the first one named is kept."""
    _require(request, MERGE_ROLES)
    survivor = layer.person_for_viewer(request.user, public_id, purpose="Merge duplicate records")
    duplicate = layer.person_for_viewer(
        request.user, duplicate_id, purpose="Merge duplicate records"
    )
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person_merge(
                survivor=survivor,
                duplicate=duplicate,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request, "The records are merged. The merge can be undone from this page."
            )
            return redirect("people:person", public_id=survivor.public_id)
    return render(
        request,
        "people/merge_confirm.html",
        {"survivor": survivor, "duplicate": duplicate, "form": form},
    )


@person_view
def merge_undo(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    _require(request, MERGE_ROLES)
    merge = get_object_or_404(MergeRecord, public_id=public_id)
    # Seeing the survivor is what entitles someone to undo the merge (the access layer decides).
    survivor = layer.person_for_viewer(
        request.user, merge.survivor.public_id, purpose="Undo a merge"
    )
    form = UnmergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                person_unmerge(merge=merge, by=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, MergeRefused) as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "The merge is undone: both records stand on their own again.")
            return redirect("people:person", public_id=survivor.public_id)
    return render(
        request,
        "people/merge_undo.html",
        {
            "merge": merge,
            "survivor": survivor,
            "form": form,
            "cancel": reverse("people:person", args=[survivor.public_id]),
        },
    )


@person_view
def relationship_add(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record how this person is related to someone in their household."""
    person = layer.person_for_viewer(request.user, public_id, purpose="Record a relationship")
    if person.public_id != public_id:
        return redirect("people:relationship-add", public_id=person.public_id)
    household = current_household(person)
    relatives = (
        [
            m.person
            for m in layer.household_members_for_viewer(
                request.user, household, purpose="Record a relationship"
            )
            if m.person_id != person.pk
        ]
        if household
        else []
    )
    form = RelationshipForm(request.POST or None, relatives=relatives)
    if request.method == "POST" and form.is_valid():
        relative = next(p for p in relatives if str(p.public_id) == form.cleaned_data["relative"])
        try:
            services.relationship_add(
                person=person,
                relative=relative,
                kind=form.cleaned_data["kind"],
                parental_responsibility=form.cleaned_data["parental_responsibility"],
                by=request.user,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, "Relationship recorded.")
            return redirect("people:person", public_id=person.public_id)
    return render(
        request,
        "people/relationship_add.html",
        {"person": person, "form": form, "relatives": relatives},
    )


def _shown_relationships(user, person):
    """The person's family lines with only the relatives the user may see (each logged as shown):
    a relationship names another person, who may not be shared with the user."""
    lines = family_lines(person)
    visible = layer.visible_among(user, [line.other.pk for line in lines])
    shown = [line for line in lines if line.other.pk in visible]
    layer.log_shown(user, [line.other for line in shown], purpose="Relative on a person's record")
    return shown
