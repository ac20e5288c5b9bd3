"""Opening, from one window's lock screen, what the other kind of window shows: an HQ store
from the field app's window, a field vault from the HQ window. The other window is built
hidden and unlocks first; only once it is open does it take this window's place. A refusal
(wrong passphrase, "a field vault, not an HQ store") is said on the lock screen the person is
looking at, and the hidden window goes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMainWindow

from ..core import i18n
from ..core.i18n import _
from .lock_screen import LockScreen
from .settings import Settings
from .store_choice import FIELD, HQ
from .tasks import Failure

_SUCCESSOR = "_hrd_field_successor"


def open_hq_store(window: QMainWindow, screen: LockScreen, settings: Settings, folder: Path,
                  passphrase: str, database: str | None, field_dir: Path) -> None:
    """``field_dir``: the field vault the HQ window offers in turn."""
    from .hq.window import build_hq_window

    other = build_hq_window(folder, settings, language=i18n.language(), field_dir=field_dir)

    def unlock(done: Callable[[None], None], failed: Callable[[Failure], None]) -> None:
        other.session.unlock(folder, passphrase, done, failed, database=database)

    _take_over(window, screen, other, unlock, lambda: settings.remember_opened(HQ, folder))


def open_field_vault(window: QMainWindow, screen: LockScreen, settings: Settings,
                     folder: Path, passphrase: str, *, create: bool = False) -> None:
    from .launch import build_window

    other = build_window(folder, settings, language=i18n.language())

    def unlock(done: Callable[[None], None], failed: Callable[[Failure], None]) -> None:
        (other.session.create if create else other.session.unlock)(
            folder, passphrase, done, failed)

    _take_over(window, screen, other, unlock, lambda: settings.remember_opened(FIELD))


def _take_over(window: QMainWindow, screen: LockScreen, other: QMainWindow,
               unlock: Callable[[Callable[[None], None], Callable[[Failure], None]], None],
               remember: Callable[[], None]) -> None:
    session = other.session  # type: ignore[attr-defined]
    session.upgrading.connect(screen.show_upgrading)
    screen.set_busy(True, _("Unlocking…"))

    def done(_v: None) -> None:
        remember()
        other.setGeometry(window.geometry())
        other.show_workspace()  # type: ignore[attr-defined]
        other.show()
        setattr(window, _SUCCESSOR, other)  # the window opened last keeps its successor
        window.close()

    def failed(failure: Failure) -> None:
        screen.show_error(failure)
        session.shutdown()
        other.deleteLater()

    unlock(done, failed)
