"""Pages of contacts. Thin: check access, parse, call a service, redirect."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from familyhub.access import layer
from familyhub.access.layer import person_view
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.contacts import permissions, services
from familyhub.contacts.forms import ContactForm
from familyhub.contacts.models import Contact, Prompt
from familyhub.contacts.prompts import household_members, prompts_due, prompts_of
from familyhub.people.models import Person
from familyhub.referrals.services import current_household


def _visible_members(request, person: Person, household, *, purpose: str) -> list[Person]:
    """The family's members this user may see (the form lists their names), noted as shown."""
    members = household_members(person, household)
    visible = layer.visible_among(request.user, [m.pk for m in members])
    shown = [m for m in members if m.pk in visible]
    layer.log_shown(request.user, shown, purpose=purpose)
    return shown


def _answered_in(request, authority_id: int) -> list[Prompt]:
    """Prompts of the council answered in the posted form (kept on the form if another contact
    answered them meanwhile, so the answer is not lost)."""
    ids = []
    for key, value in request.POST.items():
        if key.startswith("prompt_") and value and key[7:].isdigit():
            ids.append(int(key[7:]))
    return list(prompts_of(authority_id).filter(pk__in=ids)) if ids else []


def _to_contact(contact: Contact) -> HttpResponse:
    return redirect("contacts:contact", public_id=contact.public_id)


@person_view
def contact_new(request: AuthenticatedRequest, person_id: uuid.UUID) -> HttpResponse:
    purpose = "Record a contact"
    person = layer.person_for_viewer(request.user, person_id, purpose=purpose)
    teams = list(permissions.recording_teams(request.user, person.authority_id))
    if not teams:
        raise Http404("No such page")
    household = current_household(person)
    members = _visible_members(request, person, household, purpose=purpose)
    prompts = prompts_due(person, household)
    if request.method == "POST":
        due = {prompt.pk for prompt in prompts}
        prompts += [p for p in _answered_in(request, person.authority_id) if p.pk not in due]
        prompts.sort(key=lambda prompt: (prompt.order, prompt.pk))
    form = ContactForm(
        request.POST or None,
        teams=teams,
        members=members,
        prompts=prompts,
        initial={"seen": [person.pk]},
    )
    if request.method == "POST" and form.is_valid():
        team = form.cleaned_data.get("team") or teams[0]
        try:
            contact = services.contact_create(
                person=person, by=request.user, team=team, details=form.details()
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Contact recorded.")
            return _to_contact(contact)
    return render(
        request,
        "contacts/form.html",
        {
            "form": form,
            "person": person,
            "title": "Record a contact",
            "button": "Save the contact",
            "back": ("people:person", person.public_id),
        },
        status=400 if request.method == "POST" else 200,
    )


@person_view
def contact(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    record = permissions.contact_for_viewer(request.user, public_id, purpose="A contact")
    seen = list(record.seen.all())
    visible = layer.visible_among(request.user, [p.pk for p in seen])
    seen_shown = [p for p in seen if p.pk in visible]
    layer.log_shown(request.user, seen_shown, purpose="A contact")
    return render(
        request,
        "contacts/contact.html",
        {
            "contact": record,
            "seen": seen_shown,
            "seen_hidden": len(seen) - len(seen_shown),
            "answers": list(record.answers.select_related("prompt")),
            "can_change": permissions.can_change(request.user, record),
            "person_shown": layer.can_see(request.user, record.person),
        },
    )


@person_view
def contact_edit(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    purpose = "Change a contact"
    record = permissions.contact_for_change(request.user, public_id, purpose=purpose)
    members = _visible_members(request, record.person, record.household, purpose=purpose)
    answers = list(record.answers.select_related("prompt"))
    initial = {
        "contact_on": record.contact_on,
        "kind": record.kind,
        "seen": [p.pk for p in record.seen.all()],
        "present": record.present,
        "child_voice": record.child_voice,
        "discussed": record.discussed,
        "agreed": record.agreed,
        "next_contact_on": record.next_contact_on,
        "category": record.category if record.category not in ("general", "health") else "",
        "for_family": "yes" if record.for_family else "no",
        "household_smoking": record.household_smoking,
        "parent_work": record.parent_work,
        "postnatal_mood": record.postnatal_mood,
        "version": record.version,
        **{services.prompt_field(row.prompt): row.answer for row in answers},
    }
    form = ContactForm(
        request.POST or None,
        members=members,
        prompts=[row.prompt for row in answers],
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                contact=record,
                by=request.user,
                version=form.cleaned_data["version"],
                details=form.details(),
            )
        except services.ContactConflict as conflict:
            messages.error(request, str(conflict))
            return _to_contact(record)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Contact changed.")
            return _to_contact(record)
    return render(
        request,
        "contacts/form.html",
        {
            "form": form,
            "person": record.person,
            "title": "Change the contact",
            "button": "Save the changes",
            "back": ("contacts:contact", record.public_id),
        },
        status=400 if request.method == "POST" else 200,
    )
