"""Parenting programmes: completion and before-and-after scores, counted by hand; the scores page
for the course's staff (and no one else), its bad input and concurrent saves; the summary."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from familyhub.core import indicators as registry
from familyhub.hubs import programmes, services
from familyhub.hubs.models import Attendance, Booking, BookingStatus, OutcomeScale, ProgrammeMeasure
from familyhub.hubs.tests.factories import ActivityTypeFactory, HubServiceFactory, HubSiteFactory
from familyhub.testing.factories import LocalityFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db
# A course that ended last week: the staff's involvement with its families has not run out.
TODAY = datetime.date.today()
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday(), weeks=6)
PERIOD = registry.period_of(MONDAY + datetime.timedelta(weeks=5), "quarter")


@pytest.fixture
def course(authority, make_user):
    central = LocalityFactory(authority=authority, name="Central")
    east = LocalityFactory(authority=authority, name="East")
    service = HubServiceFactory(authority=authority)
    hub = HubSiteFactory(authority=authority, locality=central, name="Grays Hub")
    team = TeamFactory(service=service, locality=central, base=hub)
    other_team = TeamFactory(service=service, locality=east)
    runner = make_user("family_support_worker", team=team, username="runner")
    outsider = make_user("family_support_worker", team=other_team, username="outsider")
    activity = ActivityTypeFactory(
        code="parenting",
        name="Parenting course",
        is_course=True,
        for_adults=True,
        outcome_areas=["parenting"],
        min_age_months=None,
        max_age_months=None,
    )
    series = services.series_create(
        authority=authority,
        activity=activity,
        site=hub,
        service=service,
        weekday=MONDAY.weekday(),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
        starts_on=MONDAY,
        ends_on=MONDAY + datetime.timedelta(weeks=5),
        staff=[runner],
    )
    sessions = list(series.sessions.order_by("date"))
    assert len(sessions) == 6
    parents = [
        PersonFactory(authority=authority, given_name=n, family_name="Parent")
        for n in ("Ann", "Bea", "Cat")
    ]
    came = {"Ann": 6, "Bea": 4, "Cat": 3}  # 4 of 6 is two thirds: completed; 3 of 6 is not
    for parent in parents:
        for number, session in enumerate(sessions):
            booking = Booking.objects.create(
                authority=authority,
                session=session,
                person=parent,
                course=series,
                status=BookingStatus.BOOKED,
                requested_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
            )
            if number < came[parent.given_name]:
                Attendance.objects.create(
                    session=session,
                    person=parent,
                    booking=booking,
                    owning_service=service,
                    category="general",
                )
    return {
        "series": series,
        "parents": parents,
        "runner": runner,
        "outsider": outsider,
        "authority": authority,
        "service": service,
    }


def test_completion_counts_two_thirds_of_the_sessions_held(course):
    cells = registry.get("parenting_course_completion").compute(
        course["authority"].pk, PERIOD.start, PERIOD.end
    )
    assert sum(c["numerator"] for c in cells) == 2
    assert sum(c["denominator"] for c in cells) == 3
    assert {c["service_id"] for c in cells} == {course["service"].pk}


def test_scores_improve_by_the_scales_meaningful_change(course):
    wemwbs = OutcomeScale.objects.get(short_name="WEMWBS")  # 3 points, higher is better
    sdq = OutcomeScale.objects.get(short_name="SDQ")  # lower is better, any change counts
    ann, bea, cat = course["parents"]
    services.programme_scores_save(
        series=course["series"],
        scale=wemwbs,
        versions={},
        by=course["runner"],
        scores={ann.pk: (40, 44), bea.pk: (40, 42), cat.pk: (50, None)},
    )
    services.programme_scores_save(
        series=course["series"],
        scale=sdq,
        versions={},
        by=course["runner"],
        scores={ann.pk: (20, 19), bea.pk: (20, 21)},
    )
    cells = registry.get("parenting_scores_improved").compute(
        course["authority"].pk, PERIOD.start, PERIOD.end
    )
    # Ann +4 on WEMWBS (improved), Bea +2 (not enough), Cat has no after score;
    # Ann down 1 on SDQ (improved), Bea up 1 (worse).
    assert (sum(c["numerator"] for c in cells), sum(c["denominator"] for c in cells)) == (2, 4)
    [row] = programmes.programme_summary(course["authority"].pk, PERIOD.start, PERIOD.end)
    assert (row.courses, row.parents, row.completed) == (1, 3, 2)
    scales = {s["scale"]: s for s in row.scales}
    assert scales["WEMWBS"]["scored"] == 2 and scales["WEMWBS"]["mean_change"] == 3.0
    assert scales["SDQ"]["mean_change"] == 0.0  # +1 better and -1 worse


def test_a_score_out_of_range_saves_nothing_and_a_stale_save_is_refused(course):
    wemwbs = OutcomeScale.objects.get(short_name="WEMWBS")
    ann, bea, _cat = course["parents"]
    with pytest.raises(ValidationError) as error:
        services.programme_scores_save(
            series=course["series"],
            scale=wemwbs,
            versions={},
            by=course["runner"],
            scores={ann.pk: (40, 44), bea.pk: (99, None)},
        )
    assert f"score_{bea.pk}" in error.value.message_dict
    assert not ProgrammeMeasure.objects.exists()
    services.programme_scores_save(
        series=course["series"],
        scale=wemwbs,
        versions={},
        by=course["runner"],
        scores={ann.pk: (40, 44)},
    )
    services.programme_scores_save(
        series=course["series"],
        scale=wemwbs,
        versions={ann.pk: 1},
        by=course["runner"],
        scores={ann.pk: (40, 45)},
    )
    with pytest.raises(ValidationError, match="Someone else changed these scores"):
        services.programme_scores_save(
            series=course["series"],
            scale=wemwbs,
            versions={ann.pk: 1},
            by=course["runner"],
            scores={ann.pk: (40, 46)},
        )
    assert ProgrammeMeasure.objects.get(person=ann).after == 45


def test_the_scores_page_is_for_the_courses_staff(course, client, signed_in):
    url = reverse("hubs:course-outcomes", args=[course["series"].public_id])
    outsider = signed_in(client, course["outsider"])
    assert outsider.get(url).status_code == 404
    runner = signed_in(client, course["runner"])
    page = runner.get(url).content.decode()
    assert "Ann Parent" in page and "4 of 6" in page and "Completed" in page
    ann = course["parents"][0]
    bad = runner.post(url, {f"before_{ann.public_id}": "forty"})
    assert "Enter Ann Parent&#x27;s scores as whole numbers" in bad.content.decode()
    assert not ProgrammeMeasure.objects.exists()
    scale = OutcomeScale.objects.get(short_name="WEMWBS")
    saved = runner.post(
        f"{url}?scale={scale.pk}", {f"before_{ann.public_id}": "40", f"after_{ann.public_id}": "47"}
    )
    assert saved.status_code == 302
    assert ProgrammeMeasure.objects.get(person=ann, scale=scale).after == 47


def test_the_summary_page_shows_counts_to_managers(course, make_user, client, signed_in):
    manager = signed_in(client, make_user("service_manager"))
    page = manager.get(reverse("hubs:programmes"))
    assert page.status_code == 200 and "Parenting course" in page.content.decode()
    reception = signed_in(client, make_user("reception", username="rec"))
    assert reception.get(reverse("hubs:programmes")).status_code == 403
