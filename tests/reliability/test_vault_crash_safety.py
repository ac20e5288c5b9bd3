"""Crash windows of the vault itself (issue 12 items 2, 3 and 8): a killed passphrase
change, a killed init, and a second process that deletes the lock file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import assert_user_error, cli_env, ok, run_cli

from hrd_field.core.records import Person
from hrd_field.vault.fsutil import leftover_parts
from hrd_field.vault.keyslots import KeyFile
from hrd_field.vault.vault import Vault

NEW_PASSPHRASE = "a different passphrase for the test"


def run_killed(point: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**cli_env(), "HRD_FIELD_TEST_CRASH_AT": point}
    return subprocess.run([sys.executable, "-m", "hrd_field", *args], capture_output=True,
                          env=env, timeout=120, check=False, stdin=subprocess.DEVNULL)


def killed_passwd(root: Path, passfile: Path, tmp_path: Path) -> Path:
    """``vault passwd`` killed after writing the complete new key file, before the rename;
    returns the leftover it made (which opens the data key with the new passphrase)."""
    newfile = tmp_path / "new.txt"
    newfile.write_text(NEW_PASSPHRASE + "\n", encoding="utf-8")
    res = run_killed("atomic_file.before_rename", "vault", "passwd", "--vault", str(root),
                     "--passphrase-file", str(passfile), "--new-passphrase-file", str(newfile))
    assert res.returncode == -signal.SIGKILL, res.stderr
    [leftover] = leftover_parts(root / "vault.key")
    assert len(KeyFile.from_bytes(leftover.read_bytes()).unwrap(NEW_PASSPHRASE)) == 32
    return leftover


@pytest.mark.slow
def test_killed_passwd_leftover_is_destroyed_by_wipe(tmp_path: Path, passfile: Path) -> None:
    root = tmp_path / "vault"
    Vault.create(root, PASSPHRASE).close()
    killed_passwd(root, passfile, tmp_path)
    ok(run_cli("vault", "wipe", "--yes", vault=root))
    left = [p.name for p in root.iterdir()] if root.exists() else []
    assert not any("key" in name for name in left), left


@pytest.mark.slow
def test_killed_passwd_leftover_is_removed_at_next_unlock(tmp_path: Path,
                                                          passfile: Path) -> None:
    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create(Person(alias="Rose"))
    killed_passwd(root, passfile, tmp_path)
    res = ok(run_cli("record", "list", vault=root, passfile=passfile))
    assert "Rose" in res.stdout
    assert leftover_parts(root / "vault.key") == []
    # the old passphrase is still the one: the change never completed
    with Vault.unlock(root, PASSPHRASE) as v:
        assert v.records.count() == 1


@pytest.mark.slow
@pytest.mark.parametrize("point", ["init.marker", "init.database", "init.keyfile"])
def test_killed_init_is_recognised_and_init_starts_over(tmp_path: Path, passfile: Path,
                                                         point: str) -> None:
    root = tmp_path / "vault"
    res = run_killed(point, "vault", "init", "--vault", str(root), "--passphrase-file",
                     str(passfile))
    assert res.returncode == -signal.SIGKILL, res.stderr
    assert_user_error(run_cli("record", "list", vault=root, passfile=passfile),
                      "interrupted", "vault init")
    ok(run_cli("vault", "init", vault=root, passfile=passfile))
    ok(run_cli("record", "add", "--type", "person", "--json", "-", vault=root,
               passfile=passfile, input='{"alias": "after the crash"}'))
    res = ok(run_cli("record", "list", vault=root, passfile=passfile))
    assert "after the crash" in res.stdout
    assert not (root / "vault.init").exists()


def test_deleting_the_lock_file_does_not_let_a_second_process_in(tmp_path: Path,
                                                                  passfile: Path) -> None:
    root = tmp_path / "vault"
    Vault.create(root, PASSPHRASE).close()
    with Vault.unlock(root, PASSPHRASE) as v:
        for name in ("vault.lock",):  # what older versions locked; removing it changes nothing
            if (root / name).exists():
                os.unlink(root / name)
        res = run_cli("record", "list", vault=root, passfile=passfile)
        assert_user_error(res, "in use")
        # the first holder's unclean-shutdown marker is still there
        assert (root / "vault.open").exists()
        v.records.create(Person(alias="still mine"))
    res = ok(run_cli("record", "list", vault=root, passfile=passfile))
    assert "still mine" in res.stdout
