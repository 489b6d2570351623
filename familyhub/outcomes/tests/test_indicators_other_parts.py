"""Casework, referrals and hubs indicators on constructed records, counted by hand."""

from __future__ import annotations

import datetime
from datetime import date

import pytest
from django.utils import timezone

from familyhub.casework.models import Episode, EpisodeNeed
from familyhub.core import indicators as registry
from familyhub.hubs.models import Attendance
from familyhub.hubs.tests.factories import SessionFactory
from familyhub.outcomes.tests.conftest import Q_END, Q_START, by_area, totals
from familyhub.people.models import HouseholdMembership
from familyhub.referrals.models import Referral
from familyhub.testing import factories as shared
from familyhub.testing.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def run(key, authority, start=Q_START, end=Q_END):
    return registry.get(key).compute(authority.pk, start, end)


def episode(child, team, end, needs, **fields):
    item = Episode.objects.create(
        person=child,
        owning_service=team.service,
        authority=child.authority,
        team=team,
        status="closed",
        start=date(2024, 1, 1),
        end=end,
        closure_reason="Done",
        **fields,
    )
    for need, outcome in needs:
        EpisodeNeed.objects.create(episode=item, need=need, outcome=outcome)
    return item


def referral(child, received, due, decided=None, **fields):
    return Referral.objects.create(
        person=child,
        owning_service=fields.pop("service"),
        authority=child.authority,
        referrer_kind="school",
        referrer_name="A teacher",
        concerns="Worried",
        consent="given",
        received_at=received,
        decision_due_at=due,
        decided_at=decided,
        status="allocated" if decided else "received",
        decision_reason="Early help" if decided else "",
        **fields,
    )


def test_closed_with_all_needs_achieved(authority, make_child, eh_team, eh_service, affluent):
    episode(
        make_child(), eh_team, date(2025, 5, 1), [("housing", "achieved"), ("health", "achieved")]
    )
    episode(make_child(), eh_team, date(2025, 5, 2), [("housing", "achieved"), ("crime", "partly")])
    episode(make_child(area=affluent), eh_team, date(2025, 6, 30), [("health", "achieved")])
    episode(make_child(), eh_team, date(2025, 6, 1), [])  # no needs: denominator only
    episode(make_child(), eh_team, date(2025, 7, 1), [("health", "achieved")])  # next quarter
    cells = run("closed_all_needs_achieved", authority)
    assert totals(cells) == (2, 4)
    assert by_area(cells, affluent) == (1, 1)
    assert {(c["service_id"], c["team_id"]) for c in cells} == {(eh_service.pk, eh_team.pk)}


def test_re_referrals_within_12_months(authority, make_child, eh_team, eh_service):
    again, not_again, late = make_child(), make_child(), make_child()
    for child in (again, not_again, late):
        episode(child, eh_team, date(2025, 5, 1), [("health", "achieved")])
    referral(again, at(date(2026, 4, 30)), at(date(2026, 5, 1)), service=eh_service)  # 364 days
    referral(late, at(date(2026, 5, 2)), at(date(2026, 5, 3)), service=eh_service)  # 366 days
    referral(not_again, at(date(2025, 4, 1)), at(date(2025, 4, 2)), service=eh_service)  # before
    assert totals(run("re_referrals_12_months", authority)) == (1, 3)


def test_referrals_decided_within_deadline(authority, make_child, eh_team, eh_service):
    child = make_child()
    due = at(date(2025, 5, 2))
    referral(
        child,
        at(date(2025, 5, 1)),
        due,
        at(date(2025, 5, 2), 9),
        service=eh_service,
        allocated_team=eh_team,
    )  # in time
    referral(child, at(date(2025, 5, 1)), due, at(date(2025, 5, 3)), service=eh_service)  # late
    referral(child, at(date(2025, 6, 30), 22), at(date(2025, 7, 1)), service=eh_service)  # waiting
    referral(child, at(date(2025, 3, 31), 12), due, due, service=eh_service)  # March: out
    cells = run("referrals_decided_in_time", authority)
    assert totals(cells) == (1, 3)
    assert sum(c["numerator"] for c in cells if c["team_id"] == eh_team.pk) == 1


def test_registered_under_fives_over_resident(authority, make_child, deprived, affluent):
    def register(child, when, ended=None):
        RegistrationFactory(person=child, registered_at=at(when), ended_at=ended)

    register(make_child(date_of_birth=date(2022, 1, 1)), date(2024, 1, 1))
    register(make_child(date_of_birth=date(2024, 1, 1)), date(2025, 6, 30))  # on the last day
    register(make_child(date_of_birth=date(2024, 1, 1)), date(2025, 7, 1))  # after: out
    register(make_child(date_of_birth=date(2020, 6, 30)), date(2024, 1, 1))  # 5 on 30 June: out
    register(
        make_child(date_of_birth=date(2023, 1, 1), area=affluent),
        date(2024, 1, 1),
        ended=at(date(2025, 1, 1)),
    )  # ended: out
    cells = run("registered_under_fives", authority)
    # Denominators are the wards' resident under-5s: 10 and 20.
    assert by_area(cells, deprived) == (2, 10)
    assert by_area(cells, affluent) == (0, 20)
    assert totals(cells) == (2, 30)


def test_engaged_families_over_resident_families(authority, make_child, deprived, affluent):
    session_dates = [date(2025, 4, 7), date(2025, 4, 14), date(2025, 4, 21), date(2025, 7, 7)]
    sessions = [SessionFactory(authority=authority, date=d) for d in session_dates]

    def family(child_area, attendances, parent_area=None):
        household = shared.HouseholdFactory(authority=authority)
        child = make_child(date_of_birth=date(2023, 5, 5), area=child_area)
        parent = make_child(date_of_birth=date(1990, 1, 1), area=parent_area or child_area)
        for person in (child, parent):
            HouseholdMembership.objects.create(household=household, person=person)
        for session, person in attendances(child, parent):
            Attendance.objects.create(
                session=session, person=person, owning_service=session.service
            )
        return household

    # Three attendances in the quarter between mother and child: engaged.
    family(deprived, lambda c, p: [(sessions[0], c), (sessions[0], p), (sessions[1], p)])
    # Two in the quarter and one in July: not engaged.
    family(deprived, lambda c, p: [(sessions[0], p), (sessions[1], p), (sessions[3], p)])
    # Three in the quarter, affluent ward: engaged.
    family(affluent, lambda c, p: [(sessions[0], p), (sessions[1], p), (sessions[2], p)])
    cells = run("engaged_families", authority)
    assert by_area(cells, deprived) == (1, 8)
    assert by_area(cells, affluent) == (1, 16)
    assert totals(cells) == (2, 24)


def test_each_supporting_families_need_achieved_at_closure(authority, make_child, eh_team):
    episode(make_child(), eh_team, date(2025, 5, 1), [("housing", "achieved"), ("crime", "partly")])
    episode(make_child(), eh_team, date(2025, 5, 2), [("housing", "not_achieved")])
    episode(make_child(), eh_team, date(2025, 6, 2), [("housing", "achieved")])
    episode(make_child(), eh_team, date(2025, 6, 3), [("health", "achieved")])  # no housing need
    episode(make_child(), eh_team, date(2025, 7, 1), [("housing", "achieved")])  # next quarter
    assert totals(run("need_achieved_housing", authority)) == (2, 3)
    assert totals(run("need_achieved_crime", authority)) == (0, 1)  # partly is not achieved
    assert totals(run("need_achieved_financial", authority)) == (0, 0)
