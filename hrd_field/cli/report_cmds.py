"""hrd-field hq report NAME: the mandate's tables from the HQ store, in any format."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..core.errors import UserError
from ..core.i18n import UN_LANGUAGES, _, set_language
from ..hq.reports import REPORTS, Report, ReportSpec, StoreSource, build_report
from ..hq.reports.periods import PERIOD_MODES, parse_date
from ..hq.reports.render import csv_text, json_text, table_text
from ..vault.fsutil import atomic_write

FORMATS = ("table", "json", "csv", "xlsx", "pdf")
BINARY = ("xlsx", "pdf")


def register(hsub: Any, add_store_options: Any) -> None:
    rep = hsub.add_parser("report", help="the mandate's report tables (communications, "
                                         "responses, individuals, reprisals, threats, "
                                         "consultations)")
    rep.add_argument("name", choices=[*sorted(REPORTS), "all"], metavar="NAME",
                     help="one of: " + ", ".join(REPORTS) + "; or all (every report, "
                          "each by its usual dimension: a sheet each in XLSX)")
    add_store_options(rep)
    rep.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    rep.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    rep.add_argument("--by", metavar="DIMENSION",
                     help="group by this dimension (default: the report's usual one)")
    rep.add_argument("--period", choices=PERIOD_MODES, default="year",
                     help="years (default) or the whole range as one period")
    rep.add_argument("--period-start", default="01-01", metavar="MM-DD",
                     help="the day each reporting year starts (default 01-01)")
    rep.add_argument("--as-of", metavar="YYYY-MM-DD",
                     help="judge replies and deadlines on this day (default: --to)")
    rep.add_argument("--format", choices=FORMATS, default="table")
    rep.add_argument("--out", type=Path, metavar="FILE",
                     help="write to FILE (required for xlsx and pdf)")
    rep.add_argument("--public", action="store_true",
                     help="withhold small counts for publication")
    rep.add_argument("--min-cell", type=int, default=5, metavar="K",
                     help="with --public: withhold counts from 1 to K-1 (default 5)")
    rep.add_argument("--language", choices=UN_LANGUAGES, default=None,
                     help="language of labels and notes")
    rep.set_defaults(func=cmd_report, parser=rep)


def cmd_report(args: argparse.Namespace) -> int:
    if args.format in BINARY and args.out is None:
        args.parser.error(_("--format {fmt} writes a file: give --out FILE.").format(
            fmt=args.format))
    if args.name == "all" and (args.by or args.format in ("csv", "pdf")):
        args.parser.error(_("'all' takes the usual dimension of each report and writes "
                            "table, json or xlsx."))
    if args.language:
        set_language(args.language)
    if args.min_cell < 1:
        raise UserError(_("--min-cell must be 1 or more."))
    names = list(REPORTS) if args.name == "all" else [args.name]
    specs = [ReportSpec(
        name=name, date_from=parse_date(args.date_from, "--from"),
        date_to=parse_date(args.date_to, "--to"), by=args.by, period=args.period,
        period_start=args.period_start, public=args.public, min_cell=args.min_cell,
        as_of=parse_date(args.as_of, "--as-of") if args.as_of else None) for name in names]
    if args.out is not None and not args.out.parent.is_dir():
        raise UserError(_("No folder {path} to write the report in.").format(
            path=args.out.parent))
    from .hq_cmds import open_store

    with open_store(args) as store:
        source = StoreSource(store)
        reports = [build_report(spec, source) for spec in specs]
    data = render(reports, args.format)
    if args.out is None:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    atomic_write(args.out, data)
    print(_("Report written to {path}.").format(path=args.out), file=sys.stderr)
    return 0


def render(reports: list[Report], fmt: str) -> bytes:
    if fmt == "xlsx":
        from ..hq.reports.xlsx import xlsx_bytes

        return xlsx_bytes(reports)
    if fmt == "json":
        if len(reports) == 1:
            return json_text(reports[0]).encode("utf-8")
        return (json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2)
                + "\n").encode("utf-8")
    if fmt == "csv":
        return csv_text(reports[0]).encode("utf-8")
    if fmt == "pdf":
        from ..documents.report_pdf import report_pdf

        return report_pdf(reports[0])
    return "\n".join(table_text(r) for r in reports).encode("utf-8")
