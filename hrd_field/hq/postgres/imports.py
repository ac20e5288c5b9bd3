"""One bundle's import as one transaction: the versions it carries, its tombstones, the
bundle log and the alarms it raises commit together, and the facts the acceptance rules
(``hq.rules``) decide on are read inside it. Imports of one device take turns on a
per-device advisory lock."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import psycopg

from ...core.records import utc_now
from ...vault.hq_tables import Device, Incoming
from ..repository import BlobSink, BundleLog
from . import batch
from .attachments import _BlobWriter
from .bundles import bundle_at
from .connection import id_list, scalar
from .devices import device_by_key
from .records import SealedRecords


class _Import:
    def __init__(self, repo: SealedRecords, conn: psycopg.Connection[Any]):
        self.repo = repo
        self.conn = conn
        self._prepared: batch.Prepared | None = None

    def lock_device(self, device_key: str) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7))",
                          (device_key,))

    def device_by_key(self, public_key: str) -> Device | None:
        return device_by_key(self.conn, public_key)

    def bundle_at(self, device_key: str, seq: int) -> BundleLog | None:
        return bundle_at(self.conn, device_key, seq)

    def prepare(self, items: list[Incoming]) -> None:
        self._prepared = batch.prepare(self.repo, items)

    def store_many(self, items: list[Incoming], *, device_key: str, bundle_id: str,
                   seq: int) -> list[str]:
        prepared = self._prepared
        if prepared is None or prepared.items is not items:
            prepared = batch.prepare(self.repo, items)
        self._prepared = None
        return batch.store_many(self.repo, self.conn, prepared, device_key=device_key,
                                bundle_id=bundle_id, seq=seq, alarm=self.alarm)

    def person_genders(self, ids: list[str]) -> dict[str, str | None]:
        if not ids:
            return {}
        # from the row's terms ('gender:<code>', a person's one gender-coded field): no
        # sealed body opened for each person a bundle's threats link
        rows = self.conn.execute("SELECT id, (SELECT substr(x, 8) FROM unnest(terms) AS x"
                                 " WHERE starts_with(x, 'gender:') LIMIT 1) FROM hq_records"
                                 " WHERE type = 'person' AND deleted = 0 AND"
                                 " id = ANY(string_to_array(%s, ','))",
                                 (id_list(ids),)).fetchall()
        return {str(pid): gender for pid, gender in rows}

    def log_bundle(self, *, device_key: str, seq: int, bundle_id: str, manifest_sha256: str,
                   previous: str | None, summary: dict[str, Any],
                   abandoned: list[int]) -> None:
        self.conn.execute(
            "INSERT INTO hq_bundles (device_key, seq, bundle_id, manifest_sha256,"
            " previous_manifest_sha256, imported_at, summary) VALUES (%s, %s, %s, %s, %s, %s,"
            " %s)", (device_key, seq, bundle_id, manifest_sha256, previous, utc_now(),
                     json.dumps(summary, sort_keys=True)))
        for s in abandoned:
            self.conn.execute("INSERT INTO hq_abandoned (device_key, seq) VALUES (%s, %s)"
                              " ON CONFLICT DO NOTHING", (device_key, s))
        self.repo.audit(self.conn, "hq.bundle.import", "bundle", bundle_id)

    def alarm(self, kind: str, device_key: str, seq: int | None, detail: str) -> None:
        self.repo.alarm(self.conn, kind, device_key, seq, detail)

    def blob_writer(self, sha256: str) -> BlobSink:
        return _BlobWriter(self.conn, self.repo.sealer, sha256)

    # -- facts the acceptance rules (hq.rules) decide on ------------------------------------
    def chain_facts(self, device_key: str, seq: int, previous: str | None,
                    manifest_sha256: str) -> dict[str, Any]:
        """Around ``seq``: the highest known sequence, the abandoned ones, the nearest held
        bundles below and above, another bundle following ``previous``, and whether a held
        bundle names this manifest as its previous one."""
        c = self.conn
        top = scalar(c, "SELECT greatest((SELECT max(seq) FROM hq_bundles WHERE"
                         " device_key = %s), (SELECT max(seq) FROM hq_abandoned WHERE"
                         " device_key = %s))", (device_key, device_key))
        abandoned = {int(r[0]) for r in c.execute(
            "SELECT seq FROM hq_abandoned WHERE device_key = %s", (device_key,)).fetchall()}
        below = c.execute("SELECT seq, manifest_sha256 FROM hq_bundles WHERE device_key = %s"
                          " AND seq < %s ORDER BY seq DESC LIMIT 1",
                          (device_key, seq)).fetchone()
        above = c.execute("SELECT seq, previous_manifest_sha256 FROM hq_bundles WHERE"
                          " device_key = %s AND seq > %s ORDER BY seq LIMIT 1",
                          (device_key, seq)).fetchone()
        sibling = c.execute("SELECT seq FROM hq_bundles WHERE device_key = %s AND"
                            " previous_manifest_sha256 = %s AND seq <> %s LIMIT 1",
                            (device_key, previous, seq)).fetchone() \
            if previous is not None else None
        vouched = c.execute("SELECT 1 FROM hq_bundles WHERE device_key = %s AND"
                            " previous_manifest_sha256 = %s AND seq > %s",
                            (device_key, manifest_sha256, seq)).fetchone() is not None
        return {"top": int(top or 0), "abandoned": abandoned,
                "below": (int(below[0]), str(below[1])) if below else None,
                "above": (int(above[0]), above[1]) if above else None,
                "same_previous": int(sibling[0]) if sibling else None, "vouched": vouched}

    def record_owners(self, record_ids: list[str]
                      ) -> dict[str, tuple[str, int, str, str | None]]:
        """id → (owner key, highest version held, type, mission) of the records HQ holds."""
        if not record_ids:
            return {}
        rows = self.conn.execute(
            "SELECT o.record_id, o.device_key, (SELECT max(v.version) FROM hq_versions v"
            " WHERE v.record_id = o.record_id), o.type, o.mission_id FROM hq_owners o WHERE"
            " o.record_id = ANY(string_to_array(%s, ','))",
            (id_list(sorted(set(record_ids))),)).fetchall()
        return {str(r[0]): (str(r[1]), int(r[2] or 0), str(r[3]), r[4]) for r in rows}

    def mission_sharers(self, mission_ids: list[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        if not mission_ids:
            return out
        for mission, device in self.conn.execute(
                "SELECT mission_id, device_key FROM hq_shares WHERE mission_id = ANY(%s)",
                (list(mission_ids),)).fetchall():
            out.setdefault(str(mission), set()).add(str(device))
        return out


class Imports(SealedRecords):
    @contextlib.contextmanager
    def import_transaction(self) -> Iterator[_Import]:
        with self._conn() as conn, conn.transaction():
            yield _Import(self, conn)
