"""Records in the vault: create, update (versioned), tombstone, get, list, search."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..core import codec, indexing
from ..core.display import headline
from ..core.errors import FieldError, RecordInvalid, UserError
from ..core.i18n import _
from ..core.records import Record, utc_now
from ..core.validation import normalise, validate
from ..core.vocab import RECORD_TYPE
from . import audit
from .database import Database

SORTABLE = ("updated_at", "created_at", "event_date", "title", "country", "risk_level",
            "case_status", "type")
MAX_PAGE = 1000
MAX_QUERY_CHARS = 200


class NotFound(UserError):
    def __init__(self, record_id: str):
        super().__init__(_("No record with id {id}.").format(id=record_id))


class Conflict(UserError):
    pass


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
    """vocabulary → code, e.g. {"group_at_risk": "women_defenders"}."""


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


def _unindex(c: Any, seq: int) -> None:
    c.execute("DELETE FROM records_fts WHERE rowid = ?", (seq,))
    c.execute("DELETE FROM records_cjk WHERE rowid = ?", (seq,))
    c.execute("DELETE FROM record_terms WHERE record_seq = ?", (seq,))


def _tombstone(c: Any, seq: int, version: int | None) -> None:
    """Turn a row into a tombstone: id, type and ``version`` (None: the next one) stay, the
    content and everything derived from it go."""
    _unindex(c, seq)
    c.execute(
        "UPDATE records SET deleted = 1, version = coalesce(?, version + 1), body = '{}',"
        " title = '', country = NULL, region = NULL, event_date = NULL, risk_level = NULL,"
        " case_status = NULL, urgency = NULL, flagged = 0, updated_at = ? WHERE seq = ?",
        (version, utc_now(), seq))


ATTACHMENT_GRACE = "-10 minutes"


def drop_unreferenced_attachments(c: Any, gone: set[str] | None = None) -> int:
    """Delete files no live record or draft refers to any more.

    ``gone``: files of records just deleted or purged, removed at once if nothing else uses
    them. Otherwise only files older than a few minutes go (photos replaced by a copy
    without location, removed from a record): an editor may hold a newer one before its
    next autosave.
    """
    unused = (" sha256 NOT IN (SELECT json_extract(a.value, '$.sha256') FROM records r,"
              " json_each(r.body, '$.attachments') a WHERE r.deleted = 0"
              " UNION SELECT json_extract(a.value, '$.sha256') FROM drafts d,"
              " json_each(d.body, '$.attachments') a)")
    if gone is not None:
        if not gone:
            return 0
        marks = ", ".join("?" * len(gone))
        c.execute(f"DELETE FROM attachments WHERE sha256 IN ({marks}) AND{unused}",
                  sorted(gone))
    else:
        c.execute("DELETE FROM attachments WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ',"
                  f" 'now', ?) AND{unused}", (ATTACHMENT_GRACE,))
    dropped = int(c.execute("SELECT changes()").fetchone()[0])
    c.execute("DELETE FROM blobs WHERE id NOT IN (SELECT blob_id FROM attachments)")
    return dropped


def _check_mission(c: Any, record: Record) -> None:
    if record.mission_id is None:
        return
    row = c.execute("SELECT type, deleted FROM records WHERE id = ?",
                    (record.mission_id,)).fetchone()
    if row is None or row[0] != "mission" or row[1]:
        raise RecordInvalid([FieldError("mission_id", _("no mission with this id in this vault"))])


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


class RecordStore:
    def __init__(self, db: Database, actor: str):
        self._db = db
        self._actor = actor

    # -- writes --------------------------------------------------------------------------
    def create(self, record: Record, *, keep_timestamps: bool = False) -> Record:
        normalise(record)
        if not keep_timestamps:
            record.created_at = record.updated_at = utc_now()
            record.version = 1
        if not record.author:
            record.author = self._actor
        self._check(record)
        with self._db.transaction() as c:
            if c.execute("SELECT 1 FROM records WHERE id = ?", (record.id,)).fetchone():
                raise Conflict(_("A record with id {id} already exists.").format(id=record.id))
            _check_mission(c, record)
            self._write(c, record, insert=True)
            audit.append(c, self._actor, "record.create", record.TYPE, record.id)
        return record

    def create_many(self, records: list[Record]) -> None:
        """Insert a batch in one transaction (demo data, imports): all or nothing."""
        with self._db.transaction() as c:
            for record in records:
                normalise(record)
                self._check(record)
                _check_mission(c, record)
                self._write(c, record, insert=True)
            audit.append(c, self._actor, "record.create_batch", "", str(len(records)))

    def update(self, record: Record) -> Record:
        """Save a new version; ``record.version`` must be the version it was based on."""
        with self._db.transaction() as c:
            self.update_in(c, record)
        return record

    def update_in(self, c: Any, record: Record) -> None:
        """``update`` inside the caller's transaction (e.g. with the attachment it links)."""
        normalise(record)
        row = c.execute("SELECT type, version, deleted, created_at, body FROM records"
                        " WHERE id = ?", (record.id,)).fetchone()
        if row is None or row[2]:
            raise NotFound(record.id)
        if row[0] != record.TYPE:
            raise Conflict(_("The record type cannot change."))
        if row[1] != record.version:
            raise Conflict(_(
                "The record changed since this copy was read (stored version {stored}, "
                "this copy {given}). Get it again and reapply the change.").format(
                stored=row[1], given=record.version))
        record.version = row[1] + 1
        record.created_at = row[3]
        record.updated_at = max(utc_now(), record.created_at)
        if not record.author:
            record.author = json.loads(row[4]).get("author") or self._actor
        self._check(record)
        _check_mission(c, record)
        self._write(c, record, insert=False)
        c.execute("DELETE FROM drafts WHERE record_id = ?", (record.id,))
        audit.append(c, self._actor, "record.update", record.TYPE, record.id)

    def delete(self, record_id: str) -> None:
        """Leave a tombstone: id, type and a new version survive, the content does not."""
        with self._db.transaction() as c:
            row = c.execute("SELECT seq, type, deleted, body FROM records WHERE id = ?",
                            (record_id,)).fetchone()
            if row is None or row[2]:
                raise NotFound(record_id)
            seq, rtype = row[0], row[1]
            files = {a["sha256"] for a in json.loads(row[3]).get("attachments", [])}
            _tombstone(c, seq, None)
            c.execute("DELETE FROM drafts WHERE record_id = ?", (record_id,))
            drop_unreferenced_attachments(c, files)
            audit.append(c, self._actor, "record.delete", rtype, record_id)

    def purge_received(self, versions: list[tuple[str, int]]) -> list[str]:
        """Data minimisation after HQ's receipt: drop the local content of records whose
        current version HQ holds. A purged row (deleted = 2) keeps id and version, so the
        record is neither shown nor exported again, nor reported to HQ as deleted."""
        purged = []
        files: set[str] = set()
        with self._db.transaction() as c:
            for record_id, version in versions:
                row = c.execute("SELECT seq, type, body FROM records WHERE id = ? AND"
                                " version = ? AND deleted = 0", (record_id, version)).fetchone()
                if row is None:
                    continue  # edited since: the newer version still has to reach HQ
                files.update(a["sha256"] for a in json.loads(row[2]).get("attachments", []))
                _unindex(c, row[0])
                c.execute("UPDATE records SET deleted = 2, body = '{}', title = '',"
                          " country = NULL, region = NULL, event_date = NULL,"
                          " risk_level = NULL, case_status = NULL, urgency = NULL, flagged = 0"
                          " WHERE seq = ?", (row[0],))
                c.execute("DELETE FROM drafts WHERE record_id = ?", (record_id,))
                audit.append(c, self._actor, "record.purge_after_receipt", row[1], record_id)
                purged.append(record_id)
            drop_unreferenced_attachments(c, files)
        return purged

    def refresh_derived(self) -> int:
        """Recompute the derived columns of every live record (after their definition
        changed between versions); the record bodies are untouched."""
        done = 0
        with self._db.transaction() as c:
            for seq, body in c.execute("SELECT seq, body FROM records WHERE deleted = 0"
                                       ).fetchall():
                record = decode(body)
                title = indexing.columns(record)["title"]
                c.execute("UPDATE records SET title = ? WHERE seq = ?", (title, seq))
                c.execute("UPDATE records_fts SET title = ? WHERE rowid = ?", (title, seq))
                c.execute("DELETE FROM records_cjk WHERE rowid = ?", (seq,))
                grams = indexing.cjk_bigrams(title + "\n" + indexing.search_text(record))
                if grams:
                    c.execute("INSERT INTO records_cjk (rowid, grams) VALUES (?, ?)",
                              (seq, grams))
                done += 1
        return done

    def upsert_in(self, c: Any, record: Record, *, validated: bool = False) -> str:
        """Inside the caller's transaction (HQ import): write ``record`` unless a newer
        version is already here. Returns 'new', 'updated' or 'older'."""
        normalise(record)
        if not validated:
            self._check(record)
        row = c.execute("SELECT version, deleted, type FROM records WHERE id = ?",
                        (record.id,)).fetchone()
        if row is not None and row[2] != record.TYPE:
            raise Conflict(_("Record {id} would change from {old} to {new}; a record's type "
                             "never changes.").format(id=record.id,
                                                       old=RECORD_TYPE.label(row[2]),
                                                       new=RECORD_TYPE.label(record.TYPE)))
        if row is None:
            self._write(c, record, insert=True)
            return "new"
        if row[0] >= record.version:
            return "older"
        if row[1]:
            c.execute("UPDATE records SET deleted = 0 WHERE id = ?", (record.id,))
        self._write(c, record, insert=False)
        return "updated"

    def tombstone_in(self, c: Any, record_id: str, record_type: str, version: int) -> str:
        """Inside the caller's transaction: a deletion that arrived from a device."""
        row = c.execute("SELECT seq, version FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is not None and row[1] >= version:
            return "older"
        if row is None:
            c.execute("INSERT INTO records (id, type, version, status, created_at, updated_at,"
                      " deleted, body) VALUES (?, ?, ?, 'final', ?, ?, 1, '{}')",
                      (record_id, record_type, version, utc_now(), utc_now()))
            return "new"
        _tombstone(c, row[0], version)
        return "updated"

    def _check(self, record: Record) -> None:
        errors = validate(record)
        if errors:
            raise RecordInvalid(errors)

    def _write(self, c: Any, record: Record, *, insert: bool) -> None:
        cols = indexing.columns(record)
        values = (record.TYPE, record.version, record.mission_id, record.status, cols["title"],
                  cols["country"], cols["region"], cols["event_date"], cols["risk_level"],
                  cols["case_status"], cols["urgency"], cols["flagged"], record.created_at,
                  record.updated_at, codec.dumps(record))
        if insert:
            seq = c.execute(
                "INSERT INTO records (type, version, mission_id, status, title, country, region,"
                " event_date, risk_level, case_status, urgency, flagged, created_at, updated_at,"
                " body, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, record.id)).lastrowid
        else:
            seq = c.execute("SELECT seq FROM records WHERE id = ?", (record.id,)).fetchone()[0]
            c.execute(
                "UPDATE records SET type = ?, version = ?, mission_id = ?, status = ?, title = ?,"
                " country = ?, region = ?, event_date = ?, risk_level = ?, case_status = ?,"
                " urgency = ?, flagged = ?, created_at = ?, updated_at = ?, body = ?"
                " WHERE seq = ?", (*values, seq))
            _unindex(c, seq)
        text = indexing.search_text(record)
        c.execute("INSERT INTO records_fts (rowid, title, text) VALUES (?, ?, ?)",
                  (seq, cols["title"], text))
        grams = indexing.cjk_bigrams(cols["title"] + "\n" + text)
        if grams:
            c.execute("INSERT INTO records_cjk (rowid, grams) VALUES (?, ?)", (seq, grams))
        c.executemany("INSERT INTO record_terms (vocab, code, record_seq) VALUES (?, ?, ?)",
                      [(v, code, seq) for v, code in indexing.terms(record)])

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

    # -- drafts --------------------------------------------------------------------------
    def save_draft(self, record: Record) -> None:
        with self._db.transaction() as c:
            c.execute("INSERT OR REPLACE INTO drafts (record_id, type, body, saved_at)"
                      " VALUES (?, ?, ?, ?)", (record.id, record.TYPE, codec.dumps(record),
                                               utc_now()))

    def drafts(self) -> list[Record]:
        return [decode(row[0]) for row in
                self._db.query("SELECT body FROM drafts ORDER BY saved_at DESC")]

    def draft(self, record_id: str) -> Record | None:
        rows = self._db.query("SELECT body FROM drafts WHERE record_id = ?", (record_id,))
        return decode(rows[0][0]) if rows else None

    def discard_draft(self, record_id: str) -> None:
        with self._db.transaction() as c:
            c.execute("DELETE FROM drafts WHERE record_id = ?", (record_id,))


def decode(body: str) -> Record:
    """Decode a stored body; stored records were validated on the way in."""
    return codec.from_trusted(json.loads(body))
