"""Make the access log append-only in the database itself, not only in the application.

PostgreSQL: a row trigger raises on UPDATE or DELETE of access_accesslog. TRUNCATE is not
blocked (the test runner's flush uses it; in production the application's database role must not
own the table, and TRUNCATE needs ownership). SQLite: a trigger raises on UPDATE. DELETE is not
blocked there because the test runner's flush deletes every row with DELETE; a deleted row breaks
the hash chain and `familyhub verify-access-log` reports it.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION access_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_log_append_only
    BEFORE UPDATE OR DELETE ON access_accesslog
    FOR EACH ROW EXECUTE FUNCTION access_log_is_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS access_log_append_only ON access_accesslog;
DROP FUNCTION IF EXISTS access_log_is_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_accesslog
BEGIN SELECT RAISE(ABORT, 'the access log is append-only (UPDATE refused)'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS access_log_append_only;"


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor (the triggers' syntax differs)."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_chain_head(apps, schema_editor):
    apps.get_model("access", "AccessLogHead").objects.get_or_create(pk=1)


def remove_chain_head(apps, schema_editor):
    apps.get_model("access", "AccessLogHead").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0001_access_log_sharing_rules_break_glass")]

    operations = [
        VendorSQL("postgresql", PG_FORWARD, PG_REVERSE),
        VendorSQL("sqlite", SQLITE_FORWARD, SQLITE_REVERSE),
        migrations.RunPython(create_chain_head, remove_chain_head),
    ]
