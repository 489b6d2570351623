"""familyhub backup PATH: the whole database in one file, and what was in it beside it.

PostgreSQL: `pg_dump --format=custom` (compressed; `familyhub restore` reads it with pg_restore,
in parallel with --jobs). SQLite (the demo): a copy through SQLite's online backup API, safe while
the site runs. Either way PATH.json is written beside it: when, from which database, the counts of
people, households and access-log rows, and the access log's head (its last row and hash), all as
of the backup's own snapshot (pg_dump runs in the transaction the counts were read in), so that
`familyhub restore` can prove it brought back exactly what was backed up.

The files hold every person's details: they are written readable by their owner only. Keep them
encrypted and off the database server, and keep the access log's key elsewhere (docs/DEPLOY.md).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

# What a restore is checked against. The command sits in core, below the parts whose tables it
# counts, so it names their models by label rather than importing them (as the operations tool
# that copies every table, it knows the register's tables by name).
COUNTED = {
    "people": ("people", "Person"),
    "households": ("people", "Household"),
    "access_log_rows": ("audit", "AccessLog"),
}
MANIFEST_SUFFIX = ".json"
LABELS = {
    "people": ("person", "people"),
    "households": ("household", "households"),
    "access_log_rows": ("access-log row", "access-log rows"),
}


def described_counts(found: dict[str, int]) -> str:
    """'1,000 people, 1 household, 2,000 access-log rows'."""
    return ", ".join(
        f"{found[name]:,} {one if found[name] == 1 else many}"
        for name, (one, many) in LABELS.items()
    )


FORMAT = "familyhub-backup-1"


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {
        name: apps.get_model(app, model)._default_manager.using(alias).count()
        for name, (app, model) in COUNTED.items()
    }


def access_log_head(alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """The chain head's last row and hash (or row 0 on an empty log)."""
    head = apps.get_model("audit", "AccessLogHead")._default_manager.using(alias).filter(pk=1)
    found = head.values("last_seq", "last_hash").first()
    return {"seq": found["last_seq"], "hash": found["last_hash"]} if found else {"seq": 0}


def latest_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """Each app's newest applied migration, so a restore can say whether the code matches."""
    applied: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        applied[app] = max(applied.get(app, ""), name)
    return dict(sorted(applied.items()))


def postgres_command_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """pg_dump / pg_restore / psql connection arguments and environment for a Django database:
    the password goes in the environment (PGPASSWORD), never on the command line."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise CommandError(
            f"{name} was not found on the PATH. Install PostgreSQL's client programs "
            f"(Debian: apt-get install postgresql-client), of the server's version or newer."
        )
    return found


def run_tool(command: list[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()
        raise CommandError(f"{what} failed (exit {completed.returncode}):\n{detail}")


def size(path: Path) -> str:
    megabytes = path.stat().st_size / (1024 * 1024)
    return f"{megabytes:,.1f} MB"


@contextmanager
def private_files():
    """Files made inside are readable and writable by their owner only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


class Command(BaseCommand):
    help = (
        "Back up the whole database to PATH (PostgreSQL: pg_dump custom format; SQLite: a copy), "
        "with PATH.json recording its counts and the access log's head."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("path", help="the backup file to write, e.g. familyhub-2026-12-03.dump")
        parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
        parser.add_argument(
            "--compress",
            type=int,
            choices=range(0, 10),
            metavar="0-9",
            default=None,
            help="PostgreSQL: pg_dump's compression level (default pg_dump's own; 1 is faster)",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="the database's alias in the settings"
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        path = Path(options["path"]).absolute()
        alias = options["database"]
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} already exists: choose a new name, or add --force.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        connection = connections[alias]
        partial = path.with_name(path.name + ".partial")
        started = time.perf_counter()
        with private_files():
            if connection.vendor == "postgresql":
                manifest = self._postgresql(alias, partial, options["compress"])
            elif connection.vendor == "sqlite":
                manifest = self._sqlite(alias, partial)
            else:
                raise CommandError(f"Backups of {connection.vendor} databases are not supported.")
            # Renamed only once complete: a file with the final name is never half written.
            os.replace(partial, path)
            manifest.update(
                {
                    "file": path.name,
                    "bytes": path.stat().st_size,
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
            manifest_path(path).write_text(json.dumps(manifest, indent=2) + "\n")
        found = manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {path} ({size(path)}, {manifest['seconds']} s): "
                f"{described_counts(found)} (the log's head is row "
                f"{manifest['access_log_head']['seq']:,}). What it holds: {manifest_path(path)}."
            )
        )

    def _describe(self, alias: str) -> dict[str, Any]:
        connection = connections[alias]
        return {
            "format": FORMAT,
            "vendor": connection.vendor,
            "database": Path(str(connection.settings_dict["NAME"])).name,
            "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "counts": counts(alias),
            "access_log_head": access_log_head(alias),
            "migrations": latest_migrations(alias),
        }

    def _postgresql(self, alias: str, partial: Path, compress: int | None) -> dict[str, Any]:
        connection = connections[alias]
        pg_dump = tool("pg_dump")
        args, env = postgres_command_env(connection.settings_dict)
        # The counts and pg_dump share one snapshot: what PATH.json says is what the file holds.
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            manifest = self._describe(alias)
            command = [pg_dump, *args, "--format=custom", f"--snapshot={snapshot}"]
            if compress is not None:
                command.append(f"--compress={compress}")
            command += ["--file", str(partial), "--dbname", str(connection.settings_dict["NAME"])]
            try:
                run_tool(command, env, "pg_dump")
            except CommandError:
                partial.unlink(missing_ok=True)
                raise
        return manifest

    def _sqlite(self, alias: str, partial: Path) -> dict[str, Any]:
        connection = connections[alias]
        connection.ensure_connection()
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            with target:
                connection.connection.backup(target)
        finally:
            target.close()
        # Counted in the copy itself: the live database may have moved on since.
        return describe_sqlite_file(partial, self._describe(alias))


def describe_sqlite_file(path: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Replace the manifest's counts and head with those of the SQLite file at path."""
    tables = {
        name: apps.get_model(app, model)._meta.db_table for name, (app, model) in COUNTED.items()
    }
    head_table = apps.get_model("audit", "AccessLogHead")._meta.db_table
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        manifest["counts"] = {
            name: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for name, table in tables.items()
        }
        head = copy.execute(
            f'SELECT last_seq, last_hash FROM "{head_table}" WHERE id = 1'
        ).fetchone()
    finally:
        copy.close()
    manifest["access_log_head"] = {"seq": head[0], "hash": head[1]} if head else {"seq": 0}
    return manifest
