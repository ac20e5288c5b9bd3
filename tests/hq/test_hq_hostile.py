"""HQ import against damaged, forged, forwarded, replayed and malicious bundles.

Every case builds a real bundle file, imports it into a real HQ store and checks the
outcome's status (and, for a few, the exit code of ``hrd-field hq import``) AND that nothing
was imported: the row counts of records, versions, bundles, attachments, blobs, search index
and gaps are unchanged.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.hqdb import HQ_BACKENDS, new_hq_database
from helpers.hqkit import (
    CANARY,
    World,
    consultation,
    decrypt,
    encrypt,
    exists,
    export,
    fake_stanzas,
    files_containing,
    header_length,
    jsonl,
    make_inner,
    make_world,
    mission,
    new_identity,
    person,
    raw_tar_header,
    sign_bundle,
    snapshot,
    tar_member,
    tar_of,
    threat,
    write_file,
)

from hrd_field.bundle.agefile import MAGIC
from hrd_field.core import codec
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.store import HqStore

ATTACHMENT = os.urandom(200_000)  # 4 age chunks: first, middle, last (partial)


@pytest.fixture(scope="module", params=HQ_BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    database = new_hq_database(request, request.param)
    root = tmp_path_factory.mktemp("hostile")
    people = [person(f"Defender {i}", notes=f"{CANARY} note {i}") for i in range(5)]
    records = [*people, threat(f"{CANARY} threat", person_ids=[people[0].id]),
               consultation(f"{CANARY} consultation")]
    world = make_world(root, records=records, database=database)
    with world.vault() as vault:
        vault.add_attachment(people[1].id, io.BytesIO(ATTACHMENT),
                             filename="photo.jpg")
    return world


@pytest.fixture(scope="module")
def base_bundle(world: World) -> bytes:
    """A real bundle (seq 1 of the main device), never imported into the shared store."""
    paths = export(world.field, world.root / "base")
    assert len(paths) == 1
    data = paths[0].read_bytes()
    assert len(data) > 3 * 65_536
    return data


@pytest.fixture
def store(world: World) -> Iterator[HqStore]:
    with world.store() as opened:
        yield opened


_device_counter = iter(range(1, 10_000))


def fresh_device(world: World, store: HqStore, **kw: object):  # type: ignore[no-untyped-def]
    return world.add_device(f"dev-{next(_device_counter)}", store=store, **kw)


def valid_records(n: int = 3) -> list:  # type: ignore[type-arg]
    return [person(f"Witness {i}", notes=f"{CANARY} {i}") for i in range(n)]


def expect(store: HqStore, path: Path, status: str, *, changed: dict[str, int] | None = None,
           words: tuple[str, ...] = ()) -> None:
    """Import ``path``; the status is ``status`` and the store did not change (apart from
    the ``changed`` counters, e.g. one alarm)."""
    before = snapshot(store)
    gaps = store.repo.gaps()
    outcome = import_bundle(store, path)
    assert outcome.status == status, (outcome.status, outcome.message)
    assert outcome.exit_code == (0 if status in ("imported", "duplicate") else 1)
    after = snapshot(store)
    expected = dict(before)
    for key, delta in (changed or {}).items():
        expected[key] += delta
    assert after == expected, f"{status}: store changed {before} -> {after}"
    assert store.repo.gaps() == gaps
    assert CANARY not in outcome.message
    for word in words:
        assert word.lower() in outcome.message.lower(), outcome.message


def expect_rejected(store: HqStore, data: bytes, directory: Path, *words: str) -> None:
    expect(store, write_file(directory, data), "rejected", words=words)


# --- the outer layer: truncation, bit flips, recipients ---------------------------------------


def test_truncated_at_many_offsets(world: World, store: HqStore, base_bundle: bytes,
                                   tmp_path: Path) -> None:
    header = header_length(base_bundle)
    size = len(base_bundle)
    payload = header + 16
    offsets = sorted({
        0, 1, 10, len(MAGIC) - 1, len(MAGIC), len(MAGIC) + 3, header // 3, header // 2,
        header - 2, header - 1, header, header + 1, header + 15,  # header and nonce
        payload, payload + 1, payload + 511, payload + 512, payload + 5000,  # first chunk
        payload + 65_535, payload + 65_536, payload + 65_551, payload + 65_552,
        payload + 65_553, payload + 100_000, payload + 2 * 65_552,  # chunk boundaries
        size - 17, size - 16, size - 15, size - 100, size - 1000, size - 2, size - 1,
    })
    assert len(offsets) >= 30
    for offset in offsets:
        expect_rejected(store, base_bundle[:offset], tmp_path)


def test_truncated_bundle_through_the_cli(world: World, base_bundle: bytes,
                                          tmp_path: Path) -> None:
    path = write_file(tmp_path, base_bundle[: len(base_bundle) - 1000])
    res = world.hrd("hq", "import", path, "--store", world.store_dir, "--json")
    assert res.returncode == 1, res
    assert json.loads(res.stdout)[0]["status"] == "rejected"
    assert "Traceback" not in res.stderr and CANARY not in res.stdout + res.stderr


def test_single_bit_flips(store: HqStore, base_bundle: bytes, tmp_path: Path) -> None:
    header = header_length(base_bundle)
    size = len(base_bundle)
    mac = base_bundle.rindex(b"--- ", 0, header)
    stanzas = range(len(MAGIC), mac, max(1, (mac - len(MAGIC)) // 16))
    positions = sorted({
        0, 3, len(MAGIC) - 1,  # version line
        *stanzas,  # X25519 stanza and grease stanza, arguments and bodies
        mac, mac + 4, mac + 20, mac + 46, header - 1,  # MAC line
        header, header + 7, header + 15,  # payload nonce
        header + 16, header + 17, header + 600, header + 30_000, header + 65_551,  # chunk 1
        header + 16 + 65_552, header + 16 + 65_552 + 65_551,  # chunk 2
        size - 5000, size - 200, size - 17, size - 16, size - 8, size - 1,  # last chunk + tag
    })
    assert len(positions) >= 40
    for pos in positions:
        flipped = bytearray(base_bundle)
        flipped[pos] ^= 1 << (pos % 8)
        expect_rejected(store, bytes(flipped), tmp_path)


def test_encrypted_to_another_hq(world: World, store: HqStore, tmp_path: Path) -> None:
    _, other_recipient = new_identity()
    path = sign_bundle(tmp_path, world.device, [other_recipient], 90,
                       jsonl(valid_records()))
    expect(store, path, "rejected", words=("none of the available keys",))


def test_forwarded_to_hq_and_a_third_party_is_rejected(world: World, store: HqStore,
                                                      tmp_path: Path) -> None:
    device = fresh_device(world, store)
    original = sign_bundle(tmp_path / "orig", device.key, world.recipients, 1,
                           jsonl(valid_records()), counts={"person": 3})
    inner = decrypt(original.read_bytes(), world.identity)  # someone holding HQ's key...
    _, eavesdropper = new_identity()
    forwarded = encrypt(inner, [*world.recipients, eavesdropper])  # ...re-encrypts it
    expect_rejected(store, forwarded, tmp_path, "forwarded")
    # Re-encrypted to exactly the recipients the manifest names, it is still fine.
    outcome = import_bundle(store, write_file(tmp_path, encrypt(inner, world.recipients)))
    assert outcome.status == "imported", outcome.message


def test_forwarded_to_someone_else_only_is_not_for_us(world: World, store: HqStore,
                                                     base_bundle: bytes,
                                                     tmp_path: Path) -> None:
    _, other = new_identity()
    expect_rejected(store, encrypt(decrypt(base_bundle, world.identity), [other]), tmp_path)


# --- who signed it ----------------------------------------------------------------------------


def test_unknown_signer_is_quarantined_encrypted(tmp_path: Path) -> None:
    world = make_world(tmp_path / "w", records=[person("Known", notes=CANARY)])
    stranger = world.add_device("stranger", register=False,
                                records=[person("Stranger", notes=f"{CANARY} stranger")])
    [path] = export(stranger, tmp_path / "out")
    original = path.read_bytes()
    with world.store() as store:
        before = snapshot(store)
    res = world.hrd("hq", "import", path, "--store", world.store_dir, "--json")
    assert res.returncode == 1, res
    [summary] = res.json()
    assert summary["status"] == "unknown_device"
    assert "Unknown device" in summary["message"] and "quarantine" in summary["message"]
    assert stranger.key.public_key().fingerprint() in summary["message"]
    kept = list((world.store_dir / "quarantine").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == original
    assert kept[0].stat().st_mode & 0o777 == 0o600
    assert kept[0].name != path.name  # a fresh random name, not the uploader's
    with world.store() as store:
        after = snapshot(store)
        assert after == {**before, "hq_quarantine": before["hq_quarantine"] + 1}
        assert store.repo.gaps() == {world.device_name: []}
    # Nothing in clear anywhere: not the records, not the tar, not the manifest.
    assert files_containing(tmp_path, [CANARY.encode(), b"ustar\x0000", b"manifest.json",
                                       b'"alias"']) == []
    # Once HQ approves the device, the quarantined file imports as it is.
    world.hrd("hq", "device", "add", stranger.public, "--name", "stranger", "--store",
              world.store_dir)
    res = world.hrd("hq", "import", kept[0], "--store", world.store_dir, "--json")
    assert res.returncode == 0, res
    assert res.json()[0]["status"] == "imported"


def test_revoked_device_is_rejected(world: World, tmp_path: Path) -> None:
    with world.store() as store:
        device = fresh_device(world, store)
    bundle = sign_bundle(tmp_path, device.key, world.recipients, 1, jsonl(valid_records()))
    res = world.hrd("hq", "device", "revoke", device.name, "--store", world.store_dir)
    assert res.returncode == 0, res
    res = world.hrd("hq", "import", bundle, "--store", world.store_dir, "--json")
    assert res.returncode == 1, res
    assert res.json()[0]["status"] == "revoked"
    with world.store() as store:
        expect(store, bundle, "revoked", words=("revoked",))
        listed = {d.name: d for d in store.repo.devices()}
        assert listed[device.name].status == "revoked"


def test_revoked_after_a_sequence(world: World, tmp_path: Path) -> None:
    with world.store() as store:
        device = fresh_device(world, store)
    one, two = (sign_bundle(tmp_path / str(n), device.key, world.recipients, n,
                            jsonl(valid_records(2)), counts={"person": 2}) for n in (1, 2))
    res = world.hrd("hq", "device", "revoke", device.name, "--after-seq", "1", "--store",
                    world.store_dir)
    assert res.returncode == 0, res
    res = world.hrd("hq", "device", "list", "--json", "--store", world.store_dir)
    entry = next(d for d in res.json() if d["name"] == device.name)
    assert entry["status"] == "revoked" and entry["revoked_after_seq"] == 1
    with world.store() as store:
        before = snapshot(store)["records"]
        # Arriving after the revocation, nothing HQ holds vouches for it: kept for review.
        outcome = import_bundle(store, one)
        assert outcome.status == "revoked" and "quarantine" in outcome.message
        assert snapshot(store)["records"] == before
    res = world.hrd("hq", "import", one, "--after-revocation", "--store", world.store_dir)
    assert res.returncode == 0, res
    with world.store() as store:
        assert snapshot(store)["records"] == before + 2
        expect(store, two, "revoked")
        assert store.repo.bundle_at(device.public, 2) is None


# --- replays, equivocation, order -------------------------------------------------------------


def test_replay_under_another_name_is_a_duplicate(world: World, tmp_path: Path) -> None:
    with world.store() as store:
        device = fresh_device(world, store)
    bundle = sign_bundle(tmp_path / "a", device.key, world.recipients, 1,
                         jsonl(valid_records()), counts={"person": 3})
    with world.store() as store:
        first = import_bundle(store, bundle)
        assert first.status == "imported"
    replay = tmp_path / "b" / "0123456789abcdef0123456789abcdef.hrdb"
    replay.parent.mkdir()
    shutil.copyfile(bundle, replay)
    res = world.hrd("hq", "import", replay, "--store", world.store_dir, "--json")
    assert res.returncode == 0, res
    [summary] = res.json()
    assert summary["status"] == "duplicate"
    assert summary["bundle_id"] == first.bundle_id
    assert {(a["id"], a["version"]) for a in summary["accepted"]} == set(first.accepted)
    with world.store() as store:
        expect(store, replay, "duplicate", words=(first.bundle_id or "",))


def test_equivocation_raises_an_alarm(world: World, tmp_path: Path) -> None:
    with world.store() as store:
        device = fresh_device(world, store, records=valid_records(2))
    [real] = export(device, tmp_path / "real")
    with world.store() as store:
        first = import_bundle(store, real)
        assert first.status == "imported"
        alarms = len(store.repo.alarms())
    # The same device key signs other content under the same sequence number (a clone).
    from hrd_field.sync.identity import device_key

    with device.vault() as vault:
        key = device_key(vault)
        [entry] = vault.exports.bundles()
    assert entry.seq == 1
    other = [person("Someone else", notes=CANARY)]
    forged = sign_bundle(tmp_path / "forged", key, world.recipients, entry.seq, jsonl(other))
    res = world.hrd("hq", "import", forged, "--store", world.store_dir)
    assert res.returncode == 1, res
    assert "ALARM" in res.stderr
    with world.store() as store:
        new_alarms = store.repo.alarms()[alarms:]
        assert [(a[1], a[2], a[3]) for a in new_alarms] == [
            ("equivocation", key.public_key().to_base64(), 1)]
        assert not exists(store, other[0].id)
        expect(store, forged, "equivocation", changed={"hq_alarms": 1})
        kept = store.repo.bundle_at(device.public, 1)
        assert kept is not None and kept.bundle_id == first.bundle_id  # the first one stays
    listed = world.hrd("hq", "alarms", "--json", "--store", world.store_dir)
    assert listed.returncode == 0, listed
    assert [(a["kind"], a["sequence"]) for a in listed.json()][-1:] == [("equivocation", 1)]


def test_out_of_order_arrival_fills_the_gaps(world: World, store: HqStore,
                                             tmp_path: Path) -> None:
    device = fresh_device(world, store)
    bundles = {n: sign_bundle(tmp_path / str(n), device.key, world.recipients, n,
                              jsonl(valid_records(1))) for n in (1, 2, 3)}
    assert import_bundle(store, bundles[3]).status == "imported"
    assert store.repo.gaps()[device.name] == [(1, 2)]
    assert import_bundle(store, bundles[1]).status == "imported"
    assert store.repo.gaps()[device.name] == [(2, 2)]
    assert import_bundle(store, bundles[2]).status == "imported"
    assert store.repo.gaps()[device.name] == []
    assert store.repo.bundle_at(device.public, 2) is not None


# --- the archive inside: members --------------------------------------------------------------


def _inner_bundle(world: World, tmp_path: Path, parts_edit, **kw) -> Path:  # type: ignore[no-untyped-def]
    inner = make_inner(world.device, world.recipients, 70, jsonl(valid_records()),
                       attachments=[b"photo bytes" * 100], **kw)
    parts = parts_edit(inner, inner.parts()) if parts_edit else inner.parts()
    return write_file(tmp_path, encrypt(tar_of(parts), world.recipients))


def test_sanity_hand_made_bundle_would_be_accepted(world: World, tmp_path: Path) -> None:
    # The builders below make bundles HQ accepts when nothing is wrong with them.
    with world.store() as store:
        device = fresh_device(world, store)
        inner = make_inner(device.key, world.recipients, 1, jsonl(valid_records()),
                           attachments=[b"photo bytes" * 100])
        path = write_file(tmp_path, encrypt(inner.tar(), world.recipients))
        outcome = import_bundle(store, path)
        assert outcome.status == "imported", outcome.message
        assert outcome.counts["attachments"] == 1


def test_member_hash_mismatch(world: World, store: HqStore, tmp_path: Path) -> None:
    def swap(inner, parts):  # type: ignore[no-untyped-def]
        name, data = inner.attachments[0]
        return [*parts[:3], tar_member(name, b"X" * len(data))]

    expect(store, _inner_bundle(world, tmp_path, swap), "rejected", words=("sha-256",))

    def swap_records(inner, parts):  # type: ignore[no-untyped-def]
        forged = inner.records.replace(b"Witness 0", b"Witness 9")
        return [*parts[:2], tar_member("records.jsonl", forged), *parts[3:]]

    expect(store, _inner_bundle(world, tmp_path, swap_records), "rejected")


@pytest.mark.parametrize("name", [
    "attachments/" + "0" * 64, "extra.txt", "../../../tmp/hrd-evil", "/etc/passwd",
    "attachments/../../x"])
def test_extra_or_tricky_member(world: World, store: HqStore, tmp_path: Path,
                                name: str) -> None:
    def add(inner, parts):  # type: ignore[no-untyped-def]
        return [*parts, tar_member(name, b"#!/bin/sh\necho owned\n")]

    expect(store, _inner_bundle(world, tmp_path, add), "rejected")

    def replace_records(inner, parts):  # type: ignore[no-untyped-def]
        return [*parts[:2], tar_member(name, inner.records), *parts[3:]]

    expect(store, _inner_bundle(world, tmp_path, replace_records), "rejected")
    assert not Path("/tmp/hrd-evil").exists()


@pytest.mark.parametrize("name", ["../records.jsonl", "/etc/passwd", "attachments/../x"])
def test_manifest_naming_a_path_is_rejected(world: World, store: HqStore, tmp_path: Path,
                                            name: str) -> None:
    def mutate(obj):  # type: ignore[no-untyped-def]
        obj["members"].append({"name": name, "sha256": "1" * 64, "size": 3})

    def add(inner, parts):  # type: ignore[no-untyped-def]
        return [*parts, tar_member(name, b"abc")]

    expect(store, _inner_bundle(world, tmp_path, add, mutate=mutate), "rejected",
           words=("manifest",))


def test_huge_declared_lengths(world: World, store: HqStore, tmp_path: Path) -> None:
    records = jsonl(valid_records())

    def huge_records(obj):  # type: ignore[no-untyped-def]
        obj["members"][0]["size"] = 2**40

    inner = make_inner(world.device, world.recipients, 71, records, mutate=huge_records)
    start = time.monotonic()
    expect_rejected(store, encrypt(inner.tar(), world.recipients), tmp_path, "limit")

    # The tar header claims 8 GiB for records.jsonl; the manifest says a few hundred bytes.
    inner = make_inner(world.device, world.recipients, 72, records)
    parts = inner.parts()
    parts[2] = raw_tar_header(b"records.jsonl", b"77777777777\0") + records
    expect_rejected(store, encrypt(tar_of(parts), world.recipients), tmp_path)

    # An attachment of 4 GiB (the limit) declared in both, with 1 KiB of content behind it.
    def big_attachment(obj):  # type: ignore[no-untyped-def]
        obj["members"].append({"name": "attachments/" + "a" * 64, "sha256": "a" * 64,
                               "size": 4 << 30})
        obj["counts"]["attachments"] = 1

    inner = make_inner(world.device, world.recipients, 73, records, mutate=big_attachment)
    parts = [*inner.parts(),
             raw_tar_header(b"attachments/" + b"a" * 64, b"%011o\0" % (4 << 30)) + b"z" * 1024]
    expect_rejected(store, encrypt(b"".join(parts), world.recipients), tmp_path)

    # The manifest member itself claims 8 GiB.
    parts = inner.parts()
    parts[0] = raw_tar_header(b"manifest.json", b"77777777777\0") + inner.manifest
    expect_rejected(store, encrypt(tar_of(parts), world.recipients), tmp_path)
    assert time.monotonic() - start < 10


# --- the records inside: signed correctly, but bad ------------------------------------------


def _line(record_dict: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps(record_dict, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def _bad_lines() -> dict[str, bytes]:
    good = jsonl(valid_records(3))
    base = codec.to_dict(person("Malformed", notes=CANARY))
    text = _line(base)
    unknown_code = dict(base, gender="martian")
    long_alias = dict(base, alias="A" * 5000)
    bad_type = dict(base, type="spaceship")
    return {
        "invalid_utf8": good + text.replace(b"Malformed", b"Malf\xff\xfeormed") + b"\n",
        "duplicate_key": good + b'{"alias":"Shadow",' + text[1:] + b"\n",
        "unknown_vocabulary_code": good + _line(unknown_code) + b"\n",
        "over_long_field": good + _line(long_alias) + b"\n",
        "unknown_record_type": good + _line(bad_type) + b"\n",
        # a type that is no text could not be looked up and escaped as a TypeError
        "type_is_a_list": good + _line(dict(base, type=[])) + b"\n",
        "type_is_an_object": good + _line(dict(base, type={"person": 1})) + b"\n",
        "not_json": good + b"{this is not json\n",
        "json_array": good + b"[1, 2, 3]\n",
        "nan": good + text.replace(b'"notes":', b'"nan_field":NaN,"notes":') + b"\n",
        "deep_nesting": good + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        "unknown_field": good + _line(dict(base, shoe_size=44)) + b"\n",
        "bad_uuid": good + _line(dict(base, id="../../etc/passwd")) + b"\n",
        "malformed_tombstone": good + b'{"deleted":true,"id":"x"}\n',
        "invalid_first_line": _line(unknown_code) + b"\n" + good,
    }


BAD_LINES = sorted(_bad_lines())


@pytest.mark.parametrize("case", BAD_LINES)
def test_bad_record_lines_reject_the_whole_bundle(world: World, store: HqStore,
                                                  tmp_path: Path, case: str) -> None:
    path = sign_bundle(tmp_path, world.device, world.recipients, 200 + BAD_LINES.index(case),
                       _bad_lines()[case], attachments=[b"attached " * 50])
    expect(store, path, "rejected", words=("nothing was imported",))


def _with(**fields: object) -> bytes:
    return _line(dict(codec.to_dict(person("Numbers", notes=CANARY)), **fields))


# A number where a whole number belongs: the field and what is wrong with it are named
# (it was refused as content that "cannot be read", naming neither).
NUMBER_CASES = {
    "float_1e30": (_with(version=1e30), "out of range"),
    "negative_float_1e30": (_with(version=-1e30), "out of range"),
    "integer_beyond_64_bits": (_with(version=99_999_999_999_999_999_999), "out of range"),
    "fraction": (_with(version=3.5), "not a whole number"),
}


@pytest.mark.parametrize("case", sorted(NUMBER_CASES))
def test_a_number_out_of_an_integer_fields_reach_is_named(world: World, store: HqStore,
                                                          tmp_path: Path, case: str) -> None:
    line, problem = NUMBER_CASES[case]
    path = sign_bundle(tmp_path, world.device, world.recipients,
                       400 + sorted(NUMBER_CASES).index(case),
                       jsonl(valid_records(2)) + line + b"\n")
    expect(store, path, "rejected", words=("record 3", "version", problem,
                                           "nothing was imported"))


@pytest.mark.parametrize("line", [
    b'{"deleted":true,"deleted_at":"2025-01-01T00:00:00Z","id":"%s","type":"spaceship",'
    b'"version":2}',
    b'{"deleted":true,"deleted_at":"2025-01-01T00:00:00Z","id":"not-a-uuid",'
    b'"type":"person","version":2}',
    b'{"deleted":true,"deleted_at":"yesterday","id":"%s","type":"person","version":2}',
    b'{"deleted":true,"deleted_at":"2025-01-01T00:00:00Z","id":"%s","type":"person",'
    b'"version":true}',
    b'{"deleted":true,"deleted_at":"2025-01-01T00:00:00Z","id":"%s","type":"person",'
    b'"version":0}',
    b'{"deleted":true,"deleted_at":"2025-01-01T00:00:00Z","id":"%s","type":[],"version":2}',
    b'{"deleted":true,"deleted_at":"2025-01-01T00:00:00Z","id":"%s\\n","type":"person",'
    b'"version":2}',
    b'{"deleted":true,"deleted_at":"2025-01-01T00:00:00Z\\n","id":"%s","type":"person",'
    b'"version":2}',
], ids=["unknown_type", "bad_id", "bad_time", "bool_version", "version_0", "type_is_a_list",
        "id_with_a_newline", "time_with_a_newline"])
def test_malformed_tombstone_is_rejected(world: World, store: HqStore, tmp_path: Path,
                                         line: bytes) -> None:
    if b"%s" in line:
        line = line % str(uuid.uuid4()).encode()
    path = sign_bundle(tmp_path, world.device, world.recipients, 301,
                       jsonl(valid_records(1)) + line + b"\n")
    expect(store, path, "rejected", words=("nothing was imported",))


def test_unknown_format_version(world: World, store: HqStore, tmp_path: Path) -> None:
    def v2(obj):  # type: ignore[no-untyped-def]
        obj["format_version"] = 2

    inner = make_inner(world.device, world.recipients, 80, jsonl(valid_records()), mutate=v2)
    expect_rejected(store, encrypt(inner.tar(), world.recipients), tmp_path, "version")


# --- hostile files ----------------------------------------------------------------------------


def test_thousands_of_stanzas_rejected_fast(store: HqStore, tmp_path: Path) -> None:
    for n in (33, 5_000, 20_000):
        path = write_file(tmp_path, fake_stanzas(n))
        start = time.perf_counter()
        outcome = import_bundle(store, path)
        elapsed = time.perf_counter() - start
        assert outcome.status == "rejected", outcome.message
        assert elapsed < 0.5, f"{n} stanzas took {elapsed:.2f} s"
        expect(store, path, "rejected")


@pytest.mark.parametrize("data", [
    b"", b"\n", b"hello, this is a text file\n", b"age-encryption.org/v1\n",
    b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n",
    b"\0" * 4096, b"age-encryption.org/v2\n-> X25519 abc\n\n--- abc\n"])
def test_not_a_bundle(store: HqStore, tmp_path: Path, data: bytes) -> None:
    expect_rejected(store, data, tmp_path)


def test_empty_file_through_the_cli(world: World, tmp_path: Path) -> None:
    path = write_file(tmp_path, b"")
    res = world.hrd("hq", "import", path, "--store", world.store_dir)
    assert res.returncode == 1, res
    assert "Rejected" in res.stderr and "empty" in res.stderr
    assert "Traceback" not in res.stderr


def test_age_file_without_an_archive(world: World, store: HqStore, tmp_path: Path) -> None:
    expect_rejected(store, encrypt(b"just some text, no tar", world.recipients), tmp_path)
    # A valid archive whose records are fine but that lacks the signature member.
    inner = make_inner(world.device, world.recipients, 81, jsonl(valid_records()))
    parts = inner.parts()
    del parts[1]
    expect_rejected(store, encrypt(tar_of(parts), world.recipients), tmp_path)


def test_signed_by_another_key_than_the_manifest_names(world: World, store: HqStore,
                                                       tmp_path: Path) -> None:
    from hrd_field.bundle import SigningKey

    inner = make_inner(world.device, world.recipients, 82, jsonl(valid_records()))
    inner.signature = SigningKey.generate().sign(inner.manifest, "seq:82").encode()
    expect_rejected(store, encrypt(inner.tar(), world.recipients), tmp_path, "signature")


def test_counts_unchanged_after_all_hostile_cases(world: World, store: HqStore) -> None:
    """The base bundle's records never reached the store through any damaged copy."""
    with world.vault() as vault:
        ids = [r.id for r in vault.records.page(limit=100)]
    assert ids
    assert not any(exists(store, i) for i in ids)


# --- records that contradict what HQ already holds ---------------------------------------------


def test_a_new_version_cannot_change_the_record_type(world: World, store: HqStore,
                                                    tmp_path: Path) -> None:
    device = fresh_device(world, store)
    victim = person("Original person", notes=CANARY)
    first = sign_bundle(tmp_path / "1", device.key, world.recipients, 1, jsonl([victim]))
    assert import_bundle(store, first).status == "imported"
    hijack = mission("Not a person any more")
    hijack.id, hijack.version = victim.id, 2
    second = sign_bundle(tmp_path / "2", device.key, world.recipients, 2, jsonl([hijack]),
                         counts={"mission": 1})
    expect(store, second, "suspect", changed={"hq_alarms": 1})
    assert store.repo.get(victim.id).TYPE == "person"


def test_a_damaged_copy_of_an_imported_bundle_is_not_a_duplicate(
        world: World, store: HqStore, tmp_path: Path) -> None:
    device = fresh_device(world, store)
    bundle = sign_bundle(tmp_path / "a", device.key, world.recipients, 1,
                         jsonl(valid_records()), attachments=[os.urandom(100_000)],
                         counts={"person": 3})
    assert import_bundle(store, bundle).status == "imported"
    data = bundle.read_bytes()
    expect_rejected(store, data[:-1000], tmp_path)


def test_one_bad_file_does_not_stop_the_others(world: World, tmp_path: Path) -> None:
    with world.store() as store:
        device = fresh_device(world, store)
    good = [sign_bundle(tmp_path / str(n), device.key, world.recipients, n,
                        jsonl(valid_records(1))) for n in (1, 2)]
    empty = write_file(tmp_path, b"")
    res = world.hrd("hq", "import", good[0], empty, good[1], "--store", world.store_dir,
                    "--json")
    assert res.returncode == 1, res
    assert [r["status"] for r in res.json()] == ["imported", "rejected", "imported"]
    with world.store() as store:
        assert store.repo.gaps()[device.name] == []
