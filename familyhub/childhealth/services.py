"""Every write to the child health record. Views, tasks and the demo call these only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.audit.log import log_change
from familyhub.childhealth import asq
from familyhub.childhealth.centiles import (
    GrowthResult,
    ImplausibleMeasurement,
    assess_growth,
    gestation_at_birth_days,
    reference_name,
)
from familyhub.childhealth.models import (
    STATUS_PRECEDENCE,
    Alert,
    AlertKind,
    AsqResult,
    DueStatus,
    Feeding,
    HealthVisitorAllocation,
    HeightPosition,
    Measurement,
    NewbornOutcome,
    OnwardReferral,
    Outcome,
    Review,
    ReviewDue,
    Screening,
)
from familyhub.childhealth.schedule import (
    HEALTH_VISITING_KINDS,
    NCMP_KINDS,
    SCHOOL_NURSING_KINDS,
    ReviewKind,
    Window,
    windows_for,
)
from familyhub.notifications.models import NotificationKind
from familyhub.notifications.services import notify_named_or_team_leaders
from familyhub.people.models import Person
from familyhub.places.models import Authority
from familyhub.services.models import Service, ServiceKind, Team

# A review more than this far past its last counted day is history: not added to a schedule.
HISTORY_HORIZON = timedelta(days=365)
# Reviews further ahead than this are added by a later refresh (the nightly refresh_schedules).
PLANNING_HORIZON = timedelta(days=3 * 366)

# PersonRecord's keys, set by the services from fetched objects (full_clean would re-read each).
RECORD_KEYS = ["person", "owning_service", "recorded_by"]

FEEDING_KINDS = (ReviewKind.NEW_BIRTH, ReviewKind.SIX_EIGHT_WEEK)


def epds_cutoff() -> int:
    return int(getattr(settings, "FAMILYHUB_EPDS_CUTOFF", 13))


def service_for(authority: Authority, kind: str) -> Service:
    """The authority's health visiting or school nursing service, which owns the records.

    A borough without one configured yet gets one named plainly, so that a schedule can still
    be kept; the administrator renames it and sets its contract later.
    """
    service = Service.objects.filter(authority=authority, kind=kind).order_by("pk").first()
    if service is None:
        service, _ = Service.objects.get_or_create(
            authority=authority, name=ServiceKind(kind).label, defaults={"kind": kind}
        )
    return service


def _owner_kind(review_kind: str) -> str:
    if review_kind in SCHOOL_NURSING_KINDS:
        return ServiceKind.SCHOOL_NURSING
    return ServiceKind.HEALTH_VISITING


def _moved_out(person: Person) -> bool:
    area = person.area
    return area is None or area.authority_id != person.authority_id


def _worth_adding(window: Window, today: date) -> bool:
    return window.late_until >= today - HISTORY_HORIZON and window.start <= today + PLANNING_HORIZON


def _pick(rows: list[ReviewDue]) -> ReviewDue:
    return min(
        rows, key=lambda r: (STATUS_PRECEDENCE.index(DueStatus(r.status)), not r.recorded, r.pk)
    )


@transaction.atomic
def schedule_refresh(person: Person, *, today: date | None = None) -> list[ReviewDue]:
    """Bring a child's schedule in line with their record; returns the rows in force.

    Call after anything that changes it: date of birth or expected date, birth, death, a move,
    a merge (people.hooks.person_merged, registered in ChildhealthConfig.ready()). Locks the
    person row so two refreshes of one child cannot add a review twice. Outcomes recorded by a practitioner
    are never changed; everything else is recomputed:
    - windows follow the date of birth (or the expected date while unborn);
    - a death cancels every review not yet recorded; a move out of the authority marks them
      transferred out (and a move back puts them back);
    - a merge leaves two rows for one review: the one with work recorded wins and the other,
      if nothing was recorded on it, is cancelled as a duplicate (kept, so unmerge can undo it).
    """
    today = today or timezone.localdate()
    person = Person.objects.select_for_update(of=("self",)).select_related("area").get(pk=person.pk)
    if person.merged_into_id is not None:
        # The merged-away record has no schedule of its own; its rows moved to the survivor.
        return schedule_refresh(Person.objects.get(pk=person.merged_into_id), today=today)

    rows = list(ReviewDue.objects.filter(person=person).order_by("pk"))
    by_kind: dict[str, list[ReviewDue]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)

    windows = {
        w.kind: w
        for w in windows_for(
            date_of_birth=person.date_of_birth,
            expected_date=person.expected_date_of_delivery,
            is_unborn=person.is_unborn,
        )
    }
    if not person.is_unborn and person.date_of_birth is None:
        windows = {}
    died = person.date_of_death
    moved = _moved_out(person)
    services: dict[str, Service] = {}
    in_force: list[ReviewDue] = []

    for kind in [k for k, _ in ReviewKind.choices]:
        group = by_kind.get(kind, [])
        window = windows.get(kind)
        keep = _pick(group) if group else None
        for other in group:
            if other is not keep and not other.recorded:
                _set_status(other, DueStatus.CANCELLED, "Duplicate after a merge of two records")
        if window is None:
            if keep is not None and not keep.recorded:
                _set_status(keep, DueStatus.CANCELLED, "No longer applies to this child")
            continue
        if keep is None:
            if died or not _worth_adding(window, today):
                continue
            owner_kind = _owner_kind(kind)
            if owner_kind not in services:
                services[owner_kind] = service_for(person.authority, owner_kind)
            keep = ReviewDue(
                person=person,
                authority=person.authority,
                owning_service=services[owner_kind],
                kind=kind,
            )
        before = _schedule_state(keep)
        keep.window_start, keep.window_end, keep.late_until = (
            window.start,
            window.end,
            window.late_until,
        )
        keep.provisional = person.is_unborn and kind != ReviewKind.ANTENATAL
        if not keep.recorded:
            if died:
                keep.status, keep.status_reason = DueStatus.CANCELLED, "The child has died"
            elif moved:
                keep.status, keep.status_reason = (
                    DueStatus.MOVED,
                    "Transferred out: lives outside the authority",
                )
            else:
                keep.status, keep.status_reason = DueStatus.DUE, ""
        # The values are computed here, not typed in: the database constraints are the check.
        # Unchanged rows are not written, so the nightly refresh of a register is cheap.
        if keep.pk is None or _schedule_state(keep) != before:
            keep.save()
        in_force.append(keep)
    return in_force


def _schedule_state(row: ReviewDue) -> tuple:
    return (
        row.window_start if row.pk else None,
        row.window_end if row.pk else None,
        row.late_until if row.pk else None,
        row.provisional,
        row.status,
        row.status_reason,
    )


def _set_status(row: ReviewDue, status: str, reason: str) -> None:
    if row.status != status or row.status_reason != reason:
        row.status, row.status_reason = status, reason
        row.save(update_fields=["status", "status_reason", "updated_at"])


def schedule_refresh_authority(authority: Authority, *, today: date | None = None) -> int:
    """Refresh every child's schedule in an authority (nightly, and after a bulk import).

    Adds the reviews that came within the planning horizon since the last run. One transaction
    per child, so a long run never holds a lock on the whole register.
    """
    people = (
        Person.objects.filter(authority=authority, merged_into__isnull=True)
        .filter(
            Q(is_unborn=True)
            | Q(date_of_birth__gt=(today or timezone.localdate()) - timedelta(days=int(19.5 * 365)))
        )
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in people.iterator():
        schedule_refresh(Person(pk=pk), today=today)
        count += 1
    return count


# --- recording a review ----------------------------------------------------------------------


def safeguarding_referral_url(person: Person) -> str | None:
    """The front door's new-referral page for this person, when the referrals part offers one."""
    for name, kwargs in (
        ("referrals:new", {"person_id": person.public_id}),
        ("referrals:new", {"public_id": person.public_id}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    try:
        return reverse("referrals:new") + f"?person={person.public_id}"
    except NoReverseMatch:
        return None


def _bad(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


@transaction.atomic
def review_record(
    *,
    due: ReviewDue,
    by: User,
    done_on: date,
    place: str,
    outcome: str,
    delegated: bool = False,
    accountable: User | None = None,
    whooley_low_mood: bool | None = None,
    whooley_little_interest: bool | None = None,
    whooley_wants_help: bool | None = None,
    epds_total: int | None = None,
    epds_self_harm: int | None = None,
    breastfeeding: str = "",
    asq_scores: dict[str, int | None] | None = None,
    asq_questionnaire: int | None = None,
    safeguarding_concern: bool = False,
    notes: str = "",
    channel: str = "page",
) -> Review:
    """Record a review's outcome and findings, raise its alerts, and close it in the schedule.

    Locks the schedule row: a review is recorded once; a second practitioner recording the same
    review at the same time gets a clear error and nothing is saved. The caller has checked that
    `by` may see the child (the access layer) and may record (access.can_record).
    """
    due = ReviewDue.objects.select_for_update().select_related("person").get(pk=due.pk)
    person = due.person
    if due.recorded:
        raise _bad("outcome", "This review has already been recorded. Reload the page to see it.")
    if due.status in (DueStatus.CANCELLED,):
        raise _bad("outcome", f"This review is cancelled: {due.status_reason.lower()}.")
    today = timezone.localdate()
    if done_on > today:
        raise _bad("done_on", "The date of the review must be today or in the past")
    birth = person.date_of_birth
    if due.kind == ReviewKind.ANTENATAL:
        if birth and not person.is_unborn and done_on >= birth:
            raise _bad("done_on", "An antenatal contact must be before the birth")
    elif person.is_unborn or birth is None:
        raise _bad("done_on", "This review is after birth: record the birth first")
    elif done_on < birth:
        raise _bad("done_on", "The date of the review is before the child's date of birth")
    if delegated:
        if accountable is None:
            raise _bad("accountable", "Choose the accountable health visitor")
        if accountable.role != Role.HEALTH_VISITOR:
            raise _bad("accountable", "The accountable practitioner must be a health visitor")
    completed = outcome == Outcome.COMPLETED
    scores = {k: v for k, v in (asq_scores or {}).items() if v is not None}
    if scores and due.kind != ReviewKind.TWO_YEAR:
        raise _bad("asq_communication", "ASQ-3 scores are recorded at the 2 to 2½ year review")
    if breastfeeding and due.kind not in FEEDING_KINDS:
        raise _bad(
            "breastfeeding", "Breastfeeding is recorded at the new birth visit and 6-8 weeks"
        )
    if not completed and (scores or epds_total is not None or breastfeeding):
        raise _bad("outcome", "Scores can only be recorded when the review was completed")
    if epds_total is not None and not 0 <= epds_total <= 30:
        raise _bad("epds_total", "The EPDS total must be between 0 and 30")
    if epds_self_harm is not None and not 0 <= epds_self_harm <= 3:
        raise _bad("epds_self_harm", "The self-harm answer must be between 0 and 3")
    if epds_self_harm is not None and epds_total is not None and epds_self_harm > epds_total:
        raise _bad("epds_self_harm", "The self-harm answer cannot be more than the EPDS total")
    for domain, score in scores.items():
        if not 0 <= score <= 60:
            raise _bad(f"asq_{domain}", "Each ASQ-3 score must be between 0 and 60")
    if scores and len(scores) != 5:
        missing = [d for d in asq.AsqDomain.values if d not in scores][0]
        raise _bad(f"asq_{missing}", "Give all five ASQ-3 domain scores, or none")
    if scores and asq_questionnaire is None and birth:
        months = (done_on.year - birth.year) * 12 + done_on.month - birth.month
        asq_questionnaire = asq.questionnaire_for_age(months)
    if scores and asq_questionnaire not in asq.QUESTIONNAIRES:
        raise _bad("asq_questionnaire", "Choose the 24, 27 or 30 month questionnaire")

    review = Review(
        person=person,
        owning_service=due.owning_service,
        recorded_by=by,
        due=due,
        kind=due.kind,
        done_on=done_on,
        place=place,
        outcome=outcome,
        done_by=by,
        delegated=delegated,
        accountable=accountable if delegated else None,
        whooley_low_mood=whooley_low_mood,
        whooley_little_interest=whooley_little_interest,
        whooley_wants_help=whooley_wants_help,
        epds_total=epds_total,
        epds_self_harm=epds_self_harm,
        breastfeeding=breastfeeding if breastfeeding in Feeding.values else "",
        asq_used=bool(scores),
        asq_questionnaire=asq_questionnaire if scores else None,
        safeguarding_concern=safeguarding_concern,
        safeguarding_referral_offered=bool(
            safeguarding_concern and safeguarding_referral_url(person)
        ),
        notes=notes,
        **{f"asq_{d}": scores.get(d) for d in asq.AsqDomain.values},
    )
    # Foreign keys come from objects already fetched: skip re-reading each of them.
    review.full_clean(exclude=RECORD_KEYS + ["due", "done_by", "accountable"])
    review.save()
    if scores:
        AsqResult.objects.bulk_create(
            [
                AsqResult(
                    review=review,
                    domain=domain,
                    score=score,
                    band=asq.band(
                        questionnaire=review.asq_questionnaire or 24, domain=domain, score=score
                    ),
                )
                for domain, score in scores.items()
            ]
        )
    due.status = outcome
    due.status_reason = ""
    due.recorded = True
    due.completed_on = done_on if completed else None
    due.save(update_fields=["status", "status_reason", "recorded", "completed_on", "updated_at"])
    _raise_alerts(review, by=by)
    log_change(
        by,
        [due.person],
        action="create",
        purpose="Record a health review",
        channel=channel,
        detail=str(review.public_id),
    )
    return review


def _alert(review: Review, kind: str, message: str, by) -> Alert:
    return Alert.objects.create(
        person=review.person,
        owning_service=review.owning_service,
        recorded_by=by,
        kind=kind,
        message=message,
        review=review,
    )


def _raise_alerts(review: Review, *, by) -> list[Alert]:
    alerts = []
    cutoff = epds_cutoff()
    if review.epds_total is not None and review.epds_total >= cutoff:
        alerts.append(
            _alert(
                review,
                AlertKind.EPDS,
                f"Maternal mood: EPDS total {review.epds_total} is at or above the cut-off of "
                f"{cutoff}. Arrange assessment.",
                by,
            )
        )
    if review.epds_self_harm:
        alerts.append(
            _alert(
                review,
                AlertKind.SELF_HARM,
                f"Maternal mood: the EPDS self-harm answer was {review.epds_self_harm}. "
                "Act today: assess risk and follow the perinatal mental health pathway.",
                by,
            )
        )
    if review.whooley_wants_help and review.epds_total is None:
        alerts.append(
            _alert(
                review,
                AlertKind.WHOOLEY,
                "Maternal mood: a yes to the Whooley questions and help wanted; no EPDS recorded.",
                by,
            )
        )
    if review.safeguarding_concern:
        alerts.append(
            _alert(
                review,
                AlertKind.SAFEGUARDING,
                "Safeguarding concern recorded at the review: consider a referral to the "
                "front door.",
                by,
            )
        )
    if alerts:
        # Notify the named health visitor, or (if they recorded it) the owning team's leaders.
        named = (
            HealthVisitorAllocation.objects.filter(person_id=review.person_id, end__isnull=True)
            .order_by("-start", "-pk")
            .first()
        )
        notify_named_or_team_leaders(
            named_user_id=named.practitioner_id if named else None,
            team_id=named.team_id if named else None,
            service_id=review.owning_service_id,
            area_id=review.person.area_id,
            by=by,
            kind=NotificationKind.REVIEW_ALERT,
            subject="A health review raised an alert that needs following up",
            url=reverse("childhealth:child", args=[review.person.public_id]),
            key=f"review-alert:{review.public_id}",
        )
    return alerts


@transaction.atomic
def alert_resolve(*, alert: Alert, by: User, resolution: str, channel: str = "page") -> Alert:
    resolution = (resolution or "").strip()
    if not resolution:
        raise _bad("resolution", "Say what was done")
    updated = Alert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by, resolution=resolution[:300]
    )
    if not updated:
        raise _bad("resolution", "This alert has already been resolved")
    alert.refresh_from_db()
    log_change(by, [alert.person], action="change", purpose="Resolve an alert", channel=channel)
    return alert


# --- measurements, screening, onward referrals, caseloads -------------------------------------


UNUSUAL = "unusual"  # the code of an error the practitioner may confirm past


def _quantized(value: Decimal | float | None, places: str) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places))


def _growth_fields(
    person: Person,
    *,
    measured_on: date,
    weight_kg: Decimal | None,
    height_cm: Decimal | None,
    head_circumference_cm: Decimal | None,
) -> tuple[dict[str, Any], GrowthResult]:
    """The stored centile fields for these values (raises ImplausibleMeasurement)."""
    if person.date_of_birth is None or person.is_unborn:
        raise ImplausibleMeasurement("measured_on", "The child's date of birth is not recorded")
    result = assess_growth(
        date_of_birth=person.date_of_birth,
        measured_on=measured_on,
        sex=person.sex,
        weight_kg=None if weight_kg is None else float(weight_kg),
        height_cm=None if height_cm is None else float(height_cm),
        head_circumference_cm=None
        if head_circumference_cm is None
        else float(head_circumference_cm),
        gestation_days=gestation_at_birth_days(
            person.date_of_birth, person.expected_date_of_delivery
        ),
    )

    def rounded(value: float | None, places: int = 3) -> float | None:
        return None if value is None else round(value, places)

    bmi = result.bmi
    fields: dict[str, Any] = {
        "age_years": round(result.age.years, 4),
        "gestation_days": result.age.gestation_days,
        "height_position": (
            ""
            if height_cm is None
            else HeightPosition.LYING
            if result.height_lying
            else HeightPosition.STANDING
        ),
        "weight_sds": rounded(result.weight_sds),
        "height_sds": rounded(result.height_sds),
        "head_circumference_sds": rounded(result.head_sds),
        "reference": reference_name(result.age.years),
        "bmi": rounded(bmi.bmi, 2) if bmi else None,
        "z_score": rounded(bmi.z_score) if bmi else None,
        "centile": rounded(bmi.centile, 2) if bmi else None,
        "population_category": bmi.population if bmi else "",
        "clinical_category": bmi.clinical if bmi else "",
    }
    return fields, result


def needs_confirming(error: ValidationError) -> bool:
    """Whether measurement_record refused values only for want of the practitioner's check."""
    if not hasattr(error, "error_dict"):
        return False
    return all(e.code == UNUSUAL for errors in error.error_dict.values() for e in errors)


@transaction.atomic
def measurement_record(
    *,
    person: Person,
    by: User,
    measured_on: date,
    weight_kg: Decimal | float | None = None,
    height_cm: Decimal | float | None = None,
    head_circumference_cm: Decimal | float | None = None,
    context: str = "other",
    due: ReviewDue | None = None,
    confirm_unusual: bool = False,
    channel: str = "page",
) -> Measurement:
    """Record a weight, length or height and head circumference (any of them, at least one),
    with their UK-WHO centiles and, from 2 years, the BMI centile.

    Values that cannot be right raise a ValidationError naming the field and saying what is
    plausible; values beyond 4 SDS raise one with code UNUSUAL on each such field unless
    `confirm_unusual` (the practitioner has checked them). Nothing is saved on an error. An NCMP
    measurement needs height and weight and completes the child's NCMP review; a child at or
    above the clinical overweight threshold gets an alert offering a referral to weight
    management. The caller has checked that `by` may see the child and may record; the
    access-log entry is written here, in the same transaction (`channel`: how it came in)."""
    weight = _quantized(weight_kg, "0.001")
    height = _quantized(height_cm, "0.1")
    head = _quantized(head_circumference_cm, "0.1")
    if weight is None and height is None and head is None:
        raise _bad(
            "weight_kg",
            "Enter at least one measurement: weight, length or height, or head circumference",
        )
    if context in NCMP_KINDS:
        for name, value, words in (
            ("height_cm", height, "height"),
            ("weight_kg", weight, "weight"),
        ):
            if value is None:
                raise _bad(name, f"Enter the {words}: the NCMP needs both height and weight")
    if measured_on > timezone.localdate():
        raise _bad("measured_on", "The date measured must be today or in the past")
    try:
        fields, result = _growth_fields(
            person,
            measured_on=measured_on,
            weight_kg=weight,
            height_cm=height,
            head_circumference_cm=head,
        )
    except ImplausibleMeasurement as error:
        raise _bad(error.field, error.message) from None
    if result.unusual and not confirm_unusual:
        raise ValidationError(
            {
                name: [ValidationError(message, code=UNUSUAL)]
                for name, message in result.unusual.items()
            }
        )
    if due is None and context in NCMP_KINDS:
        due = (
            ReviewDue.objects.filter(person=person, kind=context, recorded=False)
            .select_for_update()
            .first()
        )
    owner = service_for(
        person.authority,
        ServiceKind.SCHOOL_NURSING
        if result.age.chronological >= 4.5 or context.startswith("ncmp")
        else ServiceKind.HEALTH_VISITING,
    )
    measurement = Measurement(
        person=person,
        owning_service=owner,
        recorded_by=by,
        measured_on=measured_on,
        context=context,
        height_cm=height,
        weight_kg=weight,
        head_circumference_cm=head,
        unusual_confirmed=bool(result.unusual),
        due=due,
        **fields,
    )
    measurement.full_clean(exclude=RECORD_KEYS + ["due"])
    measurement.save()
    log_change(
        by,
        [person],
        action="create",
        purpose="Record growth measurements",
        channel=channel,
        detail=str(measurement.public_id),
    )
    if due is not None and due.kind in NCMP_KINDS:
        ReviewDue.objects.filter(pk=due.pk, recorded=False).update(
            status=DueStatus.COMPLETED, recorded=True, completed_on=measured_on, status_reason=""
        )
    if result.bmi is not None and result.bmi.offer_weight_management:
        Alert.objects.create(
            person=person,
            owning_service=owner,
            recorded_by=by,
            kind=AlertKind.WEIGHT,
            message=(
                f"BMI on the {result.bmi.centile:.1f} centile ({measurement.get_clinical_category_display().lower()}):"
                " offer a referral to weight management."
            ),
        )
    return measurement


@transaction.atomic
def measurements_recompute(person: Person) -> int:
    """Work a child's stored centiles out again from the register as it now is: after a
    correction of the date of birth, expected date of delivery or sex (childhealth.hooks), or
    a merge. The values measured are never changed; one the reference can no longer place
    (a date of birth moved after it) keeps its value and loses its centiles. Alerts already
    raised stay. No access-log entry: no one reads anything, and the change of the register
    that calls this is logged by people.services. Returns how many rows changed."""
    changed = 0
    for row in Measurement.objects.select_for_update().filter(person=person):
        try:
            fields, _ = _growth_fields(
                person,
                measured_on=row.measured_on,
                weight_kg=row.weight_kg,
                height_cm=row.height_cm,
                head_circumference_cm=row.head_circumference_cm,
            )
        except ImplausibleMeasurement:
            fields = dict.fromkeys(
                (
                    "age_years",
                    "gestation_days",
                    "weight_sds",
                    "height_sds",
                    "head_circumference_sds",
                )
                + ("bmi", "z_score", "centile")
            )
            fields.update(population_category="", clinical_category="")
        if any(getattr(row, name) != value for name, value in fields.items()):
            Measurement.objects.filter(pk=row.pk).update(**fields)
            changed += 1
    return changed


@transaction.atomic
def screening_record(
    *,
    person: Person,
    by: User,
    kind: str,
    screened_on: date,
    left: str,
    right: str,
    notes: str = "",
    owner_kind: str = ServiceKind.SCHOOL_NURSING,
    channel: str = "page",
) -> Screening:
    """Record a vision or hearing screen. `owner_kind` is the recorder's service, so the person
    who recorded it (a health visitor as well as a school nurse) can see it afterwards."""
    if screened_on > timezone.localdate():
        raise _bad("screened_on", "The date screened must be today or in the past")
    screening = Screening(
        person=person,
        owning_service=service_for(person.authority, owner_kind),
        recorded_by=by,
        kind=kind,
        screened_on=screened_on,
        left=left,
        right=right,
        notes=notes,
    )
    screening.full_clean()
    screening.save()
    log_change(by, [person], action="create", purpose="Record a screening result", channel=channel)
    return screening


@transaction.atomic
def newborn_outcome_record(
    *,
    person: Person,
    screen: str,
    source_key: str,
    done_on: date | None,
    summary: str,
    results: list[dict[str, str]],
    needs_follow_up: bool,
    source_updated_at,
    message_id: str,
    withdrawn: bool = False,
    by: User | None = None,
    channel: str = "mesh",
) -> tuple[NewbornOutcome, bool]:
    """Record (or replace) a newborn screening outcome sent by the NHS; (row, changed).

    One row per screening record at its source (`source_key`). A message older than the one
    already applied (by the sender's last-updated time) changes nothing; a newer one replaces
    the results; a delete marks the row withdrawn and keeps it.
    """
    row = NewbornOutcome.objects.select_for_update().filter(source_key=source_key).first()
    if row is not None and _older(source_updated_at, row.source_updated_at):
        return row, False
    if row is None:
        row = NewbornOutcome(
            person=person,
            owning_service=service_for(person.authority, ServiceKind.HEALTH_VISITING),
            source_key=source_key,
            screen=screen,
        )
    row.person, row.recorded_by = person, by
    row.source_updated_at, row.message_id, row.withdrawn = source_updated_at, message_id, withdrawn
    if not withdrawn:
        row.done_on, row.summary, row.results = done_on, summary[:300], results
        row.needs_follow_up = needs_follow_up
    row.save()
    action = "change" if withdrawn else "create"
    log_change(by, [person], action=action, purpose="Newborn screening outcome", channel=channel)
    return row, True


def _older(incoming, applied) -> bool:
    return incoming is not None and applied is not None and incoming < applied


@transaction.atomic
def onward_referral_create(
    *,
    person: Person,
    by: User,
    reason: str,
    to_service_name: str,
    referred_on: date,
    notes: str = "",
    owner_kind: str = ServiceKind.SCHOOL_NURSING,
    channel: str = "page",
) -> OnwardReferral:
    to_service_name = (to_service_name or "").strip()
    if not to_service_name:
        raise _bad("to_service_name", "Name the service the child is referred to")
    if referred_on > timezone.localdate():
        raise _bad("referred_on", "The date of referral must be today or in the past")
    to_service = Service.objects.filter(
        authority=person.authority, name__iexact=to_service_name
    ).first()
    referral = OnwardReferral(
        person=person,
        owning_service=service_for(person.authority, owner_kind),
        recorded_by=by,
        reason=reason,
        to_service_name=to_service_name,
        to_service=to_service,
        referred_on=referred_on,
        notes=notes,
    )
    referral.full_clean()
    referral.save()
    log_change(by, [person], action="create", purpose="Make an onward referral", channel=channel)
    return referral


@transaction.atomic
def allocation_set(
    *,
    person: Person,
    practitioner: User,
    team: Team,
    by: User,
    start: date | None = None,
    channel: str = "page",
    expected_current: str | None = None,
) -> Any:
    """Name the health visitor (or school nurse) for a child, ending any current allocation.

    Locks the person so two team leaders allocating at once end with one current allocation.
    `expected_current` is the allocation the leader saw on the form (its public id, or "" for
    none): if someone named a practitioner since, nothing is written and the leader is told who,
    rather than their choice silently replacing a colleague's. None skips the check (imports,
    the demo, births).
    """
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if not team.memberships.filter(user=practitioner).exists():
        raise _bad("practitioner", "The practitioner must be a member of the team")
    current = (
        HealthVisitorAllocation.objects.filter(person=person, end__isnull=True)
        .select_related("practitioner")
        .order_by("-start", "-pk")
        .first()
    )
    if expected_current is not None and (str(current.public_id) if current else "") != str(
        expected_current
    ):
        named = (
            (current.practitioner.get_full_name() or str(current.practitioner))
            if current
            else "nobody"
        )
        raise _bad(
            "practitioner",
            f"Someone changed the named practitioner while you were choosing: it is now "
            f"{named}. Check this is still who you want and save again",
        )
    start = start or timezone.localdate()
    HealthVisitorAllocation.objects.filter(person=person, end__isnull=True).update(end=start)
    allocation = HealthVisitorAllocation(
        person=person,
        owning_service=team.service,
        recorded_by=by,
        practitioner=practitioner,
        team=team,
        start=start,
    )
    allocation.full_clean(exclude=RECORD_KEYS + ["practitioner", "team"])
    allocation.save()
    log_change(by, [person], action="change", purpose="Name the health visitor", channel=channel)
    return allocation


HV_KINDS = HEALTH_VISITING_KINDS
