"""A bundle's versions written at once (``ImportTransaction.store_many``): the versions HQ
holds and the current rows are read with one query each, the rows the bundle creates are
reserved with one statement, and every write is one pipelined ``executemany`` per table,
instead of several round trips per record."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from ...core import codec, indexing, linking
from ...core.i18n import _
from ...core.records import Record, utc_now
from ...core.validation import normalise
from ...core.vocab import RECORD_TYPE
from ...vault.hq_tables import Incoming
from ...vault.repository import Conflict
from .records import TOMBSTONE_ROW, SealedRecords

Alarm = Callable[[str, str, "int | None", str], None]


def store_many(repo: SealedRecords, conn: Any, items: list[Incoming], *, device_key: str,
               bundle_id: str, seq: int, alarm: Alarm) -> list[str]:
    """Keep these versions in order (see ``ImportTransaction.store_many``). A record the
    bundle carries twice takes the one-record path after what is pending is written."""
    now = utc_now()
    prepared = [_prepare(repo, item) for item in items]
    held = _held_fingerprints(conn, [(i.id, i.version) for i in items])
    first: dict[str, tuple[Incoming, str]] = {}
    for item, (body, _fingerprint, _scope) in zip(items, prepared, strict=True):
        first.setdefault(item.id, (item, body))

    def whole_row(record_id: str) -> tuple[Any, ...] | None:
        """The row a record HQ does not hold starts as (its first version in the bundle),
        so that it is written once instead of reserved, then updated."""
        item, body = first[record_id]
        if item.record is None or (record_id, item.version) in held:
            return None
        if item.current is not None:
            normalise(item.current)
            return repo.row_values(item.current)
        return repo.row_values(item.record, body)

    state, whole = _lock_or_reserve(conn, items, now, whole_row)
    versions: list[tuple[Any, ...]] = []
    owners: list[tuple[str, str, str, str | None]] = []
    pending = _Pending()
    seen: set[str] = set()
    results: list[str] = []
    for item, (body, fingerprint, scope) in zip(items, prepared, strict=True):
        key = (item.id, item.version)
        if key in held:
            if item.record is not None and held[key] != fingerprint:
                alarm("version_conflict", device_key, seq,
                      f"record {item.id} version {item.version} differs")
            results.append("known")
            continue
        held[key] = fingerprint
        versions.append((item.id, item.version, item.type, device_key, bundle_id, seq, scope,
                         fingerprint,
                         repo.sealer.seal(body.encode(), f"version:{item.id}:{item.version}"),
                         now))
        owners.append((item.id, device_key, item.type, item.mission_id))
        if item.id in seen:  # the bundle carries this record twice
            pending.write(repo, conn)
            results.append(repo.upsert(conn, item.current or item.record)
                           if item.record is not None
                           else repo.tombstone(conn, item.id, item.type, item.version))
            continue
        seen.add(item.id)
        row = state.get(item.id)  # None: a row this import wrote or reserved
        if row is None and item.id in whole:
            pending.terms_only.append(item.current or item.record)  # type: ignore[arg-type]
            results.append("new")
            continue
        if item.record is not None and row is not None and row[2] != item.record.TYPE:
            raise Conflict(_("Record {id} would change from {old} to {new}; a record's "
                             "type never changes.").format(
                id=item.id, old=RECORD_TYPE.label(row[2]),
                new=RECORD_TYPE.label(item.record.TYPE)))
        if row is not None and row[0] >= item.version:
            results.append("older")
            continue
        if item.record is None:
            pending.tombstones.append((item.id, item.version))
        elif item.current is not None:
            normalise(item.current)
            pending.records.append((item.current, None))
        else:
            pending.records.append((item.record, body))
        results.append("new" if row is None else "updated")
    pending.write(repo, conn)
    _copy(conn, "hq_versions (record_id, version, type, device_key, bundle_id, seq,"
          " consent_scope, body_fingerprint, sealed, received_at)", versions)
    if owners:
        # the first device to send a record owns it (later claims change nothing)
        conn.execute("INSERT INTO hq_owners (record_id, device_key, type, mission_id) SELECT"
                     " * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[])"
                     " ON CONFLICT DO NOTHING", _columns(owners))
    return results


def _copy(conn: Any, target: str, rows: list[tuple[Any, ...]]) -> None:
    """New rows with one COPY: a statement per row, even pipelined, cost more in the
    client library than the server spent storing them."""
    if not rows:
        return
    with conn.cursor() as cur, cur.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_texts(conn: Any, target: str, rows: Sequence[tuple[str, ...]]) -> None:
    """``_copy`` for rows of text only (the terms: ~14 a record), as one block in COPY's
    text format: a Python call per row was most of the client's time for them."""
    if not rows:
        return
    block = "".join("\t".join(value.translate(_COPY_ESCAPES) for value in row) + "\n"
                    for row in rows)
    with conn.cursor() as cur, cur.copy(f"COPY {target} FROM STDIN") as copy:
        copy.write(block.encode("utf-8"))


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
"""What COPY's text format escapes in a value (no value here is NULL)."""


def _columns(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """Rows turned into one list per column, for ``unnest`` of array parameters."""
    return [list(column) for column in zip(*rows, strict=True)]


def _prepare(repo: SealedRecords, item: Incoming) -> tuple[str, str, str | None]:
    """(canonical body, fingerprint, consent scope JSON) of an incoming version."""
    if item.record is None:
        return "{}", repo.sealer.fingerprint(b"{}"), None
    plain = codec.to_dict(item.record)
    consent = plain.get("consent")
    scope = json.dumps(consent.get("scope")) if isinstance(consent, dict) else None
    # a version sent again is compared without its link fields (stub references are new on
    # each export): core.linking.comparable
    body = codec.canonical(plain)
    # only threats carry link fields: for every other record the two texts are one
    comparable = codec.canonical(linking.comparable(plain)) \
        if any(k in plain for k in linking.LINK_FIELDS) else body
    return body, repo.sealer.fingerprint(comparable.encode()), scope


def _held_fingerprints(conn: Any, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    if not keys:
        return {}
    rows = conn.execute(
        "SELECT v.record_id, v.version, v.body_fingerprint FROM hq_versions v JOIN"
        " unnest(%s::text[], %s::int[]) AS k(record_id, version) ON"
        " v.record_id = k.record_id AND v.version = k.version",
        ([k[0] for k in keys], [k[1] for k in keys])).fetchall()
    return {(str(r[0]), int(r[1])): str(r[2]) for r in rows}


def _lock_or_reserve(conn: Any, items: list[Incoming], now: str,
                     whole_row: Callable[[str], tuple[Any, ...] | None]
                     ) -> tuple[dict[str, tuple[int, int, str]], set[str]]:
    """(version, deleted, type) of the records HQ holds among ``items``, locked in id order
    (two imports never wait on each other crosswise), and the ids of the records this
    import wrote whole (``whole_row``); the others get a placeholder row this transaction
    overwrites, so that two imports creating the same record take turns (as
    ``SealedRecords._reserve`` does for one)."""
    first_type: dict[str, str] = {}
    for item in items:
        first_type.setdefault(item.id, item.type)
    ids = sorted(first_type)
    state = _locked(conn, ids)
    missing = [i for i in ids if i not in state]
    rows = {i: whole_row(i) for i in missing}
    whole = [row for row in rows.values() if row is not None]
    written = _insert_whole(conn, whole)
    placeholders = [i for i in missing if rows[i] is None]
    reserved = set(written)
    if placeholders:
        reserved |= {str(r[0]) for r in conn.execute(
            "INSERT INTO hq_records (id, type, version, deleted, status, created_at,"
            " updated_at, sealed) SELECT k.id, k.type, 0, 1, 'final', %s, %s, ''"
            " FROM unnest(%s::text[], %s::text[]) AS k(id, type) ON CONFLICT (id) DO NOTHING"
            " RETURNING id", (now, now, placeholders,
                              [first_type[i] for i in placeholders])).fetchall()}
    raced = [i for i in missing if i not in reserved]
    if raced:  # another import created them meanwhile (it has committed by now)
        state.update(_locked(conn, raced))
    return state, written


def _insert_whole(conn: Any, rows: list[tuple[Any, ...]]) -> set[str]:
    """Insert these rows (in id order) unless another import created some of them
    meanwhile; the ids inserted. The rows reach the server with one COPY into a session's
    temporary table (a third of the time of arrays of sealed bodies; COPY cannot go into
    hq_records itself, which has row security), then one INSERT … ON CONFLICT takes them.
    Where temporary tables are not allowed, the arrays."""
    if not rows:
        return set()
    try:
        with conn.transaction():
            conn.execute(_STAGING)
            _copy(conn, f"hq_import_rows ({ROW_COLUMNS})", rows)
            inserted = conn.execute(INSERT_STAGED).fetchall()
            conn.execute("DELETE FROM hq_import_rows")
    except psycopg.errors.InsufficientPrivilege:
        inserted = conn.execute(INSERT_ROWS, _columns(rows)).fetchall()
    return {str(r[0]) for r in inserted}


_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS hq_import_rows (type text, version integer,"
    " mission_id text, status text, country text, region text, event_date text,"
    " risk_level text, case_status text, urgency text, flagged smallint, created_at text,"
    " updated_at text, sealed bytea, id text) ON COMMIT DELETE ROWS")


def _locked(conn: Any, ids: list[str]) -> dict[str, tuple[int, int, str]]:
    if not ids:
        return {}
    return {str(r[0]): (int(r[1]), int(r[2]), str(r[3])) for r in conn.execute(
        "SELECT id, version, deleted, type FROM hq_records WHERE id = ANY(%s) ORDER BY id"
        " FOR UPDATE", (ids,)).fetchall()}


@dataclass
class _Pending:
    """Current-row writes of one bundle, sent as one pipelined executemany per statement."""

    records: list[tuple[Record, str | None]] = field(default_factory=list)
    """(record, its canonical body when already made)"""
    tombstones: list[tuple[str, int]] = field(default_factory=list)
    terms_only: list[Record] = field(default_factory=list)
    """records whose row is written already (new at HQ): only their terms"""

    def write(self, repo: SealedRecords, conn: Any) -> None:
        if self.terms_only:
            _copy_texts(conn, "hq_record_terms (record_id, vocab, code)", sorted(
                (r.id, vocab, code) for r in self.terms_only
                for vocab, code in indexing.terms(r)))
            self.terms_only.clear()
        if self.records:
            rows = [repo.row_values(r, body) for r, body in self.records]
            terms = sorted((r.id, vocab, code) for r, _body in self.records
                           for vocab, code in indexing.terms(r))
            conn.execute("DELETE FROM hq_record_terms WHERE record_id = ANY(%s)",
                         ([r.id for r, _body in self.records],))
            # one statement for the rows (no record twice here: see store_many)
            conn.execute(UPDATE_ROWS, _columns(rows))
            _copy_texts(conn, "hq_record_terms (record_id, vocab, code)", terms)
        if self.tombstones:
            now = utc_now()
            conn.execute("DELETE FROM hq_record_terms WHERE record_id = ANY(%s)",
                         ([rid for rid, _v in self.tombstones],))
            with conn.cursor() as cur:
                cur.executemany(TOMBSTONE_ROW, [
                    (version, now, repo.sealer.seal(b"{}", f"record:{rid}:{version}"), rid)
                    for rid, version in self.tombstones])
        self.records.clear()
        self.tombstones.clear()


ROW_COLUMNS = ("type, version, mission_id, status, country, region, event_date, risk_level,"
               " case_status, urgency, flagged, created_at, updated_at, sealed, id")
"""The columns of ``SealedRecords.row_values``, in order (the arrays below follow them)."""
INSERT_ROWS = (
    "INSERT INTO hq_records (type, version, mission_id, status, country, region, event_date,"
    " risk_level, case_status, urgency, flagged, created_at, updated_at, sealed, id) SELECT"
    " * FROM unnest(%s::text[], %s::int[], %s::text[], %s::text[], %s::text[], %s::text[],"
    " %s::text[], %s::text[], %s::text[], %s::text[], %s::smallint[], %s::text[], %s::text[],"
    " %s::bytea[], %s::text[]) ON CONFLICT (id) DO NOTHING RETURNING id")
INSERT_STAGED = (
    "INSERT INTO hq_records (type, version, mission_id, status, country, region, event_date,"
    " risk_level, case_status, urgency, flagged, created_at, updated_at, sealed, id) SELECT"
    " type, version, mission_id, status, country, region, event_date, risk_level,"
    " case_status, urgency, flagged, created_at, updated_at, sealed, id FROM hq_import_rows"
    " ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id")
UPDATE_ROWS = (
    "UPDATE hq_records r SET type = k.type, version = k.version, mission_id = k.mission_id,"
    " status = k.status, country = k.country, region = k.region, event_date = k.event_date,"
    " risk_level = k.risk_level, case_status = k.case_status, urgency = k.urgency,"
    " flagged = k.flagged, created_at = k.created_at, updated_at = k.updated_at,"
    " sealed = k.sealed, deleted = 0 FROM unnest(%s::text[], %s::int[], %s::text[],"
    " %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],"
    " %s::smallint[], %s::text[], %s::text[], %s::bytea[], %s::text[]) AS k(type, version,"
    " mission_id, status, country, region, event_date, risk_level, case_status, urgency,"
    " flagged, created_at, updated_at, sealed, id) WHERE r.id = k.id")
"""``records.UPDATE_ROW`` for many rows at once: the columns of ``row_values``, in order."""
