"""What the vault indexes for filtering and full-text search, derived from a record."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .casework import Communication, Legislation, Recommendation
from .collectors import (
    Collect,
    NotText,
    coded_fields,
    make_term_collector,
    make_term_text_collector,
    make_text_collector,
    text_fields,
)
from .display import event_date, stored_title
from .introspect import LIST, LIST_NESTED, NESTED
from .records import Mission, Person, Record, ReprisalIncident, ThreatReport
from .regions import region_of


def search_text(record: Record) -> str:
    """Every free-text value of the record (nested included), one per line.

    Identity fields are left out: a search hit must never put a legal name on screen.
    """
    parts: list[str] = []
    _made(_TEXT_COLLECTORS, type(record), make_text_collector, _collect_text)(record, parts)
    return "\n".join(parts)


# Which fields hold text and which hold codes, per class, decided once from the field
# plans; the walks below are generated per class (``collectors``) for speed, and run as
# they are for objects of any other class.
_TEXT_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}
_CODED_FIELDS: dict[type, tuple[tuple[str, str, str | None], ...]] = {}
_TEXT_COLLECTORS: dict[type, Collect] = {}
_TERM_COLLECTORS: dict[type, Collect] = {}
_TERM_TEXT_COLLECTORS: dict[type, Collect] = {}


def _made(cache: dict[type, Collect], cls: type, make: Callable[[type, Collect], Collect],
          generic: Collect) -> Collect:
    found = cache.get(cls)
    if found is None:
        found = cache[cls] = make(cls, generic)
    return found


def _text_fields(cls: type) -> tuple[tuple[str, str], ...]:
    found = _TEXT_FIELDS.get(cls)
    if found is None:
        found = _TEXT_FIELDS[cls] = tuple((p.name, p.kind) for p in text_fields(cls))
    return found


def _collect_text(obj: Any, parts: list[str]) -> None:
    for name, kind in _text_fields(type(obj)):
        value = getattr(obj, name)
        if value is None:
            continue
        if kind == NESTED:
            _collect_text(value, parts)
        elif kind == LIST_NESTED:
            for item in value:
                _collect_text(item, parts)
        elif kind == LIST:
            parts.extend(v for v in value if v.strip())
        elif isinstance(value, str) and value.strip():
            parts.append(value)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


# UTF-8 bytes that begin or continue a character before U+3000 (lead bytes of U+3000 and
# up are E3 and higher): a text of only these holds nothing ``_CJK`` matches.
_BELOW_U3000 = bytes(range(0xE3))


def is_cjk(text: str) -> bool:
    return bool(text) and _CJK.fullmatch(text) is not None


def cjk_bigrams(text: str) -> str:
    """Overlapping pairs of characters of every Chinese, Japanese or Korean run.

    The trigram index cannot find two-character words (人权, 报复), the commonest length in
    Chinese; indexed as pairs, they are found like words. Single characters stay as they are.
    """
    if not text or text.isascii():  # most text (max(text) walked every character)
        return ""
    if not text.encode("utf-8", "surrogatepass").translate(None, _BELOW_U3000):
        return ""  # every character before U+3000: none of these scripts (4× the scan)
    grams: list[str] = []
    for run in _CJK.findall(text):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(grams)


def terms(record: Record) -> set[tuple[str, str]]:
    """(vocabulary, code) pairs of every coded value, for filters like 'group at risk'."""
    out: set[tuple[str, str]] = set()
    _made(_TERM_COLLECTORS, type(record), make_term_collector, _collect_terms)(record, out)
    return out


def term_texts(record: Record) -> list[str]:
    """``terms`` as 'vocab:code' texts, sorted (PostgreSQL keeps them so)."""
    out: set[str] = set()
    try:
        _made(_TERM_TEXT_COLLECTORS, type(record), make_term_text_collector,
              _collect_term_texts)(record, out)
    except NotText:
        return sorted(f"{vocab}:{code}" for vocab, code in terms(record))
    return sorted(out)


def _collect_term_texts(obj: Any, out: set[str]) -> None:
    """An object of a class not declared where it is held: its pairs, as texts."""
    pairs: set[tuple[str, str]] = set()
    _collect_terms(obj, pairs)
    for vocab, code in pairs:
        if type(code) is not str or ":" in vocab:
            raise NotText
        out.add(f"{vocab}:{code}")


def _coded_fields(cls: type) -> tuple[tuple[str, str, str | None], ...]:
    found = _CODED_FIELDS.get(cls)
    if found is None:
        found = _CODED_FIELDS[cls] = tuple(
            (p.name, p.kind, p.meta.get("vocab")) for p in coded_fields(cls))
    return found


def _collect_terms(obj: Any, out: set[tuple[str, str]]) -> None:
    for name, kind, vocab in _coded_fields(type(obj)):
        value = getattr(obj, name)
        if value is None:
            continue
        if kind == NESTED:
            _collect_terms(value, out)
        elif kind == LIST_NESTED:
            for item in value:
                _collect_terms(item, out)
        elif vocab is None:
            continue
        elif kind == LIST:
            out.update((vocab, v) for v in value)
        elif isinstance(value, str):
            out.add((vocab, value))


def country(record: Record) -> str | None:
    if isinstance(record, Mission):
        return record.country
    if isinstance(record, Person):
        return record.location.country
    if isinstance(record, Communication):
        return record.state
    if isinstance(record, Recommendation | Legislation):
        return record.country
    place = getattr(record, "place", None)
    return place.country if place is not None else None


def _case_status(record: Record) -> str | None:
    """The state of the case a list shows: the field case status, the reply deadline of a
    letter awaiting its reply, how far a recommendation is implemented, where a law stands."""
    if isinstance(record, ThreatReport):
        return record.case_status
    if isinstance(record, Communication):
        # only while a reply is awaited: the deadline board then reads indexed columns
        return record.reply_due if record.status == "sent" and not record.replies else None
    if isinstance(record, Recommendation):
        return record.implementation_status
    if isinstance(record, Legislation):
        return record.legislative_status
    return None


def columns(record: Record) -> dict[str, Any]:
    """The summary columns lists sort and filter on."""
    c = country(record)
    risk = None
    if isinstance(record, Person):
        risk = record.risk_level
    elif isinstance(record, ThreatReport) and record.risk is not None:
        risk = record.risk.level
    return {
        "title": stored_title(record),
        "country": c,
        "region": region_of(c) if c else None,
        "event_date": event_date(record),
        "risk_level": risk,
        "case_status": _case_status(record),
        "urgency": record.urgency if isinstance(record, ThreatReport) else
        # a letter's last reminder, so the deadline board never opens a record body
        max((r.sent_on for r in record.reminders), default=None)
        if isinstance(record, Communication) else None,
        "flagged": int(isinstance(record, ReprisalIncident) and record.met_this_mission),
    }
