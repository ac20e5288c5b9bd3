"""The layout check (issue 13): every view and editor in English, Arabic and Chinese at 100 %
and 200 % font fits a 1366×768 screen, and no text is elided or clipped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from .conftest import scaled_font, unlock, wait_idle
from .layout_check import SCREEN, scroll_problems, size_problems, text_problems

SECTIONS = ("mission_page", "mission", "consultation", "threat_report", "reprisal_incident",
            "person", "outbox")
EDITORS = ("mission", "person", "consultation", "threat_report", "reprisal_incident")


@pytest.fixture
def font_scale(request, qapp) -> Iterator[float]:
    with scaled_font(request.param) as factor:
        yield factor


def _busy_mission(root) -> str:
    """A mission with something in every part of its page."""
    from hrd_field.core.records import (
        Consultation,
        Mission,
        ParticipantCounts,
        Person,
        ReprisalIncident,
        ThreatReport,
    )
    from hrd_field.core.vocab import THREAT_TYPE
    from hrd_field.vault.vault import Vault

    from .conftest import PASSPHRASE

    codes = THREAT_TYPE.codes()
    with Vault.create(root, PASSPHRASE) as v:
        mission = v.records.create(Mission(
            title="Official visit to the Democratic Republic of the Congo, 2026",
            country="CD")).id
        for i in range(8):
            v.records.create(ThreatReport(mission_id=mission, threat_types=[codes[i]]))
            v.records.create(ReprisalIncident(mission_id=mission, met_this_mission=True,
                                              threat_types=[codes[i + 1]]))
        v.records.create(Consultation(mission_id=mission,
                                      participants=ParticipantCounts(women=12, men=3)))
        v.records.create(Person(mission_id=mission, alias="Ceiba-1"))
    return mission


def _settle(qtbot, window) -> None:
    """Let loaded content arrive and lay out before measuring."""
    if window.session.is_open:
        wait_idle(qtbot, window)
    qtbot.wait(30)
    window.resize(SCREEN)
    qtbot.wait(30)


@pytest.mark.slow
@pytest.mark.parametrize("font_scale", [1.0, 2.0], indirect=True, ids=["100", "200"])
@pytest.mark.parametrize("language", ["en", "ar", "zh", "fr", "es", "ru"])
def test_every_view_fits_the_screen_and_shows_its_text(qtbot, make_window, language,
                                                       font_scale, tmp_path):
    root = tmp_path / "vault"
    mission = _busy_mission(root)
    window = make_window(root, language=language)
    problems: list[str] = []
    _settle(qtbot, window)
    problems += size_problems(window, "lock screen")
    problems += text_problems(window)
    unlock(qtbot, window)
    ws = window.workspace
    ws.set_current_mission(mission)  # the fullest mission page
    wait_idle(qtbot, window)
    for key in SECTIONS:
        ws.show_section(key)
        view = ws.lists.get(key)
        if view is not None:
            view.filter_toggle.setChecked(True)  # the widest state of a list
        _settle(qtbot, window)
        problems += size_problems(window, f"section {key}")
        problems += text_problems(ws.browse.currentWidget())
    for record_type in EDITORS:
        editor = ws.new_record(record_type)
        _settle(qtbot, window)
        problems += size_problems(window, f"{record_type} editor")
        problems += text_problems(editor)
        problems += scroll_problems(editor, f"{record_type} editor")
        if editor.form.fold is not None:  # the widest state: everything unfolded
            editor.form.fold.set_open(True)
            _settle(qtbot, window)
            problems += scroll_problems(editor, f"{record_type} editor, unfolded")
            problems += text_problems(editor)
        editor.dirty = False
        editor.request_close()
    for open_dialog in (window.export, window.enrol, window.search_everything,
                        window.edit_settings, window.panic):
        open_dialog()
        wait_idle(qtbot, window)  # dialogs fill in what they load before being measured
        qtbot.wait(20)
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QDialog) and w.isVisible()]
        for dialog in dialogs:
            problems += size_problems(dialog, type(dialog).__name__)
            problems += text_problems(dialog)
            dialog.reject()
    problems = sorted(set(problems))
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems[:60])
