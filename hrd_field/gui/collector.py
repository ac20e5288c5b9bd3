"""Python's cycle collector runs on the GUI thread only.

Automatic collection runs in whichever thread allocates when a threshold is crossed: in
this app often the vault worker (decoding records, imports, making the demo vault). A Qt
object reachable only through a reference cycle (an editor's forms and the handlers
connected to their fields) was then destroyed on that thread, while the GUI thread painted
or delivered events to it. Qt objects may only be destroyed on their own thread: elsewhere
Qt warns ("Timers cannot be stopped from another thread") and corrupts memory, and the
process crashes later, anywhere (the test suite once did, in the worker, making the demo
vault). So automatic collection is turned off, and a timer on the GUI thread collects as
Python would have: the same thresholds, generation by generation.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500
"""Often enough that garbage never piles up (a young generation is a millisecond's work)."""

_INSTALLED = "_hrd_field_collector"


def collect_if_due() -> None:
    """What automatic collection would have done by now, on the calling thread."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    if thresholds[0] == 0 or counts[0] <= thresholds[0]:
        return
    for generation in (2, 1):  # the oldest generation due is collected with the younger
        if counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return
    gc.collect(0)


class _Collector(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._timer = QTimer(self)
        self._timer.timeout.connect(collect_if_due)
        self._timer.start(INTERVAL_MS)


def install(app: QCoreApplication) -> None:
    """Collect on ``app``'s thread (the GUI thread) from now on, never automatically."""
    if getattr(app, _INSTALLED, None) is not None:
        return
    setattr(app, _INSTALLED, _Collector(app))
    gc.disable()
