"""A report's numbers, and their one JSON form that every other format is rendered from.

Measures are integer tables (groups × periods) that the report definitions fill; totals
per period are counted separately (a threat report of two types is in two rows but once in
the total). Percentages and rates are derived here, rounded half up to one decimal, and
left out (``None``) wherever a number they depend on is withheld.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...core.i18n import _
from .periods import Period
from .suppression import suppress

PRIMARY = "counts"


@dataclass(frozen=True)
class ReportSpec:
    name: str
    date_from: date
    date_to: date
    by: str | None = None
    period: str = "year"
    period_start: str = "01-01"
    public: bool = False
    min_cell: int = 5
    as_of: date | None = None
    """Replies and deadlines are judged on this day (default: the last day of the range)."""


@dataclass(frozen=True)
class Rate:
    """A percentage per cell: ``numerator`` over ``denominator`` (two measures)."""

    name: str
    label: str
    numerator: str
    denominator: str


@dataclass
class MeasureTable:
    name: str
    label: str
    cells: list[list[int]]
    totals: list[int]
    hidden: set[tuple[int, int]] = field(default_factory=set)

    def row_total(self, i: int) -> int:
        return sum(self.cells[i])

    def grid(self) -> list[list[int]]:
        """Cells with margins: the layout :func:`suppress` works on."""
        rows = [[*row, sum(row)] for row in self.cells]
        return [*rows, [*self.totals, sum(self.totals)]]


def percent(part: int | None, whole: int | None) -> float | None:
    """Half-up rounding to one decimal on exact integers (float rounding would make
    34.95 come out as 34.9 or 35.0 depending on its binary form)."""
    if part is None or whole is None or whole == 0:
        return None
    tenths = (2000 * part + whole) // (2 * whole)
    return tenths / 10


@dataclass
class Report:
    spec: ReportSpec
    title: str
    by: str
    periods: list[Period]
    keys: list[str]
    labels: list[str]
    measures: dict[str, MeasureTable]
    rates: list[Rate] = field(default_factory=list)
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """JSON field → [(sub-key, measure name)], e.g. replies by assessment."""
    notes: list[str] = field(default_factory=list)
    multi_valued: bool = False
    group_titles: dict[str, str] = field(default_factory=dict)

    # -- cells, with withheld ones as None ------------------------------------------------
    def _value(self, measure: str, i: int, j: int) -> int | None:
        table = self.measures[measure]
        n_rows, n_cols = len(table.cells), len(self.periods)
        if (i, j) in table.hidden:
            return None
        if i == n_rows and j == n_cols:
            return sum(table.totals)
        if i == n_rows:
            return table.totals[j]
        if j == n_cols:
            return table.row_total(i)
        return table.cells[i][j]

    def cell(self, measure: str, i: int, j: int) -> int | None:
        return self._value(measure, i, j)

    def row_total(self, measure: str, i: int) -> int | None:
        return self._value(measure, i, len(self.periods))

    def column_total(self, measure: str, j: int) -> int | None:
        return self._value(measure, len(self.keys), j)

    def grand_total(self, measure: str) -> int | None:
        return self._value(measure, len(self.keys), len(self.periods))

    def withhold_small_counts(self) -> None:
        for table in self.measures.values():
            table.hidden = suppress(table.grid(), self.spec.min_cell)

    # -- the JSON contract ----------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        labels = [p.label for p in self.periods]
        n_rows, n_cols = len(self.keys), len(self.periods)
        rows = []
        for i, key in enumerate(self.keys):
            counts = {labels[j]: self.cell(PRIMARY, i, j) for j in range(n_cols)}
            total = self.row_total(PRIMARY, i)
            row: dict[str, Any] = {
                "key": key, "label": self.labels[i], "counts": counts, "total": total,
                "percent_of_period": {labels[j]: percent(counts[labels[j]],
                                                         self.column_total(PRIMARY, j))
                                      for j in range(n_cols)},
                "percent_of_total": percent(total, self.grand_total(PRIMARY)),
            }
            row.update(self._extra(i))
            if any(v is None for v in counts.values()) or total is None or any(
                    (i, j) in t.hidden for t in self.measures.values()
                    for j in range(n_cols + 1)):
                row["suppressed"] = True
            rows.append(row)
        totals: dict[str, Any] = {
            "counts": {labels[j]: self.column_total(PRIMARY, j) for j in range(n_cols)},
            "total": self.grand_total(PRIMARY),
        }
        totals.update(self._extra(n_rows))
        if any((n_rows, j) in t.hidden for t in self.measures.values()
               for j in range(n_cols + 1)):
            totals["suppressed"] = True
        return {"report": self.spec.name, "by": self.by,
                "from": self.spec.date_from.isoformat(), "to": self.spec.date_to.isoformat(),
                "periods": labels, "rows": rows, "totals": totals}

    def _extra(self, i: int) -> dict[str, Any]:
        """Named measures beside ``counts``: ``NAME`` per period and ``NAME_total``."""
        labels = [p.label for p in self.periods]
        n_cols = len(labels)
        grouped = {m for members in self.groups.values() for _sub, m in members}
        out: dict[str, Any] = {}
        for name in self.measures:
            if name == PRIMARY or name in grouped:
                continue
            out[name] = {labels[j]: self._value(name, i, j) for j in range(n_cols)}
            out[f"{name}_total"] = self._value(name, i, n_cols)
        for rate in self.rates:
            out[rate.name] = {labels[j]: percent(self._value(rate.numerator, i, j),
                                                 self._value(rate.denominator, i, j))
                              for j in range(n_cols)}
            out[f"{rate.name}_total"] = percent(self._value(rate.numerator, i, n_cols),
                                                self._value(rate.denominator, i, n_cols))
        for group, members in self.groups.items():
            out[group] = {sub: {labels[j]: self._value(m, i, j) for j in range(n_cols)}
                          for sub, m in members}
            out[f"{group}_total"] = {sub: self._value(m, i, n_cols) for sub, m in members}
        return out

    # -- what renderers show besides the numbers ------------------------------------------
    def measure_label(self, name: str) -> str:
        for rate in self.rates:
            if rate.name == name:
                return _(rate.label)
        table = self.measures.get(name)
        return _(table.label) if table else name
