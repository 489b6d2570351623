"""The restore drill, as an IT team would run it: back up, change the register, restore into a
new database, and prove the restore (the access log's chain and checkpoints, the counts and the
log's head against those the backup recorded). On PostgreSQL (pg_dump / pg_restore) when the
suite runs there, on SQLite otherwise.

The restore runs as the `familyhub` command in a process of its own, pointed at the new database
by DATABASE_URL, exactly as in docs/DEPLOY.md.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from familyhub.audit.log import log_change, log_shown
from familyhub.audit.models import AccessLog
from familyhub.people.models import Household, Person
from familyhub.testing import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _register(authority, user, families: int) -> None:
    for _ in range(families):
        household = factories.HouseholdFactory(authority=authority)
        people = [factories.PersonFactory(authority=authority) for _ in range(3)]
        for person in people:
            factories.HouseholdMembershipFactory(household=household, person=person)
        log_change(user, people, action="create", purpose="registration")
        log_shown(user, people, purpose="family page")


def _familyhub(args: list[str], database_url: str) -> subprocess.CompletedProcess:
    """The familyhub command in its own process, on the database DATABASE_URL names (the test
    settings, so the same access-log key as this process)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env["DJANGO_SETTINGS_MODULE"] = "familyhub.test_settings"
    return subprocess.run(
        [sys.executable, "-m", "familyhub.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _drill(tmp_path: Path, new_database_url: str) -> tuple[Path, dict, Path]:
    """Register families, checkpoint, back up, then change the register. Returns the backup,
    what it recorded and the checkpoint directory."""
    authority = factories.AuthorityFactory()
    user = factories.UserFactory()
    _register(authority, user, families=4)
    checkpoints = tmp_path / "checkpoints"
    call_command("access_log_checkpoint", stdout=io.StringIO())
    backup = tmp_path / "familyhub.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    recorded = json.loads(Path(f"{backup}.json").read_text())
    assert recorded["counts"] == {"people": 12, "households": 4, "access_log_rows": 24}
    assert recorded["access_log_head"]["seq"] == 24
    assert oct(backup.stat().st_mode & 0o777) == "0o600"  # personal data: the owner's only

    # The change the restore must undo: a family more, one person fewer (and their log rows).
    _register(authority, user, families=1)
    Person.objects.filter(pk=Person.objects.order_by("pk").first().pk).delete()
    assert (Person.objects.count(), Household.objects.count(), AccessLog.objects.count()) == (
        14,
        5,
        30,
    )
    return backup, recorded, checkpoints


def _assert_restored(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stderr + result.stdout
    out = result.stdout
    assert (
        "Access log intact: 24 rows checked against the keyed chain, the chain head and 1 checkpoint"
        in out
    )
    assert "12 people, 4 households, 24 access-log rows." in out
    assert "match those recorded at the backup" in out
    assert "Restore verified" in out


# --- PostgreSQL ----------------------------------------------------------------------------


def _postgres_url(name: str) -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "localhost"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@pytest.fixture
def new_postgres_database():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL drill needs DATABASE_URL=postgres://...")
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield _postgres_url(name)
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_restore_drill(tmp_path, new_postgres_database, monkeypatch):
    monkeypatch.setattr(
        "django.conf.settings.FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR", tmp_path / "checkpoints"
    )
    backup, recorded, checkpoints = _drill(tmp_path, new_postgres_database)
    restore = ["restore", str(backup), "--jobs", "2", "--checkpoints", str(checkpoints)]

    _assert_restored(_familyhub(restore, new_postgres_database))

    # The restored database is a working copy: counted independently of the command.
    import psycopg

    with psycopg.connect(new_postgres_database.replace("postgres://", "postgresql://")) as db:
        assert db.execute("SELECT count(*) FROM people_person").fetchone()[0] == 12
        assert db.execute("SELECT last_seq FROM access_accessloghead").fetchone()[0] == 24

    # A second restore into it is refused: it is no longer empty...
    again = _familyhub(restore, new_postgres_database)
    assert again.returncode == 1
    assert "is not empty" in again.stderr and "--force" in again.stderr
    # ... unless told to replace it.
    _assert_restored(_familyhub([*restore, "--force"], new_postgres_database))


def test_postgresql_restore_reports_rows_lost_since_the_backup(
    tmp_path, new_postgres_database, monkeypatch
):
    """A checkpoint written after the backup recorded rows the backup does not hold: the restore
    says so and fails, rather than passing a log that lost its end."""
    monkeypatch.setattr(
        "django.conf.settings.FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR", tmp_path / "checkpoints"
    )
    backup, _, checkpoints = _drill(tmp_path, new_postgres_database)
    call_command("access_log_checkpoint", stdout=io.StringIO())

    result = _familyhub(
        ["restore", str(backup), "--checkpoints", str(checkpoints)], new_postgres_database
    )

    assert result.returncode == 1
    assert "The restored access log does not verify" in result.stderr
    assert "rows 25 to 30 have been removed from its end" in result.stderr
    assert "move those checkpoint files aside" in result.stderr


# --- SQLite ----------------------------------------------------------------------------------


def test_sqlite_restore_drill(tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite drill runs when the suite runs on SQLite")
    monkeypatch.setattr(
        "django.conf.settings.FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR", tmp_path / "checkpoints"
    )
    target = tmp_path / "restored.sqlite3"
    backup, recorded, checkpoints = _drill(tmp_path, f"sqlite:///{target}")
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT count(*) FROM people_person").fetchone()[0] == 12
    restore = ["restore", str(backup), "--checkpoints", str(checkpoints)]

    _assert_restored(_familyhub(restore, f"sqlite:///{target}"))

    again = _familyhub(restore, f"sqlite:///{target}")
    assert again.returncode == 1 and "is not empty" in again.stderr
    _assert_restored(_familyhub([*restore, "--force"], f"sqlite:///{target}"))


# --- Either database -------------------------------------------------------------------------


def test_backup_refuses_to_overwrite(tmp_path):
    existing = tmp_path / "familyhub.backup"
    existing.write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_text() == "an older backup"


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a backup made by familyhub backup"):
        call_command("restore", str(other))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.backup"))
