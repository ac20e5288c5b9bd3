"""Records received at HQ, out to the tools partners and analysts use.

- **Uwazi** (HURIDOCS' database): one CSV per record type in Uwazi's import format — one
  column per property, ``property__lang`` columns for each of the six languages (title,
  thesaurus values), ``|`` between multiple values, thesaurus values as their labels,
  dates as ``YYYY-MM-DD`` (which Uwazi accepts whatever the collection's date format) —
  and, where a record's files may leave, a ZIP holding ``import.csv`` and the files its
  ``attachments`` column names.
- **CSV** for analysts: one file per record type, codes rather than labels, ``|`` between
  multiple values.
- **JSON Lines**: one record per line, as the record format (docs/records.md) defines it.

Consent is respected: identity columns (legal name, contact) are written only when asked
for, and then only for records whose consent covers sharing identity; files that may
identify people go only with that consent. Pure of SQL: records come from the store's API.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import os
import re
import typing
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import codec
from ..core.display import title
from ..core.errors import UserError
from ..core.i18n import N_, _, catalog
from ..core.introspect import LIST, LIST_NESTED, NESTED, plan
from ..core.records import RECORD_TYPES, AttachmentRef, Record
from ..core.regions import country_name
from ..core.schema import hints, unwrap_optional
from ..core.vocab import VOCABULARIES
from ..vault.queries import Filters
from .repository import HqRepository

UWAZI_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
"""The UN languages; the first is the Uwazi collection's default (columns without suffix)."""
SEPARATOR = "|"
FORMATS = ("uwazi", "csv", "jsonl")
_YES, _NO = N_("Yes"), N_("No")

# How a value is written: codes and countries become labels for Uwazi, stay codes for CSV.
TEXT, CODE, CODES, COUNTRY, COUNTRIES, NUMBER, BOOL, LINES, JSON, FILES = (
    "text", "code", "codes", "country", "countries", "number", "bool", "lines", "json",
    "files")
TRANSLATED = frozenset({CODE, CODES, COUNTRY, COUNTRIES, BOOL})


@dataclass(frozen=True)
class Column:
    name: str  # Uwazi property name: lower case, underscores (nested fields joined by "_")
    path: tuple[str, ...]
    kind: str
    vocab: str | None = None
    identity: bool = False


def columns(record_type: str) -> list[Column]:
    """The columns of ``record_type``, in the order of the model."""
    out: list[Column] = []
    _walk(RECORD_TYPES[record_type], (), out)
    return out


def _walk(cls: type, prefix: tuple[str, ...], out: list[Column]) -> None:
    for p in plan(cls):
        path = (*prefix, p.name)
        name = "_".join(path)
        if name in ("id", "title"):
            # Uwazi keeps its own ids and titles; ours are ordinary text properties
            name = f"record_{name}"
        meta = p.meta
        vocab = meta.get("vocab")
        if p.kind == NESTED:
            _walk(p.nested or object, path, out)
            continue
        if p.kind == LIST_NESTED:
            out.append(Column(name, path, FILES if p.nested is AttachmentRef else JSON))
            continue
        inner, _optional = unwrap_optional(hints(cls)[p.name])
        if p.kind == LIST:
            kind = CODES if vocab else COUNTRIES if meta.get("format") == "country" else LINES
        elif vocab:
            kind = CODE
        elif meta.get("format") == "country":
            kind = COUNTRY
        elif inner is bool:
            kind = BOOL
        elif inner is int:
            kind = NUMBER
        else:
            kind = TEXT
        out.append(Column(name, path, kind, vocab, bool(meta.get("identity"))))


def _value(record: Record, path: tuple[str, ...]) -> Any:
    value: Any = record
    for name in path:
        if value is None:
            return None
        value = getattr(value, name)
    return value


def identity_shared(record: Record) -> bool:
    consent = getattr(record, "consent", None)
    return consent is not None and consent.obtained and consent.scope.share_identity_with_hq


def files_allowed(record: Record) -> list[AttachmentRef]:
    """The files of ``record`` that may go with it: those that cannot identify anyone, and
    the others only with consent to share identity."""
    if record.HAS_CONSENT and identity_shared(record):
        return list(record.attachments)
    return [a for a in record.attachments if not a.may_identify]


def file_name(ref: AttachmentRef) -> str:
    """A safe, unique name for an attachment inside a ZIP (never a path from the user)."""
    base = re.sub(r"[^\w.\-]+", "_", os.path.basename(ref.filename or "file"))[-80:]
    return f"{ref.sha256[:16]}-{base.lstrip('.') or 'file'}"


class _Labels:
    """Labels in one language, without switching the application's language."""

    def __init__(self, lang: str):
        self.lang = lang
        self._t = catalog(lang)

    def term(self, vocab: str, code: str) -> str:
        for c, label in VOCABULARIES[vocab].terms:
            if c == code:
                return self._t.gettext(label)
        return code

    def country(self, code: str) -> str:
        return country_name(code, self.lang)

    def text(self, msgid: str) -> str:
        return self._t.gettext(msgid)


def _cell(col: Column, value: Any, labels: _Labels | None) -> str:
    """One cell. ``labels`` None: the plain CSV (codes); otherwise Uwazi (labels)."""
    if value is None:
        return ""
    if col.kind == CODE:
        return labels.term(col.vocab or "", value) if labels else str(value)
    if col.kind == CODES:
        return SEPARATOR.join(labels.term(col.vocab or "", v) if labels else v for v in value)
    if col.kind == COUNTRY:
        return labels.country(value) if labels else str(value)
    if col.kind == COUNTRIES:
        return SEPARATOR.join(labels.country(v) if labels else v for v in value)
    if col.kind == BOOL:
        if labels:
            return labels.text(_YES if value else _NO)
        return "true" if value else "false"
    if col.kind == NUMBER:
        return str(value)
    if col.kind == LINES:
        return SEPARATOR.join(value)
    if col.kind == FILES:
        return SEPARATOR.join(file_name(a) for a in value)
    if col.kind == JSON:
        return json.dumps([dataclasses.asdict(v) for v in value],
                          ensure_ascii=False, sort_keys=True) if value else ""
    return str(value)


def _wanted(cols: list[Column], with_identity: bool) -> list[Column]:
    return [c for c in cols if with_identity or not c.identity]


def _row(record: Record, cols: list[Column], labels: _Labels | None,
         files: list[AttachmentRef] | None) -> list[str]:
    shared = identity_shared(record)
    out = []
    for col in cols:
        value = _value(record, col.path)
        if col.identity and not shared:
            value = ""
        if col.kind == FILES:
            value = files if files is not None else files_allowed(record)
        out.append(_cell(col, value, labels))
    return out


def uwazi_header(record_type: str, *, with_identity: bool = False,
                 languages: tuple[str, ...] = UWAZI_LANGUAGES) -> list[str]:
    cols = _wanted(columns(record_type), with_identity)
    header = ["title"] + [c.name for c in cols]
    # Every language has its columns, the default one included: Uwazi reads a translated
    # thesaurus value from the default language's column (``prop__en``) and finds its
    # translation in the thesaurus, so that column must be there.
    for lang in languages:
        header += [f"title__{lang}"] + [f"{c.name}__{lang}" for c in cols
                                        if c.kind in TRANSLATED]
    return header


def uwazi_row(record: Record, *, with_identity: bool = False,
              languages: tuple[str, ...] = UWAZI_LANGUAGES,
              files: list[AttachmentRef] | None = None) -> list[str]:
    cols = _wanted(columns(record.TYPE), with_identity)
    first = _Labels(languages[0])
    row = [_title(record, first), *_row(record, cols, first, files)]
    translated = [c for c in cols if c.kind in TRANSLATED]
    for lang in languages:
        labels = _Labels(lang)
        row += [_title(record, labels), *_row(record, translated, labels, files)]
    return row


def _title(record: Record, labels: _Labels) -> str:
    """The list title in that language (Uwazi requires a title); never an identity field."""
    from ..core import display

    stored = display.stored_title(record)
    codes = display.label_codes(record)
    vocab = "consultation_format" if record.TYPE == "consultation" else "threat_type"
    kinds = [labels.term(vocab, c) for c in codes[:2]]
    parts = [", ".join(kinds), stored] if kinds else [stored]
    text = " · ".join(p for p in parts if p)
    return text or title(record) or labels.text(record.LABEL)


def csv_header(record_type: str, *, with_identity: bool = False) -> list[str]:
    return [c.name for c in _wanted(columns(record_type), with_identity)]


def csv_row(record: Record, *, with_identity: bool = False) -> list[str]:
    return _row(record, _wanted(columns(record.TYPE), with_identity), None, None)


def jsonl_line(record: Record, *, with_identity: bool = False) -> str:
    data = codec.to_dict(record)
    if not (with_identity and identity_shared(record)):
        for col in columns(record.TYPE):
            if col.identity and len(col.path) == 1:
                data[col.path[0]] = ""
    data["attachments"] = [a for a in data.get("attachments", [])
                           if a["sha256"] in {f.sha256 for f in files_allowed(record)}]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


# --- writing -------------------------------------------------------------------------------


@dataclass
class ExportSummary:
    files: list[Path] = dataclasses.field(default_factory=list)
    records: dict[str, int] = dataclasses.field(default_factory=dict)
    attachments: int = 0


Opener = Callable[[str], contextlib.AbstractContextManager[Iterator[bytes]]]


def live_records(repo: HqRepository, record_type: str) -> Iterator[Record]:
    """Every live record of a type HQ holds, page by page (either backend)."""
    offset = 0
    while True:
        rows = repo.rows(Filters(type=record_type), order_by="created_at", descending=False,
                         limit=_PAGE, offset=offset)
        for row in rows:
            yield repo.get(row.id)
        if len(rows) < _PAGE:
            return
        offset += len(rows)


_PAGE = 500


def _write_private(path: Path, write: Callable[[typing.BinaryIO], object]) -> None:
    """Write beside the target, then rename: a crash leaves no half file under its name."""
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _writer(data: bytes) -> Callable[[typing.BinaryIO], object]:
    return lambda fh: fh.write(data)


def _csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def export(records_of: Callable[[str], Iterator[Record]], out: Path, fmt: str, *,
           types: Iterable[str] | None = None, with_identity: bool = False,
           open_file: Opener | None = None, has_file: Callable[[str], bool] | None = None
           ) -> ExportSummary:
    """Write the export; ``records_of(type)`` yields HQ's live records of a type,
    ``open_file(sha256)`` opens a stored attachment (Uwazi ZIPs)."""
    if fmt not in FORMATS:
        raise UserError(_("Unknown export format {name}; use one of: {names}.").format(
            name=fmt, names=", ".join(FORMATS)))
    chosen = list(types or RECORD_TYPES)
    unknown = [t for t in chosen if t not in RECORD_TYPES]
    if unknown:
        raise UserError(_("unknown record type; use one of: {types}").format(
            types=", ".join(RECORD_TYPES)))
    summary = ExportSummary()
    try:
        if fmt == "jsonl":
            out.parent.mkdir(parents=True, exist_ok=True)
            lines: list[str] = []
            for rtype in chosen:
                for record in records_of(rtype):
                    lines.append(jsonl_line(record, with_identity=with_identity))
                    summary.records[rtype] = summary.records.get(rtype, 0) + 1
            _write_private(out, lambda fh: fh.write("".join(f"{x}\n" for x in lines).encode()))
            summary.files.append(out)
            return summary
        out.mkdir(parents=True, exist_ok=True)
        for rtype in chosen:
            records = list(records_of(rtype))
            summary.records[rtype] = len(records)
            if fmt == "csv":
                data = _csv_bytes(csv_header(rtype, with_identity=with_identity),
                                  (csv_row(r, with_identity=with_identity) for r in records))
                target = out / f"{rtype}.csv"
                _write_private(target, _writer(data))
                summary.files.append(target)
                continue
            summary.attachments += _write_uwazi(out, rtype, records, with_identity, open_file,
                                                has_file, summary)
    except OSError as exc:
        raise UserError(_("Cannot write {path}: {reason}").format(
            path=out, reason=exc.strerror or exc)) from exc
    return summary


def _write_uwazi(out: Path, rtype: str, records: list[Record], with_identity: bool,
                 open_file: Opener | None, has_file: Callable[[str], bool] | None,
                 summary: ExportSummary) -> int:
    files: dict[str, list[AttachmentRef]] = {}
    for r in records:
        allowed = files_allowed(r) if open_file is not None else []
        files[r.id] = [a for a in allowed if has_file is None or has_file(a.sha256)]
    header = uwazi_header(rtype, with_identity=with_identity)
    data = _csv_bytes(header, (uwazi_row(r, with_identity=with_identity, files=files[r.id])
                               for r in records))
    target = out / f"{rtype}.csv"
    _write_private(target, lambda fh: fh.write(data))
    summary.files.append(target)
    refs = {a.sha256: a for found in files.values() for a in found}
    if not refs or open_file is None:
        return 0

    def write_zip(fh: typing.BinaryIO) -> None:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("import.csv", data)
            for sha, ref in refs.items():
                with open_file(sha) as chunks, zf.open(file_name(ref), "w") as dst:
                    for chunk in chunks:
                        dst.write(chunk)

    archive = out / f"{rtype}.zip"
    _write_private(archive, write_zip)
    summary.files.append(archive)
    return len(refs)
