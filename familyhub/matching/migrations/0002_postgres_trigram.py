"""PostgreSQL only: pg_trgm and fuzzystrmatch, and a trigram index on the family name for the
search's fallback query. SQLite does without (the search skips the trigram query there)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS mk_family_trgm_idx ON matching_matchkey "
        "USING gin (family gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS mk_family_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_match_keys_model_review_queue")]

    operations = [migrations.RunPython(forwards, backwards)]
