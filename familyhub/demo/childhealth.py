"""Demo data of the child health part: a year of Healthy Child Programme reviews.

Over the synthetic register's under-5s (and unborn children), every child gets a schedule; the
reviews whose windows fell in the past year are recorded with realistic outcomes. Completion
rates start near the national figures (new birth visits within 14 days ~88%, 6-8 week reviews
~80%, 12-month reviews by 12 months ~75%, 2-2.5 year reviews ~72%) and fall with deprivation:
about 1.5 points per IMD decile, so the most deprived wards are ~13 points lower, which is the
gap councils report. Children in the Central locality are put on the demo health visitor's
caseload. Reception and Year 6 children get an NCMP measurement with a BMI drawn so that the
shares overweight and obese look like the NCMP's.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TextIO

from django.db.models import Q
from django.utils import timezone
from rcpchgrowth import measurement_from_sds

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.childhealth import services
from familyhub.childhealth.models import DueStatus, Feeding, Outcome, Place, ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.people.models import Person
from familyhub.places.models import Authority
from familyhub.services.models import ServiceKind, Team

# In-time completion at decile 10 (least deprived); each decile more deprived takes 1.5 points.
BASE_RATE: dict[str, float] = {
    ReviewKind.ANTENATAL: 0.70,
    ReviewKind.NEW_BIRTH: 0.93,
    ReviewKind.SIX_EIGHT_WEEK: 0.86,
    ReviewKind.TWELVE_MONTH: 0.80,
    ReviewKind.TWO_YEAR: 0.78,
    ReviewKind.NCMP_RECEPTION: 0.96,
    ReviewKind.NCMP_YEAR_SIX: 0.94,
}
DEPRIVATION_STEP = 0.015


def completion_rate(kind: str, imd_decile: int | None) -> float:
    decile = imd_decile or 5
    return max(0.3, BASE_RATE.get(kind, 0.8) - DEPRIVATION_STEP * (10 - decile))


def _done_on(rng: random.Random, due: ReviewDue, in_time: bool, today: date) -> date | None:
    if in_time:
        start, end = due.window_start, due.window_end
    else:
        start, end = due.window_end + timedelta(days=1), due.late_until
    end = min(end, today)
    if end < start:
        return None
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _record(rng: random.Random, due: ReviewDue, by, decile: int | None, today: date) -> None:
    rate = completion_rate(due.kind, decile)
    roll = rng.random()
    window_passed = today > due.late_until
    if roll < rate:
        done_on = _done_on(rng, due, True, today)
    elif roll < rate + (1 - rate) * 0.5:
        done_on = _done_on(rng, due, False, today)  # done late
    else:
        if not window_passed:
            return  # still to do: it stays on the worklist
        outcome = rng.choice([Outcome.DECLINED, Outcome.NOT_BROUGHT, Outcome.NOT_BROUGHT])
        services.review_record(
            due=due, by=by, done_on=min(due.late_until, today), place=Place.HOME, outcome=outcome
        )
        return
    if done_on is None:
        return
    kind = due.kind
    fields: dict = {}
    if kind in (ReviewKind.NCMP_RECEPTION, ReviewKind.NCMP_YEAR_SIX):
        _measure(rng, due, by, done_on)
        return
    if kind in (ReviewKind.ANTENATAL, ReviewKind.NEW_BIRTH, ReviewKind.SIX_EIGHT_WEEK):
        low = rng.random() < 0.12 + 0.01 * (10 - (decile or 5))
        fields.update(whooley_low_mood=low, whooley_little_interest=low and rng.random() < 0.6)
        if low:
            fields["whooley_wants_help"] = rng.random() < 0.6
            self_harm = 1 if rng.random() < 0.04 else 0
            # The self-harm item is one of the ten the total adds up, so never more than it.
            total = max(self_harm, min(30, int(rng.gauss(11, 5))))
            fields.update(epds_total=total, epds_self_harm=self_harm)
    if kind in (ReviewKind.NEW_BIRTH, ReviewKind.SIX_EIGHT_WEEK):
        # Any breastfeeding: ~80% / ~68% in the least deprived decile, ~30 points lower in the most.
        feeding = 0.80 if kind == ReviewKind.NEW_BIRTH else 0.68
        feeding -= 0.035 * (10 - (decile or 5))
        roll = rng.random()
        fields["breastfeeding"] = (
            Feeding.EXCLUSIVE
            if roll < feeding * 0.6
            else Feeding.PARTIAL
            if roll < feeding
            else Feeding.NOT
        )
    if kind == ReviewKind.TWO_YEAR and rng.random() < 0.92:
        fields["asq_scores"] = {
            d: max(0, min(60, 5 * round(rng.gauss(47, 10) / 5)))
            for d in (
                "communication",
                "gross_motor",
                "fine_motor",
                "problem_solving",
                "personal_social",
            )
        }
    fields["safeguarding_concern"] = rng.random() < 0.01
    services.review_record(
        due=due,
        by=by,
        done_on=done_on,
        place=rng.choice([Place.HOME, Place.HOME, Place.FAMILY_HUB, Place.CLINIC]),
        outcome=Outcome.COMPLETED,
        **fields,
    )


def _sds(rng: random.Random, mean: float, spread: float) -> float:
    return max(-2.3, min(2.3, rng.gauss(mean, spread)))


def _measure(rng: random.Random, due: ReviewDue, by, done_on: date) -> None:
    person = due.person
    if person.sex not in ("M", "F") or person.date_of_birth is None:
        return
    sex = "male" if person.sex == "M" else "female"
    age = (done_on - person.date_of_birth).days / 365.25
    # SDS kept within 2.3 of the mean: the demo's children are ordinary, never values a
    # practitioner would have to confirm as very unusual.
    height = measurement_from_sds("uk-who", _sds(rng, 0.1, 1.0), "height", sex, age)
    # NCMP: about a fifth overweight or obese in Reception, a third in Year 6 (UK90 centiles).
    shift = 0.35 if due.kind == ReviewKind.NCMP_RECEPTION else 0.6
    bmi = measurement_from_sds("uk-who", _sds(rng, shift, 1.1), "bmi", sex, age)
    weight = round(bmi * (height / 100) ** 2, 1)
    context = due.kind
    services.measurement_record(
        person=person,
        by=by,
        measured_on=done_on,
        height_cm=round(height, 1),
        weight_kg=weight,
        context=context,
        due=due,
    )


def load_demo(*, authority: Authority, rng: random.Random, stdout: TextIO) -> None:
    today = timezone.localdate()
    health_visitor = User.objects.filter(username=Role.HEALTH_VISITOR.value).first()
    school_nurse = User.objects.filter(username=Role.SCHOOL_NURSE.value).first() or health_visitor
    if health_visitor is None:
        stdout.write("Skipped the child health demo: no demo health visitor account.\n")
        return
    hv_team = Team.objects.filter(
        memberships__user=health_visitor, service__kind=ServiceKind.HEALTH_VISITING
    ).first()
    children = (
        Person.objects.filter(authority=authority, merged_into__isnull=True)
        .filter(
            Q(is_unborn=True)
            | Q(date_of_birth__gt=today - timedelta(days=5 * 366))
            # Reception and Year 6 ages in the past year, for the NCMP.
            | Q(
                date_of_birth__range=(
                    today - timedelta(days=6 * 366),
                    today - timedelta(days=4 * 365),
                )
            )
            | Q(
                date_of_birth__range=(
                    today - timedelta(days=12 * 366),
                    today - timedelta(days=10 * 365),
                )
            )
        )
        .select_related("area")
        .order_by("pk")
    )
    total = children.count()
    stdout.write(f"Scheduling and recording reviews for {total} children...\n")
    done = 0
    allocated = 0
    for person in children.iterator(chunk_size=500):
        services.schedule_refresh(person, today=today)
        decile = person.area.imd_decile if person.area else None
        under_five = person.is_unborn or (
            person.date_of_birth and person.date_of_birth > today - timedelta(days=5 * 366)
        )
        if (
            under_five
            and hv_team is not None
            and person.area is not None
            and person.area.locality_id == hv_team.locality_id
        ):
            services.allocation_set(
                person=person, practitioner=health_visitor, team=hv_team, by=health_visitor
            )
            allocated += 1
        for due in ReviewDue.objects.filter(
            person=person, status=DueStatus.DUE, window_start__lte=today
        ).select_related("person"):
            if due.kind in BASE_RATE:
                by = school_nurse if due.is_school_nursing else health_visitor
                _record(rng, due, by, decile, today)
        done += 1
        if done % 500 == 0:
            stdout.write(f"  {done} of {total}\n")
    stdout.write(
        f"Child health: {done} schedules, {allocated} children on the demo health visitor's "
        "caseload.\n"
    )
