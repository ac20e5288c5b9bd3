"""Search everything (Ctrl+F from anywhere): every kind of record at once, grouped by type."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import N_, _, ngettext
from ..core.records import RECORD_TYPES
from ..vault.queries import Hit
from .dates import format_number
from .session import VaultSession

DELAY_MS = 150
PLURAL = {"mission": N_("Missions"), "consultation": N_("Consultations"),
          "threat_report": N_("Threat reports"), "reprisal_incident": N_("Reprisal incidents"),
          "person": N_("People")}


class SearchEverything(QDialog):
    open_requested = Signal(str, str)  # record id, type

    def __init__(self, session: VaultSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Search everything"))
        self._session = session
        layout = QVBoxLayout(self)
        self.query = QLineEdit()
        self.query.setPlaceholderText(_("Search every kind of record (any language)…"))
        self.query.setAccessibleName(_("Search everything"))
        self.query.setClearButtonEnabled(True)
        layout.addWidget(self.query)
        # Names and contact details are searched too (the user may reveal them anyway),
        # but a hit shows the alias only.
        self.note = QLabel(_("Searches missions, consultations, threat reports, reprisals "
                             "and people, names and contact details included (results "
                             "show aliases only)."))
        self.note.setWordWrap(True)
        self.note.setObjectName("muted")
        layout.addWidget(self.note)
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setAccessibleName(_("Results by kind of record"))
        self.results.setRootIsDecorated(False)
        layout.addWidget(self.results, 1)
        self.status = QLabel()
        self.status.setAccessibleName(_("Number of results"))
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.query.textChanged.connect(self._timer.start)
        self.query.returnPressed.connect(self._open_first)
        self.results.itemActivated.connect(self._activated)
        self.resize(self.fontMetrics().averageCharWidth() * 80,
                    self.fontMetrics().lineSpacing() * 24)

    def _search(self) -> None:
        text = self.query.text().strip()
        if not text:
            self.results.clear()
            self.status.clear()
            return
        self._session.search_everything(text, True, self._show, parent=self)

    def _show(self, grouped: dict[str, list[Hit]]) -> None:
        self.results.clear()
        total = 0
        for record_type in RECORD_TYPES:
            hits = grouped.get(record_type, [])
            if not hits:
                continue
            total += len(hits)
            head = QTreeWidgetItem([f"{_(PLURAL.get(record_type, record_type))} ({len(hits)})"])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            self.results.addTopLevelItem(head)
            for hit in hits:
                item = QTreeWidgetItem([hit.headline + ("  —  " + hit.snippet
                                                        if hit.snippet else "")])
                item.setData(0, Qt.ItemDataRole.UserRole, (hit.id, hit.type))
                item.setToolTip(0, hit.snippet)
                head.addChild(item)
            head.setExpanded(True)
        self.status.setText(ngettext("{n} result", "{n} results", total).format(
            n=format_number(total)) if total else _("Nothing found."))

    def _open_first(self) -> None:
        head = self.results.topLevelItem(0)
        first = head.child(0) if head is not None else None
        if first is not None:
            self._activated(first)

    def _activated(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data:
            self.open_requested.emit(*data)
