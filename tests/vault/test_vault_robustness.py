"""The vault under the conditions of field work: power cuts, full disks, damaged files, big
recordings. Whatever happens, a reported save survives and damage is reported, never hidden.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import run_cli
from helpers.disks import mount_tmpfs

from hrd_field.core.errors import UserError
from hrd_field.core.fields import LIST_MAX
from hrd_field.core.records import AttachmentRef, Consultation, Person
from hrd_field.vault.fsutil import DiskFull
from hrd_field.vault.vault import Vault

HELPERS = Path(__file__).resolve().parents[1] / "helpers"
PAGE = 4096  # SQLCipher 4 default page size


def helper_env(seed: int = 0) -> dict[str, str]:
    return {**os.environ, "HRD_WRITER_PASSPHRASE": PASSPHRASE, "HRD_WRITER_SEED": str(seed),
            "HRD_FIELD_TEST_FAST_KDF": "1"}


# --- (a) SIGKILL while writing -------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_during_writes_keeps_every_reported_record(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    Vault.create(root, PASSPHRASE).close()
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    reported: list[str] = []
    for round_no in range(20):
        proc = subprocess.Popen([sys.executable, str(HELPERS / "writer.py"), str(root)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=helper_env(seed + round_no))
        assert proc.stdout is not None
        want = rng.randint(1, 60)
        seen: list[bytes] = []
        try:
            while len(seen) < want:
                line = proc.stdout.readline()
                if not line:
                    break  # the writer died on its own: reported below
                seen.append(line)
            if rng.random() < 0.8:  # land the kill at a random point of the next write
                time.sleep(rng.uniform(0, 0.02))
        finally:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        # read() and not communicate(): communicate reads the pipe's file descriptor and
        # would miss lines readline() already pulled into the reader's buffer.
        rest, err = proc.stdout.read(), proc.stderr.read() if proc.stderr else b""
        assert proc.returncode == -signal.SIGKILL, (seed, round_no, err.decode()[-2000:])
        text = (b"".join(seen) + rest).decode("ascii")
        ids = text.split("\n")[:-1]  # a line without its newline was not fully reported
        assert ids, (seed, round_no)
        reported += ids

        with Vault.unlock(root, PASSPHRASE) as v:
            assert v.unclean_shutdown, "the kill must be noticed at the next unlock"
            report = v.check()
            assert report.ok, (seed, round_no, report.problems)
            missing = [i for i in reported if not v.records.exists(i)]
            assert missing == [], (seed, round_no, len(missing))
            total = v.records.count()
            # at most one batch committed but not yet printed per kill
            assert len(reported) <= total <= len(reported) + 20 * (round_no + 1)
            sample = rng.sample(reported, min(25, len(reported)))
            assert all(v.records.get(i).id == i for i in sample)

    with Vault.unlock(root, PASSPHRASE) as v:
        assert not v.unclean_shutdown
        assert v.check().ok


# --- (b) disk full -----------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    yield from mount_tmpfs(tmp_path / "tiny", "3m")


@pytest.fixture
def small_disk_8m(tmp_path: Path) -> Iterator[Path]:
    yield from mount_tmpfs(tmp_path / "small", "8m")


def test_disk_full_is_a_clear_error_and_loses_nothing(tiny_disk: Path, tmp_path: Path) -> None:
    root = tiny_disk / "vault"
    ids: list[str] = []
    rng = random.Random(7)
    with Vault.create(root, PASSPHRASE) as v:
        with pytest.raises(UserError) as info:
            for i in range(5000):
                notes = "".join(rng.choice("abcdefghij klmnop") for _ in range(6000))
                ids.append(v.records.create(Person(alias=f"defender {i}", notes=notes)).id)
        assert isinstance(info.value, DiskFull), repr(info.value)
        assert "disk is full" in str(info.value).lower()
        assert len(ids) > 0
        # the failed record left nothing behind, the open vault still reads
        assert v.records.count() == len(ids)
        assert v.records.search("defender")

    # reopened on the still-full disk: everything reported saved is there
    with Vault.unlock(root, PASSPHRASE) as v:
        assert v.records.count() == len(ids)
        assert all(v.records.exists(i) for i in ids)
        assert v.records.get(ids[-1]).alias == f"defender {len(ids) - 1}"  # type: ignore
        assert v.check().ok

    # the command line says the same in one line
    passfile = tmp_path / "pass.txt"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
    big = json.dumps({"alias": "one more", "notes": "z" * 90_000})
    res = run_cli("record", "add", "--type", "person", "--json", "-", vault=root,
                  passfile=passfile, input=big)
    assert res.returncode == 1, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr and "unexpected" not in res.stderr
    assert "disk is full" in res.stderr.lower()
    with Vault.unlock(root, PASSPHRASE) as v:
        assert v.records.count() == len(ids)
        assert v.check().ok


def test_attachment_larger_than_free_space(small_disk_8m: Path, tmp_path: Path) -> None:
    root = small_disk_8m / "vault"
    small = os.urandom(100_000)
    with Vault.create(root, PASSPHRASE) as v:
        record = v.records.create(Consultation(summary="recorded session"))
        first = v.add_attachment(record.id, io.BytesIO(small), filename="small.jpg")
    st = os.statvfs(small_disk_8m)
    free = st.f_bavail * st.f_frsize
    big = tmp_path / "recording.ogg"  # on the real disk, outside the small one
    digest = hashlib.sha256()
    with open(big, "wb") as fh:
        for _ in range((free + (3 << 20)) // (1 << 20) + 1):
            chunk = os.urandom(1 << 20)
            digest.update(chunk)
            fh.write(chunk)

    with Vault.unlock(root, PASSPHRASE) as v:
        before = v.records.get(record.id)
        chunks_before = v.db.query("SELECT count(*) FROM blob_chunks")[0][0]
        with open(big, "rb") as fh, pytest.raises(UserError) as info:
            v.add_attachment(record.id, fh, filename=big.name)
        assert isinstance(info.value, DiskFull), repr(info.value)
        assert v.attachment_size(digest.hexdigest()) is None
        assert v.db.query("SELECT count(*) FROM blob_chunks")[0][0] == chunks_before
        assert v.db.query("SELECT count(*) FROM attachments")[0][0] == 1
        assert v.records.get(record.id) == before
        # the vault still works once the big file is given up
        with v.open_attachment(first.sha256) as chunks:
            assert b"".join(chunks) == small

    with Vault.unlock(root, PASSPHRASE) as v:
        assert v.check().ok
        assert v.records.get(record.id) == before
        second = v.add_attachment(record.id, io.BytesIO(b"after the failure"),
                                  filename="note.txt")
        assert v.attachment_size(second.sha256) == len(b"after the failure")


# --- (c) unclean shutdown and damaged pages --------------------------------------------------


def test_unclean_marker_is_noticed_and_cleared(vault_dir: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE) as v:
        v.records.create(Person(alias="Rose"))
    assert not (vault_dir / "vault.open").exists()
    (vault_dir / "vault.open").touch()
    with Vault.unlock(vault_dir, PASSPHRASE) as v:
        assert v.unclean_shutdown
        assert v.check().unclean_shutdown
        assert v.check().ok
        assert (vault_dir / "vault.open").exists()
    with Vault.unlock(vault_dir, PASSPHRASE) as v:
        assert not v.unclean_shutdown


@pytest.fixture
def damaged(vault_dir: Path) -> dict[str, object]:
    """A closed vault of some size with one byte flipped in the middle of a middle page."""
    with Vault.create(vault_dir, PASSPHRASE) as v:
        v.records.create_many([Person(alias=f"defender {i}", notes=f"{i} " + "n" * 2500)
                               for i in range(250)])
    db = vault_dir / "vault.db"
    data = bytearray(db.read_bytes())
    pages = len(data) // PAGE
    assert pages > 50
    page = pages // 2
    offset = page * PAGE + PAGE // 2
    data[offset] ^= 0x5A
    db.write_bytes(bytes(data))
    return {"db": db, "page": page, "bytes": bytes(data[page * PAGE:(page + 1) * PAGE]),
            "size": len(data)}


def assert_damage_kept(damaged: dict[str, object]) -> None:
    """The damaged page is still there: nothing 'repaired' or replaced the database."""
    db = damaged["db"]
    assert isinstance(db, Path) and db.exists()
    data = db.read_bytes()
    page = int(damaged["page"])  # type: ignore[call-overload]
    assert len(data) >= int(damaged["size"])  # type: ignore[call-overload]
    assert data[page * PAGE:(page + 1) * PAGE] == damaged["bytes"]


def test_damaged_page_is_reported_by_vault_check(damaged: dict[str, object], vault_dir: Path,
                                                 passfile: Path) -> None:
    res = run_cli("vault", "check", vault=vault_dir, passfile=passfile)
    assert res.returncode == 1, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr and "unexpected" not in res.stderr
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ")
    assert "problem" in last or "damaged" in last
    assert "intact" not in res.stdout
    assert_damage_kept(damaged)


def test_damaged_page_refused_at_unlock_after_unclean_shutdown(damaged: dict[str, object],
                                                               vault_dir: Path) -> None:
    (vault_dir / "vault.open").touch()
    for _ in range(2):  # and again: the refusal is not a one-off
        with pytest.raises(UserError) as info:
            Vault.unlock(vault_dir, PASSPHRASE)
        message = str(info.value)
        assert "integrity" in message or "damaged" in message, message
        assert_damage_kept(damaged)
    assert not (vault_dir / "vault.db-journal").exists()


def test_damaged_vault_never_looks_empty_and_fine(damaged: dict[str, object],
                                                  vault_dir: Path) -> None:
    try:
        v = Vault.unlock(vault_dir, PASSPHRASE)
    except UserError:
        assert_damage_kept(damaged)
        return
    try:
        report = v.check()
        assert not report.ok
        assert any("page" in p or "structure" in p for p in report.problems)
    finally:
        v.close()
    assert_damage_kept(damaged)


# --- (d) big attachments are streamed -----------------------------------------------------------


@pytest.mark.slow
def test_64_mib_attachment_streamed_with_bounded_memory(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    Vault.create(root, PASSPHRASE).close()
    big = tmp_path / "interview.ogg"
    digest = hashlib.sha256()
    with open(big, "wb") as fh:
        for _ in range(64):
            chunk = os.urandom(1 << 20)
            digest.update(chunk)
            fh.write(chunk)
    proc = subprocess.run([sys.executable, str(HELPERS / "big_attachment.py"), str(root),
                           str(big)], capture_output=True, env=helper_env(), timeout=240,
                          check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    out = json.loads(proc.stdout)
    assert out["stored"] == out["read"] == digest.hexdigest()
    assert out["size"] == out["ref_size"] == 64 << 20
    growth_mib = (max(out["after_store"], out["after_read"]) - out["before"]) / 1024
    assert growth_mib < 60, f"peak RSS grew by {growth_mib:.1f} MiB"


# --- attachments are linked atomically -----------------------------------------------------


def test_failed_attachment_link_leaves_nothing_behind(vault_dir: Path) -> None:
    refs = [AttachmentRef(sha256=hashlib.sha256(str(i).encode()).hexdigest(),
                          filename=f"{i}.jpg") for i in range(LIST_MAX)]
    with Vault.create(vault_dir, PASSPHRASE) as v:
        record = v.records.create(Person(alias="Rose", attachments=refs))
        content = b"one file too many"
        with pytest.raises(UserError):
            v.add_attachment(record.id, io.BytesIO(content), filename="extra.jpg")
        sha = hashlib.sha256(content).hexdigest()
        assert v.records.get(record.id).attachments == refs
        assert not any(e.object_id == sha for e in v.audit_log())
        assert v.attachment_size(sha) is None
