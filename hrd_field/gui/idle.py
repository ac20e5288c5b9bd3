"""Auto-lock: notice when nobody has touched the keyboard or mouse for a while."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QEvent, QObject, QTimer, Signal


@cache
def _activity() -> frozenset[QEvent.Type]:
    # Built on first use: PySide6 makes the Python enum QEvent.Type (~180 members) when it
    # is first read, and the lock screen shows before anything needs it.
    return frozenset({
        QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
        QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
    })


def autolock_minutes(local: int, policy: int | None) -> int:
    """HQ's profile sets a ceiling the local setting cannot exceed (never below a minute)."""
    return max(1, local if policy is None or policy < 1 else min(local, policy))


class IdleWatcher(QObject):
    """Install on the QApplication; emits ``idle`` after ``timeout_ms`` without input."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle.emit)

    def set_timeout(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._timer.start()

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _activity() and self._timer.isActive():
            self._timer.start()
        return False
