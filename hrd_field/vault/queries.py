"""Reading records: list rows and their filters, counts, full-text search and snippets.

The read side of the vault; :mod:`.repository` adds the writes on top.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..core import codec, indexing
from ..core.display import headline
from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import Record
from .database import Database

SORTABLE = ("updated_at", "created_at", "event_date", "title", "country", "risk_level",
            "case_status", "type")
MAX_PAGE = 1000
MAX_QUERY_CHARS = 200
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

    @property
    def headline(self) -> str:
        return headline(self.type, self.title, self.codes)


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
                "case_status, flagged, updated_at, mission_id, " + _CODES)


def filter_sql(filters: Filters, *, mark: str = "?", terms: str = "record_terms",
               term_link: str = "t.record_seq = r.seq") -> tuple[str, list[Any]]:
    """The WHERE clause of a list's filters over ``records r`` and its params. The HQ
    PostgreSQL backend uses it too, with its own placeholder and terms table."""
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
                       f" t.code = {mark} AND {term_link})")
        params += [vocab, code]
    return " AND ".join(clauses), params


def _hits(filters: Filters, terms: list[_Term], limit: int) -> tuple[str, list[Any]]:
    """SQL for the seqs of live records matching ``terms`` and ``filters``, newest first, at
    most ``limit``.

    The first term's index drives the query in its own rowid order, so SQLite stops after
    ``limit`` matches instead of collecting (and ranking) every one: a common word costs no
    more than a rare one. Newest first is also what a person looking for a recent note expects.
    """
    where, params = filter_sql(filters)
    first, rest = terms[0], terms[1:]
    clauses = [first.condition, where, *(f"r.seq IN ({t.subquery})" for t in rest)]
    values = [*first.params, *params, *(v for t in rest for v in t.params)]
    sql = (f"SELECT r.seq FROM {first.table} JOIN records r ON r.seq = {first.table}.rowid"
           f" WHERE {' AND '.join(clauses)} ORDER BY {first.table}.rowid DESC LIMIT ?")
    return sql, [*values, limit]


def _narrowed(filters: Filters, terms: list[_Term]) -> tuple[str, list[Any]]:
    """The list's WHERE clause: filters, and each term's matches collected from its index
    (cheap: index entries only, no record read per match)."""
    where, params = filter_sql(filters)
    clauses = [where, *(f"r.seq IN ({t.subquery})" for t in terms)]
    return " AND ".join(clauses), [*params, *(v for t in terms for v in t.params)]


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
     flagged, updated_at, mission_id, codes) = row
    return Row(id_, rtype, title, version, status, country, region, event_date, risk,
               case_status, bool(flagged), updated_at, mission_id, _codes(codes))


@dataclass(frozen=True)
class _Term:
    """One index lookup a search needs: its table and the condition on it."""

    table: str
    condition: str
    params: tuple[str, ...]

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
                         (" AND ".join(_quoted(w) + "*" for w in prefixes),)))
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
             offset: int = 0) -> list[Row]:
        """One page of list rows; ``text`` narrows them to full-text matches."""
        if order_by not in SORTABLE:
            raise UserError(_("Cannot sort by {column}.").format(column=order_by))
        where, params = _narrowed(filters or Filters(), self._terms(text))
        direction = "DESC" if descending else "ASC"
        sql = (f"SELECT {_ROW_COLUMNS} FROM records r WHERE {where}"
               f" ORDER BY r.{order_by} {direction}, r.seq {direction} LIMIT ? OFFSET ?")
        rows = self._db.query(sql, (*params, min(limit, MAX_PAGE), max(offset, 0)))
        return [_row(row) for row in rows]

    def count(self, filters: Filters | None = None, *, text: str = "") -> int:
        """How many rows ``rows`` can show; with ``text``, counting stops past ``MATCH_CAP``
        (a result above it means "1,000+")."""
        where, params = _narrowed(filters or Filters(), self._terms(text))
        if not text.strip():
            return int(self._db.query(f"SELECT count(*) FROM records r WHERE {where}",
                                      params)[0][0])
        return int(self._db.query(f"SELECT count(*) FROM (SELECT 1 FROM records r WHERE"
                                  f" {where} LIMIT ?)", (*params, MATCH_CAP + 1))[0][0])

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

    def _terms(self, text: str) -> list[_Term]:
        """The word index first; substrings when no word starts with what was typed."""
        terms = search_terms(text)
        words = [t for t in terms if t.table == "records_words"]
        if words and not self._db.query(f"{words[0].subquery} LIMIT 1", words[0].params):
            return search_terms(text, words=False)
        return terms


def decode(body: str) -> Record:
    """Decode a stored body; stored records were validated on the way in."""
    return codec.from_trusted(json.loads(body))
