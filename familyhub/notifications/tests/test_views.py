"""The notifications page, the count in the header and the email choice page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyhub.accounts.roles import STAFF_ROLES
from familyhub.notifications import services
from familyhub.notifications.models import Notification, NotificationPreference
from familyhub.notifications.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def tell(users, n=1, subject="A new referral is in the Early help Central inbox"):
    for i in range(n):
        services.notify(users, kind="referral", subject=f"{subject} ({i + 1})", url="/referrals/")


def header(body: str) -> str:
    match = re.search(r'data-testid="header-notifications">(.*?)</a>', body, re.S)
    assert match, "no notifications link in the header"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_the_header_counts_unread_notifications_with_one_query(client, signed_in, council):
    signed_in(client, council.worker)
    assert header(client.get(reverse("home")).content.decode()) == "Notifications"
    tell([council.worker], n=3)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("home")).content.decode()
    # Visible "Notifications (3)", with " unread" for screen readers.
    assert header(body) == "Notifications (3 unread)"
    assert 'Notifications (3<span class="govuk-visually-hidden"> unread</span>)' in body
    counts = [
        q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]
    ]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


def test_no_count_for_someone_not_signed_in(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:sign-in"))
    assert response.status_code == 200
    assert b"header-notifications" not in response.content
    assert not [q for q in queries.captured_queries if "notifications_" in q["sql"]]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_signed_in_user_has_the_pages(client, signed_in, make_user, role):
    signed_in(client, make_user(role))
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    assert b"govuk-heading-l" in page.content and b"Nothing needs you yet" in page.content
    assert client.get(reverse("notifications:preferences")).status_code == 200


def test_the_pages_need_signing_in(client):
    for name in ("notifications:list", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "sign-in" in response.url


def test_the_list_newest_first_unread_marked_each_a_link(client, signed_in, council):
    tell([council.worker], n=2)
    first, second = Notification.objects.order_by("pk")
    services.mark_read(council.worker, [first.pk])
    signed_in(client, council.worker)
    body = client.get(reverse("notifications:list")).content.decode()
    assert body.index("inbox (2)") < body.index("inbox (1)")
    assert body.count('data-testid="notification-unread"') == 1
    assert body.count('data-testid="mark-read"') == 1
    assert f'href="/notifications/{second.public_id}/"' in body
    assert "You have 1 unread notification." in body


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, signed_in, council):
    tell([council.worker])
    notification = Notification.objects.get()
    signed_in(client, council.worker)
    response = client.get(reverse("notifications:open", args=[notification.public_id]))
    assert response.status_code == 302 and response.url == "/referrals/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_as_read_and_mark_all_as_read(client, signed_in, council):
    tell([council.worker], n=3)
    one = Notification.objects.order_by("pk").first()
    signed_in(client, council.worker)
    response = client.post(reverse("notifications:read", args=[one.public_id]))
    assert response.status_code == 302 and response.url == reverse("notifications:list")
    one.refresh_from_db()
    assert one.read_at is not None
    assert header(client.get(reverse("notifications:list")).content.decode()).startswith(
        "Notifications (2"
    )
    two = Notification.objects.order_by("pk")[1]
    response = client.post(reverse("notifications:read", args=[two.public_id]), {"page": "2"})
    assert response.url == reverse("notifications:list") + "?page=2"  # back where they were
    for nonsense in ("-1", "x", "1e9"):
        response = client.post(
            reverse("notifications:read", args=[two.public_id]), {"page": nonsense}
        )
        assert response.url == reverse("notifications:list")
    response = client.post(reverse("notifications:read-all"), {"page": "2"}, follow=True)
    assert b"1 notification marked as read" in response.content
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    # GET does not change anything.
    assert client.get(reverse("notifications:read-all")).status_code == 405


def test_another_users_notification_cannot_be_seen_or_marked(client, signed_in, council):
    tell([council.leader], subject="For the leader only")
    theirs = Notification.objects.get()
    signed_in(client, council.worker)
    assert b"For the leader only" not in client.get(reverse("notifications:list")).content
    assert client.get(reverse("notifications:open", args=[theirs.public_id])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.public_id])).status_code == 404
    client.post(reverse("notifications:read-all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_is_paged(client, signed_in, council):
    tell([council.worker], n=PAGE_SIZE + 2)
    signed_in(client, council.worker)
    first = client.get(reverse("notifications:list")).content.decode()
    assert first.count('data-testid="notification-unread"') == PAGE_SIZE
    assert 'data-testid="pagination"' in first
    second = client.get(reverse("notifications:list"), {"page": "2"}).content.decode()
    assert second.count('data-testid="notification-unread"') == 2
    assert f"inbox ({1})" in second and f"inbox ({PAGE_SIZE + 2})" not in second
    # Nonsense page numbers show the nearest page, never an error.
    for page in ("0", "-3", "99", "abc"):
        assert client.get(reverse("notifications:list"), {"page": page}).status_code == 200


def test_the_email_choice_page(client, signed_in, council):
    signed_in(client, council.worker)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'class="govuk-radios__input"' in page
    assert re.search(r'value="each"\s+checked', page)
    response = client.post(reverse("notifications:preferences"), {"email": "daily", "version": "0"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=council.worker).email == "daily"
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert re.search(r'value="daily"\s+checked', page)
    assert "Your email choice has been saved" in page


def test_the_email_choice_page_says_what_is_wrong(client, signed_in, council):
    signed_in(client, council.worker)
    response = client.post(reverse("notifications:preferences"), {"version": "0"})
    assert response.status_code == 400
    assert "Select how you want to hear of your notifications" in response.content.decode()
    response = client.post(
        reverse("notifications:preferences"), {"email": "weekly", "version": "0"}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_a_choice_saved_in_another_tab_is_not_overwritten(client, signed_in, council):
    signed_in(client, council.worker)
    services.set_preference(council.worker, email="none")  # the other tab saved first
    response = client.post(reverse("notifications:preferences"), {"email": "daily", "version": "0"})
    assert response.status_code == 400
    assert "changed in another window or tab" in response.content.decode()
    assert NotificationPreference.objects.get(user=council.worker).email == "none"
    # The form now carries the saved version: saving again works.
    assert 'name="version" value="1"' in response.content.decode()
    again = client.post(reverse("notifications:preferences"), {"email": "daily", "version": "1"})
    assert again.status_code == 302
    assert NotificationPreference.objects.get(user=council.worker).email == "daily"
