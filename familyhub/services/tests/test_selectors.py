"""Which council and teams a member of staff is in, and how they appear in a list."""

from __future__ import annotations

import pytest

from familyhub.accounts.roles import Role
from familyhub.services.selectors import staff_label
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def test_two_people_of_one_name_are_told_apart_in_a_list(make_user):
    east = factories.TeamFactory(name="Early help East")
    west = factories.TeamFactory(name="Early help West")
    one = make_user(Role.LEAD_PROFESSIONAL, team=east, first_name="Ben", last_name="Carter")
    two = make_user(Role.FAMILY_SUPPORT_WORKER, team=west, first_name="Ben", last_name="Carter")
    one.job_title = ""
    assert staff_label(one) == "Ben Carter (Lead professional, Early help East)"
    assert staff_label(two).endswith("Early help West)")
    assert staff_label(one) != staff_label(two)
