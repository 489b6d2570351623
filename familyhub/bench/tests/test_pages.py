"""`familyhub bench pages` runs end to end: a small borough, a few users, a few seconds.

Checks the report's shape and that every page answered 200 (no timing assertions). The server
is a real gunicorn in another process, so the data must be committed (a transactional test) and
the database must be one that process can open: PostgreSQL, or SQLite in a file.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from familyhub.hubs.models import Booking, BookingStatus
from familyhub.hubs.tests.factories import ActivityTypeFactory, HubSiteFactory, SessionFactory
from familyhub.places.models import Area
from familyhub.services.models import Service, ServiceKind
from familyhub.testing import factories


def _shared_database() -> bool:
    from familyhub.bench.pages import in_memory_sqlite

    return not in_memory_sqlite()


def _small_borough() -> None:
    authority = factories.AuthorityFactory()
    locality = factories.LocalityFactory(authority=authority, name="Central")
    area = factories.AreaFactory(authority=authority, locality=locality)
    site = HubSiteFactory(authority=authority, locality=locality, area=area)
    for kind in (
        ServiceKind.EARLY_HELP,
        ServiceKind.HEALTH_VISITING,
        ServiceKind.SCHOOL_NURSING,
        ServiceKind.FAMILY_HUB,
    ):
        service = factories.ServiceFactory(authority=authority, kind=kind)
        factories.TeamFactory(service=service, locality=locality, base=site)
    today = timezone.localdate()
    children = [
        factories.PersonFactory(
            authority=authority,
            area=area,
            date_of_birth=today - datetime.timedelta(days=200 + 30 * i),
        )
        for i in range(40)
    ]
    # The session is the hub team's service's, at its base: the sessions its staff run.
    hub_service = Service.objects.get(authority=authority, kind=ServiceKind.FAMILY_HUB)
    session = SessionFactory(
        authority=authority,
        site=site,
        service=hub_service,
        activity=ActivityTypeFactory(),
        capacity=20,
    )
    for child in children[:8]:
        Booking.objects.create(
            authority=authority,
            session=session,
            person=child,
            status=BookingStatus.BOOKED,
            requested_at=timezone.now(),
        )
    assert Area.objects.filter(locality=locality).exists()


@pytest.mark.django_db(transaction=True)
def test_bench_pages_reports_every_page_without_errors():
    # Asked here, not in a skipif: only now is the connection the test database's.
    if not _shared_database():
        pytest.skip("the bench's server needs a database another process can open")
    _small_borough()
    out = io.StringIO()
    call_command(
        "bench",
        "pages",
        "--users",
        "5",
        # Long enough for a cold worker's first pages on a busy shared machine.
        "--seconds",
        "4",
        "--warmup",
        "3",
        "--workers",
        "2",
        "--profile",
        "--json",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["bench"] == "pages"
    assert report["users"] == 5
    assert set(report["dataset"]["users_by_kind"]) == {"lp", "hv", "sn", "tl", "hub"}
    for key in (
        "loadavg_before",
        "loadavg_after",
        "commit",
        "database",
        "server",
        "met",
        "cpu_ms_per_page",
    ):
        assert key in report
    assert {"casework caseload", "hubs session register"} <= set(report["pages"])
    for figures in [*report["pages"].values(), report["overall"]]:
        assert set(figures) >= {
            "requests",
            "pages_per_s",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "errors",
        }
    assert report["overall"]["requests"] > 0
    assert report["overall"]["errors"] == 0, report["overall"]["statuses"]
    # --profile: where each page's time went in the worker, for every page driven.
    assert set(report["profile"]) == set(report["pages"])
    for row in report["profile"].values():
        assert row["requests"] > 0
        assert row["queries"] >= 1  # the session at least
        parts = row["query_ms"] + row["template_ms"] + row["access_log_ms"] + row["python_ms"]
        assert abs(parts - row["wall_ms"]) < 0.1 * row["wall_ms"] + 0.1
        assert row["template_ms"] > 0
    assert report["profile"]["casework caseload"]["access_log_ms"] > 0
