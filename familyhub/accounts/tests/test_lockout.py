"""Wrong passwords lock the username, not the address: one person's mistakes never lock out
colleagues behind the same council address, and an address is only throttled, more gently,
when failures across many usernames pile up from it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from familyhub.accounts.roles import Role
from familyhub.conftest import PASSWORD

pytestmark = pytest.mark.django_db

COUNCIL = "203.0.113.10"
ELSEWHERE = "198.51.100.7"


def _sign_in(client, username, password=PASSWORD, address=COUNCIL):
    return client.post(
        reverse("accounts:sign-in"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _fail(client, username, times, address=COUNCIL):
    for _ in range(times):
        _sign_in(client, username, "wrong-password", address)


def test_lockout_of_one_account_does_not_lock_another_at_the_same_address(
    client, make_user, settings
):
    make_user(Role.RECEPTION, username="rita")
    make_user(Role.RECEPTION, username="bola")
    _fail(client, "rita", settings.AXES_FAILURE_LIMIT)
    assert _sign_in(client, "rita").status_code == 429
    assert _sign_in(client, "bola").status_code == 302


def test_a_locked_username_stays_locked_from_another_address(client, make_user, settings):
    make_user(Role.RECEPTION, username="rita")
    _fail(client, "rita", settings.AXES_FAILURE_LIMIT)
    assert _sign_in(client, "rita", address=ELSEWHERE).status_code == 429


def test_many_failures_across_usernames_from_one_address_throttle_it(client, make_user, settings):
    settings.FAMILYHUB_ADDRESS_FAILURE_LIMIT = 12
    make_user(Role.RECEPTION, username="bola")
    # Password spraying: a few guesses at each of many usernames, never enough to lock one.
    for n in range(6):
        _fail(client, f"user{n}", 2)
    response = _sign_in(client, "bola")
    assert response.status_code == 429
    assert b"from your network" in response.content
    # The throttle is on the address only: bola signs in from elsewhere.
    assert _sign_in(client, "bola", address=ELSEWHERE).status_code == 302


def test_failures_below_the_address_limit_do_not_throttle(client, make_user, settings):
    settings.FAMILYHUB_ADDRESS_FAILURE_LIMIT = 12
    make_user(Role.RECEPTION, username="bola")
    for n in range(5):
        _fail(client, f"user{n}", 2)
    assert _sign_in(client, "bola").status_code == 302


def test_the_address_throttle_ends_when_its_window_has_passed(client, make_user, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    settings.FAMILYHUB_ADDRESS_FAILURE_LIMIT = 4
    make_user(Role.RECEPTION, username="bola")
    for n in range(4):
        _fail(client, f"user{n}", 1)
    assert _sign_in(client, "bola").status_code == 429
    window = timedelta(minutes=settings.FAMILYHUB_ADDRESS_WINDOW_MINUTES)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - window - timedelta(seconds=1)
        )
    assert _sign_in(client, "bola").status_code == 302


def test_the_locked_out_page_says_when_to_try_again(client, make_user, settings):
    make_user(Role.RECEPTION, username="rita")
    _fail(client, "rita", settings.AXES_FAILURE_LIMIT)
    page = _sign_in(client, "rita").content.decode()
    assert "too many attempts to sign in with that username" in page
    assert re.search(r"Try again after \d{1,2}:\d\d[ap]m", page)


def test_the_locked_out_page_does_not_reveal_whether_the_username_exists(
    client, make_user, settings
):
    make_user(Role.RECEPTION, username="rita")
    _fail(client, "rita", settings.AXES_FAILURE_LIMIT)
    _fail(client, "nobody", settings.AXES_FAILURE_LIMIT)
    known = _sign_in(client, "rita").content.decode()
    unknown = _sign_in(client, "nobody").content.decode()

    def without_times(html: str) -> str:
        main = html[html.index("<main") : html.index("</main>")]
        return re.sub(r"\d{1,2}:\d\d[ap]m( on \d{1,2} \w+ \d{4})?", "TIME", main)

    assert without_times(known) == without_times(unknown)
    assert "rita" not in known


def test_attempts_while_locked_do_not_push_the_lock_back(client, make_user, settings):
    from axes.models import AccessAttempt

    make_user(Role.RECEPTION, username="rita")
    _fail(client, "rita", settings.AXES_FAILURE_LIMIT)
    before = AccessAttempt.objects.get(username="rita").attempt_time
    _fail(client, "rita", 3)
    after = AccessAttempt.objects.get(username="rita")
    assert after.attempt_time == before
    assert after.failures_since_start == settings.AXES_FAILURE_LIMIT


def test_an_address_window_longer_than_the_lockout_stops_start_up_naming_it(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAMILYHUB_", "DJANGO_"))}
    env.update(
        {
            "FAMILYHUB_DEMO": "true",
            "FAMILYHUB_VAR_DIR": str(tmp_path),
            "FAMILYHUB_LOCKOUT_MINUTES": "30",
            "FAMILYHUB_ADDRESS_WINDOW_MINUTES": "60",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "familyhub.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "FAMILYHUB_ADDRESS_WINDOW_MINUTES must be at most FAMILYHUB_LOCKOUT_MINUTES" in (
        result.stderr
    )
