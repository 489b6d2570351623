"""Reads that cross rows: the front door queue, late decisions, what the register already knows
about a referred family. Every list is filtered for the viewer."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from familyhub.access import involvement
from familyhub.access.layer import log_shown, records_visible_to, viewer_for, visible_among
from familyhub.accounts.models import User
from familyhub.accounts.roles import MANAGER_ROLES, has_role
from familyhub.people.models import HouseholdMembership, Person
from familyhub.referrals import overdue
from familyhub.referrals.involvement import inbox_of
from familyhub.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReferrerKind,
    Urgency,
)
from familyhub.referrals.permissions import is_front_door
from familyhub.services.models import Service, ServiceKind
from familyhub.services.selectors import authority_ids_of


@dataclass
class QueueFilters:
    urgency: str = ""
    referrer_kind: str = ""
    overdue_only: bool = False
    q: str = ""

    @classmethod
    def from_query(cls, query) -> QueueFilters:
        return cls(
            urgency=query.get("urgency", "") if query.get("urgency") in Urgency.values else "",
            referrer_kind=(
                query.get("referrer_kind", "")
                if query.get("referrer_kind") in ReferrerKind.values
                else ""
            ),
            overdue_only=query.get("overdue") == "1",
            q=(query.get("q") or "").strip()[:100],
        )


def front_door_queue(user, filters: QueueFilters | None = None) -> QuerySet[Referral]:
    """Referrals waiting for a decision that the user may see (their front door's), the most
    pressing first."""
    if not is_front_door(user):
        return Referral.objects.none()
    filters = filters or QueueFilters()
    referrals = records_visible_to(
        user,
        Referral.objects.filter(
            status=ReferralStatus.RECEIVED, owning_service__kind=ServiceKind.FRONT_DOOR
        ),
    )
    if filters.urgency:
        referrals = referrals.filter(urgency=filters.urgency)
    if filters.referrer_kind:
        referrals = referrals.filter(referrer_kind=filters.referrer_kind)
    if filters.overdue_only:
        referrals = referrals.filter(decision_due_at__lt=timezone.now())
    for word in filters.q.split()[:4]:
        referrals = referrals.filter(
            Q(person__given_name__icontains=word)
            | Q(person__family_name__icontains=word)
            | Q(referrer_organisation__icontains=word)
        )
    return referrals.select_related("person").order_by("decision_due_at", "received_at")


def late_decisions(user, *, days: int = 30) -> dict[str, QuerySet[Referral]]:
    """For managers: referrals past their deadline and still waiting, and those decided late in
    the last `days` days, among the referrals they may see (their front door's)."""
    if not has_role(user, MANAGER_ROLES):
        none = Referral.objects.none()
        return {"waiting": none, "decided_late": none}
    now = timezone.now()
    mine = records_visible_to(user, Referral.objects.all()).select_related("person", "decided_by")
    return {
        "waiting": mine.filter(status=ReferralStatus.RECEIVED, decision_due_at__lt=now).order_by(
            "decision_due_at"
        ),
        "decided_late": mine.exclude(status=ReferralStatus.RECEIVED)
        .filter(
            decided_at__gte=now - datetime.timedelta(days=days),
            decided_at__gt=F("decision_due_at"),
        )
        .order_by("-decided_at"),
    }


@dataclass
class RegisterKnowledge:
    """What the register already knows about a referred family, for the triage officer."""

    family_ids: list[int]
    services: list = field(default_factory=list)
    past_referrals: list[Referral] = field(default_factory=list)
    lead_professionals: list[str] = field(default_factory=list)
    household_size: int = 0


def family_person_ids(referral: Referral) -> list[int]:
    ids = {referral.person_id}
    if referral.household_id:
        ids |= set(
            HouseholdMembership.objects.filter(
                household_id=referral.household_id, end__isnull=True
            ).values_list("person_id", flat=True)
        )
    return sorted(ids)


def register_knowledge(user, referral: Referral) -> RegisterKnowledge:
    """What the register knows of the family, for the front door deciding: the services
    involved and the family's earlier referrals the user may see."""
    ids = family_person_ids(referral)
    knowledge = RegisterKnowledge(family_ids=ids, household_size=len(ids))
    knowledge.services = [
        row
        for row in involvement.services_involved(ids)
        if "waiting for a decision" not in row.what
    ]
    family = Q(person_id__in=ids)
    if referral.household_id:
        family |= Q(household_id=referral.household_id)
    knowledge.past_referrals = list(
        records_visible_to(user, Referral.objects.filter(family))
        .exclude(pk=referral.pk)
        .select_related("person", "level")
        .order_by("-received_at")[:20]
    )
    # The page names the person of each earlier referral: each is shown, so each is logged.
    log_shown(
        user,
        [past.person for past in knowledge.past_referrals],
        purpose="The family's earlier referrals, to decide a referral",
    )
    knowledge.lead_professionals = sorted(
        {f"{row.lead_professional} ({row.team_name})" for row in knowledge.services if row.leads}
    )
    return knowledge


def referral_events(referral: Referral):
    return referral.events.select_related("by").order_by("at", "id")


@dataclass
class DecisionTimes:
    decided: int
    in_time: int
    median_hours: float | None

    @property
    def percent_in_time(self) -> int | None:
        return round(100 * self.in_time / self.decided) if self.decided else None


def decision_times(user, *, days: int = 30) -> DecisionTimes:
    """How long the front door took to decide, over the last `days` days: from the received and
    decided events (ReferralEvent), so the same figures can be cut by any period later."""
    since = timezone.now() - datetime.timedelta(days=days)
    decisions = (
        ReferralEvent.objects.filter(
            referral__authority_id__in=authority_ids_of(user),
            from_state=ReferralStatus.RECEIVED,
            at__gte=since,
        )
        .select_related("referral")
        .order_by("at")[:5000]
    )
    hours = []
    in_time = 0
    for event in decisions:
        hours.append((event.at - event.referral.received_at).total_seconds() / 3600)
        in_time += int(event.at <= event.referral.decision_due_at)
    median = round(statistics.median(hours), 1) if hours else None
    return DecisionTimes(decided=len(hours), in_time=in_time, median_hours=median)


@dataclass
class Inbox:
    """A receiving service's inbox, for its practitioners: what waits for a decision, what waits
    for the referrer, what is accepted and waits for a worker or a first contact, and what was
    declined lately."""

    waiting: list[Referral]
    asked: list[Referral]
    accepted: list[Referral]
    declined: list[Referral]

    @property
    def people(self) -> list:
        return [r.person for r in self.waiting + self.asked + self.accepted + self.declined]


def service_inbox(user, *, days: int = 30, limit: int = 200) -> Inbox:
    """The inbox of the user's services other than the front door (whose queue is its own
    page), among the referrals the sharing rules let them see."""
    viewer = viewer_for(user)
    mine = records_visible_to(
        user,
        Referral.objects.filter(inbox_of(viewer)).exclude(
            owning_service__kind=ServiceKind.FRONT_DOOR
        ),
        viewer=viewer,
    ).select_related("person", "owning_service", "from_service", "allocated_to")
    since = timezone.now() - datetime.timedelta(days=days)
    return Inbox(
        waiting=list(
            mine.filter(status=ReferralStatus.RECEIVED).order_by("decision_due_at")[:limit]
        ),
        asked=list(
            mine.filter(status=ReferralStatus.MORE_INFO).order_by("decision_due_at")[:limit]
        ),
        accepted=list(
            mine.filter(status=ReferralStatus.ACCEPTED)
            .filter(Q(allocated_to__isnull=True) | Q(first_contact_on__isnull=True))
            .order_by("decided_at")[:limit]
        ),
        declined=list(
            mine.filter(status=ReferralStatus.DECLINED, decided_at__gte=since).order_by(
                "-decided_at"
            )[:limit]
        ),
    )


def receiving_services(authority_id: int):
    """The council's directory of services a referral can go to, the front door first."""
    return (
        Service.objects.filter(authority_id=authority_id)
        .exclude(kind=ServiceKind.SOCIAL_CARE)
        .order_by(
            models.Case(models.When(kind=ServiceKind.FRONT_DOOR, then=0), default=1),
            "name",
        )
    )


def workers_of(service_id: int):
    """Who a receiving service can allocate a referral to: its teams' current members."""
    today = timezone.localdate()
    return (
        User.objects.filter(
            Q(memberships__end__isnull=True) | Q(memberships__end__gte=today),
            memberships__team__service_id=service_id,
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def external_service_ids(directory) -> set[int]:
    """Which services of a directory are partners outside Familyhub (no team with anyone in
    it), in one query."""
    today = timezone.localdate()
    on_familyhub = set(
        directory.filter(
            Q(teams__memberships__end__isnull=True) | Q(teams__memberships__end__gte=today),
            teams__memberships__user__is_active=True,
        ).values_list("pk", flat=True)
    )
    return set(directory.values_list("pk", flat=True)) - on_familyhub


@dataclass
class OverdueRow:
    step: overdue.OverdueStep
    person: Person
    late: int  # working days
    escalated_to: str


@dataclass
class OverdueListing:
    mine: list[OverdueRow]
    services: list[OverdueRow]  # team leaders and managers: everything in their services

    @property
    def people(self) -> list[Person]:
        return [row.person for row in self.mine + self.services]


def overdue_for(user, *, limit: int = 300) -> OverdueListing:
    """The user's overdue steps (theirs, or their service's with no worker yet), and for team
    leaders and service managers every overdue step in their services; only steps about people
    the user may see."""
    viewer = viewer_for(user)
    today = timezone.localdate()
    steps = overdue.overdue_steps(overdue.Scope(service_ids=list(viewer.service_ids), today=today))
    visible = visible_among(user, {step.person_id for step in steps}, viewer=viewer)
    people = Person.objects.in_bulk(visible)
    manager = has_role(user, MANAGER_ROLES)
    mine: list[OverdueRow] = []
    services: list[OverdueRow] = []
    for step in steps:
        if step.person_id not in people:
            continue
        late = step.working_days_late(today)
        rule = overdue.escalation_for(step)
        escalated = (
            "Service manager"
            if late >= rule.manager_after
            else "Team leader"
            if late >= rule.team_leader_after
            else ""
        )
        row = OverdueRow(
            step=step, person=people[step.person_id], late=late, escalated_to=escalated
        )
        if step.worker_id == user.pk or (step.worker_id is None and not manager):
            mine.append(row)
        elif manager:
            services.append(row)
    return OverdueListing(mine=mine[:limit], services=services[:limit])
