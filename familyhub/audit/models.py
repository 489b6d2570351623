"""The access log: one row per read, search, export or change of one person's information.

It is its own part, on the ground floor above accounts, because every part's services write to it
in their own transactions (the register's included, which sits below the access layer); only the
information governance lead's pages read it. See docs/ACCESS-LOG.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from familyhub.audit import sqlite_guard  # noqa: F401  (the log's SQLite triggers call it)


class Channel(models.TextChoices):
    PAGE = "page", "Page"
    API = "api", "API"
    SEARCH = "search", "Search"
    EXPORT = "export", "Export"
    REPORT = "report", "Report"
    REGISTRATION = "registration", "Registration"
    TASK = "task", "Background task"


class Action(models.TextChoices):
    READ = "read", "Read"
    SEARCH = "search", "Search"
    EXPORT = "export", "Export"
    CHANGE = "change", "Change"
    CREATE = "create", "Create"
    MERGE = "merge", "Merge"
    BREAK_GLASS = "break_glass", "Break-glass"
    # Retention: a record destroyed under an approved batch (its type and id, never its
    # content), and a legal hold set or lifted.
    DESTROY = "destroy", "Destruction"
    LEGAL_HOLD = "legal_hold", "Legal hold"


class ImmutableRowError(Exception):
    """Raised when code tries to change or delete an access-log row."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise ImmutableRowError("The access log is append-only.")

    def delete(self):  # type: ignore[override]
        raise ImmutableRowError("The access log is append-only.")


class AccessLog(models.Model):
    """One read, search, export or change of one person's information. Append-only.

    No foreign keys to Person: merge and unmerge rewrite every reference to a person, and the log
    must record what happened as it happened (and a deleted person's log stays). `chain_hash` is
    HMAC-SHA256 under the key `key_id` names of the previous row's chain_hash + this row's
    canonical content (plain sha256 for rows written before the log was keyed): see audit.log.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    person_pk = models.PositiveBigIntegerField(db_index=True)
    person_public_id = models.UUIDField(null=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    purpose = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    detail = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    # Which key chained the row (derived from the key, which is never stored here); blank for
    # rows written before keyed chaining began (AccessLogHead.keyed_from).
    key_id = models.CharField(max_length=16, blank=True, default="")

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        # The tables keep the names they had when the log lived in the access part.
        db_table = "access_accesslog"
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["person_pk", "occurred_at"], name="accesslog_person_idx"),
            models.Index(fields=["user", "occurred_at"], name="accesslog_user_idx"),
        ]

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRowError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise ImmutableRowError("The access log is append-only.")


class AccessLogHeadQuerySet(models.QuerySet):
    def delete(self):  # type: ignore[override]
        raise ImmutableRowError("The access log's head cannot be deleted.")


class AccessLogHead(models.Model):
    """The single row that serialises appends (locked with SELECT ... FOR UPDATE) and remembers
    the last sequence number, hash and key, so that cutting rows off the end is detected too.

    The database lets it move only forward, to the row just appended (migration access 0006, from before the log had its own part).
    `keyed_from` is the first row chained with a key: rows before it were written before this
    version and are checked with the old unkeyed chain (docs/ACCESS-LOG.md)."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=16, blank=True, default="")
    keyed_from = models.PositiveBigIntegerField(default=1)

    objects = AccessLogHeadQuerySet.as_manager()

    class Meta:
        db_table = "access_accessloghead"

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise ImmutableRowError("The access log's head cannot be deleted.")
