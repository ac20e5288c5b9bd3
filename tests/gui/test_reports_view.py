"""The HQ Reports view: choose, show, export; the table and the files carry the JSON's
numbers; right to left in Arabic."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers.reportkit import MemorySource, comm
from PySide6.QtCore import QDate, Qt

from hrd_field.core import i18n
from hrd_field.hq.reports import build_report


def _source() -> MemorySource:
    comms = ([comm("2018-03-01", "CN") for _ in range(12)]
             + [comm("2018-04-01", "BR") for _ in range(2)]
             + [comm("2019-05-01", "BR") for _ in range(9)]
             + [comm("2019-05-01", "CN") for _ in range(7)])
    return MemorySource(comms)


@pytest.fixture
def view(qtbot):
    from hrd_field.gui.hq.reports_view import ReportsView

    src = _source()
    calls = []

    def run(spec, done, fail):
        calls.append(spec)
        done(build_report(spec, src))

    widget = ReportsView(run)
    qtbot.addWidget(widget)
    widget.date_from.setDate(QDate(2018, 1, 1))
    widget.date_to.setDate(QDate(2019, 12, 31))
    widget.show()
    widget.calls = calls
    return widget


def _cell(widget, row: int, col: int) -> str:
    return widget.table.item(row, col).text().strip("\u2066\u2069")


def test_show_puts_the_json_numbers_in_the_table_and_chart(qtbot, view, tmp_path: Path) -> None:
    qtbot.mouseClick(view.show_button, Qt.MouseButton.LeftButton)
    data = view.report.to_json()
    assert data["periods"] == ["2018", "2019"]
    for i, row in enumerate(data["rows"]):
        for j, p in enumerate(data["periods"]):
            text = _cell(view, i, j)
            assert text.split(" (")[0] == str(row["counts"][p])
            assert f"({row['percent_of_period'][p]:.1f} %)" in text
    assert _cell(view, 1, 0) == "2 (14.3 %)"  # 2 of the 14 sent in 2018 went to the Americas
    assert view.chart.periods == ["2018", "2019"]
    assert [s.values for s in view.chart.series][:2] == [[12, 7], [2, 9]]
    # Exports write the same numbers.
    view.export_to(tmp_path / "r.csv", "csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text("utf-8"))))
    assert rows[2][:6] == ["americas", "The Americas", "2", "9", "11", "14.3"]
    view.export_to(tmp_path / "r.json", "json")
    assert json.loads((tmp_path / "r.json").read_text("utf-8")) == data
    view.export_to(tmp_path / "r.xlsx", "xlsx")
    assert (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"


def test_dimensions_follow_the_report_and_public_withholds(qtbot, view) -> None:
    view.report_combo.setCurrentIndex(view.report_combo.findData("threats"))
    dims = [view.by_combo.itemData(i) for i in range(view.by_combo.count())]
    assert "threat_type" in dims and "perpetrator" in dims and "region" in dims
    assert view.by_combo.currentData() == "threat_type"
    view.report_combo.setCurrentIndex(view.report_combo.findData("communications"))
    view.public.setChecked(True)
    qtbot.mouseClick(view.show_button, Qt.MouseButton.LeftButton)
    assert view.calls[-1].public and view.calls[-1].min_cell == 5
    # The Americas' 2 in 2018 is withheld, with the cells that would give it away.
    assert _cell(view, 1, 0) == "x"
    assert view.report.to_json()["rows"][1]["suppressed"] is True


def test_arabic_is_right_to_left(qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from hrd_field.gui.hq.reports_view import ReportsView

    i18n.set_language("ar")
    app = QApplication.instance()
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        src = _source()
        widget = ReportsView(lambda spec, done, fail: done(build_report(spec, src)))
        qtbot.addWidget(widget)
        widget.date_from.setDate(QDate(2018, 1, 1))
        widget.date_to.setDate(QDate(2019, 12, 31))
        widget.show()
        widget.run()
        assert widget.isRightToLeft()
        assert widget.report.labels[0] == "آسيا والمحيط الهادئ"
        assert widget.show_button.text() != "Show"
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        i18n.set_language("en")
