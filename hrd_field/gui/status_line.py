"""A one-line status that gives way to the window: a status sized to a long message (HQ's
refusal, said in the person's language with HQ's own words after it) widened the window
to 1,619 px on a 1,366 px screen."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel


class StatusLine(QLabel):
    """Asks for room for ``chars`` average characters at most; text wider than the room it
    gets ends in "…", and is whole in its tooltip and for screen readers."""

    def __init__(self, chars: int = 48) -> None:
        super().__init__()
        self._full = ""
        self._chars = chars

    def set_status(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self.updateGeometry()
        self._fit()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        room = metrics.horizontalAdvance(self._full) + 2 * (self.margin() + self.indent() + 1)
        return QSize(min(room, metrics.averageCharWidth() * self._chars),
                     super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self.sizeHint().width(), self.fontMetrics().averageCharWidth() * 8),
                     super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self._full:  # as the window opens: the Qt namespace is not needed yet
            self.setText("")
            return
        shown = self.fontMetrics().elidedText(self._full, QtCore.Qt.TextElideMode.ElideRight,
                                              self.contentsRect().width())
        if shown != self.text():
            self.setText(shown)
