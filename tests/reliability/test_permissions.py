"""Permissions named truthfully (issue 12 item 6): the CLI runs as an ordinary user
(``nobody``, through setpriv) against a vault whose permissions deny it something. Root is
needed to switch users; otherwise the test is skipped with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import Result, assert_user_error, cli_env, ok

from hrd_field.core.records import Person
from hrd_field.vault.vault import Vault

NOBODY = 65534


def as_nobody(*args: str, stdin: str | None = None) -> Result:
    argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
            sys.executable, "-m", "hrd_field", *args]
    env = {**cli_env(), "HOME": "/nonexistent"}
    proc = subprocess.run(argv, input=stdin.encode() if stdin else None, capture_output=True,
                          env=env, timeout=120, check=False)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


@pytest.fixture
def place() -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the command as another user")
    where = Path(tempfile.mkdtemp(prefix="hrd-perm-"))
    os.chmod(where, 0o755)
    try:
        probe = as_nobody("--version")
        if probe.returncode != 0:
            pytest.skip(f"cannot run hrd-field as nobody: {probe.stderr.strip()[-200:]}")
        yield where
    finally:
        shutil.rmtree(where, ignore_errors=True)


@pytest.fixture
def owned_vault(place: Path) -> tuple[Path, Path]:
    root = place / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create(Person(alias="Rose"))
    passfile = place / "pass.txt"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
    for p in [root, *root.iterdir(), passfile]:
        os.chown(p, NOBODY, NOBODY)
    return root, passfile


def vault_args(root: Path, passfile: Path) -> list[str]:
    return ["--vault", str(root), "--passphrase-file", str(passfile)]


def test_reading_denied_is_named_as_such(owned_vault: tuple[Path, Path]) -> None:
    root, passfile = owned_vault
    os.chmod(root / "vault.key", 0o000)
    res = as_nobody("record", "list", *vault_args(root, passfile))
    assert_user_error(res, "may not read", "vault.key")
    assert "write" not in res.stderr.lower()


def test_folder_not_writable_opens_read_only_and_says_why(
        owned_vault: tuple[Path, Path]) -> None:
    root, passfile = owned_vault
    os.chmod(root, 0o500)
    try:
        res = ok(as_nobody("record", "list", *vault_args(root, passfile)))
        assert "Rose" in res.stdout
        res = as_nobody("record", "add", "--type", "person", "--json", "-",
                        *vault_args(root, passfile), stdin='{"alias": "new"}')
        assert_user_error(res, "permission denied", str(root))
        assert "another vault" not in res.stderr
    finally:
        os.chmod(root, 0o700)


def test_read_only_database_file_is_named(owned_vault: tuple[Path, Path]) -> None:
    root, passfile = owned_vault
    os.chmod(root / "vault.db", 0o400)
    res = as_nobody("record", "add", "--type", "person", "--json", "-",
                    *vault_args(root, passfile), stdin='{"alias": "new"}')
    assert_user_error(res, "read-only", "permissions")
    assert "OperationalError" not in res.stderr


def test_init_where_this_user_may_not_write(place: Path) -> None:
    closed = place / "closed"
    closed.mkdir(mode=0o755)  # owned by root: nobody may not create anything in it
    passfile = place / "pass.txt"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
    os.chmod(passfile, 0o644)
    res = as_nobody("vault", "init", "--vault", str(closed / "vault"), "--passphrase-file",
                    str(passfile))
    assert_user_error(res, "may not write")
    assert "PermissionError" not in res.stderr
