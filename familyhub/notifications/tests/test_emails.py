"""The emails: one for each notification (the background task), the daily digest (the task and
`familyhub notifications-digest`), never twice, and only for those who want them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from familyhub.notifications import emails, services
from familyhub.notifications.models import Notification
from familyhub.notifications.tasks import send_daily_digests, send_notification_emails
from familyhub.notifications.tests.conftest import run_queued_emails

pytestmark = pytest.mark.django_db

BASE = "https://familyhub.example.gov.uk"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.FAMILYHUB_BASE_URL = BASE + "/"
    settings.FAMILYHUB_SERVICE_NAME = "Familyhub"


def tell(users, subject="A new referral is in the Early help Central inbox", url="/referrals/"):
    return services.notify(users, kind="referral", subject=subject, url=url)


def test_the_task_sends_one_email_per_notification_with_a_link(council):
    tell([council.worker, council.leader])
    tell([council.worker], subject="A step is overdue", url="/casework/")
    assert mail.outbox == []  # nothing is sent until the task runs
    assert run_queued_emails() == 3
    assert len(mail.outbox) == 3
    to_worker = [m for m in mail.outbox if m.to == ["w@example.org"]]
    assert len(to_worker) == 2
    message = next(m for m in to_worker if "overdue" in m.body)
    assert message.subject == "Familyhub: something needs you"
    assert message.body == (
        "A step is overdue\n\n"
        "Open it here (you will need to sign in):\n"
        f"{BASE}/casework/\n\n"
        "You get an email for each notification. To change that, go to "
        f"{BASE}/notifications/preferences/\n"
    )
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_an_email_is_never_sent_twice(council):
    tell([council.worker])
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert send_notification_emails.call(ids) == 1
    assert send_notification_emails.call(ids) == 0
    assert emails.send_missed(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_no_email_for_those_who_chose_otherwise_or_have_read_it(council):
    services.set_preference(council.leader, email="none")
    services.set_preference(council.east_worker, email="daily")
    tell([council.worker, council.leader, council.east_worker])
    ids = list(Notification.objects.values_list("pk", flat=True))
    services.mark_all_read(council.worker)  # read in the service before the task ran
    assert send_notification_emails.call(ids) == 0
    assert mail.outbox == []


def test_a_failed_send_is_given_back_and_the_daily_run_sends_it(council, monkeypatch):
    tell([council.worker])
    ids = list(Notification.objects.values_list("pk", flat=True))

    def down(self, *args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(mail.EmailMessage, "send", down)
    with pytest.raises(ConnectionRefusedError):
        send_notification_emails.call(ids)
    assert Notification.objects.get().emailed_at is None
    monkeypatch.undo()
    # Too recent for the daily run to send it (the task may still be on its way)...
    assert emails.send_missed() == 0
    # ...but a while later it goes.
    assert emails.send_missed(now=timezone.now() + timedelta(minutes=20)) == 1
    assert len(mail.outbox) == 1


def test_the_daily_digest_lists_each_users_unread_notifications(council):
    services.set_preference(council.worker, email="daily")
    services.set_preference(council.leader, email="daily")
    tell([council.worker, council.leader], subject="First thing")
    tell([council.worker], subject="Second thing", url="/casework/")
    tell([council.east_worker])  # wants each: not in a digest
    services.mark_all_read(council.leader)  # read them all: no digest for the leader
    run_queued_emails()
    mail.outbox.clear()
    out = io.StringIO()
    call_command("notifications_digest", stdout=out)
    assert "Sent 1 daily digest and 0 earlier emails" in out.getvalue()
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["w@example.org"]
    assert digest.subject == "Familyhub: what needs you today"
    assert digest.body == (
        "2 new notifications (you will need to sign in to open them):\n\n"
        f"First thing\n{BASE}/referrals/\n\n"
        f"Second thing\n{BASE}/casework/\n\n"
        "You get one email a day listing your notifications. To change that, go to "
        f"{BASE}/notifications/preferences/\n"
    )
    # The next day's digest holds only what is new since.
    mail.outbox.clear()
    assert send_daily_digests.call() == 0
    tell([council.worker], subject="Third thing")
    assert send_daily_digests.call() == 1
    assert "1 new notification " in mail.outbox[0].body and "Third thing" in mail.outbox[0].body
    assert "First thing" not in mail.outbox[0].body


def test_a_long_digest_points_to_the_notifications_page(council):
    services.set_preference(council.worker, email="daily")
    for n in range(emails.DIGEST_MOST + 3):
        tell([council.worker], subject=f"Thing number {n}")
    assert emails.send_digests() == 1
    body = mail.outbox[0].body
    assert f"{emails.DIGEST_MOST + 3} new notifications" in body
    assert "Thing number 49" in body and "Thing number 50" not in body
    assert f"And 3 more: {BASE}/notifications/" in body


def test_the_digest_command_can_queue_the_task_instead(council):
    from django_tasks_db.models import DBTaskResult

    out = io.StringIO()
    call_command("notifications_digest", "--enqueue", stdout=out)
    assert "queued" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path__endswith="send_daily_digests").count() == 1


def test_users_without_an_email_address_or_inactive_get_none(council):
    council.worker.email = ""
    council.worker.save()
    tell([council.worker, council.leader])
    council.leader.is_active = False
    council.leader.save()
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert send_notification_emails.call(ids) == 0
