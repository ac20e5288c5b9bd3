"""The Reports section of the HQ workspace builds its reports on the workspace's own worker,
from the demo HQ store (five years of communications)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate

from .test_hq_workspace import make_hq, store_dir  # noqa: F401 (fixtures)


def test_reports_section_counts_the_stores_communications(qtbot, make_hq) -> None:  # noqa: F811
    window = make_hq()
    ws = window.workspace
    ws.show_section("reports")
    view = ws.reports
    today = date.today()
    view.date_from.setDate(QDate(today.year - 6, 1, 1))
    view.date_to.setDate(QDate(today.year, 12, 31))
    view.report_combo.setCurrentIndex(view.report_combo.findData("communications"))
    view.run()
    qtbot.waitUntil(lambda: view.report is not None, timeout=30_000)
    data = view.report.to_json()
    assert data["totals"]["total"] >= 150  # the demo sends about 200 over five years
    assert sum(r["total"] for r in data["rows"]) == data["totals"]["total"]
    assert view.table.rowCount() == len(data["rows"]) + 1
    assert view.chart.series and view.export_buttons["xlsx"].isEnabled()
