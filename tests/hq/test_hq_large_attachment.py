"""A large attachment (hashed on another core while pyrage decrypts, bundle/hashing.py)
through the real exporter and importer: byte-exact at HQ; cut or altered anywhere, the
bundle is refused with nothing written at HQ (rows or sealed files) and no helper thread
left behind."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path

import pytest
from helpers.hqkit import (
    World,
    attachment_bytes,
    encrypt,
    export,
    make_inner,
    make_world,
    person,
    snapshot,
    write_file,
)

from hrd_field.bundle.reader import BACKGROUND_HASH_SIZE
from hrd_field.core import codec
from hrd_field.hq.importer import import_bundle

MiB = 1 << 20
BIG = os.urandom(BACKGROUND_HASH_SIZE + 5 * MiB + 12_345)  # not a whole number of chunks


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    holder = person("Defender with a recording")
    world = make_world(tmp_path_factory.mktemp("large"), records=[holder])
    with world.vault() as vault:
        vault.add_attachment(holder.id, io.BytesIO(BIG), filename="testimony.ogg")
    return world


@pytest.fixture(scope="module")
def bundle(world: World) -> bytes:
    [path] = export(world.field, world.root / "out")
    return path.read_bytes()


def _helpers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "bundle-sha256"]


def _files(world: World) -> list[str]:
    directory = world.store_dir / "files"
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def _refused(world: World, data: bytes, name: str) -> str:
    with world.store() as store:
        before, files = snapshot(store), _files(world)
        outcome = import_bundle(store, write_file(world.root / "bad", data, name))
        assert outcome.status == "rejected", outcome.message
        assert snapshot(store) == before
    assert _files(world) == files  # no sealed file half-written or left behind
    assert _helpers() == []
    return outcome.message


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9, 0.999])
def test_cut_inside_the_attachment(world: World, bundle: bytes, where: float) -> None:
    message = _refused(world, bundle[: int(len(bundle) * where)], f"cut-{where}.hrdb")
    assert "truncated" in message.lower()


def test_altered_attachment_under_a_valid_signature(world: World) -> None:
    # Signed for BIG, carrying other bytes of the same size: only the hash can tell.
    device = world.add_device("second-laptop")
    records = (codec.dumps(person("Another defender")) + "\n").encode("utf-8")
    inner = make_inner(device.key, list(world.recipients), 1, records, attachments=[BIG])
    name, data = inner.attachments[0]
    changed = bytearray(data)
    changed[-1] ^= 1
    inner.attachments[0] = (name, bytes(changed))
    message = _refused(world, encrypt(inner.tar(), world.recipients), "altered.hrdb")
    assert "sha-256" in message.lower()


def test_round_trip_is_byte_exact(world: World, bundle: bytes) -> None:
    with world.store() as store:
        outcome = import_bundle(store, write_file(world.root / "good", bundle))
        assert outcome.status == "imported", outcome.message
        assert outcome.counts["attachments"] == 1
        assert attachment_bytes(store, hashlib.sha256(BIG).hexdigest()) == BIG
    assert _helpers() == []


@pytest.mark.parametrize("damage", ["flip", "swap"])
def test_export_refuses_a_damaged_sealed_file(tmp_path: Path, damage: str) -> None:
    # The exporter trusts a sealed file's authentication instead of hashing it again: a
    # damaged or swapped file must still stop the export, leaving no bundle behind.
    first, second = person("First holder"), person("Second holder")
    world = make_world(tmp_path / "w", records=[first, second])
    with world.vault() as vault:
        sha = vault.add_attachment(first.id, io.BytesIO(BIG[:300_000]), filename="a.ogg").sha256
        vault.add_attachment(second.id, io.BytesIO(BIG[-300_000:]), filename="b.ogg")
        names = dict(vault.db.query("SELECT sha256, file FROM attachments"))
    path = world.vault_dir / "files" / names.pop(sha)
    if damage == "flip":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 1
        path.write_bytes(data)
    else:  # the other attachment's sealed file (same size) under this one's name
        path.write_bytes((world.vault_dir / "files" / names.popitem()[1]).read_bytes())
    out = tmp_path / "out"
    res = world.hrd("export", "--out", out, "--all", "--vault", world.vault_dir)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "cannot be read" in res.stderr, res.stderr
    assert not out.exists() or list(out.iterdir()) == []
    with world.vault() as vault:  # nothing counts as sent
        states = [b.state for b in vault.exports.bundles()]
        assert states and set(states) == {"abandoned"}
