"""The one date field: typed ISO or the language's order, precision shown, Tab leaves it,
Today, a calendar in the language that opens at the right month, one-key clearing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from hrd_field.core import i18n
from hrd_field.gui.date_input import DateInput
from hrd_field.gui.dates import format_date, parse_date, ui_locale


@pytest.fixture
def field(qtbot):
    hosts = []  # keep the windows alive for the test

    def make(precisions=("day", "month", "year"), language="en"):
        i18n.set_language(language)
        host = QWidget()
        layout = QVBoxLayout(host)
        before = QLineEdit()
        date = DateInput("Incident date", precisions)
        after = QLineEdit()
        after.setObjectName("after")
        for w in (before, date, after):
            layout.addWidget(w)
        qtbot.addWidget(host)
        hosts.append(host)
        host.show()
        host.activateWindow()
        qtbot.waitUntil(host.isActiveWindow, timeout=5_000)
        return date, after

    yield make
    i18n.set_language("en")


@pytest.mark.parametrize(("typed", "iso", "precision"), [
    ("2026-03-10", "2026-03-10", "day"),
    ("11/03/2026", "2026-03-11", "day"),   # English here: day first (UN usage)
    ("11.3.2026", "2026-03-11", "day"),
    ("2026-03", "2026-03", "month"),
    ("03/2026", "2026-03", "month"),
    ("2026", "2026", "year"),
    ("٢٠٢٦-٠٣-١٠", "2026-03-10", "day"),  # Arabic-Indic digits
])
def test_typed_dates_are_understood_with_their_precision(qtbot, field, typed, iso, precision):
    date, _after = field()
    date.edit.setFocus()
    qtbot.keyClicks(date.edit, typed) if typed.isascii() else date.edit.setText(typed)
    if not typed.isascii():
        date._typed(typed)
    parsed = date.value()
    assert parsed is not None and (parsed.iso, parsed.precision) == (iso, precision)
    assert date.understood.text(), "the field says what it understood"
    if precision != "day":
        assert {"month": "month only", "year": "year only"}[precision] in date.understood.text()


def test_rejects_what_it_cannot_read_and_day_only_fields_say_so(qtbot, field):
    date, _after = field(precisions=("day",))
    qtbot.keyClicks(date.edit, "2026-03")
    assert not date.is_valid()
    assert "full date" in date.understood.text()
    date.edit.clear()
    qtbot.keyClicks(date.edit, "10/03/26")  # two-digit years are ambiguous
    assert date.value() is None and not date.is_valid()
    assert parse_date("2026-02-30") is None


def test_typing_an_iso_date_into_an_empty_field_is_not_mangled_and_tab_leaves(qtbot, field):
    date, after = field()
    date.edit.setFocus()
    qtbot.keyClicks(date.edit, "2026-03-10")
    assert date.edit.text() == "2026-03-10"  # not "(no date)0260310"
    qtbot.keyClick(date.edit, Qt.Key.Key_Tab)
    assert after.hasFocus(), "one Tab leaves the date for the next field"
    assert date.edit.text() == format_date("2026-03-10")


def test_today_and_one_key_clearing(qtbot, field):
    date, _after = field()
    date.edit.setFocus()
    qtbot.keyClick(date.edit, Qt.Key.Key_Semicolon, Qt.KeyboardModifier.ControlModifier)
    assert date.value() is not None
    assert date.value().iso == QDate.currentDate().toString("yyyy-MM-dd")
    date.edit.clearFocus()
    date.edit.setFocus()  # focus selects the whole date
    qtbot.waitUntil(lambda: date.edit.selectedText() == date.edit.text(), timeout=2_000)
    qtbot.keyClick(date.edit, Qt.Key.Key_Backspace)
    assert date.edit.text() == "" and date.value() is None
    qtbot.mouseClick(date.today_button, Qt.MouseButton.LeftButton)
    assert date.value().iso == QDate.currentDate().toString("yyyy-MM-dd")


# A popup asks the window system to raise it and grab the keyboard; offscreen cannot.
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore("does not support raise", "grabbing the keyboard")


@OFFSCREEN_POPUP
def test_calendar_opens_at_today_or_the_hint_never_1900_and_alt_down_changes_nothing(
        qtbot, field):
    date, _after = field()
    date.edit.setFocus()
    qtbot.keyClick(date.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = date.calendar()
    assert calendar is not None and calendar.isVisible()
    assert (calendar.yearShown(), calendar.monthShown()) == (
        QDate.currentDate().year(), QDate.currentDate().month())
    assert date.value() is None, "opening the calendar does not set a date"
    popup = calendar.window()
    assert popup.width() >= calendar.sizeHint().width()
    assert popup.height() >= calendar.sizeHint().height(), "last row not clipped"
    popup.close()
    date.hint = QDate(2025, 11, 20)  # the mission's dates
    date.open_calendar()
    assert (calendar.yearShown(), calendar.monthShown()) == (2025, 11)
    calendar.activated.emit(QDate(2025, 11, 21))
    assert date.value().iso == "2025-11-21"


@OFFSCREEN_POPUP
@pytest.mark.parametrize("language", ["ar", "zh", "ru"])
def test_calendar_and_dates_speak_the_chosen_language(qtbot, field, language):
    date, _after = field(language=language)
    date.open_calendar()
    calendar = date.calendar()
    assert calendar.locale().language() == ui_locale(language).language()
    assert calendar.locale().language() != QLocale.Language.English
    shown = format_date("2026-03-10", "day", ui_locale(language))
    assert parse_date(shown, ui_locale(language)).iso == "2026-03-10", "round trip"
    date.set_value("2026-03-10")
    assert date.edit.text() == shown


def test_one_convention_per_language():
    assert format_date("2026-03-10", "day", ui_locale("en")) == "10/03/2026"
    assert format_date("2026-03-10", "day", ui_locale("zh")) == "2026/3/10"
    assert format_date("2026-03-10", "day", ui_locale("ru")) == "10.03.2026"
    assert "٢٠٢٦" in format_date("2026-03-10", "day", ui_locale("ar"))
    assert format_date("2026-03", "month", ui_locale("ru")) == "март 2026"
    assert format_date("2026-03", "month", ui_locale("zh")) == "2026年3月"
    assert format_date("2026", "year", ui_locale("en")) == "2026"
