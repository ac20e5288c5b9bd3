"""Files written beside the vault appear whole or not at all, and never through a planted
symlink (issue 11 item 11, issue 10 atomic_file)."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import run_cli

from hrd_field.core.records import Consultation
from hrd_field.vault.fsutil import atomic_file, leftover_parts
from hrd_field.vault.vault import Vault


def test_attachment_get_refuses_a_planted_part_symlink(tmp_path: Path, passfile: Path) -> None:
    root = tmp_path / "vault"
    content = b"the recording of a consultation " * 1000
    with Vault.create(root, PASSPHRASE) as v:
        rid = v.records.create(Consultation(summary="session")).id
        sha = v.add_attachment(rid, io.BytesIO(content), filename="a.ogg").sha256
    victim = tmp_path / "shared-notes.txt"  # world-readable, owned by the user
    victim.write_bytes(b"public notes")
    os.chmod(victim, 0o644)
    out = tmp_path / "out.ogg"
    # an attacker who can write the folder plants the old fixed temporary name
    os.symlink(victim, out.with_name(out.name + ".part"))
    res = run_cli("attachment", "get", sha, "--out", str(out), vault=root, passfile=passfile)
    assert res.returncode == 0, res.stderr
    assert victim.read_bytes() == b"public notes"  # no plaintext written through the link
    assert stat.S_IMODE(os.lstat(out).st_mode) == 0o600
    assert not out.is_symlink()
    assert hashlib.sha256(out.read_bytes()).hexdigest() == sha


def test_atomic_file_never_follows_or_reuses_an_existing_part(tmp_path: Path) -> None:
    target = tmp_path / "file"
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    part = tmp_path / "fixed.part"
    os.symlink(victim, part)
    with pytest.raises(FileExistsError), atomic_file(target, part=part) as fh:
        fh.write(b"secret")
    assert victim.read_bytes() == b"keep" and not target.exists()


def test_atomic_file_leaves_old_content_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(target) as fh:
        fh.write(b"new, half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert leftover_parts(target) == []
    with atomic_file(target) as fh:
        fh.write(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
