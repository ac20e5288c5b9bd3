"""Fewer keys for a hurried facilitator (issue 13): Enter leaves a row of counts, a check
list is one Tab stop that filters as you type, a typed list always has an empty entry to
type into, the usual consent is one choice, and a number that follows from the names typed
stays folded away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hrd_field.core.records import Consultation
from hrd_field.gui.form_fields import CheckListField, IntField

from .conftest import give_focus, unlock, wait_idle


def _editor(qtbot, make_window, record_type: str = "consultation"):
    window = make_window()
    window.resize(1366, 768)
    unlock(qtbot, window)
    wait_idle(qtbot, window)
    return window, window.workspace.new_record(record_type)


def test_enter_in_a_count_of_participants_moves_on_past_the_row(qtbot, make_window):
    _window, editor = _editor(qtbot, make_window)
    f = editor.form.form.editors
    women = f["participants"].editors["women"]
    assert isinstance(women, IntField)
    give_focus(qtbot, women.spin)
    qtbot.waitUntil(lambda: women.spin.lineEdit().selectedText() == "0")  # focus selects
    qtbot.keyClicks(women.spin, "12")
    qtbot.keyClick(women.spin, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is f["topics"].widget
    assert editor.current().participants.women == 12
    men = f["participants"].editors["men"]
    give_focus(qtbot, women.spin)
    qtbot.keyClick(women.spin, Qt.Key.Key_Tab)  # Tab still goes to the next count
    assert QApplication.focusWidget() is men.spin


def test_a_check_list_is_one_tab_stop_that_filters_as_you_type(qtbot, make_window):
    _window, editor = _editor(qtbot, make_window, "threat_report")
    types = editor.form.form.editors["threat_types"]
    assert isinstance(types, CheckListField)
    assert not types.filter.focusPolicy() & Qt.FocusPolicy.TabFocus
    give_focus(qtbot, types.list)
    qtbot.keyClicks(types.list, "smear")
    assert types.filter.text() == "smear"
    qtbot.keyClick(types.list, Qt.Key.Key_Space)
    assert types.value() == ["smear_campaign"]
    qtbot.keyClick(types.list, Qt.Key.Key_Escape)  # clears the filter, keeps the editor
    assert types.filter.text() == ""
    assert editor in editor.window().workspace.editors() and editor.question is None
    assert all(not types.list.item(i).isHidden() for i in range(types.list.count()))


def test_a_typed_list_always_has_an_empty_entry_and_enter_moves_through_it(
        qtbot, make_window):
    _window, editor = _editor(qtbot, make_window)
    follow = editor.form.form.editors["follow_up"]
    assert not follow.add_button.isVisibleTo(editor)
    first = follow._forms[0][0].editors["action"].widget
    give_focus(qtbot, first)
    qtbot.keyClicks(first, "Send urgent appeal")
    qtbot.keyClick(first, Qt.Key.Key_Return)
    second = follow._forms[1][0].editors["action"].widget
    assert QApplication.focusWidget() is second
    qtbot.keyClick(second, Qt.Key.Key_Return)  # empty: done with the list
    assert QApplication.focusWidget() is editor.consent_presets.combo
    assert [a.action for a in editor.current().follow_up] == ["Send urgent appeal"]
    editor.validate_now()
    assert editor.save_button.isEnabled(), "the empty entry is not a problem to fix"


def test_the_usual_consent_is_one_choice_that_fills_the_fields(qtbot, make_window):
    _window, editor = _editor(qtbot, make_window)
    date = editor.form.form.editors["date"]
    date.set_value("2026-03-10")
    combo = editor.consent_presets.combo
    give_focus(qtbot, combo)
    qtbot.keyClicks(combo, "W")
    consent = editor.current().consent
    assert consent.obtained and consent.method == "written"
    assert consent.scope.share_with_hq and not consent.scope.share_identity_with_hq
    assert consent.date == "2026-03-10"
    assert editor.dirty
    # a field changed by hand: the choice says so
    editor.form.form.editors["consent"].editors["scope"].editors[
        "share_identity_with_hq"].box.setChecked(True)
    assert combo.code() is None


def test_a_saved_record_shows_its_usual_consent(qtbot, make_window):
    _window, editor = _editor(qtbot, make_window)
    record = Consultation()
    record.consent.obtained = True
    record.consent.method = "verbal"
    record.consent.scope.share_with_hq = True
    editor.form.load(record)
    assert editor.consent_presets.combo.code() == "verbal_hq"


def test_the_number_of_organisations_named_stays_folded(qtbot, make_window):
    _window, editor = _editor(qtbot, make_window)
    fold = editor.form.fold
    count = editor.form.form.editors["organisations_count"]
    assert fold is not None and fold.content.isAncestorOf(count.widget)
    record = Consultation(organisations=["Red", "Luna", "Valle"], organisations_count=3)
    editor.form.load(record)
    assert not fold.is_open(), "a number worked out from the names hides nothing"
    editor.form.load(Consultation(organisations=["Red"], organisations_count=5))
    assert fold.is_open(), "more organisations than named: shown"


def test_the_participants_row_reflows_to_the_width_it_has_and_never_scrolls_sideways(
        qtbot, make_window):
    from hrd_field.gui.form_layout import InlineRow

    window, editor = _editor(qtbot, make_window)
    row = editor.form.form.editors["participants"].widget.findChild(InlineRow)
    assert row is not None
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: row.per_line() == 4, timeout=5_000)
    area = editor.scroll_area
    window.resize(900, 768)  # a narrow window: the counts go two and two
    qtbot.waitUntil(lambda: row.per_line() < 4, timeout=5_000)
    qtbot.wait(50)
    from .layout_check import scroll_problems

    assert scroll_problems(editor, "narrow") == []
    assert row.minimumSizeHint().width() <= area.viewport().width()
    women, men = (f.widget for f in list(editor.form.form.editors["participants"]
                                         .editors.values())[:2])
    give_focus(qtbot, women)
    qtbot.keyClick(women, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is men, "Tab follows the reading order after reflow"


def test_a_check_list_filters_on_text_from_an_input_method(qtbot, make_window):
    from PySide6.QtGui import QInputMethodEvent

    window = make_window(language="zh")
    unlock(qtbot, window)
    editor = window.workspace.new_record("threat_report")
    types = editor.form.form.editors["threat_types"]
    give_focus(qtbot, types.list)
    event = QInputMethodEvent("", [])
    event.setCommitString("死亡")  # Chinese arrives committed by the input method
    QApplication.sendEvent(types.list, event)
    assert types.filter.text() == "死亡"
    qtbot.keyClick(types.list, Qt.Key.Key_Space)
    assert types.value() == ["death_threat"]
