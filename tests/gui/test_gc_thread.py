"""Qt objects die on the GUI thread, never on the vault worker.

Python's cycle collector runs in whichever thread happens to allocate when a threshold is
crossed: in this app often the vault worker (decoding, imports, the demo vault's inserts).
A Qt object reachable only through a reference cycle (a form and the handlers connected to
its fields, seen in the editor) was then destroyed on the worker while the GUI thread
painted: Qt's own warning ("Timers cannot be stopped from another thread") failed a test
now and then, and the memory it corrupts crashed the suite once, in the worker.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading

from PySide6.QtCore import QObject, Qt, QTimer

from .conftest import wait_idle


class _Cyclic(QObject):
    """Stands for what the app makes: an object whose attributes point back at it, so only
    the cycle collector frees it. It says on which thread it was destroyed."""

    def __init__(self, died_on: list[str]) -> None:
        super().__init__()
        self.me = self
        self.timer = QTimer(self)  # a child that must be stopped on its own thread
        self.timer.start(60_000)
        self.destroyed.connect(lambda *_: died_on.append(threading.current_thread().name),
                               Qt.ConnectionType.DirectConnection)


def test_a_qt_object_in_a_reference_cycle_is_not_destroyed_on_the_worker(qtbot, make_window):
    window = make_window()
    wait_idle(qtbot, window)
    died_on: list[str] = []
    gc.collect()  # the object below is the youngest: the next collection reaches it
    garbage = [_Cyclic(died_on)]
    done: list[object] = []

    def busy() -> None:
        garbage.clear()  # unreachable from now on, but a cycle: left to the collector
        # allocation as a large decode makes it: enough for automatic collections of
        # every generation wherever automatic collection is on
        junk = [[] for _ in range(300_000)]
        done.append(len(junk))

    window.session.compute(busy, on_done=lambda _v: None)
    qtbot.waitUntil(lambda: bool(done), timeout=60_000)
    wait_idle(qtbot, window)
    assert died_on in ([], [threading.main_thread().name]), died_on
    gc.collect()
    assert died_on == [threading.main_thread().name]


def test_cycles_are_still_collected_while_the_window_runs(qtbot, make_window):
    make_window()
    died_on: list[str] = []
    garbage = [_Cyclic(died_on)]
    garbage.clear()
    kept = []

    def allocate() -> bool:
        kept.append([[] for _ in range(2_000)])  # what an open window allocates, faster
        return bool(died_on)

    qtbot.waitUntil(allocate, timeout=30_000)
    assert died_on == [threading.main_thread().name]


def test_the_app_itself_collects_on_the_gui_thread() -> None:
    """The suite's conftest installs the collector for every GUI test; the app must too."""
    code = ("import gc\nfrom hrd_field.gui.launch import create_app\n"
            "assert gc.isenabled()\napp = create_app(['hrd-field'])\nprint(gc.isenabled())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ,
                                                        "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False"]
