"""Analysts' own writes of records (create, update, delete, a batch at once): validated,
versioned and audited like the vault's."""

from __future__ import annotations

import json
from typing import Any

from ...core import codec
from ...core.errors import FieldError, RecordInvalid
from ...core.i18n import _
from ...core.records import Record, utc_now
from ...core.validation import normalise, validate
from ...vault.queries import NotFound
from ...vault.repository import Conflict, check_update
from .records import SealedRecords


class RecordEdits(SealedRecords):
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
