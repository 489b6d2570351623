"""A small borough for outcome tests: two wards at the ends of the deprivation scale."""

from __future__ import annotations

from datetime import date

import pytest

from familyhub.accounts.roles import Role
from familyhub.childhealth.models import Review, ReviewDue
from familyhub.childhealth.tests.factories import HealthVisitingServiceFactory
from familyhub.services.models import ServiceKind
from familyhub.testing import factories as shared

# 2025/26 Q1: 1 April to 30 June 2025; the tests' "today" sits in it.
Q_START, Q_END = date(2025, 4, 1), date(2025, 6, 30)
TODAY = date(2025, 6, 16)


@pytest.fixture
def locality(authority):
    return shared.LocalityFactory(authority=authority, name="Central")


@pytest.fixture
def deprived(authority, locality):
    return shared.AreaFactory(
        authority=authority,
        locality=locality,
        name="Low Street",
        code="W1",
        imd_rank=10,
        imd_decile=1,
        population_0_4=10,
        families_with_under_fives=8,
    )


@pytest.fixture
def affluent(authority, locality):
    return shared.AreaFactory(
        authority=authority,
        locality=locality,
        name="High Park",
        code="W2",
        imd_rank=30000,
        imd_decile=10,
        population_0_4=20,
        families_with_under_fives=16,
    )


@pytest.fixture
def hv_service(authority):
    return HealthVisitingServiceFactory(authority=authority)


@pytest.fixture
def hv_team(hv_service, locality):
    return shared.TeamFactory(name="Health visiting Central", service=hv_service, locality=locality)


@pytest.fixture
def eh_service(authority):
    return shared.ServiceFactory(
        authority=authority, name="Early help", kind=ServiceKind.EARLY_HELP
    )


@pytest.fixture
def eh_team(eh_service, locality):
    return shared.TeamFactory(name="Early help Central", service=eh_service, locality=locality)


@pytest.fixture
def hv(make_user, hv_team):
    return make_user(Role.HEALTH_VISITOR, team=hv_team, username="hv")


@pytest.fixture
def make_child(authority, deprived):
    def make(**fields):
        fields.setdefault("area", deprived)
        fields.setdefault("is_unborn", False)
        return shared.PersonFactory(authority=authority, **fields)

    return make


@pytest.fixture
def review(hv_service, hv):
    def make(child, kind, done_on, **fields):
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
        fields.setdefault("outcome", "completed")
        return Review.objects.create(
            person=child,
            owning_service=hv_service,
            due=due,
            kind=kind,
            done_on=done_on,
            place="home",
            done_by=hv,
            **fields,
        )

    return make


def totals(cells) -> tuple[int, int]:
    return sum(c["numerator"] for c in cells), sum(c["denominator"] for c in cells)


def by_area(cells, area) -> tuple[int, int]:
    return totals([c for c in cells if c["area_id"] == area.pk])
