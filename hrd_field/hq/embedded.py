"""The embedded HQ repository: HQ's records in its own SQLCipher vault (one person, one
machine). The SQL lives in the vault layer (``vault.hq_tables``, ``vault.repository``);
this adapter gives it the shape of ``HqRepository``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.casework import ReprisalAnnotation
from ..core.records import Record
from ..vault.attachments import FileBlobWriter
from ..vault.database import VaultBusy
from ..vault.fsutil import DiskFull
from ..vault.hq_casework import Acknowledgement, BundleEntry, OpenCommunication
from ..vault.hq_tables import Device, Incoming, Provenance, QuarantineEntry
from ..vault.queries import Filters, Hit, ReportRecord, Row
from ..vault.vault import Vault
from .repository import BlobSink, BundleLog, StoreFull, StoreUnavailable
from .rules import gap_ranges

BACKEND = "embedded"
WRITE_WAIT_MS = 30_000


class _EmbeddedImport:
    def __init__(self, vault: Vault, conn: Any):
        self._vault = vault
        self._conn = conn

    def lock_device(self, device_key: str) -> None:
        """Nothing to do: the transaction (BEGIN IMMEDIATE) already holds the only write
        turn on the store."""

    def device_by_key(self, public_key: str) -> Device | None:
        return self._vault.hq.device_by_key(public_key)

    def bundle_at(self, device_key: str, seq: int) -> BundleLog | None:
        found = self._vault.hq.bundle_at(device_key, seq)
        return BundleLog(*found) if found else None

    def prepare(self, items: list[Incoming]) -> None:
        """Nothing ahead: one import writes at a time, from its start (BEGIN IMMEDIATE)."""

    def store_many(self, items: list[Incoming], *, device_key: str, bundle_id: str,
                   seq: int) -> list[str]:
        return self._vault.hq.store_many(self._conn, items, device_key=device_key,
                                         bundle_id=bundle_id, seq=seq)

    def person_genders(self, ids: list[str]) -> dict[str, str | None]:
        return self._vault.hq.person_genders(self._conn, ids)

    def log_bundle(self, *, device_key: str, seq: int, bundle_id: str, manifest_sha256: str,
                   previous: str | None, summary: dict[str, Any],
                   abandoned: list[int]) -> None:
        self._vault.hq.log_bundle(self._conn, device_key=device_key, seq=seq,
                                  bundle_id=bundle_id, manifest_sha256=manifest_sha256,
                                  previous=previous, summary=summary, abandoned=abandoned)

    def alarm(self, kind: str, device_key: str, seq: int | None, detail: str) -> None:
        self._vault.hq.alarm(self._conn, kind, device_key, seq, detail)

    def blob_writer(self, sha256: str) -> BlobSink:
        return FileBlobWriter(self._conn, self._vault.files, sha256=sha256)

    def chain_facts(self, device_key: str, seq: int, previous: str | None,
                    manifest_sha256: str) -> dict[str, Any]:
        return self._vault.hq.chain_facts(self._conn, device_key, seq, previous,
                                          manifest_sha256)

    def record_owners(self, record_ids: list[str]
                      ) -> dict[str, tuple[str, int, str, str | None]]:
        return self._vault.hq.record_owners(self._conn, record_ids)

    def mission_sharers(self, mission_ids: list[str]) -> dict[str, set[str]]:
        return self._vault.hq.mission_sharers(self._conn, mission_ids)


class EmbeddedRepository:
    """``HqRepository`` over an open HQ vault (which the ``HqStore`` owns and closes)."""

    backend = BACKEND

    def __init__(self, vault: Vault):
        self.vault = vault
        # Others may share the store (the intake, analysts): wait for their write turn
        # rather than fail at once; an import still waiting after that is answered 503.
        vault.db.wait_for_writers(WRITE_WAIT_MS)

    @property
    def actor(self) -> str:
        return self.vault.actor

    def close(self) -> None:
        """The vault is closed by its owner, the ``HqStore``."""

    def ping(self) -> None:
        self.vault.meta("role")

    def take_request(self, device_key: str, capacity: float,
                     per_second: float) -> float | None:
        return None  # one intake process serves an embedded store: it counts in memory

    # -- devices -------------------------------------------------------------------------------
    def add_device(self, name: str, public_key: str) -> None:
        self.vault.hq.add_device(name, public_key)

    def revoke_device(self, name: str, after_seq: int | None) -> None:
        self.vault.hq.revoke_device(name, after_seq)

    def devices(self) -> list[Device]:
        return self.vault.hq.devices()

    def device_by_key(self, public_key: str) -> Device | None:
        return self.vault.hq.device_by_key(public_key)

    # -- bundles -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def import_transaction(self) -> Iterator[_EmbeddedImport]:
        try:
            # attachment files written by an import that does not commit are removed
            with self.vault.files.guard(), self.vault.db.transaction() as conn:
                yield _EmbeddedImport(self.vault, conn)
        except VaultBusy as exc:  # another process writes: the sender retries later
            raise StoreUnavailable(str(exc)) from exc
        except DiskFull as exc:  # not the bundle's fault: it is imported once space is freed
            raise StoreFull(str(exc)) from exc

    def bundle_at(self, device_key: str, seq: int) -> BundleLog | None:
        found = self.vault.hq.bundle_at(device_key, seq)
        return BundleLog(*found) if found else None

    def gaps(self) -> dict[str, list[tuple[int, int]]]:
        hq = self.vault.hq
        return {d.name: gap_ranges(*hq.sequences(d.public_key)) for d in hq.devices()}

    def share_mission(self, mission_id: str, names: list[str], *,
                      remove: bool = False) -> None:
        self.vault.hq.share_mission(mission_id, names, remove=remove)

    def shares(self) -> list[tuple[str, str]]:
        return self.vault.hq.shares()

    def quarantined(self, device_key: str | None) -> int:
        return self.vault.hq.quarantined(device_key)

    def save_receipt(self, bundle_id: str, device_key: str, seq: int, body: bytes) -> bytes:
        return self.vault.hq.save_receipt(bundle_id, device_key, seq, body)

    def receipt(self, bundle_id: str, device_key: str) -> bytes | None:
        return self.vault.hq.receipt(bundle_id, device_key)

    def raise_alarm(self, kind: str, device_key: str, seq: int | None, detail: str) -> None:
        self.vault.hq.raise_alarm(kind, device_key, seq, detail)

    def alarms(self) -> list[tuple[str, str, str, int | None, str]]:
        return self.vault.hq.alarms()

    def quarantine(self, file_name: str, device_key: str | None, reason: str) -> None:
        self.vault.hq.quarantine(file_name, device_key, reason)

    def quarantine_log(self, limit: int = 1000) -> list[QuarantineEntry]:
        return self.vault.hq.quarantine_log(limit)

    # -- records -------------------------------------------------------------------------------
    def get(self, record_id: str) -> Record:
        return self.vault.records.get(record_id)

    def rows(self, filters: Filters | None = None, *, text: str = "",
             order_by: str = "updated_at", descending: bool = True, limit: int = 100,
             offset: int = 0, every_match: bool = False) -> list[Row]:
        return self.vault.records.rows(filters, text=text, order_by=order_by,
                                       descending=descending, limit=limit, offset=offset,
                                       every_match=every_match)

    def page(self, filters: Filters | None = None, *, order_by: str = "updated_at",
             descending: bool = True, limit: int = 100, offset: int = 0) -> list[Record]:
        return self.vault.records.page(filters, order_by=order_by, descending=descending,
                                       limit=limit, offset=offset)

    def report_records(self, record_type: str, date_from: str,
                       date_to: str) -> Iterator[ReportRecord]:
        return self.vault.records.report_records(record_type, date_from, date_to)

    def count(self, filters: Filters | None = None, *, text: str = "",
              every_match: bool = False) -> int:
        return self.vault.records.count(filters, text=text, every_match=every_match)

    def search(self, text: str, filters: Filters | None = None, *, limit: int = 50,
               offset: int = 0) -> list[Hit]:
        return self.vault.records.search(text, filters, limit=limit, offset=offset)

    def version(self, record_id: str, version: int) -> Record:
        return self.vault.hq.version(record_id, version)

    def provenance(self, record_id: str) -> list[Provenance]:
        return self.vault.hq.provenance(record_id)

    def create(self, record: Record) -> Record:
        return self.vault.records.create(record)

    def update(self, record: Record) -> Record:
        return self.vault.records.update(record)

    def delete(self, record_id: str) -> None:
        self.vault.records.delete(record_id)

    def open_attachment(self, sha256: str) -> contextlib.AbstractContextManager[
            Iterator[bytes]]:
        return self.vault.open_attachment(sha256)

    def attachment_size(self, sha256: str) -> int | None:
        return self.vault.attachment_size(sha256)

    # -- casework ------------------------------------------------------------------------------
    def create_many(self, records: list[Record]) -> None:
        self.vault.records.create_many(records)

    def types_of(self, record_ids: list[str]) -> dict[str, str]:
        return self.vault.casework.types_of(record_ids)

    def open_communications(self) -> list[OpenCommunication]:
        return self.vault.casework.open_communications()

    def reprisals_of(self, person_ids: list[str]) -> list[tuple[str, str | None]]:
        return self.vault.casework.reprisals_of(person_ids)

    def annotation(self, record_id: str) -> ReprisalAnnotation | None:
        return self.vault.casework.annotation(record_id)

    def annotations(self) -> dict[str, ReprisalAnnotation]:
        return self.vault.casework.annotations()

    def save_annotation(self, note: ReprisalAnnotation) -> None:
        self.vault.casework.save_annotation(note)

    def record_acknowledgement(self, record_id: str, language: str, fmt: str,
                               sha256: str) -> None:
        self.vault.casework.record_acknowledgement(record_id, language, fmt, sha256)

    def acknowledgements(self, record_id: str) -> list[Acknowledgement]:
        return self.vault.casework.acknowledgements(record_id)

    def bundle_log(self, limit: int = 1000) -> list[BundleEntry]:
        return self.vault.casework.bundle_log(limit)

    def setting(self, key: str) -> str | None:
        return self.vault.casework.setting(key)

    def set_setting(self, key: str, value: str) -> None:
        self.vault.casework.set_setting(key, value)

    # -- reports, audit, operations ------------------------------------------------------------
    def report(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.vault.hq.report(sql, params)

    def counts(self) -> dict[str, int]:
        return self.vault.hq.counts()

    def log(self, action: str, object_type: str = "", object_id: str = "") -> None:
        self.vault.log(action, object_type, object_id)

    def backup(self, target: Path) -> None:
        self.vault.backup(target)
