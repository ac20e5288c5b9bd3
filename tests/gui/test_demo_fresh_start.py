"""`make run` in a fresh process: the demo makes its vault on the worker while the GUI thread
is still loading the vault modules. In-process tests cannot see this (the suite has imported
everything long before), so the demo starts here in its own interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers.cli import cli_env

# Runs the real demo window until it shows the workspace (exit 0) or the lock screen shows
# an error (exit 1).
DEMO = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from hrd_field.gui.launch import build_demo_window

window = build_demo_window(Path(sys.argv[1]), count=200, language="en")
window.show()
app = QApplication.instance()
code = [3]

def poll():
    message = window.lock_screen.message.text()
    if window.stack.currentWidget() is window.workspace:
        code[0] = 0
        app.quit()
    elif message and "Preparing" not in message:
        print("lock screen says:", message, file=sys.stderr)
        code[0] = 1
        app.quit()

timer = QTimer()
timer.timeout.connect(poll)
timer.start(20)
app.exec()
window.session.shutdown()
sys.exit(code[0])
"""


def test_the_demo_opens_its_workspace_in_a_fresh_process(tmp_path: Path):
    env = {**cli_env(), "QT_QPA_PLATFORM": "offscreen",
           "HRD_FIELD_CONFIG_DIR": str(tmp_path / "config")}
    proc = subprocess.run([sys.executable, "-c", DEMO, str(tmp_path / "demo")], env=env,
                          capture_output=True, text=True, timeout=180, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
