"""Numbered schema migrations, tracked in ``PRAGMA user_version``.

Never edit a released step: add a new one. Each step runs in the same transaction as the
version bump, so a crash leaves the vault at the previous version, never in between.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlcipher3

from ..core.errors import UserError
from ..core.i18n import _
from .code_upgrade import split_vocabularies

# A step is SQL, or a function given the connection for changes SQL cannot express (record
# bodies are JSON rewritten by pure functions in core); both run in the step's transaction.
Step = str | Callable[[Any], None]

STEPS: list[Step] = [
    # 1: records, their filterable terms and the full-text index
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        version INTEGER NOT NULL,
        mission_id TEXT,
        status TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        country TEXT,
        region TEXT,
        event_date TEXT,
        risk_level TEXT,
        case_status TEXT,
        urgency TEXT,
        flagged INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        body TEXT NOT NULL
    );
    CREATE INDEX records_by_type ON records (type, deleted, updated_at);
    CREATE INDEX records_by_mission ON records (mission_id, type);
    CREATE INDEX records_by_date ON records (type, event_date);
    CREATE TABLE record_terms (
        vocab TEXT NOT NULL, code TEXT NOT NULL, record_seq INTEGER NOT NULL,
        PRIMARY KEY (vocab, code, record_seq)
    ) WITHOUT ROWID;
    CREATE INDEX record_terms_by_record ON record_terms (record_seq);
    CREATE VIRTUAL TABLE records_fts USING fts5 (title, text, tokenize = 'trigram');
    """,
    # 2: attachments, stored encrypted in the vault in chunks and addressed by SHA-256
    """
    CREATE TABLE blobs (id INTEGER PRIMARY KEY AUTOINCREMENT, size INTEGER NOT NULL);
    CREATE TABLE blob_chunks (
        blob_id INTEGER NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        data BLOB NOT NULL
    );
    CREATE UNIQUE INDEX blob_chunks_order ON blob_chunks (blob_id, idx);
    CREATE TABLE attachments (
        sha256 TEXT PRIMARY KEY,
        blob_id INTEGER NOT NULL UNIQUE REFERENCES blobs (id),
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 3: the append-only, hash-chained audit log
    """
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL DEFAULT '',
        object_id TEXT NOT NULL DEFAULT '',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # 4: drafts autosaved by the editors, kept apart from the committed records
    """
    CREATE TABLE drafts (
        record_id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        saved_at TEXT NOT NULL
    );
    """,
    # 5: field side of export: sequence numbers (never reused) and what left in which bundle
    """
    CREATE TABLE export_sequences (
        seq INTEGER PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('reserved', 'written', 'abandoned')),
        bundle_id TEXT,
        manifest_sha256 TEXT,
        file_name TEXT,
        size INTEGER,
        created_at TEXT NOT NULL,
        received_at TEXT
    );
    CREATE TABLE exported_versions (
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        seq INTEGER NOT NULL REFERENCES export_sequences (seq),
        PRIMARY KEY (record_id, version)
    );
    CREATE INDEX exported_versions_by_seq ON exported_versions (seq);
    """,
    # 6: HQ side: device registry, bundle log, provenance and history of every version
    """
    CREATE TABLE hq_devices (
        name TEXT PRIMARY KEY,
        public_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
        revoked_after_seq INTEGER,
        added_at TEXT NOT NULL
    );
    CREATE TABLE hq_bundles (
        device_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        bundle_id TEXT NOT NULL UNIQUE,
        manifest_sha256 TEXT NOT NULL,
        previous_manifest_sha256 TEXT,
        imported_at TEXT NOT NULL,
        summary TEXT NOT NULL,
        PRIMARY KEY (device_key, seq)
    );
    CREATE TABLE hq_abandoned (
        device_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (device_key, seq)
    );
    CREATE TABLE hq_versions (
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        type TEXT NOT NULL,
        device_key TEXT NOT NULL,
        bundle_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        consent_scope TEXT,
        body TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (record_id, version)
    );
    CREATE TABLE hq_alarms (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        device_key TEXT NOT NULL,
        seq INTEGER,
        detail TEXT NOT NULL
    );
    CREATE TABLE hq_quarantine (
        file_name TEXT PRIMARY KEY,
        device_key TEXT,
        reason TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    """,
    # 7: sync: HQ keeps the receipt it gave for each bundle; the field keeps its outbox state
    """
    CREATE TABLE hq_receipts (
        bundle_id TEXT PRIMARY KEY,
        device_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body BLOB NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY REFERENCES export_sequences (seq),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at TEXT,
        receipt BLOB
    );
    """,
    # 8: search ignores accents (défenseuse = defenseuse): rebuild the index, same content
    """
    CREATE VIRTUAL TABLE records_fts_new USING fts5 (
        title, text, tokenize = 'trigram remove_diacritics 1');
    INSERT INTO records_fts_new (rowid, title, text)
        SELECT rowid, title, text FROM records_fts;
    DROP TABLE records_fts;
    ALTER TABLE records_fts_new RENAME TO records_fts;
    """,
    # 9: indexes for the orders and filters lists use (measured: 490 ms → 0.2 ms per page)
    """
    CREATE INDEX records_live_by_updated ON records (deleted, updated_at);
    CREATE INDEX records_by_type_updated ON records (type, deleted, updated_at);
    CREATE INDEX records_by_type_date ON records (type, deleted, event_date);
    CREATE INDEX records_by_type_title ON records (type, deleted, title);
    CREATE INDEX records_by_type_country ON records (type, deleted, country);
    CREATE INDEX records_by_type_region ON records (type, region, deleted, updated_at);
    """,
    # 10: two-character Chinese, Japanese and Korean words, indexed as pairs of characters
    # (filled from the records by the vault when it opens: see DERIVED_VERSION)
    """
    CREATE VIRTUAL TABLE records_cjk USING fts5 (grams, tokenize = 'unicode61');
    """,
    # 11: groups at risk split into rights defended / profession / situation; threat types
    # without police or online in them; consent contradictions flagged; HQ links resolved
    split_vocabularies,
    # HQ casework: HQ's own notes on received reprisals (apart from the record, so a later
    # field version never overwrites them) and the acknowledgement letters sent
    """
    CREATE TABLE hq_reprisal_notes (
        record_id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE hq_acknowledgements (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id TEXT NOT NULL,
        language TEXT NOT NULL,
        format TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        sent_at TEXT NOT NULL
    );
    CREATE INDEX hq_acknowledgements_by_record ON hq_acknowledgements (record_id);
    CREATE INDEX records_awaiting_reply ON records (type, status, case_status, event_date,
        country, urgency, title, id, seq) WHERE deleted = 0 AND case_status IS NOT NULL;
    """,
    # HQ reports count records by type, date and region or visit, and add up the
    # participants of consultations, from this index alone: reading the table pages (bodies
    # included) made a report over 100k records take seconds (measured: 5.7 s → 0.35 s)
    """
    CREATE INDEX records_for_reports ON records (
        type, deleted, event_date, region, mission_id,
        json_extract(body, '$.participants.women'), json_extract(body, '$.participants.men'),
        json_extract(body, '$.participants.non_binary'),
        json_extract(body, '$.participants.not_stated'));
    """,
    # whole words beside the trigram index: one token's list instead of intersecting the
    # lists of every trigram of a common word (search 5-20× faster at 100k records);
    # contentless, so the text is stored once (in records_fts)
    """
    CREATE VIRTUAL TABLE records_words USING fts5 (
        title, text, tokenize = 'unicode61 remove_diacritics 2', content = '',
        contentless_delete = 1);
    INSERT INTO records_words (rowid, title, text) SELECT rowid, title, text FROM records_fts;
    """,
    # HQ: who owns each record (the device that first sent it), which devices share a
    # mission's records, and the chain of manifests each bundle follows
    """
    CREATE TABLE hq_owners (
        record_id TEXT PRIMARY KEY,
        device_key TEXT NOT NULL,
        type TEXT NOT NULL,
        mission_id TEXT
    );
    INSERT INTO hq_owners (record_id, device_key, type, mission_id)
        SELECT v.record_id, v.device_key, v.type,
               CASE v.type WHEN 'mission' THEN v.record_id
                           ELSE json_extract(v.body, '$.mission_id') END
        FROM hq_versions v
        WHERE v.version = (SELECT min(w.version) FROM hq_versions w
                           WHERE w.record_id = v.record_id);
    CREATE TABLE hq_shares (
        mission_id TEXT NOT NULL,
        device_key TEXT NOT NULL,
        PRIMARY KEY (mission_id, device_key)
    );
    CREATE INDEX hq_bundles_by_previous ON hq_bundles (device_key, previous_manifest_sha256);
    CREATE INDEX hq_quarantine_by_device ON hq_quarantine (device_key);
    """,
    # attachments become sealed files beside the database (vault/attachments.py): the row
    # names the file and holds its key; rows without a file keep their chunks here
    """
    ALTER TABLE attachments ADD COLUMN file TEXT;
    ALTER TABLE attachments ADD COLUMN file_key BLOB;
    """,
    # a list's pages and counts under the filters the GUI offers read these indexes alone,
    # in the list's order: a filter column missing from the index made SQLite read each
    # candidate's table row (bodies included: pages the 64 MiB cache cannot hold, decrypted
    # again on every query). They replace three narrower ones with the same leading columns.
    # records_by_seq does the same for the matches of a search, read by seq; the words'
    # vocabulary lets a typed prefix be searched as the whole words it starts (word_terms.py)
    """
    CREATE INDEX records_list_by_updated ON records (type, deleted, updated_at, seq,
        mission_id, region, country, status, event_date, risk_level, case_status);
    CREATE INDEX records_list_by_date ON records (type, deleted, event_date, seq,
        mission_id, region, country, status, updated_at, risk_level, case_status);
    CREATE INDEX records_by_seq ON records (seq, type, deleted, mission_id, region, country,
        status, event_date, risk_level, case_status, updated_at);
    CREATE VIRTUAL TABLE records_words_terms USING fts5vocab (records_words, 'row');
    DROP INDEX records_by_type_region;
    CREATE INDEX records_by_type_region ON records (type, region, deleted, updated_at,
        event_date);
    DROP INDEX records_by_type;
    DROP INDEX records_by_type_updated;
    DROP INDEX records_by_type_date;
    """,
    # Bulk writes (HQ imports, create_many) with fewer, larger full-text segments: FTS5
    # keeps a transaction's new terms in memory up to this size (default 1 MiB) before
    # writing a segment, and every segment is merged, i.e. rewritten and re-encrypted,
    # later. 16 MiB took a third off the trigram index's cost of a 10,000-record import
    # (bench/README.md, issue 18). Memory only while a write transaction is open.
    """
    INSERT INTO records_fts (records_fts, rank) VALUES ('hashsize', 16777216);
    INSERT INTO records_words (records_words, rank) VALUES ('hashsize', 16777216);
    INSERT INTO records_cjk (records_cjk, rank) VALUES ('hashsize', 16777216);
    """,
]

LATEST = len(STEPS)


def current_version(conn: Any) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Any, target: int = LATEST) -> int:
    """Bring the schema to ``target``; returns the version found before migrating."""
    found = current_version(conn)
    if found > LATEST:
        raise UserError(_("This vault was created by a newer version of HRD Field."))
    for version in range(found + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            step = STEPS[version - 1]
            if callable(step):
                step(conn)
            else:
                for statement in _split(step):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found


def _split(script: str) -> list[str]:
    """Split a step into whole statements (trigger bodies included), as SQLite parses them."""
    out, buf = [], ""
    for line in script.strip().splitlines(keepends=True):
        buf += line
        if sqlcipher3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return out
