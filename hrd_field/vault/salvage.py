"""Rescue what can still be read from a damaged vault into a fresh one.

Every record and attachment is read on its own, so one damaged page costs the records on
it, not the rest. The damaged vault is only read (it was opened with ``inspect``); the new
vault gets the same passphrase. The export ledger and the device identity come along only
when the old vault passed its check: after a lost write-ahead log the ledger may be behind
what HQ already received, and reusing its sequence numbers would look like a cloned device
at HQ, so the rescued vault then starts as a new device that HQ registers again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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


# Every place that names a record's row: the table itself, its id index, the search index
# and the vocabulary terms are separate B-trees, so a damaged page in one leaves the others.
CANDIDATE_QUERIES = (
    "SELECT seq, id FROM records WHERE deleted = 0",
    "SELECT seq, id FROM records WHERE id >= ''",  # the id index alone
    "SELECT rowid, NULL FROM records_fts",
    "SELECT DISTINCT record_seq, NULL FROM record_terms",
)


def _candidates(source: Vault) -> dict[int, str | None]:
    """Row number → id (when known) of every record row that any index still names."""
    found: dict[int, str | None] = {}
    for sql in CANDIDATE_QUERIES:
        try:
            for seq, rid in source.db.conn.execute(sql):  # keep what came before the damage
                if found.get(int(seq)) is None:
                    found[int(seq)] = rid
        except DatabaseError:
            source.reconnect()
    try:
        top = source.db.conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'records'").fetchone()
        for seq in range(1, int(top[0]) + 1 if top else 1):
            found.setdefault(seq, None)
    except DatabaseError:
        source.reconnect()
    return found


def salvage(source: Vault, out: Path, passphrase: str) -> SalvageReport:
    report = SalvageReport()
    clean = source.check(full=False).ok
    source.reconnect()
    target = Vault.create(out, passphrase, actor=source.actor)
    try:
        for key in COPIED_META:
            value = _read_meta(source, key)
            if value is not None:
                target.set_meta(key, value)
        if clean:
            report.same_device = _copy_ledger(source, target)
        pending = []
        for seq, rid in sorted(_candidates(source).items()):
            try:
                row = source.db.conn.execute("SELECT body, deleted FROM records WHERE seq = ?",
                                   (seq,)).fetchone()
                if row is None or row[1]:
                    continue
                record = decode(row[0])
            except DatabaseError:
                report.unreadable_records.append(rid or f"#{seq}")
                source.reconnect()  # SQLCipher fails every read after a damaged page
                continue
            except (ValueError, UserError):
                report.unreadable_records.append(rid or f"#{seq}")
                continue
            pending.append(record)
        pending.sort(key=lambda r: r.TYPE != "mission")  # missions before what links to them
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
    try:
        return vault.meta(key)
    except UserError:
        vault.reconnect()
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
        source.reconnect()
        return
    report.attachments += 1


def _copy_ledger(source: Vault, target: Vault) -> bool:
    """The export ledger and the device key, all or nothing."""
    try:
        seed = source.meta("device_signing_seed")
        tables = {name: source.db.query(f"SELECT {cols} FROM {name}")
                  for name, cols in LEDGER_TABLES}
    except (DatabaseError, UserError):
        source.reconnect()
        return False
    if seed is None:
        return False
    with target.db.transaction() as c:
        c.execute("UPDATE meta SET value = ? WHERE key = 'device_signing_seed'", (seed,))
        for name, cols in LEDGER_TABLES:
            marks = ", ".join("?" for _ in cols.split(","))
            c.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", tables[name])
    return True
