"""Run by test_drafts: open the app, type into a new consultation, wait for the autosave,
print READY, then wait to be killed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from hrd_field.gui.launch import build_window
from hrd_field.gui.settings import Settings


def main() -> None:
    vault_dir, passphrase, text = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    window = build_window(vault_dir, Settings(), language="en")
    window.show()
    app = QApplication.instance()
    assert app is not None
    opened: list[bool] = []
    window.session.unlock(vault_dir, passphrase, lambda _v: (window.show_workspace(),
                                                             opened.append(True)), print)
    deadline = time.monotonic() + 30
    while not opened and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    editor = window.workspace.new_record("consultation")
    editor.form.form.editors["summary"].edit.setPlainText(text)  # type: ignore[union-attr]
    saved: list[bool] = []
    editor.status_label.setText("")
    editor.autosave()
    while "autosaved" not in editor.status_label.text() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    saved.append(True)
    print("READY", flush=True)
    while True:  # the test kills us here, mid-session, vault still open
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main()
