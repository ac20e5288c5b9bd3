"""Render the record editors to PNG at 1366×768, per language and font size, for a look.

    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python packaging/editor_screenshots.py \
        OUT_DIR [en,ar,zh] [100,200]

Each language and font size gives the consultation editor as New opens it (the first
screen, with a current mission chosen), the same editor scrolled to its end, and a threat
report editor. Uses a throw-away demo vault in a temporary directory that is removed
afterwards.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shotkit import demo_vault, field_window, pump, unlock

if TYPE_CHECKING:
    from hrd_field.gui.main_window import MainWindow


def shoot(language: str, vault_dir: Path, out: Path, scale: int) -> None:
    with field_window(vault_dir, language, (1366, 768), scale / 100) as window:
        unlock(window, vault_dir)
        _choose_mission(window)
        _editors(window, out, f"{language}-font{scale}")


def _choose_mission(window: MainWindow) -> None:
    """The demo vault's missions were made outside the app, so none was ever chosen as the
    current one (the app remembers a choice, it does not guess one): choose one as a user
    would, so the editors show its name and the defaults it gives new records."""
    ws = window.workspace
    for _wait in range(50):  # the mission list comes from the vault a moment after unlock
        if ws.missions:
            break
        pump(0.2)
    if ws.current_mission is None and ws.missions:
        ws.set_current_mission(ws.missions[0][0])
        pump(0.5)


def _editors(window: MainWindow, out: Path, tag: str) -> None:
    ws = window.workspace
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


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    languages = sys.argv[2].split(",") if len(sys.argv) > 2 else ["en", "ar", "zh"]
    scales = [int(s) for s in sys.argv[3].split(",")] if len(sys.argv) > 3 else [100, 200]
    with demo_vault(200, "hrd-editor-shots-") as vault_dir:
        for language in languages:
            for scale in scales:
                shoot(language, vault_dir, out, scale)
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
