"""One process per vault: an advisory lock the OS drops when the process dies.

The lock is taken on the vault directory itself, not on a file inside it: a lock file can be
deleted while held (and a second process would then lock a new file of the same name and
open the vault beside the first); the directory cannot be removed while it holds the vault.
Locking the directory also works on read-only media, where no lock file can be created.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import UserError
from ..core.i18n import _
from .fsutil import io_error


class VaultInUse(UserError):
    def __init__(self) -> None:
        super().__init__(_("The vault is in use by another HRD Field window or command."))


class ProcessLock:
    def __init__(self, directory: Path):
        self._directory = directory
        self._fd: int | None = None

    def acquire(self) -> None:
        if os.name == "nt":  # pragma: no cover - Windows builds only
            self._acquire_windows()
            return
        import fcntl

        try:
            fd = os.open(self._directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise io_error(exc, writing=False) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise VaultInUse() from exc
        self._fd = fd

    def _acquire_windows(self) -> None:  # pragma: no cover - Windows builds only
        import msvcrt

        path = self._directory / "vault.lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise io_error(exc) from exc
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError as exc:
            os.close(fd)
            raise VaultInUse() from exc
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None
