"""Choosing an HQ store on the unlock screen: an embedded HQ store cannot be told from a field
vault before it is unlocked, so the person says which ("Field vault" / "HQ store"), by
keyboard first; the HQ window opens in place of the field window, the choice is remembered
for the next start, and a vault of the other kind is refused in words, not a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.refusals import digest_dir
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hrd_field.gui.hq.window import HqWindow
from hrd_field.gui.settings import Settings
from hrd_field.gui.store_choice import FIELD, HQ
from hrd_field.hq.store import HqStore
from hrd_field.vault.vault import Vault

from .conftest import give_focus, scaled_font
from .layout_check import size_problems, text_problems


@pytest.fixture
def hq_windows(qtbot) -> Iterator[list[HqWindow]]:
    """Every HQ window a test opened (the switch makes them), closed at the end."""
    made: list[HqWindow] = []
    yield made
    made += [w for w in QApplication.topLevelWidgets() if isinstance(w, HqWindow)]
    for window in {id(w): w for w in made}.values():
        window.close()
        window.session.shutdown()


def _hq_store(root: Path, database: str | None = None) -> Path:
    HqStore.init(root, PASSPHRASE, "OHCHR", database=database).close()
    return root


def _open_hq_windows() -> list[HqWindow]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, HqWindow) and w.isVisible()]


def _choose_hq_by_keyboard(qtbot, screen) -> None:
    choice = screen.choice
    give_focus(qtbot, choice.field_button)
    key = Qt.Key.Key_Left if screen.isRightToLeft() else Qt.Key.Key_Right
    qtbot.keyClick(choice.field_button, key)
    assert choice.hq_button.isChecked() and choice.hq_button.hasFocus()
    assert screen.kind() == HQ


def _try_hq_folder(qtbot, screen, folder: Path) -> None:
    """Choose "HQ store", give ``folder`` and the passphrase, and wait for the refusal."""
    _choose_hq_by_keyboard(qtbot, screen)
    screen.choice.folder.setText(str(folder))
    qtbot.keyClicks(screen.passphrase, PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.passphrase.isEnabled(), timeout=30_000)


def test_choose_hq_store_unlock_and_the_hq_window_opens_and_is_remembered(
        qtbot, make_window, tmp_path: Path, hq_database: str | None, hq_windows) -> None:
    store = _hq_store(tmp_path / "hq", hq_database)
    window = make_window(tmp_path / "vault")  # no field vault yet: "Create your vault"
    screen = window.lock_screen
    assert screen.kind() == FIELD and screen.repeat.isVisible()
    _choose_hq_by_keyboard(qtbot, screen)
    assert screen.choice.folder.isVisible() and not screen.repeat.isVisible()
    assert screen.title.text() == "Unlock the HQ store"
    qtbot.keyClick(screen.choice.hq_button, Qt.Key.Key_Tab)  # the choice, then its folder
    assert screen.choice.folder.hasFocus()
    qtbot.keyClicks(screen.choice.folder, str(store))
    if hq_database is not None:  # as --database: another address of the same database
        qtbot.keyClicks(screen.choice.database, hq_database)
    qtbot.keyClicks(screen.passphrase, PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(_open_hq_windows()), timeout=30_000)
    hq = _open_hq_windows()[0]
    assert hq.stack.currentWidget() is hq.workspace and hq.session.is_open
    assert not window.isVisible()
    remembered = Settings.load()
    assert (remembered.opened, remembered.hq_store) == (HQ, str(store))

    # the next start offers the HQ store again
    from hrd_field.gui.launch import build_start_window

    again = build_start_window(language="en")
    qtbot.addWidget(again)
    hq_windows.append(again)
    assert isinstance(again, HqWindow)
    assert again.lock_screen.kind() == HQ
    assert again.lock_screen.choice.folder.text() == str(store)


def test_the_field_vault_is_remembered_too(qtbot, make_window, tmp_path: Path,
                                           hq_windows, monkeypatch: pytest.MonkeyPatch) -> None:
    from hrd_field.gui.launch import build_start_window

    Settings(opened=HQ, hq_store=str(_hq_store(tmp_path / "hq"))).save()
    Vault.create(tmp_path / "vault", PASSPHRASE).close()
    monkeypatch.setenv("HRD_FIELD_VAULT", str(tmp_path / "vault"))
    window = build_start_window(language="en")
    qtbot.addWidget(window)
    hq_windows.append(window)
    assert isinstance(window, HqWindow)
    window.show()
    screen = window.lock_screen
    give_focus(qtbot, screen.choice.hq_button)
    qtbot.keyClick(screen.choice.hq_button, Qt.Key.Key_Left)
    assert screen.kind() == FIELD and screen.title.text() == "Unlock your vault"
    qtbot.keyClicks(screen.passphrase, PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    field = window._hrd_field_successor  # the field window that took its place
    qtbot.addWidget(field)
    assert field.isVisible() and field.session.is_open
    assert Settings.load().opened == FIELD
    field.close()
    field.session.shutdown()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_field_vault_given_as_hq_store_is_refused_in_words(qtbot, make_window,
                                                             tmp_path: Path, language: str,
                                                             hq_windows) -> None:
    Vault.create(tmp_path / "field", PASSPHRASE).close()
    before = digest_dir(tmp_path / "field")
    window = make_window(tmp_path / "vault", language=language)
    screen = window.lock_screen
    _try_hq_folder(qtbot, screen, tmp_path / "field")
    text = screen.message.text()
    assert digest_dir(tmp_path / "field") == before  # not migrated, no unlock entry
    assert str(tmp_path / "field") in text
    if language == "en":
        assert "is a field vault, not an HQ store" in text
    else:
        assert "خزنة ميدانية" in text and "Traceback" not in text
    assert window.isVisible() and not _open_hq_windows()
    assert Settings.load().opened == FIELD  # nothing opened, nothing remembered


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_hq_store_given_as_field_vault_is_refused_in_words(qtbot, make_window,
                                                              tmp_path: Path,
                                                              language: str) -> None:
    store = _hq_store(tmp_path / "hq")
    before = digest_dir(store)
    window = make_window(store, language=language)  # as 'hrd-field gui --vault HQ_STORE'
    screen = window.lock_screen
    assert screen.kind() == FIELD
    qtbot.keyClicks(screen.passphrase, PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.passphrase.isEnabled(), timeout=30_000)
    text = screen.message.text()
    assert digest_dir(store) == before  # not migrated, no unlock entry
    assert str(store) in text and not window.session.is_open
    if language == "en":
        assert "is an HQ store, not a field vault" in text and "HQ store" in text
    else:
        assert "مستودع المقر" in text


def test_a_folder_without_an_hq_store_is_said_so(qtbot, make_window, tmp_path: Path,
                                                 hq_windows) -> None:
    window = make_window(tmp_path / "vault")
    screen = window.lock_screen
    _try_hq_folder(qtbot, screen, tmp_path / "nothing")
    assert "There is no HQ store in" in screen.message.text()
    assert not (tmp_path / "nothing").exists()


@pytest.mark.parametrize("factor", [1.0, 2.0], ids=["100", "200"])
@pytest.mark.parametrize("language", ["en", "ar", "zh"])
def test_the_choice_fits_the_screen_and_reads_right_to_left(qtbot, make_window,
                                                            tmp_path: Path, language: str,
                                                            factor: float) -> None:
    with scaled_font(factor):
        window = make_window(tmp_path / "vault", language=language)
        screen = window.lock_screen
        for kind in (FIELD, HQ):
            screen.choice.set_kind(kind)
            qtbot.wait(30)
            problems = size_problems(window, f"lock screen, {kind}") + text_problems(window)
            assert not problems, problems
        field_x = screen.choice.field_button.mapTo(window, screen.choice.field_button.rect()
                                                   .topLeft()).x()
        hq_x = screen.choice.hq_button.mapTo(window, screen.choice.hq_button.rect()
                                             .topLeft()).x()
        assert (hq_x < field_x) == (language == "ar")
