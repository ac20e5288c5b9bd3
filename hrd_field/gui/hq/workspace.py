"""The HQ workspace: inbox, devices, received records, communications and their deadlines,
the reprisals file, recommendations, legislation, reports. Casework lists and editors are
the field's, generated from the record model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QWidget,
)

from ...core.casework import ALL_RECORD_TYPES
from ...core.i18n import N_, UN_LANGUAGES, _
from ...core.records import Record
from ..frame import WorkspaceFrame
from ..record_form import FormContext
from ..record_list import RecordListView
from .communications_view import CommunicationsView
from .deadlines_view import DeadlinesView
from .devices_view import DevicesView
from .inbox_view import InboxView
from .received_view import ReceivedView
from .reprisals_view import ReprisalsView
from .session import HqSession

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


class HqWorkspace(WorkspaceFrame):
    def __init__(self, session: HqSession, context: FormContext,
                 parent: QWidget | None = None):
        super().__init__(NAV, parent)
        self.session = session
        self.context = context

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
        if self.show_editor(record_id):
            return
        self.session.get(record_id, self._open_saved,
                         parent=self)

    def _open_new(self, record: Record) -> None:
        self._open_editor(record, is_new=True)

    def _open_saved(self, record: Record) -> None:
        self._open_editor(record, is_new=False)

    def _open_editor(self, record: Record, *, is_new: bool) -> RecordEditor:
        from .editor import CaseworkEditor

        return self.add_editor(CaseworkEditor(self.session, record, is_new=is_new,
                                              context=self.context, missions=[]))

    def drop_everything(self) -> None:
        self.drop_editors()

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
