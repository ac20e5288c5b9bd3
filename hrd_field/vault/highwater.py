"""The high-water mark: the audit chain's head as of the last commit, kept beside the vault.

SQLite cannot tell a database whose write-ahead log was deleted, truncated or damaged (its
checksums end the log early) from one that never had those commits: it opens the older
state and every check passes. The audit log's head (sequence number and hash) moves with
every change, so it is written to ``vault.hwm`` after each commit; a database whose chain
ends before that head, or differs at it, lost committed changes, and ``vault check`` says so.

The file is written after the commit is durable, so after a power cut it can only be behind
the database, never ahead (no false alarm). It is encrypted and authenticated with a key
derived from the data key: it reveals nothing, not even how many changes were made.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"hrd-field high-water mark v1"
_PLAIN = struct.Struct(">Q32s")
SIZE = 12 + _PLAIN.size + 16


@dataclass(frozen=True)
class Mark:
    seq: int
    digest: str  # the audit entry's hash, hex


def _key(data_key: bytes, vault_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=vault_id.encode("utf-8"),
                info=_INFO).derive(data_key)


class HighWater:
    def __init__(self, path: Path, data_key: bytes, vault_id: str):
        self.path = path
        self._aead = ChaCha20Poly1305(_key(data_key, vault_id))
        self._aad = vault_id.encode("utf-8")
        self._last: Mark | None = None

    def read(self) -> Mark | None:
        """The recorded mark; None if there is none or it cannot be read (a torn write)."""
        try:
            blob = self.path.read_bytes()
        except OSError:
            return None
        if len(blob) != SIZE:
            return None
        try:
            plain = self._aead.decrypt(blob[:12], blob[12:], self._aad)
        except InvalidTag:
            return None
        seq, digest = _PLAIN.unpack(plain)
        return Mark(int(seq), digest.hex())

    def write(self, mark: Mark) -> None:
        """Record ``mark`` (in place, one small write; see the module note on ordering)."""
        if mark == self._last:
            return
        nonce = os.urandom(12)
        blob = nonce + self._aead.encrypt(
            nonce, _PLAIN.pack(mark.seq, bytes.fromhex(mark.digest)), self._aad)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            if hasattr(os, "pwrite"):
                os.pwrite(fd, blob, 0)
            else:  # pragma: no cover - Windows
                os.write(fd, blob)
        finally:
            os.close(fd)
        self._last = mark


def head(conn: Any) -> Mark | None:
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return Mark(int(row[0]), str(row[1])) if row else None


def compare(conn: Any, mark: Mark | None) -> int | None:
    """How many committed changes the database lacks against ``mark`` (0 when it differs
    at the mark itself), or None when the database is at or past the mark."""
    if mark is None:
        return None
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (mark.seq,)).fetchone()
    if row is not None:
        return None if str(row[0]) == mark.digest else 0
    top = head(conn)
    return mark.seq - (top.seq if top else 0)
