"""The append-only, hash-chained access log.

Each row's chain_hash = sha256(prev_hash + canonical(row)), where prev_hash is the previous row's
chain_hash ("0" * 64 for the first). Appends lock the single AccessLogHead row (SELECT ... FOR
UPDATE on PostgreSQL, inside one server-side statement so the lock lasts as long as that
statement; SQLite serialises writers itself), so two requests can never both extend the chain
from the same row. The head also keeps the last seq and hash: cutting rows off the end
is detected as well as changing or removing rows in the middle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from familyhub.access.models import AccessLog, AccessLogHead

GENESIS = "0" * 64


def canonical(
    *,
    seq: int,
    occurred_at,
    user_id: int | None,
    username: str,
    person_pk: int,
    person_public_id,
    action: str,
    purpose: str,
    channel: str,
    detail: str,
) -> str:
    return json.dumps(
        [
            seq,
            occurred_at.isoformat(timespec="microseconds"),
            user_id,
            username,
            person_pk,
            str(person_public_id) if person_public_id else None,
            action,
            purpose,
            channel,
            detail,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )


def chain(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def row_content(row: AccessLog) -> str:
    return canonical(
        seq=row.seq,
        occurred_at=row.occurred_at,
        user_id=row.user_id,
        username=row.username,
        person_pk=row.person_pk,
        person_public_id=row.person_public_id,
        action=row.action,
        purpose=row.purpose,
        channel=row.channel,
        detail=row.detail,
    )


def append(
    user,
    people: Iterable[tuple[int, Any]],
    *,
    action: str,
    purpose: str,
    channel: str,
    detail: str = "",
) -> int:
    """Append one row per (person pk, person public id). Returns how many were written.

    Atomic; takes the chain-head lock for the length of the caller's transaction.
    """
    pairs = list(people)
    if not pairs:
        return 0
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    username = getattr(user, "username", "") or "" if user_id else ""
    now = timezone.now()
    purpose = (purpose or "")[:200]
    detail = (detail or "")[:500]
    fields = {
        "occurred_at": now,
        "user_id": user_id,
        "username": username,
        "action": action,
        "purpose": purpose,
        "channel": channel,
        "detail": detail,
    }
    if connection.vendor == "postgresql":
        return _append_in_database(pairs, fields)
    return _append_here(pairs, fields)


def _append_in_database(pairs: list[tuple[int, Any]], fields: dict[str, Any]) -> int:
    """PostgreSQL: one statement locks the head, chains, inserts and moves the head
    (migration access 0004), so the head lock is held for one statement, not four round trips.
    The canonical text is built here, by the same function as the Python path and verify(): the
    database only puts "[<seq>," in front of each row's rest."""
    rests = [
        canonical(seq=0, person_pk=pk, person_public_id=public_id, **fields)[len("[0,") :]
        for pk, public_id in pairs
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_log_append(%s, %s, %s, %s, %s, %s, %s, "
            "%s::bigint[], %s::uuid[], %s::text[])",
            [
                fields["occurred_at"],
                fields["user_id"],
                fields["username"],
                fields["action"],
                fields["purpose"],
                fields["channel"],
                fields["detail"],
                [pk for pk, _ in pairs],
                [str(public_id) if public_id else None for _, public_id in pairs],
                rests,
            ],
        )
        return int(cursor.fetchone()[0])


def _append_here(pairs: list[tuple[int, Any]], fields: dict[str, Any]) -> int:
    """Lock the head, chain in Python, one bulk INSERT, move the head (SQLite, which serialises
    writers itself)."""
    with transaction.atomic():
        head = AccessLogHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head, _ = AccessLogHead.objects.get_or_create(pk=1)
            head = AccessLogHead.objects.select_for_update().get(pk=1)
        seq, prev = head.last_seq, head.last_hash
        rows = []
        for person_pk, public_id in pairs:
            seq += 1
            content = canonical(seq=seq, person_pk=person_pk, person_public_id=public_id, **fields)
            digest = chain(prev, content)
            rows.append(
                AccessLog(
                    seq=seq,
                    person_pk=person_pk,
                    person_public_id=public_id,
                    prev_hash=prev,
                    chain_hash=digest,
                    **fields,
                )
            )
            prev = digest
        AccessLog.objects.bulk_create(rows)
        AccessLogHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return len(rows)


@dataclass
class Verification:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify(*, batch: int = 5000) -> Verification:
    """Recompute the chain in seq order, streaming; report the first row that does not fit."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = list(AccessLog.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not rows:
            break
        for row in rows:
            count += 1
            if row.seq != expected_seq:
                return Verification(
                    False, count, expected_seq, f"row {expected_seq} is missing (found {row.seq})"
                )
            if row.prev_hash != prev:
                return Verification(
                    False, count, row.seq, "its previous-hash does not match the row before it"
                )
            if chain(prev, row_content(row)) != row.chain_hash:
                return Verification(False, count, row.seq, "its content does not match its hash")
            prev = row.chain_hash
            expected_seq += 1
            last_seq = row.seq
    head = AccessLogHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev):
        return Verification(
            False,
            count,
            last_seq + 1,
            f"the chain head expects {head.last_seq} rows but {last_seq} are present",
        )
    return Verification(True, count)
