"""notify, marking read and the email choice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from familyhub.notifications import services
from familyhub.notifications.models import (
    EmailChoice,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from familyhub.notifications.tests.conftest import queued_email_ids

pytestmark = pytest.mark.django_db

SUBJECT = "A new referral is in the Early help Central inbox"


def tell(users, key="", **overrides):
    fields = {"kind": NotificationKind.REFERRAL, "subject": SUBJECT, "url": "/referrals/"}
    fields.update(overrides)
    return services.notify(users, key=key, **fields)


def test_notify_tells_each_user_once_and_queues_their_emails(council):
    assert tell([council.worker, council.leader]) == 2
    rows = list(Notification.objects.order_by("user_id"))
    assert [(n.user, n.kind, n.subject, n.url) for n in rows] == [
        (council.worker, "referral", SUBJECT, "/referrals/"),
        (council.leader, "referral", SUBJECT, "/referrals/"),
    ]
    assert all(n.read_at is None and n.emailed_at is None for n in rows)
    assert sorted(queued_email_ids()) == sorted(n.pk for n in rows)


def test_a_repeated_check_does_not_tell_anyone_twice_for_one_key(council):
    assert tell([council.worker], key="overdue:action-7") == 1
    # The hourly check runs again, now with the leader too: only the leader is new.
    assert tell([council.worker, council.leader], key="overdue:action-7") == 1
    assert tell([council.worker, council.leader], key="overdue:action-7") == 0
    assert Notification.objects.filter(key="overdue:action-7").count() == 2
    # Another key, and no key at all, are other events.
    assert tell([council.worker], key="overdue:action-8") == 1
    assert tell([council.worker]) == 1
    assert tell([council.worker]) == 1
    assert Notification.objects.filter(user=council.worker).count() == 4


def test_a_key_is_unique_per_user_in_the_database_too(council):
    from django.db import IntegrityError, transaction

    tell([council.worker], key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            user=council.worker, kind="referral", subject="x", url="/", key="k"
        )
    # Blank keys never clash.
    for _ in range(2):
        Notification.objects.create(user=council.worker, kind="referral", subject="x", url="/")


def test_a_clash_with_a_concurrent_check_skips_only_that_user(council, monkeypatch):
    """Another worker told the leader between our look-up and our insert: the unique key
    refuses the row, and the others are still told."""
    real_filter = Notification.objects.filter

    def racing_filter(*args, **kwargs):
        if kwargs.get("key") == "race":  # our look-up finds no one told yet...
            Notification.objects.create(
                user=council.leader, kind="referral", subject="x", url="/", key="race"
            )  # ...but meanwhile someone else tells the leader
            return real_filter(pk__in=[])
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Notification.objects, "filter", racing_filter)
    assert tell([council.worker, council.leader], key="race") == 1
    monkeypatch.undo()
    assert Notification.objects.filter(key="race").count() == 2


def test_inactive_users_are_skipped(council):
    council.leader.is_active = False
    council.leader.save()
    assert tell([council.worker, council.leader]) == 1
    assert not Notification.objects.filter(user=council.leader).exists()
    assert tell([]) == 0


def test_users_may_be_given_as_a_queryset_or_as_keys(council):
    from familyhub.accounts.models import User

    assert tell(User.objects.filter(username__in=["worker", "leader"])) == 2
    assert tell([council.east_worker.pk]) == 1


def test_emails_are_queued_only_for_those_who_want_one_each(council):
    services.set_preference(council.leader, email=EmailChoice.DAILY)
    services.set_preference(council.east_worker, email=EmailChoice.NONE)
    council.worker.email = ""
    council.worker.save()
    assert tell([council.worker, council.leader, council.east_worker]) == 3
    assert queued_email_ids() == []


@pytest.mark.parametrize(
    "subject",
    [
        "",
        "   ",
        "A referral for 943 476 5919",
        "A referral for 9434765919",
        "Born 23/04/1991",
        "Born 2024-04-23",
        "Born 23 April 1991",
        "Lives at RM16 9QX",
        "Lives at rm169qx",
    ],
)
def test_a_subject_with_a_persons_details_is_replaced_by_the_kinds_words(council, subject, caplog):
    assert tell([council.worker], subject=subject) == 1
    assert Notification.objects.get().subject == "New referral"
    assert subject.strip() == "" or "person's details" in caplog.text
    for detail in ("943", "1991", "2024", "RM16", "rm169qx"):
        assert detail not in caplog.text  # the warning never repeats the text


def test_a_long_subject_is_cut_to_fit(council):
    tell([council.worker], subject="A new referral is in the " + "very " * 60 + "long inbox")
    subject = Notification.objects.get().subject
    assert len(subject) == 200 and subject.endswith("\u2026")


def test_ordinary_subjects_are_kept(council):
    subjects = [
        SUBJECT,
        "Your referral to Family hub (Central) was accepted",
        "First contact is overdue at Early help: 3 working days late",
        "A referral to School nursing 0-19 is allocated to you",
    ]
    for subject in subjects:
        tell([council.worker], subject=subject)
    assert sorted(Notification.objects.values_list("subject", flat=True)) == sorted(subjects)


@pytest.mark.parametrize("url", ["", "referrals/", "https://evil.example/", "//evil.example/"])
def test_the_url_must_be_a_page_of_the_service(council, url):
    with pytest.raises(ValueError):
        tell([council.worker], url=url)


def test_an_unknown_kind_is_refused(council):
    with pytest.raises(ValueError):
        tell([council.worker], kind="gossip")


def test_mark_read_touches_only_the_users_own_notifications(council):
    tell([council.worker, council.leader])
    mine = Notification.objects.get(user=council.worker)
    theirs = Notification.objects.get(user=council.leader)
    assert services.mark_read(council.worker, [mine.pk, theirs.pk]) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    first_read = mine.read_at
    assert services.mark_read(council.worker, [mine.pk]) == 0  # already read: kept as it was
    mine.refresh_from_db()
    assert mine.read_at == first_read


def test_mark_all_read(council):
    for _ in range(3):
        tell([council.worker, council.leader])
    assert services.mark_all_read(council.worker) == 3
    assert services.mark_all_read(council.worker) == 0
    assert Notification.objects.filter(user=council.leader, read_at__isnull=True).count() == 3


def test_the_email_choice_defaults_to_each_and_refuses_a_stale_form(council):
    from familyhub.notifications.selectors import preference_of

    assert preference_of(council.worker).email == EmailChoice.EACH
    assert preference_of(council.worker).version == 0
    saved = services.set_preference(council.worker, email="daily", version=0)
    assert (saved.email, saved.version) == ("daily", 1)
    # A second tab still showing the page before that save is refused, not silently applied.
    with pytest.raises(ValidationError) as error:
        services.set_preference(council.worker, email="none", version=0)
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.set_preference(council.worker, email="none", version=7)
    saved = services.set_preference(council.worker, email="none", version=1)
    assert (saved.email, saved.version) == ("none", 2)
    assert NotificationPreference.objects.get(user=council.worker).email == "none"


def test_an_email_choice_that_does_not_exist_names_the_field(council):
    with pytest.raises(ValidationError) as error:
        services.set_preference(council.worker, email="hourly")
    assert "email" in error.value.message_dict
