"""Deadlines for every step, the overdue lists and escalation by rule."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.notifications.models import Notification, NotificationKind
from familyhub.referrals import deadlines, services
from familyhub.referrals.escalation import escalate_overdue
from familyhub.referrals.models import DeadlineRule, Referral, Step
from familyhub.referrals.overdue import Scope, overdue_steps
from familyhub.referrals.tests.factories import allocated_episode, refer_to_hub
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def accepted_long_ago(world, partners, *, working_days_ago: int):
    """A referral the hub accepted `working_days_ago` working days before the first contact was
    due... counted back from today so the first contact is that many working days late."""
    referral = refer_to_hub(world, partners)
    services.inbox_decide(
        referral=referral,
        by=partners.hub_leader,
        version=referral.version,
        decision="accepted",
        worker=partners.hub_worker,
    )
    today = timezone.localdate()
    day = today
    for _ in range(working_days_ago):
        day -= datetime.timedelta(days=1)
        while not deadlines.is_working_day(day):
            day -= datetime.timedelta(days=1)
    due = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=deadlines.LONDON)
    Referral.objects.filter(pk=referral.pk).update(first_contact_due_at=due)
    return referral


def test_the_most_specific_rule_wins(world, partners):
    assert deadlines.rule_for(Step.FIRST_CONTACT, service=partners.hub).working_days == 5
    DeadlineRule.objects.create(step=Step.FIRST_CONTACT, service_kind="family_hub", working_days=8)
    assert deadlines.rule_for(Step.FIRST_CONTACT, service=partners.hub).working_days == 8
    DeadlineRule.objects.create(step=Step.FIRST_CONTACT, service=partners.hub, working_days=3)
    assert deadlines.rule_for(Step.FIRST_CONTACT, service=partners.hub).working_days == 3
    # Another service of another kind keeps the default.
    assert (
        deadlines.rule_for(Step.FIRST_CONTACT, service=partners.health_visiting).working_days == 5
    )


def test_acceptance_counts_working_days_for_the_first_contact(world, partners):
    DeadlineRule.objects.create(step=Step.FIRST_CONTACT, service=partners.hub, working_days=2)
    referral = refer_to_hub(world, partners)
    friday = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=deadlines.LONDON)
    services.inbox_decide(
        referral=referral,
        by=partners.hub_leader,
        version=referral.version,
        decision="accepted",
        now=friday,
    )
    referral.refresh_from_db()
    # Friday + 2 working days = Tuesday, end of the day in London.
    assert referral.first_contact_due_at.astimezone(deadlines.LONDON).date() == datetime.date(
        2026, 12, 8
    )


def test_an_overdue_first_contact_is_on_the_workers_and_the_team_leaders_lists(
    client, signed_in, world, partners
):
    referral = accepted_long_ago(world, partners, working_days_ago=1)
    worker = signed_in(client, partners.hub_worker).get(reverse("referrals:overdue"))
    body = worker.content.decode()
    assert 'data-testid="overdue-mine"' in body and "Jane Walker" in body
    leader = signed_in(client, partners.hub_leader).get(reverse("referrals:overdue"))
    assert 'data-testid="overdue-services"' in leader.content.decode()
    assert "First contact after an accepted referral" in leader.content.decode()
    # Someone in another service sees nothing of it.
    outsider = signed_in(client, world.outsider).get(reverse("referrals:overdue"))
    assert "Jane Walker" not in outsider.content.decode()
    assert referral.public_id


def test_escalation_goes_to_the_worker_then_the_team_leader_then_the_manager(world, partners):
    manager = factories.UserFactory(role="service_manager", username="hubmanager")
    factories.TeamMembershipFactory(user=manager, team=partners.hub_team)
    accepted_long_ago(world, partners, working_days_ago=1)
    run = escalate_overdue()
    assert run.overdue == 1 and run.told_workers == 1
    assert run.told_team_leaders == 0 and run.told_managers == 0
    assert Notification.objects.filter(
        user=partners.hub_worker, kind=NotificationKind.OVERDUE
    ).exists()
    # Run again: nobody is told twice.
    assert escalate_overdue().told_workers == 0

    Referral.objects.all().delete()
    Notification.objects.all().delete()
    accepted_long_ago(world, partners, working_days_ago=6)  # default: leader 2, manager 5
    run = escalate_overdue()
    assert run.told_workers == 1 and run.told_team_leaders == 1 and run.told_managers == 1
    assert Notification.objects.filter(
        user=partners.hub_leader, kind=NotificationKind.ESCALATION
    ).exists()
    assert Notification.objects.filter(user=manager, kind=NotificationKind.ESCALATION).exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task
def test_notifications_and_emails_of_referrals_name_no_one(world, partners):
    """Every notification a referral's journey sends, and every email the worker sends for
    them, says what and where, never who."""
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save()
    referral = accepted_long_ago(world, partners, working_days_ago=6)
    call_command("check_deadlines", stdout=io.StringIO())
    call_command("db_worker", batch=True, startup_delay=False)
    person = world.mother
    secrets = [person.given_name, person.family_name, person.nhs_number, person.postcode]
    secrets += [person.date_of_birth.strftime("%-d %B %Y"), person.date_of_birth.isoformat()]
    secrets = [s for s in secrets if s]
    notices = list(Notification.objects.all())
    assert {n.kind for n in notices} >= {
        NotificationKind.REFERRAL,
        NotificationKind.REFERRAL_UPDATE,
        NotificationKind.OVERDUE,
        NotificationKind.ESCALATION,
    }
    assert mail.outbox, "the worker sent the emails"
    for notice in notices:
        assert not any(secret in notice.subject for secret in secrets)
    for message in mail.outbox:
        text = message.subject + message.body + str(message.extra_headers)
        text += "".join(str(part[0]) for part in getattr(message, "alternatives", []))
        assert not any(secret in text for secret in secrets), text
    assert str(referral.public_id) in "".join(m.body for m in mail.outbox)  # a link, no details


def test_casework_steps_are_overdue_by_the_early_help_rules(world):
    episode = allocated_episode(world)
    episode.start = timezone.localdate() - datetime.timedelta(days=60)
    episode.lead_professional = world.lead
    episode.save()
    steps = overdue_steps(Scope(service_ids=None, today=timezone.localdate()))
    assessment = [step for step in steps if step.step == Step.ASSESSMENT]
    assert len(assessment) == 1 and assessment[0].worker_id == world.lead.pk
    assert assessment[0].team_id == world.central.pk


def test_a_level_of_need_has_its_own_deadline(world):
    """A council gives complex cases (level 3) longer for the assessment than the default."""
    from familyhub.referrals.tests.factories import level

    episode = allocated_episode(world)  # level 3
    episode.start = timezone.localdate() - datetime.timedelta(days=60)
    episode.save()
    today = timezone.localdate()
    assert any(s.step == Step.ASSESSMENT for s in overdue_steps(Scope(None, today)))
    DeadlineRule.objects.create(step=Step.ASSESSMENT, level=level(3), working_days=90)
    assert not any(s.step == Step.ASSESSMENT for s in overdue_steps(Scope(None, today)))
