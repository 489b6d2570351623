"""Importing another Open Referral UK feed: what changed, what failed, nothing half-applied."""

from __future__ import annotations

import copy
import json
import os
import time

import pytest
from django.core.management import call_command

from familyhub.directory import feedgen, oruk
from familyhub.directory.importing import start_import
from familyhub.directory.models import DirectoryService, ImportStatus, Status
from familyhub.directory.tasks import import_feed
from familyhub.testing.factories import AuthorityFactory

pytestmark = pytest.mark.django_db


def _write(tmp_path, services, name="feed.json", per_page=100):
    path = tmp_path / name
    path.write_text(json.dumps(feedgen.pages(services, per_page)))
    return str(path)


def _import(authority, source):
    run = start_import(authority_id=authority.pk, source=source, name="Voluntary sector")
    import_feed.call(run.pk)
    run.refresh_from_db()
    return run


def test_the_generated_feed_is_valid_open_referral():
    for service in feedgen.generate(30):
        assert oruk.validate("service", service) == []


def test_first_import_creates_then_a_second_reports_unchanged_updated_and_withdrawn(tmp_path):
    authority = AuthorityFactory()
    services = feedgen.generate(40)
    run = _import(authority, _write(tmp_path, services, per_page=7))
    assert run.status == ImportStatus.FINISHED
    assert (run.new_count, run.updated_count, run.unchanged_count) == (40, 0, 0)
    assert DirectoryService.objects.filter(feed=run.feed).count() == 40
    first = DirectoryService.objects.get(oruk_id=services[0]["id"])
    assert first.service_at_locations.get().location.postal_code
    assert first.schedules.get().byday == "MO"
    assert first.contacts.get().phone.startswith("01375")
    assert first.terms.get().code == "food"
    assert first.completeness == 100

    changed = copy.deepcopy(services[:39])  # the last one is dropped: withdrawn
    changed[1]["description"] = "A new description of the service for families in the area."
    changed[2]["schedules"][0]["opens_at"] = "11:00"
    run = _import(authority, _write(tmp_path, changed, "feed2.json"))
    assert (run.new_count, run.updated_count, run.unchanged_count, run.withdrawn_count) == (
        0,
        2,
        37,
        1,
    )
    updated = {item["name"]: item["fields"] for item in run.report["updated"]}
    assert updated[changed[1]["name"]] == ["description"]
    assert updated[changed[2]["name"]] == ["schedules"]
    gone = DirectoryService.objects.get(oruk_id=services[39]["id"])
    assert gone.status == Status.DEFUNCT and gone.withdrawn_at is not None
    assert run.report["withdrawn"] == [services[39]["name"]]
    assert (
        DirectoryService.objects.get(oruk_id=changed[2]["id"]).schedules.get().opens_at.hour == 11
    )


def test_a_broken_record_is_named_with_its_field_and_not_applied_or_withdrawn(tmp_path):
    authority = AuthorityFactory()
    services = feedgen.generate(5)
    _import(authority, _write(tmp_path, services))
    broken = copy.deepcopy(services)
    broken[0]["schedules"][0]["opens_at"] = "half nine"
    broken[0]["name"] = "Renamed but broken"
    broken[1]["status"] = "open"
    broken[2]["service_at_locations"][0]["location"]["latitude"] = 123
    del broken[3]["id"]
    run = _import(authority, _write(tmp_path, broken, "broken.json"))
    failed = {(f["field"], f["message"].split(" ")[0]) for f in run.report["failed"]}
    assert ("schedules/0/opens_at", "'half") in failed
    assert ("status", "'open'") in failed
    assert ("service_at_locations/0/location/latitude", "'123.0'") in failed
    assert ("id", "'None'") in failed
    assert run.failed_count == 4
    # The broken record keeps what it had; only the one with no id at all is withdrawn.
    kept = DirectoryService.objects.get(oruk_id=services[0]["id"])
    assert kept.name == services[0]["name"] and kept.withdrawn_at is None
    assert run.withdrawn_count == 1
    assert any(services[0]["id"] in f["record"] for f in run.report["failed"])


def test_an_unreadable_feed_changes_nothing(tmp_path):
    authority = AuthorityFactory()
    services = feedgen.generate(3)
    _import(authority, _write(tmp_path, services))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    run = _import(authority, str(bad))
    assert run.status == ImportStatus.FAILED
    assert "Nothing was imported" in run.report["message"]
    assert DirectoryService.objects.filter(withdrawn_at__isnull=False).count() == 0


def test_a_folder_of_pages_and_the_command(tmp_path, capsys):
    authority = AuthorityFactory()
    folder = tmp_path / "pages"
    folder.mkdir()
    for number, page in enumerate(feedgen.pages(feedgen.generate(12), 5), start=1):
        (folder / f"page-{number}.json").write_text(json.dumps(page))
    call_command("directory_import", str(folder), authority=authority.code, name="Folder feed")
    out = capsys.readouterr().out
    assert "new 12, updated 0, unchanged 0, withdrawn 0, failed 0" in out


def test_five_thousand_services(tmp_path, capsys):
    """The benchmark of the issue (5,000 services in under 30 s): prints its figures, asserts
    only the outcome (tests never assert timings)."""
    authority = AuthorityFactory()
    source = _write(tmp_path, feedgen.generate(5000), per_page=500)
    started = time.perf_counter()
    run = _import(authority, source)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = _import(authority, source)
    second = time.perf_counter() - started
    load = os.getloadavg()
    with capsys.disabled():
        print(
            f"\n5,000-service import: {first:.1f} s new, {second:.1f} s unchanged "
            f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
        )
    assert run.new_count == 5000 and again.unchanged_count == 5000


class _Feed:
    """A stand-in voluntary sector directory answering as the profile's API does: /services in
    pages of the list shape (one-to-one fields only, so the reader fetches /services/{id})."""

    def __init__(self, services, per_page=4):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        by_id = {s["id"]: s for s in services}
        listed = [{k: v for k, v in s.items() if not isinstance(v, list)} for s in services]
        pages = feedgen.pages(listed, per_page)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                return

            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path.rstrip("/") == "/api/services":
                    number = int(parse_qs(parts.query).get("page", ["1"])[0])
                    body = (
                        pages[number - 1] if number <= len(pages) else {**pages[-1], "contents": []}
                    )
                elif parts.path.startswith("/api/services/") and parts.path.split("/")[-1] in by_id:
                    body = by_id[parts.path.split("/")[-1]]
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_import_from_a_feed_url_reads_every_page_and_each_whole_service():
    authority = AuthorityFactory()
    feed = _Feed(feedgen.generate(10))
    try:
        run = _import(authority, feed.url)
    finally:
        feed.close()
    assert run.status == ImportStatus.FINISHED, run.report
    assert run.new_count == 10
    assert DirectoryService.objects.filter(feed=run.feed, schedules__isnull=False).count() == 10


def test_a_feed_url_that_does_not_answer_imports_nothing():
    authority = AuthorityFactory()
    run = _import(authority, "http://127.0.0.1:9/api/")
    assert run.status == ImportStatus.FAILED
    assert "Nothing was imported" in run.report["message"]


def test_the_demo_loads_the_directory(world):
    import random
    from io import StringIO

    from familyhub.demo.directory import FEED_SIZE, load_demo

    out = StringIO()
    load_demo(authority=world.authority, rng=random.Random(1), stdout=out)
    assert f"imported {FEED_SIZE} voluntary sector services" in out.getvalue()
