"""One process per vault: an advisory lock the OS drops when the process dies.

The lock is taken on the vault directory itself, not on a file inside it: a lock file can be
deleted while held (and a second process would then lock a new file of the same name and
open the vault beside the first); the directory cannot be removed while it holds the vault.
Locking the directory also works on read-only media, where no lock file can be created.
An HQ store may be opened by several processes at once (``acquire_shared``).
"""

from __future__ import annotations

import os
import time
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

    def _open(self) -> int:
        if os.name == "nt":  # pragma: no cover - Windows builds only
            path = self._directory / "vault.lock"
            try:
                return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise io_error(exc) from exc
        try:
            return os.open(self._directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise io_error(exc, writing=False) from exc

    def acquire(self) -> None:
        fd = self._open()
        try:
            if os.name == "nt":  # pragma: no cover - Windows builds only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise VaultInUse() from exc
        self._fd = fd

    def acquire_shared(self, wait_s: float = 10.0) -> bool:
        """Open the vault together with other processes (an HQ store: the intake and the
        analysts' commands). True when this process is alone: it then holds the lock
        exclusively until ``share``. Waits a little for an exclusive holder that is only
        opening (a few tenths of a second), then gives up."""
        if os.name == "nt":  # pragma: no cover - no shared mode on Windows builds
            self.acquire()
            return True
        import fcntl

        fd = self._open()
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                alone = True
                break
            except OSError:
                pass
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                alone = False
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise VaultInUse() from exc
                time.sleep(0.05)  # polling a lock held by a process that is opening
        self._fd = fd
        return alone

    def share(self) -> None:
        """Let other processes join (from exclusive to shared)."""
        if self._fd is not None and os.name != "nt":
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_SH)

    def last_one(self) -> bool:
        """True if no other process shares the vault now (this one then holds it alone)."""
        if self._fd is None or os.name == "nt":
            return True
        import fcntl

        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None
