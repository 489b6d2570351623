"""Demo data of early help casework: the families the front door allocated (referrals.demo) taken
to every stage: waiting for a lead professional, allocated, assessed, with a family plan (some
actions and reviews overdue), reviewed, stepped up, stepped down, transferred, and closed (in the
sustainment period, sustained, or without progress on every need).

Everything goes through casework.services; afterwards the dates of what happened are moved back to
when the story says it happened (the services stamp "today"), so worklists, time in state and the
Supporting Families evidence look like a service that has been running for a year.
"""

from __future__ import annotations

import datetime
import random
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.casework import services
from familyhub.casework.models import (
    Assessment,
    Episode,
    EpisodeEvent,
    EpisodeStatus,
    NeedOutcome,
    Review,
)
from familyhub.referrals.services import continuum_levels
from familyhub.services.models import Team, TeamMembership

PRACTITIONER_NAMES = [
    ("Aisha", "Khan"), ("Ben", "Carter"), ("Chloe", "Evans"), ("Dev", "Sharma"),
    ("Ella", "Murphy"), ("Femi", "Adebayo"), ("Grace", "Lewis"), ("Harry", "Shaw"),
    ("Isla", "Reid"), ("Jack", "Turner"), ("Kemi", "Okafor"), ("Liam", "Doyle"),
]  # fmt: skip
GOALS = {
    "education": "Goes to school every day and on time",
    "early_years": "Talks in short sentences and takes up the nursery place",
    "health": "Parent sees the GP and starts talking therapy",
    "substance_use": "Parent cuts down drinking with support from the recovery service",
    "family_relationships": "Fewer arguments at home; a calm bedtime routine",
    "child_safety": "Home by the agreed time; knows who to call when worried",
    "crime": "No further offending; joins the youth club",
    "domestic_abuse": "Mum has a safety plan and support from the domestic abuse service",
    "housing": "Repairs done or a move to a suitable home",
    "financial": "Benefits checked and debts in a repayment plan",
}
ACTIONS = [
    ("Walk to school together each morning", "Parent"),
    ("Meet the school's attendance officer", None),
    ("Book a GP appointment", "Parent"),
    ("Referral to the parenting course at the family hub", None),
    ("Benefits check with the welfare rights adviser", None),
    ("Call the housing officer about repairs", None),
]


def _practitioners(team: Team, rng: random.Random) -> list[User]:
    """The team's practitioners; a team with few gets demo colleagues (no password: they are there
    so that the team caseload has people to balance)."""
    members = list(
        User.objects.filter(
            memberships__team=team,
            role__in=[Role.LEAD_PROFESSIONAL, Role.FAMILY_SUPPORT_WORKER],
        ).distinct()
    )
    wanted = 4 - len(members)
    for index in range(max(0, wanted)):
        given, family = PRACTITIONER_NAMES[(team.pk * 3 + index) % len(PRACTITIONER_NAMES)]
        user, created = User.objects.get_or_create(
            username=f"eh-{team.pk}-{index + 1}",
            defaults={
                "first_name": given,
                "last_name": family,
                "role": Role.LEAD_PROFESSIONAL if index % 2 == 0 else Role.FAMILY_SUPPORT_WORKER,
                "job_title": "Family practitioner",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        TeamMembership.objects.get_or_create(
            user=user, team=team, defaults={"fte": rng.choice([1, 1, 0.8, 0.6])}
        )
        members.append(user)
    return members


def _stamp(episode: Episode, when: datetime.date) -> None:
    """Move the episode's latest event to the day the story says it happened."""
    event = EpisodeEvent.objects.filter(episode=episode).order_by("-id").first()
    if event is not None:
        at = datetime.datetime.combine(when, datetime.time(11), tzinfo=datetime.UTC)
        EpisodeEvent.objects.filter(pk=event.pk).update(at=at)


def _outcome_for(score: int | None, rng: random.Random) -> str:
    """The outcome a practitioner records for a need whose goals were last scored `score`."""
    if score is None:
        return rng.choice([NeedOutcome.PARTLY, NeedOutcome.NOT_ACHIEVED])
    if score >= services.ACHIEVED_SCORE:
        return NeedOutcome.ACHIEVED
    return NeedOutcome.PARTLY if score >= 4 else NeedOutcome.NOT_ACHIEVED


def _stage(age_days: int, rng: random.Random) -> str:
    if age_days < 10:
        return rng.choice(["awaiting", "awaiting", "allocated"])
    if age_days < 45:
        return rng.choice(["awaiting", "allocated", "assessed", "planned"])
    if age_days < 120:
        return rng.choice(["planned", "reviewed", "reviewed", "stepped_up", "transferred"])
    if age_days < 200:
        return rng.choice(["reviewed", "stepped_down", "closed", "closed", "closed_not"])
    return rng.choice(["closed", "closed", "closed", "closed_not", "reviewed"])


@transaction.atomic
def load_demo(*, authority, rng: random.Random, stdout: TextIO) -> None:
    waiting = list(
        Episode.objects.filter(
            authority=authority,
            status=EpisodeStatus.AWAITING_ALLOCATION,
            lead_professional__isnull=True,
            assessments__isnull=True,
        )
        .select_related("team", "person", "referral")
        .order_by("start", "pk")
    )
    if not waiting:
        stdout.write("No allocated families from the front door: no episodes taken further.\n")
        return
    leader = User.objects.filter(username=Role.TEAM_LEADER.value).first()
    demo_lead = User.objects.filter(username=Role.LEAD_PROFESSIONAL.value).first()
    levels = {lv.rank: lv for lv in continuum_levels(authority)}
    today = timezone.localdate()
    teams: dict[int, list[User]] = {}
    counts: dict[str, int] = {}
    # The newest few always wait for allocation, so a team leader's queue is never empty.
    newest = {e.pk for e in waiting[-max(1, len(waiting) // 20) :]}
    for episode in waiting:
        team_people = teams.setdefault(episode.team_id, _practitioners(episode.team, rng))
        age = (today - episode.start).days
        stage = "awaiting" if episode.pk in newest else _stage(age, rng)
        counts[stage] = counts.get(stage, 0) + 1
        if stage == "awaiting":
            continue
        by = leader or team_people[0]
        # The demo lead professional carries a real caseload in their own team.
        if (
            demo_lead
            and TeamMembership.objects.filter(user=demo_lead, team=episode.team).exists()
            and rng.random() < 0.45
        ):
            lead = demo_lead
        else:
            lead = rng.choice(team_people)
        day = episode.start + datetime.timedelta(days=min(5, age))
        episode = services.episode_allocate(
            episode=episode,
            by=by,
            version=episode.version,
            lead_professional=lead,
            family_agrees=rng.random() < 0.93,
        )
        _stamp(episode, day)
        if episode.lead_agreed_on:
            Episode.objects.filter(pk=episode.pk).update(lead_agreed_on=day)
        services.team_member_add(
            episode=episode,
            by=lead,
            name=rng.choice(["Mrs Hughes", "Mr Patel", "Ms Byrne"]),
            organisation="School",
            role="Class teacher",
        )
        if stage == "allocated":
            continue
        needs = list(episode.referral.needs) if episode.referral else []
        # Older families were referred for more (and Supporting Families needs 3 or more).
        while not needs or (rng.random() < (0.7 if age >= 200 else 0.4) and len(needs) < 3):
            needs.append(rng.choice([n for n in GOALS if n not in needs]))
        assessed_on = min(today, episode.start + datetime.timedelta(days=min(21, age)))
        services.assessment_record(
            episode=episode,
            by=lead,
            needs=needs,
            strengths="Parents are committed to the children; good support from grandparents.",
            child_voice="I like football and my teacher. I don't like it when there is shouting.",
            family_views="We want things calmer at home and help with money.",
            level=levels[3] if len(needs) >= 3 else levels[2],
            completed_on=assessed_on,
        )
        Assessment.objects.filter(episode=episode).update(
            recorded_at=datetime.datetime.combine(
                assessed_on, datetime.time(12), tzinfo=datetime.UTC
            )
        )
        episode.refresh_from_db()
        if stage == "assessed":
            continue
        goals = []
        for need in needs[:3]:
            goals.append(
                services.goal_add(episode=episode, by=lead, need=need, description=GOALS[need])
            )
            text, owner_name = rng.choice(ACTIONS)
            due = assessed_on + datetime.timedelta(days=rng.randint(7, 70))
            action = services.action_add(
                goal=goals[-1],
                by=lead,
                description=text,
                due_on=due,
                owner=None if owner_name else lead,
                owner_name=owner_name or "",
                agreed_on=assessed_on,
            )
            if due < today and rng.random() < 0.7:
                services.action_complete(action=action, by=lead, on=due)
        first_review = assessed_on + datetime.timedelta(weeks=6)
        Episode.objects.filter(pk=episode.pk).update(next_review_due=first_review)
        episode.refresh_from_db()
        if stage == "planned":
            continue
        held = first_review
        reviews = 0
        most_reviews = 2 if age >= 200 else 4  # so older closures are past their sustainment
        while held <= today and reviews < most_reviews and (reviews == 0 or rng.random() < 0.8):
            services.review_record(
                episode=episode,
                by=lead,
                held_on=held,
                scores={
                    str(g.public_id): min(10, 3 + reviews * 2 + rng.randint(0, 2)) for g in goals
                },
                notes="Team around the family met at school.",
            )
            Review.objects.filter(episode=episode, held_on=held).update(
                recorded_at=datetime.datetime.combine(held, datetime.time(15), tzinfo=datetime.UTC)
            )
            reviews += 1
            held += datetime.timedelta(weeks=6)
        episode.refresh_from_db()
        last = (
            episode.next_review_due - datetime.timedelta(weeks=6)
            if episode.next_review_due
            else today
        )
        if stage == "stepped_up":
            episode = services.episode_step_up(
                episode=episode,
                by=lead,
                version=episode.version,
                reason="Disclosure at school: passed to children's social care (level 4).",
            )
            _stamp(episode, min(today, last + datetime.timedelta(days=10)))
        elif stage == "stepped_down":
            episode = services.episode_step_up(
                episode=episode,
                by=lead,
                version=episode.version,
                reason="Domestic incident; strategy meeting held.",
            )
            _stamp(episode, min(today, assessed_on + datetime.timedelta(days=30)))
            episode = services.episode_step_down(
                episode=episode,
                by=by,
                version=episode.version,
                level=levels[3],
                reason="Social care assessment closed; early help continues with the plan.",
            )
            _stamp(episode, min(today, assessed_on + datetime.timedelta(days=75)))
        elif stage == "transferred":
            others = [p for p in team_people if p != lead]
            if others:
                episode = services.episode_transfer_lead(
                    episode=episode,
                    by=by,
                    version=episode.version,
                    new_lead=rng.choice(others),
                    handover_note="Mum prefers texts before calls. Next TAF is at school.",
                    family_agrees=True,
                )
                _stamp(episode, min(today, last + datetime.timedelta(days=3)))
        elif stage in ("closed", "closed_not"):
            end = min(today, last + datetime.timedelta(days=rng.randint(1, 14)))
            check = services.closure_check(episode)
            # Outcomes follow the last scores, as a practitioner would record them.
            outcomes: dict[str, str] = {
                n.need: _outcome_for(check.lowest_score.get(n.need), rng)
                for n in episode.needs.all()
            }
            if stage == "closed":
                for action in check.open_actions:  # finished before the plan closes
                    services.action_complete(action=action, by=lead, on=end)
                reason = "Goals of the plan met; the family agrees to close."
            else:
                outcomes[next(iter(outcomes))] = NeedOutcome.NOT_ACHIEVED
                reason = "The family moved out of the area; open actions handed to the new area."
            episode = services.episode_close(
                episode=episode,
                by=lead,
                version=episode.version,
                reason=reason,
                outcomes=outcomes,
                end=end,
                open_work_confirmed=True,
            )
            _stamp(episode, end)
    stdout.write(
        "Early help episodes: "
        + ", ".join(f"{n} {stage}" for stage, n in sorted(counts.items()))
        + ".\n"
    )
