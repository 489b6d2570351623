from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from familyhub.hubs import services
from familyhub.hubs.models import ActivityType, Attendance, BankHoliday, BookingStatus
from familyhub.hubs.tests.factories import (
    ActivityTypeFactory,
    HubServiceFactory,
    HubSiteFactory,
    SessionFactory,
)
from familyhub.testing.factories import PersonFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def test_default_activity_types_are_seeded():
    names = set(ActivityType.objects.filter(authority=None).values_list("name", flat=True))
    assert {"Stay and play", "Baby massage", "Parenting course", "Youth session"} <= names
    course = ActivityType.objects.get(code="parenting-course")
    assert course.is_course and course.offer == "targeted" and "parenting" in course.outcome_areas


def _series(authority, settings, **kwargs):
    activity = kwargs.pop("activity", None) or ActivityTypeFactory()
    site = HubSiteFactory(authority=authority)
    return services.series_create(
        authority=authority,
        activity=activity,
        site=site,
        service=HubServiceFactory(authority=authority),
        weekday=0,
        start_time=datetime.time(10),
        end_time=datetime.time(11, 30),
        **kwargs,
    )


def test_series_skips_bank_holidays_from_settings_and_the_table(authority, settings):
    settings.FAMILYHUB_BANK_HOLIDAYS = ["2026-04-06"]
    BankHoliday.objects.create(date=D(2026, 5, 4), name="Early May bank holiday")
    series = _series(authority, settings, starts_on=D(2026, 3, 30), ends_on=D(2026, 5, 11))
    dates = list(series.sessions.values_list("date", flat=True))
    assert D(2026, 4, 6) not in dates and D(2026, 5, 4) not in dates
    assert dates == [D(2026, 3, 30), D(2026, 4, 13), D(2026, 4, 20), D(2026, 4, 27), D(2026, 5, 11)]


def test_series_with_no_bank_holidays_configured(authority, settings):
    settings.FAMILYHUB_BANK_HOLIDAYS = []
    series = _series(authority, settings, starts_on=D(2026, 3, 30), ends_on=D(2026, 4, 13))
    assert series.sessions.count() == 3
    # Running it again creates nothing new.
    assert services.series_generate(series=series) == 0


def test_series_with_end_before_start_is_refused(authority, settings):
    with pytest.raises(ValidationError):
        _series(authority, settings, starts_on=D(2026, 4, 1), ends_on=D(2026, 3, 1))


def test_full_session_puts_people_on_the_waiting_list_and_promotes_in_order(authority):
    session = SessionFactory(authority=authority, capacity=2)
    people = [PersonFactory(authority=authority) for _ in range(4)]
    bookings = [services.booking_create(session=session, person=p) for p in people]
    assert [b.status for b in bookings] == ["booked", "booked", "waiting", "waiting"]

    promoted = services.booking_cancel(booking=bookings[0])
    assert [b.person for b in promoted] == [people[2]]
    bookings[3].refresh_from_db()
    assert bookings[3].status == BookingStatus.WAITING

    # More places promote the rest of the queue.
    promoted = services.session_set_capacity(session=session, capacity=5)
    assert [b.person for b in promoted] == [people[3]]


def test_a_person_cannot_be_booked_twice(authority):
    session = SessionFactory(authority=authority)
    person = PersonFactory(authority=authority)
    services.booking_create(session=session, person=person)
    with pytest.raises(ValidationError, match="already booked"):
        services.booking_create(session=session, person=person)


def test_cancelled_booking_can_be_made_again(authority):
    session = SessionFactory(authority=authority)
    person = PersonFactory(authority=authority)
    booking = services.booking_create(session=session, person=person)
    services.booking_cancel(booking=booking)
    assert services.booking_create(session=session, person=person).status == "booked"


def test_course_is_booked_as_a_whole_with_a_waiting_list(authority, settings):
    settings.FAMILYHUB_BANK_HOLIDAYS = []
    start = datetime.date.today() + datetime.timedelta(days=1)
    series = _series(
        authority,
        settings,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=34),
        capacity=1,
        is_course=True,
    )
    weeks = series.sessions.count()
    first, second, third = (PersonFactory(authority=authority) for _ in range(3))
    booked = services.course_book(series=series, person=first)
    assert len(booked) == weeks and {b.status for b in booked} == {"booked"}
    waiting = services.course_book(series=series, person=second)
    assert {b.status for b in waiting} == {"waiting"}
    services.course_book(series=series, person=third)
    with pytest.raises(ValidationError, match="book the whole course"):
        services.booking_create(session=series.sessions.first(), person=third)

    services.booking_cancel(booking=booked[0])
    statuses = dict(
        series.bookings.filter(person=second).values_list("status", "status").distinct()
    )
    assert set(statuses) == {"booked"}
    assert set(series.bookings.filter(person=third).values_list("status", flat=True)) == {"waiting"}


def test_register_save_only_writes_what_changed(authority, make_user):
    session = SessionFactory(authority=authority)
    worker = make_user("reception")
    a, b, c = (PersonFactory(authority=authority) for _ in range(3))
    for person in (a, b):
        services.booking_create(session=session, person=person)
    result = services.register_save(
        session=session, present=[a.pk, b.pk], shown=[a.pk, b.pk], was_present=[], by=worker
    )
    assert result.marked_present == 2
    # Someone else marks c as a walk-in meanwhile; a stale page unticking b does not touch c.
    services.walk_in_add(session=session, person=c, by=worker)
    result = services.register_save(
        session=session, present=[a.pk], shown=[a.pk, b.pk], was_present=[a.pk, b.pk], by=worker
    )
    assert result.marked_absent == 1
    there = Attendance.objects.filter(session=session)
    assert set(there.values_list("person_id", flat=True)) == {a.pk, c.pk}
    walk_in = there.get(person=c)
    assert walk_in.walk_in and walk_in.category == "general"
    assert walk_in.owning_service_id == session.service_id
    assert there.get(person=a).booking is not None


@pytest.mark.parametrize(
    ("low", "high", "label"),
    [
        (0, 59, "Under 5 years"),
        (0, 12, "Up to 12 months"),
        (18, 48, "18 months to 4 years"),
        (132, 228, "11 years to 19 years"),
        (None, None, "All ages"),
        (48, None, "From 4 years"),
    ],
)
def test_activity_ages_read_plainly(low, high, label):
    assert ActivityType(min_age_months=low, max_age_months=high).ages_label == label
