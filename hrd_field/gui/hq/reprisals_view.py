"""The reprisals file: the incidents received, and HQ's own notes on the selected one
(kept apart from the record)."""

from __future__ import annotations

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QWidget,
)

from ...core.casework import ReprisalAnnotation
from ...core.i18n import _, ngettext
from ...core.records import Record
from ...core.vocab import VOCABULARIES
from ...vault.hq_tables import Provenance
from ..dates import format_number
from ..record_list import RecordListView
from .session import HqSession


class ReprisalsView(QWidget):
    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = RecordListView(session, "reprisal_incident", _("Reprisals file"))
        self.list.new_button.hide()
        self.notes = ReprisalNotes(session)
        split.addWidget(self.list)
        split.addWidget(self.notes)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split)
        self.list.table.selectionModel().currentRowChanged.connect(self._current)
        self.list.open_requested.connect(lambda rid, _t: self.notes.load(rid))

    def _current(self, current: object, _previous: object) -> None:
        rid = self.list.record_id_at(current.row())  # type: ignore[attr-defined]
        if rid:
            self.notes.load(rid)

    def refresh(self) -> None:
        self.list.refresh()


class ReprisalNotes(QWidget):
    """HQ's notes on the selected reprisal: SG report (with consent), communications,
    repeat victim. Saved apart from the record."""

    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.record_id: str | None = None
        form = QFormLayout(self)
        self.title = QLabel(_("Select a reprisal incident"))
        self.title.setWordWrap(True)
        form.addRow(self.title)
        self.sg_year = QSpinBox()
        self.sg_year.setRange(2009, 2100)
        self.sg_year.setSpecialValueText(_("not included"))
        self.sg_year.setAccessibleName(_("Secretary-General's report of the year"))
        form.addRow(_("&SG report:"), self.sg_year)
        self.repeat = QCheckBox(_("&Repeat victim"))
        self.earlier = QLabel()
        self.earlier.setWordWrap(True)
        form.addRow(self.repeat)
        form.addRow(self.earlier)
        self.communications = QLineEdit()
        self.communications.setAccessibleName(_("Linked communications (identifiers)"))
        form.addRow(_("&Communications:"), self.communications)
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName(_("HQ notes"))
        self.notes.setTabChangesFocus(True)
        form.addRow(_("&Notes:"), self.notes)
        self.save = QPushButton(_("Sa&ve notes"))
        self.save.setObjectName("primary")
        form.addRow(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Message"))
        form.addRow(self.message)
        self.save.clicked.connect(self._save)
        self.setEnabled(False)

    def load(self, record_id: str) -> None:
        self.record_id = record_id
        self.session.received(record_id, self._show, parent=self)
        self.session.earlier_reprisals(record_id, self._earlier, parent=self)

    def _show(self, data: tuple[Record, list[Provenance], ReprisalAnnotation | None]) -> None:
        record, _origin, note = data
        code = getattr(record, "consent_to_act", "")
        self.title.setText(_("Consent to act: {label}").format(
            label=VOCABULARIES["consent_to_act"].label(code)))
        note = note or ReprisalAnnotation(record_id=record.id)
        self.sg_year.setValue(note.sg_report_year or self.sg_year.minimum())
        self.repeat.setChecked(note.repeat_victim)
        self.communications.setText(", ".join(note.communication_ids))
        self.notes.setPlainText(note.notes)
        self.message.clear()
        self.setEnabled(True)

    def _earlier(self, ids: list[str]) -> None:
        self.earlier.setText(ngettext("{n} earlier reprisal against the same person",
                                      "{n} earlier reprisals against the same person",
                                      len(ids)).format(n=format_number(len(ids))) if ids else "")
        if ids:
            self.repeat.setChecked(True)

    def _save(self) -> None:
        if self.record_id is None:
            return
        year = self.sg_year.value()
        note = ReprisalAnnotation(
            record_id=self.record_id,
            sg_report_year=None if year == self.sg_year.minimum() else year,
            communication_ids=[c.strip() for c in self.communications.text().split(",")
                               if c.strip()],
            repeat_victim=self.repeat.isChecked(), notes=self.notes.toPlainText())
        self.session.annotate(note, lambda _n: self.message.setText(_("Notes saved.")),
                              self.message.setText, parent=self)
