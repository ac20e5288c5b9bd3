"""Where a vault lives and what its files are called."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "hrd-field"


def default_vault_dir() -> Path:
    env = os.environ.get("HRD_FIELD_VAULT")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "vault"


@dataclass(frozen=True)
class VaultPaths:
    root: Path

    @property
    def keyfile(self) -> Path:
        return self.root / "vault.key"

    @property
    def database(self) -> Path:
        return self.root / "vault.db"

    @property
    def init_marker(self) -> Path:
        """Present only while a vault is being created: found later, creation died."""
        return self.root / "vault.init"

    @property
    def high_water(self) -> Path:
        """The audit chain head at the last commit (see ``highwater``)."""
        return self.root / "vault.hwm"

    @property
    def dirty_marker(self) -> Path:
        """Present while the vault is open; found at open time it means an unclean shutdown."""
        return self.root / "vault.open"

    @property
    def throttle(self) -> Path:
        """Failed-unlock counter; holds no secret."""
        return self.root / "unlock-failures"

    @property
    def files(self) -> Path:
        """Attachments, each sealed under a key kept in the database (``attachments``)."""
        return self.root / "files"

    def sqlite_files(self) -> list[Path]:
        db = self.database
        return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"),
                db.with_name(db.name + "-journal")]
