"""Event plumbing of the field window: its shortcuts win over text fields' key bindings,
a callback once the window is first painted, and shortcuts set without building Qt's Python
enums (start-up time)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QWindow
from PySide6.QtWidgets import QWidget


class WindowShortcuts(QObject):
    """The window's shortcuts win over text fields' own key bindings (a line edit takes
    Ctrl+E as "end of line" on X11): the user's intent is the command, wherever focus is."""

    def __init__(self, window: QWidget, actions: Callable[[], list[QAction]]):
        super().__init__(window)
        self._window = window
        self._actions = actions

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self._window:
            return False
        pressed = QKeySequence(event.keyCombination())
        for action in self._actions():
            if action.isEnabled() and any(
                    pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch
                    for k in action.shortcuts()):
                return True  # not accepted: the shortcut map gets the key
        return False


def set_shortcut(action: QAction, key: QKeySequence | QKeySequence.StandardKey) -> None:
    """``action.setShortcut(key)`` by way of ``setShortcuts``: PySide6 resolves
    setShortcut's argument through QKeySequence's implicit conversions, which makes the ~90
    Python enums of the Qt namespace (measured ~35 ms of CPU before the lock screen)."""
    if isinstance(key, QKeySequence.StandardKey):
        action.setShortcuts(QKeySequence.keyBindings(key)[:1])  # = QKeySequence(key)
    else:
        action.setShortcuts([key])


class OnExpose(QObject):
    """Calls back once, when the window it watches is first exposed (and so painted)."""

    def __init__(self, callback: Callable[[], None], parent: QObject):
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Only the window's handle is watched: no need to read the event's type (the first
        # read of QEvent.Type makes a Python enum of ~180 members).
        if isinstance(watched, QWindow) and watched.isExposed():
            watched.removeEventFilter(self)
            self._callback()
        return False
