"""Render every view of the HQ workspace to PNG (a demo HQ store; English and Arabic by
default) for a look by a person.

    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python packaging/hq_screenshots.py OUT_DIR \
        [en,ar,…]

Nothing is written outside OUT_DIR and a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from shotkit import application, pump, scratch_folder

from hrd_field.cli.demo_hq import make_demo_hq
from hrd_field.gui.hq.window import build_hq_window
from hrd_field.gui.hq.workspace import NAV
from hrd_field.gui.settings import Settings

PASSPHRASE = "screenshot HQ store passphrase"  # noqa: S105 - a throw-away demo store


def shoot(language: str, store_dir: Path, out: Path) -> None:
    os.environ["HRD_FIELD_CONFIG_DIR"] = str(store_dir.parent / f"config-{language}")
    window = build_hq_window(store_dir, Settings(), language=language)
    window.resize(1600, 900)
    window.show()
    pump(0.3)
    window.grab().save(str(out / f"hq-{language}-00-lock.png"))
    window.session.unlock(store_dir, PASSPHRASE, lambda _v: window.show_workspace(), print)
    pump(2.0)
    ws = window.workspace
    for n, (key, _label) in enumerate(NAV, start=1):
        ws.show_section(key)
        pump(1.5)
        if key == "received":
            view = ws.received.current_view()
            view.table.selectRow(0)
            pump(1.0)
        if key == "reprisals":
            ws.reprisals.list.table.selectRow(0)
            pump(1.0)
        window.grab().save(str(out / f"hq-{language}-{n:02d}-{key}.png"))
    ws.show_section("communication")
    pump(1.0)
    ws.new_record("communication")
    pump(1.5)
    window.grab().save(str(out / f"hq-{language}-{len(NAV) + 1:02d}-communication-editor.png"))
    window.session.close_now()
    window.close()
    window.deleteLater()
    pump(0.2)


def main() -> int:
    out = Path(sys.argv[1])
    languages = sys.argv[2].split(",") if len(sys.argv) > 2 else ["en", "ar"]
    out.mkdir(parents=True, exist_ok=True)
    application()
    with scratch_folder("hrd-hq-shots-") as tmp:
        store_dir = make_demo_hq(tmp, PASSPHRASE, per_device=120)
        for language in languages:
            shoot(language, store_dir, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
