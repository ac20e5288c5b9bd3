"""What a new record inherits from the mission it is made during."""

from __future__ import annotations

import copy
from datetime import date

from .records import Consultation, Mission, Person, Record, ThreatReport


def with_mission_defaults(record: Record, mission: Mission | None,
                          today: date | None = None) -> Record:
    """The record linked to ``mission``, its country (the region follows from it) and, for a
    consultation, today's date when the mission is under way, else the mission's start.

    Only empty fields are filled: nothing the user typed is replaced."""
    if mission is None or isinstance(record, Mission):
        return record
    out = copy.deepcopy(record)
    out.mission_id = mission.id
    place = out.location if isinstance(out, Person) else \
        out.place if isinstance(out, Consultation | ThreatReport) else None
    if place is not None and not place.country:
        place.country = mission.country
    if isinstance(out, Consultation) and not out.date:
        now = (today or date.today()).isoformat()
        start, end = mission.start_date, mission.end_date
        under_way = start is not None and start <= now and (end is None or now <= end)
        out.date = now if under_way else start
    return out
