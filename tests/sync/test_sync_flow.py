"""Sync end to end against a real intake (uvicorn in a subprocess, loopback only).

A field vault enrolled with an HQ profile naming the test server runs ``hrd-field sync``:
the bundle goes up, HQ answers with a signed receipt, the device marks it received and,
if HQ's policy says so, drops the local content of what HQ holds. Then everything the
intake must refuse: duplicates, unknown and revoked devices, tampering, oversize uploads,
bad authentication, floods, and other devices' receipts.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from helpers.hqdb import HQ_BACKENDS
from helpers.synckit import (
    CANARY,
    RECEIPT_TYPE,
    Device,
    Hq,
    consultation,
    failed,
    get_receipt,
    ok,
    person,
    post_bundle,
    random_file,
    raw_exchange,
    signed_headers,
    snapshot,
)

from hrd_field.bundle.minisign import SigningKey
from hrd_field.bundle.receipt import load_receipt
from hrd_field.bundle.upload_auth import WINDOW_S, content_digest, sign_request
from hrd_field.sync.exporter import plan_export
from hrd_field.sync.identity import enrol

# Every intake flow here runs against the embedded store and against PostgreSQL.
pytestmark = pytest.mark.parametrize("hq", HQ_BACKENDS, indirect=True)


def enrolled(hq: Hq, tmp_path: Path, name: str = "laptop-1", *, delete_after_receipt: bool =
             False, register: bool = True, records: list | None = None) -> Device:
    """A field vault enrolled with ``hq`` and registered at HQ (both in-process)."""
    profile = hq.profile(delete_after_receipt=delete_after_receipt,
                         name=f"profile-{name}.hrdprofile")
    device = Device.create(tmp_path / "devices", name, profile,
                           records=records if records is not None else
                           [person(f"{name} witness", notes=CANARY)])
    if register:
        hq.register(name, device.public)
    return device


# --- the whole flow ----------------------------------------------------------------------------


@pytest.mark.parametrize("delete_after_receipt", [True, False], ids=["purge", "keep"])
def test_sync_uploads_gets_receipt_marks_received_and_purges_as_hq_asks(
        hq: Hq, tmp_path: Path, delete_after_receipt: bool) -> None:
    cli = delete_after_receipt  # the people's way (CLI) once; in-process for the other case
    profile = hq.profile(delete_after_receipt=delete_after_receipt, cli=cli)
    sent = [person("Amina", notes=f"threatened by {CANARY}"), person("Bakari"),
            consultation(f"meeting about {CANARY}")]
    kept_back = person("Chausiku", notes=f"no HQ consent {CANARY}", hq=False)
    device = Device.create(tmp_path, "laptop-1", None, records=[*sent, kept_back])
    if cli:  # enrolment and registration as people do them
        shown = ok(device.hrd("enroll", profile, "--yes"))
        assert "Fingerprint" in shown.stdout
        identity = ok(device.hrd("identity", "show", "--json")).json()
        assert identity["public_key"] == device.public
        hq.register("laptop-1", identity["public_key"], cli=True)
    else:
        with device.vault() as vault:
            enrol(vault, profile.read_bytes())
        hq.register("laptop-1", device.public)
    hq.serve()

    res = ok(device.sync())
    assert "1 new bundle put in the outbox." in res.stdout
    assert "HQ confirmed 1 bundle." in res.stdout
    assert "0 bundles wait in the outbox." in res.stdout
    purged_line = "3 records HQ holds were removed from this laptop, as HQ asks."
    assert (purged_line in res.stdout) is delete_after_receipt, res.stdout
    if not delete_after_receipt:
        assert "removed" not in res.stdout

    with device.vault() as vault:
        bundles = vault.exports.bundles()
        assert [(b.seq, b.state) for b in bundles] == [(1, "written")]
        assert bundles[0].received_at is not None
        assert vault.exports.waiting() == []
        stored_receipt = bytes(vault.db.query("SELECT receipt FROM outbox WHERE seq = 1")[0][0])
        listed = {r.id for r in vault.records.rows(limit=100)}
        found = {h.id for h in vault.records.search(CANARY)}
        again = plan_export(vault, since_last=True)
        everything = plan_export(vault, since_last=False)
        bodies = dict(vault.db.query("SELECT id, body FROM records"))
        deleted = dict(vault.db.query("SELECT id, deleted FROM records"))
        audit = [e.action for e in vault.audit_log()]
        assert vault.check().ok
    assert device.outbox_files() == []  # the bundle file left the laptop's outbox
    assert again.empty and again.tombstones == 0
    sent_ids = {r.id for r in sent}
    if delete_after_receipt:
        # Not listed, not searchable, not exported again, not sent as deletions.
        assert listed == {kept_back.id}
        assert found == {kept_back.id}
        assert all(bodies[i] == "{}" for i in sent_ids)
        assert all(deleted[i] == 2 for i in sent_ids)
        assert not {i.record_id for i in everything.items} & sent_ids
        assert everything.tombstones == 0
        assert audit.count("record.purge_after_receipt") == 3
    else:
        assert listed == sent_ids | {kept_back.id}
        assert found == {sent[0].id, sent[2].id, kept_back.id}
        assert all(deleted[i] == 0 for i in sent_ids)
        assert "record.purge_after_receipt" not in audit
    assert (CANARY in " ".join(bodies[i] for i in sent_ids)) is not delete_after_receipt

    # Nothing left to do: a second sync sends nothing and purges nothing.
    res = ok(device.sync())
    assert "new bundle" not in res.stdout and "confirmed" not in res.stdout
    assert "removed" not in res.stdout

    hq.stop_all()
    with hq.store() as store:
        counts = {k: v for k, v in snapshot(store).items()
                  if k in ("hq_bundles", "hq_receipts", "records", "hq_versions")}
        receipt_at_hq = store.repo.receipt(bundles[0].bundle_id, device.public)
        held = {r.id for r in store.repo.rows(limit=100)}
        hq_found = {h.id for h in store.repo.search(CANARY)}
    assert counts == {"hq_bundles": 1, "hq_receipts": 1, "records": 3, "hq_versions": 3}
    assert held == sent_ids and kept_back.id not in held
    assert hq_found == {sent[0].id, sent[2].id}  # HQ has the content the laptop dropped
    assert receipt_at_hq == stored_receipt
    receipt = load_receipt(stored_receipt, hq.public_key)
    assert receipt.bundle_id == bundles[0].bundle_id and receipt.sequence == 1
    assert receipt.device_key == device.public
    assert set(receipt.accepted) == {(r.id, 1) for r in sent}


def test_a_record_edited_after_export_keeps_its_new_version_until_that_reaches_hq(
        hq: Hq, tmp_path: Path) -> None:
    edited, other = person("Dalia", notes="first words"), person("Esi")
    device = enrolled(hq, tmp_path, delete_after_receipt=True, records=[edited, other])
    device.fill_outbox()  # version 1 of both is in the outbox
    with device.vault() as vault:
        current = vault.records.get(edited.id)
        current.notes = f"second words {CANARY}"
        vault.records.update(current)
    hq.serve()

    report = device.sync_in_process(export=False)
    assert report.ok and report.received == [1] and report.purged == 1
    with device.vault() as vault:
        assert {r.id for r in vault.records.rows()} == {edited.id}
        assert vault.records.get(edited.id).notes == f"second words {CANARY}"
        assert vault.records.get(edited.id).version == 2

    report = device.sync_in_process()  # version 2 goes, and only then leaves the laptop
    assert report.ok and report.exported == 1 and report.received == [2]
    assert report.purged == 1
    with device.vault() as vault:
        assert vault.records.rows() == []
        assert [b.received_at is not None for b in vault.exports.bundles()] == [True, True]


def test_purge_after_receipt_also_removes_the_records_files_but_not_shared_ones(
        hq: Hq, tmp_path: Path) -> None:
    """Photos and recordings of people are the most identifying content: they go with the
    record. A file another record still uses (one HQ has no consent for) stays."""
    testimony, shared_by, kept_back = (consultation("recorded testimony"),
                                       consultation("group photo, first session"),
                                       person("photographed, no HQ consent", hq=False))
    device = enrolled(hq, tmp_path, delete_after_receipt=True,
                      records=[testimony, shared_by, kept_back])
    own = device.add_attachment(testimony.id, random_file(tmp_path / "testimony.mp4",
                                                          200_000))
    photo = random_file(tmp_path / "group.jpg", 50_000)
    shared = device.add_attachment(shared_by.id, photo)
    assert device.add_attachment(kept_back.id, photo) == shared
    hq.serve()
    assert device.sync_in_process().purged == 2
    with device.vault() as vault:
        assert [r.id for r in vault.records.rows()] == [kept_back.id]
        assert vault.attachment_size(own) is None, "the testimony recording is still here"
        assert vault.attachment_size(shared) == 50_000
        with vault.open_attachment(shared) as chunks:
            assert b"".join(chunks) == photo.read_bytes()
        assert vault.check().ok


# --- duplicates --------------------------------------------------------------------------------


def test_duplicate_uploads_get_byte_identical_receipts_and_import_once(
        hq: Hq, tmp_path: Path) -> None:
    first = [person(f"Fatuma {i}") for i in range(5)]
    device = enrolled(hq, tmp_path, records=first)
    [(seq1, id1, path1)] = device.fill_outbox()
    hq.serve()

    body = path1.read_bytes()
    one = post_bundle(hq.url, device.key, body)
    two = post_bundle(hq.url, device.key, body)
    assert one.status_code == two.status_code == 200, (one.text, two.text)
    assert one.headers["content-type"] == RECEIPT_TYPE
    assert one.content == two.content

    # Two concurrent POSTs of a bundle HQ has never seen.
    with device.vault() as vault:
        second = [person(f"Gift {i}") for i in range(4)]
        vault.records.create_many(second)
    [_, (seq2, id2, path2)] = device.fill_outbox()
    body2 = path2.read_bytes()
    barrier = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def upload() -> None:
        barrier.wait()
        answers.append(post_bundle(hq.url, device.key, body2))

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert answers[0].content == answers[1].content
    receipts = {load_receipt(a.content, hq.public_key).bundle_id for a in (one, *answers)}
    assert receipts == {id1, id2}

    # The device itself uploading again is one more duplicate: same receipt, all received.
    report = device.sync_in_process(export=False)
    assert report.ok and report.received == [seq1, seq2] and report.uploaded == 2
    with device.vault() as vault:
        kept = {int(r[0]): bytes(r[1]) for r in vault.db.query(
            "SELECT seq, receipt FROM outbox")}
    assert kept == {seq1: one.content, seq2: answers[0].content}

    hq.stop_all()
    counts = hq.snapshot()
    assert counts["hq_bundles"] == 2 and counts["hq_receipts"] == 2
    assert counts["records"] == counts["hq_versions"] == 9
    assert hq.spool_files() == []


def test_a_cloned_device_sending_other_content_under_the_same_sequence_is_409(
        hq: Hq, tmp_path: Path) -> None:
    device = enrolled(hq, tmp_path, records=[])
    clone = device.cloned(tmp_path / "clone")  # a seized laptop copied, same device key
    with device.vault() as vault:
        vault.records.create(person("original"))
    with clone.vault() as vault:
        vault.records.create(person("forged"))
    hq.serve()
    assert device.sync_in_process().received == [1]
    report = clone.sync_in_process()
    assert not report.ok and report.received == [] and "ALARM" in report.errors[0]
    with clone.vault() as vault:
        assert len(vault.exports.waiting()) == 1
    hq.stop_all()
    counts = hq.snapshot()
    assert counts["hq_bundles"] == 1 and counts["hq_alarms"] == 1 and counts["records"] == 1


# --- devices HQ does not accept -------------------------------------------------------------------


def test_unknown_device_is_403_and_nothing_is_decrypted_or_kept(
        hq: Hq, tmp_path: Path) -> None:
    device = enrolled(hq, tmp_path, register=False)
    [(_seq, _id, path)] = device.fill_outbox()
    before = hq.snapshot()
    hq.serve()

    res = failed(device.sync())
    assert "unknown or revoked device" in res.stderr
    answer = post_bundle(hq.url, device.key, path.read_bytes())
    assert answer.status_code == 403 and answer.json()["error"] == "forbidden"
    assert get_receipt(hq.url, device.key, _id).status_code == 403

    hq.stop_all()
    assert hq.snapshot() == before
    assert hq.quarantine_files() == [] and hq.spool_files() == []
    with device.vault() as vault:
        [waiting] = vault.exports.waiting()
        assert waiting.attempts == 1 and "unknown or revoked" in (waiting.last_error or "")
        assert vault.exports.bundles()[0].received_at is None
    assert device.outbox_files() == [path.name]


def test_revoked_device_is_403(hq: Hq, tmp_path: Path) -> None:
    device = enrolled(hq, tmp_path)
    [(_seq, bundle_id, path)] = device.fill_outbox()
    hq.revoke("laptop-1")
    before = hq.snapshot()
    hq.serve()
    report = device.sync_in_process(export=False)
    assert not report.ok and "unknown or revoked device" in report.errors[0]
    assert post_bundle(hq.url, device.key, path.read_bytes()).status_code == 403
    assert get_receipt(hq.url, device.key, bundle_id).status_code == 403
    hq.stop_all()
    assert hq.snapshot() == before
    assert hq.spool_files() == [] and hq.quarantine_files() == []


# --- tampering --------------------------------------------------------------------------------


def flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def test_body_changed_after_signing_is_400_hash_mismatch(hq: Hq, tmp_path: Path) -> None:
    device = enrolled(hq, tmp_path)
    [(_seq, _id, path)] = device.fill_outbox()
    body = path.read_bytes()
    before = hq.snapshot()
    hq.serve()
    answer = post_bundle(hq.url, device.key, body, send=flipped(body, len(body) // 2))
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "hash_mismatch"
    hq.stop_all()
    assert hq.snapshot() == before
    assert hq.spool_files() == []


def test_tampered_bundle_with_valid_upload_signature_is_422_and_stays_in_the_outbox(
        hq: Hq, tmp_path: Path) -> None:
    device = enrolled(hq, tmp_path, delete_after_receipt=True)
    [(seq, _id, path)] = device.fill_outbox()
    tampered = flipped(path.read_bytes(), path.stat().st_size - 40)  # inside the payload
    path.write_bytes(tampered)
    before = hq.snapshot()
    hq.serve()

    res = failed(device.sync("--no-export"))
    assert "HQ refused the bundle" in res.stderr and "Rejected" in res.stderr
    answer = post_bundle(hq.url, device.key, tampered)  # correctly signed for these bytes
    assert answer.status_code == 422 and answer.json()["error"] == "rejected"

    hq.stop_all()
    assert hq.snapshot() == before
    assert hq.spool_files() == [] and hq.quarantine_files() == []
    with device.vault() as vault:
        [waiting] = vault.exports.waiting()
        assert waiting.seq == seq and waiting.attempts == 1
        assert len(vault.records.rows()) == 1  # nothing purged
    assert device.outbox_files() == [path.name]


# --- size limits --------------------------------------------------------------------------------


def test_oversize_upload_is_413_before_the_body_is_read_and_no_length_is_411(
        hq: Hq, tmp_path: Path) -> None:
    limit = 256 << 10
    device = enrolled(hq, tmp_path)
    with device.vault() as vault:
        record_id = vault.records.rows()[0].id
    device.add_attachment(record_id, random_file(tmp_path / "clip.mp4", 400_000))
    [(_seq, _id, path)] = device.fill_outbox()
    assert path.stat().st_size > limit
    hq.serve(max_upload=limit)

    # Only the request head is sent: HQ answers without waiting for 100 MiB of body.
    url = hq.url + "/v1/bundles"
    headers = sign_request(device.key, "POST", url, "0" * 64, 100 << 20)
    head = (f"POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1:{hq.port}\r\n"
            f"Content-Length: {100 << 20}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
    status, _headers, body = raw_exchange(hq.port, head, timeout=10)
    assert status == 413 and b"too_large" in body
    # Same without any authentication: the size is checked first.
    head = (f"POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1:{hq.port}\r\n"
            f"Content-Length: {limit + 1}\r\n\r\n").encode()
    assert raw_exchange(hq.port, head, timeout=10)[0] == 413

    res = failed(device.sync("--no-export"))
    assert "HQ refused the bundle" in res.stderr and str(limit) in res.stderr
    with device.vault() as vault:
        assert len(vault.exports.waiting()) == 1
    assert hq.spool_files() == []

    # No Content-Length at all (a chunked body): 411, whatever the size.
    head = (f"POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1:{hq.port}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode()
    status, _headers, body = raw_exchange(hq.port, head, b"5\r\nhello\r\n0\r\n\r\n")
    assert status == 411 and b"length_required" in body


# --- authentication ----------------------------------------------------------------------------


def test_bad_timestamp_or_signature_is_401_and_nothing_is_read(
        hq: Hq, tmp_path: Path) -> None:
    device = enrolled(hq, tmp_path)
    [(_seq, _id, path)] = device.fill_outbox()
    body = path.read_bytes()
    url = hq.url + "/v1/bundles"
    before = hq.snapshot()
    hq.serve()
    stranger = SigningKey.generate()

    def with_headers(headers: dict[str, str]) -> httpx.Response:
        headers = {**headers, "content-length": str(len(body))}
        return httpx.post(url, headers=headers, content=body, timeout=30)

    good = signed_headers(device.key, "POST", url, body)
    cases = {
        "too old": signed_headers(device.key, "POST", url, body,
                                  now=time.time() - WINDOW_S - 60),
        "in the future": signed_headers(device.key, "POST", url, body,
                                        now=time.time() + WINDOW_S + 60),
        "signed by another key": {**good, "Signature": signed_headers(
            stranger, "POST", url, body)["Signature"]},
        "signature over another URL": {**signed_headers(
            device.key, "POST", f"http://localhost:{hq.port}/v1/bundles", body)},
        "signature over another method": {**signed_headers(device.key, "PUT", url, body)},
        "time changed after signing": {**good, "Signature-Input": re.sub(
            r"created=(\d+)", lambda m: f"created={int(m[1]) + 1}",
            good["Signature-Input"])},
        "digest of another body after signing": {**good, "content-digest": content_digest(
            hashlib.sha256(b"another body").hexdigest())},
        "garbled signature": {**good, "Signature": "hrd=not base64!"},
        "no signature": {k: v for k, v in good.items() if k != "Signature"},
        "no signature input": {k: v for k, v in good.items() if k != "Signature-Input"},
        "malformed digest": {**good, "content-digest": "ABC"},
        "no digest": {k: v for k, v in good.items() if k != "content-digest"},
    }
    for why, headers in cases.items():
        answer = with_headers(headers)
        assert answer.status_code == 401, (why, answer.text)
        assert answer.json()["error"] == "unauthenticated", why
    assert with_headers(good).status_code == 200  # the control

    hq.stop_all()
    after = hq.snapshot()
    assert after["hq_bundles"] == before["hq_bundles"] + 1  # only the control went in
    assert hq.spool_files() == []


def test_a_flood_from_one_device_is_429_after_a_burst(hq: Hq, tmp_path: Path) -> None:
    device = enrolled(hq, tmp_path)
    other = enrolled(hq, tmp_path, "laptop-2")
    [(_seq, _id, path)] = device.fill_outbox()
    hq.serve_custom(capacity=3, per_second=0.001)
    statuses = [get_receipt(hq.url, device.key, str(uuid.uuid4())).status_code
                for _ in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    answer = post_bundle(hq.url, device.key, path.read_bytes())
    assert answer.status_code == 429 and answer.json()["error"] == "rate_limited"
    # The bucket is per device: another laptop is not held back.
    assert get_receipt(hq.url, other.key, str(uuid.uuid4())).status_code == 404
    assert hq.spool_files() == []


# --- receipts -----------------------------------------------------------------------------------


def test_receipts_can_be_fetched_by_their_device_only(hq: Hq, tmp_path: Path) -> None:
    device = enrolled(hq, tmp_path)
    other = enrolled(hq, tmp_path, "laptop-2")
    stranger = enrolled(hq, tmp_path, "laptop-3", register=False)
    [(_seq, bundle_id, _path)] = device.fill_outbox()
    hq.serve()
    assert device.sync_in_process(export=False).received == [1]
    with device.vault() as vault:
        kept = bytes(vault.db.query("SELECT receipt FROM outbox")[0][0])

    mine = get_receipt(hq.url, device.key, bundle_id)
    assert mine.status_code == 200 and mine.headers["content-type"] == RECEIPT_TYPE
    assert mine.content == kept
    assert get_receipt(hq.url, device.key, str(uuid.uuid4())).status_code == 404
    theirs = get_receipt(hq.url, other.key, bundle_id)
    assert theirs.status_code == 404 and bundle_id.encode() not in theirs.content
    assert get_receipt(hq.url, stranger.key, bundle_id).status_code == 403


def test_a_bundle_whose_file_is_gone_is_settled_by_fetching_its_receipt(
        hq: Hq, tmp_path: Path) -> None:
    """The upload went through but the answer was lost, and the file went with a crash:
    the next sync asks HQ for the receipt instead of uploading."""
    device = enrolled(hq, tmp_path, delete_after_receipt=True)
    [(seq, bundle_id, path)] = device.fill_outbox()
    hq.serve()
    answer = post_bundle(hq.url, device.key, path.read_bytes())
    assert answer.status_code == 200
    path.unlink()
    report = device.sync_in_process(export=False)
    assert report.ok and report.received == [seq] and report.purged == 1
    assert report.uploaded == 0
    with device.vault() as vault:
        assert vault.exports.waiting() == []
        assert bytes(vault.db.query("SELECT receipt FROM outbox WHERE seq = ?",
                                    (seq,))[0][0]) == answer.content
    assert hashlib.sha256(answer.content).hexdigest() == hashlib.sha256(
        get_receipt(hq.url, device.key, bundle_id).content).hexdigest()


def test_a_bundle_whose_file_is_gone_and_hq_never_got_it_stays_waiting(
        hq: Hq, tmp_path: Path) -> None:
    device = enrolled(hq, tmp_path)
    [(_seq, _bundle_id, path)] = device.fill_outbox()
    path.unlink()
    hq.serve()
    report = device.sync_in_process(export=False)
    assert not report.ok and report.received == [] and "missing" in report.errors[0]
    with device.vault() as vault:
        [waiting] = vault.exports.waiting()
        assert waiting.attempts == 1 and vault.exports.bundles()[0].received_at is None
