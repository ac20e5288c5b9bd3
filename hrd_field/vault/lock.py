"""One process per vault: an advisory lock the OS drops when the process dies."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import IO

from ..core.errors import UserError
from ..core.i18n import _


class VaultInUse(UserError):
    def __init__(self) -> None:
        super().__init__(_("The vault is in use by another HRD Field window or command."))


class ProcessLock:
    def __init__(self, path: Path):
        self._path = path
        self._fh: IO[bytes] | None = None

    def acquire(self) -> None:
        fh = open(self._path, "ab")
        try:
            if os.name == "nt":  # pragma: no cover - Windows builds only
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise VaultInUse() from exc
        os.chmod(self._path, 0o600)
        self._fh = fh

    def acquire_shared(self, wait_s: float = 10.0) -> bool:
        """Open the vault together with other processes (an HQ store: the intake and the
        analysts' commands). True when this process is alone: it then holds the lock
        exclusively until ``share``. Waits a little for an exclusive holder that is only
        opening (a few tenths of a second), then gives up."""
        if os.name == "nt":  # pragma: no cover - no shared mode on Windows builds
            self.acquire()
            return True
        import fcntl

        fh = open(self._path, "ab")
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                alone = True
                break
            except OSError:
                pass
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
                alone = False
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    fh.close()
                    raise VaultInUse() from exc
                time.sleep(0.05)  # polling a lock held by a process that is opening
        os.chmod(self._path, 0o600)
        self._fh = fh
        return alone

    def share(self) -> None:
        """Let other processes join (from exclusive to shared)."""
        if self._fh is not None and os.name != "nt":
            import fcntl

            fcntl.flock(self._fh.fileno(), fcntl.LOCK_SH)

    def last_one(self) -> bool:
        """True if no other process shares the vault now (this one then holds it alone)."""
        if self._fh is None or os.name == "nt":
            return True
        import fcntl

        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing drops the lock
            self._fh = None
