"""Pages: owner (staff on the session), colleague (same locality's hub team), outsider (another
locality's team) for every protected page; roles for the reports; the printed timetable."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from familyhub.hubs import services
from familyhub.hubs.models import Attendance, BookingStatus
from familyhub.hubs.tests.factories import HubServiceFactory, HubSiteFactory, SessionFactory
from familyhub.testing.factories import (
    HouseholdFactory,
    HouseholdMembershipFactory,
    LocalityFactory,
    PersonFactory,
    SiteFactory,
    TeamFactory,
)
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(authority, make_user):
    central = LocalityFactory(authority=authority, name="Central")
    east = LocalityFactory(authority=authority, name="East")
    service = HubServiceFactory(authority=authority)
    hub = HubSiteFactory(authority=authority, locality=central, name="Grays Hub")
    east_hub = HubSiteFactory(authority=authority, locality=east, name="Tilbury Hub")
    central_team = TeamFactory(service=service, locality=central, base=hub)
    east_team = TeamFactory(service=service, locality=east, base=east_hub)
    owner = make_user("reception", team=central_team, username="owner")
    colleague = make_user("family_support_worker", team=central_team, username="colleague")
    outsider = make_user("reception", team=east_team, username="outsider")
    session = SessionFactory(authority=authority, site=hub, service=service, capacity=2)
    session.staff.add(owner)
    household = HouseholdFactory(authority=authority, card_number="FH00001234")
    booked = PersonFactory(authority=authority, given_name="Amara", family_name="Okafor")
    HouseholdMembershipFactory(household=household, person=booked)
    sibling = PersonFactory(authority=authority, given_name="Tobi", family_name="Okafor")
    HouseholdMembershipFactory(household=household, person=sibling)
    stranger = PersonFactory(authority=authority, given_name="Zed", family_name="Quill")
    services.booking_create(session=session, person=booked)
    return {
        "session": session,
        "owner": owner,
        "colleague": colleague,
        "outsider": outsider,
        "booked": booked,
        "sibling": sibling,
        "stranger": stranger,
        "hub": hub,
        "central": central,
        "authority": authority,
        "service": service,
    }


def _url(world, name="hubs:register"):
    return reverse(name, args=[world["session"].public_id])


@pytest.mark.parametrize("who", ["owner", "colleague"])
def test_owner_and_colleague_see_the_register(client, signed_in, world, who):
    signed_in(client, world[who])
    response = client.get(_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amara Okafor" in body and "FH00001234" in body
    assert "Zed Quill" not in body


def test_outsider_gets_404_on_the_register(client, signed_in, world):
    signed_in(client, world["outsider"])
    assert client.get(_url(world)).status_code == 404
    assert (
        client.post(_url(world), {"present": [str(world["booked"].public_id)]}).status_code == 404
    )
    assert not Attendance.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(_url(world))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_health_visitor_not_on_the_session_gets_404(client, signed_in, world, make_user):
    nurse = make_user("health_visitor")
    signed_in(client, nurse)
    assert client.get(_url(world)).status_code == 404


def test_register_saves_ticks_in_one_post(client, signed_in, world):
    signed_in(client, world["owner"])
    booked = str(world["booked"].public_id)
    response = client.post(_url(world), {"shown": [booked], "present": [booked]})
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.person == world["booked"] and not attendance.walk_in
    assert attendance.recorded_by == world["owner"]
    # Unticking a person the page showed as here removes the mark.
    client.post(_url(world), {"shown": [booked], "was_present": [booked]})
    assert not Attendance.objects.exists()


def test_register_post_ignores_people_outside_the_register(client, signed_in, world):
    signed_in(client, world["owner"])
    stranger = str(world["stranger"].public_id)
    client.post(_url(world), {"shown": [stranger], "present": [stranger]})
    assert not Attendance.objects.exists()


def test_search_by_card_number_finds_the_family_the_viewer_may_see(client, signed_in, world):
    signed_in(client, world["owner"])
    body = client.get(_url(world), {"q": "FH00001234"}).content.decode()
    # The booked child's household is visible through the booking (the access layer adds
    # household members of involved people).
    assert "Amara Okafor" in body


def test_card_number_grants_nothing(client, signed_in, world, authority):
    household = HouseholdFactory(authority=authority, card_number="FH00009999")
    HouseholdMembershipFactory(household=household, person=world["stranger"])
    signed_in(client, world["owner"])
    body = client.get(_url(world), {"q": "FH00009999"}).content.decode()
    assert "Zed Quill" not in body
    assert 'data-testid="no-results"' in body


def test_walk_in_of_someone_not_visible_is_refused(client, signed_in, world):
    signed_in(client, world["owner"])
    response = client.post(
        _url(world, "hubs:walk-in"), {"person": str(world["stranger"].public_id)}
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_walk_in_of_a_household_member(client, signed_in, world):
    signed_in(client, world["owner"])
    response = client.post(_url(world, "hubs:walk-in"), {"person": str(world["sibling"].public_id)})
    assert response.status_code == 302
    assert Attendance.objects.get().walk_in


def test_booking_when_full_goes_to_the_waiting_list(client, signed_in, world, authority):
    signed_in(client, world["owner"])
    client.post(_url(world, "hubs:book"), {"person": str(world["sibling"].public_id)})
    extra = PersonFactory(authority=authority)
    HouseholdMembershipFactory(
        household=world["booked"].household_memberships.get().household, person=extra
    )
    client.post(_url(world, "hubs:book"), {"person": str(extra.public_id)})
    statuses = dict(world["session"].bookings.values_list("person_id", "status"))
    assert statuses[world["sibling"].pk] == BookingStatus.BOOKED
    assert statuses[extra.pk] == BookingStatus.WAITING
    # Cancelling asks first: the page, and a POST without the confirmation, change nothing.
    booking = world["session"].bookings.get(person=world["booked"])
    url = reverse("hubs:booking-cancel", args=[booking.public_id])
    asked = client.get(url)
    assert asked.status_code == 200 and "Yes, cancel the booking" in asked.content.decode()
    assert client.post(url).status_code == 200
    assert world["session"].bookings.get(person=extra).status == BookingStatus.WAITING
    # Cancelling a place moves the waiting list up.
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert world["session"].bookings.get(person=extra).status == BookingStatus.BOOKED


def test_outsider_cannot_book_or_cancel(client, signed_in, world):
    signed_in(client, world["outsider"])
    response = client.post(_url(world, "hubs:book"), {"person": str(world["sibling"].public_id)})
    assert response.status_code == 404
    booking = world["session"].bookings.get()
    response = client.post(
        reverse("hubs:booking-cancel", args=[booking.public_id]), {"confirm": "yes"}
    )
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_sessions_list_shows_only_the_users_sessions(client, signed_in, world):
    signed_in(client, world["owner"])
    body = client.get(reverse("hubs:sessions")).content.decode()
    assert world["session"].activity.name in body
    signed_in(client, world["outsider"])
    body = client.get(reverse("hubs:sessions")).content.decode()
    assert world["session"].activity.name not in body


def test_timetable_and_printable_timetable(client, signed_in, world, authority):
    library = SiteFactory(
        authority=authority, locality=world["central"], name="Grays Library", kind="library"
    )
    monday = world["session"].date - datetime.timedelta(days=world["session"].date.weekday())
    SessionFactory(
        authority=authority,
        site=library,
        service=world["service"],
        date=monday + datetime.timedelta(days=2),
    )
    signed_in(client, world["outsider"])  # the timetable is public information
    page = client.get(reverse("hubs:timetable"), {"week": monday.isoformat()})
    assert page.status_code == 200
    assert "Grays Hub" in page.content.decode() and "Grays Library" in page.content.decode()
    printed = client.get(reverse("hubs:timetable-print"), {"week": monday.isoformat()})
    body = printed.content.decode()
    assert printed.status_code == 200
    assert 'data-testid="print-timetable"' in body
    # A table by weekday (rows) x site (columns), with the screen-only controls marked.
    table = body[body.index('data-testid="print-timetable"') :]
    assert table.index("Grays Hub") < table.index("Monday") < table.index("Wednesday")
    assert table.index("Grays Library") < table.index("Monday")
    assert "fh-no-print" in body
    assert "Amara" not in body


def test_timetable_with_a_bad_week_says_so(client, signed_in, world):
    signed_in(client, world["owner"])
    response = client.get(reverse("hubs:timetable"), {"week": "not-a-date"})
    assert response.status_code == 200
    assert "The week must be a real date" in response.content.decode()
    response = client.get(
        reverse("hubs:timetable"), {"week_day": "12", "week_month": "", "week_year": "2026"}
    )
    assert "The week must include a month" in response.content.decode()


@pytest.mark.parametrize("name", ["hubs:reach", "hubs:capacity"])
def test_reports_for_managers_not_for_other_practitioners(
    client, signed_in, world, make_user, name
):
    signed_in(client, make_user("commissioner"))
    assert client.get(reverse(name)).status_code == 200
    signed_in(client, make_user("health_visitor"))
    assert client.get(reverse(name)).status_code == 403


def test_capacity_page_draws_a_chart_and_a_table(client, signed_in, world, make_user):
    services.register_save(
        session=world["session"], present=[], shown=[], was_present=[], by=world["owner"]
    )
    signed_in(client, make_user("service_manager"))
    body = client.get(reverse("hubs:capacity")).content.decode()
    assert "<svg" in body and "Grays Hub" in body and "50%" in body  # 1 booked of 2 places
    response = client.get(
        reverse("hubs:capacity"),
        {**date_fields("start", "2026-02-01"), **date_fields("end", "2026-01-01")},
    )
    assert "The end date must be on or after the start date" in response.content.decode()


def test_team_leader_sets_up_a_weekly_session_skipping_bank_holidays(
    client, signed_in, world, make_user, settings
):
    from familyhub.hubs.models import ActivityType, Session

    settings.FAMILYHUB_BANK_HOLIDAYS = ["2026-12-28"]
    leader = make_user("team_leader", team=world["owner"].memberships.get().team)
    signed_in(client, leader)
    activity = ActivityType.objects.get(code="stay-and-play")
    response = client.post(
        reverse("hubs:session-new"),
        {
            "activity": activity.pk,
            "site": world["hub"].pk,
            **date_fields("first_date", "2026-12-14"),
            **date_fields("until", "2027-01-04"),
            "start_time": "10:00",
            "end_time": "11:30",
            "staff": [world["owner"].pk],
        },
    )
    assert response.status_code == 302
    dates = list(
        Session.objects.filter(activity=activity).values_list("date", flat=True).order_by("date")
    )
    assert [d.isoformat() for d in dates] == ["2026-12-14", "2026-12-21", "2027-01-04"]
    assert Session.objects.filter(activity=activity, staff=world["owner"]).count() == 3


def test_setting_up_a_session_with_bad_times_names_the_field(client, signed_in, world, make_user):
    signed_in(client, make_user("team_leader"))
    from familyhub.hubs.models import ActivityType

    response = client.post(
        reverse("hubs:session-new"),
        {
            "activity": ActivityType.objects.first().pk,
            "site": world["hub"].pk,
            **date_fields("first_date", "2026-12-14"),
            "start_time": "11:00",
            "end_time": "10:00",
        },
    )
    assert response.status_code == 200
    assert "The end time must be after the start time" in response.content.decode()


def test_reception_cannot_set_up_sessions(client, signed_in, world):
    signed_in(client, world["owner"])
    assert client.get(reverse("hubs:session-new")).status_code == 403


def test_attendance_is_on_the_family_timeline(world):
    from familyhub.access.timeline import family_timeline

    services.walk_in_add(session=world["session"], person=world["booked"], by=world["owner"])
    timeline = family_timeline(world["owner"], [world["booked"].pk])
    summaries = [item.summary for item in timeline.items]
    assert any(world["session"].activity.name in s and "Grays Hub" in s for s in summaries)


def test_colleague_books_and_cancels(client, signed_in, world):
    signed_in(client, world["colleague"])
    response = client.post(_url(world, "hubs:book"), {"person": str(world["sibling"].public_id)})
    assert response.status_code == 302
    booking = world["session"].bookings.get(person=world["sibling"])
    assert booking.status == BookingStatus.BOOKED and booking.booked_by == world["colleague"]
    client.post(reverse("hubs:booking-cancel", args=[booking.public_id]), {"confirm": "yes"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_health_visitor_staffing_a_clinic_takes_its_register(client, signed_in, world, make_user):
    nurse = make_user("health_visitor")
    world["session"].staff.add(nurse)
    signed_in(client, nurse)
    assert client.get(reverse("hubs:sessions")).status_code == 200
    assert client.get(_url(world)).status_code == 200


def test_timetable_command_writes_html(world, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "timetable.html"
    call_command(
        "hubs_timetable",
        "--html",
        str(out),
        "--locality",
        "central",
        "--week",
        world["session"].date.isoformat(),
    )
    html = out.read_text()
    assert "@page { size: A4 landscape" in html and "Grays Hub" in html
    assert world["session"].activity.name in html and "Amara" not in html


@pytest.mark.browser
def test_timetable_command_prints_a_pdf_with_chromium(world, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "timetable.pdf"
    call_command("hubs_timetable", "--pdf", str(out), "--week", world["session"].date.isoformat())
    assert out.read_bytes().startswith(b"%PDF")


def test_timetable_command_names_a_bad_locality(world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--locality"):
        call_command("hubs_timetable", "--html", "/dev/null", "--locality", "Atlantis")


def test_family_booking_books_chosen_members_onto_a_session(client, signed_in, world):
    signed_in(client, world["colleague"])
    url = reverse("hubs:family-book", args=[world["booked"].public_id])
    page = client.get(url)
    assert page.status_code == 200 and "Tobi Okafor" in page.content.decode()
    response = client.post(
        url,
        {"people": [str(world["sibling"].public_id)], "session": str(world["session"].public_id)},
    )
    assert response.status_code == 302
    assert world["session"].bookings.filter(person=world["sibling"], status="booked").exists()


def test_family_booking_without_a_choice_says_what_is_missing(client, signed_in, world):
    signed_in(client, world["owner"])
    url = reverse("hubs:family-book", args=[world["booked"].public_id])
    body = client.post(url, {"session": str(world["session"].public_id)}).content.decode()
    assert "Select who to book" in body
    assert 'id="people-error"' in body  # beside the question too, not only in the summary
    sibling = str(world["sibling"].public_id)
    body = client.post(url, {"people": [sibling]}).content.decode()
    assert 'id="session-error"' in body and "govuk-select--error" in body
    assert f'value="{sibling}" checked' in body  # the ticks are kept


def test_outsider_gets_404_on_family_booking(client, signed_in, world):
    signed_in(client, world["outsider"])
    url = reverse("hubs:family-book", args=[world["booked"].public_id])
    assert client.get(url).status_code == 404


def test_capacity_with_a_bad_date_shows_the_error_not_empty_tables(client, signed_in, make_user):
    signed_in(client, make_user("service_manager"))
    body = client.get(reverse("hubs:capacity"), {"start": "2026-13-01"}).content.decode()
    assert "govuk-error-summary" in body
    assert "No sessions in this period" not in body


def test_reach_downloads_as_csv(client, signed_in, world, make_user):
    signed_in(client, make_user("commissioner"))
    page = client.get(reverse("hubs:reach")).content.decode()
    assert "format=csv" in page and "familyhub hubs-reach" not in page
    response = client.get(reverse("hubs:reach"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert "Grays Hub" in "\n".join(lines[1:])
    assert response.content.startswith(b"\xef\xbb\xbf")


def test_reach_csv_keeps_a_formula_as_text(client, signed_in, world, make_user):
    from familyhub.places.models import Site

    Site.objects.filter(name="Grays Hub").update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    signed_in(client, make_user("commissioner"))
    response = client.get(reverse("hubs:reach"), {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert "'@SUM(1+1)*cmd" in text and "\n@SUM" not in text
    out = io.StringIO()
    call_command("hubs_reach", "--csv", stdout=out)
    assert "'@SUM(1+1)*cmd" in out.getvalue() and not out.getvalue().startswith("\ufeff")


def test_session_setup_tells_staff_with_the_same_name_apart(client, signed_in, world, make_user):
    from familyhub.testing.factories import TeamFactory

    east = TeamFactory(service=world["service"], name="Hub team East")
    for team in (world["owner"].memberships.get().team, east):
        make_user("family_support_worker", team=team, first_name="Aisha", last_name="Khan")
    signed_in(client, make_user("team_leader", team=world["owner"].memberships.get().team))
    body = client.get(reverse("hubs:session-new")).content.decode()
    assert "Hub team East" in body
    missing = client.post(reverse("hubs:session-new"), {"activity": ""}).content.decode()
    assert "Choose the activity" in missing
    assert "This field is required" not in missing
