"""One list of records: search as you type, filters, sortable columns, lazy paging."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
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
from ..core.i18n import N_, _, ngettext
from ..vault.queries import MATCH_CAP, REPLY_STATES, Filters
from .dates import format_number
from .flow_layout import FlowLayout
from .record_model import RecordTableModel
from .session import VaultSession
from .widgets import CodeCombo, OptionalDate, country_combo, scale_font, vocab_combo

SEARCH_DELAY_MS = 150
# Lists that do not follow the current mission by default: missions themselves, and
# people, who outlive any one mission (their editor has no mission link).
UNSCOPED = ("mission", "person")
REPLY_LABELS = {"awaiting": N_("Awaiting a reply"), "overdue": N_("Reply overdue"),
                "replied": N_("Replied")}


class RecordListView(QWidget):
    open_requested = Signal(str, str)  # record id, type
    new_requested = Signal(str)  # type

    def __init__(self, session: VaultSession, record_type: str, heading: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.record_type = record_type
        self.reply_today: Callable[[], str] = lambda: date.today().isoformat()
        """The day an overdue reply is counted from (HQ sets its own time zone's)."""
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
        self.search.setPlaceholderText(_("Search this list (any language)…"))
        self.search.setToolTip(_("Searches only this list. Ctrl+F searches every kind of "
                                 "record."))
        self.search.setAccessibleName(_("Search this list"))
        self.search.setClearButtonEnabled(True)
        self.filter_toggle = QToolButton()
        self.filter_toggle.setText(_("Filters"))
        self.filter_toggle.setCheckable(True)
        self.filter_toggle.setAccessibleName(_("Show filters"))
        self.new_button = QPushButton(_("New"))
        self.new_button.setObjectName("primary")
        self.new_button.setAccessibleName(_("New record"))
        # Which mission the list shows is always in view: the current mission by default,
        # "All missions" one click away.
        self.f_mission = CodeCombo([], _("All missions"), _("Show records of"))
        self.f_mission.setSizeAdjustPolicy(
            CodeCombo.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.f_mission.setMinimumContentsLength(26)
        # room for 26 characters where there is some, 12 where there is not (French at
        # 200 % needed a window 1,429 px wide): the title is elided, whole in its drop-down
        self.f_mission.setMinimumWidth(self.f_mission.fontMetrics().averageCharWidth() * 12)
        self.f_mission.setVisible(record_type != "mission")
        self._current_mission: str | None = None
        top.addWidget(self.heading)
        top.addSpacing(12)
        top.addWidget(self.f_mission)
        top.addWidget(self.search, 1)
        top.addWidget(self.filter_toggle)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        # Said whenever a filter or a search narrows the list, even with the bar hidden.
        self.filtered = QFrame()
        self.filtered.setObjectName("filteredBar")
        strip = QHBoxLayout(self.filtered)
        strip.setContentsMargins(8, 2, 8, 2)
        self.filtered_label = QLabel()
        self.filtered_label.setWordWrap(True)
        self.clear_filtered = QPushButton(_("Clear"))
        self.clear_filtered.setAccessibleName(_("Clear the search and filters"))
        strip.addWidget(self.filtered_label, 1)
        strip.addWidget(self.clear_filtered)
        self.filtered.hide()
        layout.addWidget(self.filtered)

        # The filter bar (a few hundred combo entries) is built the first time it is shown,
        # which keeps start-up and unlock quick.
        self.filters: QWidget | None = None
        self._missions: list[tuple[str, str]] = []
        self._layout = layout

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
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
            header.resizeSection(col, self._column_width(col))
        layout.addWidget(self.table, 1)

        self.status = QLabel()
        self.status.setAccessibleName(_("Number of records"))
        # A list narrowed by a common word holds its newest matches only; every match
        # stays one keypress away (someone looking for every mention of a name).
        self.every_match = QPushButton(_("Show every match"))
        self.every_match.setToolTip(_("List every record that matches the search, not only "
                                      "the newest; it may take a moment."))
        self.every_match.setVisible(False)
        status_row = QHBoxLayout()
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.addWidget(self.status)
        status_row.addWidget(self.every_match)
        status_row.addStretch(1)
        layout.addLayout(status_row)

        self._debounce.timeout.connect(self.apply)
        self.search.textChanged.connect(self._debounce.start)
        self.filter_toggle.toggled.connect(self._show_filters)
        self.clear_filtered.clicked.connect(self.clear_narrowing)
        self.f_mission.activated.connect(self.apply)
        self.new_button.clicked.connect(lambda: self.new_requested.emit(self.record_type))
        self.table.activated.connect(self._activated)
        self.model.modelReset.connect(self._update_status)
        self.every_match.clicked.connect(self.show_every_match)

    def _column_width(self, col: int) -> int:
        """Room for the column's heading (bold, with the sort arrow) and a typical value
        at this font size and in this language."""
        bold = QFont(self.table.font())
        bold.setWeight(QFont.Weight.DemiBold)
        heading = QFontMetrics(bold).horizontalAdvance(
            str(self.model.headerData(col, Qt.Orientation.Horizontal))) + 32
        metrics = self.table.fontMetrics()
        typical = metrics.horizontalAdvance(self.model.sample(col)) + 20
        return max(heading, typical, metrics.averageCharWidth() * 12)

    def _show_filters(self, shown: bool) -> None:
        if self.filters is None:
            self.filters = self._build_filters()
            self._layout.insertWidget(1, self.filters)
        self.filters.setVisible(shown)
        if self.filtered.isVisible():
            self.apply()  # "(hidden)" or not

    def _build_filters(self) -> QWidget:
        box = QWidget()
        box.setObjectName("filterBar")
        row = FlowLayout(box)  # wraps instead of widening the window
        any_ = _("Any")
        self.f_from = OptionalDate(_("From date"))
        self.f_to = OptionalDate(_("To date"))
        self.f_country = country_combo(_("Any country"), _("Filter by country"))
        self.f_region = vocab_combo("region", _("Any region"), _("Filter by region"))
        # a communication's status is the letter's (draft, sent, closed)
        self.f_status = vocab_combo(
            "communication_status" if self.record_type == "communication" else "status",
            _("Any status"), _("Filter by status"))
        combos: list[QWidget] = [self.f_from, self.f_to, self.f_country, self.f_region]
        # one filter per coded field the model marks filterable (groups, types, perpetrators…)
        self.f_terms = {
            vocab: vocab_combo(vocab, _("Any: {field}").format(field=_(label)),
                               _("Filter by {field}").format(field=_(label)))
            for vocab, label in filter_fields(self.record_type)}
        self.f_risk = vocab_combo("risk_level", _("Any risk"), _("Filter by risk level"))
        self.f_case = vocab_combo("case_status", any_, _("Filter by case status"))
        self.f_reply = CodeCombo([(s, _(REPLY_LABELS[s])) for s in REPLY_STATES],
                                 _("Any reply state"), _("Filter by reply"))
        if self.record_type == "communication":
            combos.append(self.f_reply)
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
        for combo in box.findChildren(CodeCombo):
            combo.fit_current_text(30)
        clear = QPushButton(_("Clear"))
        clear.setAccessibleName(_("Clear filters"))
        clear.clicked.connect(self.clear_filters)
        row.addWidget(clear)
        return box

    def set_missions(self, missions: list[tuple[str, str]]) -> None:
        self._missions = missions
        current = self.f_mission.code()
        self.f_mission.blockSignals(True)
        self.f_mission.clear()
        self.f_mission.addItem(_("All missions"), None)
        for mission_id, title in missions:
            self.f_mission.addItem(title, mission_id)
        self.f_mission.set_code(current)
        self.f_mission.blockSignals(False)

    def set_current_mission(self, mission_id: str | None) -> None:
        """The list follows the current mission; the user can still pick All missions."""
        if self.record_type in UNSCOPED:
            self.apply()
            return
        self._current_mission = mission_id
        if self.f_mission.findData(mission_id) < 0 and mission_id is not None:
            title = dict(self._missions).get(mission_id, "…")
            self.f_mission.addItem(title, mission_id)
        self.f_mission.set_code(mission_id)
        self.f_mission.setToolTip(self.f_mission.currentText())
        self.apply()

    def current_filters(self) -> Filters:
        """Filters apply whether the filter bar is shown or not; hidden ones stay unset."""
        t = self.record_type
        mission = self.f_mission.code() if t != "mission" else None
        if self.filters is None:
            return Filters(type=t, mission_id=mission)
        threats = t in ("threat_report", "reprisal_incident")
        terms = {vocab: code for vocab, combo in self.f_terms.items()
                 if (code := combo.code())}
        reply = self.f_reply.code() if t == "communication" else None
        return Filters(
            type=t,
            mission_id=mission,
            country=self.f_country.code(),
            region=self.f_region.code(),
            status=self.f_status.code(),
            date_from=self.f_from.iso(),
            date_to=self.f_to.iso(),
            risk_level=self.f_risk.code() if t in ("person", *("threat_report",
                                                               "reprisal_incident")) else None,
            case_status=self.f_case.code() if threats else None,
            terms=terms,
            reply=reply,
            today=self.reply_today() if reply == "overdue" else None,
        )

    def apply(self) -> None:
        self._debounce.stop()  # applied now (Enter): typing must not run the same query again
        filters = self.current_filters()
        text = self.search.text().strip()
        self.model.set_query(replace(self.model.query, filters=filters, text=text,
                                     every_match=False))
        narrowed = filters != Filters(type=self.record_type, mission_id=filters.mission_id)
        if narrowed or text:
            parts = []
            if text:
                parts.append(_("searching for “{text}”").format(text=text))
            if narrowed:
                parts.append(_("filters are set") if self.filters is None or
                             self.filters.isVisible() else _("filters are set (hidden)"))
            self.filtered_label.setText(_("Filtered — {what}.").format(what="; ".join(parts)))
        self.filtered.setVisible(narrowed or bool(text))

    def clear_filters(self) -> None:
        if self.filters is not None:
            for combo in self.filters.findChildren(CodeCombo):
                combo.setCurrentIndex(0)
            for date in self.filters.findChildren(OptionalDate):
                date.set_iso(None)
        self.apply()

    def clear_narrowing(self) -> None:
        """The indicator's Clear: the search and every filter (not the mission shown)."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.clear_filters()

    def refresh(self) -> None:
        self.model.refresh()

    def record_id_at(self, row: int) -> str | None:
        """The id of the record in this row of the table (None outside it)."""
        if row < 0:
            return None
        record_id = self.model.data(self.model.index(row, 0), RecordTableModel.IdRole)
        return str(record_id) if record_id else None

    def _activated(self, index: QModelIndex) -> None:
        record_id = self.model.data(index, RecordTableModel.IdRole)
        if record_id:
            self.open_requested.emit(record_id, self.record_type)

    def show_every_match(self) -> None:
        """The search's list holds every match, counted exactly (the newest first, as
        before); the next search or filter goes back to the newest only."""
        self.every_match.setVisible(False)
        self.model.set_query(replace(self.model.query, every_match=True))
        self.table.setFocus()

    def _update_status(self) -> None:
        n = self.model.rowCount()
        query = self.model.query
        capped = n > MATCH_CAP and bool(query.text.strip()) and not query.every_match
        self.every_match.setVisible(capped)
        if capped:
            # counting every match of a common word costs more than the number tells
            # the number's grammar differs by language (Russian, Arabic: "1,000" takes
            # another form than "1" or "5"): ngettext picks it from the capped count
            self.status.setText(ngettext(
                "More than {n} record matches: type more to narrow the search.",
                "More than {n} records match: type more to narrow the search.",
                MATCH_CAP).format(n=format_number(MATCH_CAP)))
            return
        self.status.setText(ngettext("{n} record", "{n} records", n).format(
            n=format_number(n)))
