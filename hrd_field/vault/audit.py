"""Append-only, hash-chained audit log: who did what, when — never what a record says.

Each entry's hash covers the previous hash, so removing or altering an entry breaks the
chain; SQL triggers refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..core.records import utc_now

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    object_type: str
    object_id: str
    prev_hash: str
    hash: str


def _digest(prev_hash: str, seq: int, at: str, actor: str, action: str,
            object_type: str, object_id: str) -> str:
    payload = json.dumps([seq, at, actor, action, object_type, object_id],
                         separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def append(conn: Any, actor: str, action: str, object_type: str = "",
           object_id: str = "") -> None:
    """Append one entry; call inside the transaction that makes the change it describes."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    at = utc_now()
    digest = _digest(prev, seq, at, actor, action, object_type, object_id)
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, object_type, object_id, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, object_type, object_id, prev, digest),
    )


def entries(conn: Any, limit: int = 1000, before: int | None = None) -> list[AuditEntry]:
    sql = "SELECT seq, at, actor, action, object_type, object_id, prev_hash, hash FROM audit"
    params: tuple[Any, ...] = ()
    if before is not None:
        sql += " WHERE seq < ?"
        params = (before,)
    sql += " ORDER BY seq DESC LIMIT ?"
    return [AuditEntry(*row) for row in conn.execute(sql, (*params, limit))]


def verify(conn: Any) -> int | None:
    """The sequence number of the first broken entry, or None if the chain is intact."""
    prev = GENESIS
    expected_seq = 1
    for row in conn.execute(
        "SELECT seq, at, actor, action, object_type, object_id, prev_hash, hash"
        " FROM audit ORDER BY seq"
    ):
        entry = AuditEntry(*row)
        if entry.seq != expected_seq or entry.prev_hash != prev or entry.hash != _digest(
            prev, entry.seq, entry.at, entry.actor, entry.action, entry.object_type,
            entry.object_id,
        ):
            return entry.seq
        prev = entry.hash
        expected_seq += 1
    return None
