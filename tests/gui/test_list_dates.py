"""A record list shows a date at the precision it was recorded, as the editor does: a
month-only incident is "March 2026", not the first of March."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from hrd_field.core.records import PartialDate, ReprisalIncident, ThreatReport
from hrd_field.gui.dates import format_date
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, unlock, wait_idle


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_date_column_keeps_the_precision(qtbot, make_window, tmp_path, language):
    root = tmp_path / "vault"
    dates = {"a day": PartialDate(date="2026-03-10", precision="day"),
             "a month": PartialDate(date="2026-03-01", precision="month"),
             "a year": PartialDate(date="2026-01-01", precision="year")}
    with Vault.create(root, PASSPHRASE) as v:
        for name, when in dates.items():
            v.records.create(ThreatReport(unnamed_group=name, incident_date=when))
        v.records.create(ReprisalIncident(unnamed_group="reprisal",
                                          incident_date=dates["a month"]))
    window = make_window(root, language=language)
    unlock(qtbot, window)
    wait_idle(qtbot, window)
    shown = {}
    for key in ("threat_report", "reprisal_incident"):
        window.workspace.show_section(key)
        model = window.workspace.lists[key].model
        qtbot.waitUntil(lambda m=model: m.rowCount() > 0, timeout=10_000)
        column = model.columns.index("event_date")
        for r in range(model.rowCount()):
            cell = model.index(r, column)
            qtbot.waitUntil(lambda c=cell, m=model: m.row_at(c.row()) is not None,
                            timeout=10_000)  # pages arrive from the worker
            shown[(key, r)] = model.data(cell, Qt.ItemDataRole.DisplayRole)
    expected = {format_date("2026-03-10", "day"), format_date("2026-03", "month"),
                format_date("2026", "year")}
    assert set(v for (k, _r), v in shown.items() if k == "threat_report") == expected
    assert list(v for (k, _r), v in shown.items() if k == "reprisal_incident") == [
        format_date("2026-03", "month")]
    assert format_date("2026-03-01", "day") not in shown.values()
