"""Plain renderers: the aligned terminal table, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any

from ...core.i18n import _
from .layout import Block, Line, Value, blocks, fmt_number
from .model import Report


def header_lines(report: Report) -> list[str]:
    spec = report.spec
    out = [report.title,
           _("From {start} to {end}; grouped by {by}.").format(
               start=spec.date_from.isoformat(), end=spec.date_to.isoformat(),
               by=dimension_label(report.by))]
    spans = "; ".join(f"{p.label}: {p.start.isoformat()} – {p.end.isoformat()}"
                      for p in report.periods)
    out.append(_("Periods: {spans}").format(spans=spans))
    if spec.public:
        out.append(_("Published figures: counts from 1 to {k} and the cells that would reveal "
                     "them are withheld (x).").format(k=spec.min_cell - 1))
    return out


def dimension_label(by: str) -> str:
    from ...core.vocab import VOCABULARIES

    names = {"region": _("region"), "kind": _("kind of communication"), "state": _("State"),
             "joint": _("joint or not"), "gender": _("gender"), "mission": _("visit")}
    if by in names:
        return names[by]
    vocab = VOCABULARIES.get(by)
    return _(vocab.title) if vocab else by


def _width(text: str) -> int:
    """Terminal columns: wide East Asian characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, left: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return text + gap if left else gap + text


def _cell(block: Block, line: Line, value: Value, share: Value | None, is_total: bool) -> str:
    text = fmt_number(value, percent=block.percent)
    if block.has_shares and not is_total and value is not None and share is not None:
        text += f" ({share:.1f} %)"
    return text


def table_text(report: Report) -> str:
    data = report.to_json()
    periods = data["periods"]
    out = header_lines(report)
    for block in blocks(report, data):
        head = [block.title, *periods, _("Total")]
        body = []
        for line in [*block.lines, *([block.totals] if block.totals else [])]:
            is_total = line is block.totals
            shares = line.shares or [None] * len(periods)
            body.append([line.label,
                         *(_cell(block, line, v, s, is_total)
                           for v, s in zip(line.values, shares, strict=True)),
                         _cell(block, line, line.total, line.share_total, is_total)])
        widths = [max(_width(r[i]) for r in [head, *body]) for i in range(len(head))]
        out.append("")
        for r in [head, *body]:
            out.append("  ".join(_pad(v, w, i == 0) for i, (v, w) in
                                 enumerate(zip(r, widths, strict=True))).rstrip())
    if report.notes:
        out.append("")
        out += [f"* {note}" for note in report.notes]
    return "\n".join(out) + "\n"


def _csv_value(value: Value) -> Any:
    return "" if value is None else value


def csv_text(report: Report) -> str:
    """One row per group, periods as columns; the main counts, their percentages, then
    every other measure; a last row of totals. Withheld numbers are empty cells."""
    data = report.to_json()
    periods = data["periods"]
    bl = blocks(report, data)
    head = ["key", "label"]
    for block in bl:
        prefix = "" if block.has_shares else f"{block.name} "
        head += [f"{prefix}{p}" for p in periods] + [f"{prefix}total"]
        if block.has_shares:
            head += [f"percent_of_period {p}" for p in periods] + ["percent_of_total"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(head)
    n_lines = len(bl[0].lines)
    for i in range(n_lines + 1):
        first = bl[0].lines[i] if i < n_lines else bl[0].totals
        assert first is not None
        row: list[Any] = [first.key, first.label]
        for block in bl:
            line = block.lines[i] if i < n_lines else block.totals
            assert line is not None
            row += [_csv_value(v) for v in line.values] + [_csv_value(line.total)]
            if block.has_shares:
                shares = line.shares or [None] * len(periods)
                row += [_csv_value(v) for v in shares] + [_csv_value(line.share_total)]
        writer.writerow(row)
    return buffer.getvalue()


def json_text(report: Report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
