"""The application window: lock screen or workspace, menus, auto-lock, panic erase."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from ..core.i18n import _
from ..vault.paths import VaultPaths

if TYPE_CHECKING:
    from ..bundle.profile import HqProfile
    from .record_form import FormContext
    from .workspace import Workspace
from . import file_dialogs
from .clipboard import SensitiveClipboard
from .field_menus import build_actions, build_toolbar
from .idle import IdleWatcher, autolock_minutes
from .lock_screen import LockScreen
from .session import VaultSession
from .settings import Settings
from .settings_dialog import edit_settings
from .status_line import StatusLine
from .store_choice import FIELD, HQ
from .sync_controller import SyncController, SyncState
from .tasks import Failure, FailureKind
from .widgets import CodeCombo, isolate
from .window_events import OnExpose, WindowShortcuts


class MainWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()
    language_changed = Signal(str)
    # built by field_menus (again at each language change)
    new_actions: list[QAction]
    new_action: QAction
    find_action: QAction
    export_action: QAction
    lock_action: QAction
    panic_action: QAction
    enrol_action: QAction
    unlocked_actions: list[QAction]
    mission_combo: CodeCombo
    mission_bar: QToolBar

    def __init__(self, session: VaultSession, vault_dir: Path, settings: Settings,
                 sync: SyncController, idle: IdleWatcher, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.sync = sync
        self.idle = idle
        self.vault_dir = vault_dir
        self.settings = settings
        self._autolock_policy: int | None = None
        self.setWindowTitle(_("HRD Field"))
        self.resize(1280, 760)
        self.clipboard = SensitiveClipboard(settings.clipboard_clear_seconds * 1000, self)
        self._context: FormContext | None = None
        self._prepare_pending = False
        self._exposed = OnExpose(self._build_when_exposed, self)

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self._build_views()
        build_actions(self)
        build_toolbar(self)
        self.busy = QLabel()
        self.busy.setAccessibleName(_("Activity"))
        self.sync_label = StatusLine()
        self.sync_label.setAccessibleName(_("Sync status"))
        self.enrol_label = QLabel()
        self.enrol_label.setAccessibleName(_("Enrolment status"))
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().addPermanentWidget(self.enrol_label)
        self.sync.state_changed.connect(self._sync_state)
        self.idle.idle.connect(self.lock)
        self._shortcuts = WindowShortcuts(self, self.global_actions)
        self._filtering = False
        session.failed.connect(lambda msg: self.statusBar().showMessage(msg, 10_000))
        session.integrity_checking.connect(lambda: self.statusBar().showMessage(_(
            "The vault was not closed properly: checking it while you work…")))
        session.integrity_checked.connect(self._integrity_checked)
        session.busy_changed.connect(
            lambda busy: self.busy.setText(_("Working…") if busy else ""))
        self.show_lock_screen()

    def _build_views(self) -> None:
        self.lock_screen = LockScreen()
        self._workspace: Workspace | None = None
        self.stack.addWidget(self.lock_screen)
        self.lock_screen.unlock_requested.connect(self._unlock)
        self.lock_screen.create_requested.connect(self._create)
        self.lock_screen.check_requested.connect(self._check)
        self.session.upgrading.connect(self.lock_screen.show_upgrading)

    @property
    def workspace(self) -> Workspace:
        """The lists and editors, built on first use: the lock screen shows without them,
        and ``prepare`` builds them while the person types the passphrase."""
        if self._workspace is None:
            self._build_workspace()
        assert self._workspace is not None
        return self._workspace

    def _build_workspace(self) -> None:
        from .workspace import Workspace

        focus, active = self.focusWidget(), QApplication.activeWindow()
        # built inside the stack: a parentless widget would be a window of its own
        self._workspace = workspace = Workspace(self.session, self.context, self.stack)
        self.stack.addWidget(workspace)
        workspace.missions_loaded.connect(self._missions_loaded)
        workspace.current_mission_changed.connect(self.mission_combo_follow)
        workspace.sync_requested.connect(self.sync.sync_now)
        self.sync.state_changed.connect(workspace.show_sync_state)
        self.sync.finished.connect(workspace.sync_finished)
        # Building the lists makes top-level popup frames for their combo boxes, and a shown
        # window lost its activation (and the passphrase field its keys): give them back.
        if self.isVisible() and active in (None, self):
            self.activateWindow()
            if focus is not None:
                focus.setFocus()

    @property
    def context(self) -> FormContext:
        if self._context is None:
            from .record_form import FormContext

            self._context = FormContext(self.clipboard, self.settings.mask_identity)
        return self._context

    def prepare(self) -> None:
        """Build the workspace as soon as the window has been shown (Qt paints it while it
        handles the expose event), while the person types the passphrase: start-up shows
        the lock screen without waiting for the lists and editors."""
        self._prepare_pending = self._workspace is None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if (self._prepare_pending or not self._filtering) and handle is not None:
            handle.installEventFilter(self._exposed)

    def _filter_app_events(self) -> None:
        """Auto-lock's activity watch and the shortcut priority see every event of the
        application. They start once the lock screen is on screen: an app-wide filter
        written in Python makes PySide6 build a Python type and its enums for each kind of
        object an event reaches, and while the lock screen was being built that came to
        some 190 enums (measured ~70 ms, bench/gui.py step 1). No input reaches a window
        before it is shown."""
        app = QApplication.instance()
        if self._filtering or app is None:
            return
        self._filtering = True
        app.installEventFilter(self.idle)
        app.installEventFilter(self._shortcuts)

    def _build_when_exposed(self) -> None:
        # Right after this paint, not in it: the lock screen is on screen first.
        QTimer.singleShot(0, self._filter_app_events)
        if self._prepare_pending:
            self._prepare_pending = False
            QTimer.singleShot(0, self._load_rest)

    def _load_rest(self) -> None:
        self.session.load_vault_stack()
        _ = self.workspace

    def _sync_state(self, state: SyncState) -> None:
        self.sync_label.set_status(state.text)

    def retranslate(self) -> None:
        """Rebuild every view in the current language. The section shown, the current
        mission and the open editors come back (unsaved work through its draft)."""
        was_open = self.session.is_open
        mission = self.workspace.current_mission
        section = self.workspace.current_section()
        open_ids = [e.base.id for e in self.workspace.editors() if not e.is_new]
        self.workspace.flush_drafts()
        old_lock, old_workspace = self.lock_screen, self.workspace
        old_workspace.drop_everything()
        self.menuBar().clear()
        self.removeToolBar(self.mission_bar)
        self.mission_bar.deleteLater()
        self._build_views()
        build_actions(self)
        build_toolbar(self)
        for widget in (old_lock, old_workspace):
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.setWindowTitle(_("HRD Field"))
        if was_open:
            self.show_workspace(mission)
            self.workspace.show_section(section)
            for record_id in open_ids:
                self.workspace.open_record(record_id)
        else:
            self.show_lock_screen()
            self.prepare()

    # -- actions -----------------------------------------------------------------------------
    def mission_combo_follow(self, mission_id: str | None) -> None:
        if self.mission_combo.findData(mission_id) < 0 and mission_id is not None:
            title = dict(self.workspace.missions).get(mission_id, "…")
            self.mission_combo.addItem(title, mission_id)
        self.mission_combo.set_code(mission_id)

    def _missions_loaded(self, missions: list[tuple[str, str]]) -> None:
        current = self.mission_combo.code()
        self.mission_combo.clear()
        self.mission_combo.addItem(_("— none —"), None)
        for mission_id, title in missions:
            self.mission_combo.addItem(title, mission_id)
        self.mission_combo.set_code(current)

    # -- lock / unlock -----------------------------------------------------------------------
    def show_lock_screen(self, message: str = "") -> None:
        creating = not VaultPaths(self.vault_dir).keyfile.exists()
        hq_store = Path(self.settings.hq_store) if self.settings.hq_store else None
        self.lock_screen.set_mode(creating=creating, location=self.vault_dir,
                                  hq_location=hq_store)
        self.lock_screen.reset(message)
        self.stack.setCurrentWidget(self.lock_screen)
        self.mission_bar.hide()
        for action in self.unlocked_actions:
            action.setEnabled(False)
        self.idle.stop()

    def _unlock(self, passphrase: str) -> None:
        if self.lock_screen.kind() == HQ:
            from .opening import open_hq_store

            folder = self.lock_screen.choice.location()
            if folder is None:
                return  # the Unlock button waits for a folder
            open_hq_store(self, self.lock_screen, self.settings, folder, passphrase,
                          self.lock_screen.choice.database_address(), self.vault_dir)
            return
        self.lock_screen.set_busy(True, _("Unlocking…"))
        self.session.unlock(self.vault_dir, passphrase, self._opened, self._unlock_failed)

    def _opened(self, _v: None) -> None:
        self.settings.remember_opened(FIELD)
        self.show_workspace()

    def _create(self, passphrase: str) -> None:
        self.lock_screen.set_busy(True, _("Creating the vault…"))
        self.session.create(self.vault_dir, passphrase, self._opened, self._unlock_failed)

    def _integrity_checked(self, problems: list[str]) -> None:
        if not problems:
            self.statusBar().showMessage(_("The vault was checked: it is intact."), 10_000)
            return
        self.statusBar().clearMessage()
        box = QMessageBox(QMessageBox.Icon.Warning, _("The vault is damaged"), _(
            "The check after the unclean shutdown found damage in the vault file.\n\n"
            "Nothing more will be written to this vault; you can still read and export what "
            "it holds. Keep a copy of the vault folder, then run '{command}' to rescue what "
            "can be read.").format(command=isolate("hrd-field vault salvage --out NEW_FOLDER")),
            QMessageBox.StandardButton.Ok, self)
        box.setDetailedText("\n".join(problems[:20]))  # the checker's words, for support
        from PySide6.QtCore import Qt

        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the app goes on while the message is up

    def _unlock_failed(self, failure: Failure) -> None:
        self.lock_screen.show_error(failure, offer_check=failure.kind is FailureKind.DAMAGED)

    def _check(self, passphrase: str) -> None:
        def done(problems: list[str]) -> None:
            text = _("The vault is intact.") if not problems else "\n".join(problems[:10])
            QMessageBox.information(self, _("Integrity check"), text)
            self.lock_screen.set_busy(False)

        self.lock_screen.set_busy(True, _("Checking…"))
        self.session.check_integrity(self.vault_dir, passphrase, done, self._unlock_failed)

    def show_workspace(self, mission_id: str | None = None) -> None:
        self.stack.setCurrentWidget(self.workspace)
        self.mission_bar.show()
        for action in self.unlocked_actions:
            action.setEnabled(True)
        self.workspace.populate(mission_id)
        self.workspace.nav.setFocus()
        self._filter_app_events()  # a window never shown (tests, scripts) still locks
        self.idle.start()
        self.sync.start()
        self._refresh_enrolment()
        self.unlocked.emit()

    def lock(self) -> None:
        if not self.session.is_open:
            return
        self.sync.stop()
        self.sync_label.set_status("")
        self.enrol_label.clear()
        self.workspace.flush_drafts()  # queued before the lock on the same worker
        self._close_dialogs()
        self.workspace.drop_everything()
        self._drop_search()
        self.clipboard.clear()
        self.session.lock(lambda _v: self.locked.emit())
        self.show_lock_screen(_("Locked. Unsaved changes were kept as drafts."))

    def _close_dialogs(self) -> None:
        """Dialogs showing vault content (export plan, settings, enrolment) go with the
        lock: nothing stays on screen for a bystander."""
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    def panic(self) -> None:
        from .panic import PanicDialog

        dialog = PanicDialog(self)
        dialog.accepted.connect(self.erase_now)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def erase_now(self) -> None:
        """Crypto-erase at once: no question, no waiting for the network."""
        self.sync.stop()
        self._close_dialogs()
        self.workspace.drop_everything()
        self._drop_search()
        self.clipboard.clear()
        file_dialogs.forget()  # folder names Qt's file dialogs remembered
        # Afterwards a plain first-run screen: nothing for a bystander to read.
        self.session.wipe(self._erased)

    def _erased(self, _v: None) -> None:
        self.show_lock_screen()
        self.locked.emit()

    def edit_settings(self) -> None:
        edit_settings(self.settings, self, self._settings_saved)

    def _settings_saved(self) -> None:
        self._apply_autolock()
        self.context.mask_identity = self.settings.mask_identity
        self.clipboard.set_timeout(self.settings.clipboard_clear_seconds * 1000)
        self.language_changed.emit(self.settings.language)

    def enrol(self) -> None:
        from .enrolment import EnrolmentDialog  # the bundle stack loads on first use

        if not self.session.is_open:
            return
        dialog = EnrolmentDialog(self.session, self)
        dialog.enrolled.connect(self._show_enrolment)
        dialog.enrolled.connect(lambda _p: self.sync.sync_now())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _refresh_enrolment(self) -> None:
        self.session.enrolment(lambda state: self._show_enrolment(state[0]), parent=self)

    def _show_enrolment(self, profile: HqProfile | None) -> None:
        from .enrolment import enrolment_text

        self.enrol_label.setText(enrolment_text(profile))
        self._autolock_policy = profile.policy.autolock_minutes if profile else None
        self._apply_autolock()

    def _apply_autolock(self) -> None:
        """The local setting, capped by the auto-lock policy in HQ's signed profile."""
        self.idle.set_timeout(autolock_minutes(self.settings.autolock_minutes,
                                               self._autolock_policy) * 60_000)

    def export(self) -> None:
        from .export_dialog import ExportDialog  # the bundle stack loads on first use

        if self.session.is_open:
            ExportDialog(self.session, None, self).open()

    def global_actions(self) -> list[QAction]:
        """Commands that work wherever the focus is in this window."""
        return [self.export_action, self.lock_action, self.find_action, self.new_action,
                self.panic_action]

    # -- helpers -----------------------------------------------------------------------------
    def new_record(self, record_type: str) -> None:
        if self.session.is_open:
            self.workspace.new_record(record_type)

    def new_in_current_list(self) -> None:
        view = self.workspace.current_list()
        self.new_record(view.record_type if view else "consultation")

    def _drop_search(self) -> None:
        """Search results name records: they leave the screen and memory on lock."""
        from .search_everything import SearchEverything

        for dialog in self.findChildren(SearchEverything):
            dialog.hide()
            dialog.setParent(None)
            dialog.deleteLater()

    def search_everything(self) -> None:
        from .search_everything import SearchEverything

        if not self.session.is_open:
            return
        dialog = self.findChild(SearchEverything)
        if dialog is None:
            dialog = SearchEverything(self.session, self)
            dialog.open_requested.connect(lambda rid, _t: self.workspace.open_record(rid))
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.query.setFocus()
        dialog.query.selectAll()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sync.stop()
        if self.session.is_open:
            self.workspace.flush_drafts()
        self.session.close_now()
        self.clipboard.clear()
        event.accept()
