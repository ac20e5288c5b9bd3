"""Store a large file as an attachment and read it back, reporting peak memory.

Usage: big_attachment.py VAULT_DIR FILE   (passphrase in $HRD_WRITER_PASSPHRASE)
Prints one JSON object: stored and read-back SHA-256, size, and ru_maxrss (KiB) before/after.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
from pathlib import Path

from hrd_field.core.records import Consultation
from hrd_field.vault.vault import Vault


def peak_kib() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> None:
    root, path = Path(sys.argv[1]), Path(sys.argv[2])
    with Vault.unlock(root, os.environ["HRD_WRITER_PASSPHRASE"]) as vault:
        record = vault.records.create(Consultation(summary="recorded session"))
        before = peak_kib()
        with open(path, "rb") as fh:
            ref = vault.add_attachment(record.id, fh, filename=path.name,
                                       media_type="audio/ogg")
        after_store = peak_kib()
        digest = hashlib.sha256()
        size = 0
        with vault.open_attachment(ref.sha256) as chunks:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
        after_read = peak_kib()
        print(json.dumps({"stored": ref.sha256, "read": digest.hexdigest(), "size": size,
                          "ref_size": ref.size, "before": before, "after_store": after_store,
                          "after_read": after_read}))


if __name__ == "__main__":
    main()
