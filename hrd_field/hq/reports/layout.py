"""A report's JSON laid out as titled blocks of rows, for the renderers.

Every format (terminal table, CSV, XLSX, PDF, the GUI table) draws from these blocks, and
the blocks are read from :meth:`Report.to_json`, so they all show the JSON's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...core.i18n import _
from .model import PRIMARY, Report

Value = int | float | None


@dataclass
class Line:
    key: str
    label: str
    values: list[Value]
    total: Value
    shares: list[Value] = field(default_factory=list)
    """For the main block: percent of each period's total."""
    share_total: Value = None


@dataclass
class Block:
    name: str
    title: str
    percent: bool
    lines: list[Line]
    totals: Line | None

    @property
    def has_shares(self) -> bool:
        return self.name == PRIMARY


def blocks(report: Report, data: dict[str, Any] | None = None) -> list[Block]:
    data = data if data is not None else report.to_json()
    periods = data["periods"]
    rows, totals = data["rows"], data["totals"]
    total_label = _("Total")

    def line(row: dict[str, Any], key: str, label: str, name: str,
             sub: str | None = None) -> Line:
        if sub is None:
            per = row.get(name) or {}
            tot = row.get(f"{name}_total")
        else:
            per = (row.get(name) or {}).get(sub) or {}
            tot = (row.get(f"{name}_total") or {}).get(sub)
        return Line(key, label, [per.get(p) for p in periods], tot)

    main = Block(PRIMARY, report.measure_label(PRIMARY), False, [], None)
    for row in rows:
        main.lines.append(Line(row["key"], row["label"],
                               [row["counts"].get(p) for p in periods], row["total"],
                               [row["percent_of_period"].get(p) for p in periods],
                               row["percent_of_total"]))
    main.totals = Line("total", total_label, [totals["counts"].get(p) for p in periods],
                       totals["total"])
    out = [main]
    grouped = {m for members in report.groups.values() for _sub, m in members}
    for name in report.measures:
        if name == PRIMARY or name in grouped:
            continue
        out.append(Block(name, report.measure_label(name), False,
                         [line(r, r["key"], r["label"], name) for r in rows],
                         line(totals, "total", total_label, name)))
    for rate in report.rates:
        out.append(Block(rate.name, report.measure_label(rate.name), True,
                         [line(r, r["key"], r["label"], rate.name) for r in rows],
                         line(totals, "total", total_label, rate.name)))
    for group, members in report.groups.items():
        for sub, measure in members:
            title = report.measure_label(measure)
            if group in report.group_titles:
                title = f"{_(report.group_titles[group])}: {title}"
            out.append(Block(f"{group}:{sub}", title, False,
                             [line(r, r["key"], r["label"], group, sub) for r in rows],
                             line(totals, "total", total_label, group, sub)))
    return out


def fmt_number(value: Value, *, percent: bool = False) -> str:
    """How a cell reads on screen and on paper; ``x`` marks a withheld number."""
    if value is None:
        return "x" if not percent else "–"
    if percent:
        return f"{value:.1f} %"
    return str(value)
