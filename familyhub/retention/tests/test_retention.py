"""Retention schedules, the nightly listing, the lead's decision, destruction and legal holds."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from familyhub.audit.log import verify
from familyhub.audit.models import AccessLog
from familyhub.casework.models import Assessment, Episode
from familyhub.childhealth.models import Measurement
from familyhub.contacts.models import Contact
from familyhub.people.models import Person
from familyhub.retention import services
from familyhub.retention.models import (
    REGISTER_ENTRY,
    BatchStatus,
    DestructionBatch,
    ItemOutcome,
    LegalHold,
    RetentionSchedule,
)
from familyhub.retention.rules import ScheduleBook, covered_models, due_on, record_type
from familyhub.retention.tasks import finish_interrupted
from familyhub.retention.tests.world import TODAY, build
from familyhub.services.models import ServiceKind

pytestmark = pytest.mark.django_db


def listed(batch) -> set[tuple[str, int]]:
    return set(batch.items.values_list("record_type", "record_pk"))


def test_every_kind_of_person_record_falls_under_a_schedule_for_every_service():
    book = ScheduleBook.load()
    labels = [record_type(m) for m in covered_models()] + [REGISTER_ENTRY]
    assert "childhealth.measurement" in labels and "casework.episode" in labels
    for label in labels:
        for kind, _ in ServiceKind.choices:
            assert book.schedule_for(label, kind, None) is not None, (label, kind)


def test_the_most_specific_schedule_applies():
    book = ScheduleBook.load()
    assert book.schedule_for("childhealth.review", "health_visiting", None).name == (
        "Health visiting records"
    )
    assert book.schedule_for("people.person", "", None).name == "Register entry"
    assert book.schedule_for("contacts.contact", "other", None).name == "Council default"


def test_due_dates_under_the_nhs_code_for_children_adults_and_deaths():
    nhs = RetentionSchedule.objects.get(service_kind="health_visiting", authority=None)
    born = datetime.date(2000, 5, 10)
    # A child's record closed at 3: kept until the 25th birthday.
    assert due_on(nhs, closed_on=datetime.date(2003, 1, 1), born=born, died=None) == (
        datetime.date(2025, 5, 10)
    )
    # Closed at 17: the 26th birthday (8 years after closure would be earlier).
    assert due_on(nhs, closed_on=datetime.date(2017, 6, 1), born=born, died=None) == (
        datetime.date(2026, 5, 10)
    )
    # A parent's record: 8 years after it closed.
    parent = datetime.date(1980, 1, 1)
    assert due_on(nhs, closed_on=datetime.date(2010, 4, 1), born=parent, died=None) == (
        datetime.date(2018, 4, 1)
    )
    # After a death: 8 years after it, whatever the age.
    assert due_on(
        nhs, closed_on=datetime.date(2003, 1, 1), born=born, died=datetime.date(2004, 2, 29)
    ) == datetime.date(2012, 2, 29)
    # ...and a 29 February moved to a year without one is 1 March.
    assert due_on(
        nhs, closed_on=datetime.date(2003, 1, 1), born=born, died=datetime.date(2008, 2, 29)
    ) == datetime.date(2016, 2, 29)
    assert due_on(
        nhs, closed_on=datetime.date(2003, 1, 1), born=datetime.date(2000, 2, 29), died=None
    ) == datetime.date(2025, 3, 1)
    # Open, or a birthday rule without a date of birth: cannot be due.
    assert due_on(nhs, closed_on=None, born=born, died=None) is None
    assert due_on(nhs, closed_on=datetime.date(2003, 1, 1), born=None, died=None) is None


def test_the_nightly_listing_finds_every_part_and_destruction_leaves_a_verifiable_log():
    world = build()
    before = AccessLog.objects.count()
    [batch] = services.list_due(TODAY)
    records = world.records
    expected = {
        ("childhealth.measurement", records["measurement"].pk),
        ("casework.episode", records["episode"].pk),
        ("casework.assessment", records["assessment"].pk),
        ("contacts.contact", records["contact"].pk),
        (REGISTER_ENTRY, world.old.pk),
    }
    assert listed(batch) == expected
    # Listing destroys nothing and shows nothing.
    assert Person.objects.filter(pk=world.old.pk).exists()
    assert AccessLog.objects.count() == before
    # Listed records are not listed again the next night.
    assert services.list_due(TODAY) == []

    outcomes = services.approve(batch, by=world.ig, reason="Schedule met", version=batch.version)
    assert outcomes[ItemOutcome.DESTROYED] == 5
    assert not Person.objects.filter(pk=world.old.pk).exists()
    assert not Measurement.objects.filter(pk=records["measurement"].pk).exists()
    assert not Contact.objects.filter(pk=records["contact"].pk).exists()
    # The younger child and their open episode are untouched.
    assert Episode.objects.filter(pk=records["open_episode"].pk).exists()
    assert Person.objects.filter(pk=world.young.pk).exists()

    rows = list(AccessLog.objects.filter(action="destroy").order_by("seq"))
    assert {row.detail.split(" destroyed")[0] for row in rows} == {
        f"{label} {pk}" for label, pk in expected
    }
    assert all(row.person_pk == world.old.pk for row in rows)
    assert all(str(batch.public_id) in row.detail and "ig-retention" in row.detail for row in rows)
    assert not AccessLog.objects.filter(detail__icontains="secret").exists()
    assert not AccessLog.objects.filter(detail__icontains="trombone").exists()
    assert verify().ok
    call_command("verify_access_log")  # the command exits 0 (it raises SystemExit(1) otherwise)


def test_a_legal_hold_on_the_family_stops_listing_and_destruction_until_lifted():
    world = build()
    hold = services.set_hold(
        by=world.ig, authority=world.authority, household=world.household, reason="Claim 42"
    )
    # Everyone who has lived in the family is covered, and told so in the log.
    assert set(
        AccessLog.objects.filter(action="legal_hold").values_list("person_pk", flat=True)
    ) == {world.old.pk, world.young.pk}
    assert services.list_due(TODAY) == []

    services.lift_hold(hold=hold, by=world.ig, reason="Claim settled", version=hold.version)
    [batch] = services.list_due(TODAY)
    # A hold set after the listing still stops the destruction.
    services.set_hold(by=world.ig, authority=world.authority, person=world.old, reason="Inquiry")
    services.approve(batch, by=world.ig, reason="Schedule met", version=batch.version)
    assert set(batch.items.values_list("outcome", flat=True)) == {ItemOutcome.HELD}
    assert Measurement.objects.filter(pk=world.records["measurement"].pk).exists()
    assert not AccessLog.objects.filter(action="destroy").exists()


def test_holds_need_a_reason_and_a_stale_lift_is_refused():
    world = build()
    with pytest.raises(ValidationError):
        services.set_hold(by=world.ig, authority=world.authority, person=world.old, reason=" ")
    hold = services.set_hold(
        by=world.ig, authority=world.authority, person=world.old, reason="Complaint"
    )
    stale = hold.version
    services.lift_hold(hold=hold, by=world.ig, reason="Closed", version=stale)
    with pytest.raises(ValidationError):
        services.lift_hold(hold=hold, by=world.ig, reason="Again", version=stale)
    assert LegalHold.objects.get(pk=hold.pk).lift_reason == "Closed"


def test_a_person_destroyed_across_parts_is_all_or_nothing_and_the_task_finishes_it():
    world = build()
    [batch] = services.list_due(TODAY)
    before = AccessLog.objects.count()
    real_delete = services.Collector.delete
    calls = {"n": 0}

    def dies_on_the_third_record(collector):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the worker was killed")
        return real_delete(collector)

    with (
        mock.patch.object(services.Collector, "delete", dies_on_the_third_record),
        pytest.raises(RuntimeError),
    ):
        services.approve(batch, by=world.ig, reason="Schedule met", version=batch.version)
    # Nothing of the person went, nothing was logged; the batch is approved, items still listed.
    assert Measurement.objects.filter(pk=world.records["measurement"].pk).exists()
    assert Episode.objects.filter(pk=world.records["episode"].pk).exists()
    assert Contact.objects.filter(pk=world.records["contact"].pk).exists()
    assert Person.objects.filter(pk=world.old.pk).exists()
    assert AccessLog.objects.count() == before
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED
    assert set(batch.items.values_list("outcome", flat=True)) == {ItemOutcome.LISTED}

    # The nightly task picks it up again.
    assert finish_interrupted() == 1
    assert not Person.objects.filter(pk=world.old.pk).exists()
    assert not Assessment.objects.filter(person_id=world.old.pk).exists()
    assert verify().ok


def test_a_record_that_would_take_an_undue_record_with_it_is_kept():
    world = build()
    # Make the assessment's schedule longer than its episode's: the episode cannot go alone.
    RetentionSchedule.objects.create(
        record_type="casework.assessment",
        name="Assessments: kept longer",
        until_birthday=100,
        guidance="test",
    )
    [batch] = services.list_due(TODAY)
    assert ("casework.assessment", world.records["assessment"].pk) not in listed(batch)
    assert (REGISTER_ENTRY, world.old.pk) not in listed(batch)
    services.approve(batch, by=world.ig, reason="Schedule met", version=batch.version)
    assert Episode.objects.filter(pk=world.records["episode"].pk).exists()
    kept = batch.items.filter(outcome=ItemOutcome.KEPT)
    assert kept.exists() and "casework.assessment" in kept.first().note
    # All or nothing for the person: their measurement, also listed, is kept with the episode.
    assert Measurement.objects.filter(pk=world.records["measurement"].pk).exists()
    assert set(batch.items.values_list("outcome", flat=True)) == {ItemOutcome.KEPT}
    assert not AccessLog.objects.filter(action="destroy").exists()


def test_a_rejected_batch_keeps_everything_and_is_not_listed_again_at_once():
    world = build()
    [batch] = services.list_due(TODAY)
    with pytest.raises(ValidationError):
        services.reject(batch, by=world.ig, reason="", version=batch.version)
    services.reject(batch, by=world.ig, reason="Under review", version=batch.version)
    assert set(batch.items.values_list("outcome", flat=True)) == {ItemOutcome.REJECTED}
    assert services.list_due(TODAY) == []
    # Listed again 90 days after the decision, which was taken today (the clock's day, not the
    # world's fixed TODAY).
    decided = timezone.localdate(DestructionBatch.objects.get(pk=batch.pk).decided_at)
    assert (
        services.list_due(decided + services.RELIST_AFTER_REJECTION - datetime.timedelta(days=1))
        == []
    )
    assert len(services.list_due(decided + services.RELIST_AFTER_REJECTION)) == 1
    # A second decision on the same version (another tab) is refused.
    with pytest.raises(ValidationError):
        services.approve(batch, by=world.ig, reason="x", version=1)
    assert DestructionBatch.objects.get(pk=batch.pk).status == BatchStatus.REJECTED


def test_the_command_lists_and_queues(capsys):
    build()
    call_command("list_due_for_destruction", "--on", TODAY.isoformat())
    assert "5 records listed" in capsys.readouterr().out
    call_command("list_due_for_destruction", "--on", TODAY.isoformat())
    assert "Nothing is due" in capsys.readouterr().out
