"""hrd-field record … , search, attach and attachment get."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.casework import ALL_RECORD_TYPES as RECORD_TYPES
from ..core.casework import HQ_RECORD_TYPES
from ..core.errors import UserError
from ..core.i18n import _, ngettext
from ..core.vocab import RECORD_TYPE, THREAT_TYPE
from ..vault.queries import REPLY_STATES, Filters
from .args import bounded_int, text
from .common import (
    add_vault_options,
    open_hq_store,
    open_records,
    open_vault,
    provenance,
)
from .io import existing_file, print_json, read_json_input

if TYPE_CHECKING:
    from ..core.records import Record

# Only what the parser needs is imported above; each command imports the rest (cli/lazy.py).


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("record", help="add, update, get, list or delete records")
    rsub = p.add_subparsers(dest="record_cmd", required=True, metavar="COMMAND")

    add = rsub.add_parser("add", help="add a record from JSON")
    add.add_argument("--type", required=True, choices=list(RECORD_TYPES))
    add.add_argument("--json", required=True, metavar="FILE|-", dest="json_source")
    add_vault_options(add)
    add.set_defaults(func=cmd_add)

    upd = rsub.add_parser("update", help="replace a record with a new version from JSON")
    upd.add_argument("id", type=text)
    upd.add_argument("--json", required=True, metavar="FILE|-", dest="json_source")
    add_vault_options(upd)
    upd.set_defaults(func=cmd_update)

    get = rsub.add_parser("get", help="show one record")
    get.add_argument("id", type=text)
    get.add_argument("--json", action="store_true")
    get.add_argument("--version", type=int, metavar="N",
                     help="with --store: this version from HQ's history (deleted records too)")
    add_vault_options(get)
    get.set_defaults(func=cmd_get)

    lst = rsub.add_parser("list", help="list records")
    lst.add_argument("--type", choices=list(RECORD_TYPES))
    lst.add_argument("--mission", metavar="ID", type=text)
    lst.add_argument("--reply", choices=REPLY_STATES,
                     help="with --store --type communication: only letters awaiting a "
                          "reply, overdue (awaiting, past the deadline at HQ), or replied")
    lst.add_argument("--limit", type=bounded_int(0, 1_000_000), default=100)
    lst.add_argument("--offset", type=bounded_int(0), default=0)
    lst.add_argument("--json", action="store_true")
    add_vault_options(lst)
    lst.set_defaults(func=cmd_list)

    summ = rsub.add_parser("summary", help="a mission at a glance: counts, reprisals, threats")
    summ.add_argument("id", metavar="MISSION_ID")
    summ.add_argument("--json", action="store_true")
    add_vault_options(summ)
    summ.set_defaults(func=cmd_summary)

    dele = rsub.add_parser("delete", help="delete a record (a tombstone remains)")
    dele.add_argument("id", type=text)
    add_vault_options(dele)
    dele.set_defaults(func=cmd_delete)

    search = sub.add_parser("search", help="full-text search over every record")
    search.add_argument("query", type=text)
    search.add_argument("--type", choices=list(RECORD_TYPES))
    search.add_argument("--limit", type=bounded_int(0, 10_000), default=50)
    search.add_argument("--json", action="store_true")
    add_vault_options(search)
    search.set_defaults(func=cmd_search)

    attach = sub.add_parser("attach", help="add a file to a record, encrypted in the vault")
    attach.add_argument("id", type=text)
    attach.add_argument("file")
    attach.add_argument("--media-type")
    add_vault_options(attach, store=False)
    attach.set_defaults(func=cmd_attach)

    schema = sub.add_parser("schema", help="print the JSON Schema of the record format")
    schema.add_argument("--markdown", action="store_true",
                        help="print the field reference of docs/records.md instead")
    schema.set_defaults(func=cmd_schema)

    att = sub.add_parser("attachment", help="get an attachment out of the vault")
    asub = att.add_subparsers(dest="attachment_cmd", required=True, metavar="COMMAND")
    aget = asub.add_parser("get", help="write an attachment to a file (in plaintext)")
    aget.add_argument("sha256", type=text)
    aget.add_argument("--out", required=True, metavar="FILE")
    aget.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    add_vault_options(aget)
    aget.set_defaults(func=cmd_attachment_get)


def _load(source: str, record_type: str | None, record_id: str | None) -> Record:
    from ..core import codec

    data = codec.parse_json(read_json_input(source))
    if not isinstance(data, dict):
        raise UserError(_("The JSON must be one record object."))
    if record_type is not None:
        if data.setdefault("type", record_type) != record_type:
            raise UserError(_("The JSON is a {found}, not a {expected}.").format(
                found=data["type"], expected=record_type))
    if record_id is not None:
        if data.setdefault("id", record_id) != record_id:
            raise UserError(_("The JSON has another id than {id}.").format(id=record_id))
    return codec.from_dict(data)


def cmd_add(args: argparse.Namespace) -> int:
    if args.type in HQ_RECORD_TYPES:
        from . import casework_cmds

        if args.store is None:
            raise UserError(_("A {type} is kept at headquarters only: give the HQ store with "
                              "--store DIR.").format(type=RECORD_TYPE.label(args.type)))
        data = read_json_input(args.json_source)
        with open_hq_store(args) as store:
            ids = casework_cmds.add_records(store.repo, data, args.type)
        print("\n".join(ids))
        return 0
    record = _load(args.json_source, args.type, None)
    with open_records(args) as records:
        records.create(record)
    print(record.id)
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    from ..vault.repository import RecordStore

    with open_records(args) as records:
        current = records.get(args.id)
        record = _load(args.json_source, current.TYPE, args.id)
        if current.TYPE in HQ_RECORD_TYPES and not isinstance(records, RecordStore):
            from . import casework_cmds

            saved = casework_cmds.update_record(records, record)
        else:
            saved = records.update(record)
    print(_("{id} saved as version {version}.").format(id=saved.id, version=saved.version))
    return 0


def cmd_get(args: argparse.Namespace) -> int:
    from ..core import codec
    from ..vault.repository import RecordStore

    if args.version is not None and args.store is None:
        raise UserError(_("--version needs --store: only HQ keeps every version."))
    with open_records(args) as records:
        record = records.get(args.id) if args.version is None \
            else records.version(args.id, args.version)  # type: ignore[union-attr]
        data = codec.to_dict(record)
        origin = provenance(records, args.id) if record.TYPE not in HQ_RECORD_TYPES \
            else None
        extras: dict[str, Any] = {}
        if not isinstance(records, RecordStore):
            from . import casework_cmds

            extras = casework_cmds.hq_extras(records, record)
    if args.json:
        print_json({**data, **extras} if origin is None else
                   {**data, "provenance": origin, **extras})
        return 0
    for key, value in data.items():
        print(f"{key}: {value}")
    for p in origin or []:
        print(_("version {version}: from {device}, bundle {bundle_id}, sequence {sequence}, "
                "received {received_at}").format(**p))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from ..core import codec
    from ..vault.repository import RecordStore

    filters = Filters(type=args.type, mission_id=args.mission, reply=args.reply)
    if args.reply and (args.type != "communication" or getattr(args, "store", None) is None):
        raise UserError(_("--reply lists communications at HQ: give --store DIR and --type "
                          "communication."))
    with open_records(args) as records:
        if args.reply == "overdue":
            from ..core.deadlines import today_at
            from ..hq.casework import Casework

            if not isinstance(records, RecordStore):  # an HQ store (checked above)
                filters.today = today_at(Casework(records).settings().timezone).isoformat()
        if args.json:
            print_json([codec.to_dict(r) for r in records.page(
                filters, limit=args.limit, offset=args.offset)])
            return 0
        rows = records.rows(filters, limit=args.limit, offset=args.offset)
    for row in rows:
        flag = " !" if row.flagged else ""
        print(f"{row.id}  {row.type:<17} {row.event_date or '':<10}  {row.headline}{flag}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    """The same figures as the app's mission page (one aggregation module for both)."""
    from ..vault.summaries import mission_summary

    with open_vault(args) as v:
        summary = mission_summary(v, args.id)
    if args.json:
        print_json(summary.to_json())
        return 0
    print(summary.title)
    for code, n in summary.counts.items():
        print("  " + _("{label}: {n}").format(label=RECORD_TYPE.label(code), n=n))
    p = summary.participants
    print(_("Consultation participants: {women} women, {men} men, {nb} non-binary, "
            "{ns} not stated.").format(women=p["women"], men=p["men"], nb=p["non_binary"],
                                       ns=p["not_stated"]))
    if summary.threat_types:
        print(_("Most frequent threats:"))
        for code, n in summary.threat_types:
            print("  " + _("{label}: {n}").format(label=THREAT_TYPE.label(code), n=n))
    print(ngettext("{n} reprisal against people who met this mission",
                   "{n} reprisals against people who met this mission",
                   len(summary.flagged)).format(n=len(summary.flagged)))
    for row in summary.flagged:
        print(f"  {row.id}  {row.headline}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with open_records(args) as records:
        records.delete(args.id)
    print(_("{id} deleted.").format(id=args.id))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with open_records(args) as records:
        hits = records.search(args.query, Filters(type=args.type), limit=args.limit)
        origins = {h.id: provenance(records, h.id) for h in hits}
    out = []
    for h in hits:
        item: dict[str, object] = {"id": h.id, "type": h.type, "title": h.headline,
                                   "snippet": h.snippet}
        found = origins[h.id]
        if found is not None:
            item["provenance"] = found[-1] if found else None
        out.append(item)
    if args.json:
        print_json(out)
        return 0
    for item in out:
        origin = item.get("provenance")
        where = f"  [{origin['device']} #{origin['sequence']}]" \
            if isinstance(origin, dict) else ""
        print(f"{item['id']}  {item['type']:<17} {item['title']}{where}\n"
              f"    {item['snippet']}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from ..core.reference import markdown_reference
    from ..core.schema import record_schema

    if args.markdown:
        sys.stdout.write(markdown_reference())
    else:
        print_json(record_schema())
    return 0


def cmd_attach(args: argparse.Namespace) -> int:
    import mimetypes

    path = existing_file(args.file)
    media_type = args.media_type or mimetypes.guess_type(path.name)[0] or \
        "application/octet-stream"
    total = path.stat().st_size
    show = sys.stderr.isatty()

    def progress(done: int) -> bool:
        if show and total:
            print(f"\r{done * 100 // total:3d}%", end="", file=sys.stderr, flush=True)
        return True

    with open_vault(args) as v:
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise UserError(_("Cannot read {path}: {reason}").format(
                path=path, reason=exc.strerror)) from exc
        with fh:
            ref = v.add_attachment(args.id, fh, filename=path.name, media_type=media_type,
                                   progress=progress)
    if show:
        print(file=sys.stderr)
    print(ref.sha256)
    return 0


def cmd_attachment_get(args: argparse.Namespace) -> int:
    from ..vault.fsutil import atomic_file, io_error

    out = Path(args.out)
    if out.exists() and not args.force:
        raise UserError(_("{path} exists; add --force to overwrite it.").format(path=out))
    with contextlib.ExitStack() as stack:
        if args.store is not None:
            store = stack.enter_context(open_hq_store(args))
            chunks = stack.enter_context(store.repo.open_attachment(args.sha256))
        else:
            vault = stack.enter_context(open_vault(args))
            chunks = stack.enter_context(vault.open_attachment(args.sha256))
        try:
            with atomic_file(out) as fh:
                for chunk in chunks:
                    fh.write(chunk)
        except OSError as exc:
            raise io_error(exc) from exc
    print(_("Written to {path}.").format(path=out))
    return 0
