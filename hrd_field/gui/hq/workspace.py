"""The HQ workspace: inbox, devices, received records, communications and their deadlines,
the reprisals file, recommendations, legislation, reports. Casework lists and editors are
the field's, generated from the record model."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.casework import ALL_RECORD_TYPES
from ...core.i18n import N_, UN_LANGUAGES, _
from ...core.records import Record
from ..frame import record_tabs, section_nav
from ..record_form import FormContext
from ..record_list import RecordListView
from ..record_model import RecordTableModel
from .session import HqSession
from .views import (
    DeadlinesView,
    DevicesView,
    FollowUpDialog,
    InboxView,
    ReceivedView,
    ReprisalNotes,
    add_reminder,
    add_reply,
)

if TYPE_CHECKING:
    from ..record_editor import RecordEditor

NAV = [
    ("inbox", N_("Inbox")),
    ("devices", N_("Devices")),
    ("received", N_("Received records")),
    ("communication", N_("Communications")),
    ("deadlines", N_("Deadlines")),
    ("reprisals", N_("Reprisals file")),
    ("recommendation", N_("Recommendations")),
    ("legislation", N_("Legislation")),
    ("reports", N_("Reports")),
]
LANGUAGE_NAMES = {"ar": "العربية", "zh": "中文", "en": "English", "fr": "Français",
                  "ru": "Русский", "es": "Español"}


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
            rid = self.list.model.data(self.list.model.index(index.row(), 0),
                                       RecordTableModel.IdRole)
            if rid:
                self._last = str(rid)
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
        self.session.today(self._set_today, parent=self)

    def _set_today(self, today: date) -> None:
        self.list.reply_today = today.isoformat


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
        row = current.row()  # type: ignore[attr-defined]
        rid = self.list.model.data(self.list.model.index(row, 0), RecordTableModel.IdRole) \
            if row >= 0 else None
        if rid:
            self.notes.load(rid)

    def refresh(self) -> None:
        self.list.refresh()


class HqWorkspace(QSplitter):
    def __init__(self, session: HqSession, context: FormContext,
                 parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.session = session
        self.context = context
        self.nav = section_nav(NAV)
        self.addWidget(self.nav)

        self.tabs, self.browse = record_tabs()
        self.addWidget(self.tabs)
        self.setStretchFactor(1, 1)

        self.inbox = InboxView(session)
        self.devices = DevicesView(session)
        self.received = ReceivedView(session)
        self.communications = CommunicationsView(session)
        self.deadlines = DeadlinesView(session)
        self.reprisals = ReprisalsView(session)
        self.recommendations = RecordListView(session, "recommendation", _("Recommendations"))
        self.legislation = RecordListView(session, "legislation", _("Legislation"))
        self.reports = self._reports_view()
        self.views: dict[str, QWidget] = {
            "inbox": self.inbox, "devices": self.devices, "received": self.received,
            "communication": self.communications, "deadlines": self.deadlines,
            "reprisals": self.reprisals, "recommendation": self.recommendations,
            "legislation": self.legislation, "reports": self.reports}
        for key, _label in NAV:
            self.browse.addWidget(self.views[key])

        for view in (self.communications.list, self.recommendations, self.legislation):
            view.open_requested.connect(self.open_record)
            view.new_requested.connect(self.new_record)
        self.deadlines.open_requested.connect(self.open_record)
        self.received.new_communication.connect(self.communication_from)
        self.received.acknowledge.connect(self.acknowledge)
        self.nav.currentRowChanged.connect(self._navigate)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        session.changed.connect(self._changed)
        self.nav.setCurrentRow(0)

    def _reports_view(self) -> QWidget:
        from ...hq.reports import StoreSource, build_report
        from .reports_view import ReportsView

        def run(spec: object, on_done: object, on_error: object) -> None:
            self.session.run_report(lambda repo: build_report(spec, StoreSource(repo)),  # type: ignore[arg-type]
                                    on_done, on_error)  # type: ignore[arg-type]

        return ReportsView(run)

    # -- navigation ------------------------------------------------------------------------------
    def _navigate(self, row: int) -> None:
        if row < 0:
            return
        if not self.session.is_open:  # built before unlock: the views load on show
            self.browse.setCurrentIndex(row)
            return
        self.browse.setCurrentIndex(row)
        self.tabs.setCurrentIndex(0)
        view = self.views[NAV[row][0]]
        refresh = getattr(view, "refresh", None)
        if callable(refresh):
            refresh()

    def show_section(self, key: str) -> None:
        self.nav.setCurrentRow([k for k, _l in NAV].index(key))

    def populate(self) -> None:
        self._navigate(self.nav.currentRow())

    def _changed(self, record_type: str) -> None:
        for view in (self.communications, self.recommendations, self.legislation):
            if getattr(view, "record_type", "communication") == record_type or \
                    (view is self.communications and record_type == "communication"):
                view.refresh()
        if record_type == "communication":
            self.deadlines.refresh()

    # -- editors ---------------------------------------------------------------------------------
    def editors(self) -> list[RecordEditor]:
        from ..record_editor import RecordEditor

        return [w for i in range(1, self.tabs.count())
                if isinstance(w := self.tabs.widget(i), RecordEditor)]

    def new_record(self, record_type: str) -> None:
        if record_type == "communication":
            self.session.new_communication(self._open_new,
                                           parent=self)
        else:
            self._open_editor(ALL_RECORD_TYPES[record_type](), is_new=True)

    def communication_from(self, record_ids: list[str]) -> None:
        if not record_ids:
            self.received.detail.setPlainText(_("Select one or more records first."))
            return
        self.session.communication_from(record_ids,
                                        self._open_new,
                                        self.received.detail.setPlainText, parent=self)

    def open_record(self, record_id: str, _record_type: str = "") -> None:
        for editor in self.editors():
            if editor.base.id == record_id:
                self.tabs.setCurrentWidget(editor)
                return
        self.session.get(record_id, self._open_saved,
                         parent=self)

    def _open_new(self, record: Record) -> None:
        self._open_editor(record, is_new=True)

    def _open_saved(self, record: Record) -> None:
        self._open_editor(record, is_new=False)

    def _open_editor(self, record: Record, *, is_new: bool) -> RecordEditor:
        from .editor import CaseworkEditor

        editor = CaseworkEditor(self.session, record, is_new=is_new, context=self.context,
                              missions=[])
        index = self.tabs.addTab(editor, "")
        editor.title_changed.connect(lambda t, e=editor: self._retitle(e, t))
        editor.closed.connect(lambda e=editor: self._remove_editor(e))
        editor._show_header(editor.base)
        self.tabs.setCurrentIndex(index)
        return editor

    def _retitle(self, editor: RecordEditor, title: str) -> None:
        index = self.tabs.indexOf(editor)
        if index > 0:
            self.tabs.setTabText(index, title if len(title) <= 28 else title[:27] + "…")
            self.tabs.setTabToolTip(index, title)

    def _close_tab(self, index: int) -> None:
        from ..record_editor import RecordEditor

        widget = self.tabs.widget(index)
        if isinstance(widget, RecordEditor):
            widget.request_close()

    def _remove_editor(self, editor: RecordEditor) -> None:
        index = self.tabs.indexOf(editor)
        if index > 0:
            self.tabs.removeTab(index)
        editor.deleteLater()

    def drop_everything(self) -> None:
        for editor in self.editors():
            editor.discard_on_lock()
            self._remove_editor(editor)

    # -- acknowledgements ------------------------------------------------------------------------
    def acknowledge(self, record_id: str) -> None:
        names = [LANGUAGE_NAMES[code] for code in UN_LANGUAGES]
        choice, ok = QInputDialog.getItem(self, _("Acknowledgement letter"),
                                          _("Language of the letter:"), names, 2, False)
        if not ok:
            return
        lang = UN_LANGUAGES[names.index(choice)]
        path, _f = QFileDialog.getSaveFileName(
            self, _("Save the letter"), str(Path.home() / f"acknowledgement-{lang}.pdf"),
            "PDF (*.pdf)")
        if not path:
            return
        self.session.acknowledge(record_id, lang, Path(path), lambda p: self.received.detail
                                 .setPlainText(_("Written to {path}.").format(path=p)),
                                 self.received.detail.setPlainText, parent=self)
