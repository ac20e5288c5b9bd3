"""Attachments kept inside the encrypted database, streamed in chunks.

A recording of several GiB never sits in memory: chunks of ``CHUNK_SIZE`` are hashed and
inserted one by one in a single transaction; reading yields them one by one.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import utc_now

CHUNK_SIZE = 1 << 20
MAX_ATTACHMENT_BYTES = 8 << 30


class Cancelled(UserError):
    def __init__(self) -> None:
        super().__init__(_("Cancelled: nothing was added."))


Progress = Callable[[int], bool]
"""Called with the bytes done so far; returning False cancels."""


class BlobWriter:
    """Push-style storage of one attachment inside the caller's transaction.

    Used by ``store`` for files and by the HQ importer, which receives attachment content in
    chunks from the bundle reader and must commit nothing before the bundle is verified.
    """

    def __init__(self, conn: Any):
        self._conn = conn
        self._blob_id = conn.execute("INSERT INTO blobs (size) VALUES (0)").lastrowid
        self._digest = hashlib.sha256()
        self._buffer = bytearray()
        self._idx = 0
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > MAX_ATTACHMENT_BYTES:
            raise UserError(_("The file is too large (at most {gib} GiB).").format(
                gib=MAX_ATTACHMENT_BYTES >> 30))
        self._digest.update(data)
        self._buffer += data
        while len(self._buffer) >= CHUNK_SIZE:
            self._flush(bytes(self._buffer[:CHUNK_SIZE]))
            del self._buffer[:CHUNK_SIZE]

    def _flush(self, chunk: bytes) -> None:
        self._conn.execute("INSERT INTO blob_chunks (blob_id, idx, data) VALUES (?, ?, ?)",
                           (self._blob_id, self._idx, chunk))
        self._idx += 1

    def finish(self) -> str:
        """Complete the blob; identical content already stored is kept once. Returns SHA-256."""
        if self._buffer:
            self._flush(bytes(self._buffer))
            self._buffer.clear()
        sha = self._digest.hexdigest()
        c = self._conn
        if c.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (sha,)).fetchone():
            c.execute("DELETE FROM blobs WHERE id = ?", (self._blob_id,))
        else:
            c.execute("UPDATE blobs SET size = ? WHERE id = ?", (self.size, self._blob_id))
            c.execute("INSERT INTO attachments (sha256, blob_id, size, created_at)"
                      " VALUES (?, ?, ?, ?)", (sha, self._blob_id, self.size, utc_now()))
        return sha


def store(conn: Any, stream: BinaryIO, progress: Progress | None = None) -> tuple[str, int]:
    """Store the stream's content (inside the caller's transaction); returns (sha256, size)."""
    writer = BlobWriter(conn)
    while True:
        chunk = stream.read(CHUNK_SIZE)
        if not chunk:
            break
        writer.write(chunk)
        if progress is not None and not progress(writer.size):
            raise Cancelled()
    return writer.finish(), writer.size


def info(conn: Any, sha256: str) -> tuple[int, int] | None:
    """(blob id, size) of a stored attachment, or None."""
    row = conn.execute("SELECT blob_id, size FROM attachments WHERE sha256 = ?",
                       (sha256,)).fetchone()
    return (int(row[0]), int(row[1])) if row else None


def chunks(conn: Any, blob_id: int) -> Iterator[bytes]:
    """Yield the content chunk by chunk (one row in memory at a time)."""
    idx = 0
    while True:
        row = conn.execute("SELECT data FROM blob_chunks WHERE blob_id = ? AND idx = ?",
                           (blob_id, idx)).fetchone()
        if row is None:
            return
        yield bytes(row[0])
        idx += 1


class ChunkReader(io.RawIOBase):
    """A binary stream over an iterator of chunks (attachments read from the vault)."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        view = memoryview(target).cast("B")
        n = min(len(view), len(self._buffer))
        view[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n
