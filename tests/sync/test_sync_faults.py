"""Sync when things go wrong: the network goes away mid-upload, HQ dies while receiving or
importing, a server answers with a receipt HQ did not sign, a server shows a certificate
other than the pinned one, HQ is stopped the way service managers stop it.

The invariant every test checks: a bundle leaves the outbox only on a receipt that verifies
against the enrolment profile, and HQ holds a bundle completely or not at all.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from helpers.synckit import (
    CANARY,
    Device,
    FakeIntake,
    Hq,
    Proxy,
    cli_env,
    consultation,
    failed,
    ok,
    person,
    pinned,
    post_bundle,
    random_file,
    read_response,
    self_signed_cert,
    signed_headers,
    wait_for,
)

from hrd_field.bundle.minisign import SigningKey
from hrd_field.bundle.receipt import Receipt
from hrd_field.core.records import utc_now

BIG = 30 << 20


def big_device(hq: Hq, tmp_path: Path, *, url: str | None = None,
               delete_after_receipt: bool = False) -> tuple[Device, Path]:
    """A registered device whose outbox holds one ~30 MiB bundle (a recorded testimony)."""
    profile = hq.profile(url=url, delete_after_receipt=delete_after_receipt)
    record = consultation(f"testimony {CANARY}")
    device = Device.create(tmp_path / "devices", "laptop-1", profile, records=[record])
    hq.register("laptop-1", device.public)
    device.add_attachment(record.id, random_file(tmp_path / "testimony.mp4", BIG))
    [(_seq, _bundle_id, path)] = device.fill_outbox()
    assert path.stat().st_size > BIG
    return device, path


def start_sync(device: Device) -> subprocess.Popen[bytes]:
    """``hrd-field sync --no-export`` in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "hrd_field", "sync", "--no-export", "--vault",
         str(device.vault_dir), "--passphrase-file", str(device.passfile)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        env=cli_env())


def finished(proc: subprocess.Popen[bytes], timeout: float = 90) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def empty_store_counts(hq: Hq) -> dict[str, int]:
    counts = hq.snapshot()
    assert {k: counts[k] for k in ("hq_bundles", "hq_versions", "records", "attachments",
                                   "blobs", "blob_chunks", "hq_receipts", "hq_quarantine")} \
        == dict.fromkeys(("hq_bundles", "hq_versions", "records", "attachments", "blobs",
                          "blob_chunks", "hq_receipts", "hq_quarantine"), 0), counts
    return counts


def assert_imported_once(hq: Hq) -> None:
    counts = hq.snapshot()
    assert counts["hq_bundles"] == 1 and counts["hq_receipts"] == 1, counts
    assert counts["records"] == counts["hq_versions"] == 1, counts
    assert counts["attachments"] == counts["blobs"] == 1, counts
    with hq.store() as store:
        assert store.vault.check().ok


def assert_waiting(device: Device, path: Path, *, attempts: int, since: datetime) -> None:
    with device.vault() as vault:
        [waiting] = vault.exports.waiting()
        assert vault.exports.bundles()[0].received_at is None
        assert len(vault.records.rows()) == 1
    assert waiting.attempts == attempts
    assert waiting.next_attempt_at is not None
    assert datetime.fromisoformat(waiting.next_attempt_at) >= since
    assert "cannot be reached" in (waiting.last_error or "")
    assert device.outbox_files() == [path.name]


# --- the network goes away ------------------------------------------------------------------


def test_network_cut_mid_upload_leaves_the_bundle_waiting_and_hq_clean(
        hq: Hq, tmp_path: Path, proxies: list[Proxy]) -> None:
    proxy = Proxy(hq.port, cut_after=4 << 20)  # every connection dies after 4 MiB
    proxies.append(proxy)
    device, path = big_device(hq, tmp_path, url=proxy.url, delete_after_receipt=True)
    server = hq.serve(url=proxy.url)
    since = datetime.now(UTC)

    res = failed(device.sync("--no-export"))
    assert "HQ cannot be reached" in res.stderr
    assert "1 bundle waits in the outbox." in res.stdout
    assert proxy.cuts >= 1 and proxy.cuts == proxy.connections
    assert_waiting(device, path, attempts=1, since=since)
    # HQ threw the partial upload away by itself and is still serving.
    wait_for(lambda: not hq.spool_files(), 10, "HQ to drop the partial upload")
    assert httpx.get(f"{hq.url}/v1/health", timeout=5).status_code == 200

    server.kill()
    hq.serve(url=proxy.url).stop()  # a restart
    assert hq.spool_files() == []
    empty_store_counts(hq)

    proxy.cut_after = None  # the network is back
    hq.serve(url=proxy.url)
    res = ok(device.sync("--no-export"))
    assert "HQ confirmed 1 bundle." in res.stdout
    assert "1 record HQ holds was removed" in res.stdout
    assert device.outbox_files() == []
    hq.stop_all()
    assert_imported_once(hq)


def test_hq_killed_while_receiving_leaves_nothing_and_the_next_sync_completes(
        hq: Hq, tmp_path: Path, proxies: list[Proxy]) -> None:
    proxy = Proxy(hq.port, rate=8 << 20)  # 8 MiB/s: the upload lasts about 4 s
    proxies.append(proxy)
    device, path = big_device(hq, tmp_path, url=proxy.url)
    server = hq.serve(url=proxy.url)
    since = datetime.now(UTC)

    sync = start_sync(device)
    try:
        wait_for(lambda: [p for p in hq.spool.glob("*.part") if p.stat().st_size > 1 << 20],
                 30, "the upload to reach HQ's spool")
        server.kill()
        code, out, err = finished(sync)
    finally:
        if sync.poll() is None:
            sync.kill()
            sync.wait()
    assert code == 1, (out, err)
    assert "HQ cannot be reached" in err and "Traceback" not in err
    assert_waiting(device, path, attempts=1, since=since)

    # What a power cut leaves: ciphertext in the spool, a store that opens and checks OK.
    assert [n for n in hq.spool_files() if n.endswith(".part")]
    with hq.store() as store:
        assert store.vault.unclean_shutdown
        assert store.vault.check().ok
    empty_store_counts(hq)

    proxy.rate = None
    hq.serve(url=proxy.url)
    assert hq.spool_files() == []  # the restart swept the spool
    res = ok(device.sync("--no-export"))
    assert "HQ confirmed 1 bundle." in res.stdout
    hq.stop_all()
    assert_imported_once(hq)


def test_hq_killed_during_an_import_keeps_its_store_whole(hq: Hq, tmp_path: Path) -> None:
    device, path = big_device(hq, tmp_path)
    server = hq.serve()
    since = datetime.now(UTC)

    sync = start_sync(device)
    try:
        # The upload is complete and verified against its hash once it is renamed to
        # <sha256>.hrdb; the import runs while that file exists.
        wait_for(lambda: list(hq.spool.glob("*.hrdb")), 60, "HQ to start importing")
        server.kill()
        code, out, err = finished(sync)
    finally:
        if sync.poll() is None:
            sync.kill()
            sync.wait()
    assert code == 1, (out, err)
    assert "HQ cannot be reached" in err
    assert_waiting(device, path, attempts=1, since=since)

    with hq.store() as store:
        assert store.vault.unclean_shutdown
        report = store.vault.check()
        assert report.ok, report.problems
    counts = hq.snapshot()
    if counts["hq_bundles"]:
        # The kill landed in the last instant, after the commit: then all of it is there
        # (the receipt comes on the next sync). Never anything in between.
        assert counts["records"] == counts["attachments"] == counts["blobs"] == 1, counts
    else:
        empty_store_counts(hq)  # the import's transaction never committed: nothing partial

    hq.serve()
    assert hq.spool_files() == []
    res = ok(device.sync("--no-export"))
    assert "HQ confirmed 1 bundle." in res.stdout
    hq.stop_all()
    assert_imported_once(hq)


def stalled_upload(hq: Hq, tmp_path: Path) -> tuple[Device, bytes, bytes]:
    """A registered device with one bundle; returns (device, bundle, request head)."""
    profile = hq.profile()
    device = Device.create(tmp_path / "devices", "laptop-1", profile,
                           records=[person("stalled")])
    hq.register("laptop-1", device.public)
    [(_seq, _bundle_id, path)] = device.fill_outbox()
    body = path.read_bytes()
    url = f"{hq.url}/v1/bundles"
    head = (f"POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1:{hq.port}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in signed_headers(device.key, "POST", url, body).items())
        + "\r\n").encode()
    return device, body, head


def test_a_stalled_upload_is_dropped_after_the_read_timeout(
        hq: Hq, tmp_path: Path) -> None:
    device, body, head = stalled_upload(hq, tmp_path)
    hq.serve_custom(read_timeout=1.0)
    with socket.create_connection(("127.0.0.1", hq.port), timeout=15) as stalled:
        # Half the body, then the network goes silent (the socket stays open).
        stalled.sendall(head + body[: len(body) // 2])
        wait_for(lambda: list(hq.spool.glob("*.part")), 10, "the upload to start")
        status, _headers, answer = read_response(stalled)
        assert status == 408 and b'"timeout"' in answer, answer
        assert hq.spool_files() == []  # the partial ciphertext is gone
        retry = post_bundle(hq.url, device.key, body, timeout=10)
    assert retry.status_code == 200


def test_a_stalled_upload_does_not_hold_up_the_retry_of_the_same_bundle(
        hq: Hq, tmp_path: Path) -> None:
    device, body, head = stalled_upload(hq, tmp_path)
    hq.serve()
    with socket.create_connection(("127.0.0.1", hq.port)) as stalled:
        stalled.sendall(head + body[: len(body) // 2])
        wait_for(lambda: list(hq.spool.glob("*.part")), 10, "the upload to start")
        # The device retries on a working connection, as IntakeClient does.
        try:
            answer = post_bundle(hq.url, device.key, body, timeout=3)
        except httpx.TimeoutException as exc:
            raise AssertionError("the retry hangs behind the stalled upload") from exc
    assert answer.status_code == 200


# --- receipts HQ did not sign --------------------------------------------------------------------


def test_forged_receipts_are_ignored_reported_and_change_nothing(
        hq: Hq, tmp_path: Path) -> None:
    profile = hq.profile(delete_after_receipt=True)
    device = Device.create(tmp_path / "devices", "laptop-1", profile,
                           records=[person("first bundle")])
    hq.register("laptop-1", device.public)
    with hq.store() as store:
        hq_key = store.signing_key()
    hq.serve()
    assert device.sync_in_process().received == [1]  # a real receipt for bundle 1
    with device.vault() as vault:
        real_receipt = bytes(vault.db.query("SELECT receipt FROM outbox WHERE seq = 1")[0][0])
        waiting_record = person(f"second bundle {CANARY}")
        vault.records.create(waiting_record)
    [(seq, bundle_id, path)] = device.fill_outbox()
    accepted = ((waiting_record.id, 1),)

    def receipt(key: SigningKey, **change: object) -> bytes:
        fields = {"bundle_id": bundle_id, "device_key": device.public, "sequence": seq,
                  "manifest_sha256": "0" * 64, "status": "imported", "accepted": accepted,
                  "received_at": utc_now(), **change}
        return Receipt(**fields).sign(key)  # type: ignore[arg-type]

    right = receipt(hq_key)
    altered = right.replace(b'"status": "imported"', b'"status": "imported "')
    assert altered != right
    forgeries = {
        "signed by another key": receipt(SigningKey.generate()),
        "HQ's key, another bundle id": receipt(hq_key, bundle_id=str(uuid.uuid4())),
        "HQ's key, another device": receipt(hq_key,
                                            device_key=SigningKey.generate().public_key()
                                            .to_base64()),
        "HQ's key, another sequence": receipt(hq_key, sequence=seq + 1),
        "HQ's real receipt for bundle 1, replayed": real_receipt,
        "HQ's receipt, edited after signing": altered,
        "not a receipt at all": b"<html>captive portal</html>",
    }
    fake = FakeIntake()
    try:
        for why, body in forgeries.items():
            fake.answer = body
            uploads = len(fake.uploads)
            report = device.sync_in_process(fake.url, export=False)
            assert len(fake.uploads) == uploads + 1, why  # it did upload, then got this
            assert report.forged == 1 and not report.ok, (why, report)
            assert report.received == [] and report.purged == 0, why
            assert "did not verify" in report.errors[0], (why, report.errors)
        for body in (forgeries["signed by another key"],
                     forgeries["HQ's real receipt for bundle 1, replayed"]):
            fake.answer = body
            res = failed(device.sync("--no-export", "--url", fake.url))
            assert "did not verify" in res.stderr
            assert "1 bundle waits in the outbox." in res.stdout
            assert "removed" not in res.stdout
    finally:
        fake.close()

    with device.vault() as vault:
        [waiting] = vault.exports.waiting()
        assert waiting.seq == seq and waiting.attempts == len(forgeries) + 2
        assert [b.received_at is None for b in vault.exports.bundles()] == [False, True]
        assert [r.id for r in vault.records.rows()] == [waiting_record.id]  # not purged
        assert bytes(vault.db.query("SELECT receipt FROM outbox WHERE seq = 1")[0][0]) \
            == real_receipt
    assert device.outbox_files() == [path.name]

    # The genuine answer was never needed from anyone else: the real HQ settles it.
    report = device.sync_in_process(export=False)
    assert report.ok and report.received == [seq] and report.purged == 1


# --- TLS ---------------------------------------------------------------------------------------


def test_tls_pinned_certificate_is_used_and_another_one_is_refused(
        hq: Hq, tmp_path: Path) -> None:
    cert_a = self_signed_cert(tmp_path / "tls", "hq")
    cert_b = self_signed_cert(tmp_path / "tls", "impostor")
    hq.scheme = "https"
    profile = hq.profile(tls_cert=cert_a[0], cli=True)  # hq profile --tls-cert pins it
    device = Device.create(tmp_path / "devices", "laptop-1", profile,
                           records=[person("over TLS")])
    hq.register("laptop-1", device.public)
    with device.vault() as vault:
        from hrd_field.sync.identity import enrolled_profile

        assert enrolled_profile(vault).tls_certificate == cert_a[0].read_text()

    server = hq.serve(tls=cert_a)
    res = ok(device.sync())
    assert "HQ confirmed 1 bundle." in res.stdout
    server.stop()

    with device.vault() as vault:
        vault.records.create(person("must not reach the impostor"))
    hq.serve(tls=cert_b, verify=pinned(cert_b[0]))  # same host and port, another cert
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{hq.url}/v1/health", verify=pinned(cert_a[0]))
    since = datetime.now(UTC)
    res = failed(device.sync())
    assert "certificate is not the one in HQ's profile" in res.stderr
    with device.vault() as vault:
        [waiting] = vault.exports.waiting()
        assert waiting.seq == 2 and waiting.attempts == 1
        assert datetime.fromisoformat(waiting.next_attempt_at or "") >= since
        assert [b.received_at is None for b in vault.exports.bundles()] == [False, True]
    hq.stop_all()
    counts = hq.snapshot()
    assert counts["hq_bundles"] == 1 and counts["records"] == 1  # nothing more uploaded


def test_a_certificate_other_than_the_pinned_one_is_named_as_such(
        hq: Hq, tmp_path: Path) -> None:
    from hrd_field.bundle.profile import load_profile
    from hrd_field.sync.client import IntakeClient
    from hrd_field.sync.errors import SyncError

    cert_a = self_signed_cert(tmp_path / "tls", "hq")
    cert_b = self_signed_cert(tmp_path / "tls", "impostor")
    hq.scheme = "https"
    device = Device.create(tmp_path / "devices", "laptop-1",
                           hq.profile(tls_cert=cert_a[0]), records=[person("x")])
    [(_seq, _bundle_id, path)] = device.fill_outbox()
    hq.serve(tls=cert_b, verify=pinned(cert_b[0]))
    profile = load_profile((hq.root / "profile.hrdprofile").read_bytes())
    with IntakeClient(profile, device.key, attempts=1) as client, \
            pytest.raises(SyncError) as refused:
        client.upload(path)
    assert "certificate" in str(refused.value).lower(), str(refused.value)


# --- stopping HQ ----------------------------------------------------------------------------------


def test_ctrl_c_stops_hq_and_locks_the_store(hq: Hq) -> None:
    server = hq.serve()
    assert server.interrupt() == 0, server.output()
    assert not (hq.store_dir / "vault.open").exists()
    with hq.store() as store:
        assert not store.vault.unclean_shutdown


def test_sigterm_stops_hq_and_locks_the_store(hq: Hq) -> None:
    """What systemd, docker stop and kill send: the store must be closed, not left open."""
    server = hq.serve()
    code = server.stop()
    assert not (hq.store_dir / "vault.open").exists(), "the store was not closed"
    assert code == 0, server.output()
    with hq.store() as store:
        assert not store.vault.unclean_shutdown
