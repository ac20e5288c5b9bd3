"""Windows whose wrapped text changed after they were shown grow to show all of it.

Qt gives a top-level window the minimum size of its layout, which ignores how tall
word-wrapped labels get at the window's actual width: at 200 % font or in a long language
they would be cut. Only when the content is larger than what fits a screen does it scroll.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget


def grow_to_fit(window: QWidget) -> None:
    """Now and once more after pending layout work (text set just before is laid out in
    the next turn of the event loop)."""
    _grow(window)
    QTimer.singleShot(0, window, lambda: _grow(window))


def _grow(window: QWidget) -> None:
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    needed = layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth() \
        else layout.totalMinimumSize().height()
    screen = window.screen()
    limit = screen.availableGeometry().height() if screen is not None else needed
    if needed > window.height():
        window.resize(window.width(), min(needed, limit))
