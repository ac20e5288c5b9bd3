"""How many actions one women-defenders consultation takes, keyboard only (issue 13).

The same consultation each time: date, place, 12 participants, 4 topics, summary notes,
3 organisations, gender analysis, 2 follow-up actions, consent, saved. An action is one key
press that is not typing (Tab, Space, Enter, a shortcut) or one value typed into a field
(``12``, a date, one line of a list, the letter that picks a choice). Focus is moved with
Tab only, so every field skipped costs its Tab; where no short run of Tabs gets there, a
click is counted (and the editor fails the keyboard-only test). Measured twice: with no
current mission, and with one whose country the consultation takes.
``HRD_ACTIONS_REPORT=1 pytest -s`` prints the count step by step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDateEdit, QWidget

from .conftest import unlock, wait_idle

# Measured with this driver: the editor before issue 13 took 82 actions, 6 of them mouse
# clicks (Tab never reached organisations, follow-up rows, consent; the date came out as
# 1901-01-01); 55 keyboard only after the first round (commit 65c9156, the same driver with
# an Add button to press); now 44 without a current mission, 43 with one (its country is
# already there). The issue asks for under 45.
TARGET = 45
MAX_TABS = 25


@dataclass
class Driver:
    qtbot: object
    editor: QWidget
    actions: int = 0
    mouse: int = 0
    log: list[str] = field(default_factory=list)

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "focus left the window"
        return widget

    def _within(self, target: QWidget) -> bool:
        widget = QApplication.focusWidget()
        return widget is not None and (widget is target or target.isAncestorOf(widget))

    def _tabs_needed(self, target: QWidget) -> int | None:
        """How many Tabs from the focus to ``target`` along Qt's focus chain, if few."""
        widget = self.focus()
        for n in range(1, MAX_TABS + 1):
            widget = widget.nextInFocusChain()
            while not (widget.isVisible() and widget.isEnabled() and not widget.focusProxy()
                       and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                widget = widget.nextInFocusChain()
            if widget is target or target.isAncestorOf(widget):
                return n
        return None

    def tab_to(self, target: QWidget, what: str) -> None:
        if self._within(target):
            return
        needed = self._tabs_needed(target)
        if needed is None:  # no one presses Tab this often: a click, and keyboard-only fails
            proxy = target.focusProxy() or target
            proxy.setFocus(Qt.FocusReason.MouseFocusReason)
            self.mouse += 1
            self.count(1, f"MOUSE click on {what} (Tab does not get there)")
            return
        presses = 0
        while not self._within(target):  # a widget may keep Tab for itself (date sections)
            if presses >= 3 * needed + 6:  # trapped: the user reaches for the mouse
                self.count(presses, f"Tab ×{presses}, trapped before {what}")
                (target.focusProxy() or target).setFocus(Qt.FocusReason.MouseFocusReason)
                self.mouse += 1
                self.count(1, f"MOUSE click on {what} (Tab is trapped)")
                return
            self.qtbot.keyClick(self.focus(), Qt.Key.Key_Tab)
            presses += 1
        self.count(presses, f"Tab ×{presses} to {what}")

    def type(self, text: str, what: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)
        self.count(1, f"type {what}")

    def key(self, key: Qt.Key, what: str,
            modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.focus(), key, modifier)
        self.count(1, what)

    def lines(self, values: list[str], what: str) -> None:
        for i, value in enumerate(values):
            if i:
                self.key(Qt.Key.Key_Return, "Enter (next line)")
            self.type(value, f"{what} {i + 1}")

    def date(self, day: QDate, what: str) -> None:
        widget = self.focus()
        if isinstance(widget, QDateEdit):  # the old spin-section date field
            self.key(Qt.Key.Key_Up, "Up (leave the empty date)")
            self.key(Qt.Key.Key_Home, "Home (year section)")
            self.type(day.toString("yyyyMMdd"), what)
        else:
            self.type(day.toString("yyyy-MM-dd"), what)

    def count(self, n: int, step: str) -> None:
        self.actions += n
        self.log.append(f"{self.actions:3d}  +{n}  {step}")


def _enter_consultation(qtbot, window) -> tuple[Driver, object]:
    ws = window.workspace
    ws.show_section("consultation")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    before = len(ws.editors())
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(ws.editors()) == before + 1, timeout=5_000)
    editor = ws.editors()[-1]
    d = Driver(qtbot, editor)
    d.count(1, "Ctrl+N: new consultation")
    qtbot.waitUntil(lambda: editor.isAncestorOf(QApplication.focusWidget()), timeout=5_000)
    f = editor.form.form.editors

    d.tab_to(f["date"].widget, "Date")
    d.date(QDate(2026, 3, 10), "the date")
    place = f["place"].editors
    if place["country"].value() != "HN":  # the current mission's country is already there
        d.tab_to(place["country"].widget, "Country")
        d.type("Honduras", "the country")
    d.tab_to(place["admin_area"].widget, "Administrative area")
    d.type("Atlantida", "the area")
    d.tab_to(place["locality"].widget, "Locality")
    d.type("Tela", "the locality")
    d.tab_to(f["participants"].editors["women"].widget, "Women")
    d.type("12", "12 women")
    d.key(Qt.Key.Key_Return, "Enter: done with the counts")
    d.tab_to(f["topics"].widget, "Topics")
    d.lines(["Land defenders", "Smear campaigns", "Police raids", "Protection"], "topic")
    d.tab_to(f["summary"].widget, "Summary notes")
    d.type("Twelve women defenders described threats after the land dispute.", "the notes")
    d.tab_to(f["organisations"].widget, "Organisations")
    d.lines(["Red de Defensoras", "Colectiva Luna", "Mujeres del Valle"], "organisation")
    gender = f["gender_analysis"].editors
    d.tab_to(gender["participation"].widget, "Level of participation")
    d.type("A", "participation (Active)")
    d.tab_to(gender["representation"].widget, "Representation")
    d.type("M", "representation (Most)")
    d.tab_to(gender["prominence"].widget, "Prominence")
    d.type("C", "prominence (Central)")
    d.tab_to(gender["gbv_patterns"].widget, "Patterns of gender-based violations")
    d.type("Sexual threats against women leaders.", "the patterns")
    follow = f["follow_up"]
    actions = ("Send urgent appeal", "Refer Luna to protection programme")
    for n, action in enumerate(actions):
        row = follow._forms[n][0]  # the empty entry waiting at the end of the list
        d.tab_to(row.editors["action"].widget, f"follow-up action {n + 1}")
        d.type(action, f"follow-up action {n + 1}")
        d.key(Qt.Key.Key_Return, "Enter: next entry")
    d.key(Qt.Key.Key_Return, "Enter on the empty entry: done with the list")
    d.tab_to(editor.consent_presets.combo, "Consent: the usual answers")
    d.type("V", "verbal consent, share with headquarters")
    d.key(Qt.Key.Key_S, "Ctrl+S: save", Qt.KeyboardModifier.ControlModifier)
    return d, editor


def _honduras_mission(window) -> None:
    from hrd_field.core.records import Mission

    mission = Mission(title="Honduras 2026", country="HN", start_date="2026-03-08",
                      end_date="2026-03-20")
    done = []
    window.session.save(mission, True, done.append, pytest.fail)
    window.workspace.set_current_mission(mission.id)
    return done


# The country's completion list is a popup: offscreen cannot raise it or grab the keyboard.
@pytest.mark.qt_log_ignore("does not support raise", "grabbing the keyboard")
@pytest.mark.parametrize("current_mission", [False, True], ids=["no-mission", "mission"])
def test_a_consultation_takes_few_actions_keyboard_only(qtbot, make_window, current_mission):
    window = make_window()
    window.resize(1366, 768)
    unlock(qtbot, window)
    wait_idle(qtbot, window)
    if current_mission:
        saved_mission = _honduras_mission(window)
        qtbot.waitUntil(lambda: bool(saved_mission), timeout=10_000)
        wait_idle(qtbot, window)
    driver, editor = _enter_consultation(qtbot, window)
    qtbot.waitUntil(lambda: not editor.is_new, timeout=10_000)
    saved = editor.base
    report = "\n".join(driver.log) + f"\nactions: {driver.actions}"
    if os.environ.get("HRD_ACTIONS_REPORT"):
        print(report)
    assert saved.date == "2026-03-10", report
    assert saved.place.country == "HN" and saved.place.locality == "Tela"
    assert saved.participants.women == 12
    assert len(saved.topics) == 4
    assert saved.organisations_count == 3
    assert saved.gender_analysis.participation is not None
    assert [a.action for a in saved.follow_up] == ["Send urgent appeal",
                                                    "Refer Luna to protection programme"]
    consent = saved.consent
    assert consent.obtained and consent.method == "verbal" and consent.scope.share_with_hq
    assert not consent.scope.share_identity_with_hq
    assert consent.date == "2026-03-10", "agreed in the room, on the day"
    assert driver.mouse == 0, report
    assert driver.actions < TARGET, report
