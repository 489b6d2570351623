"""Every journey starts from a link (issue 15, item 8): booking a family from their record and
from a register, a timetable entry leading to its register for the staff who run it, and the
sessions page stepping by day and by week."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from familyhub.hubs import selectors
from familyhub.hubs.tests import test_views
from familyhub.testing.factories import TeamFactory

# The hubs pages' fixture: a session at a hub, its staff, a booked family, an outsider.
world = test_views.world

pytestmark = pytest.mark.django_db


def _book_url(person):
    return reverse("hubs:family-book", args=[person.public_id])


def test_the_person_and_family_pages_offer_booking_to_whoever_runs_sessions(
    client, signed_in, world
):
    signed_in(client, world["owner"])
    person_page = client.get(reverse("people:person", args=[world["booked"].public_id]))
    assert _book_url(world["booked"]) in person_page.content.decode()
    household = world["booked"].household_memberships.get().household
    family_page = client.get(reverse("people:household", args=[household.public_id]))
    assert 'data-testid="household-actions"' in family_page.content.decode()
    assert client.get(_book_url(world["booked"])).status_code == 200


def test_no_booking_link_for_someone_with_no_session_to_book_onto(
    client, signed_in, world, make_user
):
    # A health visitor may see the family (they booked the child before) but runs no session.
    visitor = make_user("health_visitor", team=TeamFactory())
    session = world["session"]
    session.staff.add(visitor)
    signed_in(client, visitor)
    assert (
        _book_url(world["booked"])
        in client.get(reverse("people:person", args=[world["booked"].public_id])).content.decode()
    )
    session.staff.remove(visitor)
    session.date = datetime.date.today() - datetime.timedelta(days=1)
    session.save()
    session.staff.add(visitor)  # still involved, but nothing coming up to book onto
    page = client.get(reverse("people:person", args=[world["booked"].public_id]))
    assert page.status_code == 200
    assert _book_url(world["booked"]).encode() not in page.content


def test_the_register_links_each_person_to_their_record_and_their_family_booking(
    client, signed_in, world
):
    signed_in(client, world["owner"])
    body = client.get(reverse("hubs:register", args=[world["session"].public_id])).content
    body = body.decode()
    assert reverse("people:person", args=[world["booked"].public_id]) in body
    assert _book_url(world["booked"]) in body


def test_a_timetable_entry_links_to_its_register_only_for_those_who_run_it(
    client, signed_in, world
):
    register = reverse("hubs:register", args=[world["session"].public_id])
    week = selectors.week_start(world["session"].date).isoformat()
    signed_in(client, world["owner"])
    assert register in client.get(reverse("hubs:timetable"), {"week": week}).content.decode()
    printed = client.get(reverse("hubs:timetable-print"), {"week": week}).content.decode()
    assert register not in printed  # the printed timetable is handed to a family
    signed_in(client, world["outsider"])
    page = client.get(reverse("hubs:timetable"), {"week": week}).content.decode()
    assert world["session"].activity.name in page and register not in page


def test_the_sessions_page_steps_by_day_and_by_week(client, signed_in, world):
    session = world["session"]
    signed_in(client, world["owner"])
    day = session.date
    body = client.get(reverse("hubs:sessions"), {"day": day.isoformat()}).content.decode()
    assert f"?day={(day + datetime.timedelta(days=7)).isoformat()}" in body
    assert f"?day={(day - datetime.timedelta(days=1)).isoformat()}" in body
    monday = selectors.week_start(day)
    assert f"?week={monday.isoformat()}" in body
    # The week: every day's sessions, stepping a week at a time.
    other_day = monday + datetime.timedelta(days=(day.weekday() + 1) % 7)
    week_page = client.get(reverse("hubs:sessions"), {"week": other_day.isoformat()})
    text = week_page.content.decode()
    assert week_page.status_code == 200
    assert reverse("hubs:register", args=[session.public_id]) in text
    assert f"?week={(monday + datetime.timedelta(days=7)).isoformat()}" in text
    assert f"?week={(monday - datetime.timedelta(days=7)).isoformat()}" in text
