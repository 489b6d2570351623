"""Reads that cross rows: worklists, team caseloads, Supporting Families evidence. Every list of
people is filtered for the viewer by the access layer; the team caseload shows counts only."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from familyhub.access.layer import records_visible_among, records_visible_to
from familyhub.access.timeline import family_timeline
from familyhub.accounts.roles import MANAGER_ROLES, has_role
from familyhub.casework.hooks import information_pack_sections
from familyhub.casework.models import LIVE_STATUSES, Action, Assessment, Episode, EpisodeStatus
from familyhub.contacts.models import Contact
from familyhub.referrals.models import Referral
from familyhub.services.models import TeamMembership
from familyhub.services.selectors import teams_of


def episodes_for_viewer(user) -> QuerySet[Episode]:
    """The episodes the user may see (the access layer's rule for records)."""
    return records_visible_to(user, Episode.objects.all())


def visible_among_episodes(user, candidates: QuerySet[Episode]) -> QuerySet[Episode]:
    """The candidates (a worklist's episodes, already narrowed by lead professional, team or
    status) the user may see: the same rows as episodes_for_viewer().filter(...), with the
    person rule answered for the candidates' people first. Building the whole rule into the
    page's query cost about 60 ms of Python a page on the bench (docs/PERFORMANCE.md)."""
    return records_visible_among(user, candidates)


# Weight of a family by level of need on the continuum (rank): a complex family takes more time.
DEFAULT_CASE_WEIGHTS = {1: 0.5, 2: 1.0, 3: 1.5, 4: 2.0}


def case_weight(rank: int | None) -> float:
    weights: dict = getattr(settings, "FAMILYHUB_CASE_WEIGHTS", None) or DEFAULT_CASE_WEIGHTS
    if rank is None:
        return 1.0
    return float(weights.get(rank, weights.get(str(rank), 1.0)))


def _with_worklist_facts(episodes: QuerySet[Episode], today: datetime.date) -> QuerySet[Episode]:
    overdue = Action.objects.filter(
        goal__episode=OuterRef("pk"), done_on__isnull=True, due_on__lt=today
    )
    return episodes.annotate(
        overdue_actions=Count(
            "goals__actions",
            filter=Q(goals__actions__done_on__isnull=True, goals__actions__due_on__lt=today),
            distinct=True,
        ),
        has_overdue_action=Exists(overdue),
    ).select_related("person", "team", "lead_professional", "level")


@dataclass
class WorklistFilters:
    q: str = ""
    status: str = ""
    level: str = ""
    team: str = ""
    overdue_only: bool = False

    @classmethod
    def from_query(cls, query) -> WorklistFilters:
        return cls(
            q=(query.get("q") or "").strip()[:100],
            status=query.get("status") or "",
            level=query.get("level") or "",
            team=query.get("team") or "",
            overdue_only=query.get("overdue") == "1",
        )


def _apply(
    episodes: QuerySet[Episode], filters: WorklistFilters, today: datetime.date
) -> QuerySet[Episode]:
    if filters.q:
        for word in filters.q.split()[:4]:
            episodes = episodes.filter(
                Q(person__given_name__icontains=word)
                | Q(person__family_name__icontains=word)
                | Q(person__known_as__icontains=word)
            )
    if filters.status and filters.status in EpisodeStatus.values:
        episodes = episodes.filter(status=filters.status)
    if filters.level:
        episodes = episodes.filter(level__level=filters.level)
    if filters.team:
        episodes = (
            episodes.filter(team__public_id=filters.team)
            if _is_uuid(filters.team)
            else episodes.none()
        )
    if filters.overdue_only:
        episodes = episodes.filter(
            Q(next_review_due__lt=today)
            | Q(goals__actions__done_on__isnull=True, goals__actions__due_on__lt=today)
        ).distinct()
    return episodes


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def my_caseload(user, filters: WorklistFilters | None = None) -> QuerySet[Episode]:
    """The families the user is lead professional for, with their next review and overdue
    actions, soonest review first."""
    today = timezone.localdate()
    episodes = visible_among_episodes(
        user, Episode.objects.filter(lead_professional=user, status__in=LIVE_STATUSES)
    )
    episodes = _apply(episodes, filters or WorklistFilters(), today)
    return _with_worklist_facts(episodes, today).order_by(
        F("next_review_due").asc(nulls_last=True), "start"
    )


def my_overdue_actions(user) -> QuerySet[Action]:
    today = timezone.localdate()
    overdue = Action.objects.filter(
        owner=user, done_on__isnull=True, due_on__lt=today, goal__episode__status__in=LIVE_STATUSES
    )
    episodes = visible_among_episodes(
        user, Episode.objects.filter(pk__in=overdue.values("goal__episode_id"))
    )
    return (
        overdue.filter(goal__episode__in=episodes.values("pk"))
        .select_related("goal__episode__person")
        .order_by("due_on")
    )


def managed_teams(user):
    if not has_role(user, MANAGER_ROLES):
        return teams_of(user).none()
    return teams_of(user)


def unallocated_episodes(user, filters: WorklistFilters | None = None) -> QuerySet[Episode]:
    """Episodes in the user's teams waiting for a lead professional, oldest first."""
    today = timezone.localdate()
    episodes = visible_among_episodes(
        user,
        Episode.objects.filter(
            status=EpisodeStatus.AWAITING_ALLOCATION, team__in=teams_of(user).values("pk")
        ),
    )
    episodes = _apply(episodes, filters or WorklistFilters(), today)
    return _with_worklist_facts(episodes, today).order_by("start", "id")


@dataclass
class PractitionerLoad:
    user: object
    team_name: str
    fte: Decimal
    families: int = 0
    weight: float = 0.0
    overdue_reviews: int = 0
    overdue_actions: int = 0
    levels: dict[str, int] = field(default_factory=dict)

    @property
    def weight_per_fte(self) -> float:
        return round(self.weight / float(self.fte), 2) if self.fte else self.weight


def team_caseload(user, filters: WorklistFilters | None = None) -> list[PractitionerLoad]:
    """For a team leader: each practitioner in the teams they manage, with live families, the
    weighted caseload (by level of need) per full-time equivalent, and overdue work."""
    today = timezone.localdate()
    filters = filters or WorklistFilters()
    teams = managed_teams(user)
    if filters.team and _is_uuid(filters.team):
        teams = teams.filter(public_id=filters.team)
    memberships = (
        TeamMembership.objects.filter(team__in=teams.values("pk"))
        .select_related("user", "team")
        .order_by("team__name", "user__last_name", "user__first_name")
    )
    loads: dict[int, PractitionerLoad] = {}
    for membership in memberships:
        if membership.user_id not in loads:
            loads[membership.user_id] = PractitionerLoad(
                user=membership.user, team_name=membership.team.name, fte=membership.fte
            )
    episodes = _apply(
        Episode.objects.filter(
            team__in=teams.values("pk"),
            status__in=LIVE_STATUSES,
            lead_professional_id__in=list(loads),
        ),
        WorklistFilters(q=filters.q, level=filters.level, status=filters.status),
        today,
    )
    episodes = _with_worklist_facts(episodes, today)
    for episode in episodes:
        load = loads[episode.lead_professional_id]  # type: ignore[index]
        load.families += 1
        rank = episode.level.rank if episode.level else None
        load.weight += case_weight(rank)
        key = episode.level.level if episode.level else "not set"
        load.levels[key] = load.levels.get(key, 0) + 1
        if episode.next_review_due and episode.next_review_due < today:
            load.overdue_reviews += 1
        load.overdue_actions += episode.overdue_actions  # type: ignore[attr-defined]
    # Managers appear only when they lead families themselves.
    rows = [
        load for load in loads.values() if load.families or not has_role(load.user, MANAGER_ROLES)
    ]
    return sorted(rows, key=lambda load: (-load.weight_per_fte, str(load.user)))


def sustainment_breaking_referrals(episode: Episode):
    """Referrals received for the family during the sustainment period break it."""
    family = Q(person_id=episode.person_id)
    if episode.household_id:
        family |= Q(household_id=episode.household_id)
    return Referral.objects.filter(
        family,
        received_at__date__gt=episode.sustainment_from,
        received_at__date__lte=episode.sustainment_until,
    ).exclude(pk=episode.referral_id or 0)


def sf_families(user, *, on: datetime.date | None = None) -> dict[str, list[Episode]]:
    """Supporting Families families the user's service can see: those in the six-month
    sustainment period, and those whose outcomes were sustained (evidence for a claim). A new
    referral for the family in the period means the outcome was not sustained."""
    today = on or timezone.localdate()
    closed = (
        episodes_for_viewer(user)
        .filter(status=EpisodeStatus.CLOSED, sf_eligible=True, sustainment_until__isnull=False)
        .select_related("person", "team", "lead_professional")
        .prefetch_related("needs")
        .annotate(
            broken=Exists(
                Referral.objects.filter(
                    Q(person_id=OuterRef("person_id")) | Q(household_id=OuterRef("household_id")),
                    received_at__date__gt=OuterRef("sustainment_from"),
                    received_at__date__lte=OuterRef("sustainment_until"),
                ).exclude(pk=OuterRef("referral_id"))
            )
        )
        .order_by("sustainment_until")
    )
    result: dict[str, list[Episode]] = {"sustained": [], "in_progress": [], "not_sustained": []}
    for episode in closed:
        if episode.broken:  # type: ignore[attr-defined]
            result["not_sustained"].append(episode)
        elif episode.sustainment_until <= today:  # type: ignore[operator]
            result["sustained"].append(episode)
        else:
            result["in_progress"].append(episode)
    return result


def eligible_open_families(user) -> QuerySet[Episode]:
    return episodes_for_viewer(user).filter(sf_eligible=True, status__in=LIVE_STATUSES)


@dataclass
class StateSpell:
    state: str
    start: datetime.datetime
    end: datetime.datetime | None

    @property
    def days(self) -> float:
        end = self.end or timezone.now()
        return round((end - self.start).total_seconds() / 86400, 1)


def time_in_state(episode: Episode) -> list[StateSpell]:
    """The episode's spells in each state, from its events (the last one still running unless
    the episode is closed)."""
    spells: list[StateSpell] = []
    for event in episode.events.order_by("at", "id"):
        if spells and spells[-1].state == event.to_state:
            continue  # a transfer keeps the state
        if spells:
            spells[-1].end = event.at
        spells.append(StateSpell(event.to_state, event.at, None))
    if spells and spells[-1].state == EpisodeStatus.CLOSED:
        spells[-1].end = spells[-1].start
    return spells


@dataclass
class NotSeen:
    """A live episode whose family has not been seen within the plan's contact frequency."""

    episode: Episode
    last_seen_on: datetime.date | None  # the last contact the viewer may see, since the start
    days: int  # since then, or since the episode started when there is none

    @property
    def days_over(self) -> int:
        return self.days - (self.episode.contact_every_days or 0)


def families_not_seen(user, *, today: datetime.date | None = None) -> list[NotSeen]:
    """The live episodes with a contact frequency that the user leads (and, for a team leader
    or service manager, their teams' episodes) whose family's last contact is older than it, or
    with no contact since the episode started, most overdue first. Contacts count for the
    household or the person, when the user may open them (the access layer). A few queries
    whatever the number of families."""
    today = today or timezone.localdate()
    mine = Q(lead_professional=user)
    if has_role(user, MANAGER_ROLES):
        mine |= Q(team__in=managed_teams(user).values("pk"))
    episodes = list(
        visible_among_episodes(
            user,
            Episode.objects.filter(
                mine, status__in=LIVE_STATUSES, contact_every_days__isnull=False
            ),
        ).select_related("person", "team", "lead_professional")
    )
    if not episodes:
        return []
    households = {e.household_id for e in episodes if e.household_id}
    people = {e.person_id for e in episodes}
    contacts = records_visible_among(
        user, Contact.objects.filter(Q(household_id__in=households) | Q(person_id__in=people))
    )
    by_household: dict[int, datetime.date] = {}
    by_person: dict[int, datetime.date] = {}
    for household_id, person_id, last in (
        contacts.values("household_id", "person_id")
        .annotate(last=Max("contact_on"))
        .values_list("household_id", "person_id", "last")
        .order_by()
    ):
        if household_id is not None:
            by_household[household_id] = max(last, by_household.get(household_id, last))
        by_person[person_id] = max(last, by_person.get(person_id, last))
    found = []
    for episode in episodes:
        seen = [by_person.get(episode.person_id)]
        if episode.household_id:
            seen.append(by_household.get(episode.household_id))
        since_start = [day for day in seen if day is not None and day >= episode.start]
        last = max(since_start) if since_start else None
        days = (today - (last or episode.start)).days
        if days > (episode.contact_every_days or 0):
            found.append(NotSeen(episode, last, days))
    return sorted(found, key=lambda row: (-row.days_over, str(row.episode.person)))


@dataclass
class PackSection:
    """A part of the information pack another part adds (the family network, say)."""

    title: str
    rows: list[str]


@dataclass
class InformationPack:
    chronology: list
    assessment: Assessment | None
    goals: list
    members: list
    events: list
    sections: list[PackSection] = field(default_factory=list)


def information_pack(user, episode: Episode) -> InformationPack:
    """Everything that goes with a step-up to child protection, read through the access layer:
    the child's chronology from the family's timeline (oldest first), the latest assessment, the
    plan with its actions and scores, the team around the family, the episode's history, and
    the sections other parts add (casework.hooks.information_pack_sections)."""
    timeline = family_timeline(user, [episode.person_id], limit=200, count_hidden=False)
    assessment = (
        records_visible_to(user, Assessment.objects.filter(episode=episode))
        .select_related("level")
        .order_by("-completed_on", "-pk")
        .first()
    )
    goals = list(episode.goals.prefetch_related("actions").order_by("created_at"))
    sections = [section for add in information_pack_sections for section in add(user, episode)]
    return InformationPack(
        chronology=sorted(timeline.items, key=lambda item: _moment(item.when)),
        assessment=assessment,
        goals=goals,
        members=list(episode.team_members.filter(left_on__isnull=True).select_related("user")),
        events=list(episode.events.select_related("by").order_by("at", "pk")),
        sections=sections,
    )


def _moment(when) -> datetime.datetime:
    if isinstance(when, datetime.datetime):
        return when if timezone.is_aware(when) else timezone.make_aware(when)
    return timezone.make_aware(datetime.datetime.combine(when, datetime.time()))
