"""Short, human labels for records in lists and search hits (never identity fields)."""

from __future__ import annotations

from .casework import COMMUNICATION_KIND, Communication, Legislation, Recommendation
from .i18n import _
from .records import Consultation, Mission, Person, Record, ThreatReport
from .vocab import CONSULTATION_FORMAT, THREAT_TYPE


def stored_title(record: Record) -> str:
    """The words of the record itself that name it in lists; never a translated label,
    so the stored column reads the same whatever the language of the person who saved it."""
    if isinstance(record, Mission):
        return record.title
    if isinstance(record, Person):
        return record.alias
    if isinstance(record, Consultation):
        return record.place.locality or record.place.admin_area
    if isinstance(record, ThreatReport):
        return record.unnamed_group
    if isinstance(record, Communication):
        return " — ".join(p for p in (record.reference, record.non_state_addressee) if p)
    if isinstance(record, Recommendation):
        return record.text[:200]
    if isinstance(record, Legislation):
        return record.title
    return ""


def label_codes(record: Record) -> tuple[str, ...]:
    """The coded values a list shows beside the title (format, types of threat)."""
    if isinstance(record, Consultation):
        return (record.format,)
    if isinstance(record, ThreatReport):
        return tuple(record.threat_types)
    if isinstance(record, Communication):
        return (record.kind,)
    return ()


def headline(record_type: str, stored: str, codes: tuple[str, ...]) -> str:
    """A record's title in the current language: labels of its codes and its own words.
    Dates are shown in their own column, so titles leave them out."""
    if record_type == "consultation":
        parts = [CONSULTATION_FORMAT.label(c) for c in codes[:1]] + [stored]
    elif record_type in ("threat_report", "reprisal_incident"):
        # TRANSLATORS: between items of a short list, e.g. two types of threat
        kinds = _(", ").join(THREAT_TYPE.label(c) for c in codes[:2])
        parts = [kinds or _("(no type yet)"), stored]
    elif record_type == "communication":
        parts = [COMMUNICATION_KIND.label(c) for c in codes[:1]] + [stored]
    else:
        parts = [stored]
    return " · ".join(p for p in parts if p)


def title(record: Record) -> str:
    return headline(record.TYPE, stored_title(record), label_codes(record))


def event_date(record: Record) -> str | None:
    """The date a record is about, for sorting and filtering by date."""
    if isinstance(record, Mission):
        return record.start_date
    if isinstance(record, Consultation):
        return record.date
    if isinstance(record, ThreatReport):
        return record.incident_date.date if record.incident_date else None
    if isinstance(record, Communication):
        return record.sent_on
    if isinstance(record, Recommendation | Legislation):
        return max((c.date for c in record.status_history), default=None)
    return None


def filter_fields(record_type: str) -> list[tuple[str, str]]:
    """(vocabulary, field label) of the coded fields lists of ``record_type`` filter on,
    in declaration order: the fields declared with ``filter=True``."""
    import dataclasses

    from .casework import ALL_RECORD_TYPES  # HQ's registers filter too

    out: list[tuple[str, str]] = []
    for f in dataclasses.fields(ALL_RECORD_TYPES[record_type]):
        vocab = f.metadata.get("vocab")
        if f.metadata.get("filter") and vocab and all(v != vocab for v, _l in out):
            out.append((vocab, f.metadata["label"]))
    return out
