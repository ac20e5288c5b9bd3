"""Crashes and full disks on both sides: export on the laptop, import at HQ.

- disk full while exporting (a 256 KiB tmpfs as --out): no complete-looking file is left,
  the sequence number is recorded as abandoned, the next bundle says so, HQ sees no gap;
- disk full while importing (the HQ store on a small tmpfs): a clear rejection, nothing
  half-imported, the store passes its integrity check and imports the bundle once there
  is room;
- SIGKILL during an import, at several moments: the store opens, passes its integrity
  check, holds all of the bundle or none of it, imports it again, and no plaintext reaches
  the disk;
- SIGKILL during an export: the interrupted sequence number must not become a permanent gap.

The tmpfs cases need root (``mount -t tmpfs``) and are skipped with the reason otherwise.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.cli import assert_user_error
from helpers.hqkit import (
    CANARY,
    PASSPHRASE,
    World,
    cli_argv,
    cli_env,
    content,
    counts_of,
    decrypt,
    export,
    files_containing,
    jsonl,
    make_world,
    person,
    sign_bundle,
    snapshot,
)

from hrd_field.bundle.manifest import parse as parse_manifest
from hrd_field.core.records import Record
from hrd_field.demo import demo_batch
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.store import HqStore
from hrd_field.vault.vault import Vault

MiB = 1 << 20


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                          str(path)], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a {size} tmpfs to simulate a full disk (needs root or "
                    f"CAP_SYS_ADMIN): {res.stderr.strip() or res.returncode}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def remount(path: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True,
                   capture_output=True)


def manifest_of(bundle: Path, identity: str):  # type: ignore[no-untyped-def]
    with tarfile.open(fileobj=io.BytesIO(decrypt(bundle.read_bytes(), identity))) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return parse_manifest(member.read())


def hq_gaps(world: World) -> dict[str, list[tuple[int, int]]]:
    with world.store() as store:
        return store.repo.gaps()


# --- disk full while exporting ----------------------------------------------------------------


def test_disk_full_during_export(tmp_path: Path) -> None:
    people = [person(f"Defender {i}", notes=f"{CANARY} {i}") for i in range(4)]
    world = make_world(tmp_path / "w", records=people)
    with world.vault() as vault:
        vault.add_attachment(people[0].id, io.BytesIO(os.urandom(400_000)), filename="a.mp3")
    with tmpfs(tmp_path / "stick", "256k") as stick:
        res = world.hrd("export", "--out", stick, "--all", "--vault", world.vault_dir)
        assert res.returncode == 1, res
        assert "Traceback" not in res.stderr and "unexpected" not in res.stderr
        assert "could not be written" in res.stderr and "No space left" in res.stderr
        assert CANARY not in res.stdout + res.stderr
        assert sorted(p.name for p in stick.iterdir()) == []  # no .hrdb, no .part
    with world.vault() as vault:
        [entry] = vault.exports.bundles()
        assert (entry.seq, entry.state, entry.file_name) == (1, "abandoned", None)
        assert vault.exports.abandoned() == [1]
        assert vault.check().ok
    # The next export uses a new sequence number and tells HQ that 1 was abandoned.
    [bundle] = export(world.field, tmp_path / "out")
    manifest = manifest_of(bundle, world.identity)
    assert manifest.sequence == 2 and manifest.abandoned_sequences == (1,)
    assert manifest.previous_manifest_sha256 is None
    with world.store() as store:
        outcome = import_bundle(store, bundle)
        assert outcome.status == "imported", outcome.message
        assert outcome.counts["records"] == 4 and outcome.counts["attachments"] == 1
        assert store.repo.gaps() == {world.device_name: []}
    res = world.hrd("hq", "gaps", "--store", world.store_dir)
    assert f"{world.device_name}: missing none" in res.stdout


# --- disk full while importing ----------------------------------------------------------------


def test_disk_full_during_import(tmp_path: Path) -> None:
    world = make_world(tmp_path / "w")
    records = [person(f"Witness {i}", notes=f"{CANARY} {i}") for i in range(20)]
    bundle = sign_bundle(tmp_path / "in", world.device, world.recipients, 1, jsonl(records),
                         attachments=[os.urandom(8 * MiB)], counts=counts_of(records))
    with tmpfs(tmp_path / "small", "2m") as small:
        store_dir = small / "hq"
        shutil.copytree(world.store_dir, store_dir)
        res = world.hrd("hq", "import", bundle, "--store", store_dir, "--json")
        # Not "rejected": a full disk is HQ's trouble, not the bundle's (issue 15).
        assert_user_error(res, "space")
        with HqStore.open(store_dir, PASSPHRASE) as store:
            assert store.vault.check().ok
            counts = snapshot(store)
            assert {k: v for k, v in counts.items() if v} == {}, counts
            assert store.repo.gaps() == {world.device_name: []}
        assert files_containing(small, [CANARY.encode()]) == []
        # Once there is room again, the same bundle imports completely.
        remount(small, "64m")
        res = world.hrd("hq", "import", bundle, "--store", store_dir, "--json")
        assert res.returncode == 0, res
        assert res.json()[0]["counts"]["records"] == 20
        with HqStore.open(store_dir, PASSPHRASE) as store:
            assert store.vault.check().ok
            assert snapshot(store)["attachments"] == 1


def test_disk_full_while_quarantining_an_unknown_bundle(tmp_path: Path) -> None:
    world = make_world(tmp_path / "w")
    stranger = world.add_device("stranger", register=False)
    bundle = sign_bundle(tmp_path / "in", stranger.key, world.recipients, 1,
                         jsonl([person("Unknown", notes=CANARY)]),
                         attachments=[os.urandom(3 * MiB)])
    with tmpfs(tmp_path / "small", "1m") as small:
        store_dir = small / "hq"
        shutil.copytree(world.store_dir, store_dir)
        res = world.hrd("hq", "import", bundle, "--store", store_dir, "--json")
        assert res.returncode == 1, res
        [summary] = res.json()
        assert summary["status"] == "unknown_device"
        kept = list((store_dir / "quarantine").iterdir())
        # Either the whole encrypted original is kept, or nothing and the message says so.
        if kept:
            assert [k.read_bytes() == bundle.read_bytes() for k in kept] == [True]
        else:
            assert "kept" not in summary["message"] or "not" in summary["message"]
        with HqStore.open(store_dir, PASSPHRASE) as store:
            assert snapshot(store)["hq_quarantine"] == len(kept)


# --- SIGKILL during an import -----------------------------------------------------------------

RECORDS = 2_000
ATTACHMENT_MIB = 64


def _with_canary(records: list[Record]) -> list[Record]:
    for r in records:
        for name in ("notes", "description", "summary"):
            if hasattr(r, name):
                setattr(r, name, f"{getattr(r, name)} {CANARY}".strip())
                break
    return records


class Big:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.world = make_world(root / "w")
        self.pristine = root / "pristine"
        shutil.copytree(self.world.store_dir, self.pristine)
        records = _with_canary(demo_batch(RECORDS, seed=5))
        self.ids = {r.id for r in records}
        self.attachment = os.urandom(ATTACHMENT_MIB * MiB)
        self.bundle = sign_bundle(root / "bundle", self.world.device, self.world.recipients,
                                  1, jsonl(records), attachments=[self.attachment],
                                  counts=counts_of(records))
        import hashlib

        self.sha = hashlib.sha256(self.attachment).hexdigest()
        self.attachment = b""  # keep memory low

    def fresh_store(self, name: str) -> Path:
        target = self.root / name
        shutil.copytree(self.pristine, target)
        return target

    def start_import(self, store_dir: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            cli_argv("hq", "import", self.bundle, "--store", store_dir,
                     passfile=self.world.passfile),
            env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Big:
    return Big(tmp_path_factory.mktemp("sigkill"))


def _wal(store_dir: Path) -> int:
    """Bytes the import has written so far: the WAL and the attachment files."""
    total = 0
    for path in [store_dir / "vault.db-wal", *store_dir.glob("files/*")]:
        try:
            total += path.stat().st_size
        except FileNotFoundError:
            pass
    return total


def _kill_when(proc: subprocess.Popen[bytes], store_dir: Path, trigger: tuple[str, float],
               state: dict[str, float]) -> tuple[bool, int, float]:
    """Wait for ``trigger`` then SIGKILL; returns (killed, WAL size, seconds)."""
    kind, value = trigger
    start = time.monotonic()
    plateau_since, last = start, -1
    while proc.poll() is None:
        now, wal = time.monotonic(), _wal(store_dir)
        if wal != last:
            plateau_since, last = now, wal
        fire = (
            (kind == "time" and now - start >= value)
            or (kind == "wal" and wal >= value)
            # the attachment is in and the WAL stands still: records are being validated
            or (kind == "plateau" and wal >= 0.8 * ATTACHMENT_MIB * MiB
                and now - plateau_since >= value)
            # the WAL grows again past the attachment: records are being written
            or (kind == "beyond" and state.get("plateau", 0) and wal >= state["plateau"] + value)
        )
        if kind == "plateau" and fire:
            state["plateau"] = wal
        if fire:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True, wal, now - start
        if now - start > 120:
            break
        time.sleep(0.01)
    proc.wait()
    return False, _wal(store_dir), time.monotonic() - start


def _check_all_or_nothing(big: Big, store_dir: Path) -> str:
    with HqStore.open(store_dir, PASSPHRASE) as store:  # an unclean shutdown: checked first
        assert store.vault.check().ok
        counts = snapshot(store)
        held = content(store)
        if counts["hq_bundles"] == 0:
            assert {k: v for k, v in counts.items() if v} == {}, counts  # no orphan blobs
            assert list((store_dir / "files").glob("*")) == []  # no orphan files either
            return "nothing"
        assert {r[0] for r in held["records"]} == big.ids
        assert counts["hq_versions"] == len(big.ids) == counts["records_fts"]
        assert held["attachments"] == [(big.sha, ATTACHMENT_MIB * MiB)]
        assert len(list((store_dir / "files").iterdir())) == 1  # its sealed file, alone
        assert [b[1] for b in held["bundles"]] == [1]
        return "everything"


def test_sigkill_during_import_is_all_or_nothing(big: Big) -> None:
    triggers: list[tuple[str, float]] = [
        ("time", 0.25),  # starting up, unlocking, reading the header
        ("wal", 4 * MiB),  # streaming the attachment into the transaction
        ("wal", 40 * MiB),
        ("plateau", 0.4),  # validating the records
        ("beyond", 6 * MiB),  # writing the records, close to the commit
    ]
    seen = []
    state: dict[str, float] = {}
    store_dir = big.root
    for n, trigger in enumerate(triggers):
        store_dir = big.fresh_store(f"kill-{n}")
        killed, wal, when = _kill_when(big.start_import(store_dir), store_dir, trigger, state)
        outcome = _check_all_or_nothing(big, store_dir)
        seen.append((trigger, killed, wal >> 20, round(when, 2), outcome))
        assert files_containing(store_dir, [CANARY.encode()]) == []
        if n < len(triggers) - 1:
            shutil.rmtree(store_dir)
    print("SIGKILL attempts (trigger, killed, WAL MiB, seconds, store):", *seen, sep="\n  ")
    # really killed mid-import (the records part is quick)
    assert sum(1 for s in seen if s[1] and s[2] > 1) >= 2, seen
    assert seen[0][4] == "nothing"
    # The last victim imports the bundle again (or already holds all of it).
    with HqStore.open(store_dir, PASSPHRASE) as store:
        outcome = import_bundle(store, big.bundle)
        assert outcome.status == ("duplicate" if seen[-1][4] == "everything" else "imported")
    assert _check_all_or_nothing(big, store_dir) == "everything"
    # Nothing in clear anywhere: the bundle is encrypted, the stores are encrypted.
    assert files_containing(big.root, [CANARY.encode(), b"ustar\x0000"]) == []


# --- SIGKILL during an export -----------------------------------------------------------------


@pytest.fixture(scope="module")
def killed_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, Path, list[str]]:
    """An export SIGKILLed while writing its bundle, then a second export to the same place."""
    root = tmp_path_factory.mktemp("killexport")
    people = [person(f"Defender {i}", notes=f"{CANARY} {i}") for i in range(3)]
    world = make_world(root / "w", records=people)
    with world.vault() as vault:
        vault.add_attachment(people[0].id, io.BytesIO(os.urandom(48 * MiB)),
                             filename="interview.wav")
    out = root / "stick"
    proc = subprocess.Popen(cli_argv("export", "--out", out, "--all", "--vault",
                                     world.vault_dir, passfile=world.passfile),
                            env=cli_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        parts = list(out.glob("*.hrdb.part")) if out.exists() else []
        if parts and parts[0].stat().st_size >= 4 * MiB:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    assert proc.wait() == -signal.SIGKILL, "the export finished before it could be killed"
    left = sorted(p.name for p in out.iterdir())
    assert not any(n.endswith(".hrdb") for n in left), left  # nothing looks complete
    assert any(n.endswith(".hrdb.part") for n in left), left  # the crash left a .part
    res = world.hrd("export", "--out", out, "--all", "--vault", world.vault_dir)
    assert res.returncode == 0, res
    return world, out, left


def _bundles_by_sequence(world: World, out: Path) -> dict[int, Path]:
    return {manifest_of(p, world.identity).sequence: p for p in out.glob("*.hrdb")}


def test_after_a_killed_export_the_next_one_works(
        killed_export: tuple[World, Path, list[str]]) -> None:
    world, out, _left = killed_export
    bundles = _bundles_by_sequence(world, out)
    assert sorted(bundles) == [2, 3]  # 1 is never reused; the 48 MiB recording goes alone
    with world.store() as store:
        outcomes = [import_bundle(store, bundles[n]) for n in (2, 3)]
        assert [o.status for o in outcomes] == ["imported", "imported"]
        assert sum(o.counts["records"] for o in outcomes) == 3
        assert sum(o.counts["attachments"] for o in outcomes) == 1
    with Vault.unlock(world.vault_dir, PASSPHRASE) as vault:
        assert vault.check().ok
        assert [(b.seq, b.state) for b in vault.exports.bundles()][1:] == [
            (2, "written"), (3, "written")]


def test_killed_export_sequence_is_declared_abandoned(
        killed_export: tuple[World, Path, list[str]]) -> None:
    world, out, _left = killed_export
    bundles = _bundles_by_sequence(world, out)
    with world.store() as store:
        for n in sorted(bundles):
            import_bundle(store, bundles[n])
    assert [manifest_of(bundles[n], world.identity).abandoned_sequences
            for n in sorted(bundles)] == [(1,), (1,)]
    assert hq_gaps(world) == {world.device_name: []}


def test_killed_export_leaves_no_part_file_behind(
        killed_export: tuple[World, Path, list[str]]) -> None:
    _world, out, _left = killed_export
    assert sorted(p.name for p in out.glob("*.part")) == []  # the next export cleaned up
