"""Every write to the register. Views, the API, the import and the demo call these only.

Each service checks its input (people.validation) and raises ValidationError({field: [message]})
before writing anything, runs in one transaction, and records who did it.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.audit.log import log_change
from familyhub.people import hooks, validation
from familyhub.people.models import (
    Address,
    ContactDetail,
    Household,
    HouseholdMembership,
    NhsNumberStatus,
    Person,
    PersonChange,
    PreviousName,
    Registration,
    Relationship,
    RelationshipKind,
)
from familyhub.people.selectors import current_household
from familyhub.places import postcode_lookup
from familyhub.places.models import Area, Authority
from familyhub.services.models import Team

# The fields a person's edit form may change (the address changes through person_move, which
# keeps the address history).
EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "known_as",
    "date_of_birth",
    "expected_date_of_delivery",
    "is_unborn",
    "sex",
    "nhs_number",
    "upn",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "disability_or_send",
    "send_detail",
    "date_of_death",
)
ADDRESS_FIELDS = ("address_line1", "address_line2", "town", "postcode")
PARENT_KINDS = (
    RelationshipKind.MOTHER,
    RelationshipKind.FATHER,
    RelationshipKind.PARENT,
    RelationshipKind.STEP_PARENT,
    RelationshipKind.CARER,
    RelationshipKind.FOSTER_CARER,
    RelationshipKind.GRANDPARENT,
)


class StaleEdit(ValidationError):
    """The record changed since the editor loaded it: their edit is refused, not merged in."""


def area_for_postcode(postcode: str, *, authority: Authority | None = None) -> Area | None:
    return postcode_lookup.area_for_postcode(postcode, authority=authority)


def _record_changes(person: Person, by, changes: dict[str, tuple[Any, Any]]) -> None:
    PersonChange.objects.bulk_create(
        PersonChange(
            person=person,
            changed_by=by,
            field=name,
            old_value="" if old is None else str(old),
            new_value="" if new is None else str(new),
        )
        for name, (old, new) in changes.items()
    )


@transaction.atomic
def person_register(
    *, authority: Authority, by: User, channel: str = "page", **fields: Any
) -> Person:
    """Create a new person from checked fields (names, dates, identifiers, address...), logged.

    The caller has already searched for this person (single registration or import matching):
    this service never looks for duplicates itself. An address, when given, opens the address
    history and sets the area from the postcode lookup.
    """
    person = _create_person(authority=authority, by=by, channel=channel, **fields)
    log_change(by, [person], action="create", purpose="Register a person", channel=channel)
    return person


def _create_person(*, authority: Authority, by, channel: str = "page", **fields: Any) -> Person:
    clean = validation.clean_person_fields(fields)
    validation.check_person_rules(clean)
    address = {name: clean.pop(name, "") for name in ADDRESS_FIELDS}
    if clean.get("is_unborn"):
        clean["date_of_birth"] = None
    if clean.get("nhs_number") and not clean.get("nhs_number_status"):
        clean["nhs_number_status"] = NhsNumberStatus.NOT_TRACED  # typed: present, not traced
    person = Person(authority=authority, **clean)
    person.full_clean()
    person.save()
    _record_changes(person, by, {"record": ("", "created")})
    if address["address_line1"] and not address["postcode"]:
        # An address without a postcode (common in old records) is kept as the current address;
        # the history (Address) and the area need a postcode, so they wait for one.
        Person.objects.filter(pk=person.pk).update(
            address_line1=address["address_line1"],
            address_line2=address["address_line2"],
            town=address["town"],
        )
        person.refresh_from_db()
    elif address["postcode"]:
        _move(
            person=person,
            by=by,
            line1=address["address_line1"],
            line2=address["address_line2"],
            town=address["town"],
            postcode=address["postcode"],
            start=timezone.localdate(),
            expected_version=person.version,
            record_history=False,
        )
        person.refresh_from_db()
    hooks.tell_person_changed(person, {hooks.CREATED})
    # A second live record with an NHS number already on the register goes to the review queue.
    # (kept on the instance for the page that registered them to warn: not a model field)
    person.same_nhs_number = hooks.tell_if_duplicate_suspected(  # type: ignore[attr-defined]
        person, by=by, channel=channel
    )
    return person


@transaction.atomic
def person_update(
    *, person: Person, by: User, expected_version: int, channel: str = "page", **changes: Any
) -> Person:
    """Change a person's details, keeping who changed what from what to what.

    `expected_version` is the version the editor saw. The update is a conditional UPDATE on it:
    if anyone saved in between, StaleEdit is raised and nothing is written.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here"] for name in unknown})
    clean = validation.clean_person_fields(changes, partial=True)
    current = Person.objects.get(pk=person.pk)
    if current.version != expected_version:
        raise StaleEdit(_stale_message())
    merged = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    merged.update(clean)
    validation.check_person_rules(merged)
    diff = {
        name: (getattr(current, name), value)
        for name, value in clean.items()
        if getattr(current, name) != value
    }
    if not diff:
        return current
    if "nhs_number" in diff:
        # A typed number is not verified, whatever the one it replaces was (NHS NUMBER STATUS
        # 02, present but not traced); only a trace (nhs_number_record_trace) verifies one.
        status = NhsNumberStatus.NOT_TRACED if diff["nhs_number"][1] else ""
        if current.nhs_number_status != status:
            diff["nhs_number_status"] = (current.nhs_number_status, status)
    candidate = Person(
        **{
            **{f.attname: getattr(current, f.attname) for f in Person._meta.concrete_fields},
            **clean,
        }
    )
    candidate.full_clean(exclude=["public_id"], validate_unique=False)
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        **{name: value for name, (_, value) in diff.items()},
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise StaleEdit(_stale_message())
    _record_changes(current, by, diff)
    if "family_name" in diff and diff["family_name"][0]:
        # The old surname stays findable: matching compares previous names too.
        PreviousName.objects.create(
            person=current,
            given_name=current.given_name,
            family_name=diff["family_name"][0],
            until=timezone.localdate(),
        )
    current.refresh_from_db()
    hooks.tell_person_changed(current, diff.keys())
    if "nhs_number" in diff:
        hooks.tell_if_duplicate_suspected(current, by=by, channel=channel)
    log_change(
        by,
        [current],
        action="change",
        purpose="Change a person's record",
        channel=channel,
        detail=_changed_in_words(diff),
    )
    return current


def _changed_in_words(changed) -> str:
    """'given name, NHS number' for the log: what changed, as the record's page labels it."""
    labels = []
    for name in sorted(changed):
        try:
            label = str(getattr(Person._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:  # not a field of the person (a contact detail)
            label = name.replace("_", " ").replace(":", " ")
        labels.append(label.replace("nhs", "NHS"))
    return "changed: " + ", ".join(labels)


def _stale_message() -> str:
    return (
        "Someone else changed this record after you opened it. Your changes have not been saved: "
        "reload the page to see their changes, then make yours again."
    )


def _card_number() -> str:
    # Not a secret (it is printed on the card), but random so it says nothing about order.
    return "FH" + "".join(secrets.choice("0123456789") for _ in range(8))


@transaction.atomic
def household_create(
    *, authority: Authority, by: User | None = None, card_number: str = ""
) -> Household:
    number = card_number or _card_number()
    while not card_number and Household.objects.filter(card_number=number).exists():
        number = _card_number()
    household = Household(authority=authority, card_number=number)
    household.full_clean()
    household.save()
    return household


@transaction.atomic
def household_add_member(
    *,
    household: Household,
    person: Person,
    by: User | None = None,
    start: datetime.date | None = None,
    channel: str = "page",
) -> HouseholdMembership:
    """Add a person to a household from `start` (today by default), logged. Idempotent: an
    open membership of the same household is returned as it is."""
    membership, created = _add_member(household=household, person=person, start=start)
    if created:
        log_change(by, [person], action="change", purpose="Join a household", channel=channel)
    return membership


def _add_member(
    *, household: Household, person: Person, start: datetime.date | None = None
) -> tuple[HouseholdMembership, bool]:
    if household.authority_id != person.authority_id:
        raise ValidationError({"household": ["That household belongs to another council"]})
    existing = HouseholdMembership.objects.filter(
        household=household, person=person, end__isnull=True
    ).first()
    if existing:
        return existing, False
    membership = HouseholdMembership.objects.create(
        household=household, person=person, start=start or timezone.localdate()
    )
    return membership, True


@transaction.atomic
def household_member_leave(
    *,
    household: Household,
    person: Person,
    by: User | None = None,
    end: datetime.date | None = None,
    channel: str = "page",
) -> HouseholdMembership:
    """End a person's open membership of a household (they moved out): the row stays, so the
    household's history says who lived there and until when."""
    membership = (
        HouseholdMembership.objects.select_for_update()
        .filter(household=household, person=person, end__isnull=True)
        .first()
    )
    if membership is None:
        raise ValidationError({"person": ["This person does not live in this household now"]})
    end = end or timezone.localdate()
    if membership.start and end < membership.start:
        raise ValidationError({"end": ["The date they left must be after the date they joined"]})
    membership.end = end
    membership.save(update_fields=["end"])
    _record_changes(person, by, {"household": (household.card_number, "")})
    log_change(by, [person], action="change", purpose="Leave a household", channel=channel)
    return membership


@transaction.atomic
def relationship_add(
    *,
    person: Person,
    relative: Person,
    kind: str,
    parental_responsibility: bool = False,
    by: User | None = None,
    start: datetime.date | None = None,
    channel: str = "page",
) -> Relationship:
    """Record that `person` is the `kind` of `relative` (Jane is Tom's mother), logged for both.
    Idempotent."""
    relationship, changed = _relate(
        person=person,
        relative=relative,
        kind=kind,
        parental_responsibility=parental_responsibility,
        start=start,
    )
    if changed:
        log_change(
            by,
            [person, relative],
            action="change",
            purpose="Record a relationship",
            channel=channel,
        )
    return relationship


def _relate(
    *,
    person: Person,
    relative: Person,
    kind: str,
    parental_responsibility: bool = False,
    start: datetime.date | None = None,
) -> tuple[Relationship, bool]:
    validation.clean_relationship_kind(kind)
    if person.pk == relative.pk:
        raise ValidationError({"relative": ["A person cannot be related to themselves"]})
    if parental_responsibility and kind not in PARENT_KINDS:
        raise ValidationError(
            {"parental_responsibility": ["Only a parent or carer can have parental responsibility"]}
        )
    existing = Relationship.objects.filter(
        person=person, relative=relative, kind=kind, end__isnull=True
    ).first()
    if existing:
        if parental_responsibility and not existing.parental_responsibility:
            existing.parental_responsibility = True
            existing.save(update_fields=["parental_responsibility"])
            return existing, True
        return existing, False
    relationship = Relationship.objects.create(
        person=person,
        relative=relative,
        kind=kind,
        parental_responsibility=parental_responsibility,
        start=start,
    )
    return relationship, True


@transaction.atomic
def person_move(
    *,
    person: Person,
    by: User,
    line1: str,
    postcode: str,
    line2: str = "",
    town: str = "",
    start: datetime.date | None = None,
    expected_version: int | None = None,
    channel: str = "page",
) -> Address:
    """A new current address: ends the open one, opens this one, and sets the person's current
    address fields and area (from the postcode lookup), logged. Refused if the record is stale."""
    address = _move(
        person=person,
        by=by,
        line1=line1,
        postcode=postcode,
        line2=line2,
        town=town,
        start=start,
        expected_version=expected_version,
    )
    log_change(by, [person], action="change", purpose="Change a person's address", channel=channel)
    return address


def _move(
    *,
    person: Person,
    by,
    line1: str,
    postcode: str,
    line2: str = "",
    town: str = "",
    start: datetime.date | None = None,
    expected_version: int | None = None,
    record_history: bool = True,
) -> Address:
    errors: dict[str, list[str]] = {}
    try:
        postcode = validation.clean_postcode(postcode, required=True)
    except ValidationError as error:
        errors["postcode"] = list(error.messages)
    line1 = (line1 or "").strip()
    if not line1:
        errors["line1"] = ["Enter the first line of the address"]
    if errors:
        raise ValidationError(errors)
    start = start or timezone.localdate()
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(_stale_message())
    area = area_for_postcode(postcode, authority=locked.authority)
    Address.objects.filter(person=locked, end__isnull=True).update(end=start)
    address = Address(
        person=locked,
        line1=line1,
        line2=(line2 or "").strip(),
        town=(town or "").strip(),
        postcode=postcode,
        area=area,
        start=start,
    )
    address.full_clean()
    address.save()
    new = {"address_line1": address.line1, "address_line2": address.line2, "town": address.town}
    new.update(postcode=postcode)
    diff = {
        name: (getattr(locked, name), value)
        for name, value in new.items()
        if getattr(locked, name) != value
    }
    Person.objects.filter(pk=locked.pk).update(
        **new, area=area, version=F("version") + 1, updated_at=timezone.now()
    )
    if record_history and diff:
        _record_changes(locked, by, diff)
    changed = set(diff)
    if locked.area_id != (area.pk if area else None):
        changed.add("area")
    if changed:
        locked.refresh_from_db()
        hooks.tell_person_changed(locked, changed)
    return address


@transaction.atomic
def contact_detail_add(
    *,
    person: Person,
    by: User,
    kind: str,
    value: str,
    preferred: bool = False,
    ok_to_leave_message: bool = False,
    ok_to_text: bool = False,
    channel: str = "page",
) -> ContactDetail:
    """Add a phone number or email with the person's contact preferences. A new preferred
    contact replaces the old preference."""
    clean = validation.clean_contact(kind, value)
    if ok_to_text and kind == "email":
        raise ValidationError({"ok_to_text": ["Text messages need a mobile number"]})
    if preferred:
        ContactDetail.objects.filter(person=person, preferred=True).update(preferred=False)
    detail = ContactDetail.objects.create(
        person=person,
        kind=kind,
        value=clean,
        preferred=preferred,
        ok_to_leave_message=ok_to_leave_message,
        ok_to_text=ok_to_text,
    )
    _record_changes(person, by, {f"contact:{kind}": ("", clean)})
    log_change(by, [person], action="change", purpose="Add contact details", channel=channel)
    return detail


@transaction.atomic
def registration_record(
    *,
    person: Person,
    by: User,
    team: Team | None,
    confirmed: bool = True,
    reason: str = "",
    at: datetime.datetime | None = None,
    channel: str = "page",
) -> Registration:
    """Register a person with a team (its base and service): the involvement that lets the team
    see them, once confirmed. The caller says whether the registrar could already see the person:
    if not (`confirmed=False`), the registration waits for a manager of the team to confirm it
    (registration_confirm) and `reason` says why it was made. An open registration with the same
    team is returned as it is (confirmed if this one would be). Logged."""
    registration = _register_with_team(
        person=person, by=by, team=team, confirmed=confirmed, reason=reason, at=at
    )
    log_change(
        by,
        [person],
        action="change",
        purpose="Register with a team" if confirmed else "Ask to register with a team",
        channel=channel,
    )
    return registration


def _register_with_team(
    *, person: Person, by, team, confirmed: bool = True, reason: str = "", at=None
) -> Registration:
    now = at or timezone.now()
    site = team.base if team is not None else None
    service = team.service if team is not None else None
    existing = Registration.objects.filter(
        person=person, team=team, site=site, service=service, ended_at__isnull=True
    ).first()
    if existing:
        if confirmed and not existing.is_confirmed:
            Registration.objects.filter(pk=existing.pk).update(confirmed_at=now, confirmed_by=by)
            existing.refresh_from_db()
        return existing
    if not confirmed and len((reason or "").strip()) < 10:
        raise ValidationError(
            {"reason": ["Say why you are registering this person, in a sentence"]}
        )
    return Registration.objects.create(
        person=person,
        team=team,
        site=site,
        service=service,
        registered_by=by,
        registered_at=now,
        reason=(reason or "").strip(),
        confirmed_at=now if confirmed else None,
        confirmed_by=by if confirmed else None,
    )


@transaction.atomic
def registration_confirm(*, registration: Registration, by: User) -> Registration:
    """A manager of the registering team confirms a waiting registration (the caller has checked
    through access.layer.registrations_to_confirm that `by` may). Conditional, so two managers
    confirming at once write it once."""
    updated = Registration.objects.filter(pk=registration.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=by
    )
    registration.refresh_from_db()
    if updated:
        log_change(by, [registration.person], action="change", purpose="Registration confirmed")
    return registration


@transaction.atomic
def registration_decline(*, registration: Registration, by: User, reason: str) -> Registration:
    """A manager declines a waiting registration: it ends, unconfirmed, with the reason kept."""
    if len((reason or "").strip()) < 10:
        raise ValidationError({"reason": ["Say why the registration is declined, in a sentence"]})
    updated = Registration.objects.filter(pk=registration.pk, confirmed_at__isnull=True).update(
        ended_at=timezone.now(),
        reason=f"{registration.reason}\nDeclined by {by}: {reason.strip()}".strip(),
    )
    registration.refresh_from_db()
    if updated:
        log_change(by, [registration.person], action="change", purpose="Registration declined")
    return registration


# --- single registration: one service for the pages and the API --------------------------


@dataclass
class FamilyMember:
    """One person in a family registration: an existing record (public_id) or new details."""

    role: str  # "parent" (an adult in the family) or "child"
    existing: uuid.UUID | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    relationship: str = RelationshipKind.PARENT  # for parents: how they are related to the children
    parental_responsibility: bool = True
    create_new: bool = False  # the registrar saw the candidates and chose a new record


@dataclass
class FamilyRegistration:
    household: Household
    people: list[Person]
    created: list[Person]
    reused: list[Person]

    @property
    def same_nhs_number(self) -> list[Person]:
        """New records whose NHS number was already on the register (queued for review)."""
        return [p for p in self.created if getattr(p, "same_nhs_number", None)]


class PossibleDuplicates(ValidationError):
    """A new person looks like someone already registered: the caller must choose.
    `same_nhs_number` holds the members whose NHS number is already on a live record."""

    def __init__(
        self, matches: dict[int, list[Any]], same_nhs_number: frozenset[int] = frozenset()
    ):
        self.matches = matches
        self.same_nhs_number = same_nhs_number
        super().__init__(
            {
                f"members[{index}]": [
                    "This person may already be registered: choose the existing record or "
                    "confirm that they are new"
                ]
                for index in matches
            }
        )


# A candidate at least this likely is shown to the registrar before a new record is made:
# a wrong "maybe" costs one tick, a missed duplicate costs a family telling its story twice.
DUPLICATE_PROBABILITY = 0.5


@transaction.atomic
def family_register(
    *,
    authority: Authority,
    by: User,
    members: list[FamilyMember],
    team: Team | None,
    address: dict[str, str] | None = None,
    household: Household | None = None,
    resolve_existing=None,
    search=None,
    channel: str = "page",
) -> FamilyRegistration:
    """Register a family once: reuse existing records, create new ones, put everyone in one
    household, relate parents to children (with parental responsibility) and register everyone
    with the registering team. One access-log entry per person: "create" for the new, "change"
    for the existing.

    Every new member without `create_new` is searched for first; likely matches raise
    PossibleDuplicates and nothing is written. `resolve_existing(public_id) -> Person` fetches an
    existing record the registrar may already see, through the access layer (it raises Http404
    for anyone else: someone the registrar cannot see is registered on their own, with a reason,
    and a manager of the team confirms it; their household is never changed by someone who
    cannot see it). All or nothing: one transaction.
    """
    if not members:
        raise ValidationError({"members": ["Add at least one person"]})
    address = {k: (v or "").strip() for k, v in (address or {}).items()}
    errors: dict[str, list[str]] = {}
    if address.get("postcode"):
        try:
            address["postcode"] = validation.clean_postcode(address["postcode"])
        except ValidationError as error:
            errors["postcode"] = list(error.messages)
    # Check every new member before writing anything, naming the member and field.
    for index, member in enumerate(members):
        if member.role not in ("parent", "child"):
            errors[f"members[{index}].role"] = ["Say whether this is a parent or a child"]
        if member.existing is not None:
            continue
        try:
            clean = validation.clean_person_fields(member.fields)
            validation.check_person_rules(clean)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[f"members[{index}].{name}"] = messages
        if member.role == "parent":
            try:
                validation.clean_relationship_kind(member.relationship)
            except ValidationError:
                errors[f"members[{index}].relationship"] = ["Select how they are related"]
    if errors:
        raise ValidationError(errors)
    if search is not None:
        matches: dict[int, list[Any]] = {}
        same_nhs: set[int] = set()
        for index, member in enumerate(members):
            if member.existing is not None or member.create_new:
                continue
            fields = validation.clean_person_fields(member.fields)
            found = search(
                authority=authority,
                given_name=fields.get("given_name", ""),
                family_name=fields.get("family_name", ""),
                date_of_birth=fields.get("date_of_birth"),
                postcode=fields.get("postcode") or address.get("postcode", ""),
                nhs_number=fields.get("nhs_number", ""),
                sex=fields.get("sex", ""),
                limit=5,
            )
            likely = [c for c in found if c.probability >= DUPLICATE_PROBABILITY]
            if fields.get("nhs_number") and hooks.same_nhs_number(
                fields["nhs_number"], authority_id=authority.pk
            ):
                # The same NHS number is flagged however different the other details look.
                same_nhs.add(index)
                likely = likely or list(found)
            if likely or index in same_nhs:
                matches[index] = likely
        if matches:
            raise PossibleDuplicates(matches, frozenset(same_nhs))

    people: list[tuple[FamilyMember, Person]] = []
    created: list[Person] = []
    reused: list[Person] = []
    for index, member in enumerate(members):
        if member.existing is not None:
            if resolve_existing is None:
                raise ValidationError({"members": ["Existing records cannot be chosen here"]})
            try:
                person = resolve_existing(member.existing)
            except Http404:
                raise ValidationError(
                    {
                        f"members[{index}]": [
                            "This record is not shared with your service, so they cannot be "
                            "added to a family here. Register them with your service on their "
                            "own first (your team leader confirms it)."
                        ]
                    }
                )
            reused.append(person)
        else:
            fields = dict(member.fields)
            for name, value in (
                ("address_line1", address.get("line1", "")),
                ("address_line2", address.get("line2", "")),
                ("town", address.get("town", "")),
                ("postcode", address.get("postcode", "")),
            ):
                if value and not fields.get(name):
                    fields[name] = value
            person = _create_person(authority=authority, by=by, channel=channel, **fields)
            created.append(person)
        people.append((member, person))

    if household is None:
        for _, person in people:
            household = current_household(person)
            if household is not None:
                break
    if household is None:
        household = household_create(authority=authority, by=by)
    for _, person in people:
        _add_member(household=household, person=person)
    parents = [(m, p) for m, p in people if m.role == "parent"]
    children = [p for m, p in people if m.role == "child"]
    for member, parent in parents:
        for child in children:
            _relate(
                person=parent,
                relative=child,
                kind=member.relationship,
                parental_responsibility=member.parental_responsibility,
            )
    for index, child in enumerate(children):
        for sibling in children[index + 1 :]:
            _relate(person=child, relative=sibling, kind=RelationshipKind.SIBLING)
            _relate(person=sibling, relative=child, kind=RelationshipKind.SIBLING)
    for _, person in people:
        _register_with_team(person=person, by=by, team=team)
    log_change(by, created, action="create", purpose="Register a family", channel=channel)
    log_change(by, reused, action="change", purpose="Register a family", channel=channel)
    return FamilyRegistration(
        household=household, people=[p for _, p in people], created=created, reused=reused
    )


@transaction.atomic
def nhs_number_record_trace(
    *,
    person: Person,
    by: User | None,
    status: str,
    expected_version: int,
    nhs_number: str | None = None,
    channel: str = "task",
    purpose: str = "Trace the NHS number",
) -> Person:
    """Record what an NHS number trace found (or what a practitioner decided on its answer): the
    NHS NUMBER STATUS INDICATOR, and the number when one is given. The only way the status
    changes. Conditional on `expected_version` like person_update: a record changed since the
    trace read it raises StaleEdit and nothing is written."""
    if status not in NhsNumberStatus.values:
        raise ValidationError({"nhs_number_status": ["Choose an NHS number status"]})
    changes: dict[str, Any] = {"nhs_number_status": status}
    if nhs_number is not None:
        changes.update(validation.clean_person_fields({"nhs_number": nhs_number}, partial=True))
    current = Person.objects.get(pk=person.pk)
    diff = {
        name: (getattr(current, name), value)
        for name, value in changes.items()
        if getattr(current, name) != value
    }
    if current.version != expected_version:
        raise StaleEdit(_stale_message())
    if not diff:
        return current
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        **{name: value for name, (_, value) in diff.items()},
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise StaleEdit(_stale_message())
    _record_changes(current, by, diff)
    current.refresh_from_db()
    hooks.tell_person_changed(current, diff.keys())
    if "nhs_number" in diff:
        hooks.tell_if_duplicate_suspected(current, by=by, channel=channel)
    log_change(
        by,
        [current],
        action="change",
        purpose=purpose,
        channel=channel,
        detail=_changed_in_words(diff),
    )
    return current
