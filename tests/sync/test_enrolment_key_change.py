"""Enrolling again with a profile signed by another key (issue 11 §14): a forged profile
handed over at a checkpoint looks exactly like this, so the CLI refuses it under a bare
--yes, names the new fingerprint, warns when asked in person, and the audit log tells a
key change from an ordinary update."""

from __future__ import annotations

from pathlib import Path

from helpers import PASSPHRASE
from helpers.cli import assert_user_error, ok

from hrd_field.bundle.profile import load_profile
from hrd_field.hq.store import HqStore
from hrd_field.vault.vault import Vault


def _profile(root: Path, name: str, **options: str) -> Path:
    with HqStore.init(root / name, PASSPHRASE, "OHCHR Geneva") as hq:
        data = hq.profile(**options).sign(hq.signing_key())
    path = root / f"{name}.json"
    path.write_bytes(data)
    return path


def test_a_profile_with_another_key_needs_key_changed(cli, tmp_path: Path, vault_dir: Path):
    real = _profile(tmp_path, "hq")
    with HqStore.open(tmp_path / "hq", PASSPHRASE) as hq:
        moved = tmp_path / "moved.json"
        moved.write_bytes(hq.profile(intake_url="https://intake.example.org/")
                          .sign(hq.signing_key()))
    forged = _profile(tmp_path, "impostor")
    ok(cli("vault", "init"))
    ok(cli("enroll", str(real), "--yes"))

    # The same key vouching for a new address is an ordinary update.
    update = ok(cli("enroll", str(moved), "--yes"))
    assert "Warning" not in update.stderr

    refused = cli("enroll", str(forged), "--yes")
    assert_user_error(refused, "another key", "--key-changed",
                      load_profile(forged.read_bytes()).fingerprint)
    with Vault.unlock(vault_dir, PASSPHRASE) as vault:
        assert vault.meta("hq_profile") == moved.read_text()

    accepted = ok(cli("enroll", str(forged), "--yes", "--key-changed"))
    assert "under another key" in accepted.stderr
    assert load_profile(real.read_bytes()).fingerprint in accepted.stderr
    with Vault.unlock(vault_dir, PASSPHRASE) as vault:
        assert vault.meta("hq_profile") == forged.read_text()
        actions = [entry.action for entry in vault.audit_log()]
    assert actions.count("device.enrol") == 2
    assert actions.count("device.enrol_new_key") == 1
