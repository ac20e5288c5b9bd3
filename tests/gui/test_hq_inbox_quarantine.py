"""The HQ inbox shows the bundles kept in quarantine with the importer's decision, in the
user's language, right to left in Arabic."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.hqkit import jsonl, make_world, person, sign_bundle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hrd_field.bundle import SigningKey
from hrd_field.hq.importer import import_bundle


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    world = make_world(tmp_path / "w")
    bundle = sign_bundle(tmp_path / "b", SigningKey.generate(), world.recipients, 1,
                         jsonl([person("From nowhere")]))
    with world.store() as store:
        assert import_bundle(store, bundle).status == "unknown_device"
    return world.store_dir


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_inbox_lists_quarantined_bundles_with_their_decision(
        qtbot, store_dir: Path, language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from hrd_field.core import i18n
    from hrd_field.core.i18n import _
    from hrd_field.gui.hq.window import build_hq_window
    from hrd_field.gui.settings import Settings
    from hrd_field.hq.rules import QUARANTINE_DECISIONS

    monkeypatch.setenv("XDG_CONFIG_HOME", str(store_dir.parent / "config"))
    window = build_hq_window(store_dir, Settings(), language=language)
    qtbot.addWidget(window)
    try:
        window.show()
        window.lock_screen.passphrase.setText(PASSPHRASE)
        window.lock_screen._submit()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace,
                        timeout=20_000)
        ws = window.workspace
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
            assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    finally:
        window.session.close_now()
        i18n.set_language("en")
        QApplication.instance().setLayoutDirection(Qt.LayoutDirection.LeftToRight)
