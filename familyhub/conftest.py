"""Fixtures shared by every part's tests.

make_user(role, team=None, username=None) -> a signed-in-able user (password PASSWORD)
signed_in(client, user) -> the client, signed in and (outside the demo) two-factor verified
page -> a Playwright page in Debian's Chromium (browser tests; use with live_server)
"""

from __future__ import annotations

import os

import pytest

from familyhub.testing import factories

PASSWORD = "correct-horse-battery"
CHROMIUM = "/usr/bin/chromium"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop beside live_server


@pytest.fixture
def authority(db):
    return factories.AuthorityFactory()


@pytest.fixture
def make_user(db):
    def make(role: str, *, team=None, username: str | None = None, **fields):
        kwargs = {"role": role, **fields}
        if username:
            kwargs["username"] = username
        user = factories.UserFactory(**kwargs)
        if team is not None:
            factories.TeamMembershipFactory(user=user, team=team)
        return user

    return make


@pytest.fixture
def signed_in():
    """Sign a test client in as a user, marking two-factor as done (django-otp's session key)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def sign_in(client, user):
        client.force_login(user)
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return sign_in


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server, settings):
    # Browser journeys sign in without the authenticator step; test_sign_in_browser covers it.
    settings.FAMILYHUB_REQUIRE_2FA = False
    context = _browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def browser_sign_in(page):
    """Sign in through the real sign-in page (two-factor is off in browser tests: see settings)."""

    def sign_in(user, password: str = PASSWORD):
        page.goto("/account/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return page

    return sign_in


def pytest_collection_modifyitems(items) -> None:
    """Transactional tests (browser journeys, concurrency) end by emptying the database, which
    would also remove the rows that data migrations seed (activity types, outcome frameworks,
    the continuum of need). With xdist a worker may run such a test before another file that
    needs those rows, so every transactional test is given a serialized rollback (and
    _restore_seeded_rows_after_flush below puts the rows back when it ends)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        transactional = (
            (
                marker is not None
                and bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
            )
            or "live_server" in fixtures
            or "transactional_db" in fixtures
        )
        if transactional:
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)  # closest wins


def _restore_seeded_rows_after_flush() -> None:
    """Django reloads the serialized rows at the start of a serialized-rollback test and empties
    the database at its end, relying on its own runner to run such tests last. xdist's file
    scheduling does not, so the rows are reloaded at the end as well. Reloading saves each row
    by primary key, so doing it twice is harmless."""
    from django.db import connections
    from django.test import TransactionTestCase

    original = getattr(TransactionTestCase, "_fixture_teardown")  # noqa: B009 (private to Django)

    def teardown_then_restore(self) -> None:
        original(self)
        if not self.serialized_rollback:
            return
        for alias in self._databases_names(include_mirrors=False):
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)

    setattr(TransactionTestCase, "_fixture_teardown", teardown_then_restore)  # noqa: B010


_restore_seeded_rows_after_flush()


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    """Rows that data migrations seed (activity types, outcome frameworks, the continuum of
    need, the default deadlines and prompts) are put back if a flush on this worker removed them, whatever order xdist ran
    the files in. Each check is one cheap query."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    import importlib

    from django.apps import apps

    from familyhub.contacts.models import Prompt
    from familyhub.contacts.prompts import ensure_default_prompts
    from familyhub.hubs.models import ActivityType
    from familyhub.outcomes.frameworks import ensure_shipped_frameworks
    from familyhub.outcomes.models import OutcomeFramework
    from familyhub.referrals.continuum import ensure_default_continuum
    from familyhub.referrals.models import DeadlineRule

    if not ActivityType.objects.exists():
        importlib.import_module("familyhub.hubs.migrations.0002_seed_activity_types").seed(
            apps, None
        )
    from familyhub.hubs.models import OutcomeScale

    if not OutcomeScale.objects.exists():
        importlib.import_module("familyhub.hubs.migrations.0004_seed_outcome_scales").seed(
            apps, None
        )
    if not OutcomeFramework.objects.exists():
        ensure_shipped_frameworks()
    ensure_default_continuum()
    if not DeadlineRule.objects.filter(authority__isnull=True).exists():
        importlib.import_module(
            "familyhub.referrals.migrations.0003_referrals_between_services_and_deadline_rules"
        ).add_default_rules(apps, None)
        importlib.import_module(
            "familyhub.referrals.migrations.0005_fgdm_offer_step"
        ).add_default_rule(apps, None)
    if not Prompt.objects.filter(authority__isnull=True).exists():
        ensure_default_prompts()
    from familyhub.retention.models import RetentionSchedule

    if not RetentionSchedule.objects.filter(authority__isnull=True).exists():
        importlib.import_module("familyhub.retention.migrations.0002_default_schedules").seed(
            apps, None
        )
    from familyhub.directory.models import TaxonomyTerm
    from familyhub.directory.taxonomy import NEEDS, ensure_needs_taxonomy

    if TaxonomyTerm.objects.filter(code__in=[n[0] for n in NEEDS]).count() < len(NEEDS):
        ensure_needs_taxonomy()
