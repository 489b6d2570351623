"""Every write of the births part: receiving NHS event messages, applying them, the queue.

Receipt (`receive`) stores the bytes at once, in their own transaction, keyed by message id and
digest: a message delivered twice is one row. Processing (`process_pending`, `process_message`)
applies each stored message in one transaction of its own, so a crash part way through a batch
leaves every message either wholly applied or still `received` for the next run. A message that
cannot be read, or whose people cannot be matched with certainty, is `queued` with the reason
and the matching engine's candidates; a person resolves it (`resolve_*`), and nothing is lost:
a rejected message is kept with who rejected it and why.

Every write to a person is logged with `log_change` in the same transaction (the register's own
services log theirs too). Background writes have no user: the access log shows the channel
"task" and the message id in the detail.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta
from typing import cast

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.audit.log import log_change
from familyhub.births import nems
from familyhub.births.models import (
    BirthNotification,
    Channel,
    MessageStatus,
    QueueReason,
    ReceivedMessage,
    Resolution,
)
from familyhub.childhealth.models import NewbornScreen
from familyhub.childhealth.services import newborn_outcome_record, service_for
from familyhub.matching.search import Candidate, search_candidates
from familyhub.people import services as people_services
from familyhub.people.models import NhsNumberStatus, Person, RelationshipKind
from familyhub.people.selectors import current_household
from familyhub.places.models import Authority
from familyhub.referrals.services import receiving_team_for
from familyhub.services.models import ServiceKind
from familyhub.services.selectors import deployment_authority

logger = logging.getLogger(__name__)

# The matching engine's probability (0-1) above which one candidate is taken as the person,
# when no other candidate comes near and nothing (an NHS number) says it is someone else.
CERTAIN = 0.99
# Candidates at or above this are worth a person's look: the message waits for them.
WORTH_A_LOOK = 0.5
# How far apart an unborn record's expected date and the actual date of birth may be.
UNBORN_WINDOW = timedelta(weeks=10)


class Queue(Exception):
    """The message waits for a person: why, and whom the matching engine offered."""

    def __init__(self, reason: str, detail: str, candidates: list[Candidate] | None = None):
        super().__init__(detail)
        self.reason, self.detail, self.candidates = reason, detail, candidates or []


def _actor(by: User | None) -> User:
    """The register's services name their user; a background write has none, and the access
    log records it as the system (no user) with the channel "task"."""
    return cast(User, by)


def home_authority() -> Authority:
    authority = deployment_authority() or Authority.objects.order_by("pk").first()
    if authority is None:
        raise RuntimeError("No council is loaded: run familyhub load-reference first.")
    return authority


# --- receipt ---------------------------------------------------------------------------------


def receive(
    raw: bytes, *, channel: str, filename: str = "", authority: Authority | None = None
) -> tuple[ReceivedMessage, bool]:
    """Store a message as it arrived; (row, created). The same bytes again are the same row."""
    authority = authority or home_authority()
    message_id, event = nems.peek_message_id(raw)
    digest = nems.digest(raw)
    with transaction.atomic():
        return ReceivedMessage.objects.get_or_create(
            authority=authority,
            message_id=(message_id or f"sha256:{digest}")[:120],
            digest=digest,
            defaults={
                "content": raw.decode("utf-8", errors="replace"),
                "channel": channel,
                "filename": filename[:255],
                "event": event[:64],
            },
        )


def receive_many(
    items: list[tuple[bytes, str]], *, channel: str, authority: Authority | None = None
) -> list[int]:
    """Store a folder's worth of messages ((bytes, filename) each) in one transaction, as
    `receive` would one by one (the same bytes twice are one row); their ids, in order. A crash
    before the commit stores none of them, and their files are still in the folder."""
    authority = authority or home_authority()
    rows = []
    for raw, filename in items:
        message_id, event = nems.peek_message_id(raw)
        digest = nems.digest(raw)
        rows.append(
            ReceivedMessage(
                authority=authority,
                message_id=(message_id or f"sha256:{digest}")[:120],
                digest=digest,
                content=raw.decode("utf-8", errors="replace"),
                channel=channel,
                filename=filename[:255],
                event=event[:64],
            )
        )
    with transaction.atomic():
        ReceivedMessage.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    keys = {(row.message_id, row.digest) for row in rows}
    found = {
        (message_id, digest): pk
        for pk, message_id, digest in ReceivedMessage.objects.filter(
            authority=authority, message_id__in={key[0] for key in keys}
        ).values_list("pk", "message_id", "digest")
    }
    return [found[(row.message_id, row.digest)] for row in rows]


# --- processing ------------------------------------------------------------------------------


def process_pending(*, limit: int | None = None) -> dict[str, int]:
    """Apply every message still `received`, oldest first, one transaction each."""
    counts: dict[str, int] = {}
    pending = ReceivedMessage.objects.filter(status=MessageStatus.RECEIVED).order_by("pk")
    ids = list(
        pending.values_list("pk", flat=True)[:limit]
        if limit
        else pending.values_list("pk", flat=True)
    )
    for pk in ids:
        status = process_message(pk)
        counts[status] = counts.get(status, 0) + 1
    return counts


def process_message(pk: int) -> str:
    """Apply one stored message; returns its status afterwards.

    A database failure propagates (the message stays `received` for the next run). Any other
    failure is a message we could not handle: it is queued with the error, so one bad message
    never stops the ones behind it.
    """
    try:
        with transaction.atomic():
            message = ReceivedMessage.objects.select_for_update().get(pk=pk)
            if message.status != MessageStatus.RECEIVED:
                return message.status
            _process(message)
            return message.status
    except DatabaseError:
        raise
    except Exception as error:  # a bug or a message no rule foresaw: a person looks at it
        logger.exception("Birth message %s could not be processed", pk)
        with transaction.atomic():
            message = ReceivedMessage.objects.select_for_update().get(pk=pk)
            if message.status == MessageStatus.RECEIVED:
                _queue(message, Queue(QueueReason.UNREADABLE, f"Could not be processed: {error}"))
            return message.status


def _process(message: ReceivedMessage, **overrides) -> None:
    try:
        event = nems.parse(message.content.encode("utf-8"))
    except nems.Unreadable as error:
        _queue(message, Queue(error.reason, error.detail))
        return
    message.event = event.event
    try:
        # A savepoint: a message queued half way through leaves none of its writes behind.
        with transaction.atomic():
            if isinstance(event, nems.Birth):
                _apply_birth(message, event, **overrides)
            else:
                _apply_outcome(message, event, **overrides)
    except Queue as waiting:
        _queue(message, waiting)


def _queue(message: ReceivedMessage, waiting: Queue) -> None:
    message.status = MessageStatus.QUEUED
    message.person = None  # whatever the rolled-back attempt set is gone
    message.reason = waiting.reason
    message.reason_detail = waiting.detail[:500]
    message.candidates = [
        {"person_id": c.person_id, "probability": c.probability, "fields": c.fields}
        for c in waiting.candidates
    ]
    message.processed_at = timezone.now()
    message.save()


def _done(message: ReceivedMessage, status: str, person: Person | None, detail: str = "") -> None:
    message.status = status
    message.person = person
    message.reason = ""
    message.reason_detail = detail[:500]
    message.candidates = []
    message.processed_at = timezone.now()
    message.save()


# --- matching --------------------------------------------------------------------------------


def _by_nhs_number(authority: Authority, number: str) -> Person | None:
    if not number:
        return None
    found = list(
        Person.objects.filter(
            authority=authority, nhs_number=number, merged_into__isnull=True
        ).order_by("pk")[:2]
    )
    return found[0] if len(found) == 1 else None


def _candidates(authority: Authority, who: nems.Demographics) -> list[Candidate]:
    found = search_candidates(
        authority=authority,
        given_name=who.given_name,
        family_name=who.family_name,
        date_of_birth=who.date_of_birth,
        postcode=who.postcode,
        nhs_number=who.nhs_number,
        sex=who.sex if who.sex in ("M", "F") else "",
        limit=5,
    )
    # Someone with a different NHS number is someone else, however alike (twins, a sister).
    return [c for c in found if c.fields.get("nhs_number") != "differ"]


def match_person(
    authority: Authority, who: nems.Demographics, *, missing: str, uncertain: str, label: str
) -> Person:
    """The register's person for these details, or Queue: by NHS number when the register has
    it, else the matching engine's one certain candidate."""
    person = _by_nhs_number(authority, who.nhs_number)
    if person is not None:
        return person
    candidates = [c for c in _candidates(authority, who) if c.probability >= WORTH_A_LOOK]
    if not candidates:
        raise Queue(missing, f"No one on the register matches the {label}'s details")
    best = candidates[0]
    runner_up = candidates[1].probability if len(candidates) > 1 else 0.0
    if best.probability >= CERTAIN and runner_up < WORTH_A_LOOK:
        return Person.objects.get(pk=best.person_id)
    raise Queue(
        uncertain,
        f"{len(candidates)} people on the register may be the {label}; "
        f"the best match is {best.probability:.0%}",
        candidates,
    )


# --- births ----------------------------------------------------------------------------------


def _same_birth(existing: BirthNotification, birth: nems.Birth) -> bool:
    mother_number = birth.mother.nhs_number if birth.mother else ""
    return existing.born_on == birth.baby.date_of_birth and (
        not mother_number or existing.mother is None or existing.mother.nhs_number == mother_number
    )


def _apply_birth(
    message: ReceivedMessage,
    birth: nems.Birth,
    *,
    mother: Person | None = None,
    create_mother: bool = False,
    baby: Person | None = None,
    new_baby: bool = False,
    by: User | None = None,
    channel: str = "task",
) -> None:
    authority = message.authority
    existing = (
        BirthNotification.objects.filter(authority=authority, baby_nhs_number=birth.baby.nhs_number)
        .select_related("mother")
        .first()
    )
    if existing is not None:
        if _same_birth(existing, birth):
            _done(
                message, MessageStatus.DUPLICATE, existing.person, "This birth is already applied"
            )
            return
        raise Queue(
            QueueReason.CONFLICT,
            f"A birth for the baby's NHS number {birth.baby.nhs_number} is already applied "
            f"with a different date of birth or mother",
        )
    if birth.stillborn:
        raise Queue(QueueReason.STILLBIRTH, "Notified as a stillbirth: a person decides what to do")
    if birth.mother is None:
        raise Queue(QueueReason.NO_MOTHER, "The birth was registered without the mother's details")
    if mother is None and create_mother:
        mother = _register_mother(authority, birth, by=by, channel=channel)
    if mother is None:
        mother = match_person(
            authority,
            _with_baby_address(birth.mother, birth.baby),
            missing=QueueReason.UNKNOWN_MOTHER,
            uncertain=QueueReason.UNCERTAIN_MOTHER,
            label="mother",
        )
    if baby is None:
        baby = _existing_baby(authority, birth, mother, allow_new=new_baby)
    record_birth(message, birth, mother=mother, baby=baby, by=by, channel=channel)


def _with_baby_address(mother: nems.Demographics, baby: nems.Demographics) -> nems.Demographics:
    # PDS gives the baby's address, not the mother's: she lives there, so match on it.
    if mother.postcode:
        return mother
    return nems.Demographics(**{**asdict(mother), "postcode": baby.postcode})


def _existing_baby(
    authority: Authority, birth: nems.Birth, mother: Person, *, allow_new: bool
) -> Person | None:
    """The baby's record if the register already has one (by NHS number, or the unborn child
    the mother's record carries); Queue if someone else may be the baby; None to create."""
    baby = _by_nhs_number(authority, birth.baby.nhs_number)
    if baby is not None:
        return baby
    unborn = _unborn_child_of(mother, birth)
    if unborn is not None:
        return unborn
    if allow_new:
        return None
    near = [c for c in _candidates(authority, birth.baby) if c.probability >= WORTH_A_LOOK]
    if near:
        raise Queue(
            QueueReason.UNCERTAIN_BABY,
            "Someone on the register may already be this baby (no NHS number to tell)",
            near,
        )
    return None


def _unborn_child_of(mother: Person, birth: nems.Birth) -> Person | None:
    born = birth.baby.date_of_birth
    if born is None:
        return None
    unborn = Person.objects.filter(
        relationships_in__person=mother,
        relationships_in__kind=RelationshipKind.MOTHER,
        relationships_in__end__isnull=True,
        is_unborn=True,
        merged_into__isnull=True,
        expected_date_of_delivery__range=(born - UNBORN_WINDOW, born + UNBORN_WINDOW),
    ).order_by("pk")
    found = list(unborn[:2])
    # Twins expected on one record cannot be told apart: the first birth takes it.
    return found[0] if found else None


def _register_mother(
    authority: Authority, birth: nems.Birth, *, by: User | None, channel: str
) -> Person:
    assert birth.mother is not None
    details = _with_baby_address(birth.mother, birth.baby)
    mother = people_services.person_register(
        authority=authority,
        by=_actor(by),
        channel=channel,
        given_name=details.given_name,
        family_name=details.family_name or birth.baby.family_name,
        date_of_birth=details.date_of_birth,
        sex="F",
        nhs_number=details.nhs_number,
        address_line1=birth.baby.address_line1,
        address_line2=birth.baby.address_line2,
        town=birth.baby.town,
        postcode=birth.baby.postcode,
    )
    if details.nhs_number:
        _verified(mother)
    return mother


def _verified(person: Person) -> None:
    """A number the NHS itself sent in the notification is verified (NHS Data Dictionary 01)."""
    Person.objects.filter(pk=person.pk).update(nhs_number_status=NhsNumberStatus.VERIFIED)
    person.nhs_number_status = NhsNumberStatus.VERIFIED


def _address(birth: nems.Birth, mother: Person) -> dict[str, str]:
    """The baby's address from the notification; the mother's on the register when PDS sent
    none we can place."""
    baby = birth.baby
    if baby.postcode:
        return {
            "address_line1": baby.address_line1,
            "address_line2": baby.address_line2,
            "town": baby.town,
            "postcode": baby.postcode,
        }
    return {
        "address_line1": mother.address_line1,
        "address_line2": mother.address_line2,
        "town": mother.town,
        "postcode": mother.postcode,
    }


def record_birth(
    message: ReceivedMessage,
    birth: nems.Birth,
    *,
    mother: Person,
    baby: Person | None,
    by: User | None,
    channel: str,
) -> BirthNotification:
    """The baby on the register, in the mother's household, with the Healthy Child Programme
    scheduled and on the health visiting team's worklist for where they live."""
    authority = message.authority
    born = birth.baby.date_of_birth
    assert born is not None  # nems.parse refuses a birth without one
    if baby is None:
        baby = people_services.person_register(
            authority=authority,
            by=_actor(by),
            channel=channel,
            given_name=birth.baby.given_name,
            family_name=birth.baby.family_name or mother.family_name,
            date_of_birth=birth.baby.date_of_birth,
            sex=birth.baby.sex,
            nhs_number=birth.baby.nhs_number,
            **_address(birth, mother),
        )
    else:
        baby = _born(baby, birth)
    _verified(baby)
    household = current_household(mother)
    if household is None:
        household = people_services.household_create(authority=authority, by=by)
        people_services.household_add_member(
            household=household, person=mother, by=by, channel=channel
        )
    people_services.household_add_member(
        household=household, person=baby, by=by, start=birth.baby.date_of_birth, channel=channel
    )
    people_services.relationship_add(
        person=mother,
        relative=baby,
        kind=RelationshipKind.MOTHER,
        parental_responsibility=True,
        by=by,
        start=birth.baby.date_of_birth,
        channel=channel,
    )
    # The schedule came with the record: person_register and person_update tell childhealth
    # (people.hooks.person_changed), which adds the new birth visit and the rest.
    service = service_for(authority, ServiceKind.HEALTH_VISITING)
    notification = BirthNotification.objects.create(
        person=baby,
        owning_service=service,
        recorded_by=by,
        authority=authority,
        baby_nhs_number=birth.baby.nhs_number,
        message=message,
        mother=mother,
        household=household,
        team=receiving_team_for(service, baby),
        born_on=born,
        birth_weight_grams=birth.birth_weight_grams,
        gestation_weeks=birth.gestation_weeks,
        birth_order=birth.birth_order,
        delivery_place=birth.delivery_place,
    )
    log_change(
        by,
        [baby, mother],
        action="create",
        purpose="Birth notification from the NHS",
        channel=channel,
        detail=f"NEMS message {message.message_id}",
    )
    _done(message, MessageStatus.APPLIED, baby)
    return notification


def _born(baby: Person, birth: nems.Birth) -> Person:
    """A baby the register knew (unborn, or registered already): now born, with the NHS's
    number and date of birth. The register's own service keeps the history and the version."""
    changes: dict = {}
    if baby.is_unborn:
        changes["is_unborn"] = False
    if baby.date_of_birth != birth.baby.date_of_birth:
        changes["date_of_birth"] = birth.baby.date_of_birth
    if baby.nhs_number != birth.baby.nhs_number:
        changes["nhs_number"] = birth.baby.nhs_number
    if birth.baby.given_name and not baby.given_name:
        changes["given_name"] = birth.baby.given_name
    if birth.baby.sex in ("M", "F") and baby.sex != birth.baby.sex:
        changes["sex"] = birth.baby.sex
    if not changes:
        return baby
    return people_services.person_update(
        person=baby, by=_actor(None), expected_version=baby.version, channel="task", **changes
    )


# --- newborn screening outcomes --------------------------------------------------------------


def _apply_outcome(
    message: ReceivedMessage,
    outcome: nems.Outcome,
    *,
    child: Person | None = None,
    by: User | None = None,
    channel: str = "task",
    **_ignored,
) -> None:
    if child is None:
        child = match_person(
            message.authority,
            outcome.child,
            missing=QueueReason.UNKNOWN_CHILD,
            uncertain=QueueReason.UNKNOWN_CHILD,
            label="child",
        )
    _, changed = newborn_outcome_record(
        person=child,
        screen=NewbornScreen(outcome.event),
        source_key=outcome.source_key,
        done_on=outcome.done_on,
        summary=outcome.summary,
        results=outcome.results,
        needs_follow_up=outcome.needs_follow_up,
        source_updated_at=outcome.last_updated,
        message_id=outcome.message_id,
        withdrawn=outcome.event_type == "delete",
        by=by,
        channel=channel,
    )
    if changed:
        _done(message, MessageStatus.APPLIED, child)
    else:
        _done(
            message, MessageStatus.DUPLICATE, child, "A later message about this record is applied"
        )


# --- the queue -------------------------------------------------------------------------------


def _queued(message: ReceivedMessage) -> ReceivedMessage:
    locked = ReceivedMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != MessageStatus.QUEUED:
        raise ValidationError({"message": ["This message has already been resolved"]})
    return locked


def _resolved(message: ReceivedMessage, *, by: User, resolution: str, note: str = "") -> None:
    if message.status == MessageStatus.QUEUED:
        return  # still waiting (another reason came up): the page says which
    ReceivedMessage.objects.filter(pk=message.pk).update(
        resolution=resolution, resolved_by=by, resolved_at=timezone.now(), resolution_note=note
    )


@transaction.atomic
def resolve_choose(*, message: ReceivedMessage, person: Person, by: User) -> ReceivedMessage:
    """The person resolving says who the message's mother (for a birth) or child (for a
    screening outcome) is; the message is applied with them. For a birth whose baby may already
    be on the register, the chosen person is the baby."""
    message = _queued(message)
    if person.authority_id != message.authority_id or person.merged_into_id is not None:
        raise ValidationError({"person": ["Choose someone on this council's register"]})
    if message.reason == QueueReason.UNCERTAIN_BABY:
        overrides = {"baby": person}
    elif message.event == nems.BIRTH:
        overrides = {"mother": person}
    else:
        overrides = {"child": person}
    message.status = MessageStatus.RECEIVED
    _process(message, by=by, channel="page", **overrides)
    resolution = Resolution.CHOSE_CHILD if "child" in overrides else Resolution.CHOSE_MOTHER
    _resolved(message, by=by, resolution=resolution)
    return message


@transaction.atomic
def resolve_create(*, message: ReceivedMessage, by: User) -> ReceivedMessage:
    """The mother is not on the register (or the baby is not who the engine offered): add her
    (or a new record for the baby) from the notification and apply it."""
    message = _queued(message)
    if message.event != nems.BIRTH:
        raise ValidationError(
            {"message": ["Only a birth notification can add someone to the register"]}
        )
    overrides = (
        {"new_baby": True}
        if message.reason == QueueReason.UNCERTAIN_BABY
        else {"create_mother": True}
    )
    message.status = MessageStatus.RECEIVED
    _process(message, by=by, channel="page", **overrides)
    _resolved(message, by=by, resolution=Resolution.CREATED_MOTHER)
    return message


@transaction.atomic
def resolve_reject(*, message: ReceivedMessage, by: User, note: str) -> ReceivedMessage:
    """Set a message aside with the reason; it is kept, with who rejected it."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["Say why the message is rejected"]})
    message = _queued(message)
    message.status = MessageStatus.REJECTED
    message.resolution = Resolution.REJECTED
    message.resolved_by, message.resolved_at = by, timezone.now()
    message.resolution_note = note[:500]
    message.save()
    return message


def received_channel(value: str) -> str:
    return value if value in Channel.values else Channel.MESH
