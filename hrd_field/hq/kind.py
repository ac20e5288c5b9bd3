"""Telling an HQ store from a field vault. Both are a folder, and an embedded HQ store is a
vault like a field one: before it is unlocked only the person knows which it is (the desktop
app asks). Light to import: the field app's unlock uses it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import UserError
from ..core.i18n import _
from . import keystore

if TYPE_CHECKING:
    from ..vault.vault import Vault

ROLE = "hq"
"""The ``role`` an embedded HQ store's vault carries in its meta table."""


def refuse_hq_store(root: Path, vault: Vault | None = None) -> None:
    """What opens field vaults refuses an HQ store: one kept in PostgreSQL by the key store
    in its folder, an embedded one (``vault``, already unlocked) by its role. ``vault`` is
    closed when refused."""
    if keystore.exists(root) or (vault is not None and vault.meta("role") == ROLE):
        if vault is not None:
            vault.close()
        raise UserError(_("{path} is an HQ store, not a field vault: choose “HQ store” to "
                          "open it.").format(path=root))


def require_hq_folder(root: Path) -> None:
    """Before the passphrase is tried: ``root`` holds an HQ store of either kind, or a
    vault (a field vault is refused by ``store.require_hq`` once unlocked)."""
    if not keystore.exists(root) and not (root / "vault.key").exists():
        raise UserError(_("There is no HQ store in {path}. Create one with 'hrd-field hq "
                          "init --store DIR'.").format(path=root))
