"""Reading records: list rows and their filters, counts, full-text search and snippets.

The read side of the vault; :mod:`.repository` adds the writes on top.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from ..core import codec, indexing
from ..core.display import headline
from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import Record
from . import word_terms
from .database import Database

SORTABLE = ("updated_at", "created_at", "event_date", "title", "country", "risk_level",
            "case_status", "type")
MAX_PAGE = 1000
MAX_QUERY_CHARS = 200
# Orders whose column records_by_seq holds (a search's matches are sorted from it).
_SEQ_SORTABLE = ("updated_at", "event_date", "country", "risk_level", "case_status", "type")
# A list narrowed by a search holds at most this many matches (the newest); beyond it the
# count says "1,000+": an exact count of a common word costs more than it tells.
MATCH_CAP = 1000


class NotFound(UserError):
    def __init__(self, record_id: str):
        super().__init__(_("No record with id {id}.").format(id=record_id))


@dataclass
class Filters:
    type: str | None = None
    mission_id: str | None = None
    status: str | None = None
    country: str | None = None
    region: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    risk_level: str | None = None
    case_status: str | None = None
    flagged: bool | None = None
    terms: dict[str, str] = field(default_factory=dict)
    """vocabulary → code, e.g. {"rights_defended": "womens_rights"}."""
    reply: str | None = None
    """Communications by reply state (``REPLY_STATES``): awaiting a reply, overdue (awaiting,
    due before ``today``), replied."""
    today: str | None = None
    """The day at HQ (ISO) an overdue reply is counted from."""


REPLY_STATES = ("awaiting", "overdue", "replied")


@dataclass(frozen=True)
class Row:
    """What a list shows without decoding the record body."""

    id: str
    type: str
    title: str
    version: int
    status: str
    country: str | None
    region: str | None
    event_date: str | None
    risk_level: str | None
    case_status: str | None
    flagged: bool
    updated_at: str
    mission_id: str | None
    codes: tuple[str, ...] = ()
    # How much of event_date is known: "day", "month" or "year" (an incident's date).
    date_precision: str = "day"

    @property
    def headline(self) -> str:
        return headline(self.type, self.title, self.codes)


@dataclass(frozen=True)
class ReportRecord:
    """A record as a report counts it: its indexed columns and (vocabulary, code) terms, and
    its body as plain data (validated when it was stored: no record objects are built)."""

    event_date: str | None
    region: str | None
    country: str | None
    mission_id: str | None
    tagged: Sequence[str]
    """The terms as stored, 'vocab:code'."""
    body: dict[str, Any]

    @cached_property
    def terms(self) -> frozenset[tuple[str, str]]:
        """(vocabulary, code) pairs; worked out only for the reports that group by them."""
        return frozenset((vocab, code) for vocab, _sep, code
                         in (t.partition(":") for t in self.tagged))


@dataclass(frozen=True)
class Hit:
    id: str
    type: str
    title: str
    snippet: str
    codes: tuple[str, ...] = ()

    @property
    def headline(self) -> str:
        return headline(self.type, self.title, self.codes)


# The codes a title shows (consultation format, threat types), in the reader's language.
_CODES = ("(SELECT group_concat(t.code, ',') FROM record_terms t WHERE t.record_seq = r.seq"
          " AND t.vocab = CASE r.type WHEN 'consultation' THEN 'consultation_format'"
          " WHEN 'communication' THEN 'communication_kind'"
          " ELSE 'threat_type' END)")
_ROW_COLUMNS = ("id, type, title, version, status, country, region, event_date, risk_level, "
                "case_status, flagged, updated_at, mission_id, " + _CODES +
                ", json_extract(body, '$.incident_date.precision')")


def filter_sql(filters: Filters, *, mark: str = "?", terms: str = "record_terms",
               term_link: str = "t.record_seq = r.seq") -> tuple[str, list[Any]]:
    """The WHERE clause of a list's filters over ``records r`` and its params. The HQ
    PostgreSQL backend uses it too, with its own placeholder and terms table.

    ``LIMIT 1`` in a coded filter's EXISTS keeps SQLite 3.53 (SQLCipher's) from turning it
    into a join that probes ``record_terms_by_record``, scattered over the whole index, for
    every candidate row; as written, each probe lands in the code's own stretch of the
    primary key (the way stdlib SQLite 3.40 runs it)."""
    clauses = ["r.deleted = 0"]
    params: list[Any] = []
    for column in ("type", "mission_id", "status", "country", "region", "risk_level",
                   "case_status"):
        value = getattr(filters, column)
        if value is not None:
            clauses.append(f"r.{column} = {mark}")
            params.append(value.upper() if column == "country" else value)
    if filters.date_from:
        clauses.append(f"r.event_date >= {mark}")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append(f"r.event_date <= {mark}")
        params.append(filters.date_to)
    if filters.flagged is not None:
        clauses.append(f"r.flagged = {mark}")
        params.append(int(filters.flagged))
    for vocab, code in sorted(filters.terms.items()):
        clauses.append(f"EXISTS (SELECT 1 FROM {terms} t WHERE t.vocab = {mark} AND"
                       f" t.code = {mark} AND {term_link} LIMIT 1)")
        params += [vocab, code]
    if filters.reply in ("awaiting", "overdue"):
        # a communication's case status is its reply deadline while a reply is awaited
        clauses.append("r.type = 'communication' AND r.case_status IS NOT NULL")
        if filters.reply == "overdue":
            clauses.append(f"r.case_status < {mark}")
            params.append(filters.today or "0000-00-00")
    elif filters.reply == "replied":  # every reply carries its assessment code
        clauses.append(f"r.type = 'communication' AND EXISTS (SELECT 1 FROM {terms} t WHERE"
                       f" t.vocab = 'reply_assessment' AND {term_link} LIMIT 1)")
    return " AND ".join(clauses), params


def _hits(filters: Filters, terms: list[_Term], limit: int,
          key: str | None = None) -> tuple[str, list[Any]]:
    """SQL for the seqs of live records matching ``terms`` and ``filters``, newest first, at
    most ``limit`` (with ``key``, a column of records_by_seq, each seq comes with its value).

    The first term's index drives the query in its own rowid order, so SQLite stops after
    ``limit`` matches instead of collecting (and ranking) every one: a common word costs no
    more than a rare one. Newest first is also what a person looking for a recent note expects.
    """
    where, params = filter_sql(filters)
    first, rest = terms[0], terms[1:]
    clauses = [first.condition, where, *(f"r.seq IN ({t.subquery})" for t in rest)]
    values = [*first.params, *params, *(v for t in rest for v in t.params)]
    # records_by_seq holds what the filters look at: no table row (body and all) is read
    # per candidate
    columns = f"r.seq, r.{key}" if key else "r.seq"
    sql = (f"SELECT {columns} FROM {first.table} JOIN records r INDEXED BY records_by_seq"
           f" ON r.seq = {first.table}.rowid"
           f" WHERE {' AND '.join(clauses)} ORDER BY {first.table}.rowid DESC LIMIT ?")
    return sql, [*values, limit]


def _match_limit(every_match: bool) -> int:
    """How many matches a list narrowed by a search holds: the newest ``MATCH_CAP`` + 1
    (what the count says "1,000+" of), or all of them when the person asked (-1: SQLite's
    no limit)."""
    return -1 if every_match else MATCH_CAP + 1


def _narrowed(filters: Filters, terms: list[_Term], every_match: bool) -> tuple[str, list[Any]]:
    """The list's WHERE clause: its filters; with search terms, the matches under those
    filters that ``_match_limit`` allows, found by walking the search index newest first and
    stopping there, instead of collecting every match of a common word and sorting them."""
    if not terms:
        return filter_sql(filters)
    sql, params = _hits(filters, terms, _match_limit(every_match))
    return f"r.seq IN ({sql})", params


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _snippet(text: str, terms: list[str], width: int = 40) -> str:
    """The text around the first matching term, the match in [brackets], on one line.

    Done here rather than with FTS5's snippet(), whose trigram highlights can cut a word.
    """
    flat = text.replace("\n", " · ")
    lower = flat.lower()
    found = [(at, t) for t in terms if (at := lower.find(t.lower())) >= 0]
    if not found:
        return flat[:width * 2] + ("…" if len(flat) > width * 2 else "")
    at, term = min(found)
    end = at + len(term)
    start = max(0, at - width)
    return ("…" if start else "") + flat[start:at] + f"[{flat[at:end]}]" + flat[end:end + width] \
        + ("…" if end + width < len(flat) else "")


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(sorted(text.split(","))) if text else ()


def _row(row: Any) -> Row:
    (id_, rtype, title, version, status, country, region, event_date, risk, case_status,
     flagged, updated_at, mission_id, codes, precision) = row
    return Row(id_, rtype, title, version, status, country, region, event_date, risk,
               case_status, bool(flagged), updated_at, mission_id, _codes(codes),
               precision or "day")


@dataclass(frozen=True)
class _Term:
    """One index lookup a search needs: its table and the condition on it."""

    table: str
    condition: str
    params: tuple[str, ...]
    prefixes: tuple[str, ...] = ()
    """For the word index: the typed words, each the start of a word."""

    @property
    def subquery(self) -> str:
        return f"SELECT rowid FROM {self.table} WHERE {self.condition}"


_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff"
                            "\ufe70-\ufeff]")


def _is_word(term: str) -> bool:
    """Whether the word index can find ``term`` as the start of a word. Not for Chinese,
    Japanese and Korean (no spaces between words) nor Arabic script (والمدافعة holds
    مدافعة after its prefixes): the trigram index finds those inside words."""
    return (len(term) >= 2 and term.isalnum() and not indexing.is_cjk(term)
            and not _ARABIC_SCRIPT.search(term))


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search_terms(text: str, *, words: bool = True) -> list[_Term]:
    """Plan the lookups for user input: words (Latin, Cyrillic…) as word prefixes in the word
    index; other terms of three characters or more as substrings in the trigram index;
    two-character Chinese words in the pair index; anything shorter by scanning the text.
    With ``words`` False, every term is a substring (the fallback when no word starts so)."""
    terms = [w for w in re.split(r"\s+", text[:MAX_QUERY_CHARS].strip()) if w]
    prefixes = [w for w in terms if words and _is_word(w)]
    grams = [w for w in terms if w not in prefixes and len(w) >= 3]
    out = []
    if prefixes:
        out.append(_Term("records_words", "records_words MATCH ?",
                         (" AND ".join(_quoted(w) + "*" for w in prefixes),), tuple(prefixes)))
    if grams:
        out.append(_Term("records_fts", "records_fts MATCH ?",
                         (" AND ".join(_quoted(w) for w in grams),)))
    for w in terms:
        if w in prefixes or w in grams:
            continue
        if len(w) == 2 and indexing.is_cjk(w):
            out.append(_Term("records_cjk", "records_cjk MATCH ?", (_quoted(w),)))
        else:  # rare: 'ل', '人'
            out.append(_Term("records_fts", "(records_fts.text LIKE ? ESCAPE '\\'"
                             " OR records_fts.title LIKE ? ESCAPE '\\')", (_like(w),) * 2))
    return out


class RecordReader:
    """Queries over the records of one vault (or HQ store)."""

    def __init__(self, db: Database):
        self._db = db

    # -- reads ---------------------------------------------------------------------------
    def get(self, record_id: str) -> Record:
        rows = self._db.query("SELECT body, deleted FROM records WHERE id = ?", (record_id,))
        if not rows or rows[0][1]:
            raise NotFound(record_id)
        return decode(rows[0][0])

    def exists(self, record_id: str) -> bool:
        return bool(self._db.query("SELECT 1 FROM records WHERE id = ? AND deleted = 0",
                                   (record_id,)))

    def page(self, filters: Filters | None = None, *, order_by: str = "updated_at",
             descending: bool = True, limit: int = 100, offset: int = 0) -> list[Record]:
        ids = [r.id for r in self.rows(filters, order_by=order_by, descending=descending,
                                       limit=limit, offset=offset)]
        return [self.get(i) for i in ids]

    def rows(self, filters: Filters | None = None, *, text: str = "",
             order_by: str = "updated_at", descending: bool = True, limit: int = 100,
             offset: int = 0, every_match: bool = False) -> list[Row]:
        """One page of list rows; ``text`` narrows them to its newest matches (at most
        ``MATCH_CAP`` + 1 unless ``every_match``, see ``count``)."""
        terms = self._terms(text)
        where, params = _narrowed(filters or Filters(), terms, every_match)
        return self._ordered(where, params, order_by, descending, limit, offset,
                             by_seq=bool(terms))

    def _ordered(self, where: str, params: list[Any], order_by: str, descending: bool,
                 limit: int, offset: int, *, by_seq: bool = False) -> list[Row]:
        """A page of rows in the list's order; ``by_seq`` when ``where`` picks a few seqs
        (a search's matches): their sort keys are then read from records_by_seq."""
        if order_by not in SORTABLE:
            raise UserError(_("Cannot sort by {column}.").format(column=order_by))
        order = f"r.{order_by} {'DESC' if descending else 'ASC'}, r.seq" \
            f" {'DESC' if descending else 'ASC'}"
        # The page's seqs first, its columns after: SQLite computes a row's columns (the
        # body's JSON, the codes) before sorting, so one query would compute them for every
        # row sorted, not only for the page's.
        hint = " INDEXED BY records_by_seq" if by_seq else ""
        sql = (f"SELECT {_ROW_COLUMNS} FROM (SELECT r.seq FROM records r{hint} WHERE {where}"
               f" ORDER BY {order} LIMIT ? OFFSET ?) h CROSS JOIN records r ON r.seq = h.seq"
               f" ORDER BY {order}")
        rows = self._db.query(sql, (*params, min(limit, MAX_PAGE), max(offset, 0)))
        return [_row(row) for row in rows]

    def count(self, filters: Filters | None = None, *, text: str = "",
              every_match: bool = False) -> int:
        """How many rows ``rows`` can show; with ``text``, counting stops past ``MATCH_CAP``
        (a result above it means "1,000+") unless ``every_match``."""
        terms = self._terms(text)
        if terms:
            sql, params = _hits(filters or Filters(), terms, _match_limit(every_match))
            return int(self._db.query(f"SELECT count(*) FROM ({sql})", params)[0][0])
        where, params = filter_sql(filters or Filters())
        return int(self._db.query(f"SELECT count(*) FROM records r WHERE {where}",
                                  params)[0][0])

    def first_rows(self, filters: Filters | None = None, *, text: str = "",
                   order_by: str = "updated_at", descending: bool = True,
                   limit: int = 100, every_match: bool = False) -> tuple[int, list[Row]]:
        """``count`` and the first ``rows`` together (what a list shows as a person types),
        the matches of ``text`` looked up once for both."""
        terms = self._terms(text)
        if not terms:
            return self.count(filters), self.rows(filters, order_by=order_by,
                                                  descending=descending, limit=limit)
        if order_by not in _SEQ_SORTABLE:
            sql, params = _hits(filters or Filters(), terms, _match_limit(every_match))
            seqs = [seq for (seq,) in self._db.query(sql, params)]
            return len(seqs), self._ordered(
                "r.seq IN (SELECT value FROM json_each(?))", [json.dumps(seqs)], order_by,
                descending, limit, 0, by_seq=True)
        # The matches come with their sort key (records_by_seq holds it): sorted here, the
        # row columns (the body's JSON, the codes) are read for the page's rows only.
        sql, params = _hits(filters or Filters(), terms, _match_limit(every_match),
                            key=order_by)
        found = self._db.query(sql, params)
        found.sort(key=lambda m: (m[1] is not None, m[1] or "", m[0]), reverse=descending)
        page = [seq for seq, _key in found[:min(limit, MAX_PAGE)]]
        rows = self._db.query(
            f"SELECT {_ROW_COLUMNS} FROM (SELECT key AS at, value AS seq FROM json_each(?)) j"
            " CROSS JOIN records r ON r.seq = j.seq ORDER BY j.at", (json.dumps(page),))
        return len(found), [_row(row) for row in rows]

    def search(self, text: str, filters: Filters | None = None, *, limit: int = 50,
               offset: int = 0) -> list[Hit]:
        """Full-text search over every text field, newest matches first; any script."""
        terms = self._terms(text)
        if not terms:
            return []
        limit, offset = min(limit, MAX_PAGE), max(offset, 0)
        sql, params = _hits(filters or Filters(), terms, offset + limit)
        rows = self._db.query(
            f"SELECT r.id, r.type, r.title, f.text, {_CODES} FROM ({sql}) h"
            " JOIN records r ON r.seq = h.seq JOIN records_fts f ON f.rowid = h.seq"
            " ORDER BY h.seq DESC LIMIT ? OFFSET ?", (*params, limit, offset))
        words = [w for w in re.split(r"\s+", text.strip()) if w]
        return [Hit(id_, rtype, title, _snippet(body, words), _codes(codes))
                for id_, rtype, title, body, codes in rows]

    def report_records(self, record_type: str, date_from: str,
                       date_to: str) -> Iterator[ReportRecord]:
        """Live records of a type dated ``date_from`` to ``date_to`` (ISO days, inclusive),
        for counts only their bodies hold."""
        rows = self._db.query(
            "SELECT r.event_date, r.region, r.country, r.mission_id, r.body,"
            " (SELECT group_concat(t.vocab || ':' || t.code, char(31)) FROM record_terms t"
            "  WHERE t.record_seq = r.seq) FROM records r WHERE r.deleted = 0 AND r.type = ?"
            " AND r.event_date >= ? AND r.event_date <= ?",
            (record_type, date_from, date_to + "\uffff"))
        for event_date, region, country, mission_id, body, terms in rows:
            yield ReportRecord(event_date, region, country, mission_id,
                               terms.split("\x1f") if terms else (), codec.stored(body))

    def _terms(self, text: str) -> list[_Term]:
        """The word index first, each typed word searched as the whole words it starts
        (:mod:`.word_terms`); substrings when no record has words starting so."""
        terms = search_terms(text)
        for i, term in enumerate(terms):
            if term.table != "records_words":
                continue
            match = word_terms.expand(self._db, list(term.prefixes))
            # words that each start some word may still never meet in one record
            if match is None or (len(term.prefixes) > 1 and not self._db.query(
                    f"{term.subquery} LIMIT 1", (match,))):
                return search_terms(text, words=False)
            terms[i] = replace(term, params=(match,))
        return terms


def decode(body: str) -> Record:
    """Decode a stored body; stored records were validated on the way in."""
    return codec.from_trusted(codec.stored(body))
