"""Render the main views to PNG (English and Arabic, demo data) for a look by a person.

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python packaging/screenshots.py OUT_DIR \
        [ar,zh,en,fr,ru,es] [--large-font]

Uses the real window on a throw-away demo vault; nothing is written outside OUT_DIR and a
temporary directory that is removed afterwards.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shotkit import demo_vault, field_window, pump, unlock

if TYPE_CHECKING:
    from hrd_field.gui.main_window import MainWindow


def shoot(language: str, vault_dir: Path, out: Path, size: tuple[int, int],
          font_scale: float = 1.0) -> None:
    with field_window(vault_dir, language, size, font_scale) as window:
        pump(0.2)
        tag = f"{language}-{size[0]}x{size[1]}" + (f"-font{int(font_scale * 100)}"
                                                    if font_scale != 1.0 else "")
        window.grab().save(str(out / f"{tag}-01-lock.png"))
        choice = window.lock_screen.choice  # the same screen opening an HQ store
        choice.set_kind("hq")
        choice.folder.setText("/srv/hrd-field/hq")
        pump(0.2)
        window.grab().save(str(out / f"{tag}-01-lock-hq.png"))
        choice.set_kind("field")
        unlock(window, vault_dir)
        _views(window, out, tag)


def _views(window: MainWindow, out: Path, tag: str) -> None:
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


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    languages = sys.argv[2].split(",") if len(sys.argv) > 2 and not sys.argv[2].startswith(
        "--") else ["en", "ar"]
    with demo_vault(2000, "hrd-shots-") as vault_dir:
        for language in languages:
            shoot(language, vault_dir, out, (1366, 768))
        if "--large-font" in sys.argv:
            for language in languages:
                shoot(language, vault_dir, out, (1366, 768), font_scale=2.0)
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
