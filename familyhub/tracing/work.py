"""The work of a trace, done by the background tasks (tracing.tasks): which people need one,
asking PDS, and writing what it found. Pages never call this module (they only queue work through
tracing.services): a trace can wait for PDS, a page must not.

What a trace may change, and what it may not (a practitioner's entry is never overwritten
without a review):
  - no number in the register, one unique match at PDS  -> the number is filled, status 01;
  - the register's number is PDS's for these details    -> status 01 (verified);
  - PDS holds a different number (superseded, unknown, or its details match another number),
    or only a fuzzy match was found                     -> a NumberReview, status 05; nothing
    else changes until a practitioner accepts (PDS's number, 01) or rejects (02 or 04);
  - no match, or more than one (PDS returns none)       -> status 04 (05 if a number is held).
Every change of the register goes through people.services.nhs_number_record_trace (logged there).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.audit.log import log_shown
from familyhub.people.models import NhsNumberStatus, Person, Sex
from familyhub.people.services import nhs_number_record_trace
from familyhub.tracing.models import NumberReview, ReviewState, Trace, TraceState
from familyhub.tracing.pds import PdsClient, PdsPatient, PdsUnavailable, SearchResult

GENDERS: dict[str, str] = {Sex.FEMALE: "female", Sex.MALE: "male"}
# A trace that keeps failing waits at most this long between tries.
LONGEST_WAIT = datetime.timedelta(hours=1)


def needs_trace(authority_id: int, *, person_import_id: int | None = None) -> QuerySet[Person]:
    """Everyone in the council (or of one import) whose NHS number is not verified and who can
    be traced: alive, born, not merged away, with no open review (a practitioner is deciding)."""
    open_review = NumberReview.objects.filter(person=OuterRef("pk"), state=ReviewState.OPEN)
    people = Person.objects.all()
    if person_import_id is not None:
        people = people.filter(import_links__person_import_id=person_import_id).distinct()
    return (
        people.filter(
            authority_id=authority_id,
            merged_into__isnull=True,
            is_unborn=False,
            date_of_death__isnull=True,
        )
        .exclude(nhs_number_status=NhsNumberStatus.VERIFIED)
        .exclude(nhs_number_status=NhsNumberStatus.NOT_REQUIRED)
        .exclude(Exists(open_review))
    )


def backoff(attempts: int, retry_after: int = 0) -> datetime.timedelta:
    """How long to wait before the next try: doubling from FAMILYHUB_PDS_RETRY_SECONDS, never
    sooner than PDS's Retry-After, at most an hour."""
    base = settings.FAMILYHUB_PDS_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return min(LONGEST_WAIT, datetime.timedelta(seconds=max(base, retry_after)))


# --- one trace (tasks) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What asking PDS found for one person (before anything is written)."""

    state: str
    how: str
    patient: PdsPatient | None = None
    detail: str = ""


def _fold(text: str) -> str:
    return "".join(ch for ch in (text or "").casefold() if ch.isalnum())


def _agrees(person: Person, patient: PdsPatient) -> bool:
    """PDS's record is this person's: the same date of birth and family name."""
    born = person.date_of_birth.isoformat() if person.date_of_birth else ""
    return patient.birth_date == born and _fold(patient.family_name) == _fold(person.family_name)


def _search(client: PdsClient, person: Person) -> tuple[SearchResult, str]:
    """PDS's advice for a unique match: a non-fuzzy search with history on the details we hold;
    a fuzzy search (homophones, transposed names) only if that found no one."""
    given = person.given_name.split(" ")[0] if person.given_name else ""
    born = person.date_of_birth.isoformat() if person.date_of_birth else ""
    gender = GENDERS.get(person.sex, "")
    result = client.search(
        family=person.family_name,
        given=given,
        birth_date=born,
        gender=gender,
        postcode=person.postcode,
        history=True,
    )
    if result.patient or result.multiple or not given:
        return result, "search"
    fuzzy = client.search(
        family=person.family_name, given=given, birth_date=born, gender=gender, fuzzy=True
    )
    return fuzzy, "fuzzy search"


def ask_pds(client: PdsClient, person: Person, *, by: User | None = None) -> Found:
    """What PDS says of this person. Raises PdsUnavailable for the task to try again later.
    Sending their details to PDS is a disclosure: the access log records it (an export, on
    behalf of whoever asked) before anything is sent."""
    if not person.family_name or person.date_of_birth is None:
        return Found(TraceState.NOT_ENOUGH, "")
    log_shown(
        by,
        [person],
        purpose="Sent to the Personal Demographics Service to trace the NHS number",
        channel="task",
        action="export",
    )
    number = person.nhs_number
    held = client.retrieve(number) if number else None
    if held is not None and held.nhs_number == number and _agrees(person, held):
        return Found(TraceState.MATCHED, "retrieve", held)
    result, how = _search(client, person)
    if result.multiple:
        return Found(TraceState.MULTIPLE, how, detail=result.note)
    if result.patient is None:
        if number and held is None:
            return Found(TraceState.NO_MATCH, how, detail="PDS has no record of this NHS number")
        if number:
            return Found(
                TraceState.NO_MATCH, how, detail="PDS's record of this number has other details"
            )
        return Found(TraceState.NO_MATCH, how, detail=result.note)
    found = result.patient
    if number and found.nhs_number == number:
        return Found(TraceState.MATCHED, how, found)
    exact = found.score is None or found.score >= 1.0 or how == "search"
    if not number and exact:
        return Found(TraceState.FILLED, how, found)
    if held is not None and held.nhs_number != number:
        reason = f"PDS says {number} was replaced by {held.nhs_number}"
    elif number:
        reason = "PDS finds a different NHS number for these details"
    else:
        reason = f"Only a partial match (score {found.score:.2f}): confirm it is this person"
    return Found(TraceState.REVIEW, how, found, detail=reason)


def _status_for(found: Found, person: Person) -> tuple[str | None, str | None]:
    """(the register's new status or None to leave it, the number to fill or None)."""
    if found.state == TraceState.MATCHED:
        return NhsNumberStatus.VERIFIED, None
    if found.state == TraceState.FILLED and found.patient:
        return NhsNumberStatus.VERIFIED, found.patient.nhs_number
    if found.state == TraceState.REVIEW:
        return NhsNumberStatus.TO_RESOLVE, None
    if found.state in (TraceState.NO_MATCH, TraceState.MULTIPLE):
        return (NhsNumberStatus.TO_RESOLVE if person.nhs_number else NhsNumberStatus.NO_MATCH), None
    return None, None


@transaction.atomic
def trace_apply(
    trace: Trace, found: Found, *, by: User | None, asked_number: str | None = None
) -> Trace:
    """Write what a trace found: the trace, the review if there is one, the register's status.
    `asked_number` is the number the register held when PDS was asked: if a practitioner changed
    it meanwhile, the answer is about a record that no longer is, and nothing is applied."""
    person = Person.objects.select_for_update().get(pk=trace.person_id)
    if asked_number is not None and person.nhs_number != asked_number:
        trace.state = TraceState.FAILED
        trace.detail = "The NHS number changed while PDS was asked: trace it again"
        trace.attempts += 1
        trace.finished_at = timezone.now()
        trace.save()
        return trace
    trace.state = found.state
    trace.how = found.how
    trace.detail = found.detail[:300]
    trace.register_number = person.nhs_number
    trace.attempts += 1
    trace.next_try_at = None
    trace.finished_at = timezone.now()
    if found.patient:
        trace.pds_number = found.patient.nhs_number
        trace.pds_verification = found.patient.verification
        trace.score = found.patient.score
    trace.save()
    if found.state == TraceState.REVIEW and found.patient:
        _open_review(trace, person, found)
    status, number = _status_for(found, person)
    if status and (status != person.nhs_number_status or number):
        nhs_number_record_trace(
            person=person,
            by=by,
            status=status,
            nhs_number=number,
            expected_version=person.version,
            channel="task",
        )
    return trace


def _open_review(trace: Trace, person: Person, found: Found) -> NumberReview:
    assert found.patient is not None
    review = NumberReview.objects.filter(person=person, state=ReviewState.OPEN).first()
    if review is None:
        return NumberReview.objects.create(
            person=person,
            trace=trace,
            register_number=person.nhs_number,
            pds_number=found.patient.nhs_number,
            reason=found.detail[:200],
        )
    # A newer trace of the same question replaces the older answer.
    NumberReview.objects.filter(pk=review.pk).update(
        trace=trace, pds_number=found.patient.nhs_number, reason=found.detail[:200]
    )
    return review


def trace_failed(trace: Trace, error: PdsUnavailable, *, final: bool) -> Trace:
    """PDS could not answer: the trace waits for its next try, or gives up after the last."""
    trace.attempts += 1
    trace.detail = str(error)[:300]
    if final:
        trace.state = TraceState.FAILED
        trace.finished_at = timezone.now()
        trace.next_try_at = None
    else:
        trace.state = TraceState.RETRYING
        trace.next_try_at = timezone.now() + backoff(trace.attempts, error.retry_after)
    trace.save()
    return trace
