"""The application shell as a new user meets it (issue 13): status, shortcuts, filters,
panic, language switch, and what the app says when it cannot start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from hrd_field.core.records import Mission, ReprisalIncident
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, type_text, unlock, wait_idle

ERROR_RED = "#8a1c1c"


def _colour(label) -> str:
    label.ensurePolished()
    return label.palette().color(label.foregroundRole()).name()


def test_neutral_status_messages_are_not_in_error_red(qtbot, make_window):
    window = make_window()
    screen = window.lock_screen
    screen.set_busy(True, "Creating the vault…")
    assert _colour(screen.message) != ERROR_RED
    screen.show_error("Wrong passphrase.")
    assert _colour(screen.message) == ERROR_RED
    screen.reset("Locked. Unsaved changes were kept as drafts.")
    assert _colour(screen.message) != ERROR_RED


def test_qt_standard_buttons_speak_chinese(qtbot, make_window):
    make_window(language="zh")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                           | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Save).text() not in ("Save", "&Save")
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() not in ("Cancel",
                                                                           "&Cancel")


def test_mission_page_has_no_alarm_box_when_nothing_was_recorded(qtbot, make_window,
                                                                   tmp_path: Path):
    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        quiet = v.records.create(Mission(title="Quiet visit", country="KE")).id
        loud = v.records.create(Mission(title="Loud visit", country="KE")).id
        v.records.create(ReprisalIncident(mission_id=loud, met_this_mission=True))
    window = make_window(root)
    unlock(qtbot, window)
    page = window.workspace.mission_page
    window.workspace.set_current_mission(quiet)
    qtbot.waitUntil(lambda: page.heading.text() == "Quiet visit", timeout=10_000)
    assert page.reprisals.objectName() != "alertBox"
    window.workspace.set_current_mission(loud)
    qtbot.waitUntil(lambda: page.heading.text() == "Loud visit", timeout=10_000)
    assert page.reprisals.objectName() == "alertBox"


def test_tab_leaves_tables(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    for view in window.workspace.lists.values():
        assert not view.table.tabKeyNavigation()
    assert not window.workspace.outbox.table.tabKeyNavigation()


def test_ctrl_e_exports_wherever_the_focus_is(qtbot, make_window):
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QPlainTextEdit

    from hrd_field.gui.export_dialog import ExportDialog

    window = make_window()
    unlock(qtbot, window)
    view = window.workspace.lists["consultation"]
    window.workspace.show_section("consultation")
    editor = window.workspace.new_record("consultation")
    targets = [view.search] + [
        next(w for w in editor.findChildren(cls) if w.isVisible())
        for cls in (QPlainTextEdit, QComboBox, QAbstractSpinBox)]
    for widget in targets:
        if widget is view.search:
            window.workspace.tabs.setCurrentIndex(0)
        else:
            window.workspace.tabs.setCurrentWidget(editor)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.findChild(ExportDialog) is not None, timeout=5_000)
        dialog = window.findChild(ExportDialog)
        dialog.reject()
        dialog.setParent(None)


def test_a_filter_that_narrows_a_list_is_always_visible(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    window.workspace.show_section("person")
    view = window.workspace.lists["person"]
    assert not view.filtered.isVisibleTo(view)
    view.filter_toggle.setChecked(True)
    view.f_status.set_code("final")
    view.apply()
    view.filter_toggle.setChecked(False)  # the bar hides, the filter stays
    assert view.filtered.isVisibleTo(view)
    assert "Filtered" in view.filtered_label.text()
    qtbot.mouseClick(view.clear_filtered, Qt.MouseButton.LeftButton)
    assert view.f_status.code() is None
    assert not view.filtered.isVisibleTo(view)
    type_text(qtbot, view.search, "Ceiba")
    view.apply()
    assert view.filtered.isVisibleTo(view), "a search narrows the list too"
    qtbot.mouseClick(view.clear_filtered, Qt.MouseButton.LeftButton)
    assert view.search.text() == ""


def test_list_search_says_it_searches_only_this_list(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    view = window.workspace.lists["person"]
    assert "this list" in view.search.placeholderText()


def test_language_switch_keeps_the_current_view(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    window.workspace.show_section("threat_report")
    window.language_changed.emit("fr")
    qtbot.waitUntil(lambda: window.workspace.current_section() == "threat_report",
                    timeout=5_000)
    window.language_changed.emit("en")


def test_panic_needs_a_deliberate_confirmation_and_ends_on_a_fresh_screen(qtbot, make_window,
                                                                       tmp_path: Path):
    from hrd_field.gui.panic import PanicDialog

    window = make_window()
    unlock(qtbot, window)
    assert not window.panic_action.shortcut().isEmpty()
    window.panic_action.trigger()
    dialog = window.findChild(PanicDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.erase_button.text() == "Erase everything now"
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.confirm, "erase")
    assert not dialog.erase_button.isEnabled(), "the exact word, not a near miss"
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, dialog.word)
    assert dialog.erase_button.isEnabled()
    with qtbot.waitSignal(window.locked, timeout=5_000):
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert not (tmp_path / "vault" / "vault.key").exists()
    screen = window.lock_screen
    assert window.stack.currentWidget() is screen
    assert screen.repeat.isVisible(), "a fresh first-run screen: create a vault"
    assert screen.message.text() == ""


def test_without_the_gui_extra_the_command_says_how_to_install_it(tmp_path: Path):
    code = ("import sys; sys.modules['PySide6'] = None\n"
            "from hrd_field.app import main\n"
            f"sys.exit(main(['gui', '--vault', {str(tmp_path / 'v')!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "gui" in proc.stderr and "pip install" in proc.stderr
    assert "ModuleNotFoundError" not in proc.stderr


def test_the_demo_says_it_is_preparing_instead_of_asking(qtbot, tmp_path: Path, monkeypatch):
    from hrd_field.gui.launch import build_demo_window

    monkeypatch.setenv("HRD_FIELD_CONFIG_DIR", str(tmp_path / "config"))
    window = build_demo_window(tmp_path / "demo", count=30, language="en")
    qtbot.addWidget(window)
    window.show()
    screen = window.lock_screen
    assert "Preparing the demo vault" in screen.message.text()
    assert not screen.passphrase.isVisible()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=60_000)
    wait_idle(qtbot, window)
    window.close()
    window.session.shutdown()


@pytest.fixture(autouse=True)
def _no_leftover_dialogs():
    yield
    for widget in QApplication.topLevelWidgets():
        if widget.isModal() and widget.isVisible():
            widget.close()


def _two_missions(root: Path) -> tuple[str, str]:
    from hrd_field.core.records import Consultation

    with Vault.create(root, PASSPHRASE) as v:
        kenya = v.records.create(Mission(title="Visit to Kenya", country="KE",
                                         start_date="2026-03-01", end_date="2026-03-20")).id
        peru = v.records.create(Mission(title="Visit to Peru", country="PE")).id
        v.records.create(Consultation(mission_id=kenya))
        v.records.create(Consultation(mission_id=peru))
        v.records.create(Consultation(mission_id=peru))
    return kenya, peru


def test_current_mission_scopes_lists_defaults_new_records_and_is_remembered(
        qtbot, make_window, tmp_path: Path):
    root = tmp_path / "vault"
    kenya, _peru = _two_missions(root)
    window = make_window(root)
    unlock(qtbot, window)
    ws = window.workspace
    ws.show_section("consultation")
    view = ws.lists["consultation"]
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: window.mission_combo.count() == 3, timeout=10_000)
    window.mission_combo.setCurrentIndex(window.mission_combo.findData(kenya))
    window.mission_combo.activated.emit(window.mission_combo.currentIndex())
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10_000)
    assert view.f_mission.isVisibleTo(view) and view.f_mission.code() == kenya
    view.f_mission.setCurrentIndex(0)  # "All missions", always in view
    view.f_mission.activated.emit(0)
    assert view.f_mission.currentText() == "All missions"
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=10_000)

    wait_idle(qtbot, window)
    editor = ws.new_record("consultation")
    record = editor.current()
    assert record.mission_id == kenya
    assert record.place.country == "KE"
    assert record.date == "2026-03-01"

    window.lock()
    qtbot.waitUntil(lambda: not window.session.is_open, timeout=10_000)
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.mission_combo.code() == kenya, timeout=10_000)
    window.close()

    again = make_window(root)  # a restart
    unlock(qtbot, again)
    qtbot.waitUntil(lambda: again.workspace.current_mission == kenya, timeout=10_000)
    again.language_changed.emit("fr")
    qtbot.waitUntil(lambda: again.workspace.current_mission == kenya, timeout=10_000)
    again.language_changed.emit("en")


def test_the_only_mission_is_current_until_someone_chooses(qtbot, make_window, tmp_path: Path):
    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        chad = v.records.create(Mission(title="Visit to Chad", country="TD")).id
    window = make_window(root)
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.workspace.current_mission == chad, timeout=10_000)
    qtbot.waitUntil(lambda: window.mission_combo.currentText() == "Visit to Chad",
                    timeout=10_000)
    assert window.workspace.new_record("consultation").current().mission_id == chad

    # "None" chosen on purpose is remembered as such.
    window.workspace.set_current_mission(None)
    wait_idle(qtbot, window)
    window.close()
    again = make_window(root)
    unlock(qtbot, again)
    wait_idle(qtbot, again)
    assert again.workspace.current_mission is None


def test_a_new_mission_becomes_current(qtbot, make_window, tmp_path: Path):
    from hrd_field.gui.form_fields import TextField

    window = make_window()
    unlock(qtbot, window)
    editor = window.workspace.new_record("mission")
    title = editor.form.form.editors["title"]
    assert isinstance(title, TextField)
    type_text(qtbot, title.edit, "Visit to Chad")
    qtbot.waitUntil(editor.save_button.isEnabled, timeout=5_000)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace.current_mission == editor.base.id,
                    timeout=5_000)
    qtbot.waitUntil(lambda: window.mission_combo.currentText() == "Visit to Chad",
                    timeout=5_000)


def test_enrolment_inside_the_app(qtbot, make_window, tmp_path: Path):
    from hrd_field.gui.enrolment import EnrolmentDialog, grouped
    from hrd_field.hq.store import HqStore

    with HqStore.init(tmp_path / "hq", PASSPHRASE, "OHCHR Geneva") as hq:
        usb = hq.profile().sign(hq.signing_key())
        online = hq.profile(intake_url="https://intake.example.org/").sign(hq.signing_key())
    # Same organisation's name, another key: what a forged profile looks like.
    with HqStore.init(tmp_path / "impostor", PASSPHRASE, "OHCHR Geneva") as other:
        forged = other.profile().sign(other.signing_key())
    (tmp_path / "usb.json").write_bytes(usb)
    (tmp_path / "online.json").write_bytes(online)
    (tmp_path / "forged.json").write_bytes(forged)
    (tmp_path / "junk.json").write_text("{}")

    window = make_window()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.enrol_label.text() == "Not enrolled with headquarters",
                    timeout=10_000)
    window.enrol_action.trigger()
    dialog = window.findChild(EnrolmentDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: bool(dialog.public_key), timeout=10_000)
    # this laptop's fingerprint, grouped for reading aloud, and its key to copy
    assert len(dialog.own_fingerprint.text().split()) == 6
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == dialog.public_key

    dialog.open_profile(tmp_path / "junk.json")
    assert dialog.message.text() and not dialog.accept_button.isVisible()

    dialog.open_profile(tmp_path / "usb.json")
    assert dialog.organisation.text() == "OHCHR Geneva"
    from hrd_field.bundle.profile import load_profile

    assert dialog.hq_fingerprint.text() == grouped(load_profile(usb).fingerprint)
    qtbot.mouseClick(dialog.refuse_button, Qt.MouseButton.LeftButton)
    assert not dialog.accept_button.isVisible()
    assert window.enrol_label.text() == "Not enrolled with headquarters"

    dialog.open_profile(tmp_path / "usb.json")
    with qtbot.waitSignal(dialog.enrolled, timeout=10_000):
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert "Enrolled with" in window.enrol_label.text()
    assert "OHCHR Geneva" in window.enrol_label.text()
    assert "USB only" in window.enrol_label.text()

    # The same key vouches for a new address: no new comparison to warn about.
    dialog.open_profile(tmp_path / "online.json")
    assert dialog.message.text() == ""
    with qtbot.waitSignal(dialog.enrolled, timeout=10_000):
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert "syncs to" in window.enrol_label.text()
    assert "intake.example.org" in window.enrol_label.text()

    dialog.open_profile(tmp_path / "forged.json")
    assert "under another key" in dialog.message.text()
    assert "key changed" in dialog.accept_button.text()
    qtbot.mouseClick(dialog.refuse_button, Qt.MouseButton.LeftButton)
    assert "intake.example.org" in window.enrol_label.text()
    dialog.open_profile(tmp_path / "online.json")
    assert dialog.message.text() == ""
    assert "key changed" not in dialog.accept_button.text()
    dialog.reject()


def test_ctrl_f_searches_everything_grouped_by_type_names_included(qtbot, make_window,
                                                                   tmp_path: Path):
    from hrd_field.core.records import Consultation, Person
    from hrd_field.gui.search_everything import SearchEverything

    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        kenya = v.records.create(Mission(title="Visit to Kenya, Garissa", country="KE")).id
        v.records.create(Consultation(mission_id=kenya, summary="Women met in Garissa"))
        v.records.create(Person(alias="Ceiba-9", organisation="Garissa women's network"))
        v.records.create(Person(alias="Baobab-2", legal_name="Halima Garissa-Noor"))
        v.records.create(Person(alias="Acacia-3", legal_name="Someone Else"))
    window = make_window(root)
    unlock(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.workspace.lists["person"].search.setFocus()
    qtbot.keyClick(window.workspace.lists["person"].search, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(SearchEverything)
    assert dialog is not None and dialog.isVisible()
    type_text(qtbot, dialog.query, "Garissa")
    qtbot.waitUntil(lambda: dialog.results.topLevelItemCount() == 3, timeout=10_000)
    heads = [dialog.results.topLevelItem(i).text(0) for i in range(3)]
    assert sorted(heads) == ["Consultations (1)", "Missions (1)", "People (2)"]
    people = dialog.results.topLevelItem(heads.index("People (2)"))
    shown = [people.child(i).text(0) for i in range(people.childCount())]
    assert any(t.startswith("Baobab-2") for t in shown), "found by the hidden legal name"
    assert not any("Halima" in t for t in shown), "but the name itself is not shown"
    found = people.child(0)
    dialog.results.itemActivated.emit(found, 0)
    qtbot.waitUntil(lambda: len(window.workspace.editors()) == 1, timeout=10_000)

    window.lock()
    assert window.findChild(SearchEverything) is None, "results leave with the lock"


def test_lists_show_dates_as_the_editor_does(qtbot, make_window, tmp_path: Path):
    from hrd_field.core.records import Consultation

    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create(Consultation(date="2026-03-10"))
    window = make_window(root)
    unlock(qtbot, window)
    view = window.workspace.lists["consultation"]
    column = view.model.columns.index("event_date")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and view.model.data(
        view.model.index(0, column)) not in (None, "…"), timeout=10_000)
    assert view.model.data(view.model.index(0, column)) == "10/03/2026"


def test_numbers_and_dates_follow_one_locale_per_language(qtbot, make_window):
    from PySide6.QtCore import QLocale

    from hrd_field.gui.dates import ui_locale

    make_window(language="ar")
    assert QLocale().name() == ui_locale("ar").name()
    from hrd_field.gui.settings import Settings
    from hrd_field.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(autolock_minutes=30))
    qtbot.addWidget(dialog)
    assert dialog.autolock.text().startswith(ui_locale("ar").toString(30))
