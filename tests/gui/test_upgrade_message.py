"""The first unlock after an update upgrades the vault (indexes rebuilt: seconds on a large
vault): the lock screen says so, once, instead of a bare "Unlocking…"."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from helpers.old_vault import make_v1_vault, old_records
from PySide6.QtCore import QObject, Qt, Slot

from hrd_field.vault.vault import Vault

from .conftest import unlock


class _Screenshot(QObject):
    """What the lock screen says when the upgrade begins: a slot on the GUI thread, connected
    after the window's own, so it runs right after the window reacted."""

    def __init__(self, screen) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.screen = screen
        self.said: list[tuple[str, bool]] = []

    @Slot()
    def look(self) -> None:
        self.said.append((self.screen.message.text(), self.screen.passphrase.isEnabled()))


def _watch(window) -> tuple[_Screenshot, list[threading.Thread]]:  # type: ignore[no-untyped-def]
    seen = _Screenshot(window.lock_screen)
    window.session.upgrading.connect(seen.look)
    threads: list[threading.Thread] = []
    window.session.upgrading.connect(lambda: threads.append(threading.current_thread()),
                                     Qt.ConnectionType.DirectConnection)
    return seen, threads


@pytest.mark.parametrize("language", ["en", "ar"])
def test_first_unlock_of_an_older_vault_says_it_upgrades_once(qtbot, make_window,
                                                               tmp_path: Path, language: str):
    root = tmp_path / "vault"
    make_v1_vault(root, old_records())
    window = make_window(root, language=language)
    seen, threads = _watch(window)
    unlock(qtbot, window)
    assert len(seen.said) == 1
    text, typing_allowed = seen.said[0]
    assert not typing_allowed
    if language == "en":
        assert "once" in text and "minute" in text and "close" in text, text
    else:
        assert "مرة واحدة" in text and "دقيقة" in text, text  # once, a minute
    # the migration ran on the worker, never on the GUI thread
    assert threads and threads[0] is not threading.main_thread()


def test_a_current_vault_unlocks_without_the_upgrade_message(qtbot, make_window,
                                                            tmp_path: Path):
    root = tmp_path / "vault"
    Vault.create(root, "correct horse battery staple").close()
    window = make_window(root)
    seen, threads = _watch(window)
    unlock(qtbot, window)
    assert seen.said == [] and threads == []
