"""``hrd-field hq passwd``: the HQ store passphrase changes for an embedded store and for a
PostgreSQL-backed one (whose keys are in the store directory, never in the database), under
the shared passphrase rule, and a kill at any step leaves the old or the new passphrase
working, never neither. Through the real CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import Result, assert_user_error, cli_env
from helpers.hqkit import cli_argv, hrd, ok

from hrd_field.bundle import SigningKey
from hrd_field.core.faults import ENV as CRASH_ENV
from hrd_field.hq.store import HqStore
from hrd_field.vault.keyslots import WrongPassphrase

NEW = "a whole new harbour lantern 73"


@pytest.fixture
def store(tmp_path: Path, hq_database: str | None) -> tuple[Path, Path, Path]:
    """(store dir, old passphrase file, new passphrase file)."""
    root = tmp_path / "hq"
    with HqStore.init(root, PASSPHRASE, "HQ (passwd test)", database=hq_database) as opened:
        opened.repo.add_device("laptop-1", SigningKey.generate().public_key().to_base64())
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(PASSPHRASE + "\n", encoding="utf-8")
    new.write_text(NEW + "\n", encoding="utf-8")
    return root, old, new


def _opens(root: Path, passfile: Path) -> Result:
    return hrd("hq", "device", "list", "--json", "--store", root, passfile=passfile)


def _devices(root: Path, passfile: Path) -> list[str] | None:
    """The devices the store lists when opened with this passphrase; None if refused (in
    this process: the CLI's opening is tested above, this keeps the crash test short)."""
    try:
        with HqStore.open(root, passfile.read_text("utf-8").rstrip("\n")) as opened:
            return [d.name for d in opened.repo.devices()]
    except WrongPassphrase:
        return None


def _passwd(root: Path, old: Path, new: Path, *, crash_at: str | None = None) -> Result:
    import subprocess

    env = cli_env()
    if crash_at is not None:
        env[CRASH_ENV] = crash_at
    proc = subprocess.run([*cli_argv("hq", "passwd", "--store", root, passfile=old),
                           "--new-passphrase-file", str(new)], capture_output=True, env=env,
                          timeout=120, check=False)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


def _key_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if ".key" in p.name)


def test_passwd_changes_the_passphrase_and_keeps_everything(
        store: tuple[Path, Path, Path]) -> None:
    root, old, new = store
    before = sorted(p.name for p in root.iterdir())
    res = ok(_passwd(root, old, new))
    assert "passphrase changed" in res.stdout
    assert [d["name"] for d in ok(_opens(root, new)).json()] == ["laptop-1"]
    assert_user_error(_opens(root, old), "passphrase")
    assert sorted(p.name for p in root.iterdir()) == before  # no leftover beside the key


def test_passwd_refuses_a_weak_passphrase_or_a_wrong_old_one(
        store: tuple[Path, Path, Path], tmp_path: Path) -> None:
    root, old, new = store
    weak = tmp_path / "weak.txt"
    weak.write_text("short\n", encoding="utf-8")
    assert_user_error(_passwd(root, old, weak))
    assert_user_error(_passwd(root, new, new), "passphrase")  # wrong old passphrase
    assert _devices(root, old) == ["laptop-1"]  # nothing changed
    assert _devices(root, new) is None


@pytest.mark.parametrize("crash_at", ["passwd.before_keyfile", "atomic_file.before_rename",
                                      "passwd.keyfile"])
def test_a_kill_mid_change_leaves_one_passphrase_that_works(
        store: tuple[Path, Path, Path], crash_at: str) -> None:
    root, old, new = store
    killed = _passwd(root, old, new, crash_at=crash_at)
    assert killed.returncode == -9, killed
    took = crash_at == "passwd.keyfile"  # killed after the rename: the new one rules
    works, refused = (new, old) if took else (old, new)
    assert _devices(root, works) == ["laptop-1"]
    assert _devices(root, refused) is None
    # The change can be made (again) after the crash, and leaves no key-bearing leftover.
    ok(_passwd(root, works, refused))
    assert _devices(root, refused) == ["laptop-1"]
    leftovers = [n for n in _key_files(root) if n.endswith(".part")]
    assert leftovers == [], leftovers


def test_the_new_key_file_holds_no_secret_in_clear(store: tuple[Path, Path, Path]) -> None:
    root, old, new = store
    with HqStore.open(root, PASSPHRASE) as opened:
        identity = opened.identities()[0].encode()
        seed = opened.signing_key().seed().hex().encode()
    ok(_passwd(root, old, new))
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert identity not in data and seed not in data, path
            assert NEW.encode() not in data and PASSPHRASE.encode() not in data, path
    assert os.stat(root / _key_files(root)[0]).st_mode & 0o077 == 0
