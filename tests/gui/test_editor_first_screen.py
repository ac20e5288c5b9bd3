"""The consultation editor's first screen (issue 13 leftovers): the core fields fit a
1366×768 screen without scrolling, each section is titled once, counts read right-to-left
in Arabic, and Ctrl+Enter saves from anywhere while Enter still breaks a line in notes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QGroupBox

from hrd_field.gui.form_fields import IntField, LongTextField, TextField

from .conftest import give_focus, type_text, unlock, wait_idle

# What a facilitator types during the session (the list, plus the organisations
# named, which this form puts on the first screen too).
CORE = ["date", "place", "format", "participants", "topics", "summary", "organisations"]


def _editor(qtbot, make_window, language: str = "en"):
    window = make_window(language=language)
    window.resize(1366, 768)  # a maximised window on a 1366×768 laptop
    unlock(qtbot, window)
    wait_idle(qtbot, window)
    return window, window.workspace.new_record("consultation")


def _outside_viewport(editor) -> list[str]:
    viewport = editor.scroll_area.viewport()
    seen = viewport.rect()
    out = []
    for name in CORE:
        widget = editor.form.form.editors[name].widget
        rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
        if not seen.contains(rect):
            out.append(f"{name} at {rect.getRect()} outside {seen.getRect()}")
    return out


@pytest.mark.parametrize("language", ["en", "ar", "zh"])
def test_the_core_fields_of_a_new_consultation_fit_one_screen(qtbot, make_window, language):
    window, editor = _editor(qtbot, make_window, language)
    qtbot.waitUntil(lambda: editor.isVisible() and editor.scroll_area.viewport().height() > 0,
                    timeout=5_000)
    qtbot.wait(100)  # the reflowing rows settle on their width
    assert window.height() <= 768
    assert editor.scroll_area.verticalScrollBar().value() == 0
    assert _outside_viewport(editor) == []


def test_the_notes_box_starts_small_and_grows_with_its_text(qtbot, make_window):
    _window, editor = _editor(qtbot, make_window)
    summary = editor.form.form.editors["summary"]
    assert isinstance(summary, LongTextField)
    empty = summary.edit.height()
    summary.edit.setPlainText("\n".join(f"line {i}" for i in range(12)))
    qtbot.waitUntil(lambda: summary.edit.height() > empty + 3 * summary.edit.fontMetrics()
                    .lineSpacing(), timeout=5_000)


@pytest.mark.parametrize("record_type", ["consultation", "person"])
def test_each_section_is_titled_once(qtbot, make_window, record_type):
    window = make_window()
    unlock(qtbot, window)
    wait_idle(qtbot, window)
    editor = window.workspace.new_record(record_type)
    repeats = []
    for box in editor.form.sections.values():
        if not isinstance(box, QGroupBox) or not box.title():
            continue
        repeats += [f"{box.title()} inside {box.title()}" for inner in
                    box.findChildren(QGroupBox) if inner.title() == box.title()]
    assert repeats == []
    consent = editor.form.sections["consent"]
    titled = [b.title() for b in [consent, *consent.findChildren(QGroupBox)] if b.title()]
    assert titled.count("Consent") == 1, titled


def test_counts_read_right_to_left_in_arabic(qtbot, make_window):
    _window, editor = _editor(qtbot, make_window, "ar")
    women = editor.form.form.editors["participants"].editors["women"]
    assert isinstance(women, IntField)
    women.set_value(12)
    spin = women.spin
    assert spin.layoutDirection() == Qt.LayoutDirection.RightToLeft
    # The digits start on the reading side (the right, under the label), away from the
    # step buttons, which a right-to-left style puts on the left.
    line = spin.lineEdit()
    image = line.grab().toImage()
    ink = [x for x in range(image.width()) for y in range(image.height())
           if image.pixelColor(x, y).lightness() < 110]
    assert ink and min(ink) > line.width() // 2, (min(ink, default=None), line.width())
    buttons_side = spin.mapFromGlobal(line.mapToGlobal(QPoint(0, 0))).x()
    assert buttons_side > 0, "the step buttons sit on the left in Arabic"


def test_ctrl_enter_saves_from_any_field(qtbot, make_window):
    _window, editor = _editor(qtbot, make_window)
    f = editor.form.form.editors
    place = f["place"].editors["locality"]
    assert isinstance(place, TextField)
    type_text(qtbot, place.edit, "Kisumu")
    give_focus(qtbot, place.edit)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        qtbot.keyClick(place.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not editor.is_new and not editor.dirty
    assert "Ctrl+Return" in editor.save_button.toolTip()  # how anyone finds out

    topics = f["topics"]
    give_focus(qtbot, topics.widget)
    qtbot.keyClicks(topics.widget, "land")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        qtbot.keyClick(topics.widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert editor.base.topics == ["land"]

    summary = f["summary"]
    assert isinstance(summary, LongTextField)
    give_focus(qtbot, summary.edit)
    qtbot.keyClicks(summary.edit, "first")
    qtbot.keyClick(summary.edit, Qt.Key.Key_Return)  # Enter is still a new line
    qtbot.keyClicks(summary.edit, "second")
    assert summary.value() == "first\nsecond"
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        qtbot.keyClick(summary.edit, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert editor.base.summary == "first\nsecond", "Ctrl+Enter saves, adds no line"
    assert QApplication.focusWidget() is summary.edit


def test_new_right_after_choosing_the_mission_takes_its_defaults(qtbot, make_window, tmp_path):
    """The editor screenshots showed a new consultation without its mission's country: New
    came before the chosen mission's record had loaded (a busy vault)."""
    from helpers import PASSPHRASE

    from hrd_field.core.records import Mission
    from hrd_field.vault.vault import Vault

    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        kenya = v.records.create(Mission(title="Visit to Kenya", country="KE",
                                         start_date="2026-03-01", end_date="2026-03-20")).id
    window = make_window(root)
    unlock(qtbot, window)
    wait_idle(qtbot, window)
    ws = window.workspace
    ws.set_current_mission(kenya)
    editor = ws.new_record("consultation")  # at once, the mission not loaded yet
    assert editor.current().mission_id == kenya
    qtbot.waitUntil(lambda: editor.current().place.country == "KE", timeout=10_000)
    assert editor.current().date == "2026-03-01"
    assert not editor.dirty

    ws.set_current_mission(kenya)
    typed = ws.new_record("consultation")
    country = typed.form.form.editors["place"].editors["country"]
    country.widget.set_code("PE")  # the user's own value comes first
    typed.dirty = True
    wait_idle(qtbot, window)
    assert typed.current().place.country == "PE"


def test_at_200_percent_the_core_fields_still_come_first(qtbot, make_window, double_font):
    _window, editor = _editor(qtbot, make_window)
    qtbot.wait(100)
    body = editor.scroll_area.widget()

    def top(widget) -> int:
        return widget.mapTo(body, QPoint(0, 0)).y()

    core = [top(editor.form.form.editors[name].widget) for name in CORE]
    assert core == sorted(core), "in the order typed during the session"
    rest = [top(box) for name, box in editor.form.sections.items() if name != "first"]
    assert rest and max(core) < min(rest), (core, rest)
    first = editor.first_field()
    assert first is not None and editor.form.form.editors["date"].widget.isAncestorOf(first)
