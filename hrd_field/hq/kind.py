"""Telling an HQ store from a field vault. Both are a folder, and an embedded HQ store is a
vault like a field one: before it is unlocked only the person knows which it is (the desktop
app asks). Light to import: the field app's unlock uses it."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import UserError
from ..core.i18n import _
from . import keystore

ROLE = "hq"
"""The ``role`` an embedded HQ store's vault carries in its meta table (every release)."""


def refuse_hq_store(root: Path, role: str | None = None, *, cli: bool = False) -> None:
    """What opens field vaults refuses an HQ store: one kept in PostgreSQL by the key store
    in its folder, an embedded one by its ``role``, read by ``Vault.unlock(kind=…)`` before
    anything is written. ``cli``: say how the command line gives an HQ store."""
    if keystore.exists(root) or role == ROLE:
        message = _("{path} is an HQ store, not a field vault; commands that work on an "
                    "HQ store take it with --store.") if cli \
            else _("{path} is an HQ store, not a field vault: choose “HQ store” to open it.")
        raise UserError(message.format(path=root))


def refuse_field_vault(root: Path, role: str | None) -> None:
    """What opens HQ stores refuses a field vault (its ``role``, as above)."""
    if role != ROLE:
        raise UserError(_("{path} is a field vault, not an HQ store.").format(path=root))


def require_hq_folder(root: Path) -> None:
    """Before the passphrase is tried: ``root`` holds an HQ store of either kind, or a
    vault (a field vault is refused by ``refuse_field_vault`` once the key opens it)."""
    if not keystore.exists(root) and not (root / "vault.key").exists():
        raise UserError(_("There is no HQ store in {path}. Create one with 'hrd-field hq "
                          "init --store DIR'.").format(path=root))
