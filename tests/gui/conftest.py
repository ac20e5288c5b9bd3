"""GUI fixtures: the real window on a real vault in a temporary directory, offscreen."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PASSPHRASE


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp) -> None:
    """As in the app (hrd_field/gui/collector.py), also for tests that make widgets without
    a window: a Qt object must never be freed on a worker thread."""
    from hrd_field.gui import collector

    collector.install(qapp)


@pytest.fixture
def make_window(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    from hrd_field.gui.launch import build_window
    from hrd_field.gui.settings import Settings

    monkeypatch.setenv("HRD_FIELD_CONFIG_DIR", str(tmp_path / "config"))
    made = []

    def make(vault_dir: Path | None = None, language: str = "en", autolock_minutes: int = 5):
        window = build_window(vault_dir or tmp_path / "vault",
                              Settings(autolock_minutes=autolock_minutes), language=language)
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
        window.session.shutdown()
    from hrd_field.core import i18n

    i18n.set_language("en")


def unlock(qtbot, window, passphrase: str = PASSPHRASE) -> None:
    screen = window.lock_screen
    qtbot.keyClicks(screen.passphrase, passphrase)
    if screen.repeat.isVisible():
        qtbot.keyClicks(screen.repeat, passphrase)
    assert screen.go.isEnabled(), screen.go.toolTip()
    qtbot.mouseClick(screen.go, __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=20_000)


@contextlib.contextmanager
def scaled_font(factor: float) -> Iterator[float]:
    """The whole application's font at ``factor`` times its size (200 %: a low-vision
    setting), restored afterwards."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    original = app.font()
    scaled = app.font()
    scaled.setPointSizeF(original.pointSizeF() * factor)
    app.setFont(scaled)
    try:
        yield factor
    finally:
        app.setFont(original)


@pytest.fixture
def double_font(qapp) -> Iterator[float]:
    with scaled_font(2) as factor:
        yield factor


def give_focus(qtbot, widget) -> None:
    """Focus as a click would: the widget's window becomes the active one first (a window
    left over from an earlier test, or a dialog, may hold the activation)."""
    window = widget.window()
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=5_000)


def type_text(qtbot, widget, text: str) -> None:
    """Type like a person would: keys for ASCII, an input method commit for other scripts
    (how Arabic, Chinese or Cyrillic text arrives from a real keyboard layout or IME)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def wait_idle(qtbot, window) -> None:
    """Wait until the worker has delivered everything queued so far."""
    done = []
    window.session.compute(lambda: None, on_done=lambda _v: done.append(1))
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)


@pytest.fixture
def open_hq_store(qtbot, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """``open_hq_store(store_dir, language, passphrase)``: the HQ window on that store,
    unlocked (by default with the suite's passphrase); locked, and English again, at the
    end."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from hrd_field.core import i18n
    from hrd_field.gui.hq.window import build_hq_window
    from hrd_field.gui.settings import Settings

    windows = []

    def open_(store_dir: Path, language: str = "en", passphrase: str = PASSPHRASE):
        monkeypatch.setenv("XDG_CONFIG_HOME", str(store_dir.parent / "config"))
        window = build_hq_window(store_dir, Settings(), language=language)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        window.lock_screen.passphrase.setText(passphrase)
        window.lock_screen._submit()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace,
                        timeout=20_000)
        return window

    yield open_
    for window in windows:
        window.session.close_now()
    i18n.set_language("en")
    QApplication.instance().setLayoutDirection(Qt.LayoutDirection.LeftToRight)
