"""HQ casework from the command line: hq due | acknowledge | annotate | settings, and the
casework side of ``record add|update|get``."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from ..core import codec
from ..core.casework import Communication
from ..core.deadlines import DUE_SOON, DUE_SOON_DAYS, OVERDUE, REMINDER_DUE, parse_as_of, today_at
from ..core.errors import UserError
from ..core.i18n import UN_LANGUAGES, _
from ..core.introspect import to_plain
from ..core.records import Record
from ..core.regions import country_name
from ..hq.casework import Casework
from ..hq.repository import HqRepository
from ..hq.store import HqStore
from ..vault.fsutil import atomic_write
from .io import print_json

MAX_BATCH = 100_000


def register_hq(hsub: argparse._SubParsersAction[argparse.ArgumentParser],
                add_store_options: Any) -> None:
    due = hsub.add_parser("due", help="communications awaiting a reply, overdue, reminders due")
    due.add_argument("--days", type=int, default=DUE_SOON_DAYS, metavar="N",
                     help="'due soon' means within N days (default: %(default)s)")
    due.add_argument("--as-of", metavar="DATE|TIME",
                     help="the day to count from (YYYY-MM-DD, or a UTC time …Z); default: now")
    due.add_argument("--json", action="store_true")
    add_store_options(due)
    due.set_defaults(func=cmd_due)

    ack = hsub.add_parser("acknowledge",
                          help="write an acknowledgement letter (PDF or .txt) and record it")
    ack.add_argument("record_id", metavar="RECORD_ID")
    ack.add_argument("--language", required=True, choices=list(UN_LANGUAGES))
    ack.add_argument("--out", required=True, type=Path, metavar="FILE.pdf|FILE.txt")
    ack.add_argument("--addressee", default="",
                     help="name the sender in the letter (only if they asked for it)")
    ack.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    add_store_options(ack)
    ack.set_defaults(func=cmd_acknowledge)

    note = hsub.add_parser("annotate", help="HQ's notes on a received reprisal incident")
    note.add_argument("record_id", metavar="RECORD_ID")
    note.add_argument("--sg-report", metavar="YEAR|none",
                      help="include in the Secretary-General's report of YEAR (needs consent)")
    note.add_argument("--communication", action="append", default=None, metavar="ID",
                      help="link a communication (repeat for several)")
    note.add_argument("--repeat-victim", choices=["yes", "no", "auto"])
    note.add_argument("--notes")
    note.add_argument("--json", action="store_true")
    add_store_options(note)
    note.set_defaults(func=cmd_annotate)

    conf = hsub.add_parser("settings", help="reply period and HQ time zone for deadlines")
    conf.add_argument("--reply-days", type=int, metavar="N")
    conf.add_argument("--timezone", metavar="ZONE", help="e.g. Europe/Zurich")
    add_store_options(conf)
    conf.set_defaults(func=cmd_settings)


def _open(args: argparse.Namespace) -> tuple[HqStore, Casework]:
    from .common import open_hq_store

    store = open_hq_store(args)
    return store, Casework(store.repo)


# -- record add / update / get for casework types ---------------------------------------------
def parse_batch(data: bytes) -> tuple[list[Any], str]:
    """One JSON object, a JSON array of them, or JSON Lines. Returns the items and how to
    name their position in errors ('line' or 'item')."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.count("\n") == 0 or _one_object(stripped):
        value = codec.parse_json(data)
        return (value if isinstance(value, list) else [value]), "item"
    items: list[Any] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            items.append(None)
            continue
        try:
            items.append(codec.parse_json(line))
        except UserError as exc:
            raise UserError(_("Line {n}: {why}; nothing was saved.").format(n=n, why=exc)) \
                from exc
    return items, "line"


def _one_object(text: str) -> bool:
    try:
        codec.parse_json(text)
    except UserError:
        return False
    return True


def add_records(repo: HqRepository, data: bytes, record_type: str) -> list[str]:
    """Records from one JSON object, an array or JSON Lines: all saved, or none."""
    items, unit = parse_batch(data)
    if len(items) > MAX_BATCH:
        raise UserError(_("At most {n} records at once.").format(n=MAX_BATCH))
    casework = Casework(repo)
    days = casework.settings().reply_period_days
    records: list[Record] = []
    where: list[str] = []
    for n, item in enumerate(items, start=1):
        if item is None:
            continue
        place = _("Line {n}").format(n=n) if unit == "line" else \
            _("Record {n} of the input").format(n=n)
        try:
            if not isinstance(item, dict):
                raise UserError(_("a record must be a JSON object"))
            if item.setdefault("type", record_type) != record_type:
                raise UserError(_("The JSON is a {found}, not a {expected}.").format(
                    found=item["type"], expected=record_type))
            if record_type == "communication":
                item.setdefault("reply_period_days", days)
            records.append(codec.from_dict(item))
            where.append(place)
        except UserError as exc:
            raise UserError(_("{where}: {why}; nothing was saved.").format(
                where=place, why=exc)) from exc
    if not records:
        raise UserError(_("The input holds no record."))
    casework.add_many(records, where)
    return [r.id for r in records]


def update_record(repo: HqRepository, record: Record) -> Record:
    return Casework(repo).update(record)


def hq_extras(repo: HqRepository, record: Record) -> dict[str, Any]:
    """What HQ keeps beside a received record: its reprisal notes, letters sent."""
    out: dict[str, Any] = {}
    if record.TYPE == "reprisal_incident":
        note = repo.annotation(record.id)
        out["hq_annotation"] = to_plain(note) if note else None
    acks = repo.acknowledgements(record.id)
    if acks:
        out["acknowledgements"] = [{"language": a.language, "format": a.format,
                                    "sha256": a.sha256, "sent_at": a.sent_at} for a in acks]
    return out


# -- hq due -----------------------------------------------------------------------------------
def cmd_due(args: argparse.Namespace) -> int:
    if not 0 <= args.days <= 365:
        raise UserError(_("--days must be between 0 and 365."))
    store, casework = _open(args)
    with store:
        tz = casework.settings().timezone
        today = parse_as_of(args.as_of, tz) if args.as_of else today_at(tz)
        items = casework.due(today, args.days)
    if args.json:
        print_json({"today": today.isoformat(), "timezone": tz, "days": args.days,
                    "items": [to_plain(i) for i in items]})
        return 0
    titles = {DUE_SOON: _("Reply due within {n} days").format(n=args.days),
              OVERDUE: _("Overdue, no reply"),
              REMINDER_DUE: _("Reminder due")}
    for category in (DUE_SOON, OVERDUE, REMINDER_DUE):
        group = [i for i in items if i.category == category]
        print(f"{titles[category]} ({len(group)})")
        for i in group:
            who = country_name(i.state) if i.state else i.addressee
            print(f"  {i.reply_due}  {i.reference or i.record_id}  {who}  "
                  + _("({n} days)").format(n=i.days_left))
    return 0


# -- hq acknowledge ---------------------------------------------------------------------------
def cmd_acknowledge(args: argparse.Namespace) -> int:
    from ..documents import acknowledgement as letters

    out: Path = args.out
    fmt = "txt" if out.suffix.lower() == ".txt" else "pdf"
    if out.exists() and not args.force:
        raise UserError(_("{path} exists; add --force to overwrite it.").format(path=out))
    if not out.parent.is_dir():
        raise UserError(_("No such folder: {path}").format(path=out.parent))
    store, casework = _open(args)
    with store:
        record = casework.acknowledgement_subject(args.record_id)
        received = _received_on(store.repo, record)
        reference = record.reference if isinstance(record, Communication) and \
            record.reference else record.id[:8].upper()
        tz = casework.settings().timezone
        letter = letters.compose(language=args.language, reference=reference,
                                 received_on=received, today=today_at(tz),
                                 reply_days=casework.settings().reply_period_days,
                                 addressee=args.addressee)
        data = letter.text.encode("utf-8") if fmt == "txt" else letters.render(letter)
        atomic_write(out, data)
        casework.acknowledged(record.id, args.language, fmt, letters.digest(data))
    print(_("Written to {path}.").format(path=out))
    return 0


def _received_on(repo: HqRepository, record: Record) -> date:
    """When HQ received the submission: the first version's arrival, else the record's
    creation (a communication: the earliest arrival among the records it concerns)."""
    ids = [record.id, *(record.record_ids if isinstance(record, Communication) else [])]
    dates = [p.received_at[:10] for i in ids for p in repo.provenance(i)[:1]]
    return date.fromisoformat(min(dates) if dates else record.created_at[:10])


# -- hq annotate / settings -------------------------------------------------------------------
def cmd_annotate(args: argparse.Namespace) -> int:
    store, casework = _open(args)
    with store:
        note = casework.annotation(args.record_id)
        if args.sg_report is not None:
            note = replace(note, sg_report_year=_year(args.sg_report))
        if args.communication is not None:
            note = replace(note, communication_ids=list(dict.fromkeys(args.communication)))
        if args.repeat_victim == "auto":
            note = replace(note, repeat_victim=bool(casework.earlier_reprisals(args.record_id)))
        elif args.repeat_victim is not None:
            note = replace(note, repeat_victim=args.repeat_victim == "yes")
        if args.notes is not None:
            note = replace(note, notes=args.notes)
        saved = casework.annotate(note)
    if args.json:
        print_json(to_plain(saved))
    else:
        print(_("Notes on {id} saved.").format(id=saved.record_id))
    return 0


def _year(text: str) -> int | None:
    if text.lower() == "none":
        return None
    if not text.isdigit():
        raise UserError(_("--sg-report takes a year (e.g. 2026) or 'none'."))
    return int(text)


def cmd_settings(args: argparse.Namespace) -> int:
    store, casework = _open(args)
    with store:
        s = casework.configure(reply_period_days=args.reply_days, timezone=args.timezone)
    print(_("Reply period: {days} days; time zone: {tz}").format(days=s.reply_period_days,
                                                                 tz=s.timezone))
    return 0
