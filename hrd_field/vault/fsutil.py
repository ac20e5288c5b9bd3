"""Careful file handling: restrictive permissions, atomic replace, fsync, overwrite on erase."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..core.errors import UserError
from ..core.faults import crash_point
from ..core.i18n import _

PART_SUFFIX = ".part"


class DiskFull(UserError):
    def __init__(self) -> None:
        super().__init__(_("The disk is full: nothing was changed. Free some space and retry."))


class ReadOnlyMedia(UserError):
    def __init__(self, path: Path | str) -> None:
        super().__init__(_(
            "{path} is on read-only media: nothing can be written there. Records can still "
            "be read and exported to another disk.").format(path=path))


class PermissionDenied(UserError):
    def __init__(self, path: Path | str, *, writing: bool) -> None:
        if writing:
            message = _("Permission denied: this user may not write to {path}.")
        else:
            message = _("Permission denied: this user may not read {path}.")
        super().__init__(message.format(path=path))


def io_error(exc: OSError, *, writing: bool = True) -> UserError:
    """The message for a failed file operation, named for what actually went wrong."""
    where = exc.filename if isinstance(exc.filename, str | bytes | os.PathLike) else ""
    where = os.fsdecode(where) if where else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFull()
    if exc.errno == errno.EROFS:
        return ReadOnlyMedia(where or "?")
    if exc.errno in (errno.EACCES, errno.EPERM) and where:
        return PermissionDenied(where, writing=writing)
    if writing:
        return UserError(_("Could not write to disk: {reason}.").format(
            reason=exc.strerror or type(exc).__name__))
    return UserError(_("Could not read from disk: {reason}.").format(
        reason=exc.strerror or type(exc).__name__))


def backup_directory(target: Path) -> None:
    """Make the directory a backup goes into, readable by its owner only; refused if it
    already holds something (a backup never mixes with other files)."""
    if target.exists() and any(target.iterdir()):
        raise UserError(_("{path} is not empty; back up into a new directory.").format(
            path=target))
    try:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise io_error(exc) from exc


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        _fsync_dir_strict(path)


def _fsync_dir_strict(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory; NTFS journals the rename.
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # filesystems without dir fsync
            raise
    finally:
        os.close(fd)


def create_exclusive(path: Path, *, buffering: int = 1 << 16) -> BinaryIO:
    """A new file, 0600, that did not exist: a planted file or symlink is refused, never
    followed (O_EXCL | O_NOFOLLOW)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.fdopen(os.open(path, flags, 0o600), "wb", buffering=buffering)


def part_name(path: Path) -> Path:
    """A fresh, unguessable temporary sibling of ``path`` (``.NAME.<random>.part``)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}{PART_SUFFIX}")


def leftover_parts(path: Path) -> list[Path]:
    """Temporary siblings of ``path`` left by a crash in ``atomic_file`` (and the
    ``NAME.part`` of older versions)."""
    found = list(path.parent.glob(f".{path.name}.*{PART_SUFFIX}"))
    legacy = path.with_name(path.name + PART_SUFFIX)
    if os.path.lexists(legacy):
        found.append(legacy)
    return found


class AtomicWriter:
    """The temporary file of ``atomic_file``: counts bytes, a short write is an error."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.written = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        n = self._stream.write(data)
        if n != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.written += n
        return n

    def flush(self) -> None:
        self._stream.flush()

    def fileno(self) -> int:
        return self._stream.fileno()


@contextlib.contextmanager
def atomic_file(path: Path, *, part: Path | None = None,
                buffering: int = 1 << 16) -> Iterator[AtomicWriter]:
    """Write ``path`` so that it holds either its old content or the complete new one.

    Yields a new temporary file beside ``path`` (created with O_EXCL|O_NOFOLLOW, mode 0600;
    ``part`` names it, otherwise an unguessable name). When the block ends normally the file
    is flushed, fsynced and its size checked, renamed over ``path``, and the directory is
    fsynced. If the block raises, or any step fails, the temporary file is removed and the
    exception propagates (``OSError`` untranslated: callers name it for their users).
    """
    tmp = part if part is not None else part_name(path)
    fh = create_exclusive(tmp, buffering=buffering)
    try:
        with fh:
            out = AtomicWriter(fh)
            yield out
            fh.flush()
            os.fsync(fh.fileno())
            # pyrage once lost a buffer silently on a full disk: trust only what is on disk.
            if os.fstat(fh.fileno()).st_size != out.written:
                raise OSError(errno.EIO, _("the file on disk is shorter than what was written"))
        crash_point("atomic_file.before_rename")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir_strict(path.parent)


def atomic_write(path: Path, data: bytes) -> None:
    """``atomic_file`` for bytes in memory; failures become a translated ``UserError``."""
    try:
        with atomic_file(path) as fh:
            fh.write(data)
    except OSError as exc:
        raise io_error(exc) from exc


def overwrite_and_unlink(path: Path) -> None:
    """Overwrite a small file with random bytes, fsync, then delete it.

    On SSDs and copy-on-write filesystems the old blocks may survive: this is why the vault
    keeps secrets only in the key file (small, rewritten in place) and the data encrypted.
    """
    if path.is_symlink():
        path.unlink()
        return
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with open(path, "r+b", buffering=0) as fh:
        for _pass in range(2):
            fh.seek(0)
            fh.write(os.urandom(max(size, 1)))
            os.fsync(fh.fileno())
    path.unlink()
    fsync_dir(path.parent)
