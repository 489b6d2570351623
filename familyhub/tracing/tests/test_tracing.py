"""Tracing people against the stand-in PDS: what is filled, verified, sent to review or left, what
happens when PDS refuses, rate-limits or hangs (the task records it and tries later; no page
waits), and the access log."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from familyhub.audit.models import AccessLog
from familyhub.people.models import NhsNumberStatus, PersonChange
from familyhub.testing import factories
from familyhub.tracing import services
from familyhub.tracing.models import (
    NumberReview,
    ReviewState,
    RunState,
    Trace,
    TraceRun,
    TraceState,
)
from familyhub.tracing.tasks import trace_batch, trace_person

pytestmark = pytest.mark.django_db

JANE = {"family": "Smith", "given": "Jane", "birth_date": "2021-03-04", "gender": "female"}


def _trace(person, by):
    trace = services.trace_request(person=person, by=by)
    trace_person.call(trace.pk)
    trace.refresh_from_db()
    person.refresh_from_db()
    return trace


def _queued(task, *args) -> list[DBTaskResult]:
    path = f"{task.func.__module__}.{task.func.__qualname__}"
    return [
        row
        for row in DBTaskResult.objects.filter(task_path=path, status="READY")
        if row.args_kwargs["args"] == list(args)
    ]


def _later(rows: list[DBTaskResult]) -> list[DBTaskResult]:
    """The rows to run at a given time (a row without run_after holds the latest date)."""
    return [row for row in rows if row.run_after.year < 9000]


def test_one_match_fills_an_empty_number_verified_and_logged(pds, world, child):
    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    jane = child()
    trace = _trace(jane, world["visitor"])
    assert trace.state == TraceState.FILLED
    assert (jane.nhs_number, jane.nhs_number_status) == ("9449304424", NhsNumberStatus.VERIFIED)
    changed = set(PersonChange.objects.filter(person=jane).values_list("field", flat=True))
    assert {"nhs_number", "nhs_number_status"} <= changed
    entry = AccessLog.objects.filter(person_pk=jane.pk, action="change").latest("seq")
    assert (entry.channel, entry.purpose, entry.user_id) == (
        "task",
        "Trace the NHS number",
        world["visitor"].pk,
    )
    sent = AccessLog.objects.get(person_pk=jane.pk, action="export")
    assert sent.channel == "task" and "Personal Demographics Service" in sent.purpose


def test_a_number_pds_holds_for_these_details_is_verified(pds, world, child):
    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    jane = child(nhs_number="9449304424", nhs_number_status="02")
    assert _trace(jane, world["visitor"]).state == TraceState.MATCHED
    assert jane.nhs_number_status == NhsNumberStatus.VERIFIED
    assert [r["path"] for r in pds.requests][-1].endswith("/Patient/9449304424")


def test_no_match_and_multiple_matches_leave_the_number_alone(pds, world, child):
    nobody = child(family_name="Nobody")
    assert _trace(nobody, world["visitor"]).state == TraceState.NO_MATCH
    assert (nobody.nhs_number, nobody.nhs_number_status) == ("", NhsNumberStatus.NO_MATCH)
    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    pds.add_patient(
        "9449305552", **JANE, postcode="RM17 5DQ"
    )  # twins in all but name? PDS: too many
    twin = child()
    trace = _trace(twin, world["visitor"])
    assert trace.state == TraceState.MULTIPLE and trace.pds_number == ""
    assert (twin.nhs_number, twin.nhs_number_status) == ("", NhsNumberStatus.NO_MATCH)


def test_a_differing_number_goes_to_review_and_nothing_is_overwritten(
    pds, world, child, client, signed_in
):
    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    entered = "9449305552"  # what a practitioner typed; PDS has no record of it
    jane = child(nhs_number=entered, nhs_number_status="02")
    trace = _trace(jane, world["visitor"])
    assert trace.state == TraceState.REVIEW
    assert (jane.nhs_number, jane.nhs_number_status) == (entered, NhsNumberStatus.TO_RESOLVE)
    review = NumberReview.objects.get(person=jane, state=ReviewState.OPEN)
    assert (review.register_number, review.pds_number) == (entered, "9449304424")

    signed_in(client, world["leader"])
    page = client.get(reverse("tracing:reviews"))
    assert page.status_code == 200 and "Jane Smith" in page.content.decode()
    url = reverse("tracing:review", args=[review.public_id])
    refused = client.post(url, {"decision": "reject", "note": "", "version": jane.version})
    assert "Say why the register keeps its number" in refused.content.decode()
    accepted = client.post(url, {"decision": "accept", "note": "", "version": jane.version})
    assert accepted.status_code == 302
    jane.refresh_from_db()
    assert (jane.nhs_number, jane.nhs_number_status) == ("9449304424", NhsNumberStatus.VERIFIED)
    review.refresh_from_db()
    assert review.state == ReviewState.ACCEPTED and review.decided_by == world["leader"]
    entry = AccessLog.objects.filter(person_pk=jane.pk, action="change").latest("seq")
    assert (entry.channel, entry.purpose) == ("page", "Accept the NHS number PDS holds")


def test_a_superseded_number_is_reviewed_and_a_rejection_keeps_it(
    pds, world, child, client, signed_in
):
    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    pds.supersede("9449305552", "9449304424")
    jane = child(nhs_number="9449305552", nhs_number_status="02")
    _trace(jane, world["visitor"])
    review = NumberReview.objects.get(person=jane)
    assert "replaced by 9449304424" in review.reason
    signed_in(client, world["visitor"])
    response = client.post(
        reverse("tracing:review", args=[review.public_id]),
        {"decision": "reject", "note": "Checked with the GP", "version": jane.version},
    )
    assert response.status_code == 302
    jane.refresh_from_db()
    assert (jane.nhs_number, jane.nhs_number_status) == ("9449305552", NhsNumberStatus.NOT_TRACED)


def test_a_stale_review_is_refused(pds, world, child, client, signed_in):
    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    jane = child(nhs_number="9449305552", nhs_number_status="02")
    _trace(jane, world["visitor"])
    review = NumberReview.objects.get(person=jane)
    signed_in(client, world["visitor"])
    response = client.post(
        reverse("tracing:review", args=[review.public_id]),
        {"decision": "accept", "note": "", "version": jane.version - 1},
    )
    assert (
        response.status_code == 200
        and "Someone else changed this record" in response.content.decode()
    )
    jane.refresh_from_db()
    assert jane.nhs_number == "9449305552"


@pytest.mark.parametrize("status", [401, 403, 429, 503])
def test_refusal_is_recorded_and_tried_again_later(pds, world, child, status):
    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    jane = child()
    pds.refuse(status, retry_after=120)
    trace = _trace(jane, world["visitor"])
    assert trace.state == TraceState.RETRYING and str(status) in trace.detail
    assert jane.nhs_number == ""
    again = _later(_queued(trace_person, trace.pk))
    assert len(again) == 1 and again[0].run_after > timezone.now()
    if status == 429:  # never sooner than PDS's Retry-After
        assert again[0].run_after >= trace.next_try_at - datetime.timedelta(seconds=1)
        assert trace.next_try_at - timezone.now() > datetime.timedelta(seconds=100)
    pds.behave()
    trace_person.call(trace.pk)  # what the worker runs at run_after
    trace.refresh_from_db()
    jane.refresh_from_db()
    assert trace.state == TraceState.FILLED and trace.attempts == 2
    assert jane.nhs_number == "9449304424"


def test_a_time_out_is_recorded_and_gives_up_after_the_last_attempt(pds, world, child, settings):
    settings.FAMILYHUB_PDS_MAX_ATTEMPTS = 2
    jane = child()
    pds.hang(30)
    trace = _trace(jane, world["visitor"])
    assert trace.state == TraceState.RETRYING and "did not answer within" in trace.detail
    trace_person.call(trace.pk)
    trace.refresh_from_db()
    assert trace.state == TraceState.FAILED and trace.attempts == 2
    pds.behave()


def test_asking_for_a_trace_never_waits_for_pds(pds, world, child, client, signed_in):
    jane = child()
    pds.hang(30)
    signed_in(client, world["visitor"])
    response = client.post(reverse("tracing:person", args=[jane.public_id]))
    assert response.status_code == 302
    assert pds.requests == []  # the page only queued the work
    trace = Trace.objects.get(person=jane)
    assert trace.state == TraceState.QUEUED and len(_queued(trace_person, trace.pk)) == 1
    page = client.get(reverse("tracing:person", args=[jane.public_id]))
    assert "waiting for the Personal Demographics Service" in page.content.decode()
    # Asking twice while one waits queues nothing more.
    client.post(reverse("tracing:person", args=[jane.public_id]))
    assert Trace.objects.filter(person=jane).count() == 1
    pds.behave()


def test_the_batch_traces_everyone_unverified_and_resumes_after_a_refusal(
    pds, world, child, settings
):
    settings.FAMILYHUB_PDS_BATCH_SIZE = 2
    people = []
    for index, number in enumerate(["9449304424", "9449305552", "9449306621"]):
        given = ["Amy", "Ben", "Cara"][index]
        pds.add_patient(number, **{**JANE, "given": given}, postcode="RM17 5DQ")
        people.append(child(given_name=given))
    verified = child(given_name="Dana", nhs_number="9000000009", nhs_number_status="01")
    run = services.run_start(authority=world["authority"], by=world["leader"])
    assert run.total == 3  # Dana is verified already
    pds.refuse(429, times=1, retry_after=30)
    assert trace_batch.call(run.pk) == RunState.PAUSED
    run.refresh_from_db()
    assert (run.done, run.cursor, run.failures) == (0, 0, 1)
    assert _later(_queued(trace_batch, run.pk))[-1].run_after > timezone.now()
    assert trace_batch.call(run.pk) == RunState.RUNNING  # the first batch of two
    run.refresh_from_db()
    assert run.done == 2 and run.cursor == people[1].pk
    assert trace_batch.call(run.pk) == RunState.RUNNING  # the third
    assert trace_batch.call(run.pk) == RunState.DONE
    run.refresh_from_db()
    assert run.done == 3 and run.job.status == "done"
    for person, number in zip(people, ["9449304424", "9449305552", "9449306621"], strict=True):
        person.refresh_from_db()
        assert (person.nhs_number, person.nhs_number_status) == (number, "01")
    # The first person's failed try and its success are one trace.
    assert Trace.objects.filter(person=people[0]).count() == 1
    assert not Trace.objects.filter(person=verified).exists()


def test_the_batch_stops_after_failing_too_often(pds, world, child, settings):
    settings.FAMILYHUB_PDS_MAX_ATTEMPTS = 2
    child()
    run = services.run_start(authority=world["authority"], by=world["leader"])
    pds.refuse(503)
    assert trace_batch.call(run.pk) == RunState.PAUSED
    assert trace_batch.call(run.pk) == RunState.FAILED
    run.refresh_from_db()
    assert run.job.status == "failed" and "503" in run.detail
    pds.behave()


def test_a_second_run_is_refused_while_one_runs(pds, world, child):
    child()
    services.run_start(authority=world["authority"], by=world["leader"])
    with pytest.raises(Exception, match="already running"):
        services.run_start(authority=world["authority"], by=world["leader"])


def test_not_enough_details_is_said_and_pds_is_not_asked(pds, world, child):
    unknown = child(date_of_birth=None)
    assert _trace(unknown, world["visitor"]).state == TraceState.NOT_ENOUGH
    assert pds.requests == []


def test_a_partial_fuzzy_match_is_reviewed_not_filled(pds, world, child):
    pds.add_patient("9449304424", **{**JANE, "family": "Smythe"}, postcode="RM17 5DQ")
    jane = child()  # "Smith": only the fuzzy search finds "Smythe"
    trace = _trace(jane, world["visitor"])
    assert trace.state == TraceState.REVIEW and trace.how == "fuzzy search"
    assert jane.nhs_number == ""
    assert NumberReview.objects.get(person=jane).pds_number == "9449304424"


def test_someone_not_visible_cannot_be_traced(pds, world, client, signed_in, make_user):
    stranger = factories.PersonFactory(authority=world["authority"])
    signed_in(client, world["visitor"])
    assert client.post(reverse("tracing:person", args=[stranger.public_id])).status_code == 404
    assert not Trace.objects.exists()


def test_after_an_import_its_people_can_be_traced(pds, world, child, client, signed_in):
    from familyhub.people.models import ImportLink, PersonImport

    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    imported, other = child(), child(given_name="Other")
    person_import = PersonImport.objects.create(
        authority=world["authority"],
        filename="families.csv",
        created_by=world["leader"],
        status="done",
        created_count=1,
    )
    ImportLink.objects.create(
        person_import=person_import, row_number=2, person=imported, created=True
    )
    signed_in(client, world["leader"])
    result = client.get(reverse("people:import-result", args=[person_import.public_id]))
    url = reverse("tracing:import", args=[person_import.public_id])
    assert url in result.content.decode()
    assert 'data-testid="import-count">1 of' in client.get(url).content.decode()
    client.post(url)
    run = TraceRun.objects.get(person_import=person_import)
    assert run.total == 1
    while trace_batch.call(run.pk) != RunState.DONE:
        pass
    imported.refresh_from_db()
    other.refresh_from_db()
    assert imported.nhs_number == "9449304424" and other.nhs_number == ""
    # Someone else's import is not theirs to trace.
    signed_in(client, world["visitor"])
    assert client.get(url).status_code == 404


def test_a_typed_number_is_not_verified_whatever_it_replaced(world, child):
    from familyhub.people.services import person_register, person_update

    jane = child(nhs_number="9000000009", nhs_number_status="01")
    jane = person_update(
        person=jane, by=world["visitor"], expected_version=jane.version, nhs_number="9449304424"
    )
    assert jane.nhs_number_status == NhsNumberStatus.NOT_TRACED
    assert PersonChange.objects.filter(person=jane, field="nhs_number_status").exists()
    jane = person_update(
        person=jane, by=world["visitor"], expected_version=jane.version, nhs_number=""
    )
    assert jane.nhs_number_status == ""
    new = person_register(
        authority=world["authority"],
        by=world["visitor"],
        family_name="New",
        given_name="Baby",
        nhs_number="9449305552",
    )
    assert new.nhs_number_status == NhsNumberStatus.NOT_TRACED


def test_an_answer_about_a_number_changed_meanwhile_is_not_applied(pds, world, child):
    from familyhub.tracing.work import Found, trace_apply

    pds.add_patient("9449304424", **JANE, postcode="RM17 5DQ")
    jane = child()
    trace = services.trace_request(person=jane, by=world["visitor"])
    from familyhub.tracing.pds import Credentials, PdsClient

    pds_patient = PdsClient(Credentials(base_url=pds.base_url, timeout=1)).retrieve("9449304424")
    # A practitioner types a number after PDS was asked, before its answer is written.
    type(jane).objects.filter(pk=jane.pk).update(nhs_number="9449305552")
    trace_apply(trace, Found(TraceState.FILLED, "search", pds_patient), by=None, asked_number="")
    trace.refresh_from_db()
    jane.refresh_from_db()
    assert trace.state == TraceState.FAILED and "changed while PDS was asked" in trace.detail
    assert jane.nhs_number == "9449305552"
