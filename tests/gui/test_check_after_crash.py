"""Reopening after the battery died: the app opens at once and checks the vault beside the
work, saying so; damage found there turns the vault read-only, with a message."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from hrd_field.core.records import Person
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, unlock

PAGE = 4096


def _crashed_vault(root: Path, *, damaged: bool) -> None:
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create_many([Person(alias=f"defender {i}", notes="n" * 2500)
                               for i in range(200)])
    if damaged:
        db = root / "vault.db"
        data = bytearray(db.read_bytes())
        data[(len(data) // PAGE // 2) * PAGE + PAGE // 2] ^= 0x5A
        db.write_bytes(bytes(data))
    (root / "vault.open").touch()


def test_the_workspace_opens_and_the_check_reports_a_sound_vault(qtbot, make_window,
                                                                   tmp_path: Path) -> None:
    root = tmp_path / "vault"
    _crashed_vault(root, damaged=False)
    window = make_window(root)
    with qtbot.waitSignal(window.session.integrity_checked, timeout=60_000) as checked:
        unlock(qtbot, window)
        assert "checking" in window.statusBar().currentMessage()
    assert checked.args == [[]]
    assert "intact" in window.statusBar().currentMessage()


def test_damage_found_after_opening_is_said_and_nothing_more_is_written(
        qtbot, make_window, tmp_path: Path) -> None:
    root = tmp_path / "vault"
    _crashed_vault(root, damaged=True)
    window = make_window(root)
    with qtbot.waitSignal(window.session.integrity_checked, timeout=60_000) as checked:
        unlock(qtbot, window)
    assert checked.args[0], "damage must be reported"
    qtbot.waitUntil(lambda: any(box.windowTitle() == "The vault is damaged"
                                for box in window.findChildren(QMessageBox)))
    failures = []
    window.session.save_draft(Person(alias="after the damage"), lambda _v: None,
                              failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
