"""The deadline board: communications whose reply is due soon or overdue, and reminders
due."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    Signal,
)
from PySide6.QtWidgets import (
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.deadlines import DUE_SOON, DUE_SOON_DAYS, OVERDUE, REMINDER_DUE, DueItem
from ...core.i18n import N_, _, language
from ...core.regions import country_name
from ..dates import format_date, ui_locale
from ..widgets import scale_font
from .session import HqSession
from .tables import RowsModel, board_table, heading_row


class DeadlinesView(QWidget):
    open_requested = Signal(str, str)

    def __init__(self, session: HqSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        top = heading_row(_("Deadlines"))
        self.today = QLabel()
        top.addWidget(self.today)
        self.days = QSpinBox()
        self.days.setRange(0, 90)
        self.days.setValue(DUE_SOON_DAYS)
        self.days.setAccessibleName(_("Days ahead"))
        days_label = QLabel(_("Due within (&days):"))
        days_label.setBuddy(self.days)
        top.addWidget(days_label)
        top.addWidget(self.days)
        layout.addLayout(top)
        headers = [_("Reference"), _("State or addressee"), _("Sent on"), _("Reply due"),
                   _("Days"), _("Last reminder")]
        self.tables: dict[str, QTableView] = {}
        self.titles: dict[str, QLabel] = {}
        for category, title in ((DUE_SOON, N_("Reply due soon")),
                                (OVERDUE, N_("Overdue, no reply")),
                                (REMINDER_DUE, N_("Reminder due"))):
            label = QLabel(_(title))
            scale_font(label, 1.1)
            t = board_table(headers, _(title))
            t.activated.connect(lambda idx, t=t: self._open(t, idx.row()))
            self.tables[category], self.titles[category] = t, label
            layout.addWidget(label)
            layout.addWidget(t, 1)
        self.days.valueChanged.connect(lambda _v: self.refresh())

    def refresh(self) -> None:
        self.session.due(self.days.value(), self.show_items, parent=self)

    def show_items(self, data: tuple[date, list[DueItem]]) -> None:
        today, items = data
        self.today.setText(_("Today at HQ: {date}").format(date=format_date(today.isoformat())))
        names: dict[str, str] = {}
        lang = language()
        digits = ui_locale()
        for category, t in self.tables.items():
            group = [i for i in items if i.category == category]
            rows = []
            for i in group:
                who = i.addressee
                if i.state:
                    who = names.get(i.state) or names.setdefault(
                        i.state, country_name(i.state, lang))
                # dates and numbers as everywhere else (Arabic-Indic digits in Arabic)
                rows.append([i.reference or i.record_id[:8], who, format_date(i.sent_on),
                             format_date(i.reply_due), digits.toString(i.days_left),
                             format_date(i.last_reminder)])
            self.model(t).set_rows(rows, [i.record_id for i in group])
            self.titles[category].setText(
                f"{t.accessibleName()} ({digits.toString(len(group))})")

    @staticmethod
    def model(t: QTableView) -> RowsModel:
        model = t.model()
        assert isinstance(model, RowsModel)
        return model

    def _open(self, t: QTableView, row: int) -> None:
        model = self.model(t)
        if 0 <= row < len(model.ids):
            self.open_requested.emit(model.ids[row], "communication")
