"""Casework: communications awaiting a reply, reprisals against people, the focal
point's annotations, acknowledgements sent to sources."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ...core import codec, indexing
from ...core.casework import ReprisalAnnotation
from ...core.records import Record, utc_now
from ...vault.hq_casework import Acknowledgement, OpenCommunication
from .records import SealedRecords


class Casework(SealedRecords):
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
            yield codec.from_trusted(codec.stored(self._open_record(rid, version,
                                                                  sealed)["body"]))

    def open_communications(self) -> list[OpenCommunication]:
        from ...core.casework import Communication

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
        from ...core.introspect import to_plain

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
