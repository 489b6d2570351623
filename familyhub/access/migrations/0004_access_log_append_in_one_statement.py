"""PostgreSQL: append a batch of access-log rows in one statement, chain-head lock included.

Before, an append took the chain-head row lock and then made three more round trips (compute the
hashes in Python, INSERT, UPDATE the head) before its transaction could commit: while one worker
process waited for the CPU between those steps, every other worker waited for the lock. This
function does the same work inside the server, so the lock is held for the length of one
statement. The chain is unchanged: each row's chain_hash is still
sha256(prev_hash + canonical(row)) over the same canonical text, which the application builds
(everything after the sequence number; the function only puts "[<seq>," in front), so
`familyhub verify-access-log` checks rows written either way. SQLite keeps the Python path (it
serialises writers itself).
"""

from django.db import migrations

PG_FORWARD = """
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
    p_rests text[]
) RETURNS integer AS $$
DECLARE
    s bigint;
    h text;
    digest text;
    seqs bigint[] := '{}';
    prevs text[] := '{}';
    hashes text[] := '{}';
    n integer := coalesce(cardinality(p_person_pks), 0);
BEGIN
    IF n = 0 THEN
        RETURN 0;
    END IF;
    SELECT last_seq, last_hash INTO s, h FROM access_accessloghead WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO access_accessloghead (id, last_seq, last_hash)
            VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
        SELECT last_seq, last_hash INTO s, h FROM access_accessloghead WHERE id = 1 FOR UPDATE;
    END IF;
    FOR i IN 1..n LOOP
        s := s + 1;
        digest := encode(sha256(convert_to(h || '[' || s::text || ',' || p_rests[i], 'UTF8')), 'hex');
        seqs := seqs || s;
        prevs := prevs || h;
        hashes := hashes || digest;
        h := digest;
    END LOOP;
    INSERT INTO access_accesslog (
        seq, occurred_at, user_id, username, person_pk, person_public_id,
        action, purpose, channel, detail, prev_hash, chain_hash
    )
    SELECT t.seq, p_occurred_at, p_user_id, p_username, t.pk, t.public_id,
           p_action, p_purpose, p_channel, p_detail, t.prev, t.hash
    FROM unnest(seqs, p_person_pks, p_public_ids, prevs, hashes)
        AS t(seq, pk, public_id, prev, hash);
    UPDATE access_accessloghead SET last_seq = s, last_hash = h WHERE id = 1;
    RETURN n;
END;
$$ LANGUAGE plpgsql;
"""
PG_REVERSE = """
DROP FUNCTION IF EXISTS access_log_append(
    timestamptz, bigint, text, text, text, text, text, bigint[], uuid[], text[]
);
"""


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor."""

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
    dependencies = [("access", "0003_staff_home_address")]

    operations = [VendorSQL("postgresql", PG_FORWARD, PG_REVERSE)]
