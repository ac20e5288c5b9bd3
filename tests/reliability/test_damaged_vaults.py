"""Damage named truthfully, and a way out (issue 12 items 4 and 7): a changed character in
the key file, a deleted or damaged write-ahead log, an empty database file, a damaged page
— each is said for what it is, ``vault check`` runs on the damaged vault, and ``vault
salvage`` rescues what can still be read."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import assert_user_error, ok, run_cli

from hrd_field.core.records import Person
from hrd_field.vault.vault import Vault

PAGE = 4096
WRITER = """
import os, signal, sys
from pathlib import Path
from hrd_field.core.records import Person
from hrd_field.vault.vault import Vault
v = Vault.unlock(Path(sys.argv[1]), sys.argv[2])
v.db.conn.execute("PRAGMA wal_autocheckpoint = 0")  # every commit stays in the WAL
for i in range(int(sys.argv[3])):
    v.records.create(Person(alias=f"committed {i}"))
print("done", flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no checkpoint: the commits live in the WAL
"""


def commit_then_die(root: Path, n: int) -> None:
    env = {**os.environ, "HRD_FIELD_TEST_FAST_KDF": "1"}
    res = subprocess.run([sys.executable, "-c", WRITER, str(root), PASSPHRASE, str(n)],
                         capture_output=True, env=env, timeout=120, check=False)
    assert res.returncode == -signal.SIGKILL and b"done" in res.stdout, res.stderr


@pytest.fixture
def wal_vault(tmp_path: Path) -> Path:
    """A vault with 5 checkpointed records and 50 more committed only in its WAL."""
    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create_many([Person(alias=f"early {i}") for i in range(5)])
    commit_then_die(root, 50)
    assert (root / "vault.db-wal").stat().st_size > 0
    return root


def test_deleted_wal_is_detected_and_said(wal_vault: Path, passfile: Path) -> None:
    (wal_vault / "vault.db-wal").unlink()
    res = run_cli("vault", "check", vault=wal_vault, passfile=passfile)
    assert res.returncode == 1 and "intact" not in res.stdout, res.stdout
    assert "write-ahead log" in res.stderr and "lacks its last" in res.stderr, res.stderr
    assert_user_error(run_cli("record", "list", vault=wal_vault, passfile=passfile),
                      "salvage")
    # refused every time, not only the first
    assert_user_error(run_cli("record", "list", vault=wal_vault, passfile=passfile),
                      "lacks its last")


def test_flipped_wal_byte_is_detected(wal_vault: Path, passfile: Path) -> None:
    wal = wal_vault / "vault.db-wal"
    data = bytearray(wal.read_bytes())
    data[len(data) // 3] ^= 0x01
    wal.write_bytes(bytes(data))
    res = run_cli("vault", "check", vault=wal_vault, passfile=passfile)
    assert res.returncode == 1 and "intact" not in res.stdout, (res.stdout, res.stderr)
    assert "lacks its last" in res.stderr or "damaged" in res.stderr, res.stderr


def test_an_intact_wal_after_a_crash_is_fine(wal_vault: Path, passfile: Path) -> None:
    ok(run_cli("vault", "check", vault=wal_vault, passfile=passfile))
    res = ok(run_cli("record", "list", "--limit", "100", vault=wal_vault, passfile=passfile))
    assert "committed 49" in res.stdout


@pytest.mark.parametrize("field", ["salt", "nonce", "wrapped_key"])
def test_one_changed_character_in_the_key_file_is_named_damage(
        tmp_path: Path, passfile: Path, field: str) -> None:
    root = tmp_path / "vault"
    Vault.create(root, PASSPHRASE).close()
    keyfile = root / "vault.key"
    doc = json.loads(keyfile.read_text("utf-8"))
    slot = doc["slots"][0]
    holder = slot["kdf"] if field == "salt" else slot
    raw = bytearray(base64.b64decode(holder[field]))
    raw[0] ^= 0x04  # still valid base64, still the right length
    holder[field] = base64.b64encode(bytes(raw)).decode()
    keyfile.write_text(json.dumps(doc, sort_keys=True, indent=1), "utf-8")
    for _ in range(5):  # no growing delay, no "wrong passphrase"
        res = run_cli("record", "list", vault=root, passfile=passfile)
        assert_user_error(res, "key file is damaged")
        assert "Wrong passphrase" not in res.stderr
    assert not (root / "unlock-failures").exists()


def test_zero_length_database_is_named(tmp_path: Path, passfile: Path) -> None:
    root = tmp_path / "vault"
    Vault.create(root, PASSPHRASE).close()
    (root / "vault.db").write_bytes(b"")
    for args in (["record", "list"], ["vault", "check"]):
        assert_user_error(run_cli(*args, vault=root, passfile=passfile), "empty (0 bytes)")
    assert (root / "vault.db").stat().st_size == 0  # nothing was created in its place


@pytest.fixture
def damaged_page(tmp_path: Path) -> tuple[Path, list[str]]:
    root = tmp_path / "vault"
    people = [Person(alias=f"defender {i}", notes=f"{i} " + "n" * 2500) for i in range(300)]
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create_many(people)
    db = root / "vault.db"
    data = bytearray(db.read_bytes())
    pages = len(data) // PAGE
    data[(pages // 2) * PAGE + PAGE // 2] ^= 0x5A
    db.write_bytes(bytes(data))
    (root / "vault.open").touch()  # as after an unclean shutdown
    return root, [p.id for p in people]


def readable_through_the_api(root: Path, ids: list[str]) -> int:
    found = 0
    with Vault.unlock(root, PASSPHRASE, inspect=True) as v:
        for rid in ids:
            try:
                v.records.get(rid)
            except Exception:
                continue
            found += 1
    return found


def test_check_runs_on_a_damaged_vault_and_salvage_rescues_the_rest(
        damaged_page: tuple[Path, list[str]], tmp_path: Path, passfile: Path) -> None:
    root, ids = damaged_page
    before = (root / "vault.db").read_bytes()
    assert_user_error(run_cli("record", "list", vault=root, passfile=passfile),
                      "vault check")
    res = run_cli("vault", "check", vault=root, passfile=passfile)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.strip().splitlines()
    assert lines[-1].startswith("error: The integrity check found"), res.stderr
    assert "encrypted page check" in lines[0] and len(lines) <= 10, res.stderr

    readable = readable_through_the_api(root, ids)
    out = tmp_path / "rescued"
    res = run_cli("vault", "salvage", "--out", str(out), vault=root, passfile=passfile)
    assert "Traceback" not in res.stderr and "unexpected" not in res.stderr, res.stderr
    assert "records copied" in res.stdout, (res.stdout, res.stderr)
    copied = int(res.stdout.split()[0])
    unreadable = res.stderr.count("could not read record")
    # every record the API can still read is rescued (row by row finds even more when
    # only an index page is damaged), and every other one is listed as lost
    assert copied >= max(readable, 1) and copied + unreadable == len(ids), (
        copied, unreadable, readable)
    assert res.returncode == (1 if unreadable else 0)
    # the damaged vault was only read
    assert (root / "vault.db").read_bytes() == before
    # the new vault is whole and opens normally
    ok(run_cli("vault", "check", vault=out, passfile=passfile))
    with Vault.unlock(out, PASSPHRASE) as v:
        assert v.records.count() == copied
        assert v.records.search("defender")
