"""A mandated review past its window is overdue work for the child's named health visitor."""

from __future__ import annotations

import datetime

import pytest

from familyhub.childhealth.models import HealthVisitorAllocation, ReviewDue
from familyhub.referrals.models import Step
from familyhub.referrals.overdue import Scope, overdue_steps

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 16)


def _due(child, hv_service, *, window_end, late_until, **fields):
    return ReviewDue.objects.create(
        person=child,
        authority=child.authority,
        owning_service=hv_service,
        kind="new_birth",
        window_start=window_end - datetime.timedelta(days=4),
        window_end=window_end,
        late_until=late_until,
        **fields,
    )


def test_a_review_past_its_window_is_the_named_health_visitors_overdue_work(
    make_child, hv_service, hv_team, owner
):
    child = make_child()
    HealthVisitorAllocation.objects.create(
        person=child, owning_service=hv_service, practitioner=owner, team=hv_team
    )
    late = _due(
        child,
        hv_service,
        window_end=TODAY - datetime.timedelta(days=2),
        late_until=TODAY + datetime.timedelta(days=30),
    )
    _due(
        child,
        hv_service,
        window_end=TODAY + datetime.timedelta(days=2),
        late_until=TODAY + datetime.timedelta(days=30),
    )  # still open: not overdue
    _due(
        child,
        hv_service,
        window_end=TODAY - datetime.timedelta(days=60),
        late_until=TODAY - datetime.timedelta(days=1),
    )  # missed: the worklist says so
    _due(
        child,
        hv_service,
        window_end=TODAY - datetime.timedelta(days=2),
        late_until=TODAY + datetime.timedelta(days=30),
        status="completed",
        recorded=True,
    )
    steps = [
        s
        for s in overdue_steps(Scope(service_ids=[hv_service.pk], today=TODAY))
        if s.step == Step.REVIEW
    ]
    assert [s.key for s in steps] == [f"review-due:{late.public_id}"]
    assert steps[0].worker_id == owner.pk and steps[0].team_id == hv_team.pk
    assert "New birth" in steps[0].what
