"""No link leads to a dead end: sign in as every demo account, follow every same-site link.

The demo borough is built once for the module (a small one: a few seconds) inside a transaction
that is rolled back at the end. Each account's crawl is breadth first over the links its pages
show (GET only), visiting URLs of a shape not yet seen first (a person's record, a session's
register...), so that a cap of pages per account still reaches every kind of page. Any answer of
400 or more fails the test, listed as "account: page -> link -> status".
"""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.db import transaction

PAGES_PER_ACCOUNT = 150
VISITS_PER_SHAPE = 3
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/api/", "/account/sign-out")
SKIP_WORDS = ("sign-out", "signout", "logout", "log-out")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def same_site(base: str, href: str) -> str | None:
    """The path and query of a link on this site worth following, or None."""
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url = urldefrag(urljoin("http://testserver" + base, href))[0]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or any(word in path for word in SKIP_WORDS):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def shape(url: str) -> str:
    """A URL with its identifiers taken out and its query reduced to the names asked for."""
    parts = urlsplit(url)
    path = NUMBER.sub("N", UUID.sub("U", parts.path))
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(client, name: str) -> tuple[list[str], int]:
    """Follow links from the home page; returns the failures and how many pages were fetched."""
    failures: list[str] = []
    new_shapes: deque[tuple[str, str]] = deque([("(start)", "/")])
    more: deque[tuple[str, str]] = deque()
    queued = {"/"}
    shape_visits: dict[str, int] = {}
    fetched = 0
    while (new_shapes or more) and fetched < PAGES_PER_ACCOUNT:
        source, url = new_shapes.popleft() if new_shapes else more.popleft()
        kind = shape(url)
        if shape_visits.get(kind, 0) >= VISITS_PER_SHAPE:
            continue
        if new_shapes and shape_visits.get(kind):
            # Seen this shape already: come back to it once every new shape is visited.
            more.append((source, url))
            continue
        shape_visits[kind] = shape_visits.get(kind, 0) + 1
        response = client.get(url)
        fetched += 1
        if response.status_code in (301, 302, 303, 307, 308):
            target = same_site(url, response["Location"])
            if target and target not in queued:
                queued.add(target)
                new_shapes.append((url, target))
            continue
        if response.status_code >= 400:
            failures.append(f"{name}: {source} -> {url} -> {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue  # a download: fetched, not read
        for href in links_of(response.content.decode()):
            target = same_site(url, href)
            if target is None or target in queued:
                continue
            queued.add(target)
            (more if shape(target) in shape_visits else new_shapes).append((url, target))
    return failures, fetched


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    """The demo borough, small, for the whole module; rolled back afterwards."""
    from familyhub.accounts.models import User
    from familyhub.demo.borough import load_demo_borough

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo_borough(people=100, seed=2026, out=io.StringIO())
            yield list(User.objects.filter(is_active=True).order_by("username"))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def demo_accounts() -> list[str]:
    from familyhub.accounts.roles import STAFF_ROLES
    from familyhub.demo.portal import LINKED, WAITING

    # The family accounts crawl the family side (every staff link sends them back to it).
    return [role.value for role in STAFF_ROLES] + ["domestic_abuse_worker", LINKED, WAITING]


@pytest.mark.django_db
@pytest.mark.parametrize("username", demo_accounts())
def test_every_link_a_demo_account_sees_leads_somewhere(borough, client, settings, username):
    settings.FAMILYHUB_REQUIRE_2FA = False
    user = next(u for u in borough if u.username == username)
    client.force_login(user)
    failures, fetched = crawl(client, username)
    assert fetched > 3, f"{username} reached only {fetched} pages"
    assert not failures, "Links that answer an error:\n" + "\n".join(failures)
