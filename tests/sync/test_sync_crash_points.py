"""Nothing lost on the way to HQ (issue 12 item 1): ``sync`` killed with SIGKILL at every
step of export and upload, then run again, brings every record to HQ exactly once, and
the outbox never forgets a bundle it wrote."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import cli_env, ok
from helpers.synckit import Device, Hq, person

CRASH_POINTS = ["export.reserved", "export.bundle_written", "export.marked",
                "sync.uploaded"]


def sync_killed_at(device: Device, point: str) -> subprocess.CompletedProcess[bytes]:
    env = {**cli_env(), "HRD_FIELD_TEST_CRASH_AT": point}
    return subprocess.run([sys.executable, "-m", "hrd_field", "sync", "--vault",
                           str(device.vault_dir), "--passphrase-file", str(device.passfile)],
                          capture_output=True, env=env, timeout=120, check=False,
                          stdin=subprocess.DEVNULL)


def add_records(device: Device, label: str, n: int = 2) -> list[str]:
    with device.vault() as vault:
        return [vault.records.create(person(f"{label} {i}")).id for i in range(n)]


@pytest.mark.slow
def test_sync_killed_at_every_step_still_brings_every_record_to_hq(
        hq: Hq, tmp_path: Path) -> None:
    device = Device.create(tmp_path / "devices", "laptop-1", hq.profile(), records=[])
    hq.register("laptop-1", device.public)
    hq.serve()
    sent: list[str] = []
    for point in CRASH_POINTS:
        sent += add_records(device, point)
        res = sync_killed_at(device, point)
        assert res.returncode == -signal.SIGKILL, (point, res.returncode, res.stderr)
    # the next run delivers everything and empties the outbox
    res = ok(device.sync())
    assert "0 bundles wait" in res.stdout or "outbox" not in res.stdout, res.stdout
    with device.vault() as vault:
        assert vault.exports.waiting() == []
        states = {b.state for b in vault.exports.bundles()}
        assert states <= {"written", "abandoned"}
        assert all(b.received_at for b in vault.exports.bundles() if b.state == "written")
    # no orphan bundle file stays behind in the outbox
    assert device.outbox_files() == []
    hq.stop_all()
    with hq.store() as store:
        at_hq = {row[0] for row in store.vault.db.query("SELECT id FROM records")}
        assert store.vault.check().ok
    assert set(sent) <= at_hq, sorted(set(sent) - at_hq)


@pytest.mark.slow
def test_a_bundle_written_but_not_queued_by_an_older_version_is_queued_again(
        hq: Hq, tmp_path: Path) -> None:
    device = Device.create(tmp_path / "devices", "laptop-2", hq.profile(),
                           records=[person("witness")])
    hq.register("laptop-2", device.public)
    # what a crash between the two transactions of the old code left: written, not queued
    from hrd_field.sync.exporter import plan_export, write_export
    from hrd_field.sync.outbox import outbox_dir

    with device.vault() as vault:
        [bundle] = write_export(vault, plan_export(vault, since_last=True), outbox_dir(vault))
        assert vault.exports.waiting() == []
    hq.serve()
    ok(device.sync())
    with device.vault() as vault:
        [sent] = vault.exports.bundles()
        assert sent.received_at is not None and sent.file_name == bundle.path.name
    assert device.outbox_files() == []
