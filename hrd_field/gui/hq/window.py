"""The window of an HQ store: the same lock screen as the field app, then the HQ workspace.
Built by ``build_hq_window`` (the HQ side of the composition root)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget, QWidget

from ...core.i18n import _
from ..clipboard import SensitiveClipboard
from ..idle import IdleWatcher
from ..launch import create_app, setup_language, show_demo, system_language, throwaway_folder
from ..lock_screen import LockScreen
from ..record_form import FormContext
from ..settings import Settings
from ..tasks import TaskRunner
from .session import HqSession
from .workspace import HqWorkspace


class HqWindow(QMainWindow):
    def __init__(self, session: HqSession, store_dir: Path, settings: Settings,
                 idle: IdleWatcher, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.store_dir = store_dir
        self.idle = idle
        self.setWindowTitle(_("HRD Field — headquarters"))
        self.resize(1360, 800)
        self.clipboard = SensitiveClipboard(settings.clipboard_clear_seconds * 1000, self)
        self.context = FormContext(self.clipboard, settings.mask_identity)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.lock_screen = LockScreen()
        self.workspace = HqWorkspace(session, self.context)
        self.stack.addWidget(self.lock_screen)
        self.stack.addWidget(self.workspace)
        self.lock_screen.unlock_requested.connect(self._unlock)
        self.busy = QLabel()
        self.busy.setAccessibleName(_("Activity"))
        self.statusBar().addPermanentWidget(self.busy)
        session.failed.connect(lambda msg: self.statusBar().showMessage(msg, 10_000))
        session.busy_changed.connect(
            lambda busy: self.busy.setText(_("Working…") if busy else ""))
        menu = self.menuBar().addMenu(_("&File"))
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
        self.idle.idle.connect(self.lock)
        self.show_lock_screen()

    def show_lock_screen(self, message: str = "") -> None:
        self.lock_screen.set_mode(creating=False, location=self.store_dir)
        self.lock_screen.reset(message)
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_action.setEnabled(False)
        self.idle.stop()

    def _unlock(self, passphrase: str) -> None:
        self.lock_screen.set_busy(True, _("Unlocking…"))
        self.session.unlock(self.store_dir, passphrase, lambda _v: self.show_workspace(),
                            lambda msg: self.lock_screen.show_error(msg))

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
                    language: str | None = None) -> HqWindow:
    settings = settings or Settings.load()
    app = create_app()
    setup_language(app, language or settings.language or system_language())
    runner = TaskRunner()
    session = HqSession(runner)
    idle = IdleWatcher(settings.autolock_minutes * 60_000)
    app.installEventFilter(idle)
    window = HqWindow(session, store_dir, settings, idle)
    for service in (runner, session, idle):
        service.setParent(window)
    return window


def run_hq(store_dir: Path, language: str | None = None) -> int:
    window = build_hq_window(store_dir, language=language)
    window.show()
    return QApplication.instance().exec()  # type: ignore[union-attr]


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
