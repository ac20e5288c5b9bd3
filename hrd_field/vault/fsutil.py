"""Careful file handling: restrictive permissions, atomic replace, fsync, overwrite on erase."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from ..core.errors import UserError
from ..core.i18n import _


class DiskFull(UserError):
    def __init__(self) -> None:
        super().__init__(_("The disk is full: nothing was changed. Free some space and retry."))


def io_error(exc: OSError) -> UserError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFull()
    return UserError(_("Could not write to disk: {reason}.").format(
        reason=exc.strerror or type(exc).__name__))


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` so that ``path`` holds either the old or the new content, never half."""
    tmp = path.with_name(path.name + ".part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise io_error(exc) from exc
    fsync_dir(path.parent)


def overwrite_and_unlink(path: Path) -> None:
    """Overwrite a small file with random bytes, fsync, then delete it.

    On SSDs and copy-on-write filesystems the old blocks may survive: this is why the vault
    keeps secrets only in the key file (small, rewritten in place) and the data encrypted.
    """
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
