"""Preferences in a plain JSON file: nothing sensitive is ever stored here."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

from ..vault.fsutil import atomic_write
from ..vault.paths import APP_NAME


@dataclass
class Settings:
    language: str = ""  # "" = follow the system
    autolock_minutes: int = 5
    clipboard_clear_seconds: int = 30
    mask_identity: bool = True
    # What the lock screen opened last, offered first at the next start: "field" (the
    # vault) or "hq" (the HQ store in ``hq_store``). A database address is not kept: it
    # may hold a password.
    opened: str = "field"
    hq_store: str = ""

    @staticmethod
    def path() -> Path:
        override = os.environ.get("HRD_FIELD_CONFIG_DIR")
        base = Path(override) if override else Path(
            platformdirs.user_config_dir(APP_NAME, appauthor=False))
        return base / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        try:
            data = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name: f.type for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known} if isinstance(data, dict) else {}
        settings = cls()
        for key, value in kwargs.items():
            if isinstance(value, type(getattr(settings, key))):
                setattr(settings, key, value)
        settings.autolock_minutes = max(1, min(settings.autolock_minutes, 240))
        return settings

    def remember_opened(self, kind: str, hq_store: Path | None = None) -> None:
        """Called once a vault or an HQ store is open; a settings file that cannot be
        written only loses the preference."""
        folder = str(hq_store) if hq_store is not None else self.hq_store
        if (kind, folder) == (self.opened, self.hq_store):
            return
        self.opened, self.hq_store = kind, folder
        with contextlib.suppress(OSError):
            self.save()

    def save(self) -> None:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, json.dumps(asdict(self), indent=1).encode("utf-8"))
