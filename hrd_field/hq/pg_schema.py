"""HQ's schema in PostgreSQL: numbered migrations, applied in order under a lock.

Append new steps at the end; never edit a step that has shipped. ``hq_schema_migrations``
records which steps a database has. Dates are ISO text, as in the embedded store, so
report queries read the same on both backends.

What is in clear here is listed in docs/security.md ("What a PostgreSQL dump reveals"):
ids, types, versions, dates, places (country, region), vocabulary codes, device keys,
sequence numbers. Titles, record bodies and attachment contents are sealed by HRD Field
(``sealed`` columns, see hq.sealing).
"""

from __future__ import annotations

from typing import Any

STEPS: list[str] = [
    # 1: the HQ tables
    """
    CREATE TABLE hq_instance (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        store_id text NOT NULL,
        created_at text NOT NULL
    );
    CREATE TABLE hq_devices (
        public_key text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('active', 'revoked')),
        revoked_after_seq bigint,
        added_at text NOT NULL
    );
    CREATE TABLE hq_bundles (
        device_key text NOT NULL,
        seq bigint NOT NULL,
        bundle_id text NOT NULL,
        manifest_sha256 text NOT NULL,
        previous_manifest_sha256 text,
        imported_at text NOT NULL,
        summary text NOT NULL,
        PRIMARY KEY (device_key, seq)
    );
    CREATE TABLE hq_abandoned (
        device_key text NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (device_key, seq)
    );
    CREATE TABLE hq_records (
        id text PRIMARY KEY,
        type text NOT NULL,
        version integer NOT NULL,
        deleted smallint NOT NULL DEFAULT 0,
        status text NOT NULL,
        mission_id text,
        country text,
        region text,
        event_date text,
        risk_level text,
        case_status text,
        urgency text,
        flagged smallint NOT NULL DEFAULT 0,
        created_at text NOT NULL,
        updated_at text NOT NULL,
        sealed bytea NOT NULL
    );
    CREATE INDEX hq_records_type ON hq_records (type, updated_at);
    CREATE INDEX hq_records_mission ON hq_records (mission_id);
    CREATE TABLE hq_record_terms (
        record_id text NOT NULL REFERENCES hq_records (id) ON DELETE CASCADE,
        vocab text NOT NULL,
        code text NOT NULL,
        PRIMARY KEY (record_id, vocab, code)
    );
    CREATE INDEX hq_record_terms_code ON hq_record_terms (vocab, code);
    CREATE TABLE hq_versions (
        record_id text NOT NULL,
        version integer NOT NULL,
        type text NOT NULL,
        device_key text,
        bundle_id text,
        seq bigint,
        consent_scope text,
        body_fingerprint text NOT NULL,
        sealed bytea NOT NULL,
        received_at text NOT NULL,
        PRIMARY KEY (record_id, version)
    );
    CREATE TABLE hq_blobs (
        id bigserial PRIMARY KEY,
        size bigint NOT NULL DEFAULT 0
    );
    CREATE TABLE hq_blob_chunks (
        blob_id bigint NOT NULL REFERENCES hq_blobs (id) ON DELETE CASCADE,
        idx integer NOT NULL,
        sealed bytea NOT NULL,
        PRIMARY KEY (blob_id, idx)
    );
    CREATE TABLE hq_attachments (
        file_id text PRIMARY KEY,
        blob_id bigint NOT NULL REFERENCES hq_blobs (id),
        size bigint NOT NULL,
        created_at text NOT NULL
    );
    CREATE TABLE hq_alarms (
        id bigserial PRIMARY KEY,
        at text NOT NULL,
        kind text NOT NULL,
        device_key text NOT NULL,
        seq bigint,
        detail text NOT NULL
    );
    CREATE TABLE hq_quarantine (
        file_name text PRIMARY KEY,
        device_key text,
        reason text NOT NULL,
        received_at text NOT NULL
    );
    CREATE TABLE hq_receipts (
        bundle_id text PRIMARY KEY,
        device_key text NOT NULL,
        seq bigint NOT NULL,
        body bytea NOT NULL,
        created_at text NOT NULL
    );
    CREATE TABLE hq_audit (
        id bigserial PRIMARY KEY,
        at text NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        object_type text NOT NULL,
        object_id text NOT NULL
    );
    """,
    # 2: the portable report views (the same names and columns as the embedded store's)
    """
    CREATE VIEW report_records AS
        SELECT id, type, version, status, mission_id, country, region, event_date,
               risk_level, case_status, urgency, flagged, created_at, updated_at
        FROM hq_records WHERE deleted = 0;
    CREATE VIEW report_terms AS
        SELECT t.record_id, r.type, t.vocab, t.code
        FROM hq_record_terms t JOIN hq_records r ON r.id = t.record_id
        WHERE r.deleted = 0;
    """,
    # 3: casework is not the intake's to read: row security on records (the table owner,
    # the admin, is exempt; the analysts' and the intake's roles get the policies below)
    """
    ALTER TABLE hq_records ENABLE ROW LEVEL SECURITY;
    CREATE POLICY hq_records_field ON hq_records
        USING (type NOT IN ('communication', 'recommendation', 'legislation'));
    CREATE POLICY hq_records_all ON hq_records USING (pg_has_role('hrd_analyst', 'MEMBER'));
    """,
    # 4: who owns each record (the device that first sent it), which devices share a
    # mission's records, and lookups along each device's chain of manifests
    """
    CREATE TABLE hq_owners (
        record_id text PRIMARY KEY,
        device_key text NOT NULL,
        type text NOT NULL,
        mission_id text
    );
    INSERT INTO hq_owners (record_id, device_key, type, mission_id)
        SELECT DISTINCT ON (v.record_id) v.record_id, v.device_key, v.type,
               CASE v.type WHEN 'mission' THEN v.record_id ELSE r.mission_id END
        FROM hq_versions v LEFT JOIN hq_records r ON r.id = v.record_id
        WHERE v.device_key IS NOT NULL
        ORDER BY v.record_id, v.version;
    CREATE TABLE hq_shares (
        mission_id text NOT NULL,
        device_key text NOT NULL,
        PRIMARY KEY (mission_id, device_key)
    );
    CREATE INDEX hq_bundles_by_previous ON hq_bundles (device_key, previous_manifest_sha256);
    CREATE INDEX hq_quarantine_by_device ON hq_quarantine (device_key);
    """,
    # 5: casework beside the records: HQ's notes on received reprisals (sealed like record
    # bodies), acknowledgement letters sent, casework settings
    """
    CREATE TABLE hq_reprisal_notes (
        record_id text PRIMARY KEY,
        sealed bytea NOT NULL,
        updated_at text NOT NULL
    );
    CREATE TABLE hq_acknowledgements (
        id bigserial PRIMARY KEY,
        record_id text NOT NULL,
        language text NOT NULL,
        format text NOT NULL,
        sha256 text NOT NULL,
        sent_at text NOT NULL
    );
    CREATE INDEX hq_acknowledgements_record ON hq_acknowledgements (record_id);
    CREATE TABLE hq_settings (key text PRIMARY KEY, value text NOT NULL);
    """,
    # 6: the least-privileged roles read and extend the ownership tables (steps 4-5 came after
    # ROLES_SQL was first run on existing databases)
    """
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hrd_intake') THEN
        GRANT SELECT, INSERT ON hq_owners TO hrd_intake;
        GRANT SELECT ON hq_shares TO hrd_intake;
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hrd_analyst') THEN
        GRANT SELECT ON hq_owners, hq_shares TO hrd_analyst;
      END IF;
    END $$;
    """,
    # 7: each device's request bucket, shared by every intake worker (the rate limit holds
    # across 'hq serve --workers N'). Unlogged: written at every request, and losing it in a
    # crash only gives devices a fresh burst.
    """
    CREATE UNLOGGED TABLE hq_request_buckets (
        device_key text PRIMARY KEY,
        tokens double precision NOT NULL,
        at timestamptz NOT NULL
    );
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hrd_intake') THEN
        GRANT SELECT, INSERT, UPDATE ON hq_request_buckets TO hrd_intake;
      END IF;
    END $$;
    """,
    # 8: a record's (vocabulary, code) terms live in its own row, as 'vocab:code' texts (a
    # vocabulary's name never holds ':'), instead of ~14 rows a record each checked against
    # a foreign key: that was most of the server's work of an import (issue 18). Lists
    # filter on them by array containment, which their GIN index serves.
    # hq_record_terms stays, as a view with the same columns, for whoever reads it (row
    # security applies to its readers on PostgreSQL 15 and later: security_invoker).
    # Sealed values are never compressible: no compression is tried on them, and a version
    # (history, read one at a time) stays in its row instead of a TOAST table.
    """
    ALTER TABLE hq_records ADD COLUMN terms text[] NOT NULL DEFAULT '{}';
    UPDATE hq_records r SET terms = t.terms FROM (
        SELECT record_id, array_agg(vocab || ':' || code ORDER BY vocab, code) AS terms
        FROM hq_record_terms GROUP BY record_id) t
        WHERE t.record_id = r.id;
    CREATE INDEX hq_records_terms ON hq_records USING gin (terms);
    DROP VIEW report_terms;
    DROP TABLE hq_record_terms;
    DO $$
    DECLARE
      terms_view text := 'AS SELECT r.id AS record_id, split_part(x, '':'', 1) AS vocab,'
        ' substr(x, strpos(x, '':'') + 1) AS code'
        ' FROM hq_records r CROSS JOIN LATERAL unnest(r.terms) AS x';
    BEGIN
      -- security_invoker came with PostgreSQL 15; before it, the view reads as the old
      -- table did (which had no row security of its own)
      IF current_setting('server_version_num')::int >= 150000 THEN
        EXECUTE 'CREATE VIEW hq_record_terms WITH (security_invoker = true) ' || terms_view;
      ELSE
        EXECUTE 'CREATE VIEW hq_record_terms ' || terms_view;
      END IF;
    END $$;
    CREATE VIEW report_terms AS
        SELECT r.id AS record_id, r.type, split_part(x, ':', 1) AS vocab,
               substr(x, strpos(x, ':') + 1) AS code
        FROM hq_records r CROSS JOIN LATERAL unnest(r.terms) AS x
        WHERE r.deleted = 0;
    ALTER TABLE hq_records ALTER COLUMN sealed SET STORAGE EXTERNAL;
    ALTER TABLE hq_versions ALTER COLUMN sealed SET STORAGE EXTERNAL;
    ALTER TABLE hq_versions SET (toast_tuple_target = 8160);
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hrd_intake') THEN
        GRANT SELECT ON hq_record_terms TO hrd_intake;
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hrd_analyst') THEN
        GRANT SELECT ON hq_record_terms, report_terms TO hrd_analyst;
      END IF;
    END $$;
    """,
]

# Two migrating processes (several workers starting at once) take turns on this lock.
MIGRATION_LOCK = 0x4852_4446_4851  # "HRDFHQ"


def migrate(conn: Any, target: int | None = None) -> int:
    """Bring the database to ``target`` (default: the newest step); returns the version.
    ``conn``: a psycopg connection not in a transaction."""
    target = len(STEPS) if target is None else target
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS hq_schema_migrations ("
                     " version integer PRIMARY KEY, applied_at timestamptz NOT NULL"
                     " DEFAULT now())")
        done = int(conn.execute("SELECT coalesce(max(version), 0) FROM hq_schema_migrations"
                                ).fetchone()[0])
        if role_exists(conn, "hrd_analyst") is False and done < 3 <= target:
            # the policy names the analysts' role: make it (without login) if the
            # administrator has not yet run the role SQL
            conn.execute("CREATE ROLE hrd_analyst NOLOGIN")
        for number in range(done + 1, target + 1):
            conn.execute(STEPS[number - 1])
            conn.execute("INSERT INTO hq_schema_migrations (version) VALUES (%s)", (number,))
    return max(done, target)


def version(conn: Any) -> int:
    found = conn.execute("SELECT to_regclass('hq_schema_migrations')").fetchone()[0]
    if found is None:
        return 0
    return int(conn.execute("SELECT coalesce(max(version), 0) FROM hq_schema_migrations"
                            ).fetchone()[0])


def role_exists(conn: Any, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() \
        is not None


ROLES_SQL = """\
-- HRD Field HQ: least-privileged roles. Run as the database owner (the admin role that ran
-- 'hrd-field hq init'), then give each person or service a login in one of the groups:
--   CREATE ROLE intake_1 LOGIN PASSWORD '...' IN ROLE hrd_intake;
--   CREATE ROLE analyst_amina LOGIN PASSWORD '...' IN ROLE hrd_analyst;
-- Devices are managed by the admin (the owner) only.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hrd_intake') THEN
    CREATE ROLE hrd_intake NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hrd_analyst') THEN
    CREATE ROLE hrd_analyst NOLOGIN;
  END IF;
END $$;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO hrd_intake, hrd_analyst;
GRANT SELECT ON hq_instance, hq_schema_migrations, hq_devices, hq_shares
  TO hrd_intake, hrd_analyst;

-- The intake: insert bundles, records, versions, attachments, alarms, receipts; read what
-- the sequence and version checks need. Row security hides casework records from it.
GRANT SELECT, INSERT ON hq_bundles, hq_abandoned, hq_versions, hq_receipts, hq_attachments,
  hq_blobs, hq_blob_chunks, hq_owners TO hrd_intake;
GRANT SELECT, INSERT, UPDATE ON hq_records TO hrd_intake;
GRANT SELECT ON hq_record_terms TO hrd_intake;
GRANT SELECT ON hq_quarantine TO hrd_intake;
GRANT DELETE ON hq_blobs TO hrd_intake;
GRANT UPDATE ON hq_blobs TO hrd_intake;
GRANT INSERT ON hq_alarms, hq_quarantine, hq_audit TO hrd_intake;
GRANT UPDATE ON hq_quarantine TO hrd_intake;
GRANT SELECT, INSERT ON hq_owners TO hrd_intake;
GRANT SELECT ON hq_shares TO hrd_intake;
GRANT SELECT, INSERT, UPDATE ON hq_request_buckets TO hrd_intake;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO hrd_intake;

-- Analysts: read everything, write casework records (and their history) and annotations;
-- no device management, no bundle log changes.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO hrd_analyst;
GRANT INSERT, UPDATE ON hq_records TO hrd_analyst;
GRANT INSERT ON hq_versions, hq_audit, hq_alarms TO hrd_analyst;
GRANT INSERT, UPDATE ON hq_reprisal_notes, hq_acknowledgements, hq_settings TO hrd_analyst;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO hrd_analyst;
"""
