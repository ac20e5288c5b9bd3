"""HQ casework tables: notes on received reprisals, acknowledgements sent, and the queries
the deadline board and the reprisals file need. Casework records themselves are records
like any other (``RecordStore``); this module holds only what is not a record."""

from __future__ import annotations

import json
from dataclasses import dataclass

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
    reminders: tuple[str, ...]


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
        """Sent communications without any reply, read from the stored bodies in one pass
        (no decoding of whole records: the board must answer at 10,000 letters)."""
        rows = self._db.query(
            "SELECT id, json_extract(body, '$.kind'), json_extract(body, '$.reference'),"
            " json_extract(body, '$.state'), json_extract(body, '$.non_state_addressee'),"
            " json_extract(body, '$.sent_on'), json_extract(body, '$.reply_due'),"
            " (SELECT group_concat(json_extract(m.value, '$.sent_on'), ',') FROM"
            "  json_each(body, '$.reminders') m)"
            " FROM records WHERE type = 'communication' AND deleted = 0 AND status = 'sent'"
            " AND json_array_length(body, '$.replies') = 0"
            " AND json_extract(body, '$.reply_due') IS NOT NULL")
        return [OpenCommunication(r[0], r[1], r[2] or "", r[3], r[4] or "", r[5], r[6],
                                  tuple(sorted(r[7].split(","))) if r[7] else ())
                for r in rows]

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

    def communications_citing(self, record_id: str) -> list[str]:
        return [r[0] for r in self._db.query(
            "SELECT r.id FROM records r, json_each(r.body, '$.record_ids') l"
            " WHERE r.type = 'communication' AND r.deleted = 0 AND l.value = ?", (record_id,))]

    def set_setting(self, key: str, value: str) -> None:
        with self._db.transaction() as c:
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                      (f"hq_{key}", value))

    def setting(self, key: str) -> str | None:
        rows = self._db.query("SELECT value FROM meta WHERE key = ?", (f"hq_{key}",))
        return str(rows[0][0]) if rows else None
