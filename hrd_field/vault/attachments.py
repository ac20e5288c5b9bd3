"""Attachments kept inside the encrypted database, streamed in chunks.

A recording of several GiB never sits in memory: chunks of ``CHUNK_SIZE`` are hashed and
inserted one by one in a single transaction; reading yields them one by one.
"""

from __future__ import annotations

import hashlib
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


def store(conn: Any, stream: BinaryIO, progress: Progress | None = None) -> tuple[str, int]:
    """Store the stream's content (inside the caller's transaction); returns (sha256, size).

    Identical content is stored once: a second copy is discarded after hashing.
    """
    blob_id = conn.execute("INSERT INTO blobs (size) VALUES (0)").lastrowid
    digest = hashlib.sha256()
    size = 0
    idx = 0
    while True:
        chunk = stream.read(CHUNK_SIZE)
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_ATTACHMENT_BYTES:
            raise UserError(_("The file is too large (at most {gib} GiB).").format(
                gib=MAX_ATTACHMENT_BYTES >> 30))
        digest.update(chunk)
        conn.execute("INSERT INTO blob_chunks (blob_id, idx, data) VALUES (?, ?, ?)",
                     (blob_id, idx, chunk))
        idx += 1
        if progress is not None and not progress(size):
            raise Cancelled()
    sha = digest.hexdigest()
    if conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (sha,)).fetchone():
        conn.execute("DELETE FROM blobs WHERE id = ?", (blob_id,))
    else:
        conn.execute("UPDATE blobs SET size = ? WHERE id = ?", (size, blob_id))
        conn.execute(
            "INSERT INTO attachments (sha256, blob_id, size, created_at) VALUES (?, ?, ?, ?)",
            (sha, blob_id, size, utc_now()))
    return sha, size


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
