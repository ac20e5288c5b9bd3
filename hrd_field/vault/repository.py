"""Records in the vault: create, update (versioned), tombstone, drafts; reads come from
:class:`.queries.RecordReader`."""

from __future__ import annotations

import json
from typing import Any

from ..core import codec, indexing
from ..core.casework import HQ_RECORD_TYPES
from ..core.errors import FieldError, RecordInvalid, UserError
from ..core.i18n import _
from ..core.linking import fill_persons_concerned
from ..core.records import Person, Record, ThreatReport, utc_now
from ..core.validation import normalise, resolve_review, validate
from ..core.vocab import RECORD_TYPE
from . import audit
from .database import Database
from .queries import NotFound, RecordReader, decode


class Conflict(UserError):
    pass


def check_update(stored_type: str, stored_version: int, record: Record) -> None:
    """An update must keep the type and start from the stored version (optimistic check);
    both HQ backends and the vault use it."""
    if stored_type != record.TYPE:
        raise Conflict(_("The record type cannot change."))
    if stored_version != record.version:
        raise Conflict(_(
            "The record changed since this copy was read (stored version {stored}, "
            "this copy {given}). Get it again and reapply the change.").format(
            stored=stored_version, given=record.version))


def _unindex(c: Any, seq: int) -> None:
    c.execute("DELETE FROM records_fts WHERE rowid = ?", (seq,))
    c.execute("DELETE FROM records_cjk WHERE rowid = ?", (seq,))
    c.execute("DELETE FROM records_words WHERE rowid = ?", (seq,))
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


def _fill_concerned(c: Any, record: Record, known: dict[str, str | None] | None = None) -> None:
    """Persons concerned by gender, completed from the linked people this vault holds."""
    if not isinstance(record, ThreatReport) or not record.person_ids:
        return
    genders = dict(known or {})
    wanted = [pid for pid in record.person_ids if pid not in genders]
    if wanted:
        marks = ", ".join("?" * len(wanted))
        for pid, body in c.execute(f"SELECT id, body FROM records WHERE type = 'person' AND"
                                   f" deleted = 0 AND id IN ({marks})", wanted).fetchall():
            genders[pid] = codec.stored(body).get("gender")
    fill_persons_concerned(record, genders)


def _check_mission(c: Any, record: Record) -> None:
    if record.mission_id is None:
        return
    row = c.execute("SELECT type, deleted FROM records WHERE id = ?",
                    (record.mission_id,)).fetchone()
    if row is None or row[0] != "mission" or row[1]:
        raise RecordInvalid([FieldError("mission_id", _("no mission with this id in this vault"))])


_COLUMNS = ("type, version, mission_id, status, title, country, region, event_date, risk_level,"
            " case_status, urgency, flagged, created_at, updated_at, body, id")
_MARKS = ", ".join("?" * 16)


def _columns(record: Record, body: str) -> tuple[Any, ...]:
    """The values of ``_COLUMNS`` for a record and its canonical JSON body."""
    cols = indexing.columns(record)
    return (record.TYPE, record.version, record.mission_id, record.status, cols["title"],
            cols["country"], cols["region"], cols["event_date"], cols["risk_level"],
            cols["case_status"], cols["urgency"], cols["flagged"], record.created_at,
            record.updated_at, body, record.id)


class _Index:
    """The search-index and vocabulary rows of records, written in a few statements."""

    def __init__(self) -> None:
        self.text: list[tuple[int, str, str]] = []
        self.cjk: list[tuple[int, str]] = []
        self.terms: list[tuple[str, str, int]] = []

    def add(self, seq: int, record: Record, title: str) -> _Index:
        text = indexing.search_text(record)
        self.text.append((seq, title, text))
        grams = indexing.cjk_bigrams(title + "\n" + text)
        if grams:
            self.cjk.append((seq, grams))
        self.terms.extend((v, code, seq) for v, code in indexing.terms(record))
        return self

    def write(self, c: Any) -> None:
        c.executemany("INSERT INTO records_fts (rowid, title, text) VALUES (?, ?, ?)",
                      self.text)
        c.executemany("INSERT INTO records_words (rowid, title, text) VALUES (?, ?, ?)",
                      self.text)
        if self.cjk:
            c.executemany("INSERT INTO records_cjk (rowid, grams) VALUES (?, ?)", self.cjk)
        if self.terms:
            # in key order: the B-tree takes them as appends rather than random inserts
            self.terms.sort()
            c.executemany("INSERT INTO record_terms (vocab, code, record_seq) VALUES"
                          " (?, ?, ?)", self.terms)


class RecordStore(RecordReader):
    def __init__(self, db: Database, actor: str):
        super().__init__(db)
        self._actor = actor
        self._hq: bool | None = None

    def _at_hq(self) -> bool:
        if not self._hq:  # a store becomes HQ's right after creation; never the reverse
            rows = self._db.query("SELECT value FROM meta WHERE key = 'role'")
            self._hq = bool(rows) and rows[0][0] == "hq"
        return self._hq

    # -- writes --------------------------------------------------------------------------
    def create(self, record: Record, *, keep_timestamps: bool = False) -> Record:
        normalise(record)
        if not keep_timestamps:
            record.created_at = record.updated_at = utc_now()
            record.version = 1
        if not record.author:
            record.author = self._actor
        with self._db.transaction() as c:
            _fill_concerned(c, record)
            self._check(record)
            if c.execute("SELECT 1 FROM records WHERE id = ?", (record.id,)).fetchone():
                raise Conflict(_("A record with id {id} already exists.").format(id=record.id))
            _check_mission(c, record)
            self._write(c, record, insert=True)
            audit.append(c, self._actor, "record.create", record.TYPE, record.id)
        return record

    def create_many(self, records: list[Record]) -> None:
        """Insert a batch in one transaction (demo data, imports): all or nothing."""
        genders = {r.id: r.gender for r in records if isinstance(r, Person)}
        with self._db.transaction() as c:
            rows = []
            missions: set[str] = set()  # of this batch, written with it below
            for record in records:
                normalise(record)
                _fill_concerned(c, record, genders)
                self._check(record)
                if record.mission_id not in missions:
                    _check_mission(c, record)
                if record.TYPE == "mission":
                    missions.add(record.id)
                rows.append((record, codec.dumps(record)))
            self.insert_many_in(c, rows)
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
        check_update(row[0], row[1], record)
        record.version = row[1] + 1
        record.created_at = row[3]
        record.updated_at = max(utc_now(), record.created_at)
        if not record.author:
            record.author = json.loads(row[4]).get("author") or self._actor
        _fill_concerned(c, record)
        resolve_review(record)
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
                c.execute("DELETE FROM records_words WHERE rowid = ?", (seq,))
                c.execute("INSERT INTO records_words (rowid, title, text) SELECT rowid, title,"
                          " text FROM records_fts WHERE rowid = ?", (seq,))
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

    def present_in(self, c: Any, record_ids: list[str]) -> set[str]:
        """The ids among ``record_ids`` that have a row here (live or tombstone)."""
        found: set[str] = set()
        unique = sorted(set(record_ids))
        for start in range(0, len(unique), 400):
            chunk = unique[start:start + 400]
            found.update(r[0] for r in c.execute(
                f"SELECT id FROM records WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

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
        if record.TYPE in HQ_RECORD_TYPES and not self._at_hq():
            raise UserError(_("A {type} is kept at headquarters only, in the HQ store; this "
                              "is a field vault.").format(type=RECORD_TYPE.label(record.TYPE)))
        errors = validate(record)
        if errors:
            raise RecordInvalid(errors)

    def _write(self, c: Any, record: Record, *, insert: bool) -> None:
        values = _columns(record, codec.dumps(record))
        if insert:
            seq = c.execute(
                f"INSERT INTO records ({_COLUMNS}) VALUES ({_MARKS})", values).lastrowid
        else:
            seq = c.execute("SELECT seq FROM records WHERE id = ?", (record.id,)).fetchone()[0]
            c.execute(
                "UPDATE records SET type = ?, version = ?, mission_id = ?, status = ?, title = ?,"
                " country = ?, region = ?, event_date = ?, risk_level = ?, case_status = ?,"
                " urgency = ?, flagged = ?, created_at = ?, updated_at = ?, body = ?"
                " WHERE seq = ?", (*values[:-1], seq))
            _unindex(c, seq)
        _Index().add(seq, record, values[4]).write(c)

    def insert_many_in(self, c: Any, rows: list[tuple[Record, str]]) -> None:
        """Inside the caller's transaction (bulk writes, HQ imports): insert new records,
        each with its canonical JSON body, with one statement per table for the whole batch
        (the search indexes are filled in the same transaction: a record is found at once)."""
        if not rows:
            return
        # Explicit row numbers, above any ever used (AUTOINCREMENT's rule): the index rows
        # need them, and executemany has no lastrowid per row. The caller's transaction
        # holds the write lock, so nobody else takes these numbers.
        top = c.execute("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE"
                        " name = 'records'), 0), coalesce((SELECT max(seq) FROM records),"
                        " 0))").fetchone()[0]
        index = _Index()
        values = []
        for seq, (record, body) in enumerate(rows, start=int(top) + 1):
            row = _columns(record, body)
            values.append((*row, seq))
            index.add(seq, record, row[4])
        c.executemany(f"INSERT INTO records ({_COLUMNS}, seq) VALUES ({_MARKS}, ?)", values)
        index.write(c)

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
