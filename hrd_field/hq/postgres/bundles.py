"""What HQ keeps about the bundles devices send: the log by (device, sequence), receipts,
quarantined files and the alarms imports raise."""

from __future__ import annotations

import json
from typing import Any

from ...core.records import utc_now
from ...vault.hq_casework import BundleEntry
from ..repository import BundleLog
from .connection import Pooled, scalar


def bundle_at(conn: Any, device_key: str, seq: int) -> BundleLog | None:
    row = conn.execute("SELECT bundle_id, manifest_sha256, summary FROM hq_bundles"
                       " WHERE device_key = %s AND seq = %s", (device_key, seq)).fetchone()
    return BundleLog(*row) if row else None


class Bundles(Pooled):
    def bundle_at(self, device_key: str, seq: int) -> BundleLog | None:
        with self._conn() as conn:
            return bundle_at(conn, device_key, seq)

    def quarantined(self, device_key: str | None) -> int:
        """How many bundles this uploader (None: hand imports) has in quarantine."""
        with self._conn() as conn:
            return int(scalar(conn, "SELECT count(*) FROM hq_quarantine WHERE device_key IS"
                                     " NOT DISTINCT FROM %s", (device_key,)))

    def save_receipt(self, bundle_id: str, device_key: str, seq: int, body: bytes) -> bytes:
        with self._conn() as conn:
            conn.execute("INSERT INTO hq_receipts (bundle_id, device_key, seq, body,"
                         " created_at) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                         (bundle_id, device_key, seq, body, utc_now()))
            return bytes(scalar(conn, "SELECT body FROM hq_receipts WHERE bundle_id = %s",
                                 (bundle_id,)))

    def receipt(self, bundle_id: str, device_key: str) -> bytes | None:
        with self._conn() as conn:
            row = conn.execute("SELECT body FROM hq_receipts WHERE bundle_id = %s AND"
                               " device_key = %s", (bundle_id, device_key)).fetchone()
        return bytes(row[0]) if row else None

    def raise_alarm(self, kind: str, device_key: str, seq: int | None, detail: str) -> None:
        with self._conn() as conn:
            self.alarm(conn, kind, device_key, seq, detail)

    def alarms(self) -> list[tuple[str, str, str, int | None, str]]:
        with self._conn() as conn:
            return [(r[0], r[1], r[2], None if r[3] is None else int(r[3]), r[4])
                    for r in conn.execute("SELECT at, kind, device_key, seq, detail FROM"
                                          " hq_alarms ORDER BY id").fetchall()]

    def quarantine(self, file_name: str, device_key: str | None, reason: str) -> None:
        with self._conn() as conn:
            conn.execute("INSERT INTO hq_quarantine (file_name, device_key, reason,"
                         " received_at) VALUES (%s, %s, %s, %s) ON CONFLICT (file_name) DO"
                         " UPDATE SET device_key = excluded.device_key,"
                         " reason = excluded.reason, received_at = excluded.received_at",
                         (file_name, device_key, reason, utc_now()))
            self.audit(conn, "hq.quarantine", "bundle", file_name)

    def bundle_log(self, limit: int = 1000) -> list[BundleEntry]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT coalesce(d.name, b.device_key), b.seq, b.bundle_id, b.imported_at,"
                " b.summary FROM hq_bundles b LEFT JOIN hq_devices d"
                " ON d.public_key = b.device_key ORDER BY b.imported_at DESC LIMIT %s",
                (limit,)).fetchall()
        return [BundleEntry(r[0], int(r[1]), r[2], r[3],
                            r[4] if isinstance(r[4], dict) else json.loads(r[4] or "{}"))
                for r in rows]
