"""Write records into a vault forever, printing each committed id; killed by the test.

Usage: writer.py VAULT_DIR   (passphrase in $HRD_WRITER_PASSPHRASE, seed in $HRD_WRITER_SEED)

An id is printed only after the call that stored it has returned, so every printed id must
survive a SIGKILL at any moment.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from hrd_field.core.records import Person, ThreatReport
from hrd_field.vault.vault import Vault

BATCH = 20


def main() -> None:
    root = Path(sys.argv[1])
    rng = random.Random(int(os.environ.get("HRD_WRITER_SEED", "0")))
    vault = Vault.unlock(root, os.environ["HRD_WRITER_PASSPHRASE"])
    out = sys.stdout
    n = 0
    while True:
        n += 1
        if rng.random() < 0.3:
            batch = [Person(alias=f"batch {n}.{i}", notes="x" * rng.randrange(0, 4000))
                     for i in range(BATCH)]
            vault.records.create_many(batch)
            out.write("".join(f"{r.id}\n" for r in batch))
        else:
            record = ThreatReport(description=f"single {n} " + "y" * rng.randrange(0, 8000),
                                  threat_types=["death_threat"])
            vault.records.create(record)
            out.write(f"{record.id}\n")
        out.flush()


if __name__ == "__main__":
    main()
