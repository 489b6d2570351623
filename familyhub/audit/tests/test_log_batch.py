"""Logging a page of people is one statement into the access log (one bulk INSERT on SQLite), and the chain still verifies,
whatever the text (the database chains it on PostgreSQL, Python on SQLite: verify() recomputes it
in Python, so the database's HMAC is checked against Python's on every PostgreSQL run)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familyhub.audit.keys import current_key
from familyhub.audit.log import log_change, verify
from familyhub.audit.models import AccessLog, AccessLogHead
from familyhub.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _inserts_into_the_log(queries) -> int:
    return sum(
        1
        for q in queries
        # The quotes keep out the chain head's table (access_accessloghead), which a flushed
        # database inserts afresh on the first write.
        if '"access_accesslog"' in q["sql"] and q["sql"].lstrip().upper().startswith("INSERT")
    )


def test_a_page_of_fifty_people_is_one_statement_into_the_log(make_user):
    user = make_user("health_visitor")
    people = [PersonFactory() for _ in range(50)]
    with CaptureQueriesContext(connection) as queries:
        log_change(user, people, action="search", purpose="worklist", channel="page")
    assert AccessLog.objects.count() == 50
    if connection.vendor == "postgresql":
        # One call of the access_log_append function: lock, chain, insert, move the head.
        assert len(queries.captured_queries) == 1
        assert "access_log_append" in queries.captured_queries[0]["sql"]
        # Its parameters hold the key (as HMAC's padded keys): they are not in the query log.
        inner, outer = current_key().pads()
        for secret in (settings.FAMILYHUB_ACCESS_LOG_KEY, inner.hex(), outer.hex()):
            assert secret not in queries.captured_queries[0]["sql"]
    else:
        # One bulk INSERT, split only where SQLite's limit on parameters per statement makes
        # Django split it.
        fields = [f for f in AccessLog._meta.concrete_fields if not f.primary_key]
        per_statement = connection.ops.bulk_batch_size(fields, people)
        assert _inserts_into_the_log(queries.captured_queries) == -(-50 // per_statement)
    head = AccessLogHead.objects.get(pk=1)
    assert head.last_seq == max(AccessLog.objects.values_list("seq", flat=True))
    assert verify().ok


def test_batches_chain_on_from_each_other_with_any_text(make_user):
    user = make_user("school_nurse", username="nurse-ü")
    first = [PersonFactory() for _ in range(3)]
    second = [PersonFactory() for _ in range(4)]
    log_change(user, first, action="read", purpose='a "quoted" name', channel="page")
    log_change(
        user, second, action="search", purpose="Zoë’s list\\n", channel="page", detail="é 🙂"
    )
    log_change(user, [p.pk for p in first], action="read", purpose="x", channel="task")
    rows = list(AccessLog.objects.order_by("seq"))
    assert [r.seq for r in rows] == list(range(rows[0].seq, rows[0].seq + 10))
    assert all(b.prev_hash == a.chain_hash for a, b in zip(rows, rows[1:], strict=False))
    assert rows[-1].person_public_id is None
    assert verify().ok
