"""Demo data of the front door: referrals for children of the synthetic register, at every stage
(waiting, some overdue, some with a child at risk; signposted; no further action; stepped up;
allocated to the early help team of the family's locality). Families are picked with weights by
deprivation, so there are more referrals from the most deprived areas, as in the councils'
reports. casework.demo then takes the allocated families further."""

from __future__ import annotations

import datetime
import random
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.people.models import Person
from familyhub.referrals.continuum import ensure_default_continuum
from familyhub.referrals.models import Referral, ReferrerKind
from familyhub.referrals.needs import Need
from familyhub.referrals.services import (
    continuum_levels,
    front_door_service,
    inbox_decide,
    referral_create,
    referral_decide,
)
from familyhub.services.models import Service, ServiceKind, Team

REFERRALS = 160
SAMPLE_LIMIT = 60_000

REFERRERS = [
    # kind, weight, organisation, role
    ("school", 35, "{area} Primary School", "Designated safeguarding lead"),
    ("health_visitor", 14, "Health visiting team", "Health visitor"),
    ("police", 12, "Police", "Police constable"),
    ("gp", 8, "{area} Medical Centre", "GP"),
    ("family", 10, "", ""),
    ("housing", 7, "Council housing", "Housing officer"),
    ("early_years", 6, "{area} Nursery", "Nursery manager"),
    ("other_service", 8, "Young carers service", "Support worker"),
]
NEED_WEIGHTS: dict[str, int] = {
    Need.EDUCATION: 30,
    Need.FAMILY_RELATIONSHIPS: 25,
    Need.HEALTH: 22,
    Need.FINANCIAL: 18,
    Need.HOUSING: 14,
    Need.DOMESTIC_ABUSE: 12,
    Need.EARLY_YEARS: 10,
    Need.CHILD_SAFETY: 8,
    Need.SUBSTANCE_USE: 7,
    Need.CRIME: 5,
}
CONCERNS: dict[str, str] = {
    Need.EDUCATION: "Attendance has fallen below 85% this term and homework is rarely done.",
    Need.FAMILY_RELATIONSHIPS: "Frequent arguments at home; the child says they do not want to go home.",
    Need.HEALTH: "Parent describes low mood and struggling to get up in the mornings.",
    Need.FINANCIAL: "The family has used the food bank three times this month.",
    Need.HOUSING: "Overcrowded flat with damp; a notice to quit has been served.",
    Need.DOMESTIC_ABUSE: "Police attended a domestic incident at the address last weekend.",
    Need.EARLY_YEARS: "Speech is delayed at the two-year review; not taking up the funded place.",
    Need.CHILD_SAFETY: "Seen out late with older young people not known to the family.",
    Need.SUBSTANCE_USE: "Parent's alcohol use is affecting the morning routine.",
    Need.CRIME: "Young person arrested for shoplifting; first offence.",
}


def pick_children(authority, rng: random.Random, count: int) -> list[Person]:
    """Children (under 18) with an area, weighted by deprivation: decile 1 weighs most."""
    today = timezone.localdate()
    adult_from = today.replace(year=today.year - 18)
    rows = list(
        Person.objects.filter(
            authority=authority,
            area__isnull=False,
            merged_into__isnull=True,
            date_of_death__isnull=True,
            is_unborn=False,
            date_of_birth__gt=adult_from,
        )
        .order_by("pk")
        .values_list("pk", "area__imd_decile")[:SAMPLE_LIMIT]
    )
    if not rows:
        return []
    weights = [(11 - (decile or 5)) ** 1.5 for _, decile in rows]
    chosen: list[int] = []
    seen: set[int] = set()
    for _ in range(count * 4):
        (pk, _decile) = rng.choices(rows, weights=weights, k=1)[0]
        if pk not in seen:
            seen.add(pk)
            chosen.append(pk)
        if len(chosen) == count:
            break
    people = Person.objects.in_bulk(chosen)
    return [people[pk] for pk in chosen]


def _needs(rng: random.Random) -> list[str]:
    how_many = rng.choices([1, 2, 3, 4, 5], weights=[20, 30, 28, 15, 7])[0]
    chosen: list[str] = []
    values, weights = list(NEED_WEIGHTS), list(NEED_WEIGHTS.values())
    while len(chosen) < how_many:
        need = rng.choices(values, weights=weights)[0]
        if need not in chosen:
            chosen.append(need)
    return chosen


def early_help_team(authority, person) -> Team | None:
    teams = Team.objects.filter(service__authority=authority, service__kind=ServiceKind.EARLY_HELP)
    if person.area is not None:
        local = teams.filter(locality_id=person.area.locality_id).first()
        if local is not None:
            return local
    return teams.order_by("pk").first()


def _working_hours_before(now: datetime.datetime, rng: random.Random, days: int):
    moment = now - datetime.timedelta(days=days, hours=rng.randint(0, 6))
    while moment.weekday() >= 5:
        moment -= datetime.timedelta(days=1)
    return moment.replace(hour=rng.randint(8, 16), minute=rng.choice([0, 15, 30, 45]))


@transaction.atomic
def load_demo(*, authority, rng: random.Random, stdout: TextIO) -> None:
    ensure_default_continuum()
    if Referral.objects.filter(authority=authority).exists():
        stdout.write("Referrals are already there; left as they are.\n")
        return
    if front_door_service(authority) is None:
        stdout.write("No front door service: no referrals made.\n")
        return
    triage = User.objects.filter(username=Role.TRIAGE_OFFICER.value).first()
    if triage is None:
        stdout.write("No triage officer account: no referrals made.\n")
        return
    recorder = User.objects.filter(username=Role.FAMILY_SUPPORT_WORKER.value).first() or triage
    children = pick_children(authority, rng, REFERRALS)
    if not children:
        stdout.write("No children with an area in the register: no referrals made.\n")
        return
    levels = {lv.rank: lv for lv in continuum_levels(authority)}
    statutory = next(
        (lv for lv in continuum_levels(authority) if lv.is_statutory),
        max(levels.values(), key=lambda lv: lv.rank),
    )
    now = timezone.now()
    counts: dict[str, int] = {}
    for index, child in enumerate(children):
        kind, _weight, organisation, role = rng.choices(
            REFERRERS, weights=[r[1] for r in REFERRERS]
        )[0]
        area_name = child.area.name if child.area is not None else "Local"
        needs = _needs(rng)
        # The first 30 are the live queue: today and the last few days (some overdue).
        stage = (
            "waiting"
            if index < 30
            else rng.choices(
                ["signposted", "nfa", "stepped_up", "allocated"], weights=[18, 8, 7, 67]
            )[0]
        )
        days_ago = rng.choice([0, 0, 0, 1, 1, 2, 3]) if stage == "waiting" else rng.randint(7, 400)
        at_risk = rng.random() < (
            0.25 if Need.CHILD_SAFETY in needs or Need.DOMESTIC_ABUSE in needs else 0.05
        )
        received = _working_hours_before(now, rng, days_ago)
        if child.date_of_birth and received.date() <= child.date_of_birth:
            # No referral about a child before they were born: the day after, or this morning.
            after_birth = datetime.datetime.combine(
                child.date_of_birth + datetime.timedelta(days=1), datetime.time(10), received.tzinfo
            )
            received = min(after_birth, now - datetime.timedelta(minutes=5))
        referral = referral_create(
            person=child,
            referrer_kind=kind,
            referrer_name="The family"
            if kind == "family"
            else rng.choice(
                ["Ms Patel", "Mr Okoro", "Mrs Hughes", "Ms Kowalski", "Mr Ahmed", "Ms Byrne"]
            ),
            referrer_organisation=organisation.format(area=area_name),
            referrer_role=role,
            referrer_phone="01632 960" + f"{rng.randint(0, 999):03d}",
            needs=needs,
            concerns=" ".join(CONCERNS[n] for n in needs),
            consent=rng.choices(["agrees", "knows", "not_told"], weights=[80, 12, 8])[0],
            urgency="at_risk" if at_risk else "standard",
            recorded_by=triage if kind in ("police", "family") else recorder,
            received_at=received,
        )
        counts[stage] = counts.get(stage, 0) + 1
        if stage == "waiting":
            continue
        # Most decisions in time, some late, so the managers' late list has something in it.
        late = rng.random() < 0.12
        decided = (
            referral.decision_due_at + datetime.timedelta(hours=rng.randint(2, 30))
            if late
            else (received + datetime.timedelta(hours=rng.randint(1, 6)))
        )
        decided = min(decided, now)
        if stage == "signposted":
            level, team, reason = (
                levels[1],
                None,
                "Universal services can meet the need: family hub groups and the school's pastoral team.",
            )
        elif stage == "nfa":
            level, team, reason = (
                levels[1],
                None,
                "Concern resolved on a call with the referrer; no further action.",
            )
        elif stage == "stepped_up":
            level, team, reason = (
                statutory,
                None,
                "Significant harm is likely: passed to children's social care the same day.",
            )
        else:
            level = levels[3] if len(needs) >= 3 else levels[2]
            team, reason = (
                early_help_team(authority, child),
                "Needs in more than one area; the family agrees to early help.",
            )
            if team is None:
                stage, team = "signposted", None
        referral_decide(
            referral=referral,
            by=triage,
            version=referral.version,
            outcome=stage,
            level=level,
            reason=reason,
            team=team,
            now=decided,
        )
    stdout.write(
        "Made referrals: "
        + ", ".join(f"{n} {stage}" for stage, n in sorted(counts.items()))
        + ".\n"
    )
    _between_services(authority, rng, now, stdout)


# Referrals from one service to another: (from kind, referrer role, to kind, worker role,
# concerns, needs, stages). A stage is waiting, more_info, accepted (a worker, no contact yet,
# in time), late_contact (accepted, the first contact overdue) or declined.
BETWEEN_SERVICES = [
    (
        ServiceKind.HEALTH_VISITING,
        Role.HEALTH_VISITOR,
        ServiceKind.FAMILY_HUB,
        Role.RECEPTION,
        "Mum is low after the birth and would like to meet other parents: the postnatal group.",
        [Need.HEALTH, Need.EARLY_YEARS],
        ["waiting", "waiting", "waiting", "more_info", "accepted", "late_contact", "declined"],
    ),
    (
        ServiceKind.SCHOOL_NURSING,
        Role.SCHOOL_NURSE,
        ServiceKind.EARLY_HELP,
        Role.LEAD_PROFESSIONAL,
        "Parent asks for help with routines and sleep; the young person is missing school.",
        [Need.EDUCATION, Need.FAMILY_RELATIONSHIPS],
        ["waiting", "accepted", "late_contact", "late_contact"],
    ),
]


def _adults(authority, rng: random.Random, count: int) -> list[Person]:
    today = timezone.localdate()
    rows = list(
        Person.objects.filter(
            authority=authority,
            merged_into__isnull=True,
            date_of_death__isnull=True,
            is_unborn=False,
            date_of_birth__lte=today.replace(year=today.year - 18),
            date_of_birth__gt=today.replace(year=today.year - 45),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    chosen = rng.sample(rows, min(count, len(rows)))
    people = Person.objects.in_bulk(chosen)
    return [people[pk] for pk in chosen]


def _between_services(authority, rng: random.Random, now, stdout: TextIO) -> None:
    made = 0
    for from_kind, role, to_kind, worker_role, concerns, needs, stages in BETWEEN_SERVICES:
        source = Service.objects.filter(authority=authority, kind=from_kind).order_by("pk").first()
        target = Service.objects.filter(authority=authority, kind=to_kind).order_by("pk").first()
        referrer = User.objects.filter(username=role.value).first()
        worker = User.objects.filter(username=worker_role.value).first()
        if not (source and target and referrer and worker):
            continue
        people = (
            _adults(authority, rng, len(stages))
            if to_kind == ServiceKind.FAMILY_HUB
            else (pick_children(authority, rng, len(stages)))
        )
        for stage, person in zip(stages, people, strict=False):
            days_ago = {"waiting": rng.choice([0, 1]), "late_contact": 12}.get(stage, 4)
            received = _working_hours_before(now, rng, days_ago)
            referral = referral_create(
                person=person,
                referrer_kind=ReferrerKind.OTHER_SERVICE,
                referrer_name=referrer.get_full_name(),
                referrer_organisation=source.name,
                referrer_role=referrer.job_title,
                needs=[str(need) for need in needs],
                concerns=concerns,
                consent="agrees",
                recorded_by=referrer,
                received_at=received,
                to_service=target,
                from_service=source,
            )
            made += 1
            if stage == "waiting":
                continue
            decided = min(received + datetime.timedelta(hours=3), now)
            if stage == "more_info":
                inbox_decide(
                    referral=referral,
                    by=worker,
                    version=referral.version,
                    decision="more_info",
                    reason="Which mornings can she come?",
                    now=decided,
                )
            elif stage == "declined":
                inbox_decide(
                    referral=referral,
                    by=worker,
                    version=referral.version,
                    decision="declined",
                    reason="The group is full this term: the East hub's Tuesday group has room.",
                    now=decided,
                )
            else:
                inbox_decide(
                    referral=referral,
                    by=worker,
                    version=referral.version,
                    decision="accepted",
                    worker=worker,
                    now=decided,
                )
    stdout.write(f"Made {made} referrals between services.\n")
