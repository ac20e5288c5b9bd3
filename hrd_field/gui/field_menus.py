"""The field window's menus and mission bar, built again when the language changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QToolBar

from ..core.i18n import _
from ..core.vocab import FIELD_RECORD_TYPES, RECORD_TYPE
from .widgets import CodeCombo
from .window_events import set_shortcut

if TYPE_CHECKING:
    from .main_window import MainWindow


def build_actions(window: MainWindow) -> None:
    """The menus: File (new records, search, export, lock, settings, quit) and Vault
    (enrolment, panic erase); ``unlocked_actions`` are enabled only while unlocked."""
    menu = window.menuBar()
    file_menu = menu.addMenu(_("&File"))
    new_menu = file_menu.addMenu(_("&New record"))
    window.new_actions = []
    for code in FIELD_RECORD_TYPES:
        action = QAction(RECORD_TYPE.label(code), window)
        action.triggered.connect(lambda _c=False, t=code: window.new_record(t))
        new_menu.addAction(action)
        window.new_actions.append(action)
    window.new_action = QAction(_("New record in this list"), window)
    set_shortcut(window.new_action, QKeySequence.StandardKey.New)
    window.new_action.triggered.connect(window.new_in_current_list)
    file_menu.addAction(window.new_action)
    window.find_action = QAction(_("Search &everything…"), window)
    set_shortcut(window.find_action, QKeySequence.StandardKey.Find)
    window.find_action.triggered.connect(window.search_everything)
    file_menu.addAction(window.find_action)
    window.export_action = QAction(_("&Export for headquarters…"), window)
    set_shortcut(window.export_action, QKeySequence("Ctrl+E"))
    window.export_action.triggered.connect(window.export)
    file_menu.addAction(window.export_action)
    file_menu.addSeparator()
    window.lock_action = QAction(_("&Lock"), window)
    set_shortcut(window.lock_action, QKeySequence("Ctrl+L"))
    window.lock_action.triggered.connect(window.lock)
    file_menu.addAction(window.lock_action)
    quit_action = QAction(_("&Quit"), window)
    set_shortcut(quit_action, QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.close)
    file_menu.addAction(quit_action)

    settings_action = QAction(_("&Settings…"), window)
    set_shortcut(settings_action, QKeySequence.StandardKey.Preferences)
    settings_action.triggered.connect(window.edit_settings)
    file_menu.insertAction(quit_action, settings_action)

    vault_menu = menu.addMenu(_("&Vault"))
    window.panic_action = QAction(_("Erase the vault now…"), window)
    set_shortcut(window.panic_action, QKeySequence("Ctrl+Shift+Delete"))
    window.panic_action.triggered.connect(window.panic)
    window.enrol_action = QAction(_("&Headquarters and enrolment…"), window)
    window.enrol_action.triggered.connect(window.enrol)
    vault_menu.addAction(window.enrol_action)
    vault_menu.addSeparator()
    vault_menu.addAction(window.panic_action)
    window.unlocked_actions = [window.new_action, window.find_action, window.lock_action,
                             window.export_action, window.enrol_action,
                             window.panic_action, *window.new_actions]

def build_toolbar(window: MainWindow) -> None:
    """The mission bar: the current mission, chosen by title."""
    bar = QToolBar(_("Mission"))
    bar.setObjectName("missionBar")
    bar.setMovable(False)
    label = QLabel(_("Current mission:"))
    window.mission_combo = CodeCombo([], _("— none —"), _("Current mission"))
    window.mission_combo.setMinimumWidth(window.fontMetrics().averageCharWidth() * 60)
    label.setBuddy(window.mission_combo)
    bar.addWidget(label)
    bar.addWidget(window.mission_combo)
    window.addToolBar(bar)
    window.mission_bar = bar
    window.mission_combo.activated.connect(
        lambda _i: window.workspace.set_current_mission(window.mission_combo.code()))
