"""The unlocked workspace: navigation, the record lists, the mission page, open editors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ..core.i18n import N_, _
from ..core.mission_defaults import with_mission_defaults
from ..core.records import RECORD_TYPES, Mission, Record

if TYPE_CHECKING:  # the editor stack (forms, attachments, Pillow) loads on first use
    from .record_editor import RecordEditor
from .frame import WorkspaceFrame
from .mission_page import MissionPage
from .outbox_view import OutboxView
from .record_form import FormContext
from .record_list import RecordListView
from .session import VaultSession
from .sync_controller import SyncState

NAV = [
    ("mission_page", N_("Current mission")),
    ("mission", N_("Missions")),
    ("consultation", N_("Consultations")),
    ("threat_report", N_("Threat reports")),
    ("reprisal_incident", N_("Reprisal incidents")),
    ("person", N_("People")),
    ("outbox", N_("Outbox")),
]


class Workspace(WorkspaceFrame):
    missions_loaded = Signal(list)
    sync_requested = Signal()
    current_mission_changed = Signal(object)  # mission id or None

    def __init__(self, session: VaultSession, context: FormContext,
                 parent: QWidget | None = None):
        super().__init__(NAV, parent)
        self.session = session
        self.context = context
        self.current_mission: str | None = None
        self._mission: Mission | None = None  # the current one, for new records' defaults
        self._opening: set[str] = set()
        self._chosen = False
        self.missions: list[tuple[str, str]] = []


        self.mission_page = MissionPage(session)
        self.mission_page.open_requested.connect(self.open_record)
        self.browse.addWidget(self.mission_page)
        self.lists: dict[str, RecordListView] = {}
        for key, label in NAV[1:-1]:
            view = RecordListView(session, key, _(label))
            view.open_requested.connect(self.open_record)
            view.new_requested.connect(self.new_record)
            self.lists[key] = view
            self.browse.addWidget(view)
        self.outbox = OutboxView(session)
        self.outbox.sync_requested.connect(self.sync_requested)
        self.browse.addWidget(self.outbox)

        self.nav.currentRowChanged.connect(self._navigate)
        session.changed.connect(self._records_changed)
        self.nav.setCurrentRow(1)

    # -- navigation --------------------------------------------------------------------------
    def _navigate(self, row: int) -> None:
        if row < 0:
            return
        key = NAV[row][0]
        self.browse.setCurrentIndex(row)
        self.tabs.setCurrentIndex(0)
        if key == "mission_page":
            self.mission_page.set_mission(self.current_mission)
        elif key == "outbox":
            self.outbox.refresh()

    def current_list(self) -> RecordListView | None:
        widget = self.browse.currentWidget()
        return widget if isinstance(widget, RecordListView) else None

    def current_section(self) -> str:
        return NAV[max(self.nav.currentRow(), 0)][0]

    def populate(self, mission_id: str | None = None) -> None:
        """After unlock: the missions, the current one (remembered in the vault unless
        given), every list, and the drafts left open."""
        self.reload_missions()
        if mission_id is not None:
            self.set_current_mission(mission_id)
        else:
            self.session.remembered_mission(self._remembered, parent=self)
        self.session.drafts_to_restore(self._restore_drafts, parent=self)

    def _remembered(self, mission: Mission | None) -> None:
        if self._chosen:
            return  # the user picked one while this was loading: theirs wins
        self._set_current(mission.id if mission else None, mission, remember=False)

    def _restore_drafts(self, drafts: list[tuple[Record, bool]]) -> None:
        """Work that was being edited when the vault was locked or the app died."""
        for draft, exists in drafts[:20]:
            if exists:
                self.open_record(draft.id)
            else:
                self._open_editor(draft, is_new=True, draft_restored=True)

    def reload_missions(self) -> None:
        self.session.mission_titles(self._missions, parent=self)

    def _missions(self, missions: list[tuple[str, str]]) -> None:
        self.missions = missions
        for view in self.lists.values():
            view.set_missions(missions)
        self.missions_loaded.emit(missions)

    def show_sync_state(self, state: SyncState) -> None:
        self.outbox.show_sync_state(state)

    def sync_finished(self, _report: object) -> None:
        self.outbox.refresh()

    def set_current_mission(self, mission_id: str | None) -> None:
        """The user chose (or made) the current mission: lists follow, new records take
        its country and dates, and it is remembered across restarts."""
        self._chosen = True
        self._set_current(mission_id, None, remember=True)

    def _set_current(self, mission_id: str | None, mission: Mission | None, *,
                     remember: bool) -> None:
        self.current_mission = mission_id
        self._mission = mission
        if mission_id is not None and mission is None:
            self.session.get(mission_id, self._got_mission, lambda _f: None, parent=self)
        if remember:
            self.session.remember_mission(mission_id)
        self.mission_page.set_mission(mission_id)
        for view in self.lists.values():
            view.set_current_mission(mission_id)
        self.current_mission_changed.emit(mission_id)

    def _got_mission(self, record: Record) -> None:
        if isinstance(record, Mission) and record.id == self.current_mission:
            self._mission = record

    def _records_changed(self, record_type: str) -> None:
        view = self.lists.get(record_type)
        if view is not None:
            view.refresh()
        if record_type == "mission":
            self.reload_missions()
        self.mission_page.refresh()

    # -- editors -----------------------------------------------------------------------------
    def new_record(self, record_type: str) -> RecordEditor:
        record = RECORD_TYPES[record_type]()
        loaded = self._mission if self._mission is not None and \
            self._mission.id == self.current_mission else None
        if record_type != "mission":
            record.mission_id = self.current_mission
            record = with_mission_defaults(record, loaded)
        editor = self._open_editor(record, is_new=True)
        if record_type != "mission" and self.current_mission is not None and loaded is None:
            # New right after choosing the mission, on a busy vault: its record is still on
            # its way, and its country and dates follow when it comes.
            self.session.get(self.current_mission, editor.take_mission_defaults,
                             lambda _f: None, parent=editor)
        if record_type == "mission":
            # A mission made now is the one being worked on.
            editor.saved.connect(lambda saved: self.set_current_mission(saved.id)
                                 if saved.id != self.current_mission else None)
        return editor

    def open_record(self, record_id: str, _record_type: str = "") -> None:
        if self.show_editor(record_id):
            return
        if record_id in self._opening:
            return  # asked twice (a restored draft and a reopened tab): one editor
        self._opening.add(record_id)
        self.session.record_with_draft(record_id, self._opened, parent=self)

    def _opened(self, pair: tuple[Record, Record | None]) -> None:
        record, draft = pair
        self._opening.discard(record.id)
        if draft is not None and draft.version == record.version:
            self._open_editor(draft, is_new=False, draft_restored=True, base=record)
        else:
            self._open_editor(record, is_new=False)

    def _open_editor(self, record: Record, *, is_new: bool, draft_restored: bool = False,
                     base: Record | None = None) -> RecordEditor:
        from .record_editor import RecordEditor

        editor = RecordEditor(self.session, base or record, is_new=is_new, context=self.context,
                              missions=self.missions, draft_restored=draft_restored)
        if base is not None:
            editor.form.load(record)  # the draft's content over the saved version
            editor.dirty = True
        return self.add_editor(editor)

    def flush_drafts(self) -> None:
        for editor in self.editors():
            editor.autosave()

    def drop_everything(self) -> None:
        """On lock: editors and loaded rows leave memory; nothing is written."""
        self.drop_editors()
        for view in self.lists.values():
            view.model.clear()
            view.search.clear()
        self.mission_page.set_mission(None)
