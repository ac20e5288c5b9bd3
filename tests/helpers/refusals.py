"""A vault that must be refused, and left exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hrd_field.vault.vault import Vault

from . import PASSPHRASE
from .cli import assert_user_error, run_cli


def digest_dir(root: Path) -> dict[str, str]:
    """Every file under ``root`` by path, with its SHA-256."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def refused_untouched(vault_dir: Path, passfile: Path, error: type[BaseException],
                      word: str) -> pytest.ExceptionInfo[BaseException]:
    """Unlocking raises ``error``, the CLI says ``word`` in one line, and no file changed."""
    before = digest_dir(vault_dir)
    with pytest.raises(error) as info:
        Vault.unlock(vault_dir, PASSPHRASE)
    res = run_cli("record", "list", vault=vault_dir, passfile=passfile)
    assert_user_error(res, word)
    assert digest_dir(vault_dir) == before
    return info
