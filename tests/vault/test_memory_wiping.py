"""What SQLite held in memory is gone once the vault is locked, and the build that ensures
it does not lock every allocation into RAM (packaging/sqlcipher_build.py, issue 18).

The data is made inside SQLite (``unhex``), so Python never holds a copy: what a memory
image finds after the lock can only be SQLite's freed memory. The same work on a connection
without SQLCipher's memory security leaves the data readable: that is the control, and it
shows the search would see it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import cli_env
from helpers.memimage import find_in_memory, locked_child

from hrd_field.vault.vault import Vault

pytestmark = pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")

CHILD = """
import gc, sys
mode, path, needle = sys.argv[1:4]

def locked_kib():
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmLck:"))

if mode == "vault":
    from pathlib import Path
    from hrd_field.vault.vault import Vault
    vault = Vault.unlock(Path(path), sys.argv[4])
    conn = vault.db.conn
else:
    import sqlcipher3
    conn = sqlcipher3.connect(path, isolation_level=None)
    conn.executescript("PRAGMA key = \\"x'" + "22" * 32 + "'\\";")
    conn.execute("PRAGMA cache_size = -65536")
conn.execute("CREATE TABLE scratch (b BLOB)")
conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
             "INSERT INTO scratch SELECT unhex(?) || zeroblob(400) || i FROM n", (needle,))
found = conn.execute("SELECT count(*) FROM scratch WHERE instr(b, unhex(?))",
                     (needle,)).fetchone()[0]
print(found, locked_kib(), flush=True)
if mode == "vault":
    vault.close()
    del vault
else:
    conn.close()
del conn
gc.collect()
print("locked", flush=True)
sys.stdin.readline()
"""


def _run(mode: str, *args: str) -> tuple[str, dict[str, list[str]]]:
    needle = os.urandom(24)
    with locked_child([sys.executable, "-c", CHILD, mode, args[0], needle.hex(), *args[1:]],
                      cli_env()) as (pid, printed):
        return printed[0], find_in_memory(pid, {"data": needle})


def test_a_locked_vault_leaves_no_data_in_sqlites_freed_memory(tmp_path: Path):
    Vault.create(tmp_path / "vault", PASSPHRASE).close()
    work, found = _run("vault", str(tmp_path / "vault"), PASSPHRASE)
    rows, _locked = work.split()
    assert rows == "3000"
    assert found == {}


def test_without_memory_security_the_same_work_leaves_the_data_readable(tmp_path: Path):
    work, found = _run("plain", str(tmp_path / "plain.db"))
    assert work.split()[0] == "3000"
    assert found, "the control found nothing: the memory search would prove nothing"


def test_the_vault_does_not_lock_every_allocation_into_memory(tmp_path: Path):
    # The published wheel calls mlock/munlock per SQLite allocation: here ~1.7 MiB ends up
    # locked (as root; an ordinary user's 8 MiB limit caps it), against the keys' own
    # 48 KiB heap with this project's build.
    Vault.create(tmp_path / "vault", PASSPHRASE).close()
    work, _ = _run("vault", str(tmp_path / "vault"), PASSPHRASE)
    locked_kib = int(work.split()[1])
    assert locked_kib < 512, (
        f"{locked_kib} KiB locked: sqlcipher3 is not the build of packaging/sqlcipher_build.py "
        "(run bash packaging/bootstrap.sh)")
