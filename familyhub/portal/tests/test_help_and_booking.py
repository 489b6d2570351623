from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from familyhub.hubs import services as hubs_services
from familyhub.hubs.models import Booking, BookingStatus
from familyhub.portal import reminders
from familyhub.portal.models import ReminderSent
from familyhub.referrals import services as referral_services
from familyhub.referrals.models import Outcome, Referral, ReferrerKind

pytestmark = pytest.mark.django_db


def test_asking_for_help_is_a_self_referral_to_the_front_door(client, door, linked):
    page = client.get(reverse("portal:help-new")).content.decode()
    assert "Tom Walker" in page
    bad = client.post(reverse("portal:help-new"), {"person": str(door.child.public_id)})
    assert "Tell us what help you would like" in bad.content.decode()
    assert not Referral.objects.exists()
    response = client.post(
        reverse("portal:help-new"),
        {
            "person": str(door.child.public_id),
            "about": ["health"],
            "what_help": "Tom will not sleep and I am tired.",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.owning_service == door.front_door
    assert referral.referrer_kind == ReferrerKind.FAMILY and referral.recorded_by == linked
    assert referral.decision_due_at is not None  # the same deadline as any referral
    listing = client.get(reverse("portal:help")).content.decode()
    assert "We have your request" in listing and "Waiting for a decision" not in listing


def test_the_family_reads_what_happened_in_plain_words(client, door, linked):
    client.post(
        reverse("portal:help-new"),
        {"person": str(door.child.public_id), "about": ["financial"], "what_help": "Money."},
    )
    referral = Referral.objects.get()
    referral_services.referral_decide(
        referral=referral,
        by=door.triage,
        version=referral.version,
        outcome=Outcome.SIGNPOST,
        level=referral_services.continuum_levels(door.authority).first(),
        reason="Signposted to the money advice drop-in at the hub.",
    )
    listing = client.get(reverse("portal:help")).content.decode()
    assert "We have found services that can help" in listing
    assert "signposting" not in listing.lower()


def test_someone_not_in_the_family_cannot_be_chosen(client, door, linked):
    from familyhub.testing import factories

    stranger = factories.PersonFactory(authority=door.authority)
    response = client.post(
        reverse("portal:help-new"),
        {"person": str(stranger.public_id), "about": ["health"], "what_help": "x"},
    )
    assert response.status_code == 200 and not Referral.objects.exists()


def test_book_and_cancel_within_capacity_and_a_waiting_list(client, door, linked):
    sessions = client.get(reverse("portal:sessions")).content.decode()
    assert "Stay and play" in sessions and "Baby massage" in sessions
    url = reverse("portal:session-book", args=[door.full_session.public_id])
    assert "Choose who is coming" in client.post(url, {}).content.decode()
    client.post(url, {"person": str(door.child.public_id)})
    client.post(url, {"person": str(door.parent.public_id)})
    tom = Booking.objects.get(person=door.child, session=door.full_session)
    jane = Booking.objects.get(person=door.parent, session=door.full_session)
    assert tom.status == BookingStatus.BOOKED and jane.status == BookingStatus.WAITING
    again = client.post(url, {"person": str(door.child.public_id)}).content.decode()
    assert "already booked" in again
    bookings = client.get(reverse("portal:bookings")).content.decode()
    assert "On the waiting list" in bookings and "Booked" in bookings
    response = client.post(reverse("portal:booking-cancel", args=[tom.public_id]))
    assert response.status_code == 302
    jane.refresh_from_db()
    assert jane.status == BookingStatus.BOOKED  # the freed place went to the waiting list
    mail.outbox.clear()
    assert reminders.send_places_offered() == 1
    assert "A place has come up" in mail.outbox[-1].subject
    assert reminders.send_places_offered() == 0  # said once


def test_reminders_the_day_before_go_once(client, door, linked):
    client.post(
        reverse("portal:session-book", args=[door.session.public_id]),
        {"person": str(door.child.public_id)},
    )
    mail.outbox.clear()
    assert reminders.send_reminders() == 1
    assert "Stay and play" in mail.outbox[-1].body and mail.outbox[-1].to == ["jane@example.org"]
    assert reminders.send_reminders() == 0
    assert ReminderSent.objects.count() == 1


def test_the_reminder_task_is_a_real_task(door, linked, client):
    from familyhub.portal.tasks import send_booking_messages

    client.post(
        reverse("portal:session-book", args=[door.session.public_id]),
        {"person": str(door.child.public_id)},
    )
    result = send_booking_messages.enqueue()
    assert result.id


def test_a_walk_in_recorded_at_the_hub_shows_on_the_family_side(client, door, linked):
    past = door.session
    hubs_services.walk_in_add(session=past, person=door.child, by=door.reception)
    page = client.get(reverse("portal:bookings")).content.decode()
    attended = page[page.index('data-testid="family-attended"') :]
    assert "Tom Walker" in attended and "Stay and play" in attended
    assert "without booking" in attended


def test_a_session_elsewhere_cannot_be_booked(client, door, linked):
    from familyhub.hubs.tests.factories import SessionFactory
    from familyhub.testing import factories

    other_locality = factories.LocalityFactory(authority=door.authority, name="East")
    elsewhere = SessionFactory(
        authority=door.authority,
        site=factories.SiteFactory(authority=door.authority, locality=other_locality),
        service=door.hub_service,
        date=timezone.localdate() + datetime.timedelta(days=2),
    )
    response = client.get(reverse("portal:session-book", args=[elsewhere.public_id]))
    assert response.status_code == 404
