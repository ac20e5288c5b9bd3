"""A full disk and read-only media named for what they are (issue 12 items 5 and 6), on a
real small filesystem (tmpfs) and a real read-only bind mount; skipped with the reason when
they cannot be mounted (they need root)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import assert_user_error, ok, run_cli
from helpers.disks import fill, mount_tmpfs

from hrd_field.core.records import Person
from hrd_field.vault.vault import Vault


@pytest.fixture
def full_disk_vault(tmp_path: Path) -> Iterator[Path]:
    for disk in mount_tmpfs(tmp_path / "disk", "3m"):
        root = disk / "vault"
        with Vault.create(root, PASSPHRASE) as v:
            v.records.create_many([Person(alias=f"defender {i}") for i in range(20)])
        fill(disk, 2048)  # at most 2 KiB left
        yield root


def test_full_disk_never_blocks_reading_and_is_named(full_disk_vault: Path,
                                                     passfile: Path) -> None:
    res = ok(run_cli("record", "list", "--json", vault=full_disk_vault, passfile=passfile))
    assert len(json.loads(res.stdout)) == 20
    ok(run_cli("search", "defender", vault=full_disk_vault, passfile=passfile))
    res = run_cli("record", "add", "--type", "person", "--json", "-", vault=full_disk_vault,
                  passfile=passfile, input=json.dumps({"alias": "one more", "notes": "x" * 9000}))
    assert_user_error(res, "disk is full")
    assert "another vault" not in res.stderr
    res = run_cli("vault", "passwd", "--new-passphrase-file", str(passfile),
                  vault=full_disk_vault, passfile=passfile)
    assert_user_error(res, "disk is full")
    # nothing was lost, and the vault is whole once space is back
    (full_disk_vault.parent / "filler").unlink()
    ok(run_cli("vault", "check", vault=full_disk_vault, passfile=passfile))
    with Vault.unlock(full_disk_vault, PASSPHRASE) as v:
        assert v.records.count() == 20


@pytest.fixture
def read_only_vault(tmp_path: Path) -> Iterator[Path]:
    source = tmp_path / "source"
    with Vault.create(source / "vault", PASSPHRASE) as v:
        v.records.create_many([Person(alias=f"defender {i}") for i in range(7)])
    mnt = tmp_path / "ro"
    mnt.mkdir()
    res = subprocess.run(["mount", "--bind", str(source), str(mnt)], capture_output=True,
                         text=True, check=False)
    if res.returncode != 0:
        pytest.skip(f"cannot bind-mount (needs root): {res.stderr.strip()}")
    try:
        res = subprocess.run(["mount", "-o", "remount,ro,bind", str(mnt)],
                             capture_output=True, text=True, check=False)
        if res.returncode != 0:
            pytest.skip(f"cannot remount read-only: {res.stderr.strip()}")
        yield mnt / "vault"
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True, check=False)


def test_vault_on_read_only_media_reads_and_names_the_media(read_only_vault: Path,
                                                            passfile: Path) -> None:
    before = {p.name: p.read_bytes() for p in read_only_vault.iterdir()}
    res = ok(run_cli("record", "list", "--json", vault=read_only_vault, passfile=passfile))
    assert len(json.loads(res.stdout)) == 7
    ok(run_cli("search", "defender", vault=read_only_vault, passfile=passfile))
    res = ok(run_cli("vault", "check", vault=read_only_vault, passfile=passfile))
    assert "intact" in res.stdout
    res = run_cli("record", "add", "--type", "person", "--json", "-", vault=read_only_vault,
                  passfile=passfile, input='{"alias": "new"}')
    assert_user_error(res, "read-only media")
    assert {p.name: p.read_bytes() for p in read_only_vault.iterdir()} == before


def test_init_where_it_cannot_write_is_named(read_only_vault: Path, passfile: Path) -> None:
    res = run_cli("vault", "init", vault=read_only_vault.parent / "new", passfile=passfile)
    assert_user_error(res, "read-only media")


def test_read_only_database_file_is_named(tmp_path: Path, passfile: Path) -> None:
    """chmod only binds an ordinary user; as root the read-only file is made immutable
    with chattr where the filesystem supports it, else the test is skipped."""
    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create(Person(alias="Rose"))
    db = root / "vault.db"
    if os.geteuid() == 0:
        res = subprocess.run(["chattr", "+i", str(db)], capture_output=True, text=True,
                             check=False)
        if res.returncode != 0:
            pytest.skip(f"cannot make the file immutable as root: {res.stderr.strip()}")
    else:
        os.chmod(db, 0o400)
    try:
        res = run_cli("record", "add", "--type", "person", "--json", "-", vault=root,
                      passfile=passfile, input='{"alias": "new"}')
        assert_user_error(res, "read-only")
        assert "OperationalError" not in res.stderr
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(db)], capture_output=True, check=False)
        os.chmod(db, 0o600)
