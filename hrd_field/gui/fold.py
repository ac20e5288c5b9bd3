"""A section that folds away what is seldom typed, saying what is inside."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget


class Fold(QWidget):
    """A section that folds: a header button (Space or a click opens it) over its content;
    while folded, a line says what is inside."""

    def __init__(self, title: str, inside: str, content: QWidget,
                 parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QToolButton()
        self.header.setObjectName("foldHeader")
        self.header.setCheckable(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.header.setAccessibleName(title)
        self.header.setAccessibleDescription(inside)
        self.inside = QLabel(inside)
        self.inside.setObjectName("muted")
        self.inside.setWordWrap(True)
        self.title = title
        self.content = content
        layout.addWidget(self.header, 0, Qt.AlignmentFlag.AlignLeading)
        layout.addWidget(self.inside)
        layout.addWidget(content)
        self.header.toggled.connect(self.set_open)
        self.set_open(False)

    def set_open(self, shown: bool) -> None:
        self.header.blockSignals(True)
        self.header.setChecked(shown)
        self.header.blockSignals(False)
        self.header.setArrowType(Qt.ArrowType.DownArrow if shown else
                                 Qt.ArrowType.RightArrow if self.layoutDirection() ==
                                 Qt.LayoutDirection.LeftToRight else Qt.ArrowType.LeftArrow)
        self.header.setText(self.title)
        self.content.setVisible(shown)
        self.inside.setVisible(not shown)

    def is_open(self) -> bool:
        return self.header.isChecked()
