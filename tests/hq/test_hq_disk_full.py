"""The HQ database runs out of space during an import.

A real small file system (tmpfs, mounted by the test: needs root) holds the HQ tables; a
bundle with an attachment larger than the space left is uploaded over HTTP and imported from
the command line. Nothing of it is kept, the device gets 503 with a retry hint (not a 500),
the CLI one line ``error: …``; once space is freed, the retry imports it exactly once and
every copy of the answer is the same receipt.

PostgreSQL: the HQ tables are moved to a tablespace on the small file system (the write-ahead
log stays on the cluster's disk, as a real deployment's would on its own volume: a full WAL
volume stops the server, which is "database unreachable", tested in tests/sync). Embedded:
the whole store directory is on the small file system."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.cli import assert_user_error
from helpers.disks import fill, mount_tmpfs
from helpers.hqdb import HQ_BACKENDS, new_hq_database
from helpers.synckit import Device, Hq, ok, person, post_bundle

pytestmark = pytest.mark.slow

SMALL = "24m"
"""The small file system's size: room for the store and the first bundles."""
LEFT = 1 << 20
"""Space left free once the file system is filled: less than the big bundle needs."""


@pytest.fixture(params=HQ_BACKENDS)
def full_hq(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Hq, Path]]:
    """An HQ whose records live on a small file system (returned with it)."""
    if request.param == "embedded":
        for disk in mount_tmpfs(tmp_path / "small", SMALL):
            hq = Hq.create(disk / "hq")
            try:
                yield hq, disk
            finally:
                hq.stop_all()
        return
    cluster: Any = request.getfixturevalue("pg_cluster")
    database = new_hq_database(request, "postgresql")
    assert database is not None
    name = database.rsplit("/", 1)[1]
    space = f"small_{name}"
    # where the server's user can reach it
    for disk in mount_tmpfs(cluster.root / f"small-{name}", SMALL, owner=cluster.run_as):
        hq = Hq.create(tmp_path / "hq", database=database)
        cluster.psql(f"CREATE TABLESPACE {space} LOCATION '{disk}'")
        cluster.psql(f"ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE {space};"
                     f" ALTER INDEX ALL IN TABLESPACE pg_default SET TABLESPACE {space}",
                     database=name)
        try:
            yield hq, disk
        finally:
            hq.stop_all()
            with contextlib.suppress(RuntimeError):
                cluster.psql(f'DROP DATABASE "{name}" WITH (FORCE)')
            with contextlib.suppress(RuntimeError):
                cluster.psql(f"DROP TABLESPACE {space}")


def _device(hq: Hq, root: Path) -> tuple[Device, bytes, bytes]:
    """A registered device with a small bundle and a big one (3 MiB attachment) to send."""
    device = Device.create(root, "laptop", hq.profile())
    hq.register(device.name, device.public)
    with device.vault() as vault:
        vault.records.create(person("First", notes="disk full test"))
    small = device.fill_outbox()[-1][2].read_bytes()
    with device.vault() as vault:
        record = vault.records.create(person("Second", notes="disk full test"))
        vault.add_attachment(record.id, io.BytesIO(os.urandom(3 << 20)),
                             filename="interview.ogg")
    big = device.fill_outbox()[-1][2].read_bytes()
    return device, small, big


def test_a_full_database_keeps_nothing_of_the_import_and_the_retry_imports_it_once(
        full_hq: tuple[Hq, Path], tmp_path: Path) -> None:
    hq, disk = full_hq
    device, small, big = _device(hq, tmp_path / "field")
    big_file = tmp_path / "big.hrdb"
    big_file.write_bytes(big)

    server = hq.serve()
    assert post_bundle(hq.url, device.key, small).status_code == 200
    server.stop()
    before = hq.snapshot()

    fill(disk, LEFT)
    server = hq.serve()
    full = post_bundle(hq.url, device.key, big)
    assert full.status_code == 503, (full.status_code, full.text)
    assert full.json()["error"] == "unavailable"
    assert "space" in full.json()["message"], full.text
    assert int(full.headers["retry-after"]) > 0
    assert "Traceback" not in server.output()
    # Not a bundle fault: nothing is quarantined, the device keeps it in its outbox.
    assert hq.quarantine_files() == []
    health = httpx.get(hq.url + "/v1/health", timeout=30)
    assert health.status_code == 200  # the database answers; it is only full
    server.stop()

    # The command line on the same full disk: one translated line, exit 1.
    res = hq.hrd("hq", "import", big_file)
    assert_user_error(res, "space")
    assert res.stderr.startswith("error: "), res.stderr
    assert hq.snapshot() == before  # nothing of the bundle anywhere

    (disk / "filler").unlink()  # space freed
    server = hq.serve()
    retry = post_bundle(hq.url, device.key, big)
    assert retry.status_code == 200, retry.text
    again = post_bundle(hq.url, device.key, big)
    assert again.status_code == 200 and again.content == retry.content  # the same receipt
    server.stop()
    res = ok(hq.hrd("hq", "import", big_file))
    assert "Already imported" in res.stdout
    after = hq.snapshot()
    assert after["hq_bundles"] == before["hq_bundles"] + 1
    assert after["hq_receipts"] == before["hq_receipts"] + 1
    assert after["attachments"] == before["attachments"] + 1
    assert after["hq_versions"] == before["hq_versions"] + 1  # the record, once
    with hq.store() as store:
        assert store.repo.gaps() == {device.name: []}
        assert sorted(r.title for r in store.repo.rows(limit=10)) == ["First", "Second"]

