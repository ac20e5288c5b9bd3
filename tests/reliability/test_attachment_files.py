"""Attachment files beside the vault (vault/attachments.py): a kill while one is added leaves
nothing visible and nothing behind after the next opening; wipe removes them; a missing or
altered file is reported by the check and refused when read, never given out."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import cli_env, ok, run_cli

from hrd_field.core.errors import UserError
from hrd_field.core.records import Person
from hrd_field.vault.vault import Vault

CONTENT = os.urandom(300_000)


def _vault_with_person(root: Path) -> str:
    with Vault.create(root, PASSPHRASE) as v:
        return v.records.create(Person(alias="Rose")).id


@pytest.mark.parametrize("point", ["attachment.file_written", "attachment.file_published"])
def test_a_kill_while_attaching_leaves_nothing(tmp_path: Path, passfile: Path,
                                               point: str) -> None:
    root = tmp_path / "vault"
    rid = _vault_with_person(root)
    src = tmp_path / "interview.ogg"
    src.write_bytes(CONTENT)
    env = {**cli_env(), "HRD_FIELD_TEST_CRASH_AT": point}
    res = subprocess.run([sys.executable, "-m", "hrd_field", "attach", rid, str(src),
                          "--vault", str(root), "--passphrase-file", str(passfile)],
                         capture_output=True, env=env, timeout=120, check=False)
    assert res.returncode == -signal.SIGKILL, res.stderr
    assert list((root / "files").iterdir()), "the kill came after the file was written"
    with Vault.unlock(root, PASSPHRASE) as v:  # after a crash: checked, then swept
        assert v.records.get(rid).attachments == []
        assert v.db.query("SELECT count(*) FROM attachments")[0][0] == 0
        assert list((root / "files").iterdir()) == []
        assert v.check().ok
    # and the same file attaches normally afterwards
    sha = ok(run_cli("attach", rid, str(src), vault=root, passfile=passfile)).stdout.strip()
    with Vault.unlock(root, PASSPHRASE) as v, v.open_attachment(sha) as chunks:
        assert b"".join(chunks) == CONTENT


def test_wipe_removes_the_files(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    rid = _vault_with_person(root)
    with Vault.unlock(root, PASSPHRASE) as v:
        v.add_attachment(rid, io.BytesIO(CONTENT), filename="a.ogg")
    assert len(list((root / "files").iterdir())) == 1
    ok(run_cli("vault", "wipe", "--yes", vault=root))
    assert not (root / "files").exists()


@pytest.mark.parametrize("damage", ["flip", "truncate", "remove", "swap"])
def test_a_damaged_file_is_reported_and_never_read(tmp_path: Path, damage: str) -> None:
    root = tmp_path / "vault"
    rid = _vault_with_person(root)
    with Vault.unlock(root, PASSPHRASE) as v:
        sha = v.add_attachment(rid, io.BytesIO(CONTENT), filename="a.ogg").sha256
        other = v.add_attachment(rid, io.BytesIO(CONTENT[::-1]), filename="b.ogg").sha256
        name = v.db.query("SELECT file FROM attachments WHERE sha256 = ?", (sha,))[0][0]
        other_name = v.db.query("SELECT file FROM attachments WHERE sha256 = ?",
                                (other,))[0][0]
    path = root / "files" / name
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 1
        path.write_bytes(data)
    elif damage == "truncate":
        path.write_bytes(data[: 65536 + 16])  # cut at a chunk boundary
    elif damage == "remove":
        path.unlink()
    else:  # the other attachment's file under this one's name: a different key
        path.write_bytes((root / "files" / other_name).read_bytes()[: len(data)])
    with Vault.unlock(root, PASSPHRASE) as v:
        report = v.check()
        assert any(sha in p for p in report.problems), report.problems
        assert not any(other in p for p in report.problems), report.problems
        received = bytearray()
        with pytest.raises(UserError, match="cannot be read"), v.open_attachment(sha) as chunks:
            for chunk in chunks:
                received += chunk
        assert bytes(received) == CONTENT[: len(received)]  # only authenticated chunks
        with v.open_attachment(other) as chunks:
            assert b"".join(chunks) == CONTENT[::-1]
