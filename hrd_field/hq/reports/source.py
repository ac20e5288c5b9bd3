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
    """Records of one period (and one group), counted, with the sums asked for."""

    period: int
    key: str | None
    n: int
    sums: tuple[int, ...] = ()


class ReportSource(Protocol):
    def communications(self, date_from: str, date_to: str) -> list[CommunicationRow]:
        """Communications sent in the range (``sent_on``), deleted ones left out."""
        ...

    def grouped(self, types: Sequence[str], starts: Sequence[str], last: str, *,
                by: str | None, where_term: tuple[str, str | None] | None = None,
                sums: Sequence[str] = ()) -> list[Grouped]:
        """Received records of ``types`` dated from ``starts[0]`` to ``last``, counted per
        period (index into ``starts``, the first day of each) and per value of ``by`` (a
        column of :data:`COLUMNS` or a vocabulary; ``None``: per period only). A record
        with several codes of the vocabulary counts under each, and under ``None`` when it
        has none. ``sums`` are
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


_NO_FLAGS: frozenset[str] = frozenset()


def communication_row(body: Mapping[str, Any]) -> CommunicationRow:
    """A communication record's JSON (as the ``record`` commands print it) → its row."""
    get = body.get
    individuals = get("individuals")
    subjects = _flag_set(get("subjects")) if get("subjects") else _NO_FLAGS
    for flag in SUBJECT_FLAGS:
        if get(flag) is True or get(f"concerns_{flag}") is True:
            subjects |= {flag}
    replies = get("replies")
    return CommunicationRow(
        id=str(get("id", "")),
        sent_on=get("sent_on"),
        kind=get("kind"),
        state=get("state") or None,
        reply_due=get("reply_due"),
        joint=bool(get("joint_with") or get("joint_mandates") or get("joint")),
        individuals=individuals if isinstance(individuals, dict) else {},
        subjects=subjects,
        replies=tuple((str(r["received_on"]), r.get("assessment")) for r in replies
                      if isinstance(r, dict) and r.get("received_on")) if replies else (),
        status=get("case_status") or get("outcome_status"),
    )


class StoreSource:
    """:class:`ReportSource` on the embedded HQ store (an unlocked :class:`HqStore`)."""

    def __init__(self, store: Any):
        self._db = store.vault.db
        # Reports read the whole index of terms in no useful order; a larger page cache
        # keeps each encrypted page decrypted once per report instead of once per lookup.
        self._db.query("PRAGMA cache_size = -65536")
        self._cache: tuple[tuple[Any, ...], list[CommunicationRow]] | None = None

    def communications(self, date_from: str, date_to: str) -> list[CommunicationRow]:
        return [c for c in self._all_communications()
                if c.sent_on and date_from <= c.sent_on[:10] <= date_to]

    def _all_communications(self) -> list[CommunicationRow]:
        """Every communication, parsed once and kept while none is added, changed or
        deleted (the check reads only an index: their number, newest change, last row)."""
        stamp = tuple(self._db.query(
            "SELECT count(*), max(updated_at), max(seq) FROM records"
            " WHERE type = 'communication' AND deleted = 0")[0])
        if self._cache is None or self._cache[0] != stamp:
            rows = [communication_row(json.loads(body)) for (body,) in self._db.query(
                "SELECT body FROM records WHERE type = 'communication' AND deleted = 0")]
            self._cache = (stamp, rows)
        return self._cache[1]

    def grouped(self, types: Sequence[str], starts: Sequence[str], last: str, *,
                by: str | None, where_term: tuple[str, str | None] | None = None,
                sums: Sequence[str] = ()) -> list[Grouped]:
        params: list[Any] = []
        # The period of each record, in SQL: rows come back per period, not per record.
        period = "CASE" + "".join(" WHEN r.event_date >= ? THEN " + str(i)
                                  for i in range(len(starts) - 1, 0, -1)) + " ELSE 0 END"
        params += list(reversed(starts[1:]))
        join, key = "", "NULL"
        if by in COLUMNS:
            key = f"r.{by}"
        elif by is not None:
            # LEFT: a record without any code of the vocabulary comes back under NULL.
            join = " LEFT JOIN record_terms t ON t.record_seq = r.seq AND t.vocab = ?"
            key = "t.code"
        sum_sql = ""
        for path in sums:
            if not _JSON_PATH.match(path):
                raise ValueError(path)
            sum_sql += f", sum(coalesce(json_extract(r.body, '$.{path}'), 0))"
        if by is not None and by not in COLUMNS:
            params.append(by)
        where = ("r.deleted = 0 AND r.type IN (" + ", ".join("?" * len(types)) + ")"
                 " AND r.event_date >= ? AND r.event_date <= ?")
        params += [*types, starts[0], last + "\uffff"]
        if where_term is not None:
            vocab, code = where_term
            where += (" AND EXISTS (SELECT 1 FROM record_terms w WHERE w.record_seq = r.seq"
                      " AND w.vocab = ?" + (" AND w.code = ?)" if code is not None else ")"))
            params += [vocab] if code is None else [vocab, code]
        # Only fixed column names and validated paths are spliced in; values are bound.
        sql = (f"SELECT {period} AS p, {key} AS k, count(*){sum_sql}"  # noqa: S608
               f" FROM records r{join} WHERE {where} GROUP BY p, k")
        return [Grouped(int(row[0]), row[1], int(row[2]), tuple(int(v) for v in row[3:]))
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
