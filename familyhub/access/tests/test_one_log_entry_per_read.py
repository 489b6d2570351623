"""100% of person reads, through every channel this part serves, write exactly one access-log
entry per person shown: no read unlogged, none logged twice."""

from __future__ import annotations

from collections import Counter

import pytest

from familyhub.audit.models import AccessLog

pytestmark = pytest.mark.django_db


def test_every_read_channel_logs_each_person_exactly_once(world, signed_in):
    client = world.client(world.owner, signed_in)
    family = [world.mum.pk, world.child.pk]
    reads = [
        ("page", f"/access/families/{world.household.public_id}/", {}, family, "read"),
        (
            "page",
            f"/access/families/{world.household.public_id}/",
            {"category": "general"},
            family,
            "read",
        ),
        (
            "export",
            f"/access/families/{world.household.public_id}/timeline.csv",
            {},
            family,
            "export",
        ),
        ("api", f"/access/api/families/{world.household.public_id}/", {}, family, "read"),
        ("page", f"/access/notes/{world.hub_note.public_id}/", {}, [world.mum.pk], "read"),
        ("search", "/access/notes/", {"q": "note"}, [world.mum.pk], "search"),
        ("api", "/access/api/notes/", {"q": "note"}, [world.mum.pk], "search"),
        ("page", f"/access/people/{world.mum.public_id}/consent/", {}, [world.mum.pk], "read"),
        ("page", f"/access/people/{world.mum.public_id}/notes/new/", {}, [world.mum.pk], "read"),
        ("page", f"/access/notes/{world.hub_note.public_id}/share/", {}, [world.mum.pk], "read"),
    ]
    for channel, url, params, people, action in reads:
        before = AccessLog.objects.count() and AccessLog.objects.order_by("-seq").first().seq
        response = client.get(url, params)
        assert response.status_code == 200, url
        new = AccessLog.objects.filter(seq__gt=before or 0)
        assert Counter(new.values_list("person_pk", flat=True)) == Counter(people), url
        assert set(new.values_list("channel", "action")) == {(channel, action)}, url
        assert all(row.user_id == world.owner.pk and row.purpose for row in new), url
    # Refusals and misses are not reads: nothing is logged for them.
    before = AccessLog.objects.count()
    outsider = world.client(world.outsider, signed_in)
    for _, url, params, _, _ in reads:
        assert outsider.get(url, params).status_code in (200, 404)
    assert AccessLog.objects.filter(user=world.outsider).count() == 0
    assert AccessLog.objects.count() == before
