"""Render the main views to PNG (English and Arabic, demo data) for a look by a person.

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python packaging/screenshots.py OUT_DIR \
        [ar,zh,en,fr,ru,es] [--large-font]

Uses the real window on a throw-away demo vault; nothing is written outside OUT_DIR and a
temporary directory that is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HRD_FIELD_TEST_FAST_KDF", "1")

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


def shoot(language: str, vault_dir: Path, out: Path, size: tuple[int, int],
          font_scale: float = 1.0) -> None:
    os.environ["HRD_FIELD_CONFIG_DIR"] = str(vault_dir.parent / f"config-{language}")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    base = font.pointSizeF()
    font.setPointSizeF(base * font_scale)  # large-font users: 200 % must stay usable
    app.setFont(font)
    window = build_window(vault_dir, Settings(), language=language)
    window.resize(*size)
    window.show()
    pump(0.5)
    tag = f"{language}-{size[0]}x{size[1]}" + (f"-font{int(font_scale * 100)}"
                                                if font_scale != 1.0 else "")
    window.grab().save(str(out / f"{tag}-01-lock.png"))
    window.session.unlock(vault_dir, PASSPHRASE, lambda _v: window.show_workspace(), print)
    pump(2.0)
    ws = window.workspace
    if ws.missions:
        window.mission_combo.set_code(ws.missions[-1][0])
        ws.set_current_mission(ws.missions[-1][0])
    for i, key in enumerate(("mission_page", "consultation", "threat_report",
                             "reprisal_incident"), start=2):
        ws.show_section(key)
        pump(1.0)
        window.grab().save(str(out / f"{tag}-{i:02d}-{key}.png"))
    for i, key in enumerate(("threat_report", "consultation", "person"), start=6):
        view = ws.lists[key]
        record_id = view.model.data(view.model.index(0, 0), view.model.IdRole)
        if record_id:
            ws.open_record(record_id)
            pump(1.0)
            window.grab().save(str(out / f"{tag}-{i:02d}-editor-{key}.png"))
            for editor in ws.editors():
                editor.request_close()
            pump(0.3)
    from hrd_field.gui.export_dialog import ExportDialog

    dialog = ExportDialog(window.session, None, window)
    dialog.folder.setText("/media/usb")
    dialog.show()
    pump(1.5)
    dialog.grab().save(str(out / f"{tag}-09-export-dialog.png"))
    dialog.close()
    view = ws.lists["person"]
    ws.show_section("person")
    view.filter_toggle.setChecked(True)
    pump(0.5)
    window.grab().save(str(out / f"{tag}-10-filters-open.png"))
    view.filter_toggle.setChecked(False)
    window.enrol()
    pump(1.0)
    from hrd_field.gui.enrolment import EnrolmentDialog

    enrolment = window.findChild(EnrolmentDialog)
    if enrolment is not None:
        enrolment.grab().save(str(out / f"{tag}-11-enrolment.png"))
        enrolment.reject()
    window.search_everything()
    from hrd_field.gui.search_everything import SearchEverything

    search = window.findChild(SearchEverything)
    if search is not None:
        search.query.setText("def")
        pump(1.0)
        search.grab().save(str(out / f"{tag}-12-search-everything.png"))
        search.close()
    window.lock()
    pump(0.5)
    window.close()
    window.session.shutdown()
    font.setPointSizeF(base)
    app.setFont(font)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    languages = sys.argv[2].split(",") if len(sys.argv) > 2 and not sys.argv[2].startswith(
        "--") else ["en", "ar"]
    tmp = Path(tempfile.mkdtemp(prefix="hrd-shots-"))
    try:
        vault_dir = tmp / "vault"
        with Vault.create(vault_dir, PASSPHRASE, actor="demo") as vault:
            vault.records.create_many(demo_batch(2000, seed=7))
        QApplication.instance() or QApplication(sys.argv)
        for language in languages:
            shoot(language, vault_dir, out, (1366, 768))
        if "--large-font" in sys.argv:
            for language in languages:
                shoot(language, vault_dir, out, (1366, 768), font_scale=2.0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
