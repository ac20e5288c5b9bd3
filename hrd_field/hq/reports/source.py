"""Where reports read from: narrow rows and grouped counts, never whole records.

This is the one module that knows how HQ stores its data. Reports call the methods of
:class:`ReportSource`; :class:`StoreSource` implements them on both HQ backends. Counting
by period and group happens in SQL, so rows come back per period and group, never per
record:

* on PostgreSQL, through the HQ repository's portable report views (``report_records``,
  ``report_terms``); what those views do not hold (record bodies are sealed by HRD Field:
  consultation participants, communications) is read through the repository's records
  and added up here;
* on the embedded store, on its own tables with a covering index (vault migration
  "HQ reports"): the same query through the portable views joins every term back to the
  record table and read each encrypted page of it, seconds instead of tenths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

from ...core import codec
from ...core.regions import region_of

GENDERS = ("women", "men", "non_binary", "not_stated")
SUBJECT_FLAGS = ("reprisal", "legislation", "women_defenders")
# The communication record's subject codes, as reports name them.
_SUBJECT_CODES = {"reprisal_for_cooperation": "reprisal"}

# Columns of the records table a report may group received records by.
COLUMNS = ("region", "country", "mission_id")
_JSON_PATH = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")


class CommunicationRow(NamedTuple):
    """What reports need of a communication (field names of the ``communication`` record).
    A named tuple: 20k of them are built per report, five times faster than a dataclass."""

    id: str
    sent_on: str | None
    kind: str | None = None
    state: str | None = None
    reply_due: str | None = None
    joint: bool = False
    individuals: Mapping[str, int] = MappingProxyType({})
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
    if subjects:
        subjects = frozenset(_SUBJECT_CODES.get(c, c) for c in subjects)
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


def _period_sql(starts: Sequence[str], column: str) -> tuple[str, list[str]]:
    """The period index of each row, computed in SQL (portable CASE)."""
    if len(starts) == 1:
        return "0", []
    sql = "CASE" + "".join(f" WHEN {column} >= ? THEN {i}"
                           for i in range(len(starts) - 1, 0, -1)) + " ELSE 0 END"
    return sql, list(reversed(starts[1:]))


class StoreSource:
    """:class:`ReportSource` on an unlocked :class:`~hrd_field.hq.store.HqStore`, or on
    its repository (``store.repo``, what the HQ workspace's worker hands out)."""

    def __init__(self, store: Any):
        self._repo = getattr(store, "repo", store)
        vault = getattr(store, "vault", None) or getattr(self._repo, "vault", None)
        self._db = vault.db if vault is not None else None
        if self._db is not None:
            # Reports read the whole index of terms in no useful order; a larger page cache
            # keeps each encrypted page decrypted once per report instead of once per lookup.
            self._db.query("PRAGMA cache_size = -65536")
        self._cache: tuple[tuple[Any, ...], list[CommunicationRow]] | None = None

    # -- communications --------------------------------------------------------------------
    def communications(self, date_from: str, date_to: str) -> list[CommunicationRow]:
        rows = self._all_communications() if self._db is not None else [
            communication_row(r.body)
            for r in self._repo.report_records("communication", date_from, date_to)]
        return [c for c in rows if c.sent_on and c.status != "draft"
                and date_from <= c.sent_on[:10] <= date_to]

    def _all_communications(self) -> list[CommunicationRow]:
        """Every communication, parsed once and kept while none is added, changed or
        deleted (the check reads only an index: their number, newest change, last row)."""
        assert self._db is not None
        stamp = tuple(self._db.query(
            "SELECT count(*), max(updated_at), max(seq) FROM records"
            " WHERE type = 'communication' AND deleted = 0")[0])
        if self._cache is None or self._cache[0] != stamp:
            rows = [communication_row(codec.stored(body)) for (body,) in self._db.query(
                "SELECT body FROM records WHERE type = 'communication' AND deleted = 0")]
            self._cache = (stamp, rows)
        return self._cache[1]

    # -- received records ------------------------------------------------------------------
    def grouped(self, types: Sequence[str], starts: Sequence[str], last: str, *,
                by: str | None, where_term: tuple[str, str | None] | None = None,
                sums: Sequence[str] = ()) -> list[Grouped]:
        if sums and self._db is None:
            return self._grouped_in_python(types, starts, last, by=by, where_term=where_term,
                                           sums=sums)
        embedded = self._db is not None
        records = "records" if embedded else "report_records"
        period, params = _period_sql(starts, "r.event_date")
        join, key = "", "NULL"
        if by in COLUMNS:
            key = f"r.{by}"
        elif by is not None:
            # LEFT: a record without any code of the vocabulary comes back under NULL.
            join = (" LEFT JOIN record_terms t ON t.record_seq = r.seq AND t.vocab = ?"
                    if embedded else
                    " LEFT JOIN report_terms t ON t.record_id = r.id AND t.vocab = ?")
            key = "t.code"
            params.append(by)
        sum_sql = ""
        for path in sums:
            if not _JSON_PATH.match(path):
                raise ValueError(path)
            sum_sql += f", sum(coalesce(json_extract(r.body, '$.{path}'), 0))"
        where = ("r.type IN (" + ", ".join("?" * len(types)) + ")"
                 " AND r.event_date >= ? AND r.event_date <= ?")
        if embedded:
            where = "r.deleted = 0 AND " + where
        params += [*types, starts[0], last + "\uffff"]
        if where_term is not None:
            vocab, code = where_term
            terms = ("SELECT 1 FROM record_terms w WHERE w.record_seq = r.seq" if embedded
                     else "SELECT 1 FROM report_terms w WHERE w.record_id = r.id")
            where += (f" AND EXISTS ({terms} AND w.vocab = ?"
                      + (" AND w.code = ?)" if code is not None else ")"))
            params += [vocab] if code is None else [vocab, code]
        # Only fixed column names and validated paths are spliced in; values are bound.
        sql = (f"SELECT {period} AS p, {key} AS k, count(*){sum_sql}"  # noqa: S608
               f" FROM {records} r{join} WHERE {where} GROUP BY p, k")
        rows = (self._db.query(sql, params) if self._db is not None
                else self._repo.report(sql, tuple(params)))
        return [Grouped(int(row[0]), row[1], int(row[2]), tuple(int(v) for v in row[3:]))
                for row in rows]

    def _grouped_in_python(self, types: Sequence[str], starts: Sequence[str], last: str, *,
                           by: str | None, where_term: tuple[str, str | None] | None,
                           sums: Sequence[str]) -> list[Grouped]:
        """The same counts from whole records, for numbers only their (sealed) bodies
        hold."""
        out: dict[tuple[int, str | None], list[int]] = {}
        for record_type in types:
            for record in self._repo.report_records(record_type, starts[0], last):
                day = (record.event_date or "")[:10]
                if not starts[0] <= day <= last:
                    continue
                period = max(i for i, s in enumerate(starts) if s <= day)
                if where_term is not None:
                    vocab, code = where_term
                    if not any(v == vocab and (code is None or c == code)
                               for v, c in record.terms):
                        continue
                if by is None:
                    keys: list[str | None] = [None]
                elif by in COLUMNS:
                    keys = [getattr(record, by)]
                else:
                    keys = [c for v, c in record.terms if v == by] or [None]
                numbers = [_number(record.body, path) for path in sums]
                for key in keys:
                    acc = out.setdefault((period, key), [0] * (1 + len(sums)))
                    acc[0] += 1
                    for i, n in enumerate(numbers):
                        acc[1 + i] += n
        return [Grouped(p, k, v[0], tuple(v[1:])) for (p, k), v in out.items()]

    def mission_titles(self, ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for record_id in sorted(set(ids)):
            try:
                record = self._repo.get(record_id)
            except Exception:  # noqa: S112 (a visit HQ does not hold keeps its id)
                continue
            out[record_id] = getattr(record, "title", "") or record_id
        return out


def _number(data: Mapping[str, Any], path: str) -> int:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return int(value) if isinstance(value, int) else 0
