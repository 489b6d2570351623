"""The fast path answers exactly as the rule: visible_among(user, ids) equals
visible_people(user).filter(pk__in=ids), and records_visible_among equals records_visible_to.

Each seed builds a small council at random from every involvement there is (registrations at a
service or a team's base, case notes, shares to a team or a service, revoked or expired, live and
closed episodes with leads and a team around the family, referrals, named health visitors,
universal reviews by locality, hub bookings and attendance, break-glass live and expired),
households with current, ended and future memberships, merged and other councils' people,
and memberships of teams that have ended or not yet started. Every user of every role then asks
about every person, random handfuls, and ids that do not exist.
"""

from __future__ import annotations

import datetime
import random

import pytest
from django.db.models import Q
from django.utils import timezone

from familyhub.access import layer
from familyhub.access.models import (
    Basis,
    BreakGlass,
    Consent,
    ConsentMethod,
    DecisionNotToShare,
    Share,
    SharedNote,
    SharingAgreement,
)
from familyhub.access.records import Category
from familyhub.accounts.roles import Role
from familyhub.casework.models import Episode, EpisodeStatus, TeamMember
from familyhub.childhealth.models import DueStatus, HealthVisitorAllocation, ReviewDue
from familyhub.hubs.models import Attendance, Booking
from familyhub.hubs.tests.factories import SessionFactory
from familyhub.people.models import Person
from familyhub.referrals.models import Referral, ReferralStatus
from familyhub.testing.factories import (
    AreaFactory,
    AuthorityFactory,
    HouseholdFactory,
    HouseholdMembershipFactory,
    LocalityFactory,
    PersonFactory,
    RegistrationFactory,
    ServiceFactory,
    SiteFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEEDS = range(12)


def _day(rng: random.Random, today: datetime.date) -> datetime.date | None:
    """No date, a past one or a future one."""
    return rng.choice(
        [None, today - datetime.timedelta(days=30), today + datetime.timedelta(days=30)]
    )


def _moment(rng: random.Random) -> datetime.datetime | None:
    now = timezone.now()
    return rng.choice([None, now - datetime.timedelta(days=3), now + datetime.timedelta(days=3)])


def build_council(rng: random.Random, authority) -> list:
    """A council with every kind of involvement, at random; returns its users."""
    today = timezone.localdate()
    elsewhere = AuthorityFactory(code="ELSE", name="Elsewhere Council")
    localities = [LocalityFactory(authority=authority) for _ in range(2)]
    areas = [AreaFactory(authority=authority, locality=locality) for locality in localities]
    sites = [SiteFactory(authority=authority, locality=locality) for locality in localities]
    services = [ServiceFactory(authority=authority) for _ in range(3)]
    services.append(ServiceFactory(authority=elsewhere))
    teams = [
        TeamFactory(
            service=rng.choice(services),
            locality=rng.choice(localities + [None]),
            base=rng.choice(sites + [None]),
        )
        for _ in range(5)
    ]
    users = [UserFactory(role=role) for role in Role] + [
        UserFactory(role=rng.choice(list(Role))) for _ in range(4)
    ]
    for user in users:
        for team in rng.sample(teams, rng.randint(0, 2)):
            TeamMembershipFactory(
                user=user, team=team, start=_day(rng, today), end=_day(rng, today)
            )
    people = [
        PersonFactory(authority=authority, area=rng.choice(areas + [None])) for _ in range(26)
    ]
    people += [PersonFactory(authority=elsewhere) for _ in range(3)]
    for merged in rng.sample(people, 2):
        merged.merged_into = rng.choice(people)
        merged.save(update_fields=["merged_into"])
    for _ in range(6):
        household = HouseholdFactory(authority=authority)
        for person in rng.sample(people, rng.randint(1, 4)):
            HouseholdMembershipFactory(
                household=household,
                person=person,
                start=today - datetime.timedelta(days=400),
                end=_day(rng, today),
            )
    _involve(rng, today, users, people, services, teams, sites, areas)
    _share_records(rng, users, people, services)
    return users


def _involve(rng, today, users, people, services, teams, sites, areas) -> None:
    now = timezone.now()
    for person in rng.sample(people, 8):
        RegistrationFactory(
            person=person,
            service=rng.choice(services + [None]),
            site=rng.choice(sites + [None]),
            registered_at=now,
            ended_at=rng.choice([None, now]),
        )
    for person in rng.sample(people, 5):
        SharedNote.objects.create(
            person=person, owning_service=rng.choice(services), title="Note", category="general"
        )
    for person in rng.sample(people, 5):
        to_team = rng.random() < 0.5
        Share.objects.create(
            person=person,
            owning_service=rng.choice(services),
            recipient_team=rng.choice(teams) if to_team else None,
            recipient_service=None if to_team else rng.choice(services),
            reason="Agreed at the meeting",
            expires_at=_moment(rng),
            revoked_at=rng.choice([None, None, now]),
        )
    for person in rng.sample(people, 6):
        team = rng.choice(teams)
        status = rng.choice(list(EpisodeStatus))
        closed = status == EpisodeStatus.CLOSED
        episode = Episode.objects.create(
            person=person,
            owning_service=team.service,
            authority=person.authority,
            team=team,
            lead_professional=rng.choice(users + [None]),
            status=status,
            end=today if closed else None,
            closure_reason="outcomes_met" if closed else "",
        )
        if rng.random() < 0.5:
            TeamMember.objects.create(
                episode=episode, user=rng.choice(users), left_on=rng.choice([None, today])
            )
    for person in rng.sample(people, 4):
        waiting = rng.random() < 0.7
        Referral.objects.create(
            person=person,
            owning_service=rng.choice(services),
            authority=person.authority,
            referrer_kind="school",
            referrer_name="Ms Price",
            concerns="Attendance",
            consent="agrees",
            decision_due_at=now,
            recorded_by=rng.choice(users),
            status=ReferralStatus.RECEIVED if waiting else ReferralStatus.NO_FURTHER_ACTION,
            decided_at=None if waiting else now,
            decision_reason="" if waiting else "Signposted instead",
        )
    for person in rng.sample(people, 5):
        team = rng.choice(teams)
        HealthVisitorAllocation.objects.create(
            person=person,
            owning_service=team.service,
            practitioner=rng.choice(users),
            team=team,
            end=_day(rng, today),
        )
    for person in rng.sample(people, 8):
        ReviewDue.objects.create(
            person=person,
            owning_service=rng.choice(services),
            authority=person.authority,
            kind="new_birth",
            window_start=today,
            window_end=today,
            late_until=today,
            status=rng.choice([DueStatus.DUE, DueStatus.DUE, DueStatus.COMPLETED]),
        )
    for _ in range(2):
        session = SessionFactory(authority=people[0].authority, site=rng.choice(sites))
        session.staff.set(rng.sample(users, 2))
        for person in rng.sample(people, 3):
            Booking.objects.create(
                authority=session.authority,
                session=session,
                person=person,
                status=rng.choice(["booked", "waiting", "cancelled"]),
                requested_at=now,
            )
        for person in rng.sample(people, 2):
            Attendance.objects.create(
                person=person, owning_service=session.service, session=session
            )
    for user in rng.sample(users, 4):
        BreakGlass.objects.create(
            user=user,
            person=rng.choice(people),
            reason="A safeguarding reason in a sentence.",
            expires_at=now + datetime.timedelta(hours=rng.choice([-1, 1])),
        )


def _share_records(rng, users, people, services) -> None:
    """Agreements, consent and decisions not to share: the record rule's other half."""
    for basis in (Basis.PUBLIC_TASK, Basis.CONSENT):
        SharingAgreement.objects.create(
            name=f"Line {basis}",
            owner_service=rng.choice(services),
            recipient_service=rng.choice(services + [None]),
            categories=[Category.GENERAL, Category.HEALTH, Category.MENTAL_HEALTH],
            basis=basis,
        )
    for person in rng.sample(people, 5):
        Consent.objects.create(
            person=person,
            given=True,
            method=ConsentMethod.VERBAL,
            withdrawn_at=rng.choice([None, timezone.now()]),
        )
    for person in rng.sample(people, 2):
        DecisionNotToShare.objects.create(
            person=person, owning_service=rng.choice(services), reason="Risk to the family"
        )
    for person in rng.sample(people, 10):
        SharedNote.objects.create(
            person=person,
            owning_service=rng.choice(services),
            title="Record",
            category=rng.choice([Category.GENERAL, Category.HEALTH, Category.MENTAL_HEALTH]),
        )


def _id_sets(rng: random.Random) -> list[list[int]]:
    every = list(Person.objects.values_list("pk", flat=True))
    sets = [every, [], [max(every) + 1000]]
    sets += [rng.sample(every, rng.randint(1, len(every))) for _ in range(4)]
    return sets


@pytest.mark.parametrize("seed", SEEDS)
def test_visible_among_answers_as_the_rule(seed, authority):
    rng = random.Random(seed)
    users = build_council(rng, authority)
    id_sets = _id_sets(rng)
    seen_any = False
    for user in users:
        for ids in id_sets:
            rule = set(layer.visible_people(user).filter(pk__in=ids).values_list("pk", flat=True))
            assert layer.visible_among(user, ids) == rule, (seed, user.role, sorted(ids))
            seen_any = seen_any or bool(rule)
    assert seen_any  # the world is not empty of involvement


@pytest.mark.parametrize("seed", SEEDS)
def test_records_visible_among_answers_as_the_rule(seed, authority):
    rng = random.Random(seed)
    users = build_council(rng, authority)
    for user in users:
        for queryset in (SharedNote.objects.all(), ReviewDue.objects.filter(status="due")):
            rule = set(layer.records_visible_to(user, queryset).values_list("pk", flat=True))
            fast = set(layer.records_visible_among(user, queryset).values_list("pk", flat=True))
            assert fast == rule, (seed, user.role, queryset.model.__name__)


def test_anonymous_and_non_practitioners_see_nobody(authority, make_user):
    from django.contrib.auth.models import AnonymousUser

    person = PersonFactory(authority=authority)
    assert layer.visible_among(AnonymousUser(), [person.pk]) == set()
    assert layer.visible_among(make_user(Role.COMMISSIONER), [person.pk]) == set()


def _keys(answer) -> set[int]:
    if isinstance(answer, Q):
        return set(Person.objects.filter(answer).values_list("pk", flat=True))
    return {row[0] for row in answer.values_list(*answer.query.values_select)}
