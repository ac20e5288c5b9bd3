"""HQ casework tables: notes on received reprisals, acknowledgements sent, and the queries
the deadline board and the reprisals file need. Casework records themselves are records
like any other (``RecordStore``); this module holds only what is not a record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..core.casework import ReprisalAnnotation
from ..core.introspect import to_plain
from ..core.records import utc_now
from . import audit
from .database import Database


@dataclass(frozen=True)
class OpenCommunication:
    """What the deadline board needs of a sent communication still awaiting a reply."""

    id: str
    kind: str
    reference: str
    state: str | None
    addressee: str
    sent_on: str
    reply_due: str
    last_reminder: str | None


@dataclass(frozen=True)
class BundleEntry:
    """One imported bundle, for HQ's inbox."""

    device: str
    seq: int
    bundle_id: str
    imported_at: str
    summary: dict[str, Any]


@dataclass(frozen=True)
class Acknowledgement:
    record_id: str
    language: str
    format: str
    sha256: str
    sent_at: str


class CaseworkTables:
    def __init__(self, db: Database, actor: str):
        self._db = db
        self._actor = actor

    # -- reprisal notes ---------------------------------------------------------------------
    def annotation(self, record_id: str) -> ReprisalAnnotation | None:
        rows = self._db.query("SELECT body FROM hq_reprisal_notes WHERE record_id = ?",
                              (record_id,))
        if not rows:
            return None
        return ReprisalAnnotation(**json.loads(rows[0][0]))

    def annotations(self) -> dict[str, ReprisalAnnotation]:
        return {r[0]: ReprisalAnnotation(**json.loads(r[1])) for r in self._db.query(
            "SELECT record_id, body FROM hq_reprisal_notes")}

    def save_annotation(self, note: ReprisalAnnotation) -> None:
        note.updated_at = utc_now()
        body = json.dumps(to_plain(note), sort_keys=True, ensure_ascii=False)
        with self._db.transaction() as c:
            c.execute("INSERT OR REPLACE INTO hq_reprisal_notes (record_id, body, updated_at)"
                      " VALUES (?, ?, ?)", (note.record_id, body, note.updated_at))
            audit.append(c, self._actor, "hq.reprisal.annotate", "reprisal_incident",
                         note.record_id)

    # -- acknowledgements -------------------------------------------------------------------
    def record_acknowledgement(self, record_id: str, language: str, fmt: str,
                               sha256: str) -> None:
        with self._db.transaction() as c:
            c.execute("INSERT INTO hq_acknowledgements (record_id, language, format, sha256,"
                      " sent_at) VALUES (?, ?, ?, ?, ?)",
                      (record_id, language, fmt, sha256, utc_now()))
            audit.append(c, self._actor, "hq.acknowledge", language, record_id)

    def acknowledgements(self, record_id: str) -> list[Acknowledgement]:
        return [Acknowledgement(*r) for r in self._db.query(
            "SELECT record_id, language, format, sha256, sent_at FROM hq_acknowledgements"
            " WHERE record_id = ? ORDER BY id", (record_id,))]

    # -- queries ------------------------------------------------------------------------------
    def open_communications(self) -> list[OpenCommunication]:
        """Sent communications without any reply, from one covering index (status, the
        reply due kept in ``case_status`` only while a reply is awaited, the last reminder
        in ``urgency``): no record body is read, so the board answers at 10,000 letters."""
        rows = self._db.query(
            "SELECT id, title, country, event_date, case_status, urgency,"
            " (SELECT t.code FROM record_terms t WHERE t.record_seq = r.seq"
            "  AND t.vocab = 'communication_kind')"
            " FROM records r INDEXED BY records_awaiting_reply"
            " WHERE type = 'communication' AND deleted = 0 AND status = 'sent'"
            " AND case_status IS NOT NULL")
        out = []
        for rid, title, state, sent_on, due, last, kind in rows:
            reference, _sep, addressee = (title or "").partition(" — ")
            out.append(OpenCommunication(rid, kind or "", reference, state, addressee,
                                         sent_on or "", due, last))
        return out

    def reprisals_of(self, person_ids: list[str]) -> list[tuple[str, str | None]]:
        """(id, incident date) of every live reprisal naming one of these people."""
        if not person_ids:
            return []
        marks = ", ".join("?" * len(person_ids))
        return [(r[0], r[1]) for r in self._db.query(
            "SELECT DISTINCT r.id, r.event_date FROM records r, json_each(r.body,"
            " '$.person_ids') p WHERE r.type = 'reprisal_incident' AND r.deleted = 0"
            f" AND p.value IN ({marks})", person_ids)]

    def types_of(self, record_ids: list[str]) -> dict[str, str]:
        """Type of each live record among ``record_ids`` (missing ones are left out)."""
        out: dict[str, str] = {}
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            out.update((r[0], r[1]) for r in self._db.query(
                f"SELECT id, type FROM records WHERE deleted = 0 AND id IN ({marks})", chunk))
        return out

    def bundle_log(self, limit: int = 1000) -> list[BundleEntry]:
        return [BundleEntry(r[0], int(r[1]), r[2], r[3], json.loads(r[4] or "{}"))
                for r in self._db.query(
                    "SELECT coalesce(d.name, b.device_key), b.seq, b.bundle_id, b.imported_at,"
                    " b.summary FROM hq_bundles b LEFT JOIN hq_devices d"
                    " ON d.public_key = b.device_key ORDER BY b.imported_at DESC LIMIT ?",
                    (limit,))]

    def set_setting(self, key: str, value: str) -> None:
        with self._db.transaction() as c:
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                      (f"hq_{key}", value))

    def setting(self, key: str) -> str | None:
        rows = self._db.query("SELECT value FROM meta WHERE key = ?", (f"hq_{key}",))
        return str(rows[0][0]) if rows else None
