"""No staff page is reachable from a family account: every URL pattern of the site outside
/family/ (with a made-up id in each converter) answers a signed-in family account with the
family home page (or, for the API, 403), for GET and POST alike."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_VALUES = {"uuid": str(uuid.uuid4()), "int": "1", "slug": "x", "str": "x", "path": "x"}


def staff_urls(patterns=None, prefix: str = "") -> list[str]:
    urls: list[str] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            urls += staff_urls(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith(("family/", "^static", "static/")) or route in ("healthz",):
                continue
            if route.startswith("^") or "(?P" in route:
                continue  # a regex route (the API router's format suffixes): its plain twin is walked
            urls.append("/" + _PARAM.sub(lambda m: _VALUES.get(m.group(1) or "str", "x"), route))
    return urls


def test_there_are_many_staff_urls_to_walk():
    urls = staff_urls()
    assert len(urls) > 100 and "/family-accounts/" in urls
    assert any(url.startswith("/people/") for url in urls)


def test_every_staff_url_sends_a_family_account_home(client, linked):
    home = reverse("portal:home")
    reached = []
    for url in staff_urls():
        for method in (client.get, client.post):
            response = method(url)
            if url.startswith("/api/"):
                ok = response.status_code == 403
            elif url.startswith("/health"):
                ok = True
            else:
                ok = response.status_code == 302 and response.url == home
            if not ok:
                reached.append(f"{method.__name__.upper()} {url} -> {response.status_code}")
    assert not reached, "\n".join(reached)


def test_the_family_account_still_reaches_its_own_pages(client, linked):
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("portal:sessions")).status_code == 200


def test_a_member_of_staff_on_the_family_pages_is_asked_to_sign_in_as_family(
    client, door, signed_in
):
    signed_in(client, door.reception)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:sign-in"))
