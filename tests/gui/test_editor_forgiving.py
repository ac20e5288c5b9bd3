"""Nothing in an editor changes or vanishes without the user knowing (issue 13)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QGroupBox, QMessageBox

from hrd_field.core.records import PartialDate
from hrd_field.gui import form_fields as ff
from hrd_field.gui.form_fields import CheckListField, CodeField, IntField, LongTextField
from hrd_field.gui.record_editor import RecordEditor

from .conftest import give_focus, type_text, unlock, wait_idle


def _wheel(widget, steps: int = -3) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _answer(qtbot, editor: RecordEditor, role: QMessageBox.ButtonRole) -> str:
    qtbot.waitUntil(lambda: editor.question is not None, timeout=5_000)
    box = editor.question
    assert box is not None
    text = box.text() + " " + box.informativeText()
    button = next(b for b in box.buttons() if box.buttonRole(b) == role)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return text


def _drafts(qtbot, window) -> list:
    found = []
    window.session.drafts(lambda d: found.append(d))
    qtbot.waitUntil(lambda: bool(found), timeout=10_000)
    return found[0]


def test_wheel_over_unfocused_fields_scrolls_the_form_not_the_values(qtbot, make_window):
    window = make_window()
    window.resize(1366, 768)
    unlock(qtbot, window)
    editor = window.workspace.new_record("consultation")
    men = editor.form.form.editors["participants"].editors["men"]
    sensitivity = editor.form.form.editors["sensitivity"]
    assert isinstance(men, IntField) and isinstance(sensitivity, CodeField)
    bar = editor.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0, "the form is longer than the window"
    before = (men.value(), sensitivity.value(), bar.value())
    _wheel(men.spin, -3)
    _wheel(sensitivity.combo, -3)
    assert (men.value(), sensitivity.value()) == before[:2]
    assert bar.value() > before[2], "the wheel scrolled the form instead"
    give_focus(qtbot, men.spin)
    _wheel(men.spin, 2)
    assert men.value() == 2, "a focused field still takes the wheel"


def test_escape_does_not_close_a_half_written_record_silently(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    editor = window.workspace.new_record("consultation")
    summary = editor.form.form.editors["summary"]
    assert isinstance(summary, LongTextField)
    type_text(qtbot, summary.edit, "Half a sentence")
    qtbot.keyClick(summary.edit, Qt.Key.Key_Escape)
    assert editor in window.workspace.editors(), "Esc alone never drops the record"
    said = _answer(qtbot, editor, QMessageBox.ButtonRole.AcceptRole)  # keep the draft
    assert "draft" in said and "vault" in said and "unlock" in said, said
    qtbot.waitUntil(lambda: editor not in window.workspace.editors(), timeout=5_000)
    wait_idle(qtbot, window)
    drafts = _drafts(qtbot, window)
    assert [d.summary for d in drafts] == ["Half a sentence"]


def test_close_and_discard_really_discards_a_never_saved_draft(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    editor = window.workspace.new_record("consultation")
    type_text(qtbot, editor.form.form.editors["summary"].edit, "To be thrown away")
    editor.autosave()
    wait_idle(qtbot, window)
    window.lock()
    qtbot.waitUntil(lambda: not window.session.is_open, timeout=10_000)
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: len(window.workspace.editors()) == 1, timeout=10_000)
    restored = window.workspace.editors()[0]
    assert restored.banner.isVisibleTo(restored) and restored.discard_button.isVisibleTo(
        restored)
    assert restored.delete_button.isEnabled(), "a never-saved record can be thrown away"
    qtbot.mouseClick(restored.discard_button, Qt.MouseButton.LeftButton)
    _answer(qtbot, restored, QMessageBox.ButtonRole.DestructiveRole)
    qtbot.waitUntil(lambda: window.workspace.editors() == [], timeout=5_000)
    wait_idle(qtbot, window)
    assert _drafts(qtbot, window) == []
    window.lock()
    qtbot.waitUntil(lambda: not window.session.is_open, timeout=10_000)
    unlock(qtbot, window)
    wait_idle(qtbot, window)
    wait_idle(qtbot, window)
    assert window.workspace.editors() == [], "the discarded draft does not come back"


def test_space_never_toggles_an_item_filtered_out_of_view(qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    window.activateWindow()
    editor = window.workspace.new_record("threat_report")
    types = editor.form.form.editors["threat_types"]
    assert isinstance(types, CheckListField)
    smear = next(i for i in range(types.list.count())
                 if types.list.item(i).data(Qt.ItemDataRole.UserRole) == "smear_campaign")
    types.list.setCurrentRow(smear)
    give_focus(qtbot, types.filter)
    qtbot.keyClicks(types.filter, "death")
    qtbot.keyClick(types.filter, Qt.Key.Key_Tab)
    qtbot.waitUntil(types.list.hasFocus, timeout=2_000)
    qtbot.keyClick(types.list, Qt.Key.Key_Space)
    chosen = types.value()
    assert "smear_campaign" not in chosen
    visible = {types.list.item(i).data(Qt.ItemDataRole.UserRole)
               for i in range(types.list.count()) if not types.list.item(i).isHidden()}
    assert chosen and set(chosen) <= visible


def test_optional_values_need_no_checkbox_and_nothing_looks_enabled_but_is_not(
        qtbot, make_window):
    window = make_window()
    unlock(qtbot, window)
    editor = window.workspace.new_record("threat_report")
    checkable = [b for b in editor.findChildren(QGroupBox) if b.isCheckable()]
    assert checkable == [], "no box to tick before a field takes input"
    date = editor.form.form.editors["incident_date"]
    assert isinstance(date, ff.PartialDateField) and date.edit.edit.isEnabled()
    assert editor.current().incident_date is None
    type_text(qtbot, date.edit.edit, "2026-03")
    assert editor.current().incident_date == PartialDate(date="2026-03-01", precision="month")
    risk = editor.form.form.editors["risk"]
    assert editor.current().risk is None
    assert risk.summary.text()  # says it is not recorded yet
    likelihood = risk.form.editors["likelihood"]
    impact = risk.form.editors["impact"]
    assert likelihood.spin.isEnabled() and likelihood.spin.text() == "—"
    for spin, value in ((likelihood.spin, "4"), (impact.spin, "5")):
        spin.setFocus()
        qtbot.keyClicks(spin, value)
    record = editor.current()
    assert record.risk is not None and (record.risk.likelihood, record.risk.impact) == (4, 5)
    assert "Critical" in risk.summary.text(), "the computed risk level shows in the form"
    qtbot.mouseClick(risk.clear_button, Qt.MouseButton.LeftButton)
    assert editor.current().risk is None
    for box in editor.findChildren(QGroupBox):
        for child in box.findChildren(type(likelihood.spin)):
            assert child.isEnabled() or not child.isVisibleTo(editor)


def test_disabled_fields_look_disabled(qtbot, make_window):
    from PySide6.QtWidgets import QLineEdit, QSpinBox

    window = make_window()
    colours = {}
    for kind in (QLineEdit, QSpinBox):
        for enabled in (True, False):
            widget = kind(window)
            widget.setEnabled(enabled)
            widget.resize(120, 30)
            widget.show()
            image = widget.grab().toImage()
            colours[kind.__name__, enabled] = image.pixelColor(40, 15).name()
    assert colours["QLineEdit", True] != colours["QLineEdit", False], colours
    assert colours["QSpinBox", True] != colours["QSpinBox", False], colours
