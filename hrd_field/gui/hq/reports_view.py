"""Reports for the HQ workspace: pick a report, a range, periods and a grouping; the table
and its chart side by side; export to CSV, XLSX, PDF or JSON.

A self-contained widget: the workspace hands it a ``run`` function that builds a report on
its worker thread (where the store lives) and calls back with the result, so this view
never touches the store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QRectF, QRegularExpression, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import UserError
from ...core.i18n import _
from ...documents.chart import Series, paint_bars
from ...hq.reports import REPORTS, Report, ReportSpec
from ...hq.reports.layout import Block, blocks, fmt_number
from ...hq.reports.render import csv_text, dimension_label, json_text
from ...vault.fsutil import atomic_write
from .. import file_dialogs
from ..widgets import isolate
from .tables import heading

RunReport = Callable[[ReportSpec, Callable[[Report], None], Callable[[str], None]], None]
EXPORTS = (("csv", "CSV"), ("xlsx", "XLSX"), ("pdf", "PDF"), ("json", "JSON"))


def _line(*items: QWidget | tuple[str, QWidget]) -> QHBoxLayout:
    """Widgets side by side, a (label, widget) pair as a label that is the widget's buddy;
    the stretch at the end keeps them at their natural width."""
    layout = QHBoxLayout()
    for item in items:
        if isinstance(item, tuple):
            label = QLabel(item[0])
            label.setBuddy(item[1])
            layout.addWidget(label)
            layout.addWidget(item[1])
        else:
            layout.addWidget(item)
    layout.addStretch(1)
    return layout


class ChartWidget(QWidget):
    """Bars by period, stacked by group, painted like the PDF's chart."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.periods: list[str] = []
        self.series: list[Series] = []
        self.setMinimumSize(QSize(260, 200))
        self.setAccessibleName(_("Chart of the report"))

    def set_data(self, periods: list[str], series: list[Series]) -> None:
        self.periods, self.series = periods, series
        self.setAccessibleDescription("; ".join(
            f"{s.label}: " + ", ".join(f"{p} {fmt_number(v)}" for p, v in
                                       zip(periods, s.values, strict=True))
            for s in series))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        if self.periods:
            paint_bars(painter, QRectF(self.rect()).adjusted(8, 8, -8, -8), self.periods,
                       self.series,
                       rtl=self.layoutDirection() == Qt.LayoutDirection.RightToLeft,
                       font=self.font(), text_colour=self.palette().text().color())
        painter.end()


class ReportsView(QWidget):
    def __init__(self, run: RunReport, parent: QWidget | None = None):
        super().__init__(parent)
        self._run = run
        self.report: Report | None = None
        self._blocks: list[Block] = []
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Reports")))

        form = QFormLayout()
        self.report_combo = QComboBox()
        self.report_combo.setAccessibleName(_("Report"))
        for name, info in REPORTS.items():
            self.report_combo.addItem(_(info.title), name)
        self.by_combo = QComboBox()
        self.by_combo.setAccessibleName(_("Group by"))
        today = date.today()
        self.date_from = QDateEdit(QDate(today.year - 3, 1, 1))
        self.date_to = QDateEdit(QDate(today.year - 1, 12, 31))
        for edit, name in ((self.date_from, _("From")), (self.date_to, _("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            # ISO dates read left to right in every language.
            edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.period_combo = QComboBox()
        self.period_combo.setAccessibleName(_("Periods"))
        self.period_combo.addItem(_("Years"), "year")
        self.period_combo.addItem(_("The whole range as one period"), "all")
        self.period_start = QLineEdit("01-01")
        self.period_start.setAccessibleName(_("Years start on (MM-DD)"))
        self.period_start.setValidator(QRegularExpressionValidator(
            QRegularExpression(r"\d{0,2}-?\d{0,2}")))
        self.period_start.setMaximumWidth(80)
        self.public = QCheckBox(_("For publication (withhold small counts)"))
        self.min_cell = QSpinBox()
        self.min_cell.setRange(2, 100)
        self.min_cell.setValue(5)
        self.min_cell.setAccessibleName(_("Smallest count shown"))
        self.show_button = QPushButton(_("Show"))
        self.show_button.setObjectName("primary")
        self.show_button.setAccessibleName(_("Show the report"))

        dates = _line(self.date_from, QLabel("–"), self.date_to)
        periods = _line(self.period_combo, (_("starting on"), self.period_start))
        public = _line(self.public, (_("smallest count shown"), self.min_cell))
        public.addWidget(self.show_button)
        form.addRow(_("&Report"), self.report_combo)
        form.addRow(_("&Group by"), self.by_combo)
        form.addRow(_("&Range"), dates)
        form.addRow(_("&Periods"), periods)
        form.addRow("", public)
        for row, buddy in ((0, self.report_combo), (1, self.by_combo),
                           (2, self.date_from), (3, self.period_combo)):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel):
                label.setBuddy(buddy)
        layout.addLayout(form)

        self.measure_combo = QComboBox()
        self.measure_combo.setAccessibleName(_("Figures shown in the table"))
        self.table = QTableWidget(0, 0)
        self.table.setAccessibleName(_("Report table"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.chart = ChartWidget()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.measure_combo)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        layout.addWidget(splitter, 1)

        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setAccessibleName(_("What is counted"))
        layout.addWidget(self.notes)
        self.status = QLabel()
        self.status.setAccessibleName(_("Report status"))
        exports = QHBoxLayout()
        exports.addWidget(self.status, 1)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, name in EXPORTS:
            button = QPushButton(_("Export {format}…").format(format=name))
            button.setAccessibleName(_("Export the report as {format}").format(format=name))
            button.setEnabled(False)
            button.clicked.connect(lambda _c=False, f=fmt: self._ask_export(f))
            exports.addWidget(button)
            self.export_buttons[fmt] = button
        layout.addLayout(exports)

        self.report_combo.currentIndexChanged.connect(self._fill_dimensions)
        self.measure_combo.currentIndexChanged.connect(self._show_block)
        self.show_button.clicked.connect(self.run)
        self._fill_dimensions()

    # -- choosing ---------------------------------------------------------------------------
    def _fill_dimensions(self) -> None:
        info = REPORTS[self.report_combo.currentData()]
        self.by_combo.clear()
        for dim in info.dimensions():
            self.by_combo.addItem(dimension_label(dim), dim)
        self.by_combo.setCurrentIndex(max(0, self.by_combo.findData(info.default_by)))

    def spec(self) -> ReportSpec:
        return ReportSpec(
            name=self.report_combo.currentData(),
            date_from=self.date_from.date().toPython(),  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython(),  # type: ignore[arg-type]
            by=self.by_combo.currentData(), period=self.period_combo.currentData(),
            period_start=self.period_start.text().strip() or "01-01",
            public=self.public.isChecked(), min_cell=self.min_cell.value())

    def run(self) -> None:
        try:
            spec = self.spec()
        except UserError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(_("Counting…"))
        self.show_button.setEnabled(False)
        self._run(spec, self._shown, self._failed)

    def _failed(self, message: str) -> None:
        self.show_button.setEnabled(True)
        self.status.setText(message)

    # -- showing ----------------------------------------------------------------------------
    def _shown(self, report: Report) -> None:
        self.show_button.setEnabled(True)
        self.report = report
        data = report.to_json()
        self._blocks = blocks(report, data)
        self.measure_combo.blockSignals(True)
        self.measure_combo.clear()
        for block in self._blocks:
            self.measure_combo.addItem(block.title, block.name)
        self.measure_combo.blockSignals(False)
        self._show_block()
        periods = data["periods"]
        self.chart.set_data(periods, [Series(r["label"], [r["counts"][p] for p in periods])
                                      for r in data["rows"]])
        self.notes.setText("\n".join(f"* {n}" for n in report.notes))
        total = data["totals"]["total"]
        self.status.setText(_("{title}: {total} in all.").format(
            title=report.title, total=fmt_number(total)))
        for button in self.export_buttons.values():
            button.setEnabled(True)

    def _show_block(self) -> None:
        index = self.measure_combo.currentIndex()
        if self.report is None or not 0 <= index < len(self._blocks):
            return
        block = self._blocks[index]
        periods = [p.label for p in self.report.periods]
        lines = [*block.lines, *([block.totals] if block.totals else [])]
        self.table.clear()
        self.table.setRowCount(len(lines))
        self.table.setColumnCount(len(periods) + 1)
        self.table.setHorizontalHeaderLabels([*periods, _("Total")])
        self.table.setVerticalHeaderLabels([ln.label for ln in lines])
        for i, line in enumerate(lines):
            shares = [*(line.shares or [None] * len(periods)), line.share_total]
            for j, (value, share) in enumerate(zip([*line.values, line.total], shares,
                                                   strict=True)):
                text = fmt_number(value, percent=block.percent)
                if block.has_shares and line is not block.totals and value is not None \
                        and share is not None:
                    text += f" ({share:.1f} %)"
                item = QTableWidgetItem(isolate(text))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
                if value is None and not block.percent:
                    item.setToolTip(_("Withheld to protect the people concerned"))
                self.table.setItem(i, j, item)

    # -- exporting --------------------------------------------------------------------------
    def _ask_export(self, fmt: str) -> None:
        if self.report is None:
            return
        name = f"{self.report.spec.name}-{self.report.spec.date_from}-{self.report.spec.date_to}"
        path = file_dialogs.save_file(self, _("Export the report"), f"{name}.{fmt}",
                                      f"{fmt.upper()} (*.{fmt})")
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        if self.report is None:
            return
        if fmt == "csv":
            data = csv_text(self.report).encode("utf-8")
        elif fmt == "json":
            data = json_text(self.report).encode("utf-8")
        elif fmt == "xlsx":
            from ...hq.reports.xlsx import xlsx_bytes

            data = xlsx_bytes([self.report])
        else:
            from ...documents.report_pdf import report_pdf

            data = report_pdf(self.report)
        try:
            atomic_write(path, data)
        except OSError as exc:
            self.status.setText(_("Cannot write {path}: {reason}").format(
                path=path, reason=exc.strerror))
            return
        self.status.setText(_("Report written to {path}.").format(path=path))
