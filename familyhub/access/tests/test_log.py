"""The access log: append-only in the application and the database, hash-chained, verifiable."""

from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from familyhub.access import layer
from familyhub.access.admin import AccessLogAdmin
from familyhub.access.log import append, verify
from familyhub.access.models import AccessLog, AccessLogHead, ImmutableRowError
from familyhub.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _fill(user, n=5):
    people = [PersonFactory() for _ in range(n)]
    for person in people:
        layer.log_person_access(user, [person], action="read", purpose="test", channel="page")
    return people


def _raw(sql: str, params=()) -> None:
    """Tamper with the log directly, as someone with database access could.

    The append-only trigger is what stops this, so the test first removes it the way an
    attacker with table-owner rights would: on PostgreSQL `ALTER TABLE ... DISABLE TRIGGER`; on
    SQLite there is no such switch, so the trigger is dropped. Both are inside the test's
    transaction, which is rolled back afterwards (DDL is transactional on both databases)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE access_accesslog DISABLE TRIGGER access_log_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS access_log_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE access_accesslog ENABLE TRIGGER access_log_append_only")


def test_chain_verifies(make_user):
    user = make_user("health_visitor")
    _fill(user)
    result = verify()
    assert result.ok and result.rows == 5
    rows = list(AccessLog.objects.order_by("seq"))
    assert rows[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.chain_hash for a, b in zip(rows, rows[1:], strict=False))
    call_command("verify_access_log")


def test_verifier_finds_the_first_tampered_row(make_user):
    user = make_user("health_visitor")
    _fill(user)
    _raw("UPDATE access_accesslog SET purpose = %s WHERE seq IN (3, 4)", ["nothing to see"])
    result = verify()
    assert not result.ok and result.first_bad_seq == 3
    with pytest.raises(CommandError, match="row 3"):
        call_command("verify_access_log")


def test_verifier_finds_a_removed_row_and_a_cut_tail(make_user):
    user = make_user("health_visitor")
    _fill(user)
    _raw("DELETE FROM access_accesslog WHERE seq = 2")
    assert verify().first_bad_seq == 2
    _raw("DELETE FROM access_accesslog WHERE seq >= 2")
    result = verify()
    assert not result.ok and "chain head" in result.problem


def test_the_database_refuses_updates():
    user = None
    append(user, [(1, None)], action="read", purpose="x", channel="task")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE access_accesslog SET purpose = 'changed'")
    assert AccessLog.objects.get().purpose == "x"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_deletes():
    append(None, [(1, None)], action="read", purpose="x", channel="task")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
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


def test_admin_cannot_add_change_or_delete(rf):
    from django.contrib import admin

    model_admin = AccessLogAdmin(AccessLog, admin.site)
    request = rf.get("/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_each_entry_records_who_what_why_and_channel(make_user):
    user = make_user("health_visitor")
    person = PersonFactory()
    layer.log_person_access(user, [person], action="export", purpose="Audit", channel="export")
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
