"""Attachment contents: sealed chunks written inside an import, read back chunk by
chunk; identical content is kept once."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import psycopg

from ...core.errors import UserError
from ...core.i18n import _
from ...core.records import utc_now
from ...vault.attachments import CHUNK_SIZE, MAX_ATTACHMENT_BYTES
from ..sealing import Sealer
from .connection import Pooled, scalar


class _BlobWriter:
    def __init__(self, conn: psycopg.Connection[Any], sealer: Sealer):
        import hashlib

        self._conn = conn
        self._sealer = sealer
        self._blob_id = int(scalar(conn, "INSERT INTO hq_blobs (size) VALUES (0) RETURNING id"))
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
        sealed = self._sealer.seal(chunk, f"chunk:{self._blob_id}:{self._idx}")
        self._conn.execute("INSERT INTO hq_blob_chunks (blob_id, idx, sealed) VALUES"
                           " (%s, %s, %s)", (self._blob_id, self._idx, sealed))
        self._idx += 1

    def finish(self) -> str:
        if self._buffer:
            self._flush(bytes(self._buffer))
            self._buffer.clear()
        sha = self._digest.hexdigest()
        file_id = self._sealer.fingerprint(sha.encode())
        inserted = self._conn.execute(
            "INSERT INTO hq_attachments (file_id, blob_id, size, created_at) VALUES"
            " (%s, %s, %s, %s) ON CONFLICT (file_id) DO NOTHING",
            (file_id, self._blob_id, self.size, utc_now())).rowcount
        if inserted:
            self._conn.execute("UPDATE hq_blobs SET size = %s WHERE id = %s",
                               (self.size, self._blob_id))
        else:  # the same content is already stored
            self._conn.execute("DELETE FROM hq_blobs WHERE id = %s", (self._blob_id,))
        return sha


class Attachments(Pooled):
    @contextlib.contextmanager
    def open_attachment(self, sha256: str) -> Iterator[Iterator[bytes]]:
        file_id = self.sealer.fingerprint(sha256.encode())
        with self._conn() as conn:
            row = conn.execute("SELECT blob_id FROM hq_attachments WHERE file_id = %s",
                               (file_id,)).fetchone()
            if row is None:
                raise UserError(_("No attachment with SHA-256 {sha}.").format(sha=sha256))
            blob_id = int(row[0])

            def chunks() -> Iterator[bytes]:
                idx = 0
                while True:
                    found = conn.execute("SELECT sealed FROM hq_blob_chunks WHERE"
                                         " blob_id = %s AND idx = %s",
                                         (blob_id, idx)).fetchone()
                    if found is None:
                        return
                    yield self.sealer.open(bytes(found[0]), f"chunk:{blob_id}:{idx}")
                    idx += 1
            yield chunks()

    def attachment_size(self, sha256: str) -> int | None:
        with self._conn() as conn:
            row = conn.execute("SELECT size FROM hq_attachments WHERE file_id = %s",
                               (self.sealer.fingerprint(sha256.encode()),)).fetchone()
        return int(row[0]) if row else None
