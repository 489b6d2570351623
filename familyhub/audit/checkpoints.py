"""Checkpoints of the access log's head, kept outside the database.

`familyhub access-log-checkpoint` (run daily by cron or a systemd timer, or the background task
access.tasks.write_access_log_checkpoint) appends one line to the day's file under
FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR: the head's seq and hash, the row keyed chaining began at,
when, and the key that signed the line (an HMAC under the log's key, so a line cannot be made up
or edited by someone who does not hold it). The files are only ever appended to.

The verifier compares every checkpoint with the rows: a checkpoint beyond the last row means rows
were cut off the end; a checkpoint whose hash is not its row's means the log was rewritten. The
database cannot hide either, because the checkpoints are not in it.
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.utils import dateformat, timezone

from familyhub.audit.keys import RETIRED_VARIABLE, ChainKey, current_key
from familyhub.audit.models import AccessLogHead

PREFIX = "access-log-checkpoints-"
SUFFIX = ".jsonl"
STALE_AFTER = timedelta(days=2)
_SIGNED = "familyhub access log checkpoint\n"  # never the start of a row's chained text


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    keyed_from: int
    written_at: datetime
    written_at_text: str
    key_id: str
    file: str = ""
    line: int = 0


def signed_text(*, seq: int, hash: str, keyed_from: int, written_at: str, key_id: str) -> str:
    return _SIGNED + json.dumps(
        [seq, hash, keyed_from, written_at, key_id], separators=(",", ":"), ensure_ascii=False
    )


def when(moment: datetime) -> str:
    """'3 December 2026 at 1:42am', Europe/London."""
    local = timezone.localtime(moment)
    return f"{dateformat.format(local, 'j F Y')} at {dateformat.format(local, 'g:i')}" + (
        "am" if local.hour < 12 else "pm"
    )


def describe(checkpoint: Checkpoint) -> str:
    return (
        f"checkpoint written on {when(checkpoint.written_at)} ({checkpoint.file}, "
        f"line {checkpoint.line})"
    )


def write_checkpoint(directory: Path | str | None = None) -> Checkpoint:
    """Append the head's seq and hash, signed, to today's file. Raises OSError if it cannot."""
    from django.conf import settings

    directory = Path(directory or settings.FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR)
    head = AccessLogHead.objects.filter(pk=1).first() or AccessLogHead(pk=1)
    key = current_key()
    now = timezone.now()
    written_at = now.astimezone(UTC).isoformat(timespec="seconds")
    record: dict[str, object] = {
        "seq": head.last_seq,
        "hash": head.last_hash,
        "keyed_from": head.keyed_from,
        "written_at": written_at,
        "key_id": key.id,
    }
    record["signature"] = key.mac(
        signed_text(
            seq=head.last_seq,
            hash=head.last_hash,
            keyed_from=head.keyed_from,
            written_at=written_at,
            key_id=key.id,
        )
    )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{PREFIX}{timezone.localdate(now).isoformat()}{SUFFIX}"
    line = (json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")
    # O_APPEND: one write() of one line, never over what is there, whoever else appends.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    with path.open("rb") as handle:
        number = sum(1 for _ in handle)
    return Checkpoint(
        head.last_seq, head.last_hash, head.keyed_from, now, written_at, key.id, path.name, number
    )


def read_checkpoints(
    directory: Path, keys: dict[str, ChainKey]
) -> tuple[list[Checkpoint], list[str], list[str]]:
    """Every checkpoint whose signature holds, the problems with those that do not, and
    warnings (none at all; the newest is old)."""
    checkpoints: list[Checkpoint] = []
    problems: list[str] = []
    paths = sorted(directory.glob(f"{PREFIX}*{SUFFIX}")) if directory.is_dir() else []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"checkpoint file {path.name} cannot be read: {error}.")
            continue
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            checkpoint, problem = _parse(line, path.name, number, keys)
            if problem:
                problems.append(problem)
            elif checkpoint is not None:
                checkpoints.append(checkpoint)
    warnings = []
    if not checkpoints and not problems:
        warnings.append(
            f"No checkpoints were found in {directory}, so rows cut off the end of the log "
            "cannot be detected. Run familyhub access-log-checkpoint daily (docs/ACCESS-LOG.md)."
        )
    elif checkpoints:
        newest = max(checkpoints, key=lambda c: c.written_at)
        if timezone.now() - newest.written_at > STALE_AFTER:
            warnings.append(
                f"The newest checkpoint was written on {when(newest.written_at)}, more than "
                "2 days ago: is the daily familyhub access-log-checkpoint still running?"
            )
    return checkpoints, problems, warnings


def _parse(
    line: str, name: str, number: int, keys: dict[str, ChainKey]
) -> tuple[Checkpoint | None, str]:
    where = f"checkpoint file {name}, line {number},"
    try:
        record = json.loads(line)
        seq, digest, keyed_from = record["seq"], record["hash"], record["keyed_from"]
        written_at, key_id, signature = (
            record["written_at"],
            record["key_id"],
            record["signature"],
        )
        if not (isinstance(seq, int) and isinstance(keyed_from, int)):
            raise ValueError("seq and keyed_from must be whole numbers")
        if not all(isinstance(v, str) for v in (digest, written_at, key_id, signature)):
            raise ValueError("hash, written_at, key_id and signature must be text")
        moment = datetime.fromisoformat(written_at)
        if moment.tzinfo is None:
            raise ValueError("written_at has no time zone")
    except (ValueError, KeyError, TypeError) as error:
        return None, f"{where} cannot be read ({error}): it has been changed or cut short."
    key = keys.get(key_id)
    if key is None:
        return None, (
            f"{where} is signed with key {key_id}, which this check does not hold. If it is a "
            f"retired key, list it in {RETIRED_VARIABLE}; otherwise the line was not written "
            "by Familyhub."
        )
    expected = key.mac(
        signed_text(
            seq=seq, hash=digest, keyed_from=keyed_from, written_at=written_at, key_id=key_id
        )
    )
    if not hmac.compare_digest(expected, signature):
        return None, f"{where} does not match its signature: it has been changed."
    return Checkpoint(seq, digest, keyed_from, moment, written_at, key_id, name, number), ""
