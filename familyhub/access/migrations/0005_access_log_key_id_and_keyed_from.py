"""The access log becomes a keyed chain: each row names the key that chained it, and the head
records the row keyed chaining began at.

Rows already in the log were chained with plain sha256 and no key. A migration holds no key to
re-chain them with, and should not rewrite them anyway: their hashes are the evidence that they
have not changed. So keyed chaining begins at the next row (the head's `keyed_from`): the
verifier checks the rows before it with the old unkeyed chain, and the first keyed row's HMAC
covers the last of them (its previous-hash), so once one keyed row follows them they cannot be
changed without the key either. On a new database keyed_from is 1 and every row is keyed.

On SQLite adding a column rebuilds the table, which drops its triggers: 0006 creates them again.
"""

from django.db import migrations, models


def begin_keyed_chaining(apps, schema_editor):
    Head = apps.get_model("access", "AccessLogHead")
    Log = apps.get_model("access", "AccessLog")
    last = Log.objects.order_by("-seq").first()
    head = Head.objects.filter(pk=1).first()
    if head is None:
        Head.objects.create(
            pk=1,
            last_seq=last.seq if last else 0,
            last_hash=last.chain_hash if last else "0" * 64,
            keyed_from=(last.seq if last else 0) + 1,
        )
        return
    Head.objects.filter(pk=1).update(keyed_from=max(head.last_seq, last.seq if last else 0) + 1)


class Migration(migrations.Migration):
    dependencies = [("access", "0004_access_log_append_in_one_statement")]

    operations = [
        migrations.AddField(
            model_name="accesslog",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="accessloghead",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="accessloghead",
            name="keyed_from",
            field=models.PositiveBigIntegerField(default=1),
        ),
        migrations.RunPython(begin_keyed_chaining, migrations.RunPython.noop),
    ]
