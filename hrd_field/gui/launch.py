"""Start the desktop app: language, direction, style, the worker, the window."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow

from ..assets import asset_dir
from ..core import i18n
from ..core.i18n import _
from . import collector
from .dates import ui_locale
from .idle import IdleWatcher
from .main_window import MainWindow
from .session import VaultSession
from .settings import Settings
from .store_choice import HQ
from .sync_controller import ClientFactory, SyncController, default_client
from .tasks import TaskRunner

DEMO_PASSPHRASE = "demo vault: fictional records only"  # noqa: S105 - public by design


_QT_LOCALES = {"zh": "zh_CN"}


def system_language() -> str:
    """As the command line reads it (``i18n.language_from_environment``), then what Qt
    knows of the system's settings (Windows, macOS)."""
    found = i18n.language_from_environment()
    if found is not None:
        return found
    name = QLocale.system().name().split("_")[0]
    return name if name in i18n.UN_LANGUAGES else "en"


_TRANSLATORS = "_hrd_field_translators"


def setup_language(app: QApplication, lang: str) -> None:
    """Our catalog, Qt's own (stock dialogs), locale for dates/numbers, and direction."""
    i18n.set_language(lang)
    # The same locale the date helpers use: one convention for digits and dates per
    # language, in every spin box, list and form.
    QLocale.setDefault(ui_locale(lang))
    # The translators this function installed, kept on the app (findChildren would make
    # PySide6 build Python enums for its options: measurable at start-up).
    installed: list[QTranslator] = getattr(app, _TRANSLATORS, [])
    for old in installed:
        app.removeTranslator(old)
        old.deleteLater()
    installed.clear()
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # By locale, not by a bare code: Qt ships qtbase_zh_CN, not qtbase_zh.
    if translator.load(QLocale(_QT_LOCALES.get(lang, lang)), "qtbase", "_", path):
        app.installTranslator(translator)
        installed.append(translator)
    setattr(app, _TRANSLATORS, installed)
    apply_direction(app, i18n.is_rtl(lang))


def apply_direction(app: QApplication, rtl: bool) -> None:
    if app.isRightToLeft() == rtl:
        # Reading PySide6's Qt namespace the first time makes its ~90 Python enums; a
        # left-to-right start never needs them before the lock screen is shown.
        return
    from PySide6.QtCore import Qt

    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl
                           else Qt.LayoutDirection.LeftToRight)


def create_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    app.setApplicationName("HRD Field")
    app.setOrganizationName("hrd-field")
    app.setWindowIcon(QIcon(str(asset_dir("resources").joinpath("icons/hrd-field.svg"))))
    app.setStyleSheet(asset_dir("resources").joinpath("style.qss").read_text("utf-8"))
    collector.install(app)  # Qt objects must never be freed on the vault worker
    return app


def build_window(vault_dir: Path, settings: Settings | None = None,
                 language: str | None = None,
                 make_client: ClientFactory = default_client) -> MainWindow:
    """The composition root: every service the window uses is made and injected here.

    ``make_client`` builds the HTTP client for sync (tests and other deployments pass
    their own). A second kind of workspace (HQ) gets its own builder beside this one and
    reuses ``create_app``, ``setup_language`` and the task runner."""
    settings = settings or Settings.load()
    app = create_app()
    setup_language(app, language or settings.language or system_language())
    runner = TaskRunner()
    session = VaultSession(runner)
    sync = SyncController(session, runner, make_client)
    idle = IdleWatcher(settings.autolock_minutes * 60_000)  # the window installs it
    window = MainWindow(session, vault_dir, settings, sync, idle)
    for service in (runner, session, sync, idle):
        service.setParent(window)

    def switch(lang: str) -> None:
        setup_language(app, lang or system_language())
        window.retranslate()

    window.language_changed.connect(switch)
    window.prepare()
    return window


def build_start_window(vault_dir: Path | None = None, store_dir: Path | None = None,
                       language: str | None = None) -> QMainWindow:
    """The window ``hrd-field gui`` opens: the one its options name, else what the lock
    screen opened last (the field vault, or the HQ store remembered in the settings)."""
    settings = Settings.load()
    if vault_dir is None and store_dir is None and settings.opened == HQ \
            and settings.hq_store:
        store_dir = Path(settings.hq_store)
    if store_dir is not None:
        from .hq.window import build_hq_window

        return build_hq_window(store_dir, settings, language)
    from ..vault.paths import default_vault_dir

    return build_window(vault_dir or default_vault_dir(), settings, language)


def run(vault_dir: Path | None = None, language: str | None = None,
        store_dir: Path | None = None) -> int:
    window = build_start_window(vault_dir, store_dir, language)
    window.show()
    if os.environ.get("HRD_FIELD_STARTUP_PROBE") == "1":
        # For benchmarks: report the wall-clock moment the first screen is up, then quit.
        def shown() -> None:
            print(f"shown {time.time():.6f}", flush=True)
            QApplication.quit()

        QTimer.singleShot(0, shown)
    return QApplication.instance().exec()  # type: ignore[union-attr]


def _make_demo_vault(root: Path, count: int) -> None:
    from ..demo import generate
    from ..vault.vault import Vault

    if (root / "vault.key").exists():
        return
    print(_("Creating a demo vault with {n} fictional records in {path}…").format(
        n=count, path=root), file=sys.stderr)
    with Vault.create(root, DEMO_PASSPHRASE, actor="demo") as vault:
        vault.records.create_many(list(generate(count, seed=7, author="demo")))


def build_demo_window(root: Path, count: int, language: str | None = None) -> MainWindow:
    """The window at once, saying what it does, while the worker makes and opens the demo
    vault (an empty "Unlock your vault" box would ask for a passphrase nobody has)."""
    window = build_window(root, language=language)
    window.lock_screen.show_preparing(_("Preparing the demo vault…"))

    def made(_v: None) -> None:
        window.session.unlock(root, DEMO_PASSPHRASE, lambda _u: window.show_workspace(),
                              window.lock_screen.show_error)

    window.session.compute(_make_demo_vault, root, count, on_done=made,
                           on_error=window.lock_screen.show_error)
    return window


@contextlib.contextmanager
def throwaway_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder for a demo, removed when the demo ends (or fails to start)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield root
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(root)


def show_demo(window: QMainWindow, passphrase: str) -> int:
    """Show a demo's window, say its public passphrase (to unlock after locking), and run
    until the window closes."""
    window.show()
    print(_("Demo passphrase (to unlock after locking): {p}").format(p=passphrase),
          file=sys.stderr)
    return QApplication.instance().exec()  # type: ignore[union-attr]


def run_demo(vault_dir: Path | None, count: int, language: str | None = None) -> int:
    """A throw-away vault full of fictional records, opened unlocked."""
    with contextlib.ExitStack() as stack:
        root = vault_dir or stack.enter_context(throwaway_folder("hrd-field-demo-")) / "vault"
        return show_demo(build_demo_window(root, count, language), DEMO_PASSPHRASE)
