"""The reader: a birth applied once, broken messages queued with their reason, a crash half way
through a batch leaving nothing half applied, the newborn screening events."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from fhir.resources.STU3.bundle import Bundle

from familyhub.audit.models import AccessLog
from familyhub.births import generator, nems, services
from familyhub.births.models import BirthNotification, MessageStatus, QueueReason, ReceivedMessage
from familyhub.childhealth.models import NewbornOutcome, ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.childhealth.selectors import worklist_base
from familyhub.people.models import NhsNumberStatus, Person, Relationship, RelationshipKind
from familyhub.people.selectors import current_household

pytestmark = pytest.mark.django_db


def _apply(raw: bytes) -> ReceivedMessage:
    message, _ = services.receive(raw, channel="mesh")
    services.process_pending()
    message.refresh_from_db()
    return message


def test_a_birth_puts_the_baby_in_the_mothers_household_with_the_programme_scheduled(
    register_mother, rng, hv_team, health_visitor
):
    mother, details = register_mother()
    raw, number = generator.birth_for(details, rng, born=timezone.localdate() - timedelta(days=11))

    message = _apply(raw)

    assert message.status == MessageStatus.APPLIED
    baby = Person.objects.get(nhs_number=number)
    assert message.person == baby
    assert baby.nhs_number_status == NhsNumberStatus.VERIFIED
    assert baby.family_name == "Dawkins" and baby.postcode == "RM17 5DQ"
    assert current_household(baby) == current_household(mother) is not None
    assert Relationship.objects.filter(
        person=mother, relative=baby, kind=RelationshipKind.MOTHER, parental_responsibility=True
    ).exists()
    kinds = set(ReviewDue.objects.filter(person=baby).values_list("kind", flat=True))
    assert {ReviewKind.NEW_BIRTH, ReviewKind.SIX_EIGHT_WEEK, ReviewKind.TWELVE_MONTH} <= kinds
    birth = BirthNotification.objects.get(person=baby)
    assert birth.team == hv_team and birth.mother == mother
    assert birth.birth_weight_grams and birth.gestation_weeks
    on_worklist = worklist_base(health_visitor, scope="team").filter(person=baby)
    assert on_worklist.filter(kind=ReviewKind.NEW_BIRTH).exists()


def test_every_write_of_a_birth_is_in_the_access_log(register_mother, rng):
    mother, details = register_mother()
    raw, number = generator.birth_for(details, rng)
    _apply(raw)
    baby = Person.objects.get(nhs_number=number)
    entries = AccessLog.objects.filter(person_pk=baby.pk, purpose="Birth notification from the NHS")
    assert entries.filter(channel="task", action="create").count() == 1
    assert AccessLog.objects.filter(
        person_pk=mother.pk, purpose="Birth notification from the NHS"
    ).exists()
    assert AccessLog.objects.filter(person_pk=baby.pk, purpose="Register a person").exists()


def test_the_same_message_twice_is_one_birth(register_mother, rng):
    _, details = register_mother()
    raw, number = generator.birth_for(details, rng)

    first, created = services.receive(raw, channel="mesh")
    again, created_again = services.receive(raw, channel="http")
    services.process_pending()

    assert created and not created_again and first.pk == again.pk
    assert ReceivedMessage.objects.count() == 1
    assert Person.objects.filter(nhs_number=number).count() == 1


def test_the_same_birth_in_a_second_message_is_recognised_by_the_event(register_mother, rng):
    _, details = register_mother()
    raw, number = generator.birth_for(details, rng)
    _apply(raw)
    resent = json.loads(raw)
    resent["entry"][0]["resource"]["id"] = "a-second-message-id"

    second = _apply(json.dumps(resent).encode())

    assert second.status == MessageStatus.DUPLICATE
    assert Person.objects.filter(nhs_number=number).count() == 1
    assert BirthNotification.objects.count() == 1


def test_a_conflicting_duplicate_waits_for_a_person(register_mother, rng):
    _, details = register_mother()
    raw, number = generator.birth_for(details, rng)
    _apply(raw)

    conflict = _apply(generator.broken_message("conflicting_duplicate", rng=rng, valid=raw))

    assert conflict.status == MessageStatus.QUEUED and conflict.reason == QueueReason.CONFLICT
    assert Person.objects.filter(nhs_number=number).count() == 1


@pytest.mark.parametrize(
    "kind", [k for k in generator.BROKEN_KINDS if k != "conflicting_duplicate"]
)
def test_a_broken_message_is_queued_with_its_reason_and_kept(kind, register_mother, rng):
    register_mother()
    people_before = Person.objects.count()
    raw = generator.broken_message(kind, rng=rng)

    message = _apply(raw)

    assert message.status == MessageStatus.QUEUED
    assert message.reason == generator.EXPECTED_REASON[kind]
    assert message.reason_detail
    assert message.content.encode() == raw  # nothing lost
    assert Person.objects.count() == people_before


def test_a_crash_half_way_through_a_batch_leaves_nothing_half_applied(
    register_mother, rng, monkeypatch
):
    _, details = register_mother()
    numbers = []
    for _ in range(5):
        raw, number = generator.birth_for(details, rng)
        services.receive(raw, channel="mesh")
        numbers.append(number)
    real = services.record_birth
    calls = {"n": 0}

    def crash_on_the_third(*args, **kwargs):
        calls["n"] += 1
        notification = real(*args, **kwargs)
        if calls["n"] == 3:
            # The third birth is written, then the database goes away before the commit.
            raise OperationalError("server closed the connection unexpectedly")
        return notification

    monkeypatch.setattr(services, "record_birth", crash_on_the_third)
    with pytest.raises(OperationalError):
        services.process_pending()

    statuses = list(ReceivedMessage.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["applied", "applied", "received", "received", "received"]
    assert Person.objects.filter(nhs_number__in=numbers).count() == 2
    assert BirthNotification.objects.count() == 2
    assert not ReviewDue.objects.filter(person__nhs_number=numbers[2]).exists()

    monkeypatch.setattr(services, "record_birth", real)
    services.process_pending()
    assert set(ReceivedMessage.objects.values_list("status", flat=True)) == {"applied"}
    assert Person.objects.filter(nhs_number__in=numbers).count() == 5
    assert BirthNotification.objects.count() == 5


def test_an_unexpected_error_queues_that_message_and_the_batch_goes_on(
    register_mother, rng, monkeypatch
):
    _, details = register_mother()
    for _ in range(3):
        services.receive(generator.birth_for(details, rng)[0], channel="mesh")
    real = services.record_birth
    calls = {"n": 0}

    def fail_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyError("a field nobody expected")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "record_birth", fail_once)
    counts = services.process_pending()
    assert counts == {"queued": 1, "applied": 2}
    queued = ReceivedMessage.objects.get(status=MessageStatus.QUEUED)
    assert "could not be processed" in queued.reason_detail.lower()
    assert BirthNotification.objects.count() == 2


def test_an_unknown_mother_is_queued_then_added_when_a_person_says_so(
    register_mother, rng, team_leader
):
    register_mother()
    message = _apply(generator.broken_message("unknown_mother", rng=rng))
    assert message.reason == QueueReason.UNKNOWN_MOTHER

    services.resolve_create(message=message, by=team_leader)

    message.refresh_from_db()
    assert message.status == MessageStatus.APPLIED and message.resolved_by == team_leader
    birth = BirthNotification.objects.get(message=message)
    assert birth.mother.family_name.startswith("Unknown")
    assert birth.mother.nhs_number_status == NhsNumberStatus.VERIFIED
    assert AccessLog.objects.filter(person_pk=birth.person_id, user=team_leader).exists()


def test_an_uncertain_mother_is_resolved_by_choosing_her(register_mother, rng, team_leader):
    mother, details = register_mother(nhs=False)
    # The notification spells her name differently and has an NHS number the register lacks.
    details.given_name = "Sal"
    details.nhs_number = generator.nhs_number(rng)
    raw, number = generator.birth_for(details, rng)

    message = _apply(raw)
    assert message.status == MessageStatus.QUEUED
    assert message.reason in (QueueReason.UNCERTAIN_MOTHER, QueueReason.UNKNOWN_MOTHER)
    if message.reason == QueueReason.UNCERTAIN_MOTHER:
        assert mother.pk in [c["person_id"] for c in message.candidates]

    services.resolve_choose(message=message, person=mother, by=team_leader)
    message.refresh_from_db()
    assert message.status == MessageStatus.APPLIED
    assert BirthNotification.objects.get(message=message).mother == mother


def test_a_rejected_message_is_kept_with_the_reason(register_mother, rng, team_leader):
    message = _apply(generator.broken_message("not_json", rng=rng))
    services.resolve_reject(message=message, by=team_leader, note="A MESH report, not a birth")
    message.refresh_from_db()
    assert message.status == MessageStatus.REJECTED
    assert message.resolution_note == "A MESH report, not a birth"
    assert message.content.startswith("MESH delivery report")


def test_an_unborn_child_on_the_mothers_record_becomes_the_baby(register_mother, rng, authority):
    from familyhub.people import services as people_services

    mother, details = register_mother()
    born = timezone.localdate() - timedelta(days=1)
    unborn = people_services.person_register(
        authority=authority,
        by=None,
        family_name="Dawkins",
        is_unborn=True,
        expected_date_of_delivery=born + timedelta(days=7),
        postcode="RM17 5DQ",
        address_line1="4 Sandmoor Drive",
    )
    people_services.relationship_add(person=mother, relative=unborn, kind=RelationshipKind.MOTHER)
    raw, number = generator.birth_for(details, rng, born=born)

    message = _apply(raw)

    assert message.status == MessageStatus.APPLIED and message.person_id == unborn.pk
    unborn.refresh_from_db()
    assert not unborn.is_unborn and unborn.date_of_birth == born and unborn.nhs_number == number


def test_a_stillbirth_waits_for_a_person(register_mother):
    _, details = register_mother()
    raw = generator.birth_message(
        mother=details,
        baby_nhs_number="9434765919",
        baby_given="Baby",
        baby_family="Dawkins",
        born=timezone.localdate(),
        stillborn=True,
    )
    message = _apply(raw)
    assert message.reason == QueueReason.STILLBIRTH
    assert not Person.objects.filter(nhs_number="9434765919").exists()


def test_the_xml_form_nems_delivers_is_read_as_the_json(register_mother, rng):
    _, details = register_mother()
    raw, number = generator.birth_for(details, rng)
    xml = Bundle.model_validate_json(raw).model_dump_xml()
    as_xml = nems.parse(xml.encode() if isinstance(xml, str) else xml)
    as_json = nems.parse(raw)
    assert as_xml == as_json

    message = _apply(xml.encode() if isinstance(xml, str) else xml)
    assert message.status == MessageStatus.APPLIED
    assert Person.objects.filter(nhs_number=number).exists()


def test_xml_with_an_entity_is_not_expanded():
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Bundle xmlns="http://hl7.org/fhir"><id value="&x;"/></Bundle>'
    )
    with pytest.raises(nems.Unreadable):
        nems.parse(raw)


# --- newborn screening outcomes ----------------------------------------------------------------


@pytest.fixture
def baby(register_mother, rng):
    _, details = register_mother()
    raw, number = generator.birth_for(details, rng, born=timezone.localdate() - timedelta(days=5))
    _apply(raw)
    return Person.objects.get(nhs_number=number)


def _outcome(event, baby, **kwargs):
    return generator.outcome_message(
        event,
        child_nhs_number=baby.nhs_number,
        child_given=baby.given_name,
        child_family=baby.family_name,
        born=baby.date_of_birth,
        record_id=kwargs.pop("record_id", "rec-1"),
        done_on=kwargs.pop("done_on", baby.date_of_birth + timedelta(days=1)),
        **kwargs,
    )


@pytest.mark.parametrize("event", nems.OUTCOME_EVENTS)
def test_a_screening_outcome_is_recorded_against_the_child(event, baby):
    message = _apply(_outcome(event, baby, follow_up=True))
    assert message.status == MessageStatus.APPLIED and message.person == baby
    outcome = NewbornOutcome.objects.get(person=baby)
    assert outcome.screen == event and outcome.results and outcome.needs_follow_up
    assert AccessLog.objects.filter(person_pk=baby.pk, purpose="Newborn screening outcome").exists()


def test_a_later_outcome_replaces_an_earlier_and_an_older_one_changes_nothing(baby):
    first = datetime(2026, 1, 1, 9, tzinfo=UTC)
    _apply(_outcome(nems.HEARING, baby, updated=first, follow_up=True))
    _apply(_outcome(nems.HEARING, baby, updated=first + timedelta(hours=2), follow_up=False))
    older = _apply(_outcome(nems.HEARING, baby, updated=first + timedelta(hours=1), follow_up=True))

    outcome = NewbornOutcome.objects.get(person=baby)
    assert not outcome.needs_follow_up
    assert older.status == MessageStatus.DUPLICATE
    assert NewbornOutcome.objects.count() == 1


def test_a_delete_withdraws_the_outcome_and_keeps_it(baby):
    first = datetime(2026, 1, 1, 9, tzinfo=UTC)
    _apply(_outcome(nems.NIPE, baby, updated=first))
    _apply(_outcome(nems.NIPE, baby, updated=first + timedelta(hours=1), kind="delete"))
    outcome = NewbornOutcome.objects.get(person=baby)
    assert outcome.withdrawn and outcome.results


def test_an_outcome_for_a_child_not_on_the_register_waits(authority, rng, ward):
    raw = generator.outcome_message(
        nems.BLOOD_SPOT,
        child_nhs_number=generator.nhs_number(rng),
        child_given="Nobody",
        child_family="Known",
        born=date(2026, 1, 1),
        record_id="r9",
        done_on=date(2026, 1, 9),
    )
    message = _apply(raw)
    assert message.status == MessageStatus.QUEUED and message.reason == QueueReason.UNKNOWN_CHILD
