"""A consultation in minutes: focus, Tab order, one screen of essentials, links, wording."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QScrollArea, QWidget

from hrd_field.core.records import Consultation, Mission, Person
from hrd_field.gui import form_fields as ff
from hrd_field.gui.form_fields import BoolField, LinesField
from hrd_field.gui.record_editor import RecordEditor
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, type_text, unlock, wait_idle

FIRST_FIELD = {"mission": "title", "person": "alias", "consultation": "date",
               "threat_report": None, "reprisal_incident": None}


def _active(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)


def _tab_walk(qtbot, editor: RecordEditor, limit: int = 400) -> list[QWidget]:
    """Press Tab from the first field until focus leaves the editor or comes back."""
    seen: list[QWidget] = []
    widget = QApplication.focusWidget()
    while widget is not None and editor.isAncestorOf(widget) and len(seen) < limit:
        if widget in seen:
            break
        seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
    return seen


@pytest.mark.parametrize("record_type", list(FIRST_FIELD))
def test_new_puts_the_cursor_in_the_first_field_and_tab_follows_the_page(
        qtbot, make_window, record_type):
    window = make_window()
    window.resize(1366, 768)
    unlock(qtbot, window)
    _active(qtbot, window)
    editor = window.workspace.new_record(record_type)
    qtbot.waitUntil(lambda: editor.isAncestorOf(QApplication.focusWidget()), timeout=5_000)
    first = QApplication.focusWidget()
    name = FIRST_FIELD[record_type]
    if name is not None:
        field = editor.form.form.editors[name].widget
        assert first is field or field.isAncestorOf(first), first
    else:  # threat reports start with the person finder
        assert editor.links is not None and first is editor.links.finder
    stops = _tab_walk(qtbot, editor)
    assert editor.save_button in stops or not editor.save_button.isEnabled()
    assert all(w.isVisibleTo(editor) for w in stops), "no invisible Tab stops"
    assert not any(isinstance(w, QScrollArea) for w in stops)
    if editor.links is not None:
        assert editor.links.finder in stops
    # reading order: every stop is below (or on the same line, after) the one before it
    body = editor.scroll_area.widget()
    form_stops = [w for w in stops if body.isAncestorOf(w)]
    tops = [w.mapTo(body, QPoint(0, 0)).y() for w in form_stops]
    jumps_back = [(a.accessibleName(), b.accessibleName())
                  for a, b, ya, yb in zip(form_stops, form_stops[1:], tops, tops[1:],
                                          strict=False) if yb < ya - 40]
    assert jumps_back == [], jumps_back


def test_focus_is_always_visible():
    from hrd_field.assets import asset_dir

    qss = asset_dir("resources").joinpath("style.qss").read_text("utf-8")
    for kind in ("QLineEdit", "QComboBox", "QSpinBox", "QPushButton", "QCheckBox",
                 "QToolButton", "QListWidget", "QPlainTextEdit"):
        assert f"{kind}:focus" in qss, kind


def test_consultation_essentials_fit_one_screen_and_the_rest_follows(qtbot, make_window):
    window = make_window()
    window.resize(1366, 768)
    unlock(qtbot, window)
    editor = window.workspace.new_record("consultation")
    qtbot.waitUntil(lambda: editor.scroll_area.viewport().height() > 100, timeout=5_000)
    assert window.width() <= 1366 and window.height() <= 768
    editors = editor.form.form.editors
    essentials = [editors["date"].widget, editors["place"].widget, editors["format"].widget,
                  editors["participants"].widget, editors["topics"].widget,
                  editors["summary"].widget]
    viewport = editor.scroll_area.viewport()
    for widget in essentials:
        bottom = widget.mapTo(viewport, QPoint(0, widget.height())).y()
        assert widget.isVisibleTo(editor) and bottom <= viewport.height(), (
            widget.accessibleName(), bottom, viewport.height())
    # gender analysis, follow-up and consent come below the essentials
    summary_y = editors["summary"].widget.mapTo(viewport, QPoint(0, 0)).y()
    for section in ("gender", "follow_up", "consent"):
        box = editor.form.sections[section]
        assert box.mapTo(viewport, QPoint(0, 0)).y() > summary_y
    # group wording for consent
    assert editors["consent"].editors["scope"].widget.title() == "What the participants agreed to"


def test_organisations_are_named_and_counted_and_old_records_keep_their_number(
        qtbot, make_window, tmp_path):
    vault_dir = tmp_path / "vault"
    old = Consultation(summary="before names were kept", organisations_count=5)
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        vault.records.create(old)
    window = make_window(vault_dir)
    unlock(qtbot, window)
    editor = window.workspace.new_record("consultation")
    names = editor.form.form.editors["organisations"]
    assert isinstance(names, LinesField)
    type_text(qtbot, names.edit, "Red de Defensoras")
    names.edit.appendPlainText("Colectiva Luna\nMujeres del Valle")
    record = editor.current()
    assert record.organisations == ["Red de Defensoras", "Colectiva Luna", "Mujeres del Valle"]
    assert record.organisations_count == 3
    window.workspace.open_record(old.id)
    qtbot.waitUntil(lambda: len(window.workspace.editors()) == 2, timeout=10_000)
    reopened = window.workspace.editors()[1]
    assert reopened.current().organisations_count == 5
    assert reopened.current().organisations == []


def test_region_is_shown_as_derived_not_as_an_editable_combo(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    editor = window.workspace.new_record("mission")
    region = editor.form.form.editors["region"]
    assert isinstance(region, ff.DerivedField) and isinstance(region.widget, QLabel)
    assert not isinstance(region.widget, QComboBox)
    country = editor.form.form.editors["country"]
    country.combo.set_code("HN")
    country.combo.currentIndexChanged.emit(country.combo.currentIndex())
    editor.validate_now()
    assert "Americas" in region.widget.text()


def test_finalise_is_explained_and_disabled_once_final(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    editor = window.workspace.new_record("mission")
    assert editor.explain.isVisibleTo(editor) and "Finalise" in editor.explain.text()
    type_text(qtbot, editor.form.form.editors["title"].edit, "Visit")
    qtbot.waitUntil(editor.finalise_button.isEnabled, timeout=5_000)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        qtbot.mouseClick(editor.finalise_button, Qt.MouseButton.LeftButton)
    assert editor.base.status == "final"
    assert not editor.finalise_button.isEnabled()


def test_linking_a_person_by_click_or_enter_keeps_the_page_and_flags_met_this_mission(
        qtbot, make_window, tmp_path):
    vault_dir = tmp_path / "vault"
    mission = Mission(title="Visit")
    met = Person(alias="Colibri", mission_id=mission.id)
    other = Person(alias="Condor")
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        for record in (mission, met, other):
            vault.records.create(record)
    window = make_window(vault_dir)
    window.resize(1366, 768)
    unlock(qtbot, window)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: bool(window.workspace.missions), timeout=10_000)
    editor = window.workspace.new_record("reprisal_incident")
    editor.mission.set_code(mission.id)
    links = editor.links
    assert links is not None
    bar = editor.scroll_area.verticalScrollBar()
    type_text(qtbot, links.finder, "Condor")
    qtbot.waitUntil(lambda: links.results.count() == 1 and links.results.isVisible(),
                    timeout=10_000)
    before = bar.value()
    qtbot.keyClick(links.finder, Qt.Key.Key_Return)
    assert links.value() == [other.id], "Enter links the match"
    assert bar.value() == before and links.finder.hasFocus()
    met_box = editor.form.form.editors["met_this_mission"]
    assert isinstance(met_box, BoolField) and not met_box.value()
    type_text(qtbot, links.finder, "Colibri")
    qtbot.waitUntil(lambda: links.results.count() == 1 and links.results.isVisible(),
                    timeout=10_000)
    item = links.results.item(0)
    rect = links.results.visualItemRect(item)
    qtbot.mouseClick(links.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert links.value() == [other.id, met.id], "a single click links"
    assert bar.value() == before
    assert met_box.value(), "met this mission is pre-ticked"
    assert editor.met_note is not None and "Colibri" in editor.met_note.text()
    assert editor.met_note.isVisibleTo(editor)


@pytest.mark.qt_log_ignore("does not support raise", "grabbing the keyboard")
def test_calendars_open_at_the_missions_dates(qtbot, make_window, tmp_path):
    vault_dir = tmp_path / "vault"
    mission = Mission(title="Visit", start_date="2025-11-20", end_date="2025-11-30")
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        vault.records.create(mission)
    window = make_window(vault_dir)
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: bool(window.workspace.missions), timeout=10_000)
    editor = window.workspace.new_record("consultation")
    editor.mission.set_code(mission.id)
    date = editor.form.form.editors["date"].edit
    qtbot.waitUntil(lambda: date.hint is not None, timeout=10_000)
    date.open_calendar()
    calendar = date.calendar()
    assert (calendar.yearShown(), calendar.monthShown()) == (2025, 11)
    calendar.window().close()
