"""The register of communications, with replies and reminders recorded in two clicks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.casework import REPLY_ASSESSMENT, Communication, Reminder, Reply
from ...core.i18n import _
from ..record_list import RecordListView
from .session import HqSession


class CommunicationsView(QWidget):
    """The register with its filters, and replies and reminders in two clicks."""

    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        self.list = RecordListView(session, "communication", _("Communications"))
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.reply = QPushButton(_("Reply &received…"))
        self.reply.setAccessibleName(_("Record a reply to the selected communication"))
        self.reminder = QPushButton(_("Re&minder sent…"))
        self.reminder.setAccessibleName(_("Record a reminder for the selected communication"))
        self.message = QLabel()
        self.message.setAccessibleName(_("Message"))
        row.addWidget(self.reply)
        row.addWidget(self.reminder)
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self._last: str | None = None
        self.list.search.textChanged.connect(self._forget)
        self.reply.clicked.connect(lambda: self._follow_up(True))
        self.reminder.clicked.connect(lambda: self._follow_up(False))

    def selected(self) -> str | None:
        """The communication selected, or the one last worked on: saving refreshes the
        list, and the next click (a reminder after a reply) still means that letter."""
        index = self.list.table.currentIndex()
        if index.isValid():
            rid = self.list.record_id_at(index.row())
            if rid:
                self._last = rid
        return self._last

    def _forget(self, _text: str) -> None:
        self._last = None

    def _follow_up(self, reply: bool) -> None:
        record_id = self.selected()
        if record_id is None:
            self.message.setText(_("Select a communication first."))
            return
        dialog = FollowUpDialog(reply, self)
        if dialog.exec() != FollowUpDialog.DialogCode.Accepted:
            return
        when = dialog.when.text().strip()
        change = add_reply(when, dialog.assessment.currentData()) if reply \
            else add_reminder(when)
        self.session.follow_up(record_id, change,
                               lambda _r: self.message.setText(_("Saved.")),
                               self.message.setText, parent=self)

    def refresh(self) -> None:
        self.list.refresh()


class FollowUpDialog(QDialog):
    """A reply received (date, assessment) or a reminder sent (date): today by default."""

    def __init__(self, reply: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Reply received") if reply else _("Reminder sent"))
        form = QFormLayout(self)
        self.when = QLineEdit(date.today().isoformat())
        self.when.setAccessibleName(_("Date"))
        form.addRow(_("&Date (YYYY-MM-DD):"), self.when)
        self.assessment = QComboBox()
        self.assessment.setAccessibleName(_("Assessment of the reply"))
        for code in REPLY_ASSESSMENT.codes():
            self.assessment.addItem(REPLY_ASSESSMENT.label(code), code)
        if reply:
            form.addRow(_("&Assessment:"), self.assessment)
        else:
            self.assessment.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def add_reply(when: str, assessment: str) -> Callable[[Communication], None]:
    def change(c: Communication) -> None:
        c.replies.append(Reply(received_on=when, assessment=assessment))
    return change


def add_reminder(when: str) -> Callable[[Communication], None]:
    def change(c: Communication) -> None:
        c.reminders.append(Reminder(sent_on=when))
    return change
