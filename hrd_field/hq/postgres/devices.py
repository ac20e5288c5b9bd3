"""The device registry (add, revoke, read fresh on every request), each device's
received and missing sequence numbers, and which devices share a mission."""

from __future__ import annotations

from typing import Any

from ...core.errors import UserError
from ...core.i18n import _
from ...core.records import utc_now
from ...vault.hq_tables import Device
from ..rules import gap_ranges
from .connection import Pooled


def device_by_key(conn: Any, public_key: str) -> Device | None:
    row = conn.execute("SELECT name, public_key, status, revoked_after_seq, added_at FROM"
                       " hq_devices WHERE public_key = %s", (public_key,)).fetchone()
    return Device(*row) if row else None


class Devices(Pooled):
    # -- devices -------------------------------------------------------------------------------
    def add_device(self, name: str, public_key: str) -> None:
        with self._conn() as conn:
            if conn.execute("SELECT 1 FROM hq_devices WHERE name = %s", (name,)).fetchone():
                raise UserError(_("A device named {name} is already registered.").format(
                    name=name))
            if conn.execute("SELECT 1 FROM hq_devices WHERE public_key = %s",
                            (public_key,)).fetchone():
                raise UserError(_("This device key is already registered."))
            conn.execute("INSERT INTO hq_devices (name, public_key, status, added_at) VALUES"
                         " (%s, %s, 'active', %s)", (name, public_key, utc_now()))
            self.audit(conn, "hq.device.add", "device", name)

    def revoke_device(self, name: str, after_seq: int | None) -> None:
        with self._conn() as conn:
            found = conn.execute("UPDATE hq_devices SET status = 'revoked',"
                                 " revoked_after_seq = %s WHERE name = %s",
                                 (after_seq, name)).rowcount
            if not found:
                raise UserError(_("No device named {name}.").format(name=name))
            self.audit(conn, "hq.device.revoke", "device", name)

    def devices(self) -> list[Device]:
        with self._conn() as conn:
            return [Device(*r) for r in conn.execute(
                "SELECT name, public_key, status, revoked_after_seq, added_at FROM hq_devices"
                " ORDER BY name").fetchall()]

    def device_by_key(self, public_key: str) -> Device | None:
        with self._conn() as conn:
            return device_by_key(conn, public_key)

    def gaps(self) -> dict[str, list[tuple[int, int]]]:
        return {d.name: gap_ranges(*self.sequences(d.public_key)) for d in self.devices()}

    def sequences(self, device_key: str) -> tuple[list[int], list[int]]:
        """(received, declared abandoned) sequence numbers of a device."""
        with self._conn() as conn:
            got = [int(r[0]) for r in conn.execute(
                "SELECT seq FROM hq_bundles WHERE device_key = %s", (device_key,)).fetchall()]
            dropped = [int(r[0]) for r in conn.execute(
                "SELECT seq FROM hq_abandoned WHERE device_key = %s",
                (device_key,)).fetchall()]
        return got, dropped

    def share_mission(self, mission_id: str, names: list[str], *, remove: bool = False) -> None:
        """Let these devices send versions of each other's records of this mission (or stop)."""
        with self._conn() as conn:
            for name in names:
                row = conn.execute("SELECT public_key FROM hq_devices WHERE name = %s",
                                   (name,)).fetchone()
                if row is None:
                    raise UserError(_("No device named {name}.").format(name=name))
                if remove:
                    conn.execute("DELETE FROM hq_shares WHERE mission_id = %s AND"
                                 " device_key = %s", (mission_id, row[0]))
                else:
                    conn.execute("INSERT INTO hq_shares (mission_id, device_key) VALUES"
                                 " (%s, %s) ON CONFLICT DO NOTHING", (mission_id, row[0]))
                self.audit(conn, "hq.mission.unshare" if remove else "hq.mission.share",
                           "mission", f"{mission_id} {name}")

    def shares(self) -> list[tuple[str, str]]:
        """(mission id, device name) of every share, sorted."""
        with self._conn() as conn:
            return [(str(r[0]), str(r[1])) for r in conn.execute(
                "SELECT s.mission_id, coalesce(d.name, s.device_key) FROM hq_shares s"
                " LEFT JOIN hq_devices d ON d.public_key = s.device_key ORDER BY 1, 2"
            ).fetchall()]
