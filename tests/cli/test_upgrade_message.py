"""The first command after an update upgrades an older vault once and says so on stderr (it
may take a minute on a large vault); later commands, and current vaults, say nothing."""

from __future__ import annotations

from pathlib import Path

from helpers.old_vault import make_v1_vault, old_records

UPGRADE_WORDS = ("once", "minute")


def test_the_cli_says_it_upgrades_an_older_vault_once(cli, vault_dir: Path) -> None:
    make_v1_vault(vault_dir, old_records())
    first = cli("record", "list")
    assert first.returncode == 0, first.stderr
    assert all(w in first.stderr for w in UPGRADE_WORDS), first.stderr
    assert "Traceback" not in first.stderr
    again = cli("record", "list")
    assert again.returncode == 0, again.stderr
    assert not any(w in again.stderr for w in UPGRADE_WORDS), again.stderr
    assert again.stdout == first.stdout

