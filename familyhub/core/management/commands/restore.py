"""familyhub restore PATH: bring back a backup made by `familyhub backup`, then prove it.

Into the database the settings name (DATABASE_URL), which must be empty unless --force says to
replace everything in it. PostgreSQL: pg_restore of the custom-format file (--jobs N in parallel),
then ANALYZE so the planner has statistics at once. SQLite: the copy written back through SQLite's
backup API.

Then the proof, and the command fails (exit 1) if any part of it fails:
- the access log's keyed chain, its head and the checkpoints (`familyhub verify-access-log`);
- the counts of people, households and access-log rows, and the log's head, against those the
  backup recorded in PATH.json (when PATH.json is there; without it the counts are only shown);
- whether the code's migrations match the database's (run `familyhub migrate` if they are
  behind).
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from familyhub.core.management.commands.backup import (
    LABELS,
    access_log_head,
    counts,
    described_counts,
    manifest_path,
    postgres_command_env,
    run_tool,
    size,
    tool,
)

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


def kind_of(path: Path) -> str:
    with path.open("rb") as file:
        start = file.read(16)
    if start.startswith(PG_MAGIC):
        return "postgresql"
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    raise CommandError(
        f"{path} is not a backup made by familyhub backup (neither a pg_dump custom-format "
        "file nor an SQLite database)."
    )


def postgres_objects(cursor) -> int:  # type: ignore[no-untyped-def]
    cursor.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
    )
    return int(cursor.fetchone()[0])


def postgres_empty_out(cursor) -> None:  # type: ignore[no-untyped-def]
    """Drop every table, view, sequence and function of the public schema (not the schema
    itself, so its owner and grants stay, and not what belongs to an extension)."""
    not_extension = (
        "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"
    )
    kinds = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "m": "MATERIALIZED VIEW"}
    kinds |= {"v": "VIEW", "S": "SEQUENCE"}
    # Tables first (their own sequences and the views on them go with them), then what is left.
    for relkinds in (("r", "p", "f"), ("m", "v", "S")):
        cursor.execute(
            "SELECT c.relkind, quote_ident(c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind::text = ANY(%s) AND "
            + not_extension.format(oid="c.oid"),
            [list(relkinds)],
        )
        for relkind, name in cursor.fetchall():
            cursor.execute(f"DROP {kinds[relkind]} IF EXISTS public.{name} CASCADE")
    cursor.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p') AND "
        + not_extension.format(oid="p.oid")
    )
    for (signature,) in cursor.fetchall():
        cursor.execute(f"DROP ROUTINE IF EXISTS {signature} CASCADE")


class Command(BaseCommand):
    help = (
        "Restore a backup made by `familyhub backup` into the (empty) database, then verify the "
        "access log's chain and compare the counts with those the backup recorded."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("path", help="the backup file written by familyhub backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database that is not empty (it is lost)",
        )
        parser.add_argument(
            "--jobs", type=int, default=1, help="PostgreSQL: pg_restore's parallel jobs"
        )
        parser.add_argument(
            "--no-owner",
            action="store_true",
            help="PostgreSQL: restore without the original owners and grants (into a server "
            "whose roles differ); grant the application's role its rights afterwards",
        )
        parser.add_argument(
            "--checkpoints",
            default="",
            help="the access log's checkpoint directory to verify against "
            "(default FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR)",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="the database's alias in the settings"
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        path = Path(options["path"]).absolute()
        alias = options["database"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist or is not a file.")
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1.")
        connection = connections[alias]
        kind = kind_of(path)
        if kind != connection.vendor:
            raise CommandError(
                f"{path} is a {kind} backup, but the database to restore into is "
                f"{connection.vendor} (DATABASE_URL)."
            )
        manifest = self._manifest(path)
        started = time.perf_counter()
        if kind == "postgresql":
            self._postgresql(alias, path, options)
        else:
            self._sqlite(alias, path, options["force"])
        connections.close_all()
        restored = time.perf_counter()
        self.stdout.write(f"Restored {path} ({size(path)}) in {restored - started:.1f} s.")
        if kind == "postgresql":
            with connections[alias].cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(
                f"Statistics gathered (ANALYZE) in {time.perf_counter() - restored:.1f} s."
            )
        self._verify(alias, options["checkpoints"])
        found = counts(alias)
        self.stdout.write(described_counts(found) + ".")
        self._compare(alias, manifest, found)
        self._migrations(alias)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore verified in {time.perf_counter() - started:.1f} s altogether."
            )
        )

    def _manifest(self, path: Path) -> dict[str, Any] | None:
        described = manifest_path(path)
        if not described.exists():
            self.stderr.write(
                f"Warning: {described.name} is not beside the backup, so the counts cannot be "
                "compared with what was backed up; they are only shown."
            )
            return None
        try:
            return dict(json.loads(described.read_text()))
        except (OSError, ValueError) as error:
            raise CommandError(f"{described} cannot be read: {error}.")

    def _refuse_unless_forced(self, name: str, objects: int, force: bool) -> None:
        if objects and not force:
            raise CommandError(
                f"The database {name} is not empty (it holds {objects:,} tables and other "
                "objects). Restore into a new, empty database, or add --force to replace "
                "everything in it."
            )

    def _postgresql(self, alias: str, path: Path, options: dict[str, Any]) -> None:
        connection = connections[alias]
        name = str(connection.settings_dict["NAME"])
        pg_restore = tool("pg_restore")
        args, env = postgres_command_env(connection.settings_dict)
        try:
            with connection.cursor() as cursor:
                objects = postgres_objects(cursor)
        except DatabaseError as error:
            raise CommandError(
                f"Cannot open the database {name} to restore into: {error}".strip()
                + "\nCreate it first (createdb --owner ROLE NAME), empty."
            )
        self._refuse_unless_forced(name, objects, options["force"])
        if objects:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                postgres_empty_out(cursor)
            self.stdout.write(f"Emptied the database {name} (--force).")
        connections.close_all()
        command = [pg_restore, *args, "--exit-on-error", f"--jobs={options['jobs']}"]
        if options["no_owner"]:
            command += ["--no-owner", "--no-privileges"]
        command += ["--dbname", name, str(path)]
        run_tool(
            command,
            env,
            "pg_restore (the database may now be half restored: fix the cause, then run the "
            "restore again with --force)",
        )

    def _sqlite(self, alias: str, path: Path, force: bool) -> None:
        connection = connections[alias]
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise CommandError("Cannot restore into an in-memory SQLite database.")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite_%'"
            )
            objects = int(cursor.fetchone()[0])
        self._refuse_unless_forced(name, objects, force)
        connections.close_all()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(name)
        try:
            source.execute("PRAGMA schema_version").fetchone()
            with target:
                source.backup(target)
        except sqlite3.DatabaseError as error:
            raise CommandError(f"{path} cannot be restored: {error}.")
        finally:
            source.close()
            target.close()

    def _verify(self, alias: str, checkpoints: str) -> None:
        started = time.perf_counter()
        try:
            # The same check an IT team runs every day (familyhub.audit), run by name: core sits
            # below the access log's part and does not import it.
            call_command(
                "verify_access_log",
                checkpoints=checkpoints,
                stdout=self.stdout,
                stderr=self.stderr,
            )
        except CommandError as error:
            message = str(error)
            if "removed from its end" in message:
                message += (
                    "\nIf those checkpoints were written after this backup was taken, the rows "
                    "they recorded were lost with everything else done since the backup: "
                    "record that with your information governance lead, then move those "
                    "checkpoint files aside (docs/DEPLOY.md, 'Restoring')."
                )
            raise CommandError(f"The restored access log does not verify:\n{message}")
        self.stdout.write(f"Access log verified in {time.perf_counter() - started:.1f} s.")

    def _compare(self, alias: str, manifest: dict[str, Any] | None, found: dict[str, int]) -> None:
        if manifest is None:
            return
        recorded = manifest.get("counts", {})
        wrong = [
            f"{many}: {found[name]:,} restored, {recorded.get(name, 0):,} backed up"
            for name, (_, many) in LABELS.items()
            if found[name] != recorded.get(name)
        ]
        head = access_log_head(alias)
        if head != manifest.get("access_log_head"):
            wrong.append(
                f"the access log's head: row {head['seq']:,} restored, row "
                f"{manifest.get('access_log_head', {}).get('seq', 0):,} backed up"
            )
        if wrong:
            raise CommandError(
                "The restored database does not hold what the backup recorded:\n"
                + "\n".join(f"- {line}" for line in wrong)
            )
        self.stdout.write(
            f"The counts and the access log's head match those recorded at the backup "
            f"({manifest.get('taken_at', 'time unknown')})."
        )

    def _migrations(self, alias: str) -> None:
        executor = MigrationExecutor(connections[alias])
        unknown = set(executor.loader.applied_migrations) - set(executor.loader.graph.nodes)
        if unknown:
            self.stderr.write(
                f"Warning: the backup has {len(unknown)} migrations this version of Familyhub "
                "does not know (it was made by a newer version): run that version."
            )
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            self.stderr.write(
                f"Warning: the backup is from an older version of Familyhub ({len(plan)} "
                "migrations to apply): run familyhub migrate before starting the service."
            )
