"""HQ's tables in its store (a vault like any other): devices, bundles, versions, alarms.

Everything that imports a bundle happens inside one transaction the importer holds, so
the methods taking ``c`` work on that connection and never commit themselves.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..core import codec, linking
from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import Record, utc_now
from ..core.validation import normalise
from . import audit
from .database import Database
from .queries import decode
from .repository import RecordStore

T = TypeVar("T")
CHUNK = 400
"""Ids per ``IN (…)`` list: well under SQLite's limit on bound parameters."""


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def marks(chunk: Sequence[object]) -> str:
    return ", ".join("?" * len(chunk))


def consent_scope_json(plain: dict[str, Any] | None) -> str | None:
    """The consent scope of a record's JSON form as provenance keeps it (None: no consent).
    A scope is five yes/no answers: their texts are made once each, not for every record."""
    consent = plain.get("consent") if plain is not None else None
    if not isinstance(consent, dict):
        return None
    scope = consent.get("scope")
    if isinstance(scope, dict):
        with contextlib.suppress(TypeError):  # a value that is no key: never yes/no
            return _scope_text(tuple(scope.items()))
    return json.dumps(scope)


@functools.lru_cache(maxsize=64)
def _scope_text(items: tuple[tuple[str, Any], ...]) -> str:
    return json.dumps(dict(items))


@dataclass
class Incoming:
    """One version a bundle carries, parsed and checked: a record, or a deletion."""

    id: str
    type: str
    version: int
    record: Record | None = None
    """None: a deletion (the version is a tombstone)."""
    current: Record | None = None
    """What HQ holds as the record when it differs from ``record`` (the same version with
    its person links resolved at HQ); history keeps ``record`` as the device sent it."""

    def plain(self) -> tuple[dict[str, Any] | None, str]:
        """``record`` as ``codec.to_dict`` gives it and its canonical JSON ("{}" and None
        for a deletion)."""
        if self.record is None:
            return None, "{}"
        plain = codec.to_dict(self.record)
        return plain, codec.canonical(plain)

    @property
    def mission_id(self) -> str | None:
        """The mission a first sender claims the record under (a mission: its own id)."""
        if self.type == "mission":
            return self.id
        return self.record.mission_id if self.record is not None else None


@dataclass(frozen=True)
class Device:
    name: str
    public_key: str
    status: str
    revoked_after_seq: int | None
    added_at: str


@dataclass(frozen=True)
class Provenance:
    version: int
    device: str
    bundle_id: str
    seq: int
    received_at: str
    consent_scope: dict[str, Any] | None


@dataclass(frozen=True)
class QuarantineEntry:
    """A bundle HQ kept, still encrypted, in the store's quarantine folder instead of
    importing it, and why: ``unknown_device`` (signed by a key HQ has not registered: kept
    until it is) or ``revoked_unvouched`` (from a revoked device, with no later bundle
    vouching for it: kept for review)."""

    file_name: str
    sender: str | None
    """The device that uploaded it (its name, or its key if no longer registered); None
    for a bundle imported by hand."""
    reason: str
    received_at: str


class HqTables:
    def __init__(self, db: Database, records: RecordStore, actor: str):
        self._db = db
        self._records = records
        self._actor = actor

    # -- devices ---------------------------------------------------------------------------
    def add_device(self, name: str, public_key: str) -> None:
        with self._db.transaction() as c:
            if c.execute("SELECT 1 FROM hq_devices WHERE name = ?", (name,)).fetchone():
                raise UserError(_("A device named {name} is already registered.").format(
                    name=name))
            if c.execute("SELECT 1 FROM hq_devices WHERE public_key = ?",
                         (public_key,)).fetchone():
                raise UserError(_("This device key is already registered."))
            c.execute("INSERT INTO hq_devices (name, public_key, status, added_at)"
                      " VALUES (?, ?, 'active', ?)", (name, public_key, utc_now()))
            audit.append(c, self._actor, "hq.device.add", "device", name)

    def revoke_device(self, name: str, after_seq: int | None) -> None:
        with self._db.transaction() as c:
            found = c.execute("UPDATE hq_devices SET status = 'revoked', revoked_after_seq = ?"
                              " WHERE name = ?", (after_seq, name)).rowcount
            if not found:
                raise UserError(_("No device named {name}.").format(name=name))
            audit.append(c, self._actor, "hq.device.revoke", "device", name)

    def devices(self) -> list[Device]:
        return [Device(*row) for row in self._db.query(
            "SELECT name, public_key, status, revoked_after_seq, added_at FROM hq_devices"
            " ORDER BY name")]

    def device_by_key(self, public_key: str) -> Device | None:
        rows = self._db.query("SELECT name, public_key, status, revoked_after_seq, added_at"
                              " FROM hq_devices WHERE public_key = ?", (public_key,))
        return Device(*rows[0]) if rows else None

    # -- bundles ---------------------------------------------------------------------------
    def bundle_at(self, device_key: str, seq: int) -> tuple[str, str, str] | None:
        """(bundle id, manifest sha256, summary JSON) of what this device sent as ``seq``."""
        rows = self._db.query("SELECT bundle_id, manifest_sha256, summary FROM hq_bundles"
                              " WHERE device_key = ? AND seq = ?", (device_key, seq))
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def log_bundle(self, c: Any, *, device_key: str, seq: int, bundle_id: str,
                   manifest_sha256: str, previous: str | None, summary: dict[str, Any],
                   abandoned: list[int]) -> None:
        c.execute("INSERT INTO hq_bundles (device_key, seq, bundle_id, manifest_sha256,"
                  " previous_manifest_sha256, imported_at, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (device_key, seq, bundle_id, manifest_sha256, previous, utc_now(),
                   json.dumps(summary, sort_keys=True)))
        c.executemany("INSERT OR IGNORE INTO hq_abandoned (device_key, seq) VALUES (?, ?)",
                      [(device_key, s) for s in abandoned])
        audit.append(c, self._actor, "hq.bundle.import", "bundle", bundle_id)

    def sequences(self, device_key: str) -> tuple[list[int], list[int]]:
        """(received, declared abandoned) sequence numbers of a device."""
        got = [int(r[0]) for r in self._db.query(
            "SELECT seq FROM hq_bundles WHERE device_key = ?", (device_key,))]
        dropped = [int(r[0]) for r in self._db.query(
            "SELECT seq FROM hq_abandoned WHERE device_key = ?", (device_key,))]
        return got, dropped

    # -- facts the acceptance rules (hq.rules) decide on -------------------------------------
    def chain_facts(self, c: Any, device_key: str, seq: int, previous: str | None,
                    manifest_sha256: str) -> dict[str, Any]:
        """Around ``seq``: the highest known sequence, the abandoned ones, the nearest held
        bundles below and above, another bundle following ``previous``, and whether a held
        bundle names this manifest as its previous one."""
        top = c.execute("SELECT max(s) FROM (SELECT max(seq) AS s FROM hq_bundles WHERE"
                        " device_key = ? UNION ALL SELECT max(seq) FROM hq_abandoned WHERE"
                        " device_key = ?)", (device_key, device_key)).fetchone()[0]
        abandoned = {int(r[0]) for r in c.execute(
            "SELECT seq FROM hq_abandoned WHERE device_key = ?", (device_key,))}
        below = c.execute("SELECT seq, manifest_sha256 FROM hq_bundles WHERE device_key = ?"
                          " AND seq < ? ORDER BY seq DESC LIMIT 1",
                          (device_key, seq)).fetchone()
        above = c.execute("SELECT seq, previous_manifest_sha256 FROM hq_bundles WHERE"
                          " device_key = ? AND seq > ? ORDER BY seq LIMIT 1",
                          (device_key, seq)).fetchone()
        sibling = c.execute("SELECT seq FROM hq_bundles WHERE device_key = ? AND"
                            " previous_manifest_sha256 = ? AND seq != ? LIMIT 1",
                            (device_key, previous, seq)).fetchone() \
            if previous is not None else None
        vouched = c.execute("SELECT 1 FROM hq_bundles WHERE device_key = ? AND"
                            " previous_manifest_sha256 = ? AND seq > ?",
                            (device_key, manifest_sha256, seq)).fetchone() is not None
        return {"top": int(top or 0), "abandoned": abandoned,
                "below": (int(below[0]), str(below[1])) if below else None,
                "above": (int(above[0]), above[1]) if above else None,
                "same_previous": int(sibling[0]) if sibling else None, "vouched": vouched}

    def record_owners(self, c: Any, record_ids: list[str]
                      ) -> dict[str, tuple[str, int, str, str | None]]:
        """id → (owner key, highest version held, type, mission) of the records HQ holds."""
        out: dict[str, tuple[str, int, str, str | None]] = {}
        for chunk in chunks(sorted(set(record_ids))):
            for row in c.execute(
                    "SELECT o.record_id, o.device_key, (SELECT max(v.version) FROM hq_versions"
                    " v WHERE v.record_id = o.record_id), o.type, o.mission_id FROM hq_owners"
                    f" o WHERE o.record_id IN ({marks(chunk)})", chunk):
                out[row[0]] = (str(row[1]), int(row[2] or 0), str(row[3]), row[4])
        return out

    def mission_sharers(self, c: Any, mission_ids: list[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for chunk in chunks(sorted(set(mission_ids))):
            for mission, device in c.execute(
                    "SELECT mission_id, device_key FROM hq_shares WHERE mission_id IN"
                    f" ({marks(chunk)})", chunk):
                out.setdefault(mission, set()).add(str(device))
        return out

    def share_mission(self, mission_id: str, names: list[str], *, remove: bool = False) -> None:
        """Let these devices send versions of each other's records of this mission (or stop)."""
        with self._db.transaction() as c:
            for name in names:
                row = c.execute("SELECT public_key FROM hq_devices WHERE name = ?",
                                (name,)).fetchone()
                if row is None:
                    raise UserError(_("No device named {name}.").format(name=name))
                if remove:
                    c.execute("DELETE FROM hq_shares WHERE mission_id = ? AND device_key = ?",
                              (mission_id, row[0]))
                else:
                    c.execute("INSERT OR IGNORE INTO hq_shares (mission_id, device_key)"
                              " VALUES (?, ?)", (mission_id, row[0]))
                audit.append(c, self._actor, "hq.mission.unshare" if remove
                             else "hq.mission.share", "mission", f"{mission_id} {name}")

    def shares(self) -> list[tuple[str, str]]:
        """(mission id, device name) of every share, sorted."""
        return [(str(r[0]), str(r[1])) for r in self._db.query(
            "SELECT s.mission_id, coalesce(d.name, s.device_key) FROM hq_shares s"
            " LEFT JOIN hq_devices d ON d.public_key = s.device_key ORDER BY 1, 2")]

    # -- records ---------------------------------------------------------------------------
    def store_many(self, c: Any, items: list[Incoming], *, device_key: str, bundle_id: str,
                   seq: int) -> list[str]:
        """Keep these versions with their provenance, in order; the newest version of each
        record becomes the record. Items must have been validated (the importer builds
        them with ``from_dict``). Returns 'new', 'updated', 'older' (kept in history only)
        or 'known' per item.

        Records HQ does not hold yet (nearly all of a bundle) go in with one statement per
        table; a record HQ holds, or one this bundle already carried, takes the
        one-record path after what is pending is written."""
        held = self._held_versions(c, [(i.id, i.version) for i in items])
        present = self._records.present_in(c, [i.id for i in items])
        now = utc_now()
        versions: list[tuple[Any, ...]] = []
        owners: list[tuple[str, str, str, str | None]] = []
        inserts: list[tuple[Record, str]] = []
        pending: set[str] = set()
        results: list[str] = []
        for item in items:
            record = item.record
            plain, body = item.plain()
            known = held.get((item.id, item.version))
            if known is not None:
                if record is not None and known != body and linking.comparable(
                        json.loads(known)) != linking.comparable(json.loads(body)):
                    self.alarm(c, "version_conflict", device_key, seq,
                               f"record {item.id} version {item.version} differs")
                results.append("known")
                continue
            held[(item.id, item.version)] = body
            scope = consent_scope_json(plain)
            versions.append((item.id, item.version, item.type, device_key, bundle_id, seq,
                             scope, body, now))
            owners.append((item.id, device_key, item.type, item.mission_id))
            if item.id in pending:  # the bundle carries this record twice
                self._records.insert_many_in(c, inserts)
                inserts, pending = [], set()
            if record is None:
                results.append(self._records.tombstone_in(c, item.id, item.type,
                                                          item.version))
                present.add(item.id)
            elif item.id in present:
                results.append(self._records.upsert_in(c, item.current or record,
                                                       validated=True))
            else:
                current = item.current
                if current is not None:
                    normalise(current)
                inserts.append((current, codec.dumps(current)) if current is not None
                               else (record, body))
                pending.add(item.id)
                present.add(item.id)
                results.append("new")
        self._records.insert_many_in(c, inserts)
        c.executemany("INSERT INTO hq_versions (record_id, version, type, device_key,"
                      " bundle_id, seq, consent_scope, body, received_at) VALUES (?, ?, ?, ?,"
                      " ?, ?, ?, ?, ?)", versions)
        # the first device to send a record owns it (later claims change nothing)
        c.executemany("INSERT OR IGNORE INTO hq_owners (record_id, device_key, type,"
                      " mission_id) VALUES (?, ?, ?, ?)", owners)
        return results

    def _held_versions(self, c: Any, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """(id, version) → body of the versions among ``keys`` that HQ holds."""
        out: dict[tuple[str, int], str] = {}
        for chunk in chunks(sorted(set(keys))):
            values = ", ".join("(?, ?)" for _ in chunk)
            for rid, version, body in c.execute(
                    "SELECT record_id, version, body FROM hq_versions WHERE"
                    f" (record_id, version) IN (VALUES {values})",
                    [x for key in chunk for x in key]):
                out[(rid, int(version))] = body
        return out

    def version(self, record_id: str, version: int) -> Record:
        """One version from HQ's history; a deletion or an unknown version is an error."""
        rows = self._db.query("SELECT body FROM hq_versions WHERE record_id = ? AND"
                              " version = ?", (record_id, version))
        if not rows:
            raise UserError(_("HQ holds no version {version} of record {id}.").format(
                version=version, id=record_id))
        if rows[0][0] == "{}":
            raise UserError(_("Version {version} of record {id} is its deletion; earlier "
                              "versions are kept.").format(version=version, id=record_id))
        return decode(rows[0][0])

    def provenance(self, record_id: str) -> list[Provenance]:
        rows = self._db.query(
            "SELECT v.version, coalesce(d.name, v.device_key), v.bundle_id, v.seq,"
            " v.received_at, v.consent_scope FROM hq_versions v LEFT JOIN hq_devices d"
            " ON d.public_key = v.device_key WHERE v.record_id = ? ORDER BY v.version",
            (record_id,))
        return [Provenance(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None)
                for r in rows]

    # -- receipts --------------------------------------------------------------------------
    def save_receipt(self, bundle_id: str, device_key: str, seq: int, body: bytes) -> bytes:
        """Keep the first receipt given for a bundle; later asks get the same bytes."""
        with self._db.transaction() as c:
            c.execute("INSERT OR IGNORE INTO hq_receipts (bundle_id, device_key, seq, body,"
                      " created_at) VALUES (?, ?, ?, ?, ?)",
                      (bundle_id, device_key, seq, body, utc_now()))
            row = c.execute("SELECT body FROM hq_receipts WHERE bundle_id = ?",
                            (bundle_id,)).fetchone()
        return bytes(row[0])

    def receipt(self, bundle_id: str, device_key: str) -> bytes | None:
        rows = self._db.query("SELECT body FROM hq_receipts WHERE bundle_id = ? AND"
                              " device_key = ?", (bundle_id, device_key))
        return bytes(rows[0][0]) if rows else None

    # -- alarms and quarantine ---------------------------------------------------------------
    def alarm(self, c: Any, kind: str, device_key: str, seq: int | None, detail: str) -> None:
        c.execute("INSERT INTO hq_alarms (at, kind, device_key, seq, detail) VALUES"
                  " (?, ?, ?, ?, ?)", (utc_now(), kind, device_key, seq, detail))
        audit.append(c, self._actor, f"hq.alarm.{kind}", "device", device_key)

    def raise_alarm(self, kind: str, device_key: str, seq: int | None, detail: str) -> None:
        with self._db.transaction() as c:
            self.alarm(c, kind, device_key, seq, detail)

    def alarms(self) -> list[tuple[str, str, str, int | None, str]]:
        return [tuple(r) for r in self._db.query(
            "SELECT at, kind, device_key, seq, detail FROM hq_alarms ORDER BY id")]

    def quarantined(self, device_key: str | None) -> int:
        """How many bundles this uploader (None: hand imports) has in quarantine."""
        return int(self._db.query("SELECT count(*) FROM hq_quarantine WHERE device_key IS ?",
                                  (device_key,))[0][0])

    def quarantine_log(self, limit: int = 1000) -> list[QuarantineEntry]:
        return [QuarantineEntry(*r) for r in self._db.query(
            "SELECT q.file_name, coalesce(d.name, q.device_key), q.reason, q.received_at"
            " FROM hq_quarantine q LEFT JOIN hq_devices d ON d.public_key = q.device_key"
            " ORDER BY q.received_at DESC, q.file_name LIMIT ?", (limit,))]

    def quarantine(self, file_name: str, device_key: str | None, reason: str) -> None:
        with self._db.transaction() as c:
            c.execute("INSERT OR REPLACE INTO hq_quarantine (file_name, device_key, reason,"
                      " received_at) VALUES (?, ?, ?, ?)", (file_name, device_key, reason,
                                                           utc_now()))
            audit.append(c, self._actor, "hq.quarantine", "bundle", file_name)

    def person_genders(self, c: Any, ids: list[str]) -> dict[str, str | None]:
        """id → gender of the people among ``ids`` that HQ holds (live records)."""
        out: dict[str, str | None] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for pid, body in c.execute(
                    f"SELECT id, body FROM records WHERE type = 'person' AND deleted = 0"
                    f" AND id IN ({marks(chunk)})", chunk).fetchall():
                out[pid] = codec.stored(body).get("gender")
        return out

    # -- reports -------------------------------------------------------------------------------
    def report(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One read-only query over the portable report views (see hq.repository)."""
        if not _READ_ONLY.match(sql):
            raise UserError(_("A report query must be a single SELECT."))
        conn = self._db.conn
        for statement in _REPORT_VIEWS:
            conn.execute(statement)
        conn.execute("PRAGMA query_only = ON")
        try:
            return [tuple(r) for r in self._db.query(sql, params)]
        finally:
            conn.execute("PRAGMA query_only = OFF")

    def counts(self) -> dict[str, int]:
        """How many rows of each kind HQ holds (for status pages and tests)."""
        return {name: int(self._db.query(sql)[0][0]) for name, sql in _COUNTS.items()}


_READ_ONLY = re.compile(r"^\s*(SELECT|WITH)\b[^;]*;?\s*$", re.IGNORECASE | re.DOTALL)
# Temporary views: nothing is added to the store's schema, and they follow it on each open.
_REPORT_VIEWS = (
    "CREATE TEMP VIEW IF NOT EXISTS report_records AS SELECT id, type, version, status,"
    " mission_id, country, region, event_date, risk_level, case_status, urgency, flagged,"
    " created_at, updated_at FROM main.records WHERE deleted = 0",
    "CREATE TEMP VIEW IF NOT EXISTS report_terms AS SELECT r.id AS record_id, r.type,"
    " t.vocab, t.code FROM main.record_terms t JOIN main.records r ON r.seq = t.record_seq"
    " WHERE r.deleted = 0",
)
_COUNTS = {
    "records": "SELECT count(*) FROM records WHERE deleted = 0",
    "tombstones": "SELECT count(*) FROM records WHERE deleted <> 0",
    "versions": "SELECT count(*) FROM hq_versions",
    "bundles": "SELECT count(*) FROM hq_bundles",
    "abandoned": "SELECT count(*) FROM hq_abandoned",
    "attachments": "SELECT count(*) FROM attachments",
    "alarms": "SELECT count(*) FROM hq_alarms",
    "quarantine": "SELECT count(*) FROM hq_quarantine",
    "receipts": "SELECT count(*) FROM hq_receipts",
    "devices": "SELECT count(*) FROM hq_devices",
}
