"""Linking people to threat reports and reprisals, by alias only."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _
from ..vault.queries import Row
from .session import VaultSession


class PersonLinks(QGroupBox):
    changed = Signal()

    def __init__(self, session: VaultSession, parent: QWidget | None = None):
        super().__init__(_("Defenders concerned"), parent)
        self.setAccessibleName(_("Defenders concerned"))
        self._session = session
        self._aliases: dict[str, str] = {}
        layout = QVBoxLayout(self)
        self.linked = QListWidget()
        self.linked.setAccessibleName(_("Linked people"))
        self.linked.setMaximumHeight(self.linked.fontMetrics().lineSpacing() * 3 + 12)
        layout.addWidget(self.linked)
        row = QHBoxLayout()
        self.finder = QLineEdit()
        self.finder.setPlaceholderText(_("Find a person by alias to link…"))
        self.finder.setAccessibleName(_("Find a person to link"))
        self.unlink = QPushButton(_("Unlink"))
        self.unlink.setAccessibleName(_("Unlink the selected person"))
        row.addWidget(self.finder, 1)
        row.addWidget(self.unlink)
        layout.addLayout(row)
        self.results = QListWidget()
        self.results.setAccessibleName(_("People found"))
        self.results.setMaximumHeight(self.results.fontMetrics().lineSpacing() * 5 + 12)
        self.results.hide()
        layout.addWidget(self.results)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._search)
        self.finder.textChanged.connect(self._debounce.start)
        self.results.itemActivated.connect(self._link)
        self.unlink.clicked.connect(self._unlink)

    def _search(self) -> None:
        text = self.finder.text().strip()
        if not text:
            self.results.hide()
            return
        self._session.find_people(text, self._show_results, parent=self)

    def _show_results(self, rows: list[Row]) -> None:
        self.results.clear()
        for row in rows:
            item = QListWidgetItem(row.title)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.results.addItem(item)
        self.results.setVisible(bool(rows))

    def _add_item(self, person_id: str, alias: str) -> None:
        item = QListWidgetItem(alias)
        item.setData(Qt.ItemDataRole.UserRole, person_id)
        self.linked.addItem(item)

    def _link(self, item: QListWidgetItem) -> None:
        person_id = str(item.data(Qt.ItemDataRole.UserRole))
        if person_id not in self.value():
            self._aliases[person_id] = item.text()
            self._add_item(person_id, item.text())
            self.changed.emit()
        self.finder.clear()
        self.results.hide()

    def _unlink(self) -> None:
        for item in self.linked.selectedItems():
            self.linked.takeItem(self.linked.row(item))
            self.changed.emit()

    def value(self) -> list[str]:
        return [str(self.linked.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.linked.count())]

    def set_value(self, ids: list[str]) -> None:
        self.linked.clear()
        for person_id in ids:
            self._add_item(person_id, self._aliases.get(person_id, "…"))
        if ids:
            self._session.person_aliases(ids, self._named, parent=self)

    def _named(self, pairs: list[tuple[str, str | None]]) -> None:
        self._aliases.update({i: _("(deleted)") if alias is None else alias
                              for i, alias in pairs})
        for i in range(self.linked.count()):
            item = self.linked.item(i)
            item.setText(self._aliases.get(str(item.data(Qt.ItemDataRole.UserRole)), "…"))
