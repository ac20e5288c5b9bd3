"""The field side of export: sequence numbers and what left in which bundle.

A sequence number is committed ('reserved') before its bundle is written and is never used
again; if writing fails it is marked 'abandoned' and the next manifest says so, so HQ can
tell a gap that will never be filled from a bundle still on its way. Records count as
exported only once their bundle is durable ('written').
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..core.records import Record, utc_now
from . import audit
from .database import Database
from .queries import decode


@dataclass(frozen=True)
class Tombstone:
    """A record deleted on the device after an earlier version reached HQ."""

    id: str
    type: str
    version: int
    deleted_at: str


@dataclass(frozen=True)
class OutboxItem:
    seq: int
    bundle_id: str
    file_name: str
    size: int
    attempts: int
    last_error: str | None
    next_attempt_at: str | None


@dataclass(frozen=True)
class SentBundle:
    seq: int
    state: str
    bundle_id: str | None
    file_name: str | None
    size: int | None
    created_at: str
    received_at: str | None


class ExportLedger:
    def __init__(self, db: Database, actor: str):
        self._db = db
        self._actor = actor

    def reserve_sequence(self, file_name: str | None = None) -> int:
        """Commit the next sequence number, and the file name its bundle will get (so a
        crash between writing the file and recording it leaves a file we can name)."""
        with self._db.transaction() as c:
            row = c.execute("SELECT max(seq) FROM export_sequences").fetchone()
            seq = int(row[0] or 0) + 1
            c.execute("INSERT INTO export_sequences (seq, state, created_at, file_name)"
                      " VALUES (?, ?, ?, ?)", (seq, "reserved", utc_now(), file_name))
            audit.append(c, self._actor, "export.reserve", "sequence", str(seq))
        return seq

    def abandon_unfinished(self) -> list[tuple[int, str | None]]:
        """Sequences reserved by an export that died before recording its bundle (the vault
        lock means no other export runs now): declare them abandoned so HQ does not wait
        for them. Returns (sequence, file name): the caller removes such orphan files;
        their records were never marked exported and go out in the next bundle."""
        rows = self._db.query("SELECT seq, file_name FROM export_sequences"
                              " WHERE state = 'reserved'")
        for seq, _name in rows:
            self.abandon(int(seq))
        return [(int(seq), name) for seq, name in rows]

    def requeue_written(self, names_present: set[str]) -> list[int]:
        """Written bundles still in the outbox folder, not received, but missing from the
        outbox (a crash of an older version between two transactions): put them back."""
        rows = self._db.query(
            "SELECT s.seq, s.file_name FROM export_sequences s WHERE s.state = 'written'"
            " AND s.received_at IS NULL AND NOT EXISTS (SELECT 1 FROM outbox o"
            " WHERE o.seq = s.seq)")
        found = [int(seq) for seq, name in rows if name in names_present]
        if found:
            with self._db.transaction() as c:
                c.executemany("INSERT OR IGNORE INTO outbox (seq) VALUES (?)",
                              [(seq,) for seq in found])
        return found

    def abandon(self, seq: int) -> None:
        with self._db.transaction() as c:
            # The file name was only its intended name: an abandoned sequence has no file.
            c.execute("UPDATE export_sequences SET state = 'abandoned', file_name = NULL"
                      " WHERE seq = ? AND state = 'reserved'", (seq,))
            audit.append(c, self._actor, "export.abandon", "sequence", str(seq))

    def mark_written(self, seq: int, *, bundle_id: str, manifest_sha256: str, file_name: str,
                     size: int, versions: list[tuple[str, int]],
                     to_outbox: bool = False) -> None:
        """Record a durable bundle; with ``to_outbox`` it joins the outbox in the same
        transaction (two would let a crash between them lose it from the outbox)."""
        with self._db.transaction() as c:
            if to_outbox:
                c.execute("INSERT OR IGNORE INTO outbox (seq) VALUES (?)", (seq,))
            c.execute("UPDATE export_sequences SET state = 'written', bundle_id = ?,"
                      " manifest_sha256 = ?, file_name = ?, size = ? WHERE seq = ?",
                      (bundle_id, manifest_sha256, file_name, size, seq))
            c.executemany("INSERT OR IGNORE INTO exported_versions (record_id, version, seq)"
                          " VALUES (?, ?, ?)", [(rid, ver, seq) for rid, ver in versions])
            audit.append(c, self._actor, "export.written", "bundle", bundle_id)

    def abandoned(self) -> list[int]:
        rows = self._db.query("SELECT seq FROM export_sequences WHERE state = 'abandoned'"
                              " ORDER BY seq")
        return [int(r[0]) for r in rows]

    def previous_manifest_sha256(self, before: int) -> str | None:
        rows = self._db.query("SELECT manifest_sha256 FROM export_sequences WHERE"
                              " state = 'written' AND seq < ? ORDER BY seq DESC LIMIT 1",
                              (before,))
        return str(rows[0][0]) if rows else None

    def bundles(self) -> list[SentBundle]:
        rows = self._db.query("SELECT seq, state, bundle_id, file_name, size, created_at,"
                              " received_at FROM export_sequences ORDER BY seq")
        return [SentBundle(*row) for row in rows]

    # -- outbox (sync) -----------------------------------------------------------------------
    def waiting(self) -> list[OutboxItem]:
        """Bundles in the outbox that HQ has not acknowledged yet, oldest first."""
        rows = self._db.query(
            "SELECT s.seq, s.bundle_id, s.file_name, s.size, o.attempts, o.last_error,"
            " o.next_attempt_at FROM outbox o JOIN export_sequences s ON s.seq = o.seq"
            " WHERE s.state = 'written' AND s.received_at IS NULL ORDER BY s.seq")
        return [OutboxItem(*row) for row in rows]

    def record_attempt(self, seq: int, error: str | None, next_attempt_at: str | None) -> None:
        with self._db.transaction() as c:
            c.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
                      " next_attempt_at = ? WHERE seq = ?", (error, next_attempt_at, seq))

    def mark_received(self, seq: int, receipt: bytes) -> list[tuple[str, int]]:
        """HQ acknowledged bundle ``seq``; returns the (record id, version) it carried."""
        with self._db.transaction() as c:
            c.execute("UPDATE export_sequences SET received_at = ? WHERE seq = ?",
                      (utc_now(), seq))
            c.execute("UPDATE outbox SET receipt = ?, last_error = NULL WHERE seq = ?",
                      (receipt, seq))
            rows = c.execute("SELECT record_id, version FROM exported_versions WHERE seq = ?",
                             (seq,)).fetchall()
            audit.append(c, self._actor, "sync.received", "sequence", str(seq))
        return [(str(r[0]), int(r[1])) for r in rows]

    def ever_exported(self, ids: list[str]) -> set[str]:
        """Those of ``ids`` of which some version already left in a bundle."""
        out: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            out.update(str(r[0]) for r in self._db.query(
                f"SELECT DISTINCT record_id FROM exported_versions WHERE record_id IN ({marks})",
                chunk))
        return out

    def pending(self, *, since_last: bool, mission_id: str | None = None,
                batch: int = 500) -> Iterator[Record | Tombstone]:
        """Records to export: every live record, or only versions not exported yet.

        Deleted records travel as tombstones, and only if an earlier version left.
        """
        mission = " AND r.mission_id = ?" if mission_id else ""
        not_sent = (" AND NOT EXISTS (SELECT 1 FROM exported_versions e"
                    " WHERE e.record_id = r.id AND e.version = r.version)")
        sql = ("SELECT r.seq, r.id, r.type, r.version, r.deleted, r.updated_at, r.body"
               " FROM records r WHERE r.seq > ?" + mission + (not_sent if since_last else "")
               + " AND (r.deleted = 0 OR (r.deleted = 1 AND EXISTS (SELECT 1 FROM"
               " exported_versions e WHERE e.record_id = r.id))) ORDER BY r.seq LIMIT ?")
        last = 0
        while True:
            params: list[Any] = [last] + ([mission_id] if mission_id else []) + [batch]
            rows = self._db.query(sql, params)
            for seq, rid, rtype, version, deleted, updated_at, body in rows:
                last = seq
                yield Tombstone(rid, rtype, version, updated_at) if deleted else decode(body)
            if len(rows) < batch:
                return


def tombstone_json(t: Tombstone) -> str:
    return json.dumps({"id": t.id, "type": t.type, "version": t.version, "deleted": True,
                       "deleted_at": t.deleted_at}, sort_keys=True, separators=(",", ":"))
