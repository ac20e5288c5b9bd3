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


def _where(filters: Filters, text: str = "") -> tuple[str, list[Any]]:
    clauses = ["r.deleted = 0"]
    params: list[Any] = []
    for column in ("type", "mission_id", "status", "country", "region", "risk_level",
                   "case_status"):
        value = getattr(filters, column)
        if value is not None:
            clauses.append(f"r.{column} = ?")
            params.append(value.upper() if column == "country" else value)
    if filters.date_from:
        clauses.append("r.event_date >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append("r.event_date <= ?")
        params.append(filters.date_to)
    if filters.flagged is not None:
        clauses.append("r.flagged = ?")
        params.append(int(filters.flagged))
    for vocab, code in sorted(filters.terms.items()):
        clauses.append("EXISTS (SELECT 1 FROM record_terms t WHERE t.vocab = ? AND t.code = ?"
                       " AND t.record_seq = r.seq)")
        params += [vocab, code]
    match, short = fts_query(text)
    if match is not None:
        clauses.append("r.seq IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)")
        params.append(match)
    for term in short:
        clause, values = _short_term(term)
        clauses.append(f"r.seq IN ({clause})")
        params += values
    return " AND ".join(clauses), params


def _short_term(term: str) -> tuple[str, list[Any]]:
    """Rows matching a term too short for the trigram index: two-character CJK words from
    the pair index, anything else (rare: 'UN', 'ل') by scanning the text."""
    if len(term) == 2 and indexing.is_cjk(term):
        return "SELECT rowid FROM records_cjk WHERE records_cjk MATCH ?", ['"' + term + '"']
    return ("SELECT rowid FROM records_fts WHERE text LIKE ? ESCAPE '\\'"
            " OR title LIKE ? ESCAPE '\\'", [_like(term)] * 2)


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


def fts_query(text: str) -> tuple[str | None, list[str]]:
    """Split user input into an FTS5 trigram expression and the shorter terms.

    Trigram indexes match substrings of three characters or more, in any script; shorter
    terms go to the pair index (two-character Chinese words such as 人权) or a scan.
    """
    text = text[:MAX_QUERY_CHARS]
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    long_terms = ['"' + w.replace('"', '""') + '"' for w in words if len(w) >= 3]
    short_terms = [w for w in words if len(w) < 3]
    return (" AND ".join(long_terms) or None), short_terms


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
        where, params = _where(filters or Filters(), text)
        direction = "DESC" if descending else "ASC"
        sql = (f"SELECT {_ROW_COLUMNS} FROM records r WHERE {where}"
               f" ORDER BY r.{order_by} {direction}, r.seq {direction} LIMIT ? OFFSET ?")
        rows = self._db.query(sql, (*params, min(limit, MAX_PAGE), max(offset, 0)))
        return [_row(row) for row in rows]

    def count(self, filters: Filters | None = None, *, text: str = "") -> int:
        where, params = _where(filters or Filters(), text)
        return int(self._db.query(f"SELECT count(*) FROM records r WHERE {where}", params)[0][0])

    def search(self, text: str, filters: Filters | None = None, *, limit: int = 50,
               offset: int = 0) -> list[Hit]:
        """Full-text search over every text field, best matches first; any script."""
        match, short = fts_query(text)
        if match is None and not short:
            return []
        where, params = _where(filters or Filters())
        clauses, fts_params = [where], []
        if match is not None:
            clauses.append("records_fts MATCH ?")  # on ``f`` itself, so snippet() works
            fts_params.append(match)
        for term in short:
            clause, values = _short_term(term)
            clauses.append(f"f.rowid IN ({clause})")
            fts_params += values
        # FTS5's own rank (bm25) lets it sort inside the index and stop after LIMIT rows;
        # ORDER BY bm25() made SQLite join and sort every match first (10× slower).
        rank = "f.rank" if match is not None else "r.updated_at DESC"
        sql = (
            f"SELECT r.id, r.type, r.title, f.text, {_CODES} FROM records_fts f"
            " JOIN records r ON r.seq = f.rowid"
            f" WHERE {' AND '.join(clauses)} ORDER BY {rank} LIMIT ? OFFSET ?"
        )
        rows = self._db.query(sql, (*params, *fts_params, min(limit, MAX_PAGE), offset))
        terms = [w for w in re.split(r"\s+", text.strip()) if w]
        return [Hit(id_, rtype, title, _snippet(body, terms), _codes(codes))
                for id_, rtype, title, body, codes in rows]


def decode(body: str) -> Record:
    """Decode a stored body; stored records were validated on the way in."""
    return codec.from_trusted(json.loads(body))
