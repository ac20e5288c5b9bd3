"""Copying sensitive text: the clipboard is cleared again after a short time."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication


class SensitiveClipboard(QObject):
    def __init__(self, clear_after_ms: int = 30_000, parent: QObject | None = None):
        super().__init__(parent)
        self._copied: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self.clear)

    def set_timeout(self, ms: int) -> None:
        self._timer.setInterval(ms)

    @property
    def clear_after_s(self) -> int:
        return max(1, self._timer.interval() // 1000)

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self._copied = text
        self._timer.start()

    def clear(self) -> None:
        """Clear only if the clipboard still holds what we put there."""
        board = QGuiApplication.clipboard()
        if self._copied is not None and board.text() == self._copied:
            board.clear()
        self._copied = None
