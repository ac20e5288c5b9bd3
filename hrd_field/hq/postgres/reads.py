"""Reading records: one record or one version, pages and counts under filters, text
search over the sealed text of the candidate rows (opened in this process), provenance."""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Iterator
from typing import Any

from ...core import codec
from ...core.errors import UserError
from ...core.i18n import _
from ...core.records import Record
from ...vault.hq_tables import Provenance
from ...vault.queries import (
    MAX_PAGE,
    SORTABLE,
    Filters,
    Hit,
    NotFound,
    ReportRecord,
    Row,
    filter_sql,
)
from ...vault.queries import _snippet as snippet
from .connection import scalar
from .records import TERMS_AS_TABLE, SealedRecords

_CODES = (f"(SELECT string_agg(t.code, ',' ORDER BY t.code) FROM {TERMS_AS_TABLE} t"  # noqa: S608
          " WHERE t.vocab = CASE r.type WHEN 'consultation' THEN 'consultation_format' ELSE"
          " 'threat_type' END)")
_ROW_COLUMNS = ("r.id, r.type, r.sealed, r.version, r.status, r.country, r.region,"
                " r.event_date, r.risk_level, r.case_status, r.flagged, r.updated_at,"
                " r.mission_id, " + _CODES)


_IN_ORDER = ("SELECT {columns} FROM unnest(%s::text[]) WITH ORDINALITY AS o(id, at)"
             " JOIN hq_records r ON r.id = o.id ORDER BY {order} LIMIT %s OFFSET %s")
"""Rows of a list of ids, in its order (``o.at``) or another."""
KEPT_SEARCHES = 8
"""Searches whose matching ids a repository keeps (ids only: no record text)."""
_SEARCHES_LOCK = threading.Lock()


def _where(filters: Filters) -> tuple[str, list[Any]]:
    """``filter_sql``'s clauses, its coded filters as containment in the row's ``terms``
    (what their GIN index serves; an EXISTS over each candidate's unnested terms made a
    filtered count three times slower than over the old table of terms)."""
    where, params = filter_sql(dataclasses.replace(filters, terms={}), mark="%s",
                               terms=TERMS_AS_TABLE, term_link="true")
    for vocab, code in sorted(filters.terms.items()):
        where += " AND r.terms @> %s"
        params.append([f"{vocab}:{code}"])
    return where, params


class RecordReads(SealedRecords):
    def get(self, record_id: str) -> Record:
        with self._conn() as conn:
            row = conn.execute("SELECT version, deleted, sealed FROM hq_records WHERE"
                               " id = %s", (record_id,)).fetchone()
        if row is None or row[1]:
            raise NotFound(record_id)
        return codec.from_trusted(codec.stored(self._open_record(record_id, row[0],
                                                               row[2])["body"]))

    def _row(self, r: Any) -> Row:
        title = self._open_record(r[0], r[3], r[2])["title"]
        return Row(r[0], r[1], title, r[3], r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10]),
                   r[11], r[12], tuple(r[13].split(",")) if r[13] else ())

    def _matches(self, conn: Any, filters: Filters, text: str) -> list[str]:
        """Ids of every live row matching the filters whose sealed text contains every word
        of ``text``, newest first.

        The text is sealed, so each search opens every candidate here. A list shows a search
        as a count, then pages as the person scrolls, each asking again: the ids are kept
        for the same search until any record is added, changed or deleted (their number,
        versions and newest change say so), so that only the first asking pays."""
        where, params = _where(filters)
        words = tuple(w.lower() for w in re.split(r"\s+", text.strip()) if w)
        stamp = tuple(conn.execute("SELECT count(*), coalesce(sum(version), 0),"
                                   " max(updated_at) FROM hq_records").fetchone())
        key = (repr(filters), words)
        with _SEARCHES_LOCK:
            kept = self._searches.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        found = []
        with conn.cursor(name="search") as cursor:  # streamed: sealed rows add up
            cursor.itersize = 2000
            cursor.execute(f"SELECT r.id, r.version, r.sealed FROM hq_records r WHERE {where}"  # noqa: S608
                           " ORDER BY r.updated_at DESC, r.id", params)
            for id_, version, sealed in cursor:
                opened = self._open_record(id_, version, sealed)
                haystack = (opened["title"] + "\n" + opened["text"]).lower()
                if all(w in haystack for w in words):
                    found.append(id_)
        with _SEARCHES_LOCK:
            self._searches[key] = (stamp, found)
            while len(self._searches) > KEPT_SEARCHES:
                del self._searches[next(iter(self._searches))]
        return found

    @property
    def _searches(self) -> dict[tuple[str, tuple[str, ...]], tuple[Any, list[str]]]:
        """(filters, words) → (the store's stamp then, matching ids), oldest first."""
        kept: dict[tuple[str, tuple[str, ...]], tuple[Any, list[str]]]
        kept = self.__dict__.setdefault("_kept_searches", {})
        return kept

    def _rows_of(self, conn: Any, ids: list[str], order: str = "o.at",
                 limit: int | None = None, offset: int = 0) -> list[Row]:
        """Rows of ``ids``, in their order unless ``order`` says another."""
        sql = _IN_ORDER.format(columns=_ROW_COLUMNS, order=order)
        return [self._row(r) for r in conn.execute(sql, (ids, limit, offset)).fetchall()]

    def rows(self, filters: Filters | None = None, *, text: str = "",
             order_by: str = "updated_at", descending: bool = True, limit: int = 100,
             offset: int = 0, every_match: bool = False) -> list[Row]:
        """A page of rows; a search here always holds every match (``every_match``: no
        cap to lift, unlike the embedded store's)."""
        if order_by not in SORTABLE:
            raise UserError(_("Cannot sort by {column}.").format(column=order_by))
        limit, offset = min(limit, MAX_PAGE), max(offset, 0)
        direction = "DESC" if descending else "ASC"
        with self._conn() as conn:
            if text.strip():
                ids = self._matches(conn, filters or Filters(), text)
                if order_by != "title":
                    return self._rows_of(conn, ids, f"r.{order_by} {direction} NULLS LAST,"
                                         f" r.id {direction}", limit, offset)
                rows = self._rows_of(conn, ids)  # titles are sealed: sorted here
                rows.sort(key=lambda row: (row.title, row.id), reverse=descending)
                return rows[offset:offset + limit]
            where, params = _where(filters or Filters())
            if order_by == "title":  # sealed: sorted here
                found = [self._row(r) for r in conn.execute(
                    f"SELECT {_ROW_COLUMNS} FROM hq_records r WHERE {where}",  # noqa: S608
                    params).fetchall()]
                found.sort(key=lambda row: (row.title, row.id), reverse=descending)
                return found[offset:offset + limit]
            sql = (f"SELECT {_ROW_COLUMNS} FROM hq_records r WHERE {where}"  # noqa: S608
                   f" ORDER BY r.{order_by} {direction} NULLS LAST, r.id {direction}"
                   " LIMIT %s OFFSET %s")
            return [self._row(r) for r in conn.execute(sql, (*params, limit, offset)
                                                       ).fetchall()]

    def page(self, filters: Filters | None = None, *, order_by: str = "updated_at",
             descending: bool = True, limit: int = 100, offset: int = 0) -> list[Record]:
        """Whole records in one round trip (reports read every record of a type this way:
        a query per record made a report over 2,000 communications take seconds)."""
        if order_by not in SORTABLE:
            raise UserError(_("Cannot sort by {column}.").format(column=order_by))
        if order_by == "title":  # sealed: the rows sort it, their ids keep the order
            ids = [r.id for r in self.rows(filters, order_by=order_by, descending=descending,
                                           limit=limit, offset=offset)]
            sql = _IN_ORDER.format(columns="r.id, r.version, r.sealed", order="o.at")
            params: list[Any] = [ids, None, 0]
        else:
            where, params = _where(filters or Filters())
            direction = "DESC" if descending else "ASC"
            sql = (f"SELECT r.id, r.version, r.sealed FROM hq_records r WHERE {where}"  # noqa: S608
                   f" ORDER BY r.{order_by} {direction} NULLS LAST, r.id {direction}"
                   " LIMIT %s OFFSET %s")
            params += [min(limit, MAX_PAGE), max(offset, 0)]
        with self._conn() as conn:
            found = conn.execute(sql, params).fetchall()
        return [codec.from_trusted(codec.stored(self._open_record(id_, version, sealed)["body"]))
                for id_, version, sealed in found]

    def report_records(self, record_type: str, date_from: str,
                       date_to: str) -> Iterator[ReportRecord]:
        """Streamed through a server-side cursor, each body opened here and parsed as plain
        data: building record objects and turning them back into data was most of a
        report's time on this backend."""
        with self._conn() as conn, conn.cursor(name="report_records") as cursor:
            cursor.itersize = 2000
            cursor.execute("SELECT id, version, sealed, event_date, region, country, mission_id,"
                           " terms FROM hq_records WHERE deleted = 0 AND type = %s"
                           " AND event_date >= %s AND event_date <= %s",
                           (record_type, date_from, date_to + "\uffff"))
            for id_, version, sealed, event_date, region, country, mission_id, terms in cursor:
                body = codec.stored(self._open_record(id_, version, sealed)["body"])
                yield ReportRecord(event_date, region, country, mission_id, terms, body)

    def count(self, filters: Filters | None = None, *, text: str = "",
              every_match: bool = False) -> int:
        with self._conn() as conn:
            if text.strip():
                return len(self._matches(conn, filters or Filters(), text))
            where, params = _where(filters or Filters())
            return int(scalar(conn, f"SELECT count(*) FROM hq_records r WHERE {where}",  # noqa: S608
                               params))

    def search(self, text: str, filters: Filters | None = None, *, limit: int = 50,
               offset: int = 0) -> list[Hit]:
        if not text.strip():
            return []
        terms = [w for w in re.split(r"\s+", text.strip()) if w]
        with self._conn() as conn:
            ids = self._matches(conn, filters or Filters(), text)
            page = ids[max(offset, 0):max(offset, 0) + min(limit, MAX_PAGE)]
            found = conn.execute(_IN_ORDER.format(columns=_ROW_COLUMNS, order="o.at"),
                                 (page, None, 0)).fetchall()
        out = []
        for r in found:
            opened = self._open_record(r[0], r[3], r[2])
            out.append(Hit(r[0], r[1], opened["title"], snippet(opened["text"] or
                                                                opened["title"], terms),
                           tuple(r[13].split(",")) if r[13] else ()))
        return out

    def provenance(self, record_id: str) -> list[Provenance]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT v.version, coalesce(d.name, v.device_key), v.bundle_id, v.seq,"
                " v.received_at, v.consent_scope FROM hq_versions v LEFT JOIN hq_devices d"
                " ON d.public_key = v.device_key WHERE v.record_id = %s AND"
                " v.device_key IS NOT NULL ORDER BY v.version", (record_id,)).fetchall()
        return [Provenance(r[0], r[1], r[2], int(r[3]), r[4],
                           json.loads(r[5]) if r[5] else None) for r in rows]

    def version(self, record_id: str, version: int) -> Record:
        """One version from HQ's history; a deletion or an unknown version is an error."""
        with self._conn() as conn:
            row = conn.execute("SELECT sealed FROM hq_versions WHERE record_id = %s AND"
                               " version = %s", (record_id, version)).fetchone()
        if row is None:
            raise UserError(_("HQ holds no version {version} of record {id}.").format(
                version=version, id=record_id))
        body = self.sealer.open(bytes(row[0]), f"version:{record_id}:{version}").decode()
        if body == "{}":
            raise UserError(_("Version {version} of record {id} is its deletion; earlier "
                              "versions are kept.").format(version=version, id=record_id))
        return codec.from_trusted(codec.stored(body))
