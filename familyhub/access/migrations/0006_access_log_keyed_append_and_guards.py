"""The keyed append on PostgreSQL, and the database guarding the log's rows and its head.

PostgreSQL: access_log_append now chains with HMAC-SHA256 under the application's key. The key
reaches it as HMAC's inner and outer padded keys (RFC 2104), bound parameters of each call, so the
built-in sha256() computes the HMAC and no extension is needed; the key is never stored in the
database. It also refuses to extend a chain whose newest rows use a key the calling process does
not hold (a process started with an old key after a rotation), so the keys along the chain only
ever move forward, which is what the verifier checks.

Rows: UPDATE and DELETE were already refused (0002); TRUNCATE is now refused too, except to a
superuser: the test runner empties its tables with TRUNCATE as one, and a superuser can switch
any trigger off anyway, so refusing them would protect nothing (run the application as a role
that is neither a superuser nor the tables' owner). The head may only move forward, to the row
just appended (seq and hash of the newest row, continuing from where it was); an update that
changes nothing is allowed (the test runner reloads rows that way); it cannot be deleted, and
it can only be created for an empty log.

SQLite: the same rules as far as SQLite has them. UPDATE of a row is refused; DELETE of a row or
the head is refused unless familyhub_access_log_may_reset() says yes, which only the test settings
make it do (access.sqlite_guard: the test runner's flush deletes every row); the head moves only
forward and is created only for an empty log. Whoever can switch triggers off (a superuser, the
tables' owner, anyone who can write the SQLite file) can still cut or rewrite the log: the keyed
chain and the checkpoints kept outside the database are what catch that (docs/ACCESS-LOG.md).
"""

import importlib

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION access_log_append(
    p_occurred_at timestamptz,
    p_user_id bigint,
    p_username text,
    p_action text,
    p_purpose text,
    p_channel text,
    p_detail text,
    p_person_pks bigint[],
    p_public_ids uuid[],
    p_rests text[],
    p_key_id text,
    p_inner bytea,
    p_outer bytea,
    p_retired_key_ids text[]
) RETURNS integer AS $$
DECLARE
    s bigint;
    h text;
    head_key text;
    digest text;
    seqs bigint[] := '{}';
    prevs text[] := '{}';
    hashes text[] := '{}';
    n integer := coalesce(cardinality(p_person_pks), 0);
BEGIN
    IF n = 0 THEN
        RETURN 0;
    END IF;
    SELECT last_seq, last_hash, key_id INTO s, h, head_key
        FROM access_accessloghead WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO access_accessloghead (id, last_seq, last_hash, key_id, keyed_from)
            VALUES (1, 0, repeat('0', 64), '', 1) ON CONFLICT (id) DO NOTHING;
        SELECT last_seq, last_hash, key_id INTO s, h, head_key
            FROM access_accessloghead WHERE id = 1 FOR UPDATE;
    END IF;
    IF head_key <> '' AND head_key <> p_key_id
            AND NOT head_key = ANY (coalesce(p_retired_key_ids, '{}')) THEN
        RAISE EXCEPTION 'The access log''s newest rows are chained with key %, which this process does not hold: start it with the current FAMILYHUB_ACCESS_LOG_KEY (and the keys before it in FAMILYHUB_ACCESS_LOG_RETIRED_KEYS_FILE).', head_key;
    END IF;
    FOR i IN 1..n LOOP
        s := s + 1;
        -- HMAC-SHA256(key, m) = sha256(outer || sha256(inner || m))
        digest := encode(sha256(p_outer || sha256(
            p_inner || convert_to(h || '[' || s::text || ',' || p_rests[i], 'UTF8'))), 'hex');
        seqs := seqs || s;
        prevs := prevs || h;
        hashes := hashes || digest;
        h := digest;
    END LOOP;
    INSERT INTO access_accesslog (
        seq, occurred_at, user_id, username, person_pk, person_public_id,
        action, purpose, channel, detail, prev_hash, chain_hash, key_id
    )
    SELECT t.seq, p_occurred_at, p_user_id, p_username, t.pk, t.public_id,
           p_action, p_purpose, p_channel, p_detail, t.prev, t.hash, p_key_id
    FROM unnest(seqs, p_person_pks, p_public_ids, prevs, hashes)
        AS t(seq, pk, public_id, prev, hash);
    UPDATE access_accessloghead SET last_seq = s, last_hash = h, key_id = p_key_id WHERE id = 1;
    RETURN n;
END;
$$ LANGUAGE plpgsql;
"""
PG_OLD_FUNCTION_DROP = """
DROP FUNCTION IF EXISTS access_log_append(
    timestamptz, bigint, text, text, text, text, text, bigint[], uuid[], text[]
);
"""
PG_FUNCTION_DROP = """
DROP FUNCTION IF EXISTS access_log_append(
    timestamptz, bigint, text, text, text, text, text, bigint[], uuid[], text[],
    text, bytea, bytea, text[]
);
"""
PG_GUARDS = [
    """
CREATE OR REPLACE FUNCTION access_log_refuses_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the access log is append-only (TRUNCATE of % refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuses_truncate();
""",
    """
CREATE TRIGGER access_log_head_no_truncate BEFORE TRUNCATE ON access_accessloghead
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuses_truncate();
""",
    """
CREATE OR REPLACE FUNCTION access_log_head_moves_forward() RETURNS trigger AS $$
DECLARE
    newest bigint;
    last_row record;
    first_new record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the access log''s head cannot be deleted';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.last_seq = 0 AND NEW.last_hash = repeat('0', 64) AND NEW.key_id = ''
                AND NEW.keyed_from = 1 AND NOT EXISTS (SELECT 1 FROM access_accesslog) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the access log''s head can only be created for an empty log';
    END IF;
    IF NEW.id = OLD.id AND NEW.last_seq = OLD.last_seq AND NEW.last_hash = OLD.last_hash
            AND NEW.key_id = OLD.key_id AND NEW.keyed_from = OLD.keyed_from THEN
        RETURN NEW;  -- changes nothing
    END IF;
    IF NEW.id <> OLD.id OR NEW.keyed_from <> OLD.keyed_from OR NEW.last_seq <= OLD.last_seq THEN
        RAISE EXCEPTION 'the access log''s head can only move forward (row % to row % refused)',
            OLD.last_seq, NEW.last_seq;
    END IF;
    SELECT max(seq) INTO newest FROM access_accesslog;
    SELECT chain_hash, key_id INTO last_row FROM access_accesslog WHERE seq = NEW.last_seq;
    SELECT prev_hash INTO first_new FROM access_accesslog WHERE seq = OLD.last_seq + 1;
    IF newest IS DISTINCT FROM NEW.last_seq OR last_row.chain_hash IS DISTINCT FROM NEW.last_hash
            OR last_row.key_id IS DISTINCT FROM NEW.key_id
            OR first_new.prev_hash IS DISTINCT FROM OLD.last_hash THEN
        RAISE EXCEPTION 'the access log''s head can only move to the row just appended (row % refused)',
            NEW.last_seq;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER access_log_head_moves_forward
    BEFORE INSERT OR UPDATE OR DELETE ON access_accessloghead
    FOR EACH ROW EXECUTE FUNCTION access_log_head_moves_forward();
""",
]
PG_GUARDS_DROP = [
    "DROP TRIGGER IF EXISTS access_log_head_moves_forward ON access_accessloghead;",
    "DROP FUNCTION IF EXISTS access_log_head_moves_forward();",
    "DROP TRIGGER IF EXISTS access_log_head_no_truncate ON access_accessloghead;",
    "DROP TRIGGER IF EXISTS access_log_no_truncate ON access_accesslog;",
    "DROP FUNCTION IF EXISTS access_log_refuses_truncate();",
]

GENESIS = "'" + "0" * 64 + "'"
SQLITE_GUARDS = [
    # 0005 rebuilt the table, which dropped 0002's trigger with it; make it again.
    "DROP TRIGGER IF EXISTS access_log_append_only;",
    """
CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_accesslog
BEGIN SELECT RAISE(ABORT, 'the access log is append-only (UPDATE refused)'); END;
""",
    """
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_accesslog
WHEN NOT familyhub_access_log_may_reset()
BEGIN SELECT RAISE(ABORT, 'the access log is append-only (DELETE refused)'); END;
""",
    """
CREATE TRIGGER access_log_head_no_delete BEFORE DELETE ON access_accessloghead
WHEN NOT familyhub_access_log_may_reset()
BEGIN SELECT RAISE(ABORT, 'the access log''s head cannot be deleted'); END;
""",
    f"""
CREATE TRIGGER access_log_head_created_empty BEFORE INSERT ON access_accessloghead
WHEN NOT (NEW.last_seq = 0 AND NEW.last_hash = {GENESIS} AND NEW.key_id = ''
          AND NEW.keyed_from = 1 AND NOT EXISTS (SELECT 1 FROM access_accesslog))
BEGIN SELECT RAISE(ABORT, 'the access log''s head can only be created for an empty log'); END;
""",
    """
CREATE TRIGGER access_log_head_moves_forward BEFORE UPDATE ON access_accessloghead
WHEN NOT (
    NEW.id = OLD.id AND NEW.keyed_from = OLD.keyed_from AND (
        (NEW.last_seq = OLD.last_seq AND NEW.last_hash = OLD.last_hash
         AND NEW.key_id = OLD.key_id)
        OR (NEW.last_seq > OLD.last_seq
            AND NEW.last_seq = (SELECT max(seq) FROM access_accesslog)
            AND EXISTS (SELECT 1 FROM access_accesslog WHERE seq = NEW.last_seq
                        AND chain_hash = NEW.last_hash AND key_id = NEW.key_id)
            AND EXISTS (SELECT 1 FROM access_accesslog WHERE seq = OLD.last_seq + 1
                        AND prev_hash = OLD.last_hash))
    )
)
BEGIN SELECT RAISE(ABORT, 'the access log''s head can only move forward, to the row just appended'); END;
""",
]
SQLITE_GUARDS_DROP = [
    "DROP TRIGGER IF EXISTS access_log_head_moves_forward;",
    "DROP TRIGGER IF EXISTS access_log_head_created_empty;",
    "DROP TRIGGER IF EXISTS access_log_head_no_delete;",
    "DROP TRIGGER IF EXISTS access_log_no_delete;",
]


def _old_function() -> str:
    return importlib.import_module(
        "familyhub.access.migrations.0004_access_log_append_in_one_statement"
    ).PG_FORWARD


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


class Migration(migrations.Migration):
    dependencies = [("access", "0005_access_log_key_id_and_keyed_from")]

    operations = [
        VendorSQL(
            "postgresql",
            [PG_OLD_FUNCTION_DROP, PG_FUNCTION],
            [PG_FUNCTION_DROP, _old_function()],
        ),
        VendorSQL("postgresql", PG_GUARDS, PG_GUARDS_DROP),
        # Backwards the UPDATE trigger stays: 0002 made it.
        VendorSQL("sqlite", SQLITE_GUARDS, SQLITE_GUARDS_DROP),
    ]
