"""Pages of the register: single registration, a person, a family, merge and unmerge.

Views are thin: parse, get people through the access layer (people.access), call a service,
redirect. Every view that shows a person is marked with person_view for the URL-walk test.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from familyhub.access.layer import person_view
from familyhub.accounts.roles import PRACTITIONER_ROLES
from familyhub.core.forms import GovukDateInput
from familyhub.people import access, services
from familyhub.people.forms import (
    AddressForm,
    CandidateSearchForm,
    ContactForm,
    MemberFormSet,
    MergeForm,
    MoveForm,
    PersonEditForm,
    RelationshipForm,
    UnmergeForm,
)
from familyhub.people.merging import MergeRefused, person_merge, person_unmerge
from familyhub.people.models import MergeRecord
from familyhub.people.registration import find_candidates
from familyhub.people.selectors import (
    authority_of,
    change_label,
    changes_of,
    current_household,
    family_lines,
    household_members,
    merges_of,
    registering_unit,
)

REGISTER_ROLES = PRACTITIONER_ROLES


def _require(request: HttpRequest, roles) -> None:
    if getattr(request.user, "role", "") not in roles and not request.user.is_superuser:
        raise PermissionDenied


def _search_form(request: HttpRequest) -> tuple[CandidateSearchForm, list]:
    form = CandidateSearchForm(request.GET or None)
    candidates: list = []
    if form.is_bound and form.is_valid() and form.has_query():
        candidates = find_candidates(request.user, **form.cleaned_data)
    return form, candidates


@person_view
def register(request: HttpRequest) -> HttpResponse:
    """Search first: the registrar types a name, date of birth and postcode; likely existing
    records appear (as they type, with JavaScript; after 'Search' without it)."""
    _require(request, REGISTER_ROLES)
    form, candidates = _search_form(request)
    return render(
        request,
        "people/register.html",
        {"form": form, "candidates": candidates, "searched": form.is_bound and form.is_valid()},
    )


@person_view
def register_candidates(request: HttpRequest) -> HttpResponse:
    """The candidate list alone, as an HTML fragment for the page's script."""
    _require(request, REGISTER_ROLES)
    form, candidates = _search_form(request)
    return render(
        request,
        "people/_candidates.html",
        {"form": form, "candidates": candidates, "searched": form.is_bound and form.is_valid()},
    )


@person_view
@require_POST
def register_existing(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Reuse an existing record: register that person with the registrar's site and service."""
    _require(request, REGISTER_ROLES)
    candidates = access.match_candidates_for_registration(
        request.user, _person_queryset().filter(public_id=public_id)
    )
    person = candidates.first()
    if person is None:
        raise Http404("No such person")
    site, service = registering_unit(request.user)
    services.registration_record(person=person, by=request.user, site=site, service=service)
    messages.success(request, f"{person.display_name} is registered with your service.")
    return redirect("people:person", public_id=person.public_id)


def _person_queryset():
    from familyhub.people.models import Person

    return Person.objects.all()


@person_view
def register_new(request: HttpRequest) -> HttpResponse:
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
        household = access.household_for_viewer(
            request.user, household_id, purpose="Add people to a family", channel="page"
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
            site, service = registering_unit(request.user)
            try:
                result = services.family_register(
                    authority=authority_of(request.user),
                    by=request.user,
                    members=members,
                    site=site,
                    service=service,
                    address=address_form.cleaned_data,
                    household=household,
                    resolve_existing=lambda public_id: _chosen_candidate(request.user, public_id),
                    search=access.search_candidates,
                )
            except services.PossibleDuplicates as possible:
                for index in possible.matches:
                    form = rows[index]
                    form.add_error(
                        None,
                        "This person may already be registered: choose their record below, or "
                        "tick 'This is a new person'",
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
                return redirect("people:household", public_id=result.household.public_id)
    member_rows = [(form, duplicates.get(index, [])) for index, form in enumerate(formset.forms)]
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


def _chosen_candidate(user, public_id):
    person = access.match_candidates_for_registration(
        user, _person_queryset().filter(public_id=public_id)
    ).first()
    if person is None:
        raise ValidationError({"members": ["That record cannot be chosen"]})
    return person


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
def person_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = access.person_for_viewer(
        request.user, public_id, purpose="View a person's record", channel="page"
    )
    if person.public_id != public_id:
        # A merged-away record: its old address leads to the person it became.
        return redirect("people:person", public_id=person.public_id)
    household = current_household(person)
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "household": household,
            "relationships": family_lines(person),
            "contacts": person.contact_details.all(),
            "previous_names": person.previous_names.order_by("-until"),
            "addresses": person.addresses.order_by("-start", "-pk"),
            "registrations": access.registrations_of(person),
            "changes": [(change, change_label(change.field)) for change in changes_of(person)[:50]],
            "merges": merges_of(person),
        },
    )


@person_view
def person_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = access.person_for_viewer(
        request.user, public_id, purpose="Change a person's record", channel="page", action="change"
    )
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
def person_move(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = access.person_for_viewer(
        request.user,
        public_id,
        purpose="Change a person's address",
        channel="page",
        action="change",
    )
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
def contact_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = access.person_for_viewer(
        request.user, public_id, purpose="Add contact details", channel="page", action="change"
    )
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
def household_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    household = access.household_for_viewer(
        request.user, public_id, purpose="View a family", channel="page"
    )
    visible = access.visible_people(request.user, channel="page")
    members = [
        membership
        for membership in household_members(household)
        if visible.filter(pk=membership.person_id).exists()
    ]
    return render(request, "people/household.html", {"household": household, "members": members})


MERGE_ROLES = PRACTITIONER_ROLES


@person_view
def merge_confirm(
    request: HttpRequest, public_id: uuid.UUID, duplicate_id: uuid.UUID
) -> HttpResponse:
    """Confirm that two records are one person; the first one named is kept."""
    _require(request, MERGE_ROLES)
    survivor = access.person_for_viewer(
        request.user, public_id, purpose="Merge duplicate records", channel="page"
    )
    duplicate = access.person_for_viewer(
        request.user, duplicate_id, purpose="Merge duplicate records", channel="page"
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
def merge_undo(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require(request, MERGE_ROLES)
    merge = get_object_or_404(MergeRecord, public_id=public_id)
    # Seeing the survivor is what entitles someone to undo the merge (the access layer decides).
    survivor = access.person_for_viewer(
        request.user, merge.survivor.public_id, purpose="Undo a merge", channel="page"
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
def relationship_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record how this person is related to someone in their household."""
    person = access.person_for_viewer(
        request.user, public_id, purpose="Record a relationship", channel="page", action="change"
    )
    if person.public_id != public_id:
        return redirect("people:relationship-add", public_id=person.public_id)
    household = current_household(person)
    visible = access.visible_people(request.user, channel="page")
    relatives = (
        [
            m.person
            for m in household_members(household)
            if m.person_id != person.pk and visible.filter(pk=m.person_id).exists()
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
