"""A report on paper: title, range, periods, when it was made, the table, the chart and
the footnotes, in the chosen language (right to left for Arabic)."""

from __future__ import annotations

import base64
import html
from datetime import UTC, datetime

from ..core.i18n import _, is_rtl, language
from ..hq.reports.layout import blocks, fmt_number
from ..hq.reports.model import Report
from ..hq.reports.render import header_lines
from .chart import Series, chart_png
from .pdf import ensure_gui, render_pdf

_LRE, _PDF = "\u202a", "\u202c"


def _ordered(cells: list[str], rtl: bool) -> str:
    """Qt's rich text does not mirror tables: right-to-left pages get their columns
    reversed here, the labels on the right and the first period next to them."""
    return "".join(reversed(cells) if rtl else cells)


def chart_series(report: Report) -> tuple[list[str], list[Series]]:
    data = report.to_json()
    return data["periods"], [Series(row["label"], [row["counts"][p] for p in data["periods"]])
                             for row in data["rows"]]


def report_html(report: Report, *, generated_at: datetime | None = None) -> str:
    rtl = is_rtl(language())
    align = "right" if rtl else "left"
    data = report.to_json()
    periods = data["periods"]
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    esc = html.escape
    head, *info = header_lines(report)
    parts = [f'<html><body dir="{"rtl" if rtl else "ltr"}" style="font-size: 9pt">',
             f'<h2 align="{align}">{esc(head)}</h2>']
    parts += [f'<p align="{align}" style="margin: 0">{esc(line)}</p>' for line in info]
    parts.append(f'<p align="{align}" style="margin: 0; color: #555555">'
                 f'{esc(_("Generated {when}").format(when=when))}</p>')
    ensure_gui()
    periods_, series = chart_series(report)
    png = base64.b64encode(chart_png(periods_, series, rtl=rtl)).decode("ascii")
    for index, block in enumerate(blocks(report, data)):
        parts.append(f'<h4 align="{align}">{esc(block.title)}</h4>')
        parts.append('<table border="1" cellspacing="0" cellpadding="3" width="100%"'
                     ' style="border-color: #999999; border-style: solid">')
        heads = [f'<th align="{align}"></th>',
                 *(f'<th align="center">{esc(p)}</th>' for p in [*periods, _("Total")])]
        parts.append(f'<tr>{_ordered(heads, rtl)}</tr>')
        for line in [*block.lines, *([block.totals] if block.totals else [])]:
            is_total = line is block.totals
            shares = [*(line.shares or [None] * len(periods)), line.share_total]
            texts = []
            for value, share in zip([*line.values, line.total], shares, strict=True):
                text = fmt_number(value, percent=block.percent)
                if block.has_shares and not is_total and value is not None \
                        and share is not None:
                    text += f" ({share:.1f} %)"
                texts.append(text)
            weight = ' style="font-weight: bold"' if is_total else ""
            # Numbers keep their left-to-right order inside right-to-left text.
            row = [f'<td align="{align}"{weight}>{esc(line.label)}</td>',
                   *(f'<td align="right"{weight}>{_LRE}{esc(t)}{_PDF}</td>' for t in texts)]
            parts.append(f'<tr>{_ordered(row, rtl)}</tr>')
        parts.append("</table>")
        if index == 0:
            parts.append(f'<p align="center"><img src="data:image/png;base64,{png}"'
                         ' width="620" height="276"></p>')
    if report.notes:
        parts.append('<hr/>')
        parts += [f'<p align="{align}" style="font-size: 8pt; margin: 0">* {esc(n)}</p>'
                  for n in report.notes]
    parts.append("</body></html>")
    return "\n".join(parts)


def report_pdf(report: Report, *, generated_at: datetime | None = None) -> bytes:
    return render_pdf(report_html(report, generated_at=generated_at), title=report.title,
                      rtl=is_rtl(language()))
