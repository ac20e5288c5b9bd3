"""What the vault indexes for filtering and full-text search, derived from a record."""

from __future__ import annotations

import re
from typing import Any

from .casework import Communication, Legislation, Recommendation
from .display import event_date, stored_title
from .introspect import LIST, LIST_NESTED, NESTED, plan
from .records import Mission, Person, Record, ReprisalIncident, ThreatReport
from .regions import region_of


def search_text(record: Record) -> str:
    """Every free-text value of the record (nested included), one per line.

    Identity fields are left out: a search hit must never put a legal name on screen.
    """
    parts: list[str] = []
    _collect_text(record, parts)
    return "\n".join(parts)


# Which fields hold text and which hold codes, per class, decided once from the field
# plans: bulk imports index tens of thousands of records, and re-reading every field's
# metadata for each one was most of the indexing time.
_TEXT_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}
_CODED_FIELDS: dict[type, tuple[tuple[str, str, str | None], ...]] = {}


def _text_fields(cls: type) -> tuple[tuple[str, str], ...]:
    found = _TEXT_FIELDS.get(cls)
    if found is None:
        found = _TEXT_FIELDS[cls] = tuple(
            (p.name, p.kind) for p in plan(cls)
            # codes, ids and dates are filters, not text
            if not (p.meta.get("vocab") or p.meta.get("format") or p.meta.get("identity")
                    or p.name == "author"))
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


def is_cjk(text: str) -> bool:
    return bool(text) and _CJK.fullmatch(text) is not None


def cjk_bigrams(text: str) -> str:
    """Overlapping pairs of characters of every Chinese, Japanese or Korean run.

    The trigram index cannot find two-character words (人权, 报复), the commonest length in
    Chinese; indexed as pairs, they are found like words. Single characters stay as they are.
    """
    if not text or text.isascii():  # most text (max(text) walked every character)
        return ""
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
    _collect_terms(record, out)
    return out


def _coded_fields(cls: type) -> tuple[tuple[str, str, str | None], ...]:
    found = _CODED_FIELDS.get(cls)
    if found is None:
        found = _CODED_FIELDS[cls] = tuple(
            (p.name, p.kind, p.meta.get("vocab")) for p in plan(cls)
            if p.kind in (NESTED, LIST_NESTED) or p.meta.get("vocab"))
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
