"""Two parts of the HQ workspace: the inbox lists the bundles kept in quarantine with the
importer's decision (in the user's language, right to left in Arabic), and the
communications register filters by reply state ('overdue' counts from the day at HQ)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers.hqkit import jsonl, make_world, person, sign_bundle
from PySide6.QtCore import Qt

from hrd_field.bundle import SigningKey
from hrd_field.core.casework import Communication, Reply
from hrd_field.gui.record_model import RecordTableModel
from hrd_field.hq.importer import import_bundle


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """An HQ store with a bundle in quarantine and three sent communications."""
    world = make_world(tmp_path / "w")
    bundle = sign_bundle(tmp_path / "b", SigningKey.generate(), world.recipients, 1,
                         jsonl([person("From nowhere")]))
    today = date.today()
    with world.store() as store:
        assert import_bundle(store, bundle).status == "unknown_device"
        for reference, days, replied in (("UA overdue", 100, False), ("UA waiting", 5, False),
                                         ("AL answered", 200, True)):
            sent = (today - timedelta(days=days)).isoformat()
            store.repo.create(Communication(
                kind="urgent_appeal", reference=reference, state="KE", status="sent",
                sent_on=sent, replies=[Reply(received_on=sent, assessment="incomplete")]
                if replied else []))
    return world.store_dir


@pytest.fixture
def open_hq(open_hq_store: Callable[[Path, str], Any], store_dir: Path) -> Callable[[str], Any]:
    return lambda language: open_hq_store(store_dir, language).workspace


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_inbox_lists_quarantined_bundles_with_their_decision(
        qtbot: Any, open_hq: Callable[[str], Any], language: str) -> None:
    from hrd_field.core.i18n import _
    from hrd_field.hq.rules import QUARANTINE_DECISIONS

    ws = open_hq(language)
    ws.show_section("inbox")
    table = ws.inbox.quarantine
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=10_000)
    decision = _(QUARANTINE_DECISIONS["unknown_device"])
    assert table.item(0, 2).text() == decision
    assert table.item(0, 1).text() == _("an import by hand")
    assert table.item(0, 3).text().endswith(".hrdb")
    assert table.accessibleName() == _("Quarantined bundles")
    if language == "ar":
        assert decision != QUARANTINE_DECISIONS["unknown_device"]  # translated
        assert ws.window().layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_the_register_filters_by_reply_state(qtbot: Any,
                                             open_hq: Callable[[str], Any]) -> None:
    ws = open_hq("en")
    ws.show_section("communication")
    view = ws.communications.list

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
        qtbot.waitUntil(lambda n=expected: view.model.rowCount() == n and len(titles()) == n,
                        timeout=10_000)
    assert any("AL" in t for t in titles())
    assert view.filtered.isVisible()  # the list says it is narrowed
    view.clear_filters()
    qtbot.waitUntil(lambda: len(titles()) == 3, timeout=10_000)
