"""A field vault and an embedded HQ store are both vaults; which one a folder holds is decided
once the key opens it and before anything is written. Given as the other kind (HQ commands on
a field vault, field commands on an HQ store), it is refused in one line and left exactly as
it was: not migrated, no unlock entry in its audit log, every file byte-identical and not
touched. This holds for stores made by every earlier release (each schema version). Commands
only a field vault has (export, sync, attach, enrol, demo data) do not take --store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import assert_user_error, ok, run_cli
from helpers.old_vault import make_vault_at
from helpers.refusals import digest_dir

from hrd_field.core.errors import UserError
from hrd_field.hq.kind import ROLE
from hrd_field.hq.store import HqStore
from hrd_field.vault import migrations
from hrd_field.vault.vault import Vault

VERSIONS = range(1, len(migrations.STEPS) + 1)


def _state(root: Path) -> tuple[dict[str, str], dict[str, int]]:
    """Every file's content hash and modification time (the folder's own time may change: an
    opening's lock and SQLite's shared-memory files come and go, as at a wrong passphrase)."""
    return digest_dir(root), {str(p.relative_to(root)): p.stat().st_mtime_ns
                              for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def passfile(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("version", VERSIONS)
def test_a_field_vault_of_any_release_is_refused_as_hq_store_untouched(
        tmp_path: Path, version: int) -> None:
    root = tmp_path / "field"
    make_vault_at(root, version)
    before = _state(root)
    with pytest.raises(UserError, match="is a field vault, not an HQ store"):
        HqStore.open(root, PASSPHRASE)
    assert _state(root) == before


@pytest.mark.parametrize("version", VERSIONS)
def test_an_hq_store_of_any_release_is_refused_as_field_vault_untouched(
        tmp_path: Path, passfile: Path, version: int) -> None:
    root = tmp_path / "hq"
    make_vault_at(root, version, role=ROLE)
    before = _state(root)
    assert_user_error(run_cli("record", "list", vault=root, passfile=passfile),
                      "is an HQ store, not a field vault", "--store")
    assert _state(root) == before


def test_refused_stores_still_open_as_what_they_are(tmp_path: Path, passfile: Path) -> None:
    field, hq = tmp_path / "field", tmp_path / "hq"
    make_vault_at(field, 1)
    make_vault_at(hq, 1, role=ROLE)
    with pytest.raises(UserError):
        HqStore.open(field, PASSPHRASE)
    assert_user_error(run_cli("record", "list", vault=hq, passfile=passfile), "HQ store")
    with Vault.unlock(field, PASSPHRASE) as vault:  # upgraded now, and its unlock logged
        assert migrations.current_version(vault.db.conn) == migrations.LATEST
        assert [e.action for e in vault.audit_log()] == ["vault.unlock"]
    assert ok(run_cli("hq", "gaps", "--store", str(hq), "--passphrase-file", str(passfile)))


def test_current_stores_refused_by_the_cli_untouched(tmp_path: Path, passfile: Path) -> None:
    field, hq = tmp_path / "field", tmp_path / "hq"
    Vault.create(field, PASSPHRASE).close()
    HqStore.init(hq, PASSPHRASE, "OHCHR").close()
    record = tmp_path / "person.json"
    record.write_text('{"type": "person", "alias": "Rose"}', encoding="utf-8")
    before = _state(field), _state(hq)
    for args in (["hq", "gaps", "--store", str(field)],
                 ["hq", "import", str(record), "--store", str(field)]):
        assert_user_error(run_cli(*args, "--passphrase-file", str(passfile)),
                          "is a field vault, not an HQ store")
    for args in (["record", "add", "--type", "person", "--json", str(record)],
                 ["record", "list"], ["export", "--all", "--out", str(tmp_path / "out")],
                 ["attach", "00000000-0000-4000-8000-000000000000", str(record)],
                 ["vault", "recovery-key", "--recipient", "age1xyz"]):
        assert_user_error(run_cli(*args, vault=hq, passfile=passfile),
                          "is an HQ store, not a field vault")
    for args in (["export", "--all", "--out", str(tmp_path / "out")], ["sync"],
                 ["attach", "00000000-0000-4000-8000-000000000000", str(record)],
                 ["demo-data", "--count", "3"], ["enroll", str(record)]):
        res = run_cli(*args, "--store", str(hq), "--passphrase-file", str(passfile))
        assert res.returncode == 2 and "--store" in res.stderr, res  # field-only: no --store
    assert (_state(field), _state(hq)) == before
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")
