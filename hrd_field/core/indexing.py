"""What the vault indexes for filtering and full-text search, derived from a record."""

from __future__ import annotations

import dataclasses
from typing import Any

from .display import event_date, title
from .records import Mission, Person, Record, ReprisalIncident, ThreatReport
from .regions import region_of


def search_text(record: Record) -> str:
    """Every free-text value of the record (nested included), one per line.

    Identity fields are left out: a search hit must never put a legal name on screen.
    """
    parts: list[str] = []

    def walk(obj: Any) -> None:
        for f in dataclasses.fields(obj):
            meta = f.metadata
            if meta.get("vocab") or meta.get("format") or meta.get("identity") \
                    or f.name == "author":
                continue  # codes, ids and dates are filters, not text
            value = getattr(obj, f.name)
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, str) and item.strip():
                    parts.append(item)
                elif dataclasses.is_dataclass(item):
                    walk(item)

    walk(record)
    return "\n".join(parts)


def terms(record: Record) -> set[tuple[str, str]]:
    """(vocabulary, code) pairs of every coded value, for filters like 'group at risk'."""
    out: set[tuple[str, str]] = set()

    def walk(obj: Any) -> None:
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            vocab = f.metadata.get("vocab")
            items = value if isinstance(value, list) else [value]
            for item in items:
                if vocab and isinstance(item, str):
                    out.add((vocab, item))
                elif dataclasses.is_dataclass(item):
                    walk(item)

    walk(record)
    return out


def country(record: Record) -> str | None:
    if isinstance(record, Mission):
        return record.country
    if isinstance(record, Person):
        return record.location.country
    place = getattr(record, "place", None)
    return place.country if place is not None else None


def columns(record: Record) -> dict[str, Any]:
    """The summary columns lists sort and filter on."""
    c = country(record)
    risk = None
    if isinstance(record, Person):
        risk = record.risk_level
    elif isinstance(record, ThreatReport) and record.risk is not None:
        risk = record.risk.level
    return {
        "title": title(record),
        "country": c,
        "region": region_of(c) if c else None,
        "event_date": event_date(record),
        "risk_level": risk,
        "case_status": record.case_status if isinstance(record, ThreatReport) else None,
        "urgency": record.urgency if isinstance(record, ThreatReport) else None,
        "flagged": int(isinstance(record, ReprisalIncident) and record.met_this_mission),
    }
