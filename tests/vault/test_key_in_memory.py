"""After the vault is locked, a memory image of the process holds neither its data key
(raw or as the hex of the key PRAGMA) nor the Argon2id key-encryption keys (issue 11 §5).

The vault lives in a child process that unlocks, works (reads, changes the passphrase, adds a
recovery slot, backs up, checks), locks and waits; this process then reads the child's memory
through /proc/PID/mem, as someone who seizes a running laptop and dumps its memory would.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyrage
import pytest
from helpers import PASSPHRASE
from helpers.cli import cli_env
from helpers.memimage import find_in_memory, locked_child

from hrd_field.vault.keyslots import KDF_LIMITS, KeyFile, _derive, _unb64
from hrd_field.vault.paths import VaultPaths
from hrd_field.vault.vault import Vault

NEW_PASSPHRASE = "a second passphrase, long enough"

CHILD = """
import gc, sys
from pathlib import Path
from hrd_field.vault.vault import Vault

root, new_passphrase, recipient = Path(sys.argv[1]), sys.argv[3], sys.argv[4]
vault = Vault.unlock(root, sys.argv[2])
assert vault.records.get(sys.argv[5]).title == "Visit to Kenya"
vault.change_passphrase(new_passphrase)
vault.set_recovery_recipient(recipient)
vault.backup(root.parent / "backup")
assert vault.check(full=True).ok
vault.close()
del vault
gc.collect()
print("locked", flush=True)
sys.stdin.readline()
"""


def _kek(keyfile: KeyFile, passphrase: str) -> bytes:
    slot = next(s for s in keyfile.slots if s["kind"] == "passphrase")
    params = {name: int(slot["kdf"][name]) for name in KDF_LIMITS}
    return _derive(passphrase, _unb64(slot["kdf"]["salt"]), params)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_locked_vault_leaves_no_key_in_the_process_memory(tmp_path: Path):
    from hrd_field.core.records import Mission

    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as vault:
        mission = vault.records.create(Mission(title="Visit to Kenya", country="KE")).id
    keyfile_path = VaultPaths(root).keyfile
    before = KeyFile.from_bytes(keyfile_path.read_bytes())
    data_key = before.unwrap(PASSPHRASE)
    recipient = str(pyrage.x25519.Identity.generate().to_public())

    with locked_child([sys.executable, "-c", CHILD, str(root), PASSPHRASE, NEW_PASSPHRASE,
                       recipient, mission], cli_env()) as (pid, _printed):
        after = KeyFile.from_bytes(keyfile_path.read_bytes())
        assert after.unwrap(NEW_PASSPHRASE) == data_key
        needles = {
            "data key": data_key,
            "data key as hex": data_key.hex().encode(),
            "data key as upper-case hex": data_key.hex().upper().encode(),
            "old passphrase's key-encryption key": _kek(before, PASSPHRASE),
            "new passphrase's key-encryption key": _kek(after, NEW_PASSPHRASE),
        }
        found = find_in_memory(pid, needles)
        # The search works: the child's own argument is in its memory.
        assert find_in_memory(pid, {"argument": NEW_PASSPHRASE.encode()})
        assert found == {}
