"""Aggregations over a vault's records, for the mission page, the CLI and reports.

Each figure is one SQL query over the indexed columns (and the JSON body where a figure
lives only there), not a count per category, and nothing here decodes records one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .queries import Filters, NotFound, Row
from .vault import Vault

SUMMARY_TYPES = ("consultation", "person", "threat_report", "reprisal_incident")
GENDERS = ("women", "men", "non_binary", "not_stated")
TOP_THREATS = 8
MAX_FLAGGED = 200


@dataclass
class MissionSummary:
    mission_id: str
    title: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    """record type → live records linked to the mission (every type in SUMMARY_TYPES)."""
    flagged: list[Row] = field(default_factory=list)
    """Reprisals against people who met this mission, latest first."""
    threat_types: list[tuple[str, int]] = field(default_factory=list)
    """The most frequent threat types across threat reports and reprisals, most first."""
    participants: dict[str, int] = field(default_factory=dict)
    """Consultation participants by gender, summed over the mission's consultations."""

    def to_json(self) -> dict[str, Any]:
        return {"mission_id": self.mission_id, "title": self.title, "counts": self.counts,
                "flagged": [{"id": r.id, "title": r.title} for r in self.flagged],
                "threat_types": [{"code": c, "n": n} for c, n in self.threat_types],
                "participants": self.participants}


def mission_summary(vault: Vault, mission_id: str) -> MissionSummary:
    """Counts, flagged reprisals, frequent threats and participants for one mission."""
    out = MissionSummary(mission_id)
    query = vault.db.query
    title = query("SELECT title FROM records WHERE id = ? AND type = 'mission' AND deleted = 0",
                  (mission_id,))
    if not title:
        raise NotFound(mission_id)
    out.title = str(title[0][0])
    out.counts = dict.fromkeys(SUMMARY_TYPES, 0)
    for rtype, n in query("SELECT type, count(*) FROM records WHERE mission_id = ?"
                          " AND deleted = 0 GROUP BY type", (mission_id,)):
        if rtype in out.counts:
            out.counts[rtype] = int(n)
    out.flagged = vault.records.rows(Filters(type="reprisal_incident", mission_id=mission_id,
                                             flagged=True), limit=MAX_FLAGGED)
    out.threat_types = [(str(code), int(n)) for code, n in query(
        "SELECT t.code, count(*) AS n FROM record_terms t JOIN records r ON r.seq = t.record_seq"
        " WHERE r.mission_id = ? AND r.deleted = 0"
        " AND r.type IN ('threat_report', 'reprisal_incident') AND t.vocab = 'threat_type'"
        " GROUP BY t.code ORDER BY n DESC, t.code LIMIT ?", (mission_id, TOP_THREATS))]
    sums = ", ".join(f"coalesce(sum(json_extract(body, '$.participants.{g}')), 0)"
                     for g in GENDERS)
    row = query(f"SELECT {sums} FROM records WHERE mission_id = ? AND deleted = 0"
                " AND type = 'consultation'", (mission_id,))[0]
    out.participants = {g: int(n) for g, n in zip(GENDERS, row, strict=True)}
    return out
