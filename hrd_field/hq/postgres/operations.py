"""Running an HQ: read-only report queries, counts, settings, the audit log from above
and ``pg_dump`` backups."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from ...core.errors import UserError
from ...core.i18n import _
from .connection import Pooled, client_tool, for_tool, portable_sql, scalar


class Operations(Pooled):
    # -- reports, audit, operations ------------------------------------------------------------
    def report(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if not re.match(r"^\s*(SELECT|WITH)\b[^;]*;?\s*$", sql, re.IGNORECASE | re.DOTALL):
            raise UserError(_("A report query must be a single SELECT."))
        with self._conn() as conn:
            conn.execute("SET TRANSACTION READ ONLY")
            return [tuple(r) for r in conn.execute(portable_sql(sql), params).fetchall()]

    def counts(self) -> dict[str, int]:
        with self._conn() as conn:
            return {name: int(scalar(conn, sql)) for name, sql in _COUNTS.items()}

    def setting(self, key: str) -> str | None:
        with self._conn() as conn:
            row = conn.execute("SELECT value FROM hq_settings WHERE key = %s",
                               (key,)).fetchone()
        return str(row[0]) if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._conn() as conn:
            conn.execute("INSERT INTO hq_settings (key, value) VALUES (%s, %s) ON CONFLICT"
                         " (key) DO UPDATE SET value = EXCLUDED.value", (key, value))

    def log(self, action: str, object_type: str = "", object_id: str = "") -> None:
        with self._conn() as conn:
            self.audit(conn, action, object_type, object_id)

    def backup(self, target: Path) -> None:
        """``pg_dump`` in PostgreSQL's custom format into ``target/hq.dump``: one
        consistent snapshot while the intake keeps writing."""
        pg_dump = client_tool("pg_dump")
        dump = target / "hq.dump"
        part = target / "hq.dump.part"
        address, env = for_tool(self.url)
        proc = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--file", str(part),
                               "--dbname", address], capture_output=True, text=True,
                              check=False, env=env)
        if proc.returncode != 0:
            with contextlib.suppress(OSError):
                part.unlink()
            raise UserError(_("pg_dump failed: {why}").format(
                why=(proc.stderr.strip().splitlines() or ["?"])[-1]))
        os.replace(part, dump)
        self.log("hq.backup")


_COUNTS = {
    "records": "SELECT count(*) FROM hq_records WHERE deleted = 0",
    "tombstones": "SELECT count(*) FROM hq_records WHERE deleted <> 0",
    "versions": "SELECT count(*) FROM hq_versions",
    "bundles": "SELECT count(*) FROM hq_bundles",
    "abandoned": "SELECT count(*) FROM hq_abandoned",
    "attachments": "SELECT count(*) FROM hq_attachments",
    "alarms": "SELECT count(*) FROM hq_alarms",
    "quarantine": "SELECT count(*) FROM hq_quarantine",
    "receipts": "SELECT count(*) FROM hq_receipts",
    "devices": "SELECT count(*) FROM hq_devices",
}
