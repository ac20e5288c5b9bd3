"""The window of an HQ store: the same lock screen as the field app, then the HQ workspace.
Built by ``build_hq_window`` (the HQ side of the composition root)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from ...core.i18n import _
from ...vault.paths import default_vault_dir
from ..clipboard import SensitiveClipboard
from ..idle import IdleWatcher
from ..launch import create_app, setup_language, show_demo, system_language, throwaway_folder
from ..lock_screen import LockScreen
from ..opening import open_field_vault
from ..record_form import FormContext
from ..settings import Settings
from ..store_choice import FIELD, HQ
from ..tasks import TaskRunner
from .session import HqSession
from .workspace import HqWorkspace


class HqWindow(QMainWindow):
    language_changed = Signal(str)

    def __init__(self, session: HqSession, store_dir: Path, settings: Settings,
                 idle: IdleWatcher, parent: QWidget | None = None, *,
                 field_dir: Path | None = None):
        super().__init__(parent)
        self.session = session
        self.store_dir = store_dir
        # the field vault offered when the person chooses "Field vault" on the lock screen
        self.field_dir = field_dir or default_vault_dir()
        self.settings = settings
        self.idle = idle
        self.resize(1360, 800)
        self.clipboard = SensitiveClipboard(settings.clipboard_clear_seconds * 1000, self)
        self.context = FormContext(self.clipboard, settings.mask_identity)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.busy = QLabel()
        self.statusBar().addPermanentWidget(self.busy)
        session.failed.connect(lambda msg: self.statusBar().showMessage(msg, 10_000))
        session.busy_changed.connect(
            lambda busy: self.busy.setText(_("Working…") if busy else ""))
        self._build()
        self.idle.idle.connect(self.lock)
        self.show_lock_screen()

    def _build(self) -> None:
        """Everything that shows words: built again when the language changes."""
        self.setWindowTitle(_("HRD Field — headquarters"))
        self.busy.setAccessibleName(_("Activity"))
        self.lock_screen = LockScreen()
        self.workspace = HqWorkspace(self.session, self.context)
        self.stack.addWidget(self.lock_screen)
        self.stack.addWidget(self.workspace)
        self.lock_screen.unlock_requested.connect(self._unlock)
        self.lock_screen.create_requested.connect(self._create_field_vault)
        self.session.upgrading.connect(self.lock_screen.show_upgrading)
        menu = self.menuBar().addMenu(_("&File"))
        settings_action = QAction(_("&Settings…"), self)
        settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        settings_action.triggered.connect(self.edit_settings)
        menu.addAction(settings_action)
        self.lock_action = QAction(_("&Lock"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        menu.addAction(self.lock_action)
        quit_action = QAction(_("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)
        go = self.menuBar().addMenu(_("&Go"))
        for i in range(self.workspace.nav.count()):
            action = QAction(self.workspace.nav.item(i).text(), self)
            action.setShortcut(QKeySequence(f"Alt+{i + 1}"))
            action.triggered.connect(lambda _c=False, row=i: self.workspace.nav.setCurrentRow(row))
            go.addAction(action)

    def editing(self) -> bool:
        """Unsaved casework has no draft at HQ: with an editor holding changes the language
        waits (the setting is kept for the next start), and the person is told."""
        if not any(editor.dirty for editor in self.workspace.editors()):
            return False
        box = QMessageBox(QMessageBox.Icon.Information, _("Language"), _(
            "Save or close the records you are editing first; the new language is used "
            "from the next start, or when you choose it again."), parent=self)
        box.finished.connect(box.deleteLater)
        box.open()
        return True

    def retranslate(self) -> None:
        """Build every view again in the new language; the open section and the records
        open in tabs come back."""
        was_open = self.session.is_open
        row = self.workspace.nav.currentRow()
        open_ids = [e.base.id for e in self.workspace.editors() if not e.is_new]
        old = (self.lock_screen, self.workspace)
        self.workspace.drop_everything()
        self.menuBar().clear()
        self._build()
        for widget in old:
            self.stack.removeWidget(widget)
            widget.deleteLater()
        if was_open:
            self.show_workspace()
            self.workspace.nav.setCurrentRow(row)
            for record_id in open_ids:
                self.workspace.open_record(record_id)
        else:
            self.show_lock_screen()

    def edit_settings(self) -> None:
        from ..settings_dialog import edit_settings

        edit_settings(self.settings, self, self._settings_saved)

    def _settings_saved(self) -> None:
        self.idle.set_timeout(self.settings.autolock_minutes * 60_000)
        self.context.mask_identity = self.settings.mask_identity
        self.clipboard.set_timeout(self.settings.clipboard_clear_seconds * 1000)
        self.language_changed.emit(self.settings.language)

    def show_lock_screen(self, message: str = "") -> None:
        creating = not (self.field_dir / "vault.key").exists()
        self.lock_screen.set_mode(creating=creating, location=self.field_dir, kind=HQ,
                                  hq_location=self.store_dir)
        self.lock_screen.reset(message)
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_action.setEnabled(False)
        self.idle.stop()

    def _unlock(self, passphrase: str) -> None:
        screen = self.lock_screen
        if screen.kind() == FIELD:
            open_field_vault(self, screen, self.settings, self.field_dir, passphrase)
            return
        folder = screen.choice.location()
        if folder is None:
            return
        self.store_dir = folder
        screen.set_busy(True, _("Unlocking…"))
        self.session.unlock(folder, passphrase, self._opened, screen.show_error,
                            database=screen.choice.database_address())

    def _create_field_vault(self, passphrase: str) -> None:
        open_field_vault(self, self.lock_screen, self.settings, self.field_dir, passphrase,
                         create=True)

    def _opened(self, _v: None) -> None:
        self.settings.remember_opened(HQ, self.store_dir)
        self.show_workspace()

    def show_workspace(self) -> None:
        self.stack.setCurrentWidget(self.workspace)
        self.lock_action.setEnabled(True)
        self.workspace.populate()
        self.workspace.nav.setFocus()
        self.idle.start()

    def lock(self) -> None:
        if not self.session.is_open:
            return
        self.workspace.drop_everything()
        self.clipboard.clear()
        self.session.lock()
        self.show_lock_screen(_("Locked."))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.close_now()
        self.clipboard.clear()
        event.accept()


def build_hq_window(store_dir: Path, settings: Settings | None = None,
                    language: str | None = None, field_dir: Path | None = None) -> HqWindow:
    settings = settings or Settings.load()
    app = create_app()
    setup_language(app, language or settings.language or system_language())
    runner = TaskRunner()
    session = HqSession(runner)
    idle = IdleWatcher(settings.autolock_minutes * 60_000)
    app.installEventFilter(idle)
    window = HqWindow(session, store_dir, settings, idle, field_dir=field_dir)
    for service in (runner, session, idle):
        service.setParent(window)

    def switch(lang: str) -> None:
        if not window.editing():
            setup_language(app, lang or system_language())
            window.retranslate()

    window.language_changed.connect(switch)
    return window


DEMO_PASSPHRASE = "demo HQ store: fictional records only"  # noqa: S105 - public by design


def run_hq_demo(folder: Path | None, language: str | None = None) -> int:
    """A populated throw-away HQ store (``hrd-field demo --hq``), opened unlocked."""
    import contextlib

    from ...cli.demo_hq import make_demo_hq

    with contextlib.ExitStack() as stack:
        root = folder or stack.enter_context(throwaway_folder("hrd-field-hq-demo-"))
        store_dir = root / "hq"
        if not (store_dir / "vault.key").exists():
            make_demo_hq(root, DEMO_PASSPHRASE)
        window = build_hq_window(store_dir, language=language)
        window.session.unlock(store_dir, DEMO_PASSPHRASE, lambda _v: window.show_workspace(),
                              window.lock_screen.show_error)
        return show_demo(window, DEMO_PASSPHRASE)
