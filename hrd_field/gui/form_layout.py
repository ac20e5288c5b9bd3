"""How a generated form lays out its fields: labelled rows, and short values on a line that
reflows (four counts side by side on a wide screen, two and two at 200 %, one under the
other when there is room for nothing more). Forms scroll up and down, never sideways."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

LABEL_COLUMN_CHARS = 22  # longer labels wrap
INLINE_FIELD_CHARS = 28  # room one inline field wants, in average characters

# (name, label, widget, error label, section) of one field, as a Form lists them.
Row = tuple[str, str, QWidget, "ErrorLabel", str]


class ErrorLabel(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(f"⚠ {message}" if message else "")
        self.setVisible(bool(message))


def _is_check_box(widget: QWidget) -> bool:
    return widget.metaObject().className() == "QCheckBox"


def fill_layout(layout: QFormLayout, rows: list[Row]) -> None:
    """One field a row, its label beside it (wrapped to a column's width)."""
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    for _name, label, widget, error, _section in rows:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        col.addWidget(error)
        if isinstance(widget, QGroupBox) or widget.property("fullRow"):
            layout.addRow(holder)
        elif _is_check_box(widget):
            layout.addRow("", holder)
        else:
            lab = QLabel(label)
            lab.setBuddy(widget)
            lab.setWordWrap(True)
            # A wrapped label is laid out at a width it guesses; Arabic lost its last
            # letters that way. Give it the width of its text, up to a column's worth.
            metrics = lab.fontMetrics()
            lab.setMinimumWidth(min(metrics.horizontalAdvance(label) + 4,
                                    metrics.averageCharWidth() * LABEL_COLUMN_CHARS))
            layout.addRow(lab, holder)


class InlineRow(QWidget):
    """Short fields side by side, each label above its field and each error below it; as
    many on a line as the width it is given holds, the lines balanced (2 + 2, not 3 + 1).
    Its minimum width is that of one field, so it never makes a form scroll sideways."""

    def __init__(self, rows: list[Row], parent: QWidget | None = None):
        super().__init__(parent)
        self._cells: list[tuple[QLabel | None, QWidget, QLabel]] = []
        for _name, label, widget, error, _section in rows:
            lab = None
            if not _is_check_box(widget):
                lab = QLabel(label)
                lab.setBuddy(widget)
                lab.setWordWrap(True)
            self._cells.append((lab, widget, error))
        self._lines = QVBoxLayout(self)
        self._lines.setContentsMargins(0, 0, 0, 0)
        self._per_line = 0
        self._arrange(len(self._cells))

    def per_line(self) -> int:
        return self._per_line

    def _wants(self, index: int) -> int:
        """The width one field wants: a few words, or more if its widget needs it; a box
        to tick only its own."""
        lab, widget, _error = self._cells[index]
        need = widget.minimumSizeHint().width()
        if lab is None:
            return need
        return max(need, lab.minimumSizeHint().width(),
                   self.fontMetrics().averageCharWidth() * INLINE_FIELD_CHARS)

    def _fitting(self, width: int) -> int:
        """The most fields a line holds at ``width``, the lines balanced."""
        n = len(self._cells)
        spacing = max(self._lines.spacing(), 6)
        wants = [self._wants(i) for i in range(n)]
        for fit in range(n, 1, -1):
            per_line = math.ceil(n / math.ceil(n / fit))
            columns = [max(wants[i] for i in range(j, n, per_line)) for j in range(per_line)]
            if sum(columns) + spacing * (per_line - 1) <= width:
                return per_line
        return 1

    def _arrange(self, per_line: int) -> None:
        if per_line == self._per_line:
            return
        self._per_line = per_line
        while self._lines.count():
            item = self._lines.takeAt(0)
            grid = item.layout() if item is not None else None
            if grid is not None:
                while grid.count():
                    grid.takeAt(0)
                grid.deleteLater()
        for start in range(0, len(self._cells), per_line):
            grid = QGridLayout()
            grid.setContentsMargins(0, 0, 0, 0)
            for column, (lab, widget, error) in enumerate(self._cells[start:start + per_line]):
                if lab is None:
                    grid.addWidget(widget, 1, column, Qt.AlignmentFlag.AlignVCenter)
                else:
                    grid.addWidget(lab, 0, column)
                    grid.addWidget(widget, 1, column)
                grid.addWidget(error, 2, column)
                # a line of text first (a follow-up action) gets the room; a box to tick
                # needs none
                grid.setColumnStretch(column, 0 if lab is None else
                                      2 if start + column == 0 and isinstance(widget, QLineEdit)
                                      else 1)
            self._lines.addLayout(grid)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        one = max((max(w.minimumSizeHint().width(), lab.minimumSizeHint().width()
                       if lab is not None else 0)
                   for lab, w, _e in self._cells), default=0)
        return QSize(min(hint.width(), one), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(self._fitting(event.size().width()))
