"""Tables and headings the HQ views share: a heading, a small table filled from rows of
text, and a board table over a plain model for thousands of rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
)

from ..widgets import scale_font

Index = QModelIndex | QPersistentModelIndex


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("viewHeading")
    scale_font(label, 1.3)
    return label


def heading_row(text: str) -> QHBoxLayout:
    """A view's top line: its heading, then (pushed to the far side) what it adds."""
    row = QHBoxLayout()
    row.addWidget(heading(text))
    row.addStretch(1)
    return row


def table(headers: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setAccessibleName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.verticalHeader().hide()
    # Sized once from the font, not to the contents: measuring thousands of cells on every
    # refresh would cost more than the query.
    size_columns(t, headers)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def fill(t: QTableWidget, rows: list[list[str]], ids: list[str] | None = None) -> None:
    t.setUpdatesEnabled(False)
    try:
        t.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if ids is not None and c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, ids[r])
                t.setItem(r, c, item)
    finally:
        t.setUpdatesEnabled(True)


class RowsModel(QAbstractTableModel):
    """Plain rows of text: thousands of board rows without one item object per cell."""

    def __init__(self, headers: list[str], parent: QObject | None = None):
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[str]] = []
        self.ids: list[str] = []

    def set_rows(self, rows: list[list[str]], ids: list[str]) -> None:
        self.beginResetModel()
        self.rows, self.ids = rows, ids
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def board_table(headers: list[str], name: str) -> QTableView:
    view = QTableView()
    view.setModel(RowsModel(headers, view))
    view.setAccessibleName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    size_columns(view, headers)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def size_columns(view: QTableView, headers: list[str]) -> None:
    """Each column as wide as its heading's own width (not its length in characters: a
    Chinese character is about twice an average Latin one, and headings were cut in
    Chinese), and room for a reference like "UA CO 1/2026"."""
    header = view.horizontalHeader()
    metrics = view.fontMetrics()
    width = metrics.averageCharWidth()
    for col, text in enumerate(headers):
        header.resizeSection(col, max(width * 14, metrics.horizontalAdvance(text) + width * 5))
