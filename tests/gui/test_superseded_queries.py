"""A search typed letter by letter replaces its query at each pause: a query nobody waits
for any more is not run when its turn comes (on an HQ store in PostgreSQL a first search
opens every record, seconds each), while a write abandoned the same way still runs (a draft
saved as its editor closes must never be lost)."""

from __future__ import annotations

import threading
from typing import Any

from hrd_field.gui.tasks import TaskRunner


def test_an_abandoned_read_is_skipped_and_an_abandoned_write_still_runs(qtbot: Any) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    ran: list[str] = []
    got: list[str] = []
    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)

    runner.submit(lambda: gate.wait(10))  # the worker is busy: what follows waits its turn
    stale = runner.submit(lambda: ran.append("'c'"), read=True,
                          on_success=lambda _v: got.append("'c'"))
    saved = runner.submit(lambda: ran.append("draft"), on_success=lambda _v: got.append("draft"))
    runner.submit(lambda: ran.append("'community'"), read=True,
                  on_success=lambda _v: got.append("'community'"))
    stale.abandon()
    saved.abandon()
    gate.set()
    qtbot.waitUntil(lambda: busy[-1:] == [False], timeout=10_000)
    assert ran == ["draft", "'community'"]  # the superseded search never ran
    assert got == ["'community'"]  # and abandoned work delivers nothing
