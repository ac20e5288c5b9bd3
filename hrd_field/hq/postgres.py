"""The PostgreSQL HQ repository: a team's HQ (several intake workers, analysts at the same
time) on one database, through psycopg 3 and its connection pool.

Record titles and bodies, record history and attachment contents are sealed by HRD Field
(``hq.sealing``) before they are sent; the key stays in the HQ key store. Filters, lists
and reports work on the clear columns (type, dates, places, codes); text search opens the
sealed text of the candidate rows in this process.

Concurrency: every import is one transaction; imports of one device take turns on a
per-device advisory lock (and the (device, sequence) primary key backs it up), imports of
different devices run in parallel. Device status is read fresh on every request.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from ..core import codec, indexing, linking
from ..core.casework import ReprisalAnnotation
from ..core.errors import FieldError, RecordInvalid, UserError
from ..core.i18n import _
from ..core.records import Record, utc_now
from ..core.validation import normalise, validate
from ..core.vocab import RECORD_TYPE
from ..vault.attachments import CHUNK_SIZE, MAX_ATTACHMENT_BYTES
from ..vault.hq_casework import Acknowledgement, BundleEntry, OpenCommunication
from ..vault.hq_tables import Device, Provenance
from ..vault.queries import MAX_PAGE, SORTABLE, Filters, Hit, NotFound, Row, filter_sql
from ..vault.queries import _snippet as snippet
from ..vault.repository import Conflict, check_update
from . import pg_schema
from .repository import BlobSink, BundleLog, StoreUnavailable
from .rules import gap_ranges
from .sealing import Sealer

BACKEND = "postgresql"
CONNECT_TIMEOUT = 5


def describe(url: str) -> str:
    """The database's address for messages, without any password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "?"
    host = info.get("host") or "localhost"
    return f"{info.get('user') or ''}{'@' if info.get('user') else ''}{host}:" \
           f"{info.get('port') or 5432}/{info.get('dbname') or ''}"


def for_tool(url: str) -> tuple[str, dict[str, str]]:
    """The address for a PostgreSQL command-line tool and its environment: a password
    goes in PGPASSWORD, never on a command line others can read in the process list."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": str(CONNECT_TIMEOUT)}
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return url, env
    password = info.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**{k: str(v) for k, v in info.items()}), env


def unreachable(url: str, exc: BaseException | None = None) -> StoreUnavailable:
    detail = str(exc).strip().splitlines()[0] if exc and str(exc).strip() else ""
    return StoreUnavailable(_("Cannot reach the HQ database {db}{detail}. Check that the "
                              "server runs and the address, user and TLS settings.").format(
        db=describe(url), detail=f" ({detail})" if detail else ""))


def connect(url: str) -> psycopg.Connection[Any]:
    """One direct connection (init, migrations, checks)."""
    try:
        return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
    except psycopg.Error as exc:
        raise unreachable(url, exc) from exc


def claim(url: str, store_id: str) -> None:
    """Make the database this HQ's: create the schema and record the store's id. Refused if
    another HQ store already claimed it."""
    with connect(url) as conn:
        pg_schema.migrate(conn)
        with conn.transaction():
            conn.execute("LOCK TABLE hq_instance IN EXCLUSIVE MODE")
            row = conn.execute("SELECT store_id FROM hq_instance").fetchone()
            if row is not None and row[0] != store_id:
                raise UserError(_(
                    "The database {db} already belongs to another HQ store; one database "
                    "serves one HQ. Use a new database.").format(db=describe(url)))
            if row is None:
                conn.execute("INSERT INTO hq_instance (store_id, created_at) VALUES (%s, %s)",
                             (store_id, utc_now()))


def _translate(url: str, exc: psycopg.Error) -> UserError:
    if isinstance(exc, psycopg.OperationalError | PoolTimeout):
        return unreachable(url, exc)
    if isinstance(exc, pg_errors.DiskFull | pg_errors.InsufficientResources):
        return StoreUnavailable(_("The HQ database has no space left; nothing was changed."))
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return UserError(_("The database role of this HQ process may not do this ({what}).")
                         .format(what=str(exc).strip().splitlines()[0]))
    if isinstance(exc, psycopg.ProgrammingError | psycopg.DataError):  # a query's fault
        return UserError(_("The HQ database refused the query: {why}").format(
            why=(str(exc).strip().splitlines() or ["?"])[0]))
    return UserError(_("The HQ database could not complete the operation ({kind}).").format(
        kind=type(exc).__name__))


_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?|%")


def portable_sql(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s`` (and a literal ``%`` doubled), outside
    quoted strings."""
    def swap(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.startswith("'"):  # a literal: keep its '?', double its '%'
            return token.replace("%", "%%")
        return {"?": "%s", "%": "%%"}.get(token, token)
    return _PLACEHOLDER.sub(swap, sql)


class _Import:
    def __init__(self, repo: PostgresRepository, conn: psycopg.Connection[Any]):
        self.repo = repo
        self.conn = conn

    def lock_device(self, device_key: str) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7))",
                          (device_key,))

    def device_by_key(self, public_key: str) -> Device | None:
        return _device(self.conn, public_key)

    def bundle_at(self, device_key: str, seq: int) -> BundleLog | None:
        return _bundle_at(self.conn, device_key, seq)

    def store_version(self, record: Record, *, device_key: str, bundle_id: str,
                      seq: int, current: Record | None = None) -> str:
        normalise(record)
        body = codec.dumps(record)
        fp = self.repo.sealer.fingerprint(linking.comparable_json(body).encode())
        found = self.conn.execute("SELECT body_fingerprint FROM hq_versions WHERE"
                                  " record_id = %s AND version = %s",
                                  (record.id, record.version)).fetchone()
        if found is not None:
            if found[0] != fp:
                self.alarm("version_conflict", device_key, seq,
                           f"record {record.id} version {record.version} differs")
            return "known"
        consent = getattr(record, "consent", None)
        scope = json.dumps(codec.to_dict(record).get("consent", {}).get("scope")) \
            if consent is not None else None
        self.repo.insert_version(self.conn, record.id, record.version, record.TYPE, body,
                                 device_key=device_key, bundle_id=bundle_id, seq=seq,
                                 scope=scope)
        self.claim(record.id, device_key, record.TYPE,
                   record.id if record.TYPE == "mission" else record.mission_id)
        return self.repo.upsert(self.conn, current or record)

    def person_genders(self, ids: list[str]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        if not ids:
            return out
        rows = self.conn.execute("SELECT id, version, sealed FROM hq_records WHERE"
                                 " type = 'person' AND deleted = 0 AND id = ANY(%s)",
                                 (list(ids),)).fetchall()
        for pid, version, sealed in rows:
            body = json.loads(self.repo._open_record(pid, version, sealed)["body"])
            out[pid] = body.get("gender")
        return out

    def store_tombstone(self, record_id: str, record_type: str, version: int, *,
                        device_key: str, bundle_id: str, seq: int) -> str:
        if self.conn.execute("SELECT 1 FROM hq_versions WHERE record_id = %s AND version = %s",
                             (record_id, version)).fetchone():
            return "known"
        self.repo.insert_version(self.conn, record_id, version, record_type, "{}",
                                 device_key=device_key, bundle_id=bundle_id, seq=seq,
                                 scope=None)
        self.claim(record_id, device_key, record_type,
                   record_id if record_type == "mission" else None)
        return self.repo.tombstone(self.conn, record_id, record_type, version)

    def log_bundle(self, *, device_key: str, seq: int, bundle_id: str, manifest_sha256: str,
                   previous: str | None, summary: dict[str, Any],
                   abandoned: list[int]) -> None:
        self.conn.execute(
            "INSERT INTO hq_bundles (device_key, seq, bundle_id, manifest_sha256,"
            " previous_manifest_sha256, imported_at, summary) VALUES (%s, %s, %s, %s, %s, %s,"
            " %s)", (device_key, seq, bundle_id, manifest_sha256, previous, utc_now(),
                     json.dumps(summary, sort_keys=True)))
        for s in abandoned:
            self.conn.execute("INSERT INTO hq_abandoned (device_key, seq) VALUES (%s, %s)"
                              " ON CONFLICT DO NOTHING", (device_key, s))
        self.repo.audit(self.conn, "hq.bundle.import", "bundle", bundle_id)

    def alarm(self, kind: str, device_key: str, seq: int | None, detail: str) -> None:
        self.repo.alarm(self.conn, kind, device_key, seq, detail)

    def blob_writer(self) -> BlobSink:
        return _BlobWriter(self.conn, self.repo.sealer)

    # -- facts the acceptance rules (hq.rules) decide on ------------------------------------
    def chain_facts(self, device_key: str, seq: int, previous: str | None,
                    manifest_sha256: str) -> dict[str, Any]:
        """Around ``seq``: the highest known sequence, the abandoned ones, the nearest held
        bundles below and above, another bundle following ``previous``, and whether a held
        bundle names this manifest as its previous one."""
        c = self.conn
        top = _scalar(c, "SELECT greatest((SELECT max(seq) FROM hq_bundles WHERE"
                         " device_key = %s), (SELECT max(seq) FROM hq_abandoned WHERE"
                         " device_key = %s))", (device_key, device_key))
        abandoned = {int(r[0]) for r in c.execute(
            "SELECT seq FROM hq_abandoned WHERE device_key = %s", (device_key,)).fetchall()}
        below = c.execute("SELECT seq, manifest_sha256 FROM hq_bundles WHERE device_key = %s"
                          " AND seq < %s ORDER BY seq DESC LIMIT 1",
                          (device_key, seq)).fetchone()
        above = c.execute("SELECT seq, previous_manifest_sha256 FROM hq_bundles WHERE"
                          " device_key = %s AND seq > %s ORDER BY seq LIMIT 1",
                          (device_key, seq)).fetchone()
        sibling = c.execute("SELECT seq FROM hq_bundles WHERE device_key = %s AND"
                            " previous_manifest_sha256 = %s AND seq <> %s LIMIT 1",
                            (device_key, previous, seq)).fetchone() \
            if previous is not None else None
        vouched = c.execute("SELECT 1 FROM hq_bundles WHERE device_key = %s AND"
                            " previous_manifest_sha256 = %s AND seq > %s",
                            (device_key, manifest_sha256, seq)).fetchone() is not None
        return {"top": int(top or 0), "abandoned": abandoned,
                "below": (int(below[0]), str(below[1])) if below else None,
                "above": (int(above[0]), above[1]) if above else None,
                "same_previous": int(sibling[0]) if sibling else None, "vouched": vouched}

    def record_owner(self, record_id: str) -> tuple[str, int, str, str | None] | None:
        """(owner key, highest version held, type, mission) of a record HQ holds."""
        row = self.conn.execute(
            "SELECT o.device_key, (SELECT max(v.version) FROM hq_versions v WHERE"
            " v.record_id = o.record_id), o.type, o.mission_id FROM hq_owners o WHERE"
            " o.record_id = %s", (record_id,)).fetchone()
        return (str(row[0]), int(row[1] or 0), str(row[2]), row[3]) if row else None

    def claim(self, record_id: str, device_key: str, record_type: str,
              mission_id: str | None) -> None:
        """The first device to send a record owns it (later calls change nothing)."""
        self.conn.execute("INSERT INTO hq_owners (record_id, device_key, type, mission_id)"
                          " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                          (record_id, device_key, record_type, mission_id))

    def mission_sharers(self, mission_id: str | None) -> set[str]:
        if mission_id is None:
            return set()
        return {str(r[0]) for r in self.conn.execute(
            "SELECT device_key FROM hq_shares WHERE mission_id = %s", (mission_id,)
        ).fetchall()}


class _BlobWriter:
    def __init__(self, conn: psycopg.Connection[Any], sealer: Sealer):
        import hashlib

        self._conn = conn
        self._sealer = sealer
        self._blob_id = int(_scalar(conn, "INSERT INTO hq_blobs (size) VALUES (0) RETURNING id"))
        self._digest = hashlib.sha256()
        self._buffer = bytearray()
        self._idx = 0
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > MAX_ATTACHMENT_BYTES:
            raise UserError(_("The file is too large (at most {gib} GiB).").format(
                gib=MAX_ATTACHMENT_BYTES >> 30))
        self._digest.update(data)
        self._buffer += data
        while len(self._buffer) >= CHUNK_SIZE:
            self._flush(bytes(self._buffer[:CHUNK_SIZE]))
            del self._buffer[:CHUNK_SIZE]

    def _flush(self, chunk: bytes) -> None:
        sealed = self._sealer.seal(chunk, f"chunk:{self._blob_id}:{self._idx}")
        self._conn.execute("INSERT INTO hq_blob_chunks (blob_id, idx, sealed) VALUES"
                           " (%s, %s, %s)", (self._blob_id, self._idx, sealed))
        self._idx += 1

    def finish(self) -> str:
        if self._buffer:
            self._flush(bytes(self._buffer))
            self._buffer.clear()
        sha = self._digest.hexdigest()
        file_id = self._sealer.fingerprint(sha.encode())
        inserted = self._conn.execute(
            "INSERT INTO hq_attachments (file_id, blob_id, size, created_at) VALUES"
            " (%s, %s, %s, %s) ON CONFLICT (file_id) DO NOTHING",
            (file_id, self._blob_id, self.size, utc_now())).rowcount
        if inserted:
            self._conn.execute("UPDATE hq_blobs SET size = %s WHERE id = %s",
                               (self.size, self._blob_id))
        else:  # the same content is already stored
            self._conn.execute("DELETE FROM hq_blobs WHERE id = %s", (self._blob_id,))
        return sha


def _scalar(conn: Any, sql: str, params: Any = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    if row is None:
        raise UserError(_("The HQ database returned no answer."))
    return row[0]


def _device(conn: Any, public_key: str) -> Device | None:
    row = conn.execute("SELECT name, public_key, status, revoked_after_seq, added_at FROM"
                       " hq_devices WHERE public_key = %s", (public_key,)).fetchone()
    return Device(*row) if row else None


def _bundle_at(conn: Any, device_key: str, seq: int) -> BundleLog | None:
    row = conn.execute("SELECT bundle_id, manifest_sha256, summary FROM hq_bundles"
                       " WHERE device_key = %s AND seq = %s", (device_key, seq)).fetchone()
    return BundleLog(*row) if row else None


_CODES = ("(SELECT string_agg(t.code, ',' ORDER BY t.code) FROM hq_record_terms t"
          " WHERE t.record_id = r.id AND t.vocab = CASE r.type WHEN 'consultation' THEN"
          " 'consultation_format' ELSE 'threat_type' END)")
_ROW_COLUMNS = ("r.id, r.type, r.sealed, r.version, r.status, r.country, r.region,"
                " r.event_date, r.risk_level, r.case_status, r.flagged, r.updated_at,"
                " r.mission_id, " + _CODES)


def _where(filters: Filters) -> tuple[str, list[Any]]:
    return filter_sql(filters, mark="%s", terms="hq_record_terms", term_link="t.record_id = r.id")


class PostgresRepository:
    """``HqRepository`` on PostgreSQL. ``max_connections``: the pool's size in this
    process (the intake's worker threads and the analysts' requests share it)."""

    backend = BACKEND

    def __init__(self, url: str, store_id: str, record_key: str, *, actor: str = "hq",
                 max_connections: int = 8):
        self.url = url
        self.sealer = Sealer(record_key)
        self.actor = actor
        self.pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=False,
                                   kwargs={"connect_timeout": CONNECT_TIMEOUT},
                                   timeout=30, name="hrd-field-hq")
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT + 2)
        except PoolTimeout as exc:
            self.pool.close()
            raise unreachable(url, exc) from exc
        try:
            self._check_instance(store_id)
        except BaseException:
            self.pool.close()
            raise

    def _check_instance(self, store_id: str) -> None:
        with self._conn() as conn:
            have = pg_schema.version(conn)
            if have < len(pg_schema.STEPS):
                if have == 0:
                    raise UserError(_("The database {db} holds no HQ store. Create one with "
                                      "'hrd-field hq init --database'.").format(
                        db=describe(self.url)))
                conn.commit()
                conn.autocommit = True
                try:
                    pg_schema.migrate(conn)
                finally:
                    conn.autocommit = False
            row = conn.execute("SELECT store_id FROM hq_instance").fetchone()
            if row is None or row[0] != store_id:
                raise UserError(_(
                    "The database {db} belongs to another HQ store than this one; one "
                    "database serves one HQ.").format(db=describe(self.url)))

    @contextlib.contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection in one transaction, committed at the end of the block."""
        try:
            with self.pool.connection() as conn:
                yield conn
        except psycopg.Error as exc:
            raise _translate(self.url, exc) from exc
        except PoolTimeout as exc:
            raise unreachable(self.url, exc) from exc

    def close(self) -> None:
        self.pool.close()

    def ping(self) -> None:
        with self._conn() as conn:
            conn.execute("SELECT 1")

    # -- writes shared by imports and casework --------------------------------------------------
    def audit(self, conn: Any, action: str, object_type: str = "", object_id: str = "") -> None:
        conn.execute("INSERT INTO hq_audit (at, actor, action, object_type, object_id) VALUES"
                     " (%s, %s, %s, %s, %s)", (utc_now(), self.actor, action, object_type,
                                               object_id))

    def alarm(self, conn: Any, kind: str, device_key: str, seq: int | None,
              detail: str) -> None:
        conn.execute("INSERT INTO hq_alarms (at, kind, device_key, seq, detail) VALUES"
                     " (%s, %s, %s, %s, %s)", (utc_now(), kind, device_key, seq, detail))
        self.audit(conn, f"hq.alarm.{kind}", "device", device_key)

    def insert_version(self, conn: Any, record_id: str, version: int, record_type: str,
                       body: str, *, device_key: str | None, bundle_id: str | None,
                       seq: int | None, scope: str | None) -> None:
        conn.execute(
            "INSERT INTO hq_versions (record_id, version, type, device_key, bundle_id, seq,"
            " consent_scope, body_fingerprint, sealed, received_at) VALUES (%s, %s, %s, %s,"
            " %s, %s, %s, %s, %s, %s)",
            (record_id, version, record_type, device_key, bundle_id, seq, scope,
             # a version sent again is compared without its link fields (stub references
             # are new on each export): core.linking.comparable
             self.sealer.fingerprint(linking.comparable_json(body).encode()),
             self.sealer.seal(body.encode(), f"version:{record_id}:{version}"), utc_now()))

    def _seal_record(self, record: Record) -> bytes:
        cols = indexing.columns(record)
        payload = json.dumps({"title": cols["title"], "body": codec.dumps(record),
                              "text": indexing.search_text(record)})
        return self.sealer.seal(payload.encode(), f"record:{record.id}:{record.version}")

    def _open_record(self, record_id: str, version: int, sealed: bytes) -> dict[str, str]:
        data: dict[str, str] = json.loads(self.sealer.open(bytes(sealed),
                                                           f"record:{record_id}:{version}"))
        return data

    def _write(self, conn: Any, record: Record, *, insert: bool) -> None:
        cols = indexing.columns(record)
        values = (record.TYPE, record.version, record.mission_id, record.status,
                  cols["country"], cols["region"], cols["event_date"], cols["risk_level"],
                  cols["case_status"], cols["urgency"], cols["flagged"], record.created_at,
                  record.updated_at, self._seal_record(record), record.id)
        if insert:
            conn.execute(
                "INSERT INTO hq_records (type, version, mission_id, status, country, region,"
                " event_date, risk_level, case_status, urgency, flagged, created_at,"
                " updated_at, sealed, id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                " %s, %s, %s, %s)", values)
        else:
            conn.execute(
                "UPDATE hq_records SET type = %s, version = %s, mission_id = %s, status = %s,"
                " country = %s, region = %s, event_date = %s, risk_level = %s,"
                " case_status = %s, urgency = %s, flagged = %s, created_at = %s,"
                " updated_at = %s, sealed = %s, deleted = 0 WHERE id = %s", values)
            conn.execute("DELETE FROM hq_record_terms WHERE record_id = %s", (record.id,))
        for vocab, code in sorted(indexing.terms(record)):
            conn.execute("INSERT INTO hq_record_terms (record_id, vocab, code) VALUES"
                         " (%s, %s, %s)", (record.id, vocab, code))

    def _current(self, conn: Any, record_id: str) -> tuple[int, int, str] | None:
        """(version, deleted, type) of the record, locked until the transaction ends."""
        row = conn.execute("SELECT version, deleted, type FROM hq_records WHERE id = %s"
                           " FOR UPDATE", (record_id,)).fetchone()
        return (int(row[0]), int(row[1]), str(row[2])) if row else None

    def _reserve(self, conn: Any, record_id: str, record_type: str,
                 version: int) -> tuple[int, int, str] | None:
        """The current row (locked), or None after inserting a placeholder that the caller
        overwrites: two imports creating the same record at once take turns."""
        found = self._current(conn, record_id)
        if found is not None:
            return found
        inserted = conn.execute(
            "INSERT INTO hq_records (id, type, version, deleted, status, created_at,"
            " updated_at, sealed) VALUES (%s, %s, %s, 1, 'final', %s, %s, '') ON CONFLICT"
            " (id) DO NOTHING", (record_id, record_type, 0, utc_now(), utc_now())).rowcount
        if inserted:
            return None
        return self._current(conn, record_id)

    def upsert(self, conn: Any, record: Record) -> str:
        row = self._reserve(conn, record.id, record.TYPE, record.version)
        if row is not None and row[2] != record.TYPE:
            raise Conflict(_("Record {id} would change from {old} to {new}; a record's type "
                             "never changes.").format(id=record.id,
                                                       old=RECORD_TYPE.label(row[2]),
                                                       new=RECORD_TYPE.label(record.TYPE)))
        if row is not None and row[0] >= record.version:
            return "older"
        self._write(conn, record, insert=False)
        return "new" if row is None else "updated"

    def tombstone(self, conn: Any, record_id: str, record_type: str, version: int) -> str:
        row = self._reserve(conn, record_id, record_type, version)
        if row is not None and row[0] >= version:
            return "older"
        conn.execute("DELETE FROM hq_record_terms WHERE record_id = %s", (record_id,))
        conn.execute("UPDATE hq_records SET deleted = 1, version = %s, mission_id = NULL,"
                     " country = NULL, region = NULL, event_date = NULL, risk_level = NULL,"
                     " case_status = NULL, urgency = NULL, flagged = 0, updated_at = %s,"
                     " sealed = %s WHERE id = %s",
                     (version, utc_now(), self.sealer.seal(b"{}", f"record:{record_id}:"
                                                                 f"{version}"), record_id))
        return "new" if row is None else "updated"

    # -- devices -------------------------------------------------------------------------------
    def add_device(self, name: str, public_key: str) -> None:
        with self._conn() as conn:
            if conn.execute("SELECT 1 FROM hq_devices WHERE name = %s", (name,)).fetchone():
                raise UserError(_("A device named {name} is already registered.").format(
                    name=name))
            if conn.execute("SELECT 1 FROM hq_devices WHERE public_key = %s",
                            (public_key,)).fetchone():
                raise UserError(_("This device key is already registered."))
            conn.execute("INSERT INTO hq_devices (name, public_key, status, added_at) VALUES"
                         " (%s, %s, 'active', %s)", (name, public_key, utc_now()))
            self.audit(conn, "hq.device.add", "device", name)

    def revoke_device(self, name: str, after_seq: int | None) -> None:
        with self._conn() as conn:
            found = conn.execute("UPDATE hq_devices SET status = 'revoked',"
                                 " revoked_after_seq = %s WHERE name = %s",
                                 (after_seq, name)).rowcount
            if not found:
                raise UserError(_("No device named {name}.").format(name=name))
            self.audit(conn, "hq.device.revoke", "device", name)

    def devices(self) -> list[Device]:
        with self._conn() as conn:
            return [Device(*r) for r in conn.execute(
                "SELECT name, public_key, status, revoked_after_seq, added_at FROM hq_devices"
                " ORDER BY name").fetchall()]

    def device_by_key(self, public_key: str) -> Device | None:
        with self._conn() as conn:
            return _device(conn, public_key)

    # -- bundles -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def import_transaction(self) -> Iterator[_Import]:
        with self._conn() as conn, conn.transaction():
            yield _Import(self, conn)

    def bundle_at(self, device_key: str, seq: int) -> BundleLog | None:
        with self._conn() as conn:
            return _bundle_at(conn, device_key, seq)

    def gaps(self) -> dict[str, list[tuple[int, int]]]:
        return {d.name: gap_ranges(*self.sequences(d.public_key)) for d in self.devices()}

    def sequences(self, device_key: str) -> tuple[list[int], list[int]]:
        """(received, declared abandoned) sequence numbers of a device."""
        with self._conn() as conn:
            got = [int(r[0]) for r in conn.execute(
                "SELECT seq FROM hq_bundles WHERE device_key = %s", (device_key,)).fetchall()]
            dropped = [int(r[0]) for r in conn.execute(
                "SELECT seq FROM hq_abandoned WHERE device_key = %s",
                (device_key,)).fetchall()]
        return got, dropped

    def share_mission(self, mission_id: str, names: list[str], *, remove: bool = False) -> None:
        """Let these devices send versions of each other's records of this mission (or stop)."""
        with self._conn() as conn:
            for name in names:
                row = conn.execute("SELECT public_key FROM hq_devices WHERE name = %s",
                                   (name,)).fetchone()
                if row is None:
                    raise UserError(_("No device named {name}.").format(name=name))
                if remove:
                    conn.execute("DELETE FROM hq_shares WHERE mission_id = %s AND"
                                 " device_key = %s", (mission_id, row[0]))
                else:
                    conn.execute("INSERT INTO hq_shares (mission_id, device_key) VALUES"
                                 " (%s, %s) ON CONFLICT DO NOTHING", (mission_id, row[0]))
                self.audit(conn, "hq.mission.unshare" if remove else "hq.mission.share",
                           "mission", f"{mission_id} {name}")

    def shares(self) -> list[tuple[str, str]]:
        """(mission id, device name) of every share, sorted."""
        with self._conn() as conn:
            return [(str(r[0]), str(r[1])) for r in conn.execute(
                "SELECT s.mission_id, coalesce(d.name, s.device_key) FROM hq_shares s"
                " LEFT JOIN hq_devices d ON d.public_key = s.device_key ORDER BY 1, 2"
            ).fetchall()]

    def quarantined(self, device_key: str | None) -> int:
        """How many bundles this uploader (None: hand imports) has in quarantine."""
        with self._conn() as conn:
            return int(_scalar(conn, "SELECT count(*) FROM hq_quarantine WHERE device_key IS"
                                     " NOT DISTINCT FROM %s", (device_key,)))

    def version(self, record_id: str, version: int) -> Record:
        """One version from HQ's history; a deletion or an unknown version is an error."""
        with self._conn() as conn:
            row = conn.execute("SELECT sealed FROM hq_versions WHERE record_id = %s AND"
                               " version = %s", (record_id, version)).fetchone()
        if row is None:
            raise UserError(_("HQ holds no version {version} of record {id}.").format(
                version=version, id=record_id))
        body = self.sealer.open(bytes(row[0]), f"version:{record_id}:{version}").decode()
        if body == "{}":
            raise UserError(_("Version {version} of record {id} is its deletion; earlier "
                              "versions are kept.").format(version=version, id=record_id))
        return codec.from_trusted(json.loads(body))

    def save_receipt(self, bundle_id: str, device_key: str, seq: int, body: bytes) -> bytes:
        with self._conn() as conn:
            conn.execute("INSERT INTO hq_receipts (bundle_id, device_key, seq, body,"
                         " created_at) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                         (bundle_id, device_key, seq, body, utc_now()))
            return bytes(_scalar(conn, "SELECT body FROM hq_receipts WHERE bundle_id = %s",
                                 (bundle_id,)))

    def receipt(self, bundle_id: str, device_key: str) -> bytes | None:
        with self._conn() as conn:
            row = conn.execute("SELECT body FROM hq_receipts WHERE bundle_id = %s AND"
                               " device_key = %s", (bundle_id, device_key)).fetchone()
        return bytes(row[0]) if row else None

    def raise_alarm(self, kind: str, device_key: str, seq: int | None, detail: str) -> None:
        with self._conn() as conn:
            self.alarm(conn, kind, device_key, seq, detail)

    def alarms(self) -> list[tuple[str, str, str, int | None, str]]:
        with self._conn() as conn:
            return [(r[0], r[1], r[2], None if r[3] is None else int(r[3]), r[4])
                    for r in conn.execute("SELECT at, kind, device_key, seq, detail FROM"
                                          " hq_alarms ORDER BY id").fetchall()]

    def quarantine(self, file_name: str, device_key: str | None, reason: str) -> None:
        with self._conn() as conn:
            conn.execute("INSERT INTO hq_quarantine (file_name, device_key, reason,"
                         " received_at) VALUES (%s, %s, %s, %s) ON CONFLICT (file_name) DO"
                         " UPDATE SET device_key = excluded.device_key,"
                         " reason = excluded.reason, received_at = excluded.received_at",
                         (file_name, device_key, reason, utc_now()))
            self.audit(conn, "hq.quarantine", "bundle", file_name)

    # -- records -------------------------------------------------------------------------------
    def get(self, record_id: str) -> Record:
        with self._conn() as conn:
            row = conn.execute("SELECT version, deleted, sealed FROM hq_records WHERE"
                               " id = %s", (record_id,)).fetchone()
        if row is None or row[1]:
            raise NotFound(record_id)
        return codec.from_trusted(json.loads(self._open_record(record_id, row[0],
                                                               row[2])["body"]))

    def _row(self, r: Any) -> Row:
        title = self._open_record(r[0], r[3], r[2])["title"]
        return Row(r[0], r[1], title, r[3], r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10]),
                   r[11], r[12], tuple(r[13].split(",")) if r[13] else ())

    def _matches(self, conn: Any, filters: Filters, text: str) -> list[tuple[Any, ...]]:
        """Every live row matching the filters whose sealed text contains every word of
        ``text`` (newest first), with its opened title and text."""
        where, params = _where(filters)
        words = [w.lower() for w in re.split(r"\s+", text.strip()) if w]
        out = []
        for r in conn.execute(f"SELECT {_ROW_COLUMNS} FROM hq_records r WHERE {where}"  # noqa: S608
                              " ORDER BY r.updated_at DESC, r.id", params).fetchall():
            opened = self._open_record(r[0], r[3], r[2])
            haystack = (opened["title"] + "\n" + opened["text"]).lower()
            if all(w in haystack for w in words):
                out.append((r, opened))
        return out

    def rows(self, filters: Filters | None = None, *, text: str = "",
             order_by: str = "updated_at", descending: bool = True, limit: int = 100,
             offset: int = 0) -> list[Row]:
        if order_by not in SORTABLE:
            raise UserError(_("Cannot sort by {column}.").format(column=order_by))
        limit, offset = min(limit, MAX_PAGE), max(offset, 0)
        with self._conn() as conn:
            if text.strip():
                rows = [self._row(r) for r, _opened in self._matches(conn, filters or Filters(),
                                                                     text)]
                key = "title" if order_by == "title" else order_by
                rows.sort(key=lambda row: (getattr(row, key) or "", row.id),
                          reverse=descending)
                return rows[offset:offset + limit]
            where, params = _where(filters or Filters())
            direction = "DESC" if descending else "ASC"
            if order_by == "title":  # sealed: sorted here
                found = [self._row(r) for r in conn.execute(
                    f"SELECT {_ROW_COLUMNS} FROM hq_records r WHERE {where}",  # noqa: S608
                    params).fetchall()]
                found.sort(key=lambda row: (row.title, row.id), reverse=descending)
                return found[offset:offset + limit]
            sql = (f"SELECT {_ROW_COLUMNS} FROM hq_records r WHERE {where}"  # noqa: S608
                   f" ORDER BY r.{order_by} {direction} NULLS LAST, r.id {direction}"
                   " LIMIT %s OFFSET %s")
            return [self._row(r) for r in conn.execute(sql, (*params, limit, offset)
                                                       ).fetchall()]

    def page(self, filters: Filters | None = None, *, order_by: str = "updated_at",
             descending: bool = True, limit: int = 100, offset: int = 0) -> list[Record]:
        return [self.get(r.id) for r in self.rows(filters, order_by=order_by,
                                                  descending=descending, limit=limit,
                                                  offset=offset)]

    def count(self, filters: Filters | None = None, *, text: str = "") -> int:
        with self._conn() as conn:
            if text.strip():
                return len(self._matches(conn, filters or Filters(), text))
            where, params = _where(filters or Filters())
            return int(_scalar(conn, f"SELECT count(*) FROM hq_records r WHERE {where}",  # noqa: S608
                               params))

    def search(self, text: str, filters: Filters | None = None, *, limit: int = 50,
               offset: int = 0) -> list[Hit]:
        if not text.strip():
            return []
        terms = [w for w in re.split(r"\s+", text.strip()) if w]
        with self._conn() as conn:
            found = self._matches(conn, filters or Filters(), text)
        out = []
        for r, opened in found[max(offset, 0):max(offset, 0) + min(limit, MAX_PAGE)]:
            row = self._row(r)
            out.append(Hit(row.id, row.type, row.title, snippet(opened["text"] or
                                                                 opened["title"], terms),
                           row.codes))
        return out

    def provenance(self, record_id: str) -> list[Provenance]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT v.version, coalesce(d.name, v.device_key), v.bundle_id, v.seq,"
                " v.received_at, v.consent_scope FROM hq_versions v LEFT JOIN hq_devices d"
                " ON d.public_key = v.device_key WHERE v.record_id = %s AND"
                " v.device_key IS NOT NULL ORDER BY v.version", (record_id,)).fetchall()
        return [Provenance(r[0], r[1], r[2], int(r[3]), r[4],
                           json.loads(r[5]) if r[5] else None) for r in rows]

    def _check(self, conn: Any, record: Record) -> None:
        errors = validate(record)
        if errors:
            raise RecordInvalid(errors)
        if record.mission_id is not None:
            row = conn.execute("SELECT type, deleted FROM hq_records WHERE id = %s",
                               (record.mission_id,)).fetchone()
            if row is None or row[0] != "mission" or row[1]:
                raise RecordInvalid([FieldError("mission_id",
                                                _("no mission with this id in this vault"))])

    def create(self, record: Record) -> Record:
        normalise(record)
        record.created_at = record.updated_at = utc_now()
        record.version = 1
        if not record.author:
            record.author = self.actor
        with self._conn() as conn:
            self._check(conn, record)
            if conn.execute("SELECT 1 FROM hq_records WHERE id = %s", (record.id,)).fetchone():
                raise Conflict(_("A record with id {id} already exists.").format(id=record.id))
            self._write(conn, record, insert=True)
            self.insert_version(conn, record.id, record.version, record.TYPE,
                                codec.dumps(record), device_key=None, bundle_id=None,
                                seq=None, scope=None)
            self.audit(conn, "record.create", record.TYPE, record.id)
        return record

    def update(self, record: Record) -> Record:
        normalise(record)
        with self._conn() as conn:
            row = conn.execute("SELECT type, version, deleted, created_at, sealed FROM"
                               " hq_records WHERE id = %s FOR UPDATE", (record.id,)).fetchone()
            if row is None or row[2]:
                raise NotFound(record.id)
            check_update(row[0], row[1], record)
            before = json.loads(self._open_record(record.id, row[1], row[4])["body"])
            record.version = row[1] + 1
            record.created_at = row[3]
            record.updated_at = max(utc_now(), record.created_at)
            if not record.author:
                record.author = before.get("author") or self.actor
            self._check(conn, record)
            self._write(conn, record, insert=False)
            self.insert_version(conn, record.id, record.version, record.TYPE,
                                codec.dumps(record), device_key=None, bundle_id=None,
                                seq=None, scope=None)
            self.audit(conn, "record.update", record.TYPE, record.id)
        return record

    def delete(self, record_id: str) -> None:
        with self._conn() as conn:
            row = conn.execute("SELECT type, version, deleted FROM hq_records WHERE id = %s"
                               " FOR UPDATE", (record_id,)).fetchone()
            if row is None or row[2]:
                raise NotFound(record_id)
            self.insert_version(conn, record_id, row[1] + 1, row[0], "{}", device_key=None,
                                bundle_id=None, seq=None, scope=None)
            self.tombstone(conn, record_id, row[0], row[1] + 1)
            self.audit(conn, "record.delete", row[0], record_id)

    @contextlib.contextmanager
    def open_attachment(self, sha256: str) -> Iterator[Iterator[bytes]]:
        file_id = self.sealer.fingerprint(sha256.encode())
        with self._conn() as conn:
            row = conn.execute("SELECT blob_id FROM hq_attachments WHERE file_id = %s",
                               (file_id,)).fetchone()
            if row is None:
                raise UserError(_("No attachment with SHA-256 {sha}.").format(sha=sha256))
            blob_id = int(row[0])

            def chunks() -> Iterator[bytes]:
                idx = 0
                while True:
                    found = conn.execute("SELECT sealed FROM hq_blob_chunks WHERE"
                                         " blob_id = %s AND idx = %s",
                                         (blob_id, idx)).fetchone()
                    if found is None:
                        return
                    yield self.sealer.open(bytes(found[0]), f"chunk:{blob_id}:{idx}")
                    idx += 1
            yield chunks()

    def attachment_size(self, sha256: str) -> int | None:
        with self._conn() as conn:
            row = conn.execute("SELECT size FROM hq_attachments WHERE file_id = %s",
                               (self.sealer.fingerprint(sha256.encode()),)).fetchone()
        return int(row[0]) if row else None

    # -- reports, audit, operations ------------------------------------------------------------
    def report(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if not re.match(r"^\s*(SELECT|WITH)\b[^;]*;?\s*$", sql, re.IGNORECASE | re.DOTALL):
            raise UserError(_("A report query must be a single SELECT."))
        with self._conn() as conn:
            conn.execute("SET TRANSACTION READ ONLY")
            return [tuple(r) for r in conn.execute(portable_sql(sql), params).fetchall()]

    def counts(self) -> dict[str, int]:
        with self._conn() as conn:
            return {name: int(_scalar(conn, sql)) for name, sql in _COUNTS.items()}

    # -- casework ------------------------------------------------------------------------------
    def create_many(self, records: list[Record]) -> None:
        with self._conn() as conn:
            for record in records:
                normalise(record)
                if not record.author:
                    record.author = self.actor
                self._check(conn, record)
                if conn.execute("SELECT 1 FROM hq_records WHERE id = %s",
                                (record.id,)).fetchone():
                    raise Conflict(_("A record with id {id} already exists.").format(
                        id=record.id))
                self._write(conn, record, insert=True)
                self.insert_version(conn, record.id, record.version, record.TYPE,
                                    codec.dumps(record), device_key=None, bundle_id=None,
                                    seq=None, scope=None)
            self.audit(conn, "record.create_batch", "", str(len(records)))

    def types_of(self, record_ids: list[str]) -> dict[str, str]:
        if not record_ids:
            return {}
        with self._conn() as conn:
            return {r[0]: r[1] for r in conn.execute(
                "SELECT id, type FROM hq_records WHERE deleted = 0 AND id = ANY(%s)",
                (list(record_ids),)).fetchall()}

    def _opened(self, conn: Any, where: str, params: tuple[Any, ...]) -> Iterator[Record]:
        for rid, version, sealed in conn.execute(
                "SELECT id, version, sealed FROM hq_records WHERE deleted = 0 AND "  # noqa: S608
                + where, params).fetchall():
            yield codec.from_trusted(json.loads(self._open_record(rid, version,
                                                                  sealed)["body"]))

    def open_communications(self) -> list[OpenCommunication]:
        from ..core.casework import Communication

        out = []
        with self._conn() as conn:
            # status and reply due (case_status) are kept in the clear; the body is sealed
            for c in self._opened(conn, "type = 'communication' AND status = 'sent' AND"
                                  " case_status IS NOT NULL", ()):
                if isinstance(c, Communication) and not c.replies and c.sent_on \
                        and c.reply_due:
                    out.append(OpenCommunication(
                        c.id, c.kind, c.reference, c.state, c.non_state_addressee, c.sent_on,
                        c.reply_due, max((r.sent_on for r in c.reminders), default=None)))
        return out

    def reprisals_of(self, person_ids: list[str]) -> list[tuple[str, str | None]]:
        wanted = set(person_ids)
        with self._conn() as conn:
            return [(r.id, indexing.columns(r)["event_date"]) for r in self._opened(
                conn, "type = 'reprisal_incident'", ())
                if wanted & set(getattr(r, "person_ids", []))]

    def annotation(self, record_id: str) -> ReprisalAnnotation | None:
        with self._conn() as conn:
            row = conn.execute("SELECT sealed FROM hq_reprisal_notes WHERE record_id = %s",
                               (record_id,)).fetchone()
        if row is None:
            return None
        return ReprisalAnnotation(**json.loads(self.sealer.open(
            bytes(row[0]), f"reprisal-note:{record_id}")))

    def annotations(self) -> dict[str, ReprisalAnnotation]:
        with self._conn() as conn:
            rows = conn.execute("SELECT record_id, sealed FROM hq_reprisal_notes").fetchall()
        return {r[0]: ReprisalAnnotation(**json.loads(self.sealer.open(
            bytes(r[1]), f"reprisal-note:{r[0]}"))) for r in rows}

    def save_annotation(self, note: ReprisalAnnotation) -> None:
        from ..core.introspect import to_plain

        note.updated_at = utc_now()
        sealed = self.sealer.seal(json.dumps(to_plain(note), sort_keys=True).encode(),
                                  f"reprisal-note:{note.record_id}")
        with self._conn() as conn:
            conn.execute("INSERT INTO hq_reprisal_notes (record_id, sealed, updated_at)"
                         " VALUES (%s, %s, %s) ON CONFLICT (record_id) DO UPDATE SET"
                         " sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at",
                         (note.record_id, sealed, note.updated_at))
            self.audit(conn, "hq.reprisal.annotate", "reprisal_incident", note.record_id)

    def record_acknowledgement(self, record_id: str, language: str, fmt: str,
                               sha256: str) -> None:
        with self._conn() as conn:
            conn.execute("INSERT INTO hq_acknowledgements (record_id, language, format,"
                         " sha256, sent_at) VALUES (%s, %s, %s, %s, %s)",
                         (record_id, language, fmt, sha256, utc_now()))
            self.audit(conn, "hq.acknowledge", language, record_id)

    def acknowledgements(self, record_id: str) -> list[Acknowledgement]:
        with self._conn() as conn:
            return [Acknowledgement(*r) for r in conn.execute(
                "SELECT record_id, language, format, sha256, sent_at FROM"
                " hq_acknowledgements WHERE record_id = %s ORDER BY id",
                (record_id,)).fetchall()]

    def bundle_log(self, limit: int = 1000) -> list[BundleEntry]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT coalesce(d.name, b.device_key), b.seq, b.bundle_id, b.imported_at,"
                " b.summary FROM hq_bundles b LEFT JOIN hq_devices d"
                " ON d.public_key = b.device_key ORDER BY b.imported_at DESC LIMIT %s",
                (limit,)).fetchall()
        return [BundleEntry(r[0], int(r[1]), r[2], r[3],
                            r[4] if isinstance(r[4], dict) else json.loads(r[4] or "{}"))
                for r in rows]

    def setting(self, key: str) -> str | None:
        with self._conn() as conn:
            row = conn.execute("SELECT value FROM hq_settings WHERE key = %s",
                               (key,)).fetchone()
        return str(row[0]) if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._conn() as conn:
            conn.execute("INSERT INTO hq_settings (key, value) VALUES (%s, %s) ON CONFLICT"
                         " (key) DO UPDATE SET value = EXCLUDED.value", (key, value))

    def log(self, action: str, object_type: str = "", object_id: str = "") -> None:
        with self._conn() as conn:
            self.audit(conn, action, object_type, object_id)

    def backup(self, target: Path) -> None:
        """``pg_dump`` in PostgreSQL's custom format into ``target/hq.dump``: one
        consistent snapshot while the intake keeps writing."""
        from .backup import _tool

        pg_dump = _tool("pg_dump")
        dump = target / "hq.dump"
        part = target / "hq.dump.part"
        address, env = for_tool(self.url)
        proc = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--file", str(part),
                               "--dbname", address], capture_output=True, text=True,
                              check=False, env=env)
        if proc.returncode != 0:
            with contextlib.suppress(OSError):
                part.unlink()
            raise UserError(_("pg_dump failed: {why}").format(
                why=(proc.stderr.strip().splitlines() or ["?"])[-1]))
        os.replace(part, dump)
        self.log("hq.backup")


_COUNTS = {
    "records": "SELECT count(*) FROM hq_records WHERE deleted = 0",
    "tombstones": "SELECT count(*) FROM hq_records WHERE deleted <> 0",
    "versions": "SELECT count(*) FROM hq_versions",
    "bundles": "SELECT count(*) FROM hq_bundles",
    "abandoned": "SELECT count(*) FROM hq_abandoned",
    "attachments": "SELECT count(*) FROM hq_attachments",
    "alarms": "SELECT count(*) FROM hq_alarms",
    "quarantine": "SELECT count(*) FROM hq_quarantine",
    "receipts": "SELECT count(*) FROM hq_receipts",
    "devices": "SELECT count(*) FROM hq_devices",
}
