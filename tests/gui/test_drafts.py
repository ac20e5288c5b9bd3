"""A draft autosaved into the vault survives the process being killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from hrd_field.gui.record_editor import RecordEditor
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, unlock

TEXT = "Brouillon : les participantes ont décrit des menaces — مسودة"


def test_draft_survives_killing_the_process(qtbot, make_window, tmp_path: Path):
    vault_dir = tmp_path / "vault"
    Vault.create(vault_dir, PASSPHRASE).close()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("draft_writer.py")), str(vault_dir),
         PASSPHRASE, TEXT], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line.strip() == "READY", proc.stderr.read().decode() if proc.stderr else line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    # the vault files hold no plaintext of the draft
    needle = b"Brouillon"
    for f in vault_dir.iterdir():
        assert needle not in f.read_bytes(), f

    # reopening the app brings the draft back in an editor
    window = make_window(vault_dir)
    assert not window.lock_screen.repeat.isVisible()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: len(window.workspace.editors()) == 1, timeout=10_000)
    editor = window.workspace.editors()[0]
    assert isinstance(editor, RecordEditor)
    assert editor.banner.isVisibleTo(editor)
    assert editor.current().summary == TEXT  # type: ignore[attr-defined]
