"""A small borough for the returns: a health visiting team and an early help team, a
commissioner/analyst who generates the returns, practitioners, children and their records.
Records are made directly (the parts' own tests cover their services); the returns read them."""

from __future__ import annotations

from datetime import date

import pytest

from familyhub.accounts.roles import Role
from familyhub.casework.models import Assessment, Episode, EpisodeNeed, EpisodeStatus, Goal
from familyhub.childhealth.models import HealthVisitorAllocation, Measurement, Review, ReviewDue
from familyhub.referrals.models import ContinuumLevel
from familyhub.returns import services
from familyhub.returns.kinds import parse_period
from familyhub.services.models import ServiceKind
from familyhub.services.selectors import authority_of
from familyhub.testing import factories as shared

VALID_NHS = ["9434765900", "9434765919", "9434765927", "9434765935", "9434765943", "9434765951"]


@pytest.fixture(autouse=True)
def _provider_code(settings):
    settings.FAMILYHUB_CSDS_ORG_ID = "RXX01"
    settings.FAMILYHUB_DFE_LA_NUMBER = "883"


@pytest.fixture
def hv_service(authority):
    return shared.ServiceFactory(
        authority=authority, name="Health visiting", kind=ServiceKind.HEALTH_VISITING
    )


@pytest.fixture
def hv_team(hv_service):
    return shared.TeamFactory(name="Health visiting North", service=hv_service)


@pytest.fixture
def eh_service(authority):
    return shared.ServiceFactory(
        authority=authority, name="Early help", kind=ServiceKind.EARLY_HELP
    )


@pytest.fixture
def eh_team(eh_service):
    return shared.TeamFactory(name="Family Help West", service=eh_service)


@pytest.fixture
def health_visitor(make_user, hv_team):
    return make_user(Role.HEALTH_VISITOR, team=hv_team, first_name="Hana", last_name="Visitor")


@pytest.fixture
def lead(make_user, eh_team):
    return make_user(Role.LEAD_PROFESSIONAL, team=eh_team, first_name="Leo", last_name="Lead")


@pytest.fixture
def officer(make_user, authority):
    return make_user(Role.COMMISSIONER, first_name="Ola", last_name="Officer")


@pytest.fixture
def level(authority):
    return ContinuumLevel.objects.create(authority=authority, level="2", rank=2, name="Early help")


@pytest.fixture
def make_child(authority):
    numbers = iter(VALID_NHS * 20)

    def make(**fields):
        fields.setdefault("nhs_number", next(numbers))
        fields.setdefault("nhs_number_status", "01")
        fields.setdefault("ethnicity", "W1")
        return shared.PersonFactory(authority=authority, **fields)

    return make


@pytest.fixture
def allocate(health_visitor, hv_team, hv_service):
    def allocate(child, start: date, end: date | None = None):
        return HealthVisitorAllocation.objects.create(
            person=child,
            owning_service=hv_service,
            practitioner=health_visitor,
            team=hv_team,
            start=start,
            end=end,
        )

    return allocate


@pytest.fixture
def review(hv_service, health_visitor):
    def make(child, kind, done_on, *, outcome="completed", **fields):
        due = ReviewDue.objects.create(
            person=child,
            authority=child.authority,
            owning_service=hv_service,
            kind=kind,
            window_start=done_on,
            window_end=done_on,
            late_until=done_on,
            status="completed",
            recorded=True,
        )
        return Review.objects.create(
            person=child,
            owning_service=hv_service,
            due=due,
            kind=kind,
            done_on=done_on,
            place="home",
            outcome=outcome,
            done_by=health_visitor,
            **fields,
        )

    return make


@pytest.fixture
def measure(hv_service):
    def make(review_row, **values):
        return Measurement.objects.create(
            person=review_row.person,
            owning_service=hv_service,
            measured_on=review_row.done_on,
            due=review_row.due,
            **values,
        )

    return make


@pytest.fixture
def episode(eh_service, eh_team, lead, level):
    """An early help episode with its needs, an assessment and a plan (each can be left out)."""

    def make(
        child,
        *,
        start: date,
        end: date | None = None,
        needs=("education", "health", "housing"),
        outcome="achieved",
        assessed=True,
        planned=True,
        with_lead=True,
        household=None,
        **fields,
    ):
        episode = Episode.objects.create(
            person=child,
            authority=child.authority,
            household=household,
            owning_service=eh_service,
            team=eh_team,
            lead_professional=lead if with_lead else None,
            level=level,
            status=EpisodeStatus.CLOSED if end else EpisodeStatus.OPEN,
            start=start,
            end=end,
            closure_reason="Needs met" if end else "",
            **fields,
        )
        for need in needs:
            EpisodeNeed.objects.create(
                episode=episode, need=need, identified_on=start, outcome=outcome if end else ""
            )
        if assessed:
            Assessment.objects.create(
                person=child,
                owning_service=eh_service,
                episode=episode,
                needs=list(needs),
                strengths="Close family",
                child_voice="Wants to go to school",
                family_views="Want help with the house",
                level=level,
                completed_on=start,
            )
        if planned:
            for need in needs:
                Goal.objects.create(episode=episode, need=need, description=f"Better {need}")
        return episode

    return make


@pytest.fixture
def generate(officer):
    """Generate a return in the foreground, as the task would."""

    def run(kind: str, period: str, *, by=None):
        user = by or officer

        started = services.return_start(
            kind=kind, period=parse_period(kind, period), authority=authority_of(user), by=user
        )
        return services.return_generate(started)

    return run
