"""XLSX: a sheet per report, numbers as numbers, percentages as percentages.

Written in memory (XlsxWriter's ``in_memory`` mode): no temporary file with the figures
touches the disk; the caller writes the bytes where they belong.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime

import xlsxwriter

from ...core.i18n import _, is_rtl, language
from .layout import blocks
from .model import Report
from .render import header_lines

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def xlsx_bytes(reports: Sequence[Report], *, generated_at: datetime | None = None) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bottom": 1, "align": "center"})
    count = book.add_format({"num_format": "0"})
    share = book.add_format({"num_format": "0.0%", "font_color": "#444444"})
    total = book.add_format({"num_format": "0", "bold": True, "top": 1})
    total_label = book.add_format({"bold": True, "top": 1})
    pct_total = book.add_format({"num_format": "0.0%", "bold": True, "top": 1})
    withheld = book.add_format({"align": "right", "font_color": "#888888"})
    note = book.add_format({"italic": True, "text_wrap": False})
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    used: set[str] = set()
    for report in reports:
        name = _BAD_SHEET_CHARS.sub("-", report.spec.name)[:31]
        while name in used:
            name = name[:28] + f"-{len(used)}"
        used.add(name)
        sheet = book.add_worksheet(name)
        if is_rtl(language()):
            sheet.right_to_left()
        data = report.to_json()
        periods = data["periods"]
        r = 0
        for i, text in enumerate(header_lines(report)):
            sheet.write_string(r, 0, text, title if i == 0 else None)
            r += 1
        sheet.write_string(r, 0, _("Generated {when}").format(when=when))
        r += 2
        width = 20
        for block in blocks(report, data):
            sheet.write_string(r, 0, block.title, bold)
            cols = [*periods, _("Total")]
            for j, label in enumerate(cols):
                sheet.write_string(r, 1 + j, label, head)
            if block.has_shares:
                for j, label in enumerate(cols):
                    sheet.write_string(r, 1 + len(cols) + j, f"% {label}", head)
            r += 1
            lines = [*block.lines, *([block.totals] if block.totals else [])]
            for line in lines:
                is_total = line is block.totals
                width = max(width, len(line.label) + 2)
                sheet.write_string(r, 0, line.label, total_label if is_total else None)
                for j, value in enumerate([*line.values, line.total]):
                    if value is None:
                        sheet.write_string(r, 1 + j, "x" if not block.percent else "",
                                           withheld)
                    elif block.percent:
                        sheet.write_number(r, 1 + j, value / 100,
                                           pct_total if is_total else share)
                    else:
                        sheet.write_number(r, 1 + j, value, total if is_total else count)
                if block.has_shares and not is_total:
                    shares = [*(line.shares or [None] * len(periods)), line.share_total]
                    for j, value in enumerate(shares):
                        if value is not None:
                            sheet.write_number(r, 1 + len(cols) + j, value / 100, share)
                r += 1
            r += 1
        for text in report.notes:
            sheet.write_string(r, 0, f"* {text}", note)
            r += 1
        sheet.set_column(0, 0, min(width, 60))
        sheet.set_column(1, 2 * (len(periods) + 1), 11)
    book.close()
    return out.getvalue()
