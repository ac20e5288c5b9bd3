"""Short, human labels for records in lists and search hits (never identity fields)."""

from __future__ import annotations

from .i18n import _
from .records import Consultation, Mission, Person, Record, ThreatReport
from .vocab import CONSULTATION_FORMAT, THREAT_TYPE


def title(record: Record) -> str:
    if isinstance(record, Mission):
        return record.title
    if isinstance(record, Person):
        return record.alias
    # Dates are shown in their own column, so titles leave them out.
    if isinstance(record, Consultation):
        where = record.place.locality or record.place.country or ""
        return " · ".join(p for p in (CONSULTATION_FORMAT.label(record.format), where) if p)
    if isinstance(record, ThreatReport):
        kinds = ", ".join(THREAT_TYPE.label(t) for t in record.threat_types[:2])
        return kinds or _("(no type yet)")
    return record.id


def event_date(record: Record) -> str | None:
    """The date a record is about, for sorting and filtering by date."""
    if isinstance(record, Mission):
        return record.start_date
    if isinstance(record, Consultation):
        return record.date
    if isinstance(record, ThreatReport):
        return record.incident_date.date if record.incident_date else None
    return None
