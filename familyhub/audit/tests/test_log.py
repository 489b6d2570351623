"""The access log: append-only in the application and the database, hash-chained, verifiable."""

from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from familyhub.audit.log import append, log_change, verify
from familyhub.audit.models import AccessLog, AccessLogHead, ImmutableRowError
from familyhub.testing.factories import PersonFactory

from .logtools import fill, tamper

pytestmark = pytest.mark.django_db


def test_chain_verifies(make_user):
    user = make_user("health_visitor")
    fill(user)
    result = verify()
    assert result.ok and result.rows == 5
    rows = list(AccessLog.objects.order_by("seq"))
    assert rows[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.chain_hash for a, b in zip(rows, rows[1:], strict=False))
    call_command("verify_access_log")


def test_verifier_finds_the_first_tampered_row(make_user):
    user = make_user("health_visitor")
    fill(user)
    tamper("UPDATE access_accesslog SET purpose = %s WHERE seq IN (3, 4)", ["nothing to see"])
    result = verify()
    assert not result.ok and result.first_bad_seq == 3
    with pytest.raises(CommandError, match="row 3"):
        call_command("verify_access_log")


def test_verifier_finds_a_removed_row_and_a_cut_tail(make_user):
    user = make_user("health_visitor")
    fill(user)
    tamper("DELETE FROM access_accesslog WHERE seq = 2")
    assert verify().first_bad_seq == 2
    tamper("DELETE FROM access_accesslog WHERE seq >= 2")
    result = verify()
    assert not result.ok and "chain head" in result.problem


def test_the_database_refuses_updates():
    user = None
    append(user, [(1, None)], action="read", purpose="x", channel="task")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE access_accesslog SET purpose = 'changed'")
    assert AccessLog.objects.get().purpose == "x"


def test_the_database_refuses_deletes(settings):
    # On SQLite only the test settings let the test runner's flush delete rows; switched back
    # off, as everywhere else, the trigger refuses.
    settings.FAMILYHUB_ACCESS_LOG_ALLOW_RESET = False
    append(None, [(1, None)], action="read", purpose="x", channel="task")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM access_accesslog")
    assert AccessLog.objects.count() == 1


def test_the_application_refuses_changes():
    append(None, [(1, None)], action="read", purpose="x", channel="task")
    row = AccessLog.objects.get()
    row.purpose = "changed"
    with pytest.raises(ImmutableRowError):
        row.save()
    with pytest.raises(ImmutableRowError):
        row.delete()
    with pytest.raises(ImmutableRowError):
        AccessLog.objects.all().update(purpose="changed")
    with pytest.raises(ImmutableRowError):
        AccessLog.objects.all().delete()
    with pytest.raises(ImmutableRowError):
        AccessLogHead.objects.get(pk=1).delete()
    with pytest.raises(ImmutableRowError):
        AccessLogHead.objects.all().delete()


def test_each_entry_records_who_what_why_and_channel(make_user):
    user = make_user("health_visitor")
    person = PersonFactory()
    log_change(user, [person], action="export", purpose="Audit", channel="export")
    row = AccessLog.objects.get()
    assert (row.user_id, row.username, row.person_pk, row.person_public_id) == (
        user.pk,
        user.username,
        person.pk,
        person.public_id,
    )
    assert (row.action, row.purpose, row.channel) == ("export", "Audit", "export")
    assert AccessLogHead.objects.get(pk=1).last_seq == row.seq


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_concurrent_appends_keep_one_chain():
    """Eight threads, each on its own connection, append at once: SELECT ... FOR UPDATE on the
    chain head makes them queue, so the chain has no fork and no gap."""
    errors: list[Exception] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                append(None, [(n * 100 + i, None)], action="read", purpose="x", channel="task")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert AccessLog.objects.count() == 80
    assert verify().ok
