"""A drill-down to people is a read of each person's record in that category (issue 13.3): a
family support worker whose hub works with a family sees the child on their own pages, but the
new birth visit indicator's people list leaves the child out, because the health visiting
review behind it is not shared with the hub."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from familyhub.access import layer
from familyhub.accounts.roles import Role
from familyhub.childhealth import services
from familyhub.childhealth.models import Review, ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.people.models import Person
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def test_the_drill_down_hides_a_child_whose_health_review_the_viewer_may_not_see(
    make_child, owner, hv_team, make_user, authority
):
    child = make_child(date_of_birth=timezone.localdate() - timedelta(days=20), sex="F")
    services.schedule_refresh(child)
    services.allocation_set(person=child, practitioner=owner, team=hv_team, by=owner)
    due = ReviewDue.objects.get(person=child, kind=ReviewKind.NEW_BIRTH)
    services.review_record(
        due=due, by=owner, done_on=timezone.localdate(), place="home", outcome="completed"
    )
    hub = factories.TeamFactory(
        service=factories.ServiceFactory(authority=authority, kind=ServiceKind.FAMILY_HUB)
    )
    factories.RegistrationFactory(person=child, team=hub)
    worker = make_user(Role.FAMILY_SUPPORT_WORKER, team=hub)

    behind = Person.objects.filter(pk=child.pk)  # the people behind the indicator's numerator
    assert child in layer.visible_people(worker)  # the hub works with the family
    shown = layer.people_with_visible_records(worker, behind, record_model=Review)
    assert list(shown) == []
    assert list(layer.people_with_visible_records(owner, behind, record_model=Review)) == [child]
