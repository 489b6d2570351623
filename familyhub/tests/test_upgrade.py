"""Upgrades without loss.

1. The database of an earlier commit (60750b2, the last landed before the retention, returns,
   births and other parts of issue 24's session; there are no release tags), with a small
   register seeded by that commit's own code (familyhub/tests/fixtures/, rebuilt by
   scripts/make-upgrade-fixture), is migrated forwards to the current schema by `familyhub
   migrate` in a separate process, then checked: nothing pending, every row still there and
   its values as they were (names with diacritics and apostrophes, decimals, dates, free text),
   and the access log's keyed chain still verifies.
2. Every data migration (RunPython, RunSQL) has a reverse, so `migrate <app> <earlier>` works.

SQLite only for (1): the fixture is a SQLite dump, and the migration runs in its own database
file whatever DATABASE_URL the suite uses; PostgreSQL's upgrade path is the same migrations.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

FIXTURE = Path(__file__).parent / "fixtures" / "upgrade-60750b2.sqlite.sql.gz"
ROOT = Path(__file__).resolve().parents[2]

# Data migrations whose reverse is deliberately nothing, and why.
NOOP_REVERSES = {
    ("access", "0005_access_log_key_id_and_keyed_from"): "fills keyed_from, a field the same "
    "migration adds and its reverse removes",
    ("childhealth", "0003_measurement_backfill_weight_height_centiles"): "computes centiles "
    "into columns its reverse removes",
    ("matching", "0003_review_pair_public_id_and_levels"): "fills a new column its reverse removes",
    ("outcomes", "0003_framework_sources_in_words"): "mends shipped text; putting the old "
    "pointer back would reintroduce the fault",
    ("people", "0003_registration_team_and_confirmation"): "confirms existing registrations "
    "in a field its reverse removes",
    ("people", "0004_nhs_number_status"): "sets the status of numbers already held, a field "
    "its reverse removes",
    ("directory", "0002_seed_needs_taxonomy"): "seeds the needs taxonomy into a table that "
    "reversing the directory's 0001 drops (the directory part to confirm)",
}


def _our_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if migration.__module__.startswith("familyhub."):
            yield app, name, migration


def test_every_data_migration_can_be_reversed():
    missing, unexplained = [], []
    for app, name, migration in _our_migrations():
        for operation in migration.operations:
            if isinstance(operation, migrations.RunPython):
                if operation.reverse_code is None:
                    missing.append(f"{app}.{name}: {operation.code.__name__}")
                elif (
                    operation.reverse_code is migrations.RunPython.noop
                    and (app, name) not in NOOP_REVERSES
                ):
                    unexplained.append(f"{app}.{name}: {operation.code.__name__}")
            if isinstance(operation, migrations.RunSQL) and operation.reverse_sql is None:
                missing.append(f"{app}.{name}: RunSQL")
    assert missing == [], "data migrations with no reverse"
    assert unexplained == [], "a no-op reverse needs its reason in NOOP_REVERSES"


def _familyhub(*args: str, database: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "familyhub.test_settings",
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _rows(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


TABLES = [
    "people_person",
    "people_household",
    "people_householdmembership",
    "people_relationship",
    "casework_episode",
    "casework_assessment",
    "childhealth_measurement",
    "contacts_contact",
    "access_accesslog",
    "accounts_user",
    "services_service",
]


@pytest.mark.slow  # three `familyhub` processes and every migration since: 134 s at load 12
def test_the_previous_schema_with_data_migrates_forwards_without_loss(tmp_path):
    database = tmp_path / "upgrade.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.executescript(gzip.decompress(FIXTURE.read_bytes()).decode("utf-8"))
    before = {table: _rows(database, f"SELECT COUNT(*) FROM {table}")[0][0] for table in TABLES}
    assert before["people_person"] == 3 and before["access_accesslog"] >= 4

    migrated = _familyhub("migrate", "--no-input", database=database)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    pending = _familyhub("migrate", "--check", database=database)
    assert pending.returncode == 0, pending.stdout[-2000:] + pending.stderr[-2000:]

    after = {table: _rows(database, f"SELECT COUNT(*) FROM {table}")[0][0] for table in TABLES}
    assert after == before
    people = _rows(
        database,
        "SELECT given_name, family_name, date_of_birth, postcode, nhs_number_status "
        "FROM people_person ORDER BY date_of_birth",
    )
    assert people == [
        ("Marigold", "Upgradewell", "1990-04-01", "RM17 5DQ", ""),
        ("Zoë", "O'Migrate", "2021-02-28", "RM17 5DQ", ""),
        ("Tobias", "Upgradewell", "2023-06-15", "RM17 5DQ", ""),
    ]
    assert _rows(database, "SELECT weight_kg, height_cm FROM childhealth_measurement") == [
        ("9.25", "74.5")
    ] or _rows(database, "SELECT CAST(weight_kg AS TEXT) FROM childhealth_measurement") in (
        [("9.25",)],
        [("9.250",)],
    )
    assert _rows(database, "SELECT strengths, child_voice FROM casework_assessment") == [
        ("Loves the library", "I like trains")
    ]
    assert _rows(database, "SELECT discussed FROM contacts_contact") == [("Bedtime routine",)]
    assert _rows(database, "SELECT card_number FROM people_household") == [("FH00424242",)]

    verified = _familyhub("verify_access_log", database=database)
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr[-2000:]
    assert "Access log intact" in verified.stdout


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
