"""The HQ workspace on a real HQ store (three demo devices' bundles imported, five years of
casework): every view populates; a reply and a reminder take two clicks; "new communication
from these records" prefills; the reprisals file refuses the SG report without consent;
right-to-left in Arabic; every control named and reachable by keyboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from hrd_field.core.records import ReprisalIncident
from hrd_field.gui.hq.communications_view import FollowUpDialog
from hrd_field.gui.record_model import RecordTableModel
from hrd_field.hq.store import HqStore
from hrd_field.vault.queries import Filters

from .test_accessibility import _problems

PASS = "hq demo passphrase for tests"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hrd_field.cli.demo_hq import make_demo_hq

    return make_demo_hq(tmp_path_factory.mktemp("hqdemo"), PASS, per_device=60,
                        today=date.today())


@pytest.fixture
def make_hq(open_hq_store, store_dir: Path) -> Callable[..., Any]:
    return lambda language="en": open_hq_store(store_dir, language, PASS)


def _rows(qtbot, view) -> int:
    """Rows counted and the first page loaded."""
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and view.model.data(
        view.model.index(0, 0), RecordTableModel.IdRole) is not None, timeout=10_000)
    return view.model.rowCount()


def test_every_view_populates(qtbot, make_hq) -> None:
    window = make_hq()
    ws = window.workspace
    ws.show_section("inbox")
    qtbot.waitUntil(lambda: ws.inbox.bundles.rowCount() == 3, timeout=10_000)
    ws.show_section("devices")
    qtbot.waitUntil(lambda: ws.devices.table.rowCount() == 3, timeout=10_000)
    assert ws.devices.table.item(0, 1).text().count("-") >= 3  # fingerprints to read aloud
    ws.show_section("received")
    assert _rows(qtbot, ws.received.current_view()) > 0
    ws.show_section("communication")
    assert _rows(qtbot, ws.communications.list) >= 200
    ws.show_section("deadlines")
    qtbot.waitUntil(lambda: ws.deadlines.tables["overdue"].model().rowCount() > 0, timeout=10_000)
    assert ws.deadlines.tables["due_soon"].model().rowCount() > 0
    ws.show_section("reprisals")
    assert _rows(qtbot, ws.reprisals.list) > 0
    ws.show_section("recommendation")
    assert _rows(qtbot, ws.recommendations) >= 40
    ws.show_section("legislation")
    assert _rows(qtbot, ws.legislation) >= 16


def _accept_next_dialog(qtbot, **fields: str) -> None:
    def accept() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, FollowUpDialog) and w.isVisible():
                for name, value in fields.items():
                    if name == "assessment":
                        w.assessment.setCurrentIndex(w.assessment.findData(value))
                    else:
                        getattr(w, name).setText(value)
                w.done(QDialog.DialogCode.Accepted)
                return
        QTimer.singleShot(20, accept)

    QTimer.singleShot(20, accept)


def test_reply_and_reminder_in_two_clicks(qtbot, make_hq, store_dir: Path) -> None:
    window = make_hq()
    ws = window.workspace
    ws.show_section("deadlines")
    qtbot.waitUntil(lambda: ws.deadlines.tables["overdue"].model().rowCount() > 0, timeout=10_000)
    board = ws.deadlines.tables["overdue"].model()
    target = board.ids[0]
    before = ws.deadlines.tables["overdue"].model().rowCount()

    ws.show_section("communication")
    view = ws.communications.list
    _rows(qtbot, view)
    view.search.setText(board.rows[0][0])
    qtbot.waitUntil(lambda: view.model.rowCount() >= 1 and view.model.data(
        view.model.index(0, 0), RecordTableModel.IdRole) is not None, timeout=10_000)
    rows = [r for r in range(view.model.rowCount())
            if view.model.data(view.model.index(r, 0), RecordTableModel.IdRole) == target]
    view.table.setCurrentIndex(view.model.index(rows[0], 0))

    today = date.today().isoformat()
    _accept_next_dialog(qtbot, when=today)
    qtbot.mouseClick(ws.communications.reminder, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ws.communications.message.text() != "", timeout=10_000)
    _accept_next_dialog(qtbot, when=today, assessment="incomplete")
    ws.communications.message.clear()
    qtbot.mouseClick(ws.communications.reply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ws.communications.message.text() != "", timeout=10_000)

    window.session.wait_idle()
    record = []
    window.session.get(target, record.append)
    qtbot.waitUntil(lambda: bool(record), timeout=10_000)
    assert record[0].reminders[-1].sent_on == today
    assert [(r.received_on, r.assessment) for r in record[0].replies] == [(today, "incomplete")]
    ws.show_section("deadlines")
    qtbot.waitUntil(lambda: ws.deadlines.tables["overdue"].model().rowCount() == before - 1,
                    timeout=10_000)


def test_new_communication_from_received_records(qtbot, make_hq, store_dir: Path) -> None:
    window = make_hq()
    ws = window.workspace
    ws.show_section("received")
    view = ws.received.current_view()  # reprisal incidents first
    _rows(qtbot, view)
    view.table.selectRow(0)
    selected = ws.received.selected_ids()
    assert selected
    qtbot.waitUntil(lambda: "Provenance" in ws.received.detail.toPlainText(), timeout=10_000)
    assert "Consent scope" in ws.received.detail.toPlainText()
    qtbot.mouseClick(ws.received.from_records, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ws.editors()) == 1, timeout=10_000)
    editor = ws.editors()[0]
    draft = editor.current()
    assert draft.TYPE == "communication"
    assert draft.record_ids == selected
    assert draft.reply_period_days == 60


def test_sg_report_refused_without_consent(qtbot, make_hq, store_dir: Path) -> None:
    with HqStore.open(store_dir, PASS) as store:
        reprisals = [store.repo.get(r.id) for r in store.repo.rows(
            Filters(type="reprisal_incident"), limit=200)]
    private = next(r for r in reprisals if isinstance(r, ReprisalIncident)
                   and r.consent_to_act in ("internal_only", "raise_confidentially"))
    window = make_hq()
    notes = window.workspace.reprisals.notes
    window.workspace.show_section("reprisals")
    notes.load(private.id)
    qtbot.waitUntil(notes.isEnabled, timeout=10_000)
    notes.sg_year.setValue(2026)
    qtbot.mouseClick(notes.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "consent" in notes.message.text(), timeout=10_000)
    got = []
    window.session.received(private.id, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    note = got[0][2]
    assert note is None or note.sg_report_year is None


@pytest.mark.parametrize("language", ["en", "ar"])
def test_named_keyboard_reachable_and_mirrored(qtbot, make_hq, language: str) -> None:
    window = make_hq(language)
    expected = Qt.LayoutDirection.RightToLeft if language == "ar" \
        else Qt.LayoutDirection.LeftToRight
    assert QApplication.instance().layoutDirection() == expected
    ws = window.workspace
    problems = []
    for key in ("inbox", "devices", "received", "communication", "deadlines", "reprisals",
                "recommendation", "legislation"):
        ws.show_section(key)
        qtbot.wait(50)
        problems += [f"{key}: {p}" for p in _problems(ws.browse.currentWidget())]
    assert problems == []
    if language == "ar":
        assert ws.nav.item(3).text() != "Communications"


def test_language_changes_without_a_restart(qtbot, make_hq) -> None:
    from hrd_field.core.i18n import _
    from hrd_field.gui.settings_dialog import SettingsDialog

    window = make_hq()
    window.workspace.show_section("deadlines")
    row = window.workspace.nav.currentRow()
    window.edit_settings()
    dialog = window.findChild(SettingsDialog)
    dialog.language.set_code("fr")
    dialog.accept()
    qtbot.waitUntil(lambda: window.workspace.nav.item(row).text() != "Deadlines",
                    timeout=10_000)
    assert window.stack.currentWidget() is window.workspace, "still unlocked"
    assert window.workspace.nav.currentRow() == row
    assert window.menuBar().actions()[0].text() == "&Fichier"
    window.lock()
    assert window.lock_screen.isVisible()
    assert window.lock_screen.go.text() == _("Unlock") != "Unlock"
    window.lock_screen.passphrase.setText(PASS)
    window.lock_screen._submit()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=20_000)

    # Unsaved casework has no draft at HQ: the switch waits rather than lose it.
    window.workspace.new_record("recommendation")
    editor = window.workspace.editors()[0]
    editor.dirty = True
    window.settings.language = "ar"
    window._settings_saved()
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    assert QApplication.instance().layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert window.workspace.editors() == [editor]
    box.accept()
    editor.dirty = False


def test_reply_due_dates_are_written_like_every_other_date(qtbot, make_hq) -> None:
    window = make_hq("ar")
    ws = window.workspace
    ws.show_section("communication")
    view = ws.communications.list
    _rows(qtbot, view)
    column = view.model.columns.index("reply_due")
    due = [view.model.data(view.model.index(r, column)) for r in range(view.model.rowCount())]
    due = [text for text in due if text]
    assert due, "the demo store has communications awaiting a reply"
    assert not any(ch in "0123456789" for text in due for ch in text), due[:3]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_deadline_board_dates_are_written_like_every_other_date(qtbot, make_hq,
                                                                language: str) -> None:
    import re

    from hrd_field.core.deadlines import DEFAULT_TIMEZONE, today_at
    from hrd_field.gui.dates import format_date

    window = make_hq(language)
    ws = window.workspace
    ws.show_section("deadlines")
    board = ws.deadlines.tables["overdue"].model()
    qtbot.waitUntil(lambda: board.rowCount() > 0, timeout=10_000)
    columns = [3, 2, 5]  # reply due, sent on, last reminder (headings are translated)
    shown = [row[c] for row in board.rows for c in columns if row[c]]
    today = ws.deadlines.today.text()
    if language == "ar":
        texts = shown + [row[4] for row in board.rows] + [today]
        assert not [t for t in texts if re.search(r"[0-9]", t)], texts[:5]
    else:
        assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", t) for t in shown), shown[:5]
        # HQ's day, not this machine's: they differ for an hour or two around midnight
        hq_today = today_at(DEFAULT_TIMEZONE)
        assert format_date(hq_today.isoformat()) in today, today
