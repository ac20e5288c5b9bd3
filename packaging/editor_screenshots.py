"""Render the record editors to PNG at 1366×768, per language and font size, for a look.

    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python packaging/editor_screenshots.py \
        OUT_DIR [en,ar,zh] [100,200]

Each language and font size gives the consultation editor as New opens it (the first
screen), the same editor scrolled to its end, and a threat report editor. Uses a throw-away
demo vault in a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HRD_FIELD_TEST_FAST_KDF", "1")

import time

from PySide6.QtWidgets import QApplication

from hrd_field.demo import demo_batch
from hrd_field.gui.launch import build_window
from hrd_field.gui.settings import Settings
from hrd_field.vault.vault import Vault

PASSPHRASE = "screenshot vault passphrase"  # noqa: S105 - a throw-away demo vault


def pump(seconds: float) -> None:
    app = QApplication.instance()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert app is not None
        app.processEvents()
        time.sleep(0.01)


def shoot(language: str, vault_dir: Path, out: Path, scale: int) -> None:
    os.environ["HRD_FIELD_CONFIG_DIR"] = str(vault_dir.parent / f"config-{language}")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    base = font.pointSizeF()
    font.setPointSizeF(base * scale / 100)
    app.setFont(font)
    window = build_window(vault_dir, Settings(), language=language)
    window.resize(1366, 768)
    window.show()
    pump(0.3)
    window.session.unlock(vault_dir, PASSPHRASE, lambda _v: window.show_workspace(), print)
    pump(2.0)
    ws = window.workspace
    tag = f"{language}-font{scale}"
    editor = ws.new_record("consultation")
    pump(0.8)
    window.grab().save(str(out / f"{tag}-consultation-new.png"))
    bar = editor.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    pump(0.3)
    window.grab().save(str(out / f"{tag}-consultation-middle.png"))
    bar.setValue(bar.maximum())
    pump(0.3)
    window.grab().save(str(out / f"{tag}-consultation-end.png"))
    ws.new_record("threat_report")
    pump(0.8)
    window.grab().save(str(out / f"{tag}-threat-new.png"))
    for open_editor in ws.editors():
        open_editor.dirty = False
        open_editor.request_close()
    window.lock()
    pump(0.5)
    window.close()
    window.session.shutdown()
    font.setPointSizeF(base)
    app.setFont(font)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    languages = sys.argv[2].split(",") if len(sys.argv) > 2 else ["en", "ar", "zh"]
    scales = [int(s) for s in sys.argv[3].split(",")] if len(sys.argv) > 3 else [100, 200]
    tmp = Path(tempfile.mkdtemp(prefix="hrd-editor-shots-"))
    try:
        vault_dir = tmp / "vault"
        with Vault.create(vault_dir, PASSPHRASE, actor="demo") as vault:
            vault.records.create_many(demo_batch(200, seed=7))
        QApplication.instance() or QApplication(sys.argv)
        for language in languages:
            for scale in scales:
                shoot(language, vault_dir, out, scale)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
