"""Every write to contacts: recording one (contact_create) and changing it (contact_update),
each with the Making Every Contact Count prompts it offered and their answers.

Each is one transaction that logs its write (audit.log_change) and then tells referrals that the
service has been in contact with the person (referrals.services.first_contact_made). A change is
one conditional UPDATE on the contact's version: if someone changed the contact after the caller
read it, nothing is written and ContactConflict says so.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from familyhub.access.records import Category, category_choices
from familyhub.accounts.models import User
from familyhub.audit.log import log_change
from familyhub.contacts.models import (
    Answer,
    Contact,
    ContactKind,
    HouseholdSmoking,
    ParentWork,
    PostnatalMood,
    Prompt,
    PromptAnswer,
)
from familyhub.contacts.permissions import HEALTH_SERVICE_KINDS, recording_teams
from familyhub.contacts.prompts import household_members, prompts_due, prompts_of
from familyhub.people.models import Household, Person
from familyhub.referrals.services import current_household, first_contact_made
from familyhub.services.models import Team


class ContactConflict(Exception):
    """The contact changed after the caller read it; nothing was saved."""

    def __init__(self, contact: Contact) -> None:
        self.contact = contact
        who = f" ({contact.recorded_by})" if contact.recorded_by_id else ""
        super().__init__(
            f"Someone else changed this contact{who} while you had it open. Your changes were "
            "not saved. Read the contact as it is now and make your changes again."
        )


def prompt_field(prompt: Prompt) -> str:
    """The name a prompt's answer has in forms and in error messages."""
    return f"prompt_{prompt.pk}"


@dataclass
class ContactDetails:
    """What a practitioner records about a contact (the form and the API give the same)."""

    contact_on: datetime.date | None
    kind: str
    seen: Iterable[Person] = ()
    discussed: str = ""
    present: str = ""
    child_voice: str = ""
    agreed: str = ""
    next_contact_on: datetime.date | None = None
    category: str = ""
    # Whether the family may read it on their side (None on a change: leave it as it is).
    for_family: bool | None = None
    # What the practitioner learned (blank: not asked): HouseholdSmoking, ParentWork,
    # PostnatalMood values.
    household_smoking: str = ""
    parent_work: str = ""
    postnatal_mood: str = ""
    # Prompt id -> answer ("" or absent: offered and not answered).
    answers: Mapping[int, str] = field(default_factory=dict)


def _default_category(team: Team) -> str:
    return Category.HEALTH if team.service.kind in HEALTH_SERVICE_KINDS else Category.GENERAL


LEARNED = {
    "household_smoking": (HouseholdSmoking, "smoking in the household"),
    "parent_work": (ParentWork, "the parent's work or training"),
    "postnatal_mood": (PostnatalMood, "postnatal mood"),
}


def _learned_errors(details: ContactDetails) -> dict[str, str]:
    return {
        name: f"Select {words} from the list, or leave it as not asked"
        for name, (choices, words) in LEARNED.items()
        if getattr(details, name) and getattr(details, name) not in choices.values
    }


def _clean(
    details: ContactDetails, *, person: Person, household: Household | None
) -> tuple[dict[str, str], list[Person]]:
    """The details' errors by field, and who was seen (each checked to be in the family)."""
    errors: dict[str, str] = _learned_errors(details)
    today = timezone.localdate()
    if details.contact_on is None:
        errors["contact_on"] = "Enter the date of the contact"
    elif details.contact_on > today:
        errors["contact_on"] = "The date of the contact must be today or in the past"
    if details.kind not in ContactKind.values:
        errors["kind"] = "Select the type of contact"
    family = {member.pk for member in household_members(person, household)}
    seen = list(dict.fromkeys(details.seen or []))
    if not seen:
        errors["seen"] = "Select who was seen or spoken to"
    elif any(member.pk not in family for member in seen):
        errors["seen"] = "Select who was seen or spoken to from the family's members"
    if not (details.discussed or "").strip():
        errors["discussed"] = "Enter what was discussed"
    if (
        details.next_contact_on is not None
        and details.contact_on is not None
        and details.next_contact_on <= details.contact_on
    ):
        errors["next_contact_on"] = "The date of the next contact must be after this contact"
    if details.category and details.category not in dict(category_choices()):
        errors["category"] = "Select a category from the list"
    return errors, seen


def _check_answers(
    answers: Mapping[int, str], offered: Mapping[int, Prompt], errors: dict[str, str]
) -> None:
    for prompt_id, answer in answers.items():
        name = f"prompt_{prompt_id}"
        if prompt_id not in offered:
            errors[name] = "Answer only the prompts on the form: reload the page and try again"
        elif answer and answer not in Answer.values:
            errors[name] = f"Select an answer to “{offered[prompt_id].question}” from the list"


def _save_answers(
    contact: Contact,
    offered: Iterable[Prompt],
    answers: Mapping[int, str],
    by: User,
    *,
    existing: Mapping[int, PromptAnswer] | None = None,
) -> None:
    """A row for every prompt offered; an answer (and when it was given) where one was given.
    An answer left as it was keeps its time."""
    now = timezone.now()
    rows = existing or {}
    for prompt in offered:
        answer = answers.get(prompt.pk) or ""
        row = rows.get(prompt.pk)
        if row is None:
            PromptAnswer.objects.create(
                contact=contact,
                prompt=prompt,
                person=contact.person,
                answer=answer,
                answered_at=now if answer else None,
                answered_by=by if answer else None,
            )
        elif row.answer != answer:
            PromptAnswer.objects.filter(pk=row.pk).update(
                answer=answer,
                answered_at=now if answer else None,
                answered_by=by if answer else None,
            )


def contact_create(
    *,
    person: Person,
    by: User,
    team: Team | None,
    details: ContactDetails,
    channel: str = "page",
) -> Contact:
    """Record a contact with a person (and their family) for the recorder's team, with the
    answers to the prompts it offers (contacts.prompts.prompts_due). Raises ValidationError
    naming each field that is wrong; nothing is saved then."""
    if person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
    household = current_household(person)
    errors, seen = _clean(details, person=person, household=household)
    if team is None or not recording_teams(by, person.authority_id).filter(pk=team.pk).exists():
        errors["team"] = "Select the team you are recording the contact for"
    offered = {prompt.pk: prompt for prompt in prompts_due(person, household)}
    # A prompt answered although it is not due (another contact answered it meanwhile) is kept
    # with its answer: the practitioner asked it.
    extra = [
        prompt_id
        for prompt_id, answer in details.answers.items()
        if answer and prompt_id not in offered
    ]
    if extra:
        offered |= {p.pk: p for p in prompts_of(person.authority_id).filter(pk__in=extra)}
    _check_answers(details.answers, offered, errors)
    if errors:
        raise ValidationError(errors)
    assert team is not None and details.contact_on is not None
    with transaction.atomic():
        contact = Contact(
            person=person,
            owning_service=team.service,
            category=details.category or _default_category(team),
            recorded_by=by,
            household=household,
            team=team,
            contact_on=details.contact_on,
            kind=details.kind,
            present=(details.present or "").strip(),
            child_voice=(details.child_voice or "").strip(),
            discussed=details.discussed.strip(),
            agreed=(details.agreed or "").strip(),
            next_contact_on=details.next_contact_on,
            for_family=bool(details.for_family),
            household_smoking=details.household_smoking,
            parent_work=details.parent_work,
            postnatal_mood=details.postnatal_mood,
        )
        contact.full_clean(exclude=["person", "owning_service", "recorded_by", "household", "team"])
        contact.save()
        contact.seen.set(seen)
        _save_answers(contact, offered.values(), details.answers, by)
        log_change(
            by,
            [person],
            action="create",
            purpose="Record a contact",
            channel=channel,
            detail=str(contact.public_id),
        )
        first_contact_made(person=person, service=team.service, on=contact.contact_on)
    return contact


def contact_update(
    *,
    contact: Contact,
    by: User,
    version: int,
    details: ContactDetails,
    channel: str = "page",
) -> Contact:
    """Change a contact (the caller checked the user may: contacts.permissions.can_change) and
    the answers to the prompts it offered. `version` is the version the user saw: if the contact
    changed since, nothing is saved and ContactConflict says so."""
    errors, seen = _clean(details, person=contact.person, household=contact.household)
    existing = {row.prompt_id: row for row in contact.answers.select_related("prompt")}
    offered = {prompt_id: row.prompt for prompt_id, row in existing.items()}
    _check_answers(details.answers, offered, errors)
    if errors:
        raise ValidationError(errors)
    assert details.contact_on is not None
    category = details.category or contact.category
    with transaction.atomic():
        updated = Contact.objects.filter(pk=contact.pk, version=version).update(
            contact_on=details.contact_on,
            kind=details.kind,
            present=(details.present or "").strip(),
            child_voice=(details.child_voice or "").strip(),
            discussed=details.discussed.strip(),
            agreed=(details.agreed or "").strip(),
            next_contact_on=details.next_contact_on,
            category=category,
            for_family=contact.for_family if details.for_family is None else details.for_family,
            household_smoking=details.household_smoking,
            parent_work=details.parent_work,
            postnatal_mood=details.postnatal_mood,
            version=F("version") + 1,
        )
        if updated != 1:
            contact.refresh_from_db()
            raise ContactConflict(contact)
        contact.refresh_from_db()
        contact.seen.set(seen)
        _save_answers(contact, offered.values(), details.answers, by, existing=existing)
        log_change(
            by,
            [contact.person],
            action="change",
            purpose="Change a contact",
            channel=channel,
            detail=str(contact.public_id),
        )
        first_contact_made(
            person=contact.person, service=contact.owning_service, on=contact.contact_on
        )
    return contact
