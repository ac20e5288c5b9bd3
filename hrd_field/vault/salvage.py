"""Rescue what can still be read from a damaged vault into a fresh one.

Every record and attachment is read on its own, so one damaged page costs the records on
it, not the rest. The damaged vault is only read (it was opened with ``inspect``); the new
vault gets the same passphrase. The export ledger and the device identity come along only
when the old vault passed its check: after a lost write-ahead log the ledger may be behind
what HQ already received, and reusing its sequence numbers would look like a cloned device
at HQ, so the rescued vault then starts as a new device that HQ registers again.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import UserError
from .database import DatabaseError
from .queries import decode
from .vault import Vault

LEDGER_TABLES = (
    ("export_sequences", "seq, state, bundle_id, manifest_sha256, file_name, size, created_at,"
                         " received_at"),
    ("exported_versions", "record_id, version, seq"),
    ("outbox", "seq, attempts, last_error, next_attempt_at, receipt"),
)
COPIED_META = ("hq_profile",)


@dataclass
class SalvageReport:
    records: int = 0
    attachments: int = 0
    unreadable_records: list[str] = field(default_factory=list)
    unreadable_attachments: list[str] = field(default_factory=list)
    same_device: bool = False


def _candidates(conn: Any) -> list[tuple[int, str | None]]:
    """(row number, id) of every record row that can be listed, missions first."""
    try:
        rows = conn.execute("SELECT seq, id, type FROM records WHERE deleted = 0").fetchall()
        return [(int(s), str(i)) for s, i, t in sorted(rows, key=lambda r: r[2] != "mission")]
    except DatabaseError:
        pass
    # The table itself is damaged: probe row by row up to the highest number handed out.
    try:
        top = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'records'").fetchone()
        last = int(top[0]) if top else 0
    except DatabaseError:
        last = 0
    return [(seq, None) for seq in range(1, last + 1)]


def salvage(source: Vault, out: Path, passphrase: str) -> SalvageReport:
    report = SalvageReport()
    clean = source.check(full=False).ok
    conn = source.db.conn
    target = Vault.create(out, passphrase, actor=source.actor)
    try:
        for key in COPIED_META:
            value = _read_meta(source, key)
            if value is not None:
                target.set_meta(key, value)
        if clean:
            report.same_device = _copy_ledger(source, target)
        pending = []
        for seq, rid in _candidates(conn):
            try:
                row = conn.execute("SELECT body, deleted FROM records WHERE seq = ?",
                                   (seq,)).fetchone()
                if row is None or row[1]:
                    continue
                record = decode(row[0])
            except (DatabaseError, ValueError, UserError):
                report.unreadable_records.append(rid or f"#{seq}")
                continue
            pending.append(record)
        for record in pending:
            for ref in record.attachments:
                _copy_attachment(source, target, ref.sha256, ref.filename, report)
            try:
                target.records.create(record, keep_timestamps=True)
            except UserError:
                if record.mission_id is None:
                    report.unreadable_records.append(record.id)
                    continue
                record.mission_id = None  # its mission was lost: keep the record unlinked
                target.records.create(record, keep_timestamps=True)
            report.records += 1
    finally:
        target.close()
    return report


def _read_meta(vault: Vault, key: str) -> str | None:
    with contextlib.suppress(UserError):
        return vault.meta(key)
    return None


def _copy_attachment(source: Vault, target: Vault, sha: str, filename: str,
                     report: SalvageReport) -> None:
    if target.attachment_size(sha) is not None or sha in report.unreadable_attachments:
        return
    try:
        if source.attachment_size(sha) is None:
            return  # referenced but never stored in the old vault either
        with source.attachment_stream(sha) as stream:
            ref = target.store_attachment(stream, filename=filename)
        if ref.sha256 != sha:
            raise ValueError("content changed")
    except (DatabaseError, UserError, ValueError, OSError):
        report.unreadable_attachments.append(sha)
        return
    report.attachments += 1


def _copy_ledger(source: Vault, target: Vault) -> bool:
    """The export ledger and the device key, all or nothing."""
    try:
        seed = source.meta("device_signing_seed")
        tables = {name: source.db.query(f"SELECT {cols} FROM {name}")
                  for name, cols in LEDGER_TABLES}
    except (DatabaseError, UserError):
        return False
    if seed is None:
        return False
    with target.db.transaction() as c:
        c.execute("UPDATE meta SET value = ? WHERE key = 'device_signing_seed'", (seed,))
        for name, cols in LEDGER_TABLES:
            marks = ", ".join("?" for _ in cols.split(","))
            c.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", tables[name])
    return True
