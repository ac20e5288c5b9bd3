"""A lazily paged table of records: 100,000 rows open at once and scroll smoothly.

The model knows the total count, and holds only the pages that were looked at. A row whose
page is not loaded yet shows a placeholder and asks the worker for that page; the answer
arrives by signal. A generation number drops answers that belong to an older query.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ..core import casework  # noqa: F401 - registers the casework vocabularies
from ..core.i18n import N_, _, language
from ..core.regions import country_name
from ..core.vocab import CASE_STATUS, REGION, RISK_LEVEL, VOCABULARIES
from ..vault.queries import Filters, Row
from .dates import format_date, format_stamp
from .session import VaultSession
from .tasks import Task

PAGE = 200
FIRST_ROWS = 60
"""Rows fetched with the count when a list starts over (a search as you type): more than a
screen; the rest of the first page follows in a second query, after they are shown."""
Index = QModelIndex | QPersistentModelIndex

# (key, header, sort column in the vault)
COLUMNS: dict[str, tuple[str, str]] = {
    "title": (N_("Title"), "title"),
    "event_date": (N_("Date"), "event_date"),
    "country": (N_("Country"), "country"),
    "region": (N_("Region"), "country"),
    "risk_level": (N_("Risk"), "risk_level"),
    "case_status": (N_("Case"), "case_status"),
    "status": (N_("Status"), "updated_at"),
    "updated_at": (N_("Updated"), "updated_at"),
    # casework: the stored case column holds the reply due date, the implementation or
    # the legislative status (core/indexing.py)
    "reply_due": (N_("Reply due"), "case_status"),
    "implementation": (N_("Implementation"), "case_status"),
    "legislative_status": (N_("Legislative status"), "case_status"),
}

COLUMNS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "mission": ("title", "country", "region", "event_date", "status", "updated_at"),
    "person": ("title", "country", "risk_level", "status", "updated_at"),
    "consultation": ("title", "country", "event_date", "status", "updated_at"),
    "threat_report": ("title", "country", "event_date", "risk_level", "case_status", "status"),
    "reprisal_incident": ("title", "country", "event_date", "risk_level", "case_status",
                          "status"),
    "communication": ("title", "country", "event_date", "reply_due", "status", "updated_at"),
    "recommendation": ("title", "country", "event_date", "implementation", "updated_at"),
    "legislation": ("title", "country", "event_date", "legislative_status", "updated_at"),
}

# Risk is never shown by colour alone: the cell also carries the word and a symbol.
RISK_MARK = {"low": "○", "medium": "◐", "high": "●", "critical": "▲"}
RISK_COLOUR = {"low": "#2e7d32", "medium": "#735a00", "high": "#a34400", "critical": "#b71c1c"}


@dataclass
class Query:
    filters: Filters = field(default_factory=Filters)
    text: str = ""
    order_by: str = "updated_at"
    descending: bool = True
    every_match: bool = False
    """A search's list holds every match, not only the newest MATCH_CAP + 1 (asked for)."""


_DISPLAY = Qt.ItemDataRole.DisplayRole
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole


class RecordTableModel(QAbstractTableModel):
    IdRole = Qt.ItemDataRole.UserRole + 1
    FlaggedRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, session: VaultSession, record_type: str, parent: Any = None):
        super().__init__(parent)
        self._session = session
        self.record_type = record_type
        self.columns = COLUMNS_BY_TYPE[record_type]
        self.query = Query(Filters(type=record_type))
        self._total = 0
        self._pages: dict[int, list[Row]] = {}
        self._full: set[int] = set()
        """Pages fetched whole (the first rows of a search are not, at first)."""
        self._pending: set[int] = set()
        self._tasks: set[Task] = set()
        self._shown: dict[tuple[int, int], str] = {}
        """Cell texts as shown, kept until the rows change (a repaint asks for each again)."""

    # -- queries ---------------------------------------------------------------------------
    def set_query(self, query: Query) -> None:
        self.query = replace(query, filters=replace(query.filters, type=self.record_type))
        self.refresh()

    def refresh(self) -> None:
        """Start over: the count and the first rows, fetched in one trip to the worker and
        shown together (one reset, no second round trip before the first row appears);
        the rest of the first page follows. The view keeps its place."""
        if not self._session.is_open:
            return
        self._abandon()
        query = self.query

        def loaded(found: tuple[int, list[Row]]) -> None:
            total, first = found
            self.beginResetModel()
            self._total = total
            self._shown.clear()
            self._pages.clear()
            self._full.clear()
            self._pending.clear()
            self._pages[0] = first
            if len(first) < FIRST_ROWS:
                self._full.add(0)
            self.endResetModel()
            self._request(0)  # the rest of the first page, if there is more

        self._track(self._session.first_page(query.filters, query.text, query.order_by,
                                             query.descending, FIRST_ROWS, loaded,
                                             parent=self, every_match=query.every_match))

    def clear(self) -> None:
        self._abandon()
        self.beginResetModel()
        self._total = 0
        self._shown.clear()
        self._pages.clear()
        self._full.clear()
        self._pending.clear()
        self.endResetModel()

    def _abandon(self) -> None:
        """Answers to an older query must not land in this one's pages."""
        for task in self._tasks:
            task.abandon()
        self._tasks.clear()

    def _track(self, task: Task) -> None:
        self._tasks.add(task)

    def _request(self, page: int) -> None:
        if page in self._pending or page in self._full or not self._session.is_open:
            return
        self._pending.add(page)
        q = self.query

        def loaded(rows: list[Row]) -> None:
            self._pending.discard(page)
            self._pages[page] = rows
            self._shown.clear()
            self._full.add(page)
            first = page * PAGE
            last = min(self._total, first + PAGE) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0),
                                      self.index(last, len(self.columns) - 1))

        self._track(self._session.rows(q.filters, q.text, q.order_by, q.descending, PAGE,
                                       page * PAGE, loaded, parent=self,
                                       every_match=q.every_match))

    def row_at(self, row: int) -> Row | None:
        page = self._pages.get(row // PAGE)
        offset = row % PAGE
        if page is None or offset >= len(page):
            self._request(row // PAGE)  # nothing to do if the page is whole
            return None
        return page[offset]

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return _(COLUMNS[self.columns[section]][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A repaint asks every visible cell for seven roles, most of which a list never
        # sets: those are answered before anything else (measured: a third of a frame).
        if role not in _SERVED or not index.isValid():
            return None
        r, c = index.row(), index.column()
        if not 0 <= r < self._total or not 0 <= c < len(self.columns):
            return None
        row = self.row_at(r)
        if row is None:
            return "…" if role == _DISPLAY and c == 0 else None
        if role == _DISPLAY or role == _ACCESSIBLE:
            shown = self._shown.get((r, c))
            if shown is None:
                shown = self._shown[(r, c)] = self._display(row, self.columns[c])
            return shown
        if role == self.IdRole:
            return row.id
        if role == self.FlaggedRole:
            return row.flagged
        key = self.columns[c]
        if role == _TOOLTIP and key == "title" and row.flagged:
            return _("Reprisal against someone who met this mission")
        if role == _FOREGROUND and key == "risk_level" and row.risk_level:
            return QBrush(QColor(RISK_COLOUR.get(row.risk_level, "#000000")))
        return None

    def sample(self, column: int) -> str:
        """A typical value of a column, as shown (to size the column)."""
        key = self.columns[column]
        if key == "event_date":
            return format_date("2026-12-28")
        if key == "updated_at":
            return format_stamp("2026-12-28T23:58:00Z")
        return ""

    def _display(self, row: Row, key: str) -> str:
        if key == "title":
            title = row.headline or _("(untitled)")
            return f"⚑ {title}" if row.flagged else title
        if key == "event_date":
            return format_date(row.event_date, row.date_precision)  # as the editor shows it
        if key == "country":
            return country_name(row.country, language()) if row.country else ""
        if key == "region":
            return REGION.label(row.region) if row.region else ""
        if key == "risk_level":
            return f"{RISK_MARK.get(row.risk_level, '')} {RISK_LEVEL.label(row.risk_level)}" \
                if row.risk_level else ""
        if key == "case_status":
            return CASE_STATUS.label(row.case_status) if row.case_status else ""
        if key == "status":
            vocab = "communication_status" if row.type == "communication" else "status"
            return VOCABULARIES[vocab].label(row.status)
        if key == "reply_due":  # a date (YYYY-MM-DD), shown as every other date is
            return format_date(row.case_status) if row.case_status else ""
        if key in ("implementation", "legislative_status"):
            vocab = "implementation_status" if key == "implementation" else key
            return VOCABULARIES[vocab].label(row.case_status) if row.case_status else ""
        if key == "updated_at":
            return format_stamp(row.updated_at)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            order_by, descending = "updated_at", True  # back to the default order
        else:
            order_by = COLUMNS[self.columns[column]][1]
            descending = order == Qt.SortOrder.DescendingOrder
        if (order_by, descending) != (self.query.order_by, self.query.descending):
            self.query = replace(self.query, order_by=order_by, descending=descending)
            self.refresh()


_SERVED = frozenset({_DISPLAY, _ACCESSIBLE, _TOOLTIP, _FOREGROUND, RecordTableModel.IdRole,
                     RecordTableModel.FlaggedRole})

