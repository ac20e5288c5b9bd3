"""Linking people to threat reports and reprisals, by alias only.

Type in the finder, then Enter links the first (or highlighted) match; Down moves into the
matches, where Enter or a single click links. Focus stays in the finder and the page keeps
its place, so several people can be linked in a row.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
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

_ID = Qt.ItemDataRole.UserRole
_MISSION = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class PersonLink:
    """What linking shows of a person: the alias, never the identity fields."""

    id: str
    alias: str
    mission_id: str | None

    @classmethod
    def of(cls, row: Row) -> PersonLink:
        return cls(row.id, row.title, row.mission_id)


class PersonLinks(QGroupBox):
    changed = Signal()
    met_mission = Signal(str)  # alias of a linked person recorded during this mission

    def __init__(self, session: VaultSession, parent: QWidget | None = None):
        super().__init__(_("Defenders concerned"), parent)
        self.setAccessibleName(_("Defenders concerned"))
        self._session = session
        self._aliases: dict[str, str] = {}
        self._mission_id: str | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.finder = QLineEdit()
        self.finder.setPlaceholderText(_("Find a person by alias to link…"))
        self.finder.setAccessibleName(_("Find a person to link"))
        self.finder.setClearButtonEnabled(True)
        row.addWidget(self.finder, 1)
        layout.addLayout(row)
        self.results = QListWidget()
        self.results.setAccessibleName(_("People found"))
        self.results.setMaximumHeight(self.results.fontMetrics().lineSpacing() * 5 + 12)
        self.results.hide()
        layout.addWidget(self.results)
        linked_row = QHBoxLayout()
        self.linked = QListWidget()
        self.linked.setAccessibleName(_("Linked people"))
        self.linked.setMaximumHeight(self.linked.fontMetrics().lineSpacing() * 3 + 12)
        self.unlink = QPushButton(_("Unlink"))
        self.unlink.setAccessibleName(_("Unlink the selected person"))
        linked_row.addWidget(self.linked, 1)
        linked_row.addWidget(self.unlink, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(linked_row)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._search)
        self.finder.textChanged.connect(self._debounce.start)
        self.finder.returnPressed.connect(self._link_from_finder)
        self.finder.installEventFilter(self)
        self.results.itemActivated.connect(self._link)
        self.results.itemClicked.connect(self._link)
        self.unlink.clicked.connect(self._unlink)

    def set_mission(self, mission_id: str | None) -> None:
        self._mission_id = mission_id

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.finder and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down \
                and self.results.isVisible() and self.results.count():
            self.results.setCurrentRow(0)
            self.results.setFocus()
            return True
        return False

    def _search(self) -> None:
        text = self.finder.text().strip()
        if not text:
            self.results.hide()
            return
        self._session.find_people(text, self._show_results, parent=self)

    def _show_results(self, rows: list[Row]) -> None:
        if not self.finder.text().strip():
            return  # already linked or cleared while the search ran
        self.results.clear()
        people = [PersonLink.of(row) for row in rows]
        for person in people:
            item = QListWidgetItem(person.alias)
            item.setData(_ID, person.id)
            item.setData(_MISSION, person.mission_id)
            self.results.addItem(item)
        self.results.setVisible(bool(people))

    def _link_from_finder(self) -> None:
        if self._debounce.isActive():  # Enter typed before the search ran: run it first
            self._debounce.stop()
            text = self.finder.text().strip()
            if text:
                self._session.find_people(text, self._link_first, parent=self)
            return
        item = self.results.currentItem() or self.results.item(0)
        if item is not None and self.results.isVisible():
            self._link(item)

    def _link_first(self, rows: list[Row]) -> None:
        if rows:
            self._add_link(PersonLink.of(rows[0]))

    def _add_item(self, person_id: str, alias: str) -> None:
        item = QListWidgetItem(alias)
        item.setData(_ID, person_id)
        self.linked.addItem(item)

    def _link(self, item: QListWidgetItem) -> None:
        mission = item.data(_MISSION)
        self._add_link(PersonLink(str(item.data(_ID)), item.text(),
                                  mission if isinstance(mission, str) else None))

    def _add_link(self, person: PersonLink) -> None:
        if person.id not in self.value():
            self._aliases[person.id] = person.alias
            self._add_item(person.id, person.alias)
            self.changed.emit()
            self._check_mission([person])
        # Focus back to the finder before the matches hide: hiding the focused list would
        # send focus down the form and scroll the page away.
        self.finder.setFocus(Qt.FocusReason.OtherFocusReason)
        self.finder.clear()
        self.results.hide()

    def _check_mission(self, people: list[PersonLink]) -> None:
        for person in people:
            if self._mission_id and person.mission_id == self._mission_id:
                self.met_mission.emit(person.alias)
                return

    def _unlink(self) -> None:
        for item in self.linked.selectedItems():
            self.linked.takeItem(self.linked.row(item))
            self.changed.emit()

    def value(self) -> list[str]:
        return [str(self.linked.item(i).data(_ID)) for i in range(self.linked.count())]

    def set_value(self, ids: list[str], mission_id: str | None = None) -> None:
        self._mission_id = mission_id
        self.linked.clear()
        for person_id in ids:
            self._add_item(person_id, self._aliases.get(person_id, "…"))
        if ids:
            self._session.person_aliases(list(ids), self._named, parent=self)

    def _named(self, pairs: list[tuple[str, str | None]]) -> None:
        self._aliases.update({i: _("(deleted)") if alias is None else alias
                              for i, alias in pairs})
        for i in range(self.linked.count()):
            item = self.linked.item(i)
            item.setText(self._aliases.get(str(item.data(_ID)), "…"))
