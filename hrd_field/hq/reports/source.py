"""Where reports read from: narrow rows and grouped counts, never whole records.

This is the one module that knows how HQ stores its data. Reports call the methods of
:class:`ReportSource`; :class:`StoreSource` implements them on the embedded HQ store (the
``records`` and ``record_terms`` tables). Grouping by day and code happens in SQL, which
keeps the rows few (one per day and group, not one per record) and leaves the folding of
days into reporting periods to Python, where the period rules live.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...core.regions import region_of

GENDERS = ("women", "men", "non_binary", "not_stated")
SUBJECT_FLAGS = ("reprisal", "legislation", "women_defenders")

# Columns of the records table a report may group received records by.
COLUMNS = ("region", "country", "mission_id")
_JSON_PATH = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")


@dataclass(frozen=True)
class CommunicationRow:
    """What reports need of a communication (field names of the ``communication`` record)."""

    id: str
    sent_on: str | None
    kind: str | None = None
    state: str | None = None
    reply_due: str | None = None
    joint: bool = False
    individuals: Mapping[str, int] = field(default_factory=dict)
    subjects: frozenset[str] = frozenset()
    replies: tuple[tuple[str, str | None], ...] = ()
    """(received_on, assessment) of each reply."""
    status: str | None = None

    @property
    def region(self) -> str | None:
        return region_of(self.state) if self.state else None


@dataclass(frozen=True)
class Grouped:
    """Records of one day (and one group), counted, with the sums asked for."""

    day: str
    key: str | None
    n: int
    sums: tuple[int, ...] = ()


class ReportSource(Protocol):
    def communications(self, date_from: str, date_to: str) -> list[CommunicationRow]:
        """Communications sent in the range (``sent_on``), deleted ones left out."""
        ...

    def grouped(self, types: Sequence[str], date_from: str, date_to: str, *,
                by: str | None, where_term: tuple[str, str | None] | None = None,
                sums: Sequence[str] = ()) -> list[Grouped]:
        """Received records of ``types`` dated in the range, counted per day and per value
        of ``by`` (a column of :data:`COLUMNS` or a vocabulary; ``None``: per day only).
        A record with several codes of the vocabulary counts under each. ``sums`` are
        dotted paths of integer fields to add up (e.g. ``participants.women``).
        ``where_term`` keeps records carrying (vocabulary, code), or any code of the
        vocabulary when the code is ``None``."""
        ...

    def mission_titles(self, ids: Iterable[str]) -> dict[str, str]:
        ...


def _flag_set(value: Any) -> frozenset[str]:
    if isinstance(value, dict):
        return frozenset(k for k, v in value.items() if v is True)
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    return frozenset()


def communication_row(body: Mapping[str, Any]) -> CommunicationRow:
    """A communication record's JSON (as the ``record`` commands print it) → its row."""
    individuals = body.get("individuals") or {}
    joint = body.get("joint_with") or body.get("joint_mandates") or body.get("joint")
    subjects = _flag_set(body.get("subjects"))
    for flag in SUBJECT_FLAGS:
        if body.get(flag) is True or body.get(f"concerns_{flag}") is True:
            subjects |= {flag}
    replies = tuple((str(r.get("received_on") or ""), r.get("assessment"))
                    for r in body.get("replies") or () if isinstance(r, dict)
                    and r.get("received_on"))
    return CommunicationRow(
        id=str(body.get("id", "")),
        sent_on=body.get("sent_on"),
        kind=body.get("kind"),
        state=(body.get("state") or None),
        reply_due=body.get("reply_due"),
        joint=bool(joint),
        individuals={g: int(individuals.get(g) or 0) for g in GENDERS}
        if isinstance(individuals, dict) else {},
        subjects=subjects,
        replies=replies,
        status=body.get("case_status") or body.get("outcome_status"),
    )


class StoreSource:
    """:class:`ReportSource` on the embedded HQ store (an unlocked :class:`HqStore`)."""

    def __init__(self, store: Any):
        self._db = store.vault.db

    def communications(self, date_from: str, date_to: str) -> list[CommunicationRow]:
        out = []
        for (body,) in self._db.query(
                "SELECT body FROM records WHERE type = 'communication' AND deleted = 0"):
            data = json.loads(body)
            sent = data.get("sent_on")
            if sent and date_from <= sent[:10] <= date_to:
                out.append(communication_row(data))
        return out

    def grouped(self, types: Sequence[str], date_from: str, date_to: str, *,
                by: str | None, where_term: tuple[str, str | None] | None = None,
                sums: Sequence[str] = ()) -> list[Grouped]:
        params: list[Any] = []
        join, key = "", "NULL"
        if by in COLUMNS:
            key = f"r.{by}"
        elif by is not None:
            join = " JOIN record_terms t ON t.record_seq = r.seq AND t.vocab = ?"
            key = "t.code"
            params.append(by)
        sum_sql = ""
        for path in sums:
            if not _JSON_PATH.match(path):
                raise ValueError(path)
            sum_sql += f", sum(coalesce(json_extract(r.body, '$.{path}'), 0))"
        where = ("r.deleted = 0 AND r.type IN (" + ", ".join("?" * len(types)) + ")"
                 " AND r.event_date >= ? AND r.event_date <= ?")
        params += [*types, date_from, date_to + "\uffff"]
        if where_term is not None:
            vocab, code = where_term
            where += (" AND EXISTS (SELECT 1 FROM record_terms w WHERE w.record_seq = r.seq"
                      " AND w.vocab = ?" + (" AND w.code = ?)" if code is not None else ")"))
            params += [vocab] if code is None else [vocab, code]
        # Only fixed column names and validated paths are spliced in; values are bound.
        sql = (f"SELECT substr(r.event_date, 1, 10), {key}, count(*){sum_sql}"  # noqa: S608
               f" FROM records r{join} WHERE {where}"
               f" GROUP BY substr(r.event_date, 1, 10), {key}")
        return [Grouped(row[0], row[1], int(row[2]), tuple(int(v) for v in row[3:]))
                for row in self._db.query(sql, params)]

    def mission_titles(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(ids))
        out: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            for rid, title in self._db.query(
                    f"SELECT id, title FROM records WHERE id IN ({marks})",  # noqa: S608
                    chunk):
                out[rid] = title
        return out
