"""Tampering that the database cannot stop (someone who can switch its triggers off) is caught
by the verifier: the end of the log cut off (a checkpoint outside the database), a row rewritten
and the chain recomputed (the key), with the wrong key, or with a retired one; and the database
refuses what it can (the head moving back, TRUNCATE by the application's role)."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from familyhub.audit.checkpoints import write_checkpoint
from familyhub.audit.keys import chain_key, current_key
from familyhub.audit.log import append, verify
from familyhub.audit.models import AccessLog, AccessLogHead

from .logtools import (
    cut_tail,
    hmac_with,
    move_head_to,
    rechain,
    sha256_keeping_its_key_id,
    sha256_without_a_key,
    tamper,
)

pytestmark = pytest.mark.django_db

OTHER_KEY = "someone-else's-key-" + "q" * 30
NEW_KEY = "the-key-after-rotation-" + "n" * 30


@pytest.fixture
def checkpoints(settings, tmp_path):
    directory = tmp_path / "checkpoints"
    settings.FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR = directory
    return directory


def _log(n: int) -> None:
    for i in range(n):
        append(None, [(1000 + i, uuid.uuid4())], action="read", purpose="test", channel="task")


# Cutting the end off -------------------------------------------------------------------------


def test_cutting_the_tail_and_moving_the_head_back_is_caught_by_a_checkpoint(checkpoints):
    _log(5)
    write_checkpoint()
    cut_tail(after_seq=3)
    result = verify()
    assert not result.ok
    assert result.first_bad_seq == 4
    assert "the log ends at row 3, but the checkpoint written on" in result.problem
    assert "recorded row 5: rows 4 to 5 have been removed from its end" in result.problem
    with pytest.raises(CommandError, match="rows 4 to 5 have been removed"):
        call_command("verify_access_log")


def test_a_cut_tail_that_grew_back_is_caught_by_the_checkpoint_hash(checkpoints):
    _log(5)
    write_checkpoint()
    cut_tail(after_seq=3)
    _log(3)  # rows 4 to 6 again, but not the rows the checkpoint saw
    result = verify()
    assert not result.ok and result.first_bad_seq == 5
    assert "row 5 does not match the checkpoint written on" in result.problem


def test_the_database_refuses_to_move_the_head_back():
    _log(5)
    row = AccessLog.objects.get(seq=3)
    with (
        pytest.raises(DatabaseError, match="head can only move forward"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE access_accessloghead SET last_seq = %s, last_hash = %s WHERE id = 1",
            [row.seq, row.chain_hash],
        )
    assert AccessLogHead.objects.get(pk=1).last_seq == 5


def test_the_database_refuses_to_move_the_head_to_a_row_that_is_not_the_newest():
    _log(5)
    with (
        pytest.raises(DatabaseError, match="head can only move"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE access_accessloghead SET last_seq = 9 WHERE id = 1")
    assert AccessLogHead.objects.get(pk=1).last_seq == 5


def test_the_database_refuses_to_delete_the_head_or_make_a_new_one_for_a_full_log(settings):
    settings.FAMILYHUB_ACCESS_LOG_ALLOW_RESET = False  # as outside the test settings
    _log(2)
    with (
        pytest.raises(DatabaseError, match="head cannot be deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM access_accessloghead")
    # Let through (as the test runner's flush is on SQLite; replica mode, which skips triggers,
    # on PostgreSQL) the head goes, but a new one cannot be made for a log that has rows.
    settings.FAMILYHUB_ACCESS_LOG_ALLOW_RESET = True
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM access_accessloghead")
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    with (
        pytest.raises(DatabaseError, match="only be created for an empty log"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO access_accessloghead (id, last_seq, last_hash, key_id, keyed_from) "
            "VALUES (1, 0, %s, '', 1)",
            ["0" * 64],
        )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_truncate_to_the_applications_role():
    _log(1)
    role = f"familyhub_app_{uuid.uuid4().hex[:12]}"
    with (
        pytest.raises(DatabaseError, match="TRUNCATE of access_accesslog refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # A role like the application's: not a superuser, not the owner, allowed to TRUNCATE
        # (so only the trigger stands in the way). Made and dropped inside the transaction.
        cursor.execute(f"CREATE ROLE {role}")
        cursor.execute(f"GRANT TRUNCATE ON access_accesslog TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute("TRUNCATE access_accesslog")
    assert AccessLog.objects.count() == 1


# Rewriting -----------------------------------------------------------------------------------


def test_rewriting_a_row_and_recomputing_an_unkeyed_chain_and_head_is_caught():
    _log(5)
    rechain(3, sha256_keeping_its_key_id, change={"purpose": "nothing to see"})
    result = verify()
    assert not result.ok and result.first_bad_seq == 3
    assert "row 3 has been changed" in result.problem
    assert "does not hold the key" in result.problem


def test_passing_rewritten_rows_off_as_unkeyed_is_caught():
    _log(5)
    rechain(3, sha256_without_a_key, change={"purpose": "nothing to see"})
    result = verify()
    assert not result.ok and result.first_bad_seq == 3
    assert "row 3 has no key, but keyed chaining began at row 1" in result.problem


def test_rewriting_with_the_wrong_key_is_caught():
    _log(5)
    wrong = chain_key(OTHER_KEY)
    rechain(3, hmac_with(wrong, claiming=current_key().id), change={"purpose": "x"})
    result = verify()
    assert not result.ok and result.first_bad_seq == 3
    assert "its content does not match its keyed hash" in result.problem
    rechain(3, hmac_with(wrong), change={"purpose": "x"})
    result = verify()
    assert not result.ok and result.first_bad_seq == 3
    assert f"rows 3 to 5 are chained with key {wrong.id}, which this check does not hold" in (
        result.problem
    )


def test_a_rewrite_with_the_key_itself_is_caught_by_a_checkpoint(checkpoints):
    _log(5)
    write_checkpoint()
    rechain(3, hmac_with(current_key()), change={"purpose": "x"})
    result = verify()
    assert not result.ok and result.first_bad_seq == 5
    assert "row 5 does not match the checkpoint" in result.problem
    assert "rewritten at or before row 5" in result.problem


def test_the_verifier_names_the_problem_in_plain_english(checkpoints):
    _log(5)
    write_checkpoint()
    cut_tail(after_seq=2)
    with pytest.raises(CommandError) as raised:
        call_command("verify_access_log")
    message = str(raised.value)
    assert message.startswith(
        "The access log has been tampered with (2 rows and 1 checkpoint checked)"
    )
    assert "- the log ends at row 2" in message


# Checkpoints ---------------------------------------------------------------------------------


def test_the_checkpoint_command_writes_a_signed_line_the_verifier_checks(checkpoints, capsys):
    _log(3)
    call_command("access_log_checkpoint")
    assert "Checkpoint of row 3 written on" in capsys.readouterr().out
    [path] = checkpoints.glob("access-log-checkpoints-*.jsonl")
    record = json.loads(path.read_text())
    assert (record["seq"], record["hash"]) == (3, AccessLog.objects.get(seq=3).chain_hash)
    assert record["key_id"] == current_key().id and len(record["signature"]) == 64
    call_command("verify_access_log")
    assert "the chain head and 1 checkpoint." in capsys.readouterr().out


def test_a_changed_or_cut_checkpoint_line_is_reported(checkpoints):
    _log(3)
    write_checkpoint()
    [path] = checkpoints.glob("*.jsonl")
    record = json.loads(path.read_text())
    record["seq"] = 2  # as if rows 3 on had never been there
    path.write_text(json.dumps(record) + "\n" + '{"seq": 3, "ha\n')
    result = verify()
    assert not result.ok
    assert result.problems[0] == (
        f"checkpoint file {path.name}, line 1, does not match its signature: it has been changed."
    )
    assert result.problems[1].startswith(f"checkpoint file {path.name}, line 2, cannot be read")


def test_no_checkpoints_is_a_warning_and_an_error_when_they_are_required(checkpoints, capsys):
    _log(1)
    call_command("verify_access_log")
    assert "Warning: No checkpoints were found" in capsys.readouterr().err
    with pytest.raises(CommandError, match="No checkpoints were found"):
        call_command("verify_access_log", "--require-checkpoints")


def test_the_background_task_writes_a_checkpoint(checkpoints):
    from familyhub.audit.tasks import write_access_log_checkpoint

    _log(2)
    assert write_access_log_checkpoint.call() == 2
    assert len(list(checkpoints.glob("*.jsonl"))) == 1


# Keys ----------------------------------------------------------------------------------------


def test_the_key_is_not_in_the_database_and_rows_name_it_by_id():
    _log(2)
    key = current_key()
    head = AccessLogHead.objects.get(pk=1)
    assert set(AccessLog.objects.values_list("key_id", flat=True)) == {key.id} == {head.key_id}
    assert key.id != key.secret.decode()[:16]


def test_key_rotation_verifies_across_the_boundary(settings, checkpoints):
    old = current_key()
    _log(3)
    write_checkpoint()
    settings.FAMILYHUB_ACCESS_LOG_RETIRED_KEYS = [settings.FAMILYHUB_ACCESS_LOG_KEY]
    settings.FAMILYHUB_ACCESS_LOG_KEY = NEW_KEY
    _log(3)
    write_checkpoint()
    rows = list(AccessLog.objects.order_by("seq"))
    assert [r.key_id for r in rows] == [old.id] * 3 + [chain_key(NEW_KEY).id] * 3
    result = verify()
    assert result.ok, result.problems
    assert result.checkpoints == 2
    # Without the retired key the old rows and their checkpoint cannot be checked.
    settings.FAMILYHUB_ACCESS_LOG_RETIRED_KEYS = []
    result = verify()
    assert not result.ok
    assert f"is signed with key {old.id}, which this check does not hold" in result.problems[0]
    assert (
        f"rows 1 to 3 are chained with key {old.id}, which this check does not hold"
        in (result.problems[1])
    )
    assert len(result.problems) == 2  # the rows after them are still checked, and fit


def test_a_retired_key_cannot_forge_rows_after_the_rotation(settings):
    old_text = settings.FAMILYHUB_ACCESS_LOG_KEY
    _log(3)
    settings.FAMILYHUB_ACCESS_LOG_RETIRED_KEYS = [old_text]
    settings.FAMILYHUB_ACCESS_LOG_KEY = NEW_KEY
    _log(3)
    # Someone who got hold of the old key rewrites rows 5 and 6 with it.
    rechain(5, hmac_with(chain_key(old_text)), change={"purpose": "x"})
    result = verify()
    assert not result.ok and result.first_bad_seq == 5
    assert "which row 4 had already replaced" in result.problem
    assert "a retired key never comes back" in result.problem


def test_a_process_with_a_retired_key_cannot_extend_the_chain(settings):
    old_text = settings.FAMILYHUB_ACCESS_LOG_KEY
    _log(1)
    settings.FAMILYHUB_ACCESS_LOG_RETIRED_KEYS = [old_text]
    settings.FAMILYHUB_ACCESS_LOG_KEY = NEW_KEY
    _log(1)
    # A process still started with the old key only (a rotation half done).
    settings.FAMILYHUB_ACCESS_LOG_RETIRED_KEYS = []
    settings.FAMILYHUB_ACCESS_LOG_KEY = old_text
    with (
        pytest.raises(Exception, match="which this process does not hold"),
        transaction.atomic(),
    ):
        _log(1)
    assert AccessLog.objects.count() == 2


# Rows from before the log was keyed ----------------------------------------------------------


def _legacy_log(n: int) -> None:
    """Rows as the unkeyed version wrote them (plain sha256, no key id), with the head the
    migration leaves: keyed chaining begins at the next row."""
    from familyhub.audit.log import canonical

    prev = "0" * 64
    rows = []
    for seq in range(1, n + 1):
        row = AccessLog(
            seq=seq,
            user_id=None,
            username="",
            person_pk=seq,
            action="read",
            purpose="legacy",
            channel="task",
            prev_hash=prev,
        )
        content = canonical(
            seq=seq,
            occurred_at=row.occurred_at,
            user_id=None,
            username="",
            person_pk=seq,
            person_public_id=None,
            action="read",
            purpose="legacy",
            channel="task",
            detail="",
        )
        row.chain_hash = prev = hashlib.sha256((prev + content).encode()).hexdigest()
        rows.append(row)
    tamper("DELETE FROM access_accessloghead")
    AccessLog.objects.bulk_create(rows)
    tamper(
        "INSERT INTO access_accessloghead (id, last_seq, last_hash, key_id, keyed_from) "
        "VALUES (1, %s, %s, '', %s)",
        [n, prev, n + 1],
    )


def test_rows_from_before_keying_verify_and_are_protected_by_the_first_keyed_row(checkpoints):
    _legacy_log(3)
    result = verify()
    assert result.ok and result.keyed_from == 4
    assert any("no keyed row follows them yet" in w for w in result.warnings)
    _log(2)
    result = verify()
    assert result.ok and result.rows == 5 and not result.warnings[1:]
    # Without the key an old row can be rewritten with the old chain, but row 4's keyed hash
    # covers row 3's hash.
    rechain(2, sha256_keeping_its_key_id, change={"purpose": "x"})
    result = verify()
    assert not result.ok and result.first_bad_seq == 4
    assert "row 4 has been changed" in result.problem


def test_passing_the_whole_log_off_as_unkeyed_is_caught_by_a_checkpoint(checkpoints):
    _log(3)
    write_checkpoint()
    rechain(1, sha256_without_a_key, change={"purpose": "x"})
    tamper("UPDATE access_accessloghead SET keyed_from = 99 WHERE id = 1")
    result = verify()
    assert not result.ok and result.first_bad_seq == 3
    assert "row 3 does not match the checkpoint" in result.problem


def test_moving_the_head_is_caught_even_when_every_row_fits(checkpoints):
    _log(3)
    write_checkpoint()
    move_head_to(AccessLog.objects.get(seq=2))
    result = verify()
    assert not result.ok
    assert "the chain head says the log ends at row 2, but it ends at row 3" in result.problem
