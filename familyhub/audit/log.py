"""The access log: what the parts call (log_change for a service's write, log_shown for what a
page shows), and the append-only, keyed hash chain behind it.

Each row's chain_hash = HMAC-SHA256(key, prev_hash + canonical(row)), where prev_hash is the
previous row's chain_hash ("0" * 64 for the first) and the key is FAMILYHUB_ACCESS_LOG_KEY, held
outside the database (audit.keys). Without the key nobody can rewrite a row and recompute the
chain after it. Each row names its key by id, so the key can be rotated: the verifier holds the
retired keys too, and a key never comes back once the chain has moved on from it. Rows written
before the log was keyed (seq < AccessLogHead.keyed_from) keep their plain sha256 chain; the
first keyed row's HMAC covers the last of them, so they cannot be changed either once one keyed
row follows them.

Appends lock the single AccessLogHead row (SELECT ... FOR UPDATE on PostgreSQL, inside one
server-side statement so the lock lasts as long as that statement; SQLite serialises writers
itself), so two requests can never both extend the chain from the same row. The head keeps the
last seq, hash and key; the database lets it move only forward (migration access 0006). The
checkpoints written outside the database (audit.checkpoints) are what catch the end of the log
being cut off by someone who can switch the database's triggers off.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from familyhub.audit.checkpoints import Checkpoint, describe, read_checkpoints
from familyhub.audit.keys import (
    KEY_VARIABLE,
    RETIRED_VARIABLE,
    ChainKey,
    current_key,
    known_keys,
    retired_keys,
)
from familyhub.audit.models import AccessLog, AccessLogHead
from familyhub.audit.scope import current as current_scope

GENESIS = "0" * 64


class AccessLogKeyError(RuntimeError):
    """This process cannot extend the chain: its newest rows use a key the process does not hold."""


# --- what the parts call ---------------------------------------------------------------------

WRITE_ACTIONS = frozenset({"change", "create", "merge", "break_glass", "destroy", "legal_hold"})


def people_pairs(people: Any) -> list[tuple[int, Any]]:
    """(pk, public id) of a person, an iterable of people or person keys, or a Person queryset.
    Duck-typed on purpose: the log sits below the register and cannot import its models."""
    if hasattr(people, "values_list") and hasattr(people, "model"):
        return list(people.values_list("pk", "public_id"))
    if hasattr(people, "pk"):
        people = [people]
    pairs: list[tuple[int, Any]] = []
    for item in people:
        if hasattr(item, "pk"):
            pairs.append((int(item.pk), getattr(item, "public_id", None)))
        else:
            pairs.append((int(item), None))
    return pairs


def log_change(
    user, people: Any, *, action: str, purpose: str, channel: str = "page", detail: str = ""
) -> int:
    """A service's write (create, change, merge, break-glass): one entry per person, now, in the
    caller's transaction, so the change and its entry are kept or lost together. The request (if
    any) will not log a read for these people as well."""
    pairs = people_pairs(people)
    scope = current_scope()
    if scope is not None:
        scope.written.update(pk for pk, _ in pairs)
    return append(user, pairs, action=action, purpose=purpose, channel=channel, detail=detail)


def log_shown(
    user,
    people: Any,
    *,
    purpose: str,
    channel: str = "page",
    action: str = "read",
    detail: str = "",
) -> None:
    """People a page, an answer, an export or a search result shows: in a request, one entry per
    person when the response is sent (audit.middleware); outside one, now."""
    pairs = people_pairs(people)
    if not pairs:
        return
    scope = current_scope()
    if scope is None:
        append(user, pairs, action=action, purpose=purpose, channel=channel, detail=detail)
    else:
        scope.note_shown(pairs, (action, purpose[:200], channel, detail[:500]))


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
    key_id: str = "",
) -> str:
    values = [
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
    ]
    if key_id:  # rows written before the log was keyed have no key id in their content
        values.append(key_id)
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False)


def chain(prev_hash: str, content: str) -> str:
    """The unkeyed chain of rows written before the log was keyed."""
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def keyed_chain(key: ChainKey, prev_hash: str, content: str) -> str:
    return key.mac(prev_hash + content)


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
        key_id=row.key_id,
    )


def _stale_key_message(head_key_id: str) -> str:
    return (
        f"The access log's newest rows are chained with key {head_key_id}, which this process "
        f"does not hold: start it with the current {KEY_VARIABLE} (and the keys before it in "
        f"{RETIRED_VARIABLE})."
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
    key = current_key()
    if connection.vendor == "postgresql":
        return _append_in_database(pairs, fields, key)
    return _append_here(pairs, fields, key)


_APPEND_SQL = (
    "SELECT access_log_append(%s::timestamptz, %s::bigint, %s::text, %s::text, %s::text, "
    "%s::text, %s::text, %s::bigint[], %s::uuid[], %s::text[], %s::text, %s::bytea, %s::bytea, "
    "%s::text[])"
)


def _append_in_database(pairs: list[tuple[int, Any]], fields: dict[str, Any], key: ChainKey) -> int:
    """PostgreSQL: one statement locks the head, chains, inserts and moves the head
    (migration access 0006), so the head lock is held for one statement, not four round trips.
    The canonical text is built here, by the same function as the Python path and verify(): the
    database only puts "[<seq>," in front of each row's rest. The key reaches the function as
    HMAC's two padded keys, bound parameters of a server-side-bound statement, so it is in no
    statement text (pg_stat_activity, the server's log of failed statements, Django's query
    log); it is never written to a table."""
    import psycopg

    rests = [
        canonical(seq=0, person_pk=pk, person_public_id=public_id, key_id=key.id, **fields)[
            len("[0,") :
        ]
        for pk, public_id in pairs
    ]
    inner, outer = key.pads()
    params = [
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
        key.id,
        inner,
        outer,
        [retired.id for retired in retired_keys()],
    ]
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_APPEND_SQL, params)
        row = cursor.fetchone()
    if connection.queries_logged:  # DEBUG or a test's CaptureQueriesContext: say so, keyless
        connection.queries_log.append(
            {
                "sql": "SELECT access_log_append(...)  -- parameters not shown: they hold the key",
                "time": f"{time.monotonic() - started:.3f}",
            }
        )
    return int(row[0]) if row else 0


def _append_here(pairs: list[tuple[int, Any]], fields: dict[str, Any], key: ChainKey) -> int:
    """Lock the head, chain in Python, one bulk INSERT, move the head (SQLite, which serialises
    writers itself)."""
    with transaction.atomic():
        head = AccessLogHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AccessLogHead.objects.get_or_create(pk=1)
            head = AccessLogHead.objects.select_for_update().get(pk=1)
        if head.key_id and head.key_id != key.id and head.key_id not in known_keys():
            raise AccessLogKeyError(_stale_key_message(head.key_id))
        seq, prev = head.last_seq, head.last_hash
        rows = []
        for person_pk, public_id in pairs:
            seq += 1
            content = canonical(
                seq=seq, person_pk=person_pk, person_public_id=public_id, key_id=key.id, **fields
            )
            digest = keyed_chain(key, prev, content)
            rows.append(
                AccessLog(
                    seq=seq,
                    person_pk=person_pk,
                    person_public_id=public_id,
                    prev_hash=prev,
                    chain_hash=digest,
                    key_id=key.id,
                    **fields,
                )
            )
            prev = digest
        AccessLog.objects.bulk_create(rows)
        AccessLogHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev, key_id=key.id)
    return len(rows)


@dataclass
class Verification:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checkpoints: int = 0
    keyed_from: int = 1

    @property
    def problem(self) -> str:
        return self.problems[0] if self.problems else ""


@dataclass
class _Walk:
    """Where the walk along the chain has got to."""

    keyed_from: int
    keys: dict[str, ChainKey]
    by_seq: dict[int, list[Checkpoint]]
    prev: str = GENESIS
    last_seq: int = 0
    count: int = 0
    key_id: str = ""
    key_since: int = 0
    used_keys: set[str] = field(default_factory=set)
    unknown: dict[str, list[int]] = field(default_factory=dict)  # key id -> first, last row

    def unknown_key_problems(self) -> list[str]:
        return [
            (f"row {first}" if first == last else f"rows {first} to {last}")
            + f" {'is' if first == last else 'are'} chained with key {key_id}, which this check "
            f"does not hold. If it is a retired key, list it in {RETIRED_VARIABLE}; otherwise "
            "the rows were not written by Familyhub."
            for key_id, (first, last) in self.unknown.items()
        ]

    def problem_with(self, row: AccessLog) -> str:
        """The first thing wrong with the next row, or ""."""
        seq = row.seq
        if seq != self.last_seq + 1:
            return f"row {self.last_seq + 1} is missing (the next row present is row {seq})."
        if row.prev_hash != self.prev:
            return (
                f"row {seq} does not follow on from row {seq - 1}: its previous-hash is not "
                f"row {seq - 1}'s hash."
            )
        if seq < self.keyed_from:
            if row.key_id:
                return (
                    f"row {seq} is keyed, but the chain head says keyed chaining began at row "
                    f"{self.keyed_from}: the head has been changed."
                )
            if chain(self.prev, row_content(row)) != row.chain_hash:
                return f"row {seq} has been changed: its content does not match its hash."
        else:
            problem = self._key_problem(row)
            if problem:
                return problem
            key = self.keys.get(row.key_id)
            if key is None:
                # Reported once for the stretch; the rows after it are still checked (a lost
                # key must not stop the check of everything chained after it).
                self.unknown.setdefault(row.key_id, [seq, seq])[1] = seq
            elif keyed_chain(key, self.prev, row_content(row)) != row.chain_hash:
                return (
                    f"row {seq} has been changed: its content does not match its keyed hash, "
                    "so it was rewritten by someone who does not hold the key."
                )
        for checkpoint in self.by_seq.get(seq, []):
            if checkpoint.hash != row.chain_hash:
                return (
                    f"row {seq} does not match the {describe(checkpoint)}: the log has been "
                    f"rewritten at or before row {seq}."
                )
        return ""

    def _key_problem(self, row: AccessLog) -> str:
        seq = row.seq
        if not row.key_id:
            return (
                f"row {seq} has no key, but keyed chaining began at row {self.keyed_from}: it "
                "was rewritten without the key."
            )
        if row.key_id != self.key_id and row.key_id in self.used_keys:
            return (
                f"row {seq} is chained with key {row.key_id}, which row {self.key_since} had "
                f"already replaced with key {self.key_id}: a retired key never comes back, so "
                "the row was forged with an old key."
            )
        return ""

    def accept(self, row: AccessLog) -> None:
        if row.key_id and row.key_id != self.key_id:
            self.key_id, self.key_since = row.key_id, row.seq
            self.used_keys.add(row.key_id)
        self.prev = row.chain_hash
        self.last_seq = row.seq


def verify(*, batch: int = 5000, checkpoint_dir: Path | str | None = None) -> Verification:
    """Recompute the keyed chain in seq order, streaming, and compare it with the chain head and
    every checkpoint: report the first row that does not fit, a head that does not match the
    rows, and any checkpoint the rows contradict (cut off the end, or rewritten)."""
    from django.conf import settings

    directory = Path(checkpoint_dir or settings.FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR)
    keys = known_keys()
    checkpoints, problems, warnings = read_checkpoints(directory, keys)
    head = AccessLogHead.objects.filter(pk=1).first()
    keyed_from = head.keyed_from if head is not None else 1
    by_seq: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
    walk = _Walk(keyed_from=keyed_from, keys=keys, by_seq=by_seq)
    row_problem = ""
    while not row_problem:
        rows = list(AccessLog.objects.filter(seq__gt=walk.last_seq).order_by("seq")[:batch])
        if not rows:
            break
        for row in rows:
            walk.count += 1
            row_problem = walk.problem_with(row)
            if row_problem:
                break
            walk.accept(row)
    unknown = walk.unknown_key_problems()
    problems.extend(unknown)
    # Past a bad row the chain cannot be followed, so the end is only judged when all rows fit.
    found = [row_problem] if row_problem else _tail_problems(walk, head, checkpoints)
    problems.extend(found)
    first_bad = min(
        [first for first, _ in walk.unknown.values()] + ([walk.last_seq + 1] if found else []),
        default=None,
    )
    if keyed_from > 1 and walk.last_seq < keyed_from and not problems:
        warnings.append(
            f"Rows 1 to {keyed_from - 1} were written before the log was keyed and no keyed row "
            "follows them yet: until one does, only the checkpoints protect them."
        )
    return Verification(
        ok=not problems,
        rows=walk.count,
        first_bad_seq=first_bad,
        problems=problems,
        warnings=warnings,
        checkpoints=len(checkpoints),
        keyed_from=keyed_from,
    )


def _tail_problems(
    walk: _Walk, head: AccessLogHead | None, checkpoints: list[Checkpoint]
) -> list[str]:
    problems = []
    if head is not None and (head.last_seq != walk.last_seq or head.last_hash != walk.prev):
        problems.append(
            f"the chain head says the log ends at row {head.last_seq}, but it ends at row "
            f"{walk.last_seq}."
        )
    beyond = [c for c in checkpoints if c.seq > walk.last_seq]
    if beyond:
        furthest = max(beyond, key=lambda c: c.seq)
        problems.append(
            f"the log ends at row {walk.last_seq}, but the {describe(furthest)} recorded row "
            f"{furthest.seq}: rows {walk.last_seq + 1} to {furthest.seq} have been removed from "
            "its end."
        )
    for checkpoint in checkpoints:
        if checkpoint.keyed_from != walk.keyed_from:
            problems.append(
                f"the chain head says keyed chaining began at row {walk.keyed_from}, but the "
                f"{describe(checkpoint)} says row {checkpoint.keyed_from}: the head has been "
                "changed."
            )
            break
    return problems
