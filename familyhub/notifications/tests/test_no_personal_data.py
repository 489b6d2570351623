"""Emails carry no personal data: a family with unmistakable details is referred, allocated,
broken-glass on and reviewed with an alert; every email those notifications send (one each, the
daily digest, and the information governance lead's break-glass email) is searched, body and
headers, for the family's names, NHS numbers, dates of birth and postcode."""

from __future__ import annotations

import datetime
from email import message_from_string
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.utils import timezone

from familyhub.access.services import break_glass_start
from familyhub.accounts.roles import Role
from familyhub.casework.tests.test_services import allocate
from familyhub.childhealth import services as childhealth
from familyhub.childhealth.models import ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.childhealth.tests.factories import HealthVisitingServiceFactory
from familyhub.notifications import emails, services
from familyhub.notifications.models import Notification, NotificationKind
from familyhub.notifications.tests.conftest import run_queued_emails
from familyhub.people.identifiers import nhs_check_digit
from familyhub.referrals.tests.factories import allocated_episode, build_world
from familyhub.testing import factories

pytestmark = pytest.mark.django_db

POSTCODE = "RM16 9QX"


def nhs(first_nine: str) -> str:
    return first_nine + str(nhs_check_digit(first_nine))


def date_forms(day: datetime.date) -> list[str]:
    return [
        day.isoformat(),
        f"{day.day} {day:%B %Y}",
        f"{day.day} {day:%b %Y}",
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%d%m%Y}",
    ]


def details_of(person) -> list[str]:
    number = person.nhs_number
    return [
        person.given_name,
        person.family_name,
        number,
        f"{number[:3]} {number[3:6]} {number[6:]}",
        *date_forms(person.date_of_birth),
        person.postcode,
        person.postcode.replace(" ", ""),
    ]


def whole_email(message) -> str:
    """Every header (decoded) and the body, as the mail server would get them."""
    raw = message.message().as_string()
    parsed = message_from_string(raw)
    headers = "\n".join(f"{k}: {make_header(decode_header(v))}" for k, v in parsed.items())
    return headers + "\n" + message.body + "\n" + raw


def test_no_email_holds_a_persons_details(settings, django_capture_on_commit_callbacks):
    settings.FAMILYHUB_BASE_URL = "https://familyhub.example.gov.uk"
    world = build_world()
    today = timezone.localdate()
    common = {"authority": world.authority, "postcode": POSTCODE, "sex": "F"}
    # A mother and her baby, with details found nowhere else in the world.
    mother = factories.PersonFactory(
        given_name="Ottoline",
        family_name="Quarrendon",
        date_of_birth=datetime.date(1991, 4, 23),
        nhs_number=nhs("943476591"),
        area=world.child.area,
        **common,
    )
    baby = factories.PersonFactory(
        given_name="Wrenna",
        family_name="Quarrendon",
        date_of_birth=today - datetime.timedelta(weeks=7),
        nhs_number=nhs("401023213"),
        area=world.child.area,
        **common,
    )
    # Everyone's email: the IG lead's, the leads', the health visitors', a daily digest's.
    factories.UserFactory(role=Role.IG_LEAD, username="ig", email="ig@example.org")
    hv_service = HealthVisitingServiceFactory(authority=world.authority)
    hv_team = factories.TeamFactory(
        name="Health visiting Central", service=hv_service, locality=world.central.locality
    )
    hv = factories.UserFactory(role=Role.HEALTH_VISITOR, username="hv", email="hv@example.org")
    named = factories.UserFactory(
        role=Role.HEALTH_VISITOR, username="named", email="named@example.org"
    )
    for user in (hv, named):
        factories.TeamMembershipFactory(user=user, team=hv_team)
    for user in (world.lead, world.team_leader, world.colleague, world.triage):
        user.email = f"{user.username}@example.org"
        user.save()
    services.set_preference(named, email="daily")  # the review alert comes in the digest

    with django_capture_on_commit_callbacks(execute=True):
        # Referred to early help and allocated to a lead professional (the referrals part's
        # notifications), broken glass on by an outsider (the lead is told, and the IG lead).
        episode = allocate(world, allocated_episode(world, person=mother))
        break_glass_start(
            user=world.outsider,
            person=mother,
            ground="emergency",
            reason="Police called about Ottoline Quarrendon at RM16 9QX tonight.",
        )
        # The baby's review by a colleague raises alerts: her named health visitor is told.
        childhealth.schedule_refresh(baby)
        childhealth.allocation_set(person=baby, practitioner=named, team=hv_team, by=hv)
        due = ReviewDue.objects.get(person=baby, kind=ReviewKind.SIX_EIGHT_WEEK)
        childhealth.review_record(
            due=due,
            by=hv,
            done_on=today,
            place="home",
            outcome="completed",
            epds_total=22,
            epds_self_harm=2,
            safeguarding_concern=True,
            notes="Ottoline Quarrendon was tearful; Wrenna feeding well.",
        )
    assert episode.lead_professional == world.lead
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {NotificationKind.BREAK_GLASS, NotificationKind.REVIEW_ALERT} <= kinds
    run_queued_emails()
    emails.send_digests()

    sent = list(mail.outbox)
    recipients = {address for message in sent for address in message.to}
    assert {"ig@example.org", "lead@example.org", "named@example.org"} <= recipients
    assert [m.subject for m in sent if m.to == ["named@example.org"]] == [emails.digest_subject()]
    links = "\n".join(message.body for message in sent)
    assert f"/people/{mother.public_id}/" in links  # the break-glass: a link to the record
    assert f"/child-health/people/{baby.public_id}/" in links  # the review alert
    forbidden = details_of(mother) + details_of(baby)
    for message in sent:
        text = whole_email(message).lower()
        found = [detail for detail in forbidden if detail.lower() in text]
        assert not found, f"an email to {message.to} holds {found}:\n{message.body}"
    # Nor does any notification itself (what the page and the emails show).
    for notification in Notification.objects.all():
        shown = f"{notification.subject} {notification.url}".lower()
        assert not [detail for detail in forbidden if detail.lower() in shown]
