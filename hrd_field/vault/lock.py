"""One process per vault: an advisory lock the OS drops when the process dies."""

from __future__ import annotations

import os
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

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing drops the lock
            self._fh = None
