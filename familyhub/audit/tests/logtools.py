"""Helpers for the access-log tests: fill the log, and tamper with it as someone with the
database's owner rights could (triggers switched off), inside the test's transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.db import connection

from familyhub.audit.keys import ChainKey
from familyhub.audit.log import log_change, row_content
from familyhub.audit.models import AccessLog
from familyhub.testing.factories import PersonFactory

SQLITE_TRIGGERS = (
    "access_log_append_only",
    "access_log_no_delete",
    "access_log_head_no_delete",
    "access_log_head_created_empty",
    "access_log_head_moves_forward",
)


def fill(user, n: int = 5) -> list:
    people = [PersonFactory() for _ in range(n)]
    for person in people:
        log_change(user, [person], action="read", purpose="test", channel="page")
    return people


def tamper(sql: str, params=()) -> None:
    """Run SQL with the log's triggers off, the way an attacker with owner rights would: on
    PostgreSQL session_replication_role = replica (skips every ordinary trigger); SQLite has no
    such switch, so the triggers are dropped. Both inside the test's transaction, which is rolled
    back afterwards (DDL is transactional on both databases)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


Mac = Callable[[str, AccessLog], str]


def sha256_keeping_its_key_id(prev: str, row: AccessLog) -> str:
    """The chain an attacker without the key can compute: plain sha256, as before keying."""
    return hashlib.sha256((prev + row_content(row)).encode("utf-8")).hexdigest()


def sha256_without_a_key(prev: str, row: AccessLog) -> str:
    """The same, passing the row off as one written before the log was keyed."""
    row.key_id = ""
    return sha256_keeping_its_key_id(prev, row)


def hmac_with(key: ChainKey, *, claiming: str | None = None) -> Mac:
    """A keyed chain under `key`, naming it (or, to pass for Familyhub's, another key's id)."""

    def mac(prev: str, row: AccessLog) -> str:
        row.key_id = claiming or key.id
        return key.mac(prev + row_content(row))

    return mac


def rechain(from_seq: int, mac: Mac, *, change: dict | None = None) -> None:
    """Rewrite the log from one row on: change that row's fields, recompute every hash from it
    on with `mac`, and move the head to match, as an attacker covering their tracks would."""
    rows = list(AccessLog.objects.filter(seq__gte=from_seq).order_by("seq"))
    prev = AccessLog.objects.get(seq=from_seq - 1).chain_hash if from_seq > 1 else "0" * 64
    for row in rows:
        if row.seq == from_seq:
            for name, value in (change or {}).items():
                setattr(row, name, value)
        row.prev_hash = prev
        row.chain_hash = mac(prev, row)
        tamper(
            "UPDATE access_accesslog SET purpose = %s, prev_hash = %s, chain_hash = %s, "
            "key_id = %s WHERE seq = %s",
            [row.purpose, row.prev_hash, row.chain_hash, row.key_id, row.seq],
        )
        prev = row.chain_hash
    move_head_to(rows[-1])


def move_head_to(row: AccessLog) -> None:
    tamper(
        "UPDATE access_accessloghead SET last_seq = %s, last_hash = %s, key_id = %s WHERE id = 1",
        [row.seq, row.chain_hash, row.key_id],
    )


def cut_tail(after_seq: int) -> None:
    """Delete every row after one and move the head back to it."""
    tamper("DELETE FROM access_accesslog WHERE seq > %s", [after_seq])
    move_head_to(AccessLog.objects.get(seq=after_seq))
