"""An HQ team on PostgreSQL: ``hq serve --workers 2`` takes uploads from several devices at
once while analysts use the CLI; racing uploads of one sequence import it once; a
revocation takes effect on the next request; the health endpoint and uploads say when the
database is away, and an import cut off mid-way leaves nothing behind and is retried to the
same receipt. Real processes, real HTTP, a real PostgreSQL cluster."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.hqdb import new_hq_database
from helpers.synckit import Device, Hq, Proxy, ok, person, post_bundle, snapshot


@pytest.fixture
def team(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    database = new_hq_database(request, "postgresql")
    hq = Hq.create(tmp_path / "hq", database=database)
    try:
        yield hq, database
    finally:
        hq.stop_all()


def _devices(hq: Hq, root: Path, n: int, bundles_each: int) -> list[tuple[Device, list[Path]]]:
    profile = hq.profile()
    out = []
    for i in range(n):
        device = Device.create(root, f"dev{i}", profile)
        hq.register(device.name, device.public)
        files = []
        for b in range(bundles_each):
            with device.vault() as vault:
                vault.records.create(person(f"Device {i} person {b}", notes="team test"))
            files.append(device.fill_outbox()[-1][2])
        out.append((device, files))
    return out


def _parallel(jobs: list[Any]) -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except Exception as exc:  # reported by the assertions below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_workers_take_uploads_while_analysts_read_and_revocation_is_immediate(
        team: Any, tmp_path: Path) -> None:
    hq, _db = team
    fleet = _devices(hq, tmp_path / "field", 3, 2)
    server = hq.serve(extra=["--workers", "2"])
    health = httpx.get(hq.url + "/v1/health").json()
    assert health == {"status": "ok", "service": "hrd-field-intake",
                      "backend": "postgresql", "database": "ok"}
    uploads = [lambda d=d, f=f: post_bundle(hq.url, d.key, f.read_bytes())
               for d, files in fleet for f in files]
    analysts = [lambda: hq.hrd("record", "list", "--json", "--limit", "1000"),
                lambda: hq.hrd("hq", "gaps", "--json")]
    results = _parallel(uploads + analysts)
    for r in results[:len(uploads)]:
        assert isinstance(r, httpx.Response) and r.status_code == 200, r
    for r in results[len(uploads):]:
        ok(r)  # the store is not locked by the running intake
    listed = ok(hq.hrd("record", "list", "--json", "--limit", "1000")).json()
    assert len(listed) == 6
    assert ok(hq.hrd("hq", "gaps", "--json")).json() == {f"dev{i}": [] for i in range(3)}

    # Racing the same upload into both workers: imported once, one receipt for both.
    device, _files = fleet[0]
    with device.vault() as vault:
        vault.records.create(person("Raced", notes="team test"))
    raced = device.fill_outbox()[-1][2].read_bytes()
    first, second = _parallel([lambda: post_bundle(hq.url, device.key, raced)] * 2)
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert first.content == second.content

    # Revoked from the CLI while the workers run: the next request is refused.
    with device.vault() as vault:
        vault.records.create(person("After revocation", notes="team test"))
    late = device.fill_outbox()[-1][2].read_bytes()
    ok(hq.hrd("hq", "device", "revoke", device.name))
    refused = post_bundle(hq.url, device.key, late)
    assert refused.status_code == 403, refused.text
    assert server.running
    server.stop()
    with hq.store() as store:
        counts = snapshot(store)
    assert counts["hq_bundles"] == 7 and counts["hq_receipts"] == 7


def test_database_away_and_connection_lost_mid_import(team: Any, tmp_path: Path,
                                                      proxies: list[Proxy]) -> None:
    hq, database = team
    [(device, [bundle])] = _devices(hq, tmp_path / "field", 1, 1)
    with device.vault() as vault:  # a bundle big enough to be cut mid-import
        pid = vault.records.rows(limit=1)[0].id
        import io
        import os

        vault.add_attachment(pid, io.BytesIO(os.urandom(3 << 20)), filename="audio.ogg")
    big = device.fill_outbox()[-1][2].read_bytes()
    port = int(database.rsplit(":", 1)[1].split("/")[0])
    proxy = Proxy(port)
    proxies.append(proxy)
    via_proxy = database.replace(f":{port}/", f":{proxy.port}/")
    hq.serve(extra=["--database", via_proxy])
    ok_first = post_bundle(hq.url, device.key, bundle.read_bytes())
    assert ok_first.status_code == 200, ok_first.text
    before = {"connections": proxy.connections}
    proxy.cut_after = 1 << 20  # the next connection's upload to PostgreSQL is cut at 1 MiB
    cut = post_bundle(hq.url, device.key, big)
    assert cut.status_code == 503, cut.text
    assert cut.headers["retry-after"] == "30"
    assert proxy.cuts >= 1 and proxy.connections >= before["connections"]
    proxy.cut_after = None
    retry = post_bundle(hq.url, device.key, big)
    assert retry.status_code == 200, retry.text
    again = post_bundle(hq.url, device.key, big)
    assert again.content == retry.content  # the same receipt
    hq.stop_all()
    with hq.store() as store:
        counts = snapshot(store)
        assert counts["hq_bundles"] == 2 and counts["attachments"] == 1
    # The database goes away: health says so, uploads get 503, the CLI a clear error.
    hq.serve(extra=["--database", via_proxy])
    proxy.close()
    health = httpx.get(hq.url + "/v1/health", timeout=30)
    assert health.status_code == 503 and health.json()["database"] == "unreachable"
    res = hq.hrd("hq", "gaps", "--database", via_proxy)
    assert res.returncode == 1 and "Cannot reach the HQ database" in res.stderr, res


def test_embedded_store_readers_and_admin_while_the_intake_runs(hq: Hq,
                                                                tmp_path: Path) -> None:
    """The embedded store no longer locks others out while ``hq serve`` writes: analysts
    read (and are told they see a snapshot), the admin revokes, the next upload is refused."""
    [(device, [first, second])] = _devices(hq, tmp_path / "field", 1, 2)
    hq.serve()
    assert post_bundle(hq.url, device.key, first.read_bytes()).status_code == 200
    listed = ok(hq.hrd("record", "list", "--json"))
    assert len(listed.json()) == 1
    assert "snapshot as of" in listed.stderr
    assert ok(hq.hrd("hq", "gaps", "--json")).json() == {device.name: []}
    ok(hq.hrd("hq", "device", "revoke", device.name))
    refused = post_bundle(hq.url, device.key, second.read_bytes())
    assert refused.status_code == 403, refused.text
    hq.stop_all()
    listed = ok(hq.hrd("record", "list", "--json"))
    assert "snapshot" not in listed.stderr  # alone now
    with hq.store() as store:
        assert store.vault is not None and store.vault.check().ok
