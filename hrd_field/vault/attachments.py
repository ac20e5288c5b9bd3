"""Attachments: files sealed beside the database, each under its own key kept inside it.

A recording of several GiB never sits in memory, and no longer goes through SQLCipher's
4 KiB pages and write-ahead log (which wrote every byte twice, and made attachments the slow
part of an export): each attachment is a file ``files/<random name>`` sealed with
AES-256-GCM in 64 KiB chunks (``vault.stream``) under a random 256-bit key. The key,
the file's name, the content's SHA-256 and size live in the ``attachments`` row, inside the
encrypted database, so:

- without the data key (crypto-erase) every file is noise, and a file whose row was deleted
  has lost its key;
- a file swapped, truncated, reordered or altered fails authentication when read;
- the file name says nothing about the content (a hash could confirm a known file).

Crash safety: the file is written as ``<name>.part`` (created exclusively, 0600), fsynced,
renamed and the directory fsynced, all inside the database transaction that inserts its
row. If that transaction does not commit, ``FileStore.guard`` removes the file; if the
process dies first, the file has no row and ``FileStore.sweep`` removes it at the next
opening. Sweeping runs inside a write transaction: every file is written inside one, so no
other process can be half-way through writing one then.

Attachments stored before this (rows without a file) keep their chunks in ``blob_chunks``
and are read from there.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..core.errors import UserError
from ..core.faults import crash_point
from ..core.i18n import _
from ..core.records import utc_now
from . import stream
from .fsutil import fsync_dir, io_error

CHUNK_SIZE = 1 << 20
MAX_ATTACHMENT_BYTES = 8 << 30
PART = ".part"
_NAME_BYTES = 16
_READ_BLOCK = 16 * stream.SEALED_CHUNK
_WRITE_BLOCK = 1 << 20


class Cancelled(UserError):
    def __init__(self) -> None:
        super().__init__(_("Cancelled: nothing was added."))


class Unreadable(UserError):
    def __init__(self, sha256: str) -> None:
        super().__init__(_("The attachment {sha} cannot be read: its file is missing or "
                           "damaged.").format(sha=sha256))


Progress = Callable[[int], bool]
"""Called with the bytes done so far; returning False cancels."""


def too_large() -> UserError:
    return UserError(_("The file is too large (at most {gib} GiB).").format(
        gib=MAX_ATTACHMENT_BYTES >> 30))


class BlobWriter(ABC):
    """Push-style storage of one attachment inside the caller's transaction: the hash, the
    size limit and the cutting into chunks, shared by the vault (``FileBlobWriter``) and
    HQ's PostgreSQL backend (sealed chunks in rows).

    Used by ``store`` for files and by the HQ importer, which receives attachment content in
    chunks from the bundle reader and must commit nothing before the bundle is verified.
    """

    chunk_size = CHUNK_SIZE

    def __init__(self, sha256: str | None = None) -> None:
        """``sha256``: the content's hash, already being verified by the caller (the bundle
        reader checks each attachment against the signed manifest): not computed again."""
        self._known = sha256
        self._digest = hashlib.sha256() if sha256 is None else None
        self._buffer = bytearray()
        self._idx = 0
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > MAX_ATTACHMENT_BYTES:
            raise too_large()
        if self._digest is not None:
            self._digest.update(data)
        self._absorb(data)

    def _absorb(self, data: bytes) -> None:
        """Cut the content into ``chunk_size`` pieces for ``_store_chunk``."""
        self._buffer += data
        if len(self._buffer) < self.chunk_size:
            return
        with memoryview(self._buffer) as view:
            done = 0
            while len(self._buffer) - done >= self.chunk_size:
                self._store_chunk(self._idx, bytes(view[done : done + self.chunk_size]))
                self._idx += 1
                done += self.chunk_size
        del self._buffer[:done]

    def _store_chunk(self, idx: int, chunk: bytes) -> None:
        raise NotImplementedError

    def finish(self) -> str:
        """Complete the blob; identical content already stored is kept once. Returns SHA-256."""
        if self._buffer:
            self._store_chunk(self._idx, bytes(self._buffer))
            self._idx += 1
            self._buffer.clear()
        sha = self._digest.hexdigest() if self._digest is not None else self._known
        assert sha is not None
        self._complete(sha)
        return sha

    @abstractmethod
    def _complete(self, sha256: str) -> None:
        """Record the blob under its hash, or drop it if that content is already stored."""


@dataclass(frozen=True)
class Stored:
    """Where a stored attachment's content is: a sealed file, or (older vaults) chunks."""

    sha256: str
    blob_id: int
    size: int
    file: str | None
    key: bytes | None


class FileStore:
    """The vault's ``files/`` directory (``VaultPaths.files``)."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self._uncommitted: list[tuple[str, io.FileIO]] = []

    def path(self, name: str) -> Path:
        return self.dir / name

    def create(self) -> tuple[str, io.FileIO]:
        """A new empty ``<name>.part`` (0600, never through an existing file or link)."""
        with contextlib.suppress(FileExistsError):
            self.dir.mkdir(mode=0o700)
        name = secrets.token_hex(_NAME_BYTES)
        fd = os.open(self.path(name + PART),
                     os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        out = io.FileIO(fd, "wb")
        self._uncommitted.append((name, out))
        return name, out

    def publish(self, name: str) -> None:
        os.replace(self.path(name + PART), self.path(name))
        fsync_dir(self.dir)

    def discard(self, name: str) -> None:
        for path in (self.path(name + PART), self.path(name)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Around a transaction that may write files: they go if it does not commit."""
        mark = len(self._uncommitted)
        try:
            yield
        except BaseException:
            for name, out in self._uncommitted[mark:]:
                with contextlib.suppress(OSError):
                    out.close()
                    self.discard(name)
            raise
        finally:
            del self._uncommitted[mark:]

    def chunks(self, stored: Stored) -> Iterator[bytes]:
        """The plaintext, 64 KiB at a time, each chunk authenticated before it is given."""
        assert stored.file is not None and stored.key is not None
        try:
            fd = os.open(self.path(stored.file), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as exc:
            raise Unreadable(stored.sha256) from exc
        with io.FileIO(fd, "rb") as fh:
            try:
                yield from stream.open_chunks(stored.key, fh.read, _READ_BLOCK)
            except (OSError, stream.StreamError) as exc:
                raise Unreadable(stored.sha256) from exc

    def sweep(self, conn: Any) -> int:
        """Inside a write transaction: delete files no committed row names (left by a crash,
        or by rows deleted since). Returns how many."""
        try:
            present = [p.name for p in self.dir.iterdir()]
        except FileNotFoundError:
            return 0
        known = {row[0] for row in conn.execute(
            "SELECT file FROM attachments WHERE file IS NOT NULL")}
        removed = 0
        for name in present:
            if name.removesuffix(PART) in known and not name.endswith(PART):
                continue
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                self.path(name).unlink()
                removed += 1
        return removed

    def erase(self) -> None:
        """Remove every file and the directory (crypto-erase: their keys are gone already)."""
        with contextlib.suppress(FileNotFoundError):
            for path in self.dir.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            self.dir.rmdir()

    def copy_to(self, directory: Path, names: list[str]) -> None:
        """Copy the sealed files ``names`` (as they are: their keys travel in the database)."""
        target = FileStore(directory)
        target.dir.mkdir(mode=0o700, exist_ok=True)
        for name in names:
            with open(self.path(name), "rb") as src, open(target.path(name), "xb") as dst:
                os.fchmod(dst.fileno(), 0o600)
                while block := src.read(_READ_BLOCK):
                    dst.write(block)
                dst.flush()
                os.fsync(dst.fileno())
        fsync_dir(target.dir)


class FileBlobWriter(BlobWriter):
    """Seals the content into a new file as it comes (no chunk buffering of its own)."""

    def __init__(self, conn: Any, files: FileStore, *, sha256: str | None = None) -> None:
        super().__init__(sha256)
        self._conn = conn
        self._files = files
        self._key = secrets.token_bytes(stream.KEY_SIZE)
        self._name, self._out = files.create()
        # Sealed chunks are written 1 MiB at a time: a write per 64 KiB chunk let go of the
        # GIL 16 times per MiB, and during an import each time cost a hand-over with the
        # thread hashing the attachment (bundle/hashing.py).
        self._buffered = io.BufferedWriter(self._out, _WRITE_BLOCK)
        self._sealer = stream.Sealer(self._key, self._buffered.write)

    def _absorb(self, data: bytes) -> None:
        self._sealer.update(data)

    def write(self, data: bytes) -> None:
        try:
            super().write(data)
        except OSError as exc:  # a full disk, failing media: named as the database's are
            raise io_error(exc) from exc

    def finish(self) -> str:
        try:
            try:
                self._sealer.finish()
                self._buffered.flush()
                os.fsync(self._out.fileno())
            finally:
                self._out.close()
            return super().finish()
        except OSError as exc:
            raise io_error(exc) from exc

    def _complete(self, sha256: str) -> None:
        c = self._conn
        if c.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (sha256,)).fetchone():
            self._files.discard(self._name)
            return
        crash_point("attachment.file_written")
        self._files.publish(self._name)
        crash_point("attachment.file_published")
        blob_id = c.execute("INSERT INTO blobs (size) VALUES (?)", (self.size,)).lastrowid
        c.execute("INSERT INTO attachments (sha256, blob_id, size, created_at, file, file_key)"
                  " VALUES (?, ?, ?, ?, ?, ?)",
                  (sha256, blob_id, self.size, utc_now(), self._name, self._key))

    def abort(self) -> None:
        self._out.close()
        self._files.discard(self._name)


def store(conn: Any, files: FileStore, stream_in: BinaryIO,
          progress: Progress | None = None) -> tuple[str, int]:
    """Store the stream's content (inside the caller's transaction, within ``files.guard``);
    returns (sha256, size)."""
    writer = FileBlobWriter(conn, files)
    try:
        while chunk := stream_in.read(CHUNK_SIZE):
            writer.write(chunk)
            if progress is not None and not progress(writer.size):
                raise Cancelled()
        return writer.finish(), writer.size
    except BaseException:
        writer.abort()
        raise


def info(conn: Any, sha256: str) -> Stored | None:
    """Where a stored attachment is, or None."""
    row = conn.execute("SELECT blob_id, size, file, file_key FROM attachments WHERE"
                       " sha256 = ?", (sha256,)).fetchone()
    if row is None:
        return None
    return Stored(sha256, int(row[0]), int(row[1]), row[2],
                  bytes(row[3]) if row[3] is not None else None)


def chunks(conn: Any, files: FileStore, stored: Stored) -> Iterator[bytes]:
    """Yield the content chunk by chunk (one chunk in memory at a time)."""
    if stored.file is not None:
        yield from files.chunks(stored)
        return
    idx = 0
    while True:  # stored before attachments became files: chunks inside the database
        row = conn.execute("SELECT data FROM blob_chunks WHERE blob_id = ? AND idx = ?",
                           (stored.blob_id, idx)).fetchone()
        if row is None:
            return
        yield bytes(row[0])
        idx += 1


def check(conn: Any, files: FileStore, *, full: bool) -> list[str]:
    """Problems with the attachment files: missing, of the wrong size, or (``full``) not
    opening with their key or not matching their hash."""
    problems: list[str] = []
    for sha, size, name, key in conn.execute(
            "SELECT sha256, size, file, file_key FROM attachments WHERE file IS NOT NULL"):
        try:
            found = files.path(name).stat().st_size
        except OSError:
            problems.append(_("attachment {sha}: its file is missing").format(sha=sha))
            continue
        if found != stream.sealed_size(size):
            problems.append(_("attachment {sha}: its file is damaged").format(sha=sha))
            continue
        if full:
            digest = hashlib.sha256()
            try:
                for piece in files.chunks(Stored(sha, 0, size, name, bytes(key))):
                    digest.update(piece)
            except Unreadable:
                problems.append(_("attachment {sha}: its file is damaged").format(sha=sha))
                continue
            if digest.hexdigest() != sha:
                problems.append(_("attachment {sha}: its file is damaged").format(sha=sha))
    return problems


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
