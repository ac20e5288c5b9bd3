"""One passphrase rule everywhere (issue 10): ``vault init``, ``vault passwd``, ``vault
recover``, ``hq init`` and the lock screen refuse "password" with the same words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyrage
from helpers import PASSPHRASE
from helpers.cli import assert_user_error

from hrd_field.core.passphrase import rejection
from hrd_field.vault.vault import Vault

WEAK = "password"  # eight characters, the first thing an attacker tries
MESSAGE = "too easy to guess"


def test_the_cli_refuses_a_weak_passphrase_everywhere(cli: Callable[..., object],
                                                      vault_dir: Path, tmp_path: Path) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text(WEAK + "\n", encoding="utf-8")
    assert_user_error(cli("vault", "init", "--vault", str(vault_dir), "--passphrase-file",
                          str(weak), vault=False), MESSAGE)
    assert not (vault_dir / "vault.key").exists()
    assert_user_error(cli("hq", "init", "--store", str(tmp_path / "hq"), "--passphrase-file",
                          str(weak), vault=False), MESSAGE)
    assert not (tmp_path / "hq" / "vault.key").exists()

    identity = pyrage.x25519.Identity.generate()
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        vault.set_recovery_recipient(str(identity.to_public()))
    assert_user_error(cli("vault", "passwd", "--new-passphrase-file", str(weak)), MESSAGE)
    id_file = tmp_path / "identity.txt"
    id_file.write_text(str(identity) + "\n", encoding="utf-8")
    assert_user_error(cli("vault", "recover", "--identity-file", str(id_file),
                          "--new-passphrase-file", str(weak), "--vault", str(vault_dir),
                          vault=False), MESSAGE)
    with Vault.unlock(vault_dir, PASSPHRASE):  # the old passphrase still opens it
        pass


def test_the_lock_screen_says_the_same(qtbot: object) -> None:
    from hrd_field.gui.lock_screen import LockScreen

    screen = LockScreen()
    qtbot.addWidget(screen)  # type: ignore[attr-defined]
    screen.set_mode(creating=True, location=None)
    screen.passphrase.setText(WEAK)
    screen.repeat.setText(WEAK)
    assert not screen.go.isEnabled()
    assert screen.go.toolTip() == rejection()
    assert MESSAGE in rejection()
