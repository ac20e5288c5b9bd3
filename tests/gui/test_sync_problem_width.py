"""A sync problem is told in full wherever the window shows it, and never makes the window
wider than a 1366×768 screen: HQ's refusals, said in the person's language with HQ's own
words after them, run to two hundred characters and more."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hrd_field.core import i18n
from hrd_field.core.i18n import _
from hrd_field.gui.sync_controller import SyncState
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, scaled_font, unlock, wait_idle
from .layout_check import SCREEN, size_problems


@pytest.fixture
def font_scale(request, qapp) -> Iterator[float]:
    with scaled_font(request.param) as factor:
        yield factor


@pytest.mark.parametrize("font_scale", [1.0, 2.0], indirect=True, ids=["100", "200"])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_long_sync_problem_wraps_inside_the_window(qtbot, make_window, tmp_path: Path,
                                                     language: str, font_scale: float) -> None:
    Vault.create(tmp_path / "vault", PASSPHRASE).close()
    window = make_window(tmp_path / "vault", language=language)
    unlock(qtbot, window)
    window.workspace.show_section("outbox")
    wait_idle(qtbot, window)
    why = _("HQ refused the bundle: {why}").format(why=_(
        "HQ holds a different bundle with the same number from this laptop and imported "
        "nothing: call HQ.") + " " + _("(HQ said: {detail})").format(
        detail="ALARM: device laptop-1 sent different content for sequence 12 than HQ "
               "holds; nothing was imported."))
    text = _("Sync problem: {why}").format(why=why)
    assert len(text) > 200 and i18n.language() == language
    window.sync.state_changed.emit(SyncState(text, 3, online=True))
    qtbot.wait(30)
    window.resize(SCREEN)
    qtbot.wait(30)
    assert size_problems(window, "sync problem") == []
    assert window.width() <= SCREEN.width()
    outbox = window.workspace.outbox.status
    assert outbox.text() == text and outbox.isVisible()  # whole, on as many lines as it takes
    assert outbox.width() <= SCREEN.width()
    status = window.sync_label  # one line in the status bar, whole in its tooltip
    assert status.full_text() == status.toolTip() == text
    assert status.text().endswith("…") and status.width() < SCREEN.width() // 2
