"""One list of records: search as you type, filters, sortable columns, lazy paging."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.display import filter_fields
from ..core.i18n import _, ngettext
from ..vault.queries import Filters
from .record_model import RecordTableModel
from .session import VaultSession
from .widgets import CodeCombo, OptionalDate, country_combo, scale_font, vocab_combo

SEARCH_DELAY_MS = 150


class RecordListView(QWidget):
    open_requested = Signal(str, str)  # record id, type
    new_requested = Signal(str)  # type

    def __init__(self, session: VaultSession, record_type: str, heading: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.record_type = record_type
        self.model = RecordTableModel(session, record_type, self)
        self._session = session
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel(heading)
        self.heading.setObjectName("viewHeading")
        scale_font(self.heading, 1.3)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search all text (any language)…"))
        self.search.setAccessibleName(_("Search"))
        self.search.setClearButtonEnabled(True)
        self.filter_toggle = QToolButton()
        self.filter_toggle.setText(_("Filters"))
        self.filter_toggle.setCheckable(True)
        self.filter_toggle.setAccessibleName(_("Show filters"))
        self.new_button = QPushButton(_("New"))
        self.new_button.setObjectName("primary")
        self.new_button.setAccessibleName(_("New record"))
        top.addWidget(self.heading)
        top.addSpacing(12)
        top.addWidget(self.search, 1)
        top.addWidget(self.filter_toggle)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        # The filter bar (a few hundred combo entries) is built the first time it is shown,
        # which keeps start-up and unlock quick.
        self.filters: QWidget | None = None
        self._missions: list[tuple[str, str]] = []
        self._layout = layout

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Records"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # No sort column until the user picks one: the vault's own order (latest first) is
        # the one its indexes serve; enabling sorting would otherwise sort by column 0.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for col in range(1, len(self.model.columns)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, 130)
        layout.addWidget(self.table, 1)

        self.status = QLabel()
        self.status.setAccessibleName(_("Number of records"))
        layout.addWidget(self.status)

        self._debounce.timeout.connect(self.apply)
        self.search.textChanged.connect(self._debounce.start)
        self.filter_toggle.toggled.connect(self._show_filters)
        self.new_button.clicked.connect(lambda: self.new_requested.emit(self.record_type))
        self.table.activated.connect(self._activated)
        self.model.modelReset.connect(self._update_status)

    def _show_filters(self, shown: bool) -> None:
        if self.filters is None:
            self.filters = self._build_filters()
            self._layout.insertWidget(1, self.filters)
            self.set_missions(self._missions)
        self.filters.setVisible(shown)

    def _build_filters(self) -> QWidget:
        box = QWidget()
        box.setObjectName("filterBar")
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        any_ = _("Any")
        self.f_mission = CodeCombo([], _("Any mission"), _("Filter by mission"))
        self.f_from = OptionalDate(_("From date"))
        self.f_to = OptionalDate(_("To date"))
        self.f_country = country_combo(_("Any country"), _("Filter by country"))
        self.f_region = vocab_combo("region", _("Any region"), _("Filter by region"))
        self.f_status = vocab_combo("status", _("Any status"), _("Filter by status"))
        combos: list[QWidget] = [self.f_mission, self.f_from, self.f_to, self.f_country,
                                 self.f_region]
        # one filter per coded field the model marks filterable (groups, types, perpetrators…)
        self.f_terms = {
            vocab: vocab_combo(vocab, _("Any: {field}").format(field=_(label)),
                               _("Filter by {field}").format(field=_(label)))
            for vocab, label in filter_fields(self.record_type)}
        self.f_risk = vocab_combo("risk_level", _("Any risk"), _("Filter by risk level"))
        self.f_case = vocab_combo("case_status", any_, _("Filter by case status"))
        combos += list(self.f_terms.values())
        if self.record_type in ("threat_report", "reprisal_incident"):
            combos.append(self.f_case)
        if self.record_type in ("person", "threat_report", "reprisal_incident"):
            combos.append(self.f_risk)
        combos.append(self.f_status)
        for w in combos:
            row.addWidget(w)
            if isinstance(w, CodeCombo):
                w.activated.connect(self.apply)
            elif isinstance(w, OptionalDate):
                w.dateChanged.connect(self._debounce.start)
        clear = QPushButton(_("Clear"))
        clear.setAccessibleName(_("Clear filters"))
        clear.clicked.connect(self.clear_filters)
        row.addWidget(clear)
        row.addStretch(1)
        return box

    def set_missions(self, missions: list[tuple[str, str]]) -> None:
        self._missions = missions
        if self.filters is None:
            return
        current = self.f_mission.code()
        self.f_mission.clear()
        self.f_mission.addItem(_("Any mission"), None)
        for mission_id, title in missions:
            self.f_mission.addItem(title, mission_id)
        self.f_mission.set_code(current)

    def current_filters(self) -> Filters:
        """Filters apply whether the filter bar is shown or not; hidden ones stay unset."""
        t = self.record_type
        if self.filters is None:
            return Filters(type=t)
        threats = t in ("threat_report", "reprisal_incident")
        terms = {vocab: code for vocab, combo in self.f_terms.items()
                 if (code := combo.code())}
        return Filters(
            type=t,
            mission_id=self.f_mission.code(),
            country=self.f_country.code(),
            region=self.f_region.code(),
            status=self.f_status.code(),
            date_from=self.f_from.iso(),
            date_to=self.f_to.iso(),
            risk_level=self.f_risk.code() if t in ("person", *("threat_report",
                                                               "reprisal_incident")) else None,
            case_status=self.f_case.code() if threats else None,
            terms=terms,
        )

    def apply(self) -> None:
        self.model.set_query(replace(self.model.query, filters=self.current_filters(),
                                     text=self.search.text().strip()))

    def clear_filters(self) -> None:
        if self.filters is None:
            return
        for combo in self.filters.findChildren(CodeCombo):
            combo.setCurrentIndex(0)
        for date in self.filters.findChildren(OptionalDate):
            date.set_iso(None)
        self.apply()

    def refresh(self) -> None:
        self.model.refresh()

    def _activated(self, index: QModelIndex) -> None:
        record_id = self.model.data(index, RecordTableModel.IdRole)
        if record_id:
            self.open_requested.emit(record_id, self.record_type)

    def _update_status(self) -> None:
        n = self.model.rowCount()
        self.status.setText(ngettext("{n} record", "{n} records", n).format(n=n))
