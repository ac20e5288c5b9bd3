"""A bundle's versions written at once (``ImportTransaction.store_many``): the versions HQ
holds and the current rows are read with one query each, the rows the bundle creates are
written whole with one COPY (straight into hq_records, or into a staging table and one
statement, see ``_insert_whole``), the versions with one COPY, instead of several round
trips per record. The COPYs are binary (a sealed value goes as it is, not as hex text to
be parsed again). The rows and sealed versions are made beforehand (``prepare``), outside
the device's import turn."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from ...core import codec, linking
from ...core.i18n import _
from ...core.records import utc_now
from ...core.validation import normalise
from ...core.vocab import RECORD_TYPE
from ...vault.hq_tables import Incoming, consent_scope_json
from ...vault.repository import Conflict
from .connection import id_list
from .records import INSERT_ROW, ROW_COLUMNS, TOMBSTONE_ROW, UPDATE_ROW, SealedRecords

Alarm = Callable[[str, str, "int | None", str], None]


@dataclass
class Prepared:
    """A bundle's versions with what storing them needs that no database holds (see
    ``ImportTransaction.prepare``); one entry per item, in order."""

    items: list[Incoming]
    made: list[tuple[str, str | None, bytes]]
    """Each version's fingerprint, consent scope and sealed body."""
    rows: list[tuple[Any, ...] | None]
    """The current row each record would have (``row_values``); None for a deletion."""


def prepare(repo: SealedRecords, items: list[Incoming]) -> Prepared:
    made: list[tuple[str, str | None, bytes]] = []
    rows: list[tuple[Any, ...] | None] = []
    for item in items:
        plain, body = item.plain()
        made.append((*_fingerprint(repo, plain, body),
                     repo.sealer.seal(body.encode(), f"version:{item.id}:{item.version}")))
        rows.append(None if item.record is None else repo.row_values(item.record, body))
    return Prepared(items, made, rows)


def store_many(repo: SealedRecords, conn: Any, prepared: Prepared, *, device_key: str,
               bundle_id: str, seq: int, alarm: Alarm) -> list[str]:
    """Keep these versions in order (see ``ImportTransaction.store_many``). A record the
    bundle carries twice takes the one-record path after what is pending is written."""
    now = utc_now()
    items = prepared.items
    first: dict[str, int] = {}  # record id → its first item in the bundle
    for n, item in enumerate(items):
        first.setdefault(item.id, n)
    state = _locked(conn, sorted(first))
    # a version HQ holds has a current row (rows are never deleted, and each version is
    # written with its row): the history of records without one is not looked up
    held = _held_fingerprints(conn, [(i.id, i.version) for i in items if i.id in state])

    def row(n: int) -> tuple[Any, ...]:
        current = items[n].current  # links resolved at HQ after ``prepare``
        if current is not None:
            normalise(current)
            return repo.row_values(current)
        found = prepared.rows[n]
        assert found is not None
        return found

    def whole(record_id: str) -> bool:
        """Whether the row of a record HQ does not hold starts as its first version in the
        bundle (written once instead of reserved, then updated)."""
        item = items[first[record_id]]
        return item.record is not None and (record_id, item.version) not in held

    written, raced = _reserve(conn, {i: items[n].type for i, n in first.items()}, state, now,
                              whole, lambda record_id: row(first[record_id]))
    if raced:  # another import created them meanwhile (it has committed by now)
        state.update(_locked(conn, raced))
        held.update(_held_fingerprints(conn, [(i.id, i.version) for i in items
                                              if i.id in raced]))
    known = set(state)  # records HQ held before this import, or another's raced in
    versions: list[tuple[Any, ...]] = []
    owners: list[tuple[str, str, str, str | None]] = []
    pending = _Pending()
    seen: set[str] = set()
    results: list[str] = []
    for n, (item, (fingerprint, scope, sealed)) in enumerate(zip(items, prepared.made,
                                                                 strict=True)):
        key = (item.id, item.version)
        if key in held:
            if item.record is not None and held[key] != fingerprint:
                alarm("version_conflict", device_key, seq,
                      f"record {item.id} version {item.version} differs")
            results.append("known")
            continue
        held[key] = fingerprint
        versions.append((item.id, item.version, item.type, device_key, bundle_id, seq, scope,
                         fingerprint, sealed, now))
        owners.append((item.id, device_key, item.type, item.mission_id))
        if item.id in seen:  # the bundle carries this record twice
            pending.write(repo, conn)
            results.append(repo.upsert(conn, item.current or item.record)
                           if item.record is not None
                           else repo.tombstone(conn, item.id, item.type, item.version))
            continue
        seen.add(item.id)
        found = state.get(item.id)  # None: a row this import wrote or reserved
        if found is None and item.id in written:
            results.append("new")
            continue
        if item.record is not None and found is not None and found[2] != item.record.TYPE:
            raise Conflict(_("Record {id} would change from {old} to {new}; a record's "
                             "type never changes.").format(
                id=item.id, old=RECORD_TYPE.label(found[2]),
                new=RECORD_TYPE.label(item.record.TYPE)))
        if found is not None and found[0] >= item.version:
            results.append("older")
            continue
        if item.record is None:
            pending.tombstones.append((item.id, item.version))
        else:
            pending.rows.append(row(n))
        results.append("new" if found is None else "updated")
    pending.write(repo, conn)
    if versions:
        _copy(conn, "hq_versions (record_id, version, type, device_key, bundle_id, seq,"
              " consent_scope, body_fingerprint, sealed, received_at)", VERSION_TYPES,
              versions)
    _own(conn, [o for o in owners if o[0] not in known],
         [o for o in owners if o[0] in known])
    return results


def _own(conn: Any, new: list[tuple[str, str, str, str | None]],
         known: list[tuple[str, str, str, str | None]]) -> None:
    """The owners of these records: the first device to send a record owns it (later claims
    change nothing). ``new``: records whose rows this import created, whose owner no other
    import can have written (it would have waited on the row), with one COPY."""
    if new:
        try:
            with conn.transaction():
                _copy(conn, "hq_owners (record_id, device_key, type, mission_id)",
                      ("text",) * 4, new)
        except psycopg.errors.UniqueViolation:
            known = known + new  # never seen; the rule holds all the same
    if known:
        conn.execute("INSERT INTO hq_owners (record_id, device_key, type, mission_id)"
                     " SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[])"
                     " ON CONFLICT DO NOTHING", _columns(known))


def _copy(conn: Any, target: str, types: Sequence[str],
          rows: Iterable[tuple[Any, ...]]) -> None:
    """New rows with one binary COPY: a statement per row, even pipelined, cost more in the
    client library than the server spent storing them."""
    with conn.cursor() as cur, cur.copy(f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _columns(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """Rows turned into one list per column, for ``unnest`` of array parameters."""
    return [list(column) for column in zip(*rows, strict=True)]


def _fingerprint(repo: SealedRecords, plain: dict[str, Any] | None,
                 body: str) -> tuple[str, str | None]:
    """(fingerprint, consent scope JSON) of an incoming version (``Incoming.plain``)."""
    if plain is None:
        return repo.sealer.fingerprint(body.encode()), None
    scope = consent_scope_json(plain)
    # a version sent again is compared without its link fields (stub references are new on
    # each export): core.linking.comparable
    # only threats carry link fields: for every other record the two texts are one
    comparable = codec.canonical(linking.comparable(plain)) \
        if any(k in plain for k in linking.LINK_FIELDS) else body
    return repo.sealer.fingerprint(comparable.encode()), scope


def _held_fingerprints(conn: Any, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    if not keys:
        return {}
    rows = conn.execute(
        "SELECT v.record_id, v.version, v.body_fingerprint FROM hq_versions v JOIN"
        " unnest(string_to_array(%s, ','), string_to_array(%s, ',')::int[])"
        " AS k(record_id, version) ON v.record_id = k.record_id AND v.version = k.version",
        (id_list(k[0] for k in keys), ",".join(str(k[1]) for k in keys))).fetchall()
    return {(str(r[0]), int(r[1])): str(r[2]) for r in rows}


def _reserve(conn: Any, first_type: dict[str, str], state: dict[str, tuple[int, int, str]],
             now: str, whole: Callable[[str], bool],
             whole_row: Callable[[str], tuple[Any, ...]]) -> tuple[set[str], list[str]]:
    """Rows for the records HQ does not hold (``state``: the rows it holds, locked in id
    order so that two imports never wait on each other crosswise): the ids this import
    wrote whole (those ``whole`` names, as ``whole_row`` makes them), and those another
    import created meanwhile. The others get a placeholder row this transaction
    overwrites, so that two imports creating the same record take turns (as
    ``SealedRecords._reserve`` does for one)."""
    missing = [i for i in sorted(first_type) if i not in state]
    written = _insert_whole(conn, [i for i in missing if whole(i)], whole_row)
    placeholders = [i for i in missing if i not in written and not whole(i)]
    reserved = set(written)
    if placeholders:
        reserved |= {str(r[0]) for r in conn.execute(
            "INSERT INTO hq_records (id, type, version, deleted, status, created_at,"
            " updated_at, sealed) SELECT k.id, k.type, 0, 1, 'final', %s, %s, ''"
            " FROM unnest(%b::text[], %b::text[]) AS k(id, type) ON CONFLICT (id) DO NOTHING"
            " RETURNING id", (now, now, placeholders,
                              [first_type[i] for i in placeholders])).fetchall()}
    return written, [i for i in missing if i not in reserved]


def _insert_whole(conn: Any, ids: list[str],
                  whole_row: Callable[[str], tuple[Any, ...]]) -> set[str]:
    """Insert the rows of these records (in id order) unless another import created some of
    them meanwhile; the ids inserted.

    The rows reach the server with one binary COPY. COPY cannot take a row another import
    has just created, nor go into hq_records where row security applies to the importing
    role (the intake's): then the rows go into a session's temporary table and one
    INSERT … ON CONFLICT takes them. Where temporary tables are not allowed either, a
    statement a row, pipelined."""
    if not ids:
        return set()
    if not conn.execute("SELECT row_security_active('hq_records')").fetchone()[0]:
        try:
            with conn.transaction():
                _copy(conn, f"hq_records ({ROW_COLUMNS})", ROW_TYPES,
                      ((*row[:-2], text_array(row[-2]), row[-1]) for row in map(whole_row, ids)))
            return set(ids)
        except psycopg.errors.UniqueViolation:
            pass  # created meanwhile by another import (it has committed)
    try:
        with conn.transaction():
            conn.execute(_STAGING)
            _copy(conn, f"hq_staged_rows ({ROW_COLUMNS})", STAGED_TYPES,
                  ((*row[:-2], " ".join(row[-2]), row[-1]) for row in map(whole_row, ids)))
            inserted = conn.execute(INSERT_STAGED).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        with conn.cursor() as cur:
            cur.executemany(INSERT_ROW + " ON CONFLICT (id) DO NOTHING RETURNING id",
                            [whole_row(i) for i in ids], returning=True)
            inserted = []
            while True:
                inserted += cur.fetchall()
                if not cur.nextset():
                    break
    return {str(r[0]) for r in inserted}


_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS hq_staged_rows (type text, version integer,"
    " mission_id text, status text, country text, region text, event_date text,"
    " risk_level text, case_status text, urgency text, flagged smallint, created_at text,"
    " updated_at text, sealed bytea, terms text, id text) ON COMMIT DELETE ROWS")
"""Rows on their way into hq_records. The terms travel as one text, separated by spaces
(a vocabulary's codes never hold one): an array is formatted by a Python call per item."""


def _locked(conn: Any, ids: list[str]) -> dict[str, tuple[int, int, str]]:
    if not ids:
        return {}
    return {str(r[0]): (int(r[1]), int(r[2]), str(r[3])) for r in conn.execute(
        "SELECT id, version, deleted, type FROM hq_records WHERE"
        " id = ANY(string_to_array(%s, ',')) ORDER BY id FOR UPDATE", (id_list(ids),)
    ).fetchall()}


@dataclass
class _Pending:
    """Current-row writes of one bundle to records HQ held before it, sent together."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    """``row_values`` of each record"""
    tombstones: list[tuple[str, int]] = field(default_factory=list)

    def write(self, repo: SealedRecords, conn: Any) -> None:
        with conn.cursor() as cur:
            if self.rows:  # no record twice here: see store_many
                cur.executemany(UPDATE_ROW, self.rows)
            if self.tombstones:
                now = utc_now()
                cur.executemany(TOMBSTONE_ROW, [
                    (version, now, repo.sealer.seal(b"{}", f"record:{rid}:{version}"), rid)
                    for rid, version in self.tombstones])
        self.rows.clear()
        self.tombstones.clear()


_ARRAY = struct.Struct("!iiIii")
_LENGTH = struct.Struct("!i")
_TEXT_OID = 25


def text_array(items: list[str]) -> bytes:
    """A text[] in PostgreSQL's binary form (dimensions, no nulls, element type, length and
    lower bound, then each element's length and UTF-8), sent as bytes for the server to
    read as the column's type: psycopg formats an array with a Python call per element.
    The terms are few (a vocabulary's codes): each one's bytes are made once."""
    if not items:
        return _ARRAY.pack(0, 0, _TEXT_OID, 0, 0)[:12]
    parts = [_ARRAY.pack(1, 0, _TEXT_OID, len(items), 1)]
    for item in items:
        element = _ELEMENTS.get(item)
        if element is None:
            data = item.encode()
            element = _LENGTH.pack(len(data)) + data
            if len(_ELEMENTS) < 4096:  # a vocabulary's codes; anything else is not kept
                _ELEMENTS[item] = element
        parts.append(element)
    return b"".join(parts)


_ELEMENTS: dict[str, bytes] = {}
"""A term's length and UTF-8, as ``text_array`` writes it."""


ROW_TYPES = ("text", "int4", "text", "text", "text", "text", "text", "text", "text", "text",
             "int2", "text", "text", "bytea", "bytea", "text")
"""The types of ``ROW_COLUMNS`` for binary COPY into hq_records; the terms go as
``text_array`` bytes."""
STAGED_TYPES = ("text", "int4", "text", "text", "text", "text", "text", "text", "text",
                "text", "int2", "text", "text", "bytea", "text", "text")
"""The types of ``ROW_COLUMNS`` in the staging table, in order, for binary COPY."""
VERSION_TYPES = ("text", "int4", "text", "text", "text", "int8", "text", "text", "bytea",
                 "text")
INSERT_STAGED = (
    "INSERT INTO hq_records (type, version, mission_id, status, country, region, event_date,"
    " risk_level, case_status, urgency, flagged, created_at, updated_at, sealed, terms, id)"
    " SELECT type, version, mission_id, status, country, region, event_date, risk_level,"
    " case_status, urgency, flagged, created_at, updated_at, sealed,"
    " string_to_array(terms, ' '), id FROM hq_staged_rows ORDER BY id"
    " ON CONFLICT (id) DO NOTHING RETURNING id")
