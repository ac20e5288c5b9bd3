"""The sealed record rows: one version into the history, the current row written (clear
columns for filters and reports, sealed title, body and search text) or turned into a
tombstone. Imports and analysts' edits both write through these."""

from __future__ import annotations

import json
import struct
from typing import Any

from ...core import codec, indexing, linking
from ...core.i18n import _
from ...core.records import Record, utc_now
from ...core.vocab import RECORD_TYPE
from ...vault.repository import Conflict
from .connection import Pooled


class SealedRecords(Pooled):
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

    def _seal_record(self, record: Record, body: str | None, title: str) -> bytes:
        return self.sealer.seal(pack_record(title, indexing.search_text(record),
                                            body or codec.dumps(record)),
                                f"record:{record.id}:{record.version}")

    def _open_record(self, record_id: str, version: int, sealed: bytes) -> dict[str, str]:
        return unpack_record(self.sealer.open(bytes(sealed), f"record:{record_id}:{version}"))

    def row_values(self, record: Record, body: str | None = None) -> tuple[Any, ...]:
        """The parameters of ``INSERT_ROW`` / ``UPDATE_ROW``; ``body``: the record's
        canonical JSON when the caller has it already."""
        cols = indexing.columns(record)
        return (record.TYPE, record.version, record.mission_id, record.status,
                cols["country"], cols["region"], cols["event_date"], cols["risk_level"],
                cols["case_status"], cols["urgency"], cols["flagged"], record.created_at,
                record.updated_at, self._seal_record(record, body, cols["title"]),
                indexing.term_texts(record),
                record.id)

    def _write(self, conn: Any, record: Record, *, insert: bool) -> None:
        conn.execute(INSERT_ROW if insert else UPDATE_ROW, self.row_values(record))

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
        conn.execute(TOMBSTONE_ROW, (version, utc_now(), self.sealer.seal(
            b"{}", f"record:{record_id}:{version}"), record_id))
        return "new" if row is None else "updated"


_LENGTHS = struct.Struct("<II")


def pack_record(title: str, text: str, body: str) -> bytes:
    """The sealed content of a record's row: its title, search text and canonical body,
    UTF-8 as it is (\\u escapes made Arabic and Chinese records half as large again). One
    byte of format, then the lengths of title and text: a JSON object around them cost an
    import as much as all its statements' formatting (issue 18)."""
    title_b, text_b = title.encode(), text.encode()
    return b"".join((b"\x01", _LENGTHS.pack(len(title_b), len(text_b)), title_b, text_b,
                     body.encode()))


def unpack_record(data: bytes) -> dict[str, str]:
    """``pack_record``'s parts by name; rows sealed before it (a JSON object) read too."""
    if data[:1] != b"\x01":
        found: dict[str, str] = json.loads(data)
        return found
    title, text = _LENGTHS.unpack_from(data, 1)
    start = 1 + _LENGTHS.size
    return {"title": data[start:start + title].decode(),
            "text": data[start + title:start + title + text].decode(),
            "body": data[start + title + text:].decode()}


TERMS_AS_TABLE = ("(SELECT split_part(x, ':', 1) AS vocab, substr(x, strpos(x, ':') + 1) AS"
                  " code FROM unnest(r.terms) AS x)")
"""A row's terms as a table of (vocab, code) inside a query over ``hq_records r``."""

ROW_COLUMNS = ("type, version, mission_id, status, country, region, event_date, risk_level,"
               " case_status, urgency, flagged, created_at, updated_at, sealed, terms, id")
"""The columns of ``SealedRecords.row_values``, in order."""
INSERT_ROW = (f"INSERT INTO hq_records ({ROW_COLUMNS}) VALUES"  # noqa: S608
              " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
UPDATE_ROW = ("UPDATE hq_records SET type = %s, version = %s, mission_id = %s, status = %s,"
              " country = %s, region = %s, event_date = %s, risk_level = %s, case_status = %s,"
              " urgency = %s, flagged = %s, created_at = %s, updated_at = %s, sealed = %s,"
              " terms = %s, deleted = 0 WHERE id = %s")
TOMBSTONE_ROW = ("UPDATE hq_records SET deleted = 1, version = %s, mission_id = NULL,"
                 " country = NULL, region = NULL, event_date = NULL, risk_level = NULL,"
                 " case_status = NULL, urgency = NULL, flagged = 0, terms = '{}',"
                 " updated_at = %s, sealed = %s WHERE id = %s")
