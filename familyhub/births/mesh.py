"""The MESH mailbox folder: where a council's MESH client puts the messages NEMS sends.

MESH (the NHS's Message Exchange for Social Care and Health) cannot be reached from here, so
Familyhub does not talk to it: the council runs NHS England's MESH client (or its own), which
downloads the mailbox's messages into a folder, `FAMILYHUB_MESH_INBOX_DIR`. The reader takes
every complete file there (not hidden, not `*.tmp`, `*.part` or the client's `*.ctl` control
files), stores it (`services.receive`), applies it, and only then moves it, with its control
file, into `processed/` beside the inbox. A crash between any two steps leaves the file where
it was; the next run stores it again as the same message (nothing twice) and carries on.
Nothing is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from familyhub.births import services
from familyhub.births.models import Channel, MessageStatus, ReceivedMessage

PROCESSED = "processed"
SKIPPED_SUFFIXES = (".tmp", ".part", ".ctl", ".partial")
# Files stored per transaction: a crash stores none of a chunk, and they are still in the folder.
CHUNK = 1000


@dataclass
class FolderRun:
    stored: int = 0
    already_stored: int = 0
    moved: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def inbox() -> Path:
    return Path(settings.FAMILYHUB_MESH_INBOX_DIR)


def waiting_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and not path.name.lower().endswith(SKIPPED_SUFFIXES)
    )


def read_folder(
    folder: Path | None = None, *, limit: int | None = None, authority=None
) -> FolderRun:
    """Store, apply and move aside every complete file in the inbox (the deployment's council's
    unless `authority` says: the benchmark reads into a council of its own)."""
    folder = folder or inbox()
    run = FolderRun()
    paths = waiting_files(folder)[:limit] if limit else waiting_files(folder)
    before = ReceivedMessage.objects.count()
    stored: list[tuple[Path, int]] = []
    for start in range(0, len(paths), CHUNK):
        chunk = paths[start : start + CHUNK]
        ids = services.receive_many(
            [(path.read_bytes(), path.name) for path in chunk],
            channel=Channel.MESH,
            authority=authority,
        )
        stored.extend(zip(chunk, ids, strict=True))
    run.stored = ReceivedMessage.objects.count() - before
    run.already_stored = len(stored) - run.stored
    run.statuses = services.process_pending()
    done = set(
        ReceivedMessage.objects.filter(pk__in=[pk for _, pk in stored])
        .exclude(status=MessageStatus.RECEIVED)
        .values_list("pk", flat=True)
    )
    for path, pk in stored:
        if pk in done:
            _move_aside(path, folder / PROCESSED)
            run.moved += 1
    return run


def _move_aside(path: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    control = path.with_suffix(".ctl")
    path.replace(target / path.name)
    if control.exists() and control != path:
        control.replace(target / control.name)
