"""The HQ repository: everything HQ code needs from where HQ keeps its records.

Two backends implement it: ``hq.embedded`` (today's SQLCipher store, one person on one
machine) and ``hq.postgres`` (a team: several intake workers and analysts on one
PostgreSQL database). The importer, the intake service, the CLI, casework and reports use
only this interface; nothing above it writes SQL against HQ's tables, except report queries
through ``report``, which read two portable views (see ``REPORT_VIEWS``).

Writes that must be all-or-nothing with the bundle that carried them (an import) go through
``import_transaction``: the bundle log, the record versions, the attachments and the alarms
it raises commit together or not at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..core.casework import ReprisalAnnotation
from ..core.errors import UserError
from ..core.records import Record
from ..vault.hq_casework import Acknowledgement, BundleEntry, OpenCommunication
from ..vault.hq_tables import Device, Incoming, Provenance, QuarantineEntry
from ..vault.queries import Filters, Hit, ReportRecord, Row

__all__ = [
    "REPORT_VIEWS",
    "BlobSink",
    "BundleLog",
    "Device",
    "Filters",
    "Hit",
    "HqRepository",
    "ImportTransaction",
    "Incoming",
    "Provenance",
    "QuarantineEntry",
    "Row",
    "StoreFull",
    "StoreUnavailable",
]

REPORT_VIEWS = {
    "report_records": ("id", "type", "version", "status", "mission_id", "country", "region",
                       "event_date", "risk_level", "case_status", "urgency", "flagged",
                       "created_at", "updated_at"),
    "report_terms": ("record_id", "type", "vocab", "code"),
}
"""What a report query may read, the same on both backends: one row per live record
(no content, no names: the columns any backend keeps in clear) and one row per vocabulary
code a live record carries (threat types, groups at risk, perpetrators, …). Dates are ISO
text (``YYYY-MM-DD`` / ``YYYY-MM-DDTHH:MM:SSZ``), ``flagged`` is 0 or 1."""


class StoreUnavailable(UserError):
    """The store cannot be reached now (database down, connection lost, disk full): nothing
    was changed, and the same request may succeed later (the intake answers 503)."""


class StoreFull(StoreUnavailable):
    """No space left where HQ keeps its records (the database's disk, the store's folder):
    nothing was changed; the same request succeeds once space is freed."""


@dataclass(frozen=True)
class BundleLog:
    """What HQ remembers of a bundle a device sent under one sequence number."""

    bundle_id: str
    manifest_sha256: str
    summary: str
    """The import outcome as JSON (status, counts, accepted versions)."""


class BlobSink(Protocol):
    """Receives one attachment's content in chunks inside an import transaction."""

    size: int

    def write(self, data: bytes) -> None: ...

    def finish(self) -> str:
        """Store it (identical content is kept once); returns its SHA-256."""
        ...


class ImportTransaction(Protocol):
    """One bundle's import: nothing is visible to others until the ``with`` block ends
    without an exception; any exception rolls everything back."""

    def lock_device(self, device_key: str) -> None:
        """Take this device's import turn until the transaction ends: imports of one device
        never store at the same time (the sequence checks made in the turn stay exact),
        other devices' imports go on."""
        ...

    def device_by_key(self, public_key: str) -> Device | None: ...

    def bundle_at(self, device_key: str, seq: int) -> BundleLog | None: ...

    def prepare(self, items: list[Incoming]) -> None:
        """Do the work ``store_many`` will need for these items that reads nothing from the
        store (each version's body, fingerprint and sealing, each record's row), before the
        device's turn (``lock_device``): the import of the same device's next bundle
        overlaps the storing of this one. ``store_many`` of the same list uses it; a
        record's links resolved meanwhile (``Incoming.current``) are taken into account."""
        ...

    def store_many(self, items: list[Incoming], *, device_key: str, bundle_id: str,
                   seq: int) -> list[str]:
        """Keep these versions, in order, with their provenance; the newest version of each
        becomes the record, a deletion leaves a tombstone; the first sender of a record
        becomes its owner. One result per item: 'new', 'updated', 'older' (kept in history
        only) or 'known' (this version was held already; the same version sent again is
        compared without its link fields, ``core.linking.comparable``: stub references
        are new on each export, and a real difference raises a ``version_conflict``
        alarm). Batched: a bundle costs a few statements, not a few per record."""
        ...

    def person_genders(self, ids: list[str]) -> dict[str, str | None]:
        """id → gender of the live person records among ``ids`` that HQ holds."""
        ...

    def log_bundle(self, *, device_key: str, seq: int, bundle_id: str, manifest_sha256: str,
                   previous: str | None, summary: dict[str, Any],
                   abandoned: list[int]) -> None: ...

    def alarm(self, kind: str, device_key: str, seq: int | None, detail: str) -> None: ...

    def blob_writer(self, sha256: str) -> BlobSink:
        """A writer for content that must hash to ``sha256``: the bundle reader verifies
        that before ``end_attachment``, so the writer does not hash it again."""
        ...

    # Facts the acceptance rules (hq.rules) decide on; store_many records the first sender
    # of a record as its owner.
    def chain_facts(self, device_key: str, seq: int, previous: str | None,
                    manifest_sha256: str) -> dict[str, Any]:
        """The fields of ``rules.ChainFacts`` for this bundle (see there)."""
        ...

    def record_owners(self, record_ids: list[str]) -> dict[str, tuple[str, int, str, str | None]]:
        """id → (owner device key, highest version held, type, mission id) of the records
        among ``record_ids`` that HQ holds (one query per few hundred ids)."""
        ...

    def mission_sharers(self, mission_ids: list[str]) -> dict[str, set[str]]:
        """mission id → keys of the devices HQ lets share its records (missions without
        shares are absent)."""
        ...


@runtime_checkable
class HqRepository(Protocol):
    """HQ's records, devices, bundles, receipts, alarms and audit trail."""

    backend: str
    """'embedded' or 'postgresql'."""

    def close(self) -> None: ...

    def ping(self) -> None:
        """Raise ``UserError`` with a clear message unless the store answers."""
        ...

    # -- devices (admin) ---------------------------------------------------------------------
    def add_device(self, name: str, public_key: str) -> None: ...

    def revoke_device(self, name: str, after_seq: int | None) -> None: ...

    def devices(self) -> list[Device]: ...

    def device_by_key(self, public_key: str) -> Device | None:
        """Read fresh on every call: a revocation takes effect on the next request."""
        ...

    # -- bundles, receipts, alarms, quarantine (intake) ---------------------------------------
    def take_request(self, device_key: str, capacity: float,
                     per_second: float) -> float | None:
        """Take a token from this device's request bucket (``capacity`` burst, refilled at
        ``per_second``) shared by every process serving the store: 0 if the request may go
        on, else the seconds until the next token. None: this backend has one intake
        process (embedded), which counts in memory (``intake.RateLimit``)."""
        ...

    def import_transaction(self) -> contextlib.AbstractContextManager[ImportTransaction]: ...

    def bundle_at(self, device_key: str, seq: int) -> BundleLog | None: ...

    def gaps(self) -> dict[str, list[tuple[int, int]]]:
        """Per device name: sequence numbers neither received nor declared abandoned, as
        inclusive (first, last) ranges."""
        ...

    def share_mission(self, mission_id: str, names: list[str], *,
                      remove: bool = False) -> None:
        """Let these devices send versions of each other's records of this mission."""
        ...

    def shares(self) -> list[tuple[str, str]]:
        """(mission id, device name) of every share."""
        ...

    def quarantined(self, device_key: str | None) -> int:
        """Bundles this uploader (None: imports by hand) has in quarantine."""
        ...

    def save_receipt(self, bundle_id: str, device_key: str, seq: int, body: bytes) -> bytes:
        """Keep the first receipt given for a bundle; returns the stored one."""
        ...

    def receipt(self, bundle_id: str, device_key: str) -> bytes | None: ...

    def raise_alarm(self, kind: str, device_key: str, seq: int | None, detail: str) -> None: ...

    def alarms(self) -> list[tuple[str, str, str, int | None, str]]:
        """(at, kind, device key, sequence, detail), oldest first."""
        ...

    def quarantine(self, file_name: str, device_key: str | None, reason: str) -> None: ...

    def quarantine_log(self, limit: int = 1000) -> list[QuarantineEntry]:
        """The bundles kept in quarantine, newest first, and why (for the inbox)."""
        ...

    # -- records (analysts, casework) ---------------------------------------------------------
    def get(self, record_id: str) -> Record:
        """The current version; ``NotFound`` if there is none or it is deleted."""
        ...

    def rows(self, filters: Filters | None = None, *, text: str = "",
             order_by: str = "updated_at", descending: bool = True, limit: int = 100,
             offset: int = 0, every_match: bool = False) -> list[Row]: ...

    def page(self, filters: Filters | None = None, *, order_by: str = "updated_at",
             descending: bool = True, limit: int = 100, offset: int = 0) -> list[Record]: ...

    def report_records(self, record_type: str, date_from: str,
                       date_to: str) -> Iterator[ReportRecord]:
        """Live records of a type dated ``date_from`` to ``date_to`` (ISO days, inclusive),
        streamed, with the columns and terms reports group by: what a report reads when it
        needs numbers only the bodies hold."""
        ...

    def count(self, filters: Filters | None = None, *, text: str = "",
              every_match: bool = False) -> int: ...

    def search(self, text: str, filters: Filters | None = None, *, limit: int = 50,
               offset: int = 0) -> list[Hit]: ...

    def version(self, record_id: str, version: int) -> Record:
        """One version from HQ's history (of deleted records too); ``UserError`` for a
        deletion or a version HQ does not hold."""
        ...

    def provenance(self, record_id: str) -> list[Provenance]:
        """Where each version came from (device, bundle, sequence); empty for records
        HQ made itself (casework)."""
        ...

    def create(self, record: Record) -> Record:
        """A record made at HQ (communications, recommendations, legislation, …):
        validated, version 1, audited."""
        ...

    def update(self, record: Record) -> Record:
        """A new version; ``record.version`` must be the one it was based on."""
        ...

    def delete(self, record_id: str) -> None:
        """Leave a tombstone (a new version without content)."""
        ...

    def open_attachment(self, sha256: str) -> contextlib.AbstractContextManager[
            Iterator[bytes]]:
        """The decrypted content chunk by chunk; ``UserError`` if HQ has no such file."""
        ...

    def attachment_size(self, sha256: str) -> int | None: ...

    # -- reports ------------------------------------------------------------------------------
    def report(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one read-only SELECT over ``REPORT_VIEWS`` with ``?`` placeholders; the same
        text runs on both backends (keep to standard SQL: count, sum, CASE, GROUP BY,
        substr(event_date, 1, 4) for the year, ``||`` for concatenation)."""
        ...

    def counts(self) -> dict[str, int]:
        """How many records, tombstones, versions, bundles, abandoned sequence numbers,
        attachments, alarms, quarantined files, receipts and devices HQ holds."""
        ...

    # -- casework (HQ's own work on what it received) -------------------------------------------
    def create_many(self, records: list[Record]) -> None:
        """Validated casework records in one transaction: all or nothing."""
        ...

    def types_of(self, record_ids: list[str]) -> dict[str, str]:
        """Type of each live record among ``record_ids``; ids HQ does not hold are absent."""
        ...

    def open_communications(self) -> list[OpenCommunication]:
        """Sent communications with a reply due and no reply yet (the deadline board)."""
        ...

    def reprisals_of(self, person_ids: list[str]) -> list[tuple[str, str | None]]:
        """(id, incident date) of every live reprisal incident naming one of these people."""
        ...

    def annotation(self, record_id: str) -> ReprisalAnnotation | None:
        """HQ's notes on a received reprisal: kept apart, never overwritten by an import."""
        ...

    def annotations(self) -> dict[str, ReprisalAnnotation]: ...

    def save_annotation(self, note: ReprisalAnnotation) -> None: ...

    def record_acknowledgement(self, record_id: str, language: str, fmt: str,
                               sha256: str) -> None: ...

    def acknowledgements(self, record_id: str) -> list[Acknowledgement]: ...

    def bundle_log(self, limit: int = 1000) -> list[BundleEntry]:
        """The latest imported bundles (device name, sequence, summary), for the inbox."""
        ...

    def setting(self, key: str) -> str | None:
        """A casework setting (reply period, HQ time zone)."""
        ...

    def set_setting(self, key: str, value: str) -> None: ...

    # -- audit and operations -----------------------------------------------------------------
    def log(self, action: str, object_type: str = "", object_id: str = "") -> None: ...

    def backup(self, target: Path) -> None:
        """A consistent copy of the store at ``target`` taken while it is in use."""
        ...
