"""The function the access log's SQLite triggers ask before a row of the log or its head is
deleted (migration access 0006).

SQLite has neither roles nor TRUNCATE, and the test runner empties every table with DELETE
between tests, so a trigger that refused every DELETE would stop the test suite. The triggers ask
familyhub_access_log_may_reset() instead: Familyhub registers it on each connection it opens, and
it says yes only under the test settings (FAMILYHUB_ACCESS_LOG_ALLOW_RESET). A connection that is
not Familyhub's, such as the sqlite3 shell, has no such function, so a DELETE there fails too.
Someone who can write the database file can still drop the triggers: the keyed chain and the
checkpoints outside the database are what catch that (audit.log, audit.checkpoints).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created
from django.dispatch import receiver

FUNCTION = "familyhub_access_log_may_reset"


def _may_reset() -> int:
    from django.conf import settings

    return 1 if getattr(settings, "FAMILYHUB_ACCESS_LOG_ALLOW_RESET", False) else 0


@receiver(connection_created, dispatch_uid="familyhub.audit.sqlite_guard")
def register_the_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 0, _may_reset)
