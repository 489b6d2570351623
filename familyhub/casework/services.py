"""Every write to early help casework.

State changes (allocate, transfer, step up, step down, close) are one conditional UPDATE on the
episode's status and version: if someone changed the episode after the caller read it, nothing is
written and EpisodeConflict says so. Each writes an EpisodeEvent with who and when.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from familyhub.access.layer import family_records
from familyhub.accounts.models import User
from familyhub.audit.log import log_change
from familyhub.casework.models import (
    PROGRESS_OUTCOMES,
    Action,
    ActionComment,
    Assessment,
    ChildProtectionOutcome,
    Episode,
    EpisodeEvent,
    EpisodeNeed,
    EpisodeStatus,
    Goal,
    GoalScore,
    NeedOutcome,
    Review,
    TeamMember,
)
from familyhub.core.dates import add_months
from familyhub.people.models import Person
from familyhub.referrals.models import ContinuumLevel, Referral
from familyhub.referrals.needs import NEED_LABELS, Need
from familyhub.referrals.services import continuum_levels
from familyhub.services.models import Team
from familyhub.services.selectors import teams_of

SF_MINIMUM_NEEDS = 3
SUSTAINMENT_MONTHS = 6


class EpisodeConflict(Exception):
    """The episode changed after the caller read it; nothing was saved."""

    def __init__(self, episode: Episode) -> None:
        self.episode = episode
        super().__init__(
            "Someone else changed this family's episode while you had it open "
            f"(it is now: {episode.get_status_display().lower()}). Your change was not saved. "
            "Check the episode and try again."
        )


def _person_written(kwargs: dict, result) -> object:
    """The person a casework write is about, from its episode (or what hangs off one)."""
    names = ("episode", "member", "goal", "action", "referral")
    thing = next((kwargs[n] for n in names if kwargs.get(n) is not None), result)
    while not hasattr(thing, "person_id"):
        thing = thing.goal if hasattr(thing, "goal_id") else thing.episode
    return thing.person


def logged(purpose: str, *, action: str = "change"):
    """Make a service atomic and log its write to the person's record in the same transaction
    (one entry). The caller may pass `channel` ("page" unless said)."""

    def decorate(service):
        @wraps(service)
        def run(*args, channel: str = "page", **kwargs):
            with transaction.atomic():
                result = service(*args, **kwargs)
                log_change(
                    kwargs.get("by"),
                    [_person_written(kwargs, result)],
                    action=action,
                    purpose=purpose,
                    channel=channel,
                )
            return result

        return run

    return decorate


def review_interval() -> datetime.timedelta:
    weeks = int(getattr(settings, "FAMILYHUB_REVIEW_WEEKS", 6))
    return datetime.timedelta(weeks=weeks)


def _today() -> datetime.date:
    return timezone.localdate()


def _transition(
    episode: Episode,
    *,
    version: int,
    from_statuses: Iterable[str],
    kind: str,
    to_status: str,
    by,
    note: str = "",
    **fields,
) -> Episode:
    """The one way an episode changes state: a conditional UPDATE, then its event."""
    updated = Episode.objects.filter(
        pk=episode.pk, version=version, status__in=list(from_statuses)
    ).update(status=to_status, version=F("version") + 1, **fields)
    if updated != 1:
        episode.refresh_from_db()
        raise EpisodeConflict(episode)
    EpisodeEvent.objects.create(
        episode=episode,
        kind=kind,
        from_state=episode.status,
        to_state=to_status,
        by=by,
        note=note,
    )
    episode.refresh_from_db()
    return episode


@logged("Open an early help episode", action="create")
def episode_open_from_referral(
    *, referral: Referral, team: Team, by: User, now: datetime.datetime | None = None
):
    """Open an episode waiting for a lead professional, from the front door's allocation."""
    moment = now or timezone.now()
    episode = Episode(
        person=referral.person,
        owning_service=team.service,
        category=referral.category,
        recorded_by=by,
        recorded_at=moment,
        authority=referral.authority,
        household=referral.household,
        referral=referral,
        team=team,
        level=referral.level,
        status=EpisodeStatus.AWAITING_ALLOCATION,
        start=timezone.localdate(moment),
    )
    episode.full_clean()
    episode.save()
    EpisodeEvent.objects.create(
        episode=episode,
        kind=EpisodeEvent.Kind.OPENED,
        from_state="",
        to_state=EpisodeStatus.AWAITING_ALLOCATION,
        at=moment,
        by=by,
        note=f"Allocated by the front door to {team}",
    )
    return episode


def _check_lead(episode: Episode, lead) -> None:

    if lead is None:
        raise ValidationError({"lead_professional": "Choose the lead professional."})
    if not teams_of(lead).filter(service__authority_id=episode.authority_id).exists():
        raise ValidationError(
            {"lead_professional": "Choose a practitioner in one of this council's teams."}
        )


def _ensure_team_member(episode: Episode, user, role: str, on: datetime.date) -> None:
    if not TeamMember.objects.filter(episode=episode, user=user, left_on__isnull=True).exists():
        TeamMember.objects.create(episode=episode, user=user, role=role, joined_on=on)


@logged("Allocate a lead professional")
def episode_allocate(
    *, episode: Episode, by: User, version: int, lead_professional: User, family_agrees: bool | None
) -> Episode:
    """Give a waiting episode its lead professional (a team leader's job). The family's agreement
    to the lead professional is recorded: early help is voluntary."""
    _check_lead(episode, lead_professional)
    if family_agrees is None:
        raise ValidationError(
            {"family_agrees": "Say whether the family agrees to this lead professional."}
        )
    today = _today()
    episode = _transition(
        episode,
        version=version,
        from_statuses=[EpisodeStatus.AWAITING_ALLOCATION],
        kind=EpisodeEvent.Kind.ALLOCATED,
        to_status=EpisodeStatus.OPEN,
        by=by,
        note=f"Lead professional: {lead_professional}",
        lead_professional=lead_professional,
        lead_agreed_by_family=bool(family_agrees),
        lead_agreed_on=today if family_agrees else None,
    )
    _ensure_team_member(episode, lead_professional, "Lead professional", today)
    return episode


@logged("Transfer to a new lead professional")
def episode_transfer_lead(
    *,
    episode: Episode,
    by: User,
    version: int,
    new_lead: User,
    handover_note: str,
    family_agrees: bool | None,
) -> Episode:
    """Hand the family to a new lead professional, with a handover note for them."""
    errors = {}
    try:
        _check_lead(episode, new_lead)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if new_lead is not None and new_lead == episode.lead_professional:
        errors["lead_professional"] = "Choose someone other than the current lead professional."
    if not (handover_note or "").strip():
        errors["handover_note"] = "Write a handover note for the new lead professional."
    if family_agrees is None:
        errors["family_agrees"] = "Say whether the family agrees to the new lead professional."
    if errors:
        raise ValidationError(errors)
    today = _today()
    old_lead = episode.lead_professional
    episode = _transition(
        episode,
        version=version,
        from_statuses=[EpisodeStatus.OPEN, EpisodeStatus.STEPPED_UP],
        kind=EpisodeEvent.Kind.TRANSFERRED,
        to_status=episode.status,
        by=by,
        note=f"From {old_lead or 'nobody'} to {new_lead}. Handover: {handover_note.strip()}",
        lead_professional=new_lead,
        lead_agreed_by_family=bool(family_agrees),
        lead_agreed_on=today if family_agrees else None,
    )
    if old_lead is not None:
        TeamMember.objects.filter(episode=episode, user=old_lead, left_on__isnull=True).update(
            left_on=today
        )
    _ensure_team_member(episode, new_lead, "Lead professional", today)
    return episode


@logged("Add to the team around the family")
def team_member_add(
    *,
    episode: Episode,
    by: User,
    user: User | None = None,
    name: str = "",
    organisation: str = "",
    role: str = "",
    contact: str = "",
) -> TeamMember:
    """Add a practitioner in Familyhub, or a named external professional, to the team around
    the family."""
    if not episode.is_live:
        raise ValidationError("This episode is closed.")
    if user is None and not (name or "").strip():
        raise ValidationError(
            {"name": "Choose a practitioner or enter the name of the external professional."}
        )
    if user is not None and name:
        raise ValidationError({"name": "Choose a practitioner or enter a name, not both."})
    if (
        user is not None
        and TeamMember.objects.filter(episode=episode, user=user, left_on__isnull=True).exists()
    ):
        raise ValidationError({"user": f"{user} is already in the team around the family."})
    member = TeamMember(
        episode=episode,
        user=user,
        name=(name or "").strip(),
        organisation=(organisation or "").strip(),
        role=(role or "").strip(),
        contact=(contact or "").strip(),
    )
    member.full_clean()
    member.save()
    return member


@logged("Leave the team around the family")
def team_member_leave(
    *, member: TeamMember, by: User, on: datetime.date | None = None
) -> TeamMember:
    member.left_on = on or _today()
    member.save(update_fields=["left_on"])
    return member


def has_dependent_children(episode: Episode, on: datetime.date | None = None) -> bool:
    """A child under 18 or an unborn child in the family (the household, or the person)."""

    today = on or _today()
    adult_from = add_months(today, -12 * 18)
    people = Person.objects.filter(pk=episode.person_id)
    if episode.household_id:
        people = Person.objects.filter(
            household_memberships__household_id=episode.household_id,
            household_memberships__end__isnull=True,
        ) | Person.objects.filter(pk=episode.person_id)
    return (
        people.filter(date_of_death__isnull=True).filter(is_unborn=True).exists()
        or people.filter(date_of_death__isnull=True, date_of_birth__gt=adult_from).exists()
        or people.filter(expected_date_of_delivery__gte=today).exists()
    )


def sf_is_eligible(episode: Episode) -> bool:
    """Supporting Families: dependent children (or a pregnancy) and 3 or more needs."""
    return EpisodeNeed.objects.filter(
        episode=episode
    ).count() >= SF_MINIMUM_NEEDS and has_dependent_children(episode)


@logged("Early help assessment")
def assessment_record(
    *,
    episode: Episode,
    by: User,
    needs: list[str],
    strengths: str,
    child_voice: str,
    family_views: str,
    level: ContinuumLevel,
    need_detail: str = "",
    completed_on: datetime.date | None = None,
) -> Assessment:
    """Record a whole-family assessment. Its needs become the episode's identified needs (needs
    no longer identified are removed unless a goal is still tied to them) and set the
    Supporting Families flag."""

    errors: dict[str, str] = {}
    if not episode.is_live:
        errors["needs"] = "This episode is closed."
    chosen = [n for n in dict.fromkeys(needs or []) if n in Need.values]
    if len(chosen) != len(set(needs or [])):
        errors["needs"] = "Choose needs from the list."
    elif not chosen:
        errors["needs"] = "Choose at least one need the family has."
    for field, value, label in (
        ("strengths", strengths, "the family's strengths"),
        ("child_voice", child_voice, "what the child says"),
        ("family_views", family_views, "the family's views"),
    ):
        if not (value or "").strip():
            errors[field] = f"Enter {label}."
    if level is None:
        errors["level"] = "Choose the level of need."
    elif level not in continuum_levels(episode.authority):
        errors["level"] = "Choose a level from this council's continuum of need."
    kept_for_goals = set(
        Goal.objects.filter(episode=episode).exclude(need__in=chosen).values_list("need", flat=True)
    )
    if kept_for_goals and "needs" not in errors:
        names = ", ".join(NEED_LABELS[n] for n in sorted(kept_for_goals))
        errors["needs"] = f"The family plan has goals for needs you have not chosen: {names}."
    if errors:
        raise ValidationError(errors)
    day = completed_on or _today()
    assessment = Assessment(
        person=episode.person,
        owning_service=episode.owning_service,
        category=episode.category,
        recorded_by=by,
        episode=episode,
        needs=chosen,
        need_detail=(need_detail or "").strip(),
        strengths=strengths.strip(),
        child_voice=child_voice.strip(),
        family_views=family_views.strip(),
        level=level,
        completed_on=day,
    )
    assessment.full_clean()
    assessment.save()
    EpisodeNeed.objects.filter(episode=episode).exclude(need__in=chosen).delete()
    existing = set(EpisodeNeed.objects.filter(episode=episode).values_list("need", flat=True))
    EpisodeNeed.objects.bulk_create(
        [
            EpisodeNeed(episode=episode, need=n, identified_on=day)
            for n in chosen
            if n not in existing
        ]
    )
    Episode.objects.filter(pk=episode.pk).update(level=level, sf_eligible=sf_is_eligible(episode))
    episode.refresh_from_db()
    return assessment


@logged("Add a goal to the family plan")
def goal_add(*, episode: Episode, by: User, need: str, description: str) -> Goal:
    """A goal of the family plan, tied to an identified need. The first goal sets the first
    team around the family review (default: six weeks on)."""
    if not episode.is_live:
        raise ValidationError("This episode is closed.")
    if not EpisodeNeed.objects.filter(episode=episode, need=need).exists():
        raise ValidationError(
            {"need": "Choose one of the needs identified in the family's assessment."}
        )
    if not (description or "").strip():
        raise ValidationError({"description": "Describe the goal in the family's words."})
    goal = Goal.objects.create(
        episode=episode, need=need, description=description.strip(), created_by=by
    )
    if episode.next_review_due is None:
        Episode.objects.filter(pk=episode.pk, next_review_due__isnull=True).update(
            next_review_due=_today() + review_interval()
        )
    return goal


@logged("Add an action to the family plan")
def action_add(
    *,
    goal: Goal,
    by: User,
    description: str,
    due_on: datetime.date | None,
    owner: User | None = None,
    owner_name: str = "",
    agreed_on: datetime.date | None = None,
) -> Action:
    """An action towards a goal, due on or after the day it is agreed (today, unless the plan
    is being recorded after the meeting that agreed it: `agreed_on`)."""
    errors = {}
    if not goal.episode.is_live:
        errors["description"] = "This episode is closed."
    if not (description or "").strip():
        errors["description"] = "Describe the action."
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due."
    elif due_on < (agreed_on or _today()):
        errors["due_on"] = "The date the action is due must be today or later"
    if owner is None and not (owner_name or "").strip():
        errors["owner"] = "Choose who will do it, or enter their name."
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    action = Action(
        goal=goal,
        description=description.strip(),
        due_on=due_on,
        owner=owner,
        owner_name="" if owner else owner_name.strip(),
    )
    action.full_clean()
    action.save()
    return action


@logged("Mark an action done")
def action_complete(*, action: Action, by: User, on: datetime.date | None = None) -> Action:
    # Conditional, so completing twice keeps the first date.
    Action.objects.filter(pk=action.pk, done_on__isnull=True).update(done_on=on or _today())
    action.refresh_from_db()
    return action


@logged("Team around the family review")
def review_record(
    *,
    episode: Episode,
    by: User,
    held_on: datetime.date | None,
    scores: Mapping[str, int | None],
    notes: str = "",
    next_review_due: datetime.date | None = None,
) -> Review:
    """A team around the family review: progress on every goal scored 0-10, the next review set
    (default: the review interval after this one)."""
    errors: dict[str, str] = {}
    if not episode.is_live:
        errors["held_on"] = "This episode is closed."
    if held_on is None:
        errors["held_on"] = "Enter the date of the meeting."
    elif held_on > _today():
        errors["held_on"] = "The meeting date must be today or in the past."
    goals = list(Goal.objects.filter(episode=episode))
    if not goals:
        errors["scores"] = "Add goals to the family plan before reviewing it."
    for goal in goals:
        value = scores.get(str(goal.public_id))
        if value is None or not 0 <= int(value) <= 10:
            errors[f"score_{goal.public_id}"] = (
                f"Score progress on the goal '{goal.description[:60]}' from 0 to 10."
            )
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    due = next_review_due or held_on + review_interval()
    if due <= held_on:
        raise ValidationError({"next_review_due": "The next review must be after this one."})
    review = Review.objects.create(
        person=episode.person,
        owning_service=episode.owning_service,
        category=episode.category,
        recorded_by=by,
        episode=episode,
        held_on=held_on,
        notes=(notes or "").strip(),
        next_review_due=due,
    )
    for goal in goals:
        score = int(scores[str(goal.public_id)])  # type: ignore[arg-type]
        GoalScore.objects.create(review=review, goal=goal, score=score)
        Goal.objects.filter(pk=goal.pk).update(latest_score=score)
    Episode.objects.filter(pk=episode.pk).update(next_review_due=due)
    episode.refresh_from_db()
    return review


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Give the reasons."})
    return reason.strip()


@logged("Step up to children's social care")
def episode_step_up(*, episode: Episode, by: User, version: int, reason: str) -> Episode:
    """Step the family up to children's social care. Early help may stay alongside (level 4a)."""
    return _transition(
        episode,
        version=version,
        from_statuses=[EpisodeStatus.AWAITING_ALLOCATION, EpisodeStatus.OPEN],
        kind=EpisodeEvent.Kind.STEPPED_UP,
        to_status=EpisodeStatus.STEPPED_UP,
        by=by,
        note=_reason(reason),
    )


@logged("Step down to early help")
def episode_step_down(
    *, episode: Episode, by: User, version: int, reason: str, level: ContinuumLevel | None = None
) -> Episode:
    """Social care steps the family down to early help."""
    note = _reason(reason)
    fields = {"level": level} if level is not None else {}
    to = EpisodeStatus.OPEN if episode.lead_professional_id else EpisodeStatus.AWAITING_ALLOCATION
    return _transition(
        episode,
        version=version,
        from_statuses=[EpisodeStatus.STEPPED_UP],
        kind=EpisodeEvent.Kind.STEPPED_DOWN,
        to_status=to,
        by=by,
        note=note,
        **fields,
    )


@logged("Change the level of need")
def episode_level_change(
    *,
    episode: Episode,
    by: User,
    version: int,
    level: ContinuumLevel | None,
    reason: str,
    child_in_need: bool = False,
    today: datetime.date | None = None,
) -> Episode:
    """Move a family along the continuum in the same episode (early help to Family Help and back):
    the assessment, the plan and the team around the family carry on; nothing is typed again.
    `child_in_need` records section 17 status from today (or ends it), for the Children in Need
    census."""
    note = _reason(reason)
    if level is None or level not in continuum_levels(episode.authority):
        raise ValidationError({"level": "Choose a level from this council's continuum of need."})
    if level.is_child_protection:
        raise ValidationError(
            {"level": "Step up to the child protection team instead: it carries the pack."}
        )
    day = today or timezone.localdate()
    fields: dict[str, Any] = {"level": level}
    ongoing = episode.child_in_need_from is not None and episode.child_in_need_until is None
    if child_in_need and not ongoing:
        fields.update(child_in_need_from=day, child_in_need_until=None)
    elif not child_in_need and ongoing:
        fields["child_in_need_until"] = day
    section_17 = " Child in need (section 17)." if child_in_need else ""
    return _transition(
        episode,
        version=version,
        from_statuses=[EpisodeStatus.AWAITING_ALLOCATION, EpisodeStatus.OPEN],
        kind=EpisodeEvent.Kind.LEVEL_CHANGED,
        to_status=episode.status,
        by=by,
        note=f"Level {level.level}: {level.name}.{section_17} {note}",
        **fields,
    )


@logged("Record the child protection team's decision")
def episode_cp_decision(
    *, episode: Episode, by: User, version: int, outcome: str, reason: str
) -> Episode:
    """The Multi-Agency Child Protection Team's decision on a step-up, and who made it. The
    family stays in the same episode; a step-down back to Family Help or early help follows."""
    note = _reason(reason)
    if outcome not in ChildProtectionOutcome.values:
        raise ValidationError({"outcome": "Choose the child protection team's decision."})
    label = ChildProtectionOutcome(outcome).label
    return _transition(
        episode,
        version=version,
        from_statuses=[EpisodeStatus.STEPPED_UP],
        kind=EpisodeEvent.Kind.CP_DECISION,
        to_status=EpisodeStatus.STEPPED_UP,
        by=by,
        note=f"{label}. {note}",
    )


ACHIEVED_SCORE = 8  # a goal last scored below 8 out of 10 does not read as achieved


@dataclass
class ClosureCheck:
    """What is still open on an episode, shown before it is closed."""

    open_actions: list[Action]
    needs_without_goal: list[str]
    lowest_score: dict[str, int]  # need -> the lowest latest score of its goals

    @property
    def is_clear(self) -> bool:
        return not (self.open_actions or self.needs_without_goal or self.low_scores)

    @property
    def unplanned_needs(self) -> list[str]:
        return [NEED_LABELS[need] for need in self.needs_without_goal]

    @property
    def low_scores(self) -> list[tuple[str, int]]:
        """(need, score) for needs whose goals were last scored below ACHIEVED_SCORE."""
        return [
            (NEED_LABELS[need], score)
            for need, score in self.lowest_score.items()
            if score < ACHIEVED_SCORE
        ]

    def contradicted_by(self, outcomes: Mapping[str, str | None]) -> list[str]:
        """The needs marked achieved whose goals' scores say otherwise, in words."""
        return [
            f"{NEED_LABELS[need].lower()} is achieved although its goal was last scored "
            f"{score} out of 10"
            for need, score in self.lowest_score.items()
            if outcomes.get(need) == NeedOutcome.ACHIEVED and score < ACHIEVED_SCORE
        ]


def closure_check(episode: Episode) -> ClosureCheck:
    goals = list(Goal.objects.filter(episode=episode))
    lowest: dict[str, int] = {}
    for goal in goals:
        if goal.latest_score is not None:
            lowest[goal.need] = min(goal.latest_score, lowest.get(goal.need, 10))
    with_goal = {goal.need for goal in goals}
    return ClosureCheck(
        open_actions=list(
            Action.objects.filter(goal__episode=episode, done_on__isnull=True).select_related(
                "owner", "goal"
            )
        ),
        needs_without_goal=[
            n for n in episode.needs.values_list("need", flat=True) if n not in with_goal
        ],
        lowest_score=lowest,
    )


@logged("Close an early help episode")
def episode_close(
    *,
    episode: Episode,
    by: User,
    version: int,
    reason: str,
    outcomes: Mapping[str, str | None],
    end: datetime.date | None = None,
    explanation: str = "",
    open_work_confirmed: bool = False,
) -> Episode:
    """Close with an outcome for every identified need. Closing is final, so it asks first:
    open actions must be confirmed done or handed over (`open_work_confirmed`), and a need marked
    achieved although its goal was last scored below ACHIEVED_SCORE needs an `explanation`
    (kept with the reason). Progress (achieved or partly) on every need of a Supporting Families
    family starts the six-month sustainment clock."""
    errors: dict[str, str] = {}
    if not (reason or "").strip():
        errors["reason"] = "Give the reason for closing."
    needs = list(EpisodeNeed.objects.filter(episode=episode))
    for need in needs:
        if outcomes.get(need.need) not in NeedOutcome.values:
            errors[f"outcome_{need.need}"] = (
                f"Select the outcome for {NEED_LABELS[need.need].lower()}"
            )
    check = closure_check(episode)
    if check.open_actions and not open_work_confirmed:
        errors["open_work_confirmed"] = (
            f"Confirm that the {len(check.open_actions)} open action"
            f"{'s are' if len(check.open_actions) != 1 else ' is'} done or handed over"
        )
    contradicted = check.contradicted_by(outcomes)
    if contradicted and not (explanation or "").strip():
        errors["explanation"] = "Explain why " + "; ".join(contradicted)
    if explanation.strip():
        reason = f"{reason.strip()}\n\nWhy achieved despite the scores: {explanation.strip()}"
    day = end or _today()
    if day < episode.start:
        errors["end"] = "The closing date must be on or after the start of the episode."
    if errors:
        raise ValidationError(errors)
    for need in needs:
        EpisodeNeed.objects.filter(pk=need.pk).update(outcome=outcomes[need.need])
    progress_on_all = bool(needs) and all(outcomes[n.need] in PROGRESS_OUTCOMES for n in needs)
    eligible = sf_is_eligible(episode)
    sustain = {}
    if eligible and progress_on_all:
        sustain = {
            "sustainment_from": day,
            "sustainment_until": add_months(day, SUSTAINMENT_MONTHS),
        }
    return _transition(
        episode,
        version=version,
        from_statuses=[
            EpisodeStatus.AWAITING_ALLOCATION,
            EpisodeStatus.OPEN,
            EpisodeStatus.STEPPED_UP,
        ],
        kind=EpisodeEvent.Kind.CLOSED,
        to_status=EpisodeStatus.CLOSED,
        by=by,
        note=reason.strip(),
        end=day,
        closure_reason=reason.strip(),
        sf_eligible=eligible,
        **sustain,
    )


@logged("Set how often the family is seen")
def episode_contact_frequency_set(
    *, episode: Episode, by: User, version: int, contact_every_days: int | None
) -> Episode:
    """The family plan's contact frequency: how often, in days, the lead professional expects
    to see the family (None: not set). One conditional UPDATE on the version the user saw."""
    if not episode.is_live:
        raise ValidationError({"contact_every_days": "This episode is closed."})
    if contact_every_days is not None and not 1 <= contact_every_days <= 366:
        raise ValidationError(
            {"contact_every_days": "How often the family is seen must be from 1 to 366 days"}
        )
    updated = Episode.objects.filter(pk=episode.pk, version=version).update(
        contact_every_days=contact_every_days, version=F("version") + 1
    )
    if updated != 1:
        episode.refresh_from_db()
        raise EpisodeConflict(episode)
    episode.refresh_from_db()
    return episode


# --- the family side: comments on the plan and actions the family has done -------------------


def family_action(user, public_id) -> Action:
    """An action of a plan the family account may see (access.layer.family_records over the
    episode), or Http404 for absent and not allowed alike."""
    episodes = family_records(user, Episode.objects.all())
    action = (
        Action.objects.filter(public_id=public_id, goal__episode__in=episodes.values("pk"))
        .select_related("goal__episode__person")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


@logged("Comment on an action of the family plan (family side)", action="create")
def family_action_comment(*, action: Action, by: User, text: str) -> ActionComment:
    """The family's comment on an action, shown to the practitioner on the plan."""
    words = (text or "").strip()
    if not words:
        raise ValidationError({"text": "Enter your comment"})
    if len(words) > 2000:
        raise ValidationError({"text": "Your comment must be 2,000 characters or fewer"})
    if not action.goal.episode.is_live:
        raise ValidationError({"text": "This plan has ended, so it cannot take comments"})
    return ActionComment.objects.create(action=action, text=words, by=by)


@logged("Mark an action done (family side)")
def family_action_done(*, action: Action, by: User) -> Action:
    """The family says an action is done; the practitioner sees that the family marked it.
    Conditional, so marking twice (or after the practitioner did) keeps the first."""
    if not action.goal.episode.is_live:
        raise ValidationError({"action": "This plan has ended"})
    Action.objects.filter(pk=action.pk, done_on__isnull=True).update(
        done_on=_today(), done_by_family=True
    )
    action.refresh_from_db()
    return action
