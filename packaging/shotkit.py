"""What the screenshot scripts share: a throw-away demo vault or folder removed afterwards,
the real field window on it at a given size and font scale, and letting Qt paint."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("HRD_FIELD_TEST_FAST_KDF", "1")  # before the vault is imported

from PySide6.QtWidgets import QApplication

from hrd_field.gui.launch import throwaway_folder as scratch_folder

if TYPE_CHECKING:
    from hrd_field.gui.main_window import MainWindow

PASSPHRASE = "screenshot vault passphrase"  # noqa: S105 - a throw-away demo vault


def pump(seconds: float) -> None:
    """Let Qt run (paint, deliver results) for a while."""
    app = QApplication.instance()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert app is not None
        app.processEvents()
        time.sleep(0.01)


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    return app


@contextlib.contextmanager
def demo_vault(records: int, prefix: str) -> Iterator[Path]:
    """A vault of ``records`` demo records (passphrase ``PASSPHRASE``) in a temporary folder."""
    from hrd_field.demo import demo_batch
    from hrd_field.vault.vault import Vault

    with scratch_folder(prefix) as tmp:
        vault_dir = tmp / "vault"
        with Vault.create(vault_dir, PASSPHRASE, actor="demo") as vault:
            vault.records.create_many(demo_batch(records, seed=7))
        application()
        yield vault_dir


@contextlib.contextmanager
def field_window(vault_dir: Path, language: str, size: tuple[int, int],
                 font_scale: float = 1.0) -> Iterator[MainWindow]:
    """The real window on the vault, shown (still locked) at ``size`` with the app's font
    scaled; afterwards locked, closed, and the font as it was."""
    from hrd_field.gui.launch import build_window
    from hrd_field.gui.settings import Settings

    os.environ["HRD_FIELD_CONFIG_DIR"] = str(vault_dir.parent / f"config-{language}")
    app = application()
    font = app.font()
    base = font.pointSizeF()
    font.setPointSizeF(base * font_scale)  # large-font users: 200 % must stay usable
    app.setFont(font)
    window = build_window(vault_dir, Settings(), language=language)
    window.resize(*size)
    window.show()
    pump(0.3)
    try:
        yield window
    finally:
        window.lock()
        pump(0.5)
        window.close()
        window.session.shutdown()
        font.setPointSizeF(base)
        app.setFont(font)


def unlock(window: MainWindow, vault_dir: Path) -> None:
    window.session.unlock(vault_dir, PASSPHRASE, lambda _v: window.show_workspace(), print)
    pump(2.0)
