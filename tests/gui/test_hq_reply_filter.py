"""The communications register of the HQ workspace filters by reply state; 'overdue' counts
from the day at HQ."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.hqkit import make_world
from PySide6.QtWidgets import QApplication

from hrd_field.core.casework import Communication, Reply
from hrd_field.gui.record_model import RecordTableModel


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    world = make_world(tmp_path / "w")
    today = date.today()
    with world.store() as store:
        for reference, days, replied in (("UA overdue", 100, False), ("UA waiting", 5, False),
                                         ("AL answered", 200, True)):
            sent = (today - timedelta(days=days)).isoformat()
            store.repo.create(Communication(
                kind="urgent_appeal", reference=reference, state="KE", status="sent",
                sent_on=sent, replies=[Reply(received_on=sent, assessment="incomplete")]
                if replied else []))
    return world.store_dir


def test_the_register_filters_by_reply_state(qtbot, store_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from hrd_field.gui.hq.window import build_hq_window
    from hrd_field.gui.settings import Settings

    monkeypatch.setenv("XDG_CONFIG_HOME", str(store_dir.parent / "config"))
    window = build_hq_window(store_dir, Settings(), language="en")
    qtbot.addWidget(window)
    try:
        window.show()
        window.lock_screen.passphrase.setText(PASSPHRASE)
        window.lock_screen._submit()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace,
                        timeout=20_000)
        window.workspace.show_section("communication")
        view = window.workspace.communications.list

        def titles() -> set[str]:
            model = view.model
            return {str(model.data(model.index(r, 0))) for r in range(model.rowCount())
                    if model.data(model.index(r, 0), RecordTableModel.IdRole) is not None}

        qtbot.waitUntil(lambda: len(titles()) == 3, timeout=10_000)
        view.filter_toggle.setChecked(True)
        combo = view.f_reply
        assert combo.accessibleName() == "Filter by reply" and combo.isVisible()
        for state, expected in (("overdue", 1), ("awaiting", 2), ("replied", 1)):
            combo.set_code(state)
            combo.activated.emit(combo.currentIndex())
            qtbot.waitUntil(lambda n=expected: view.model.rowCount() == n and
                            len(titles()) == n, timeout=10_000)
        assert any("AL" in t for t in titles())
        assert view.filtered.isVisible()  # the list says it is narrowed
        view.clear_filters()
        qtbot.waitUntil(lambda: len(titles()) == 3, timeout=10_000)
    finally:
        window.session.close_now()
        QApplication.processEvents()
