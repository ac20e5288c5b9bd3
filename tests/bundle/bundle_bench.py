"""Write and read one bundle with a large attachment; report time and peak memory as JSON.

    python tests/bundle/bundle_bench.py SIZE_MIB WORKDIR [--compare-age]

Run in its own process so ``ru_maxrss`` (peak RSS) measures only this work. The baseline
is taken after imports and after the attachment file was created, so the growth is what
writing and reading the bundle cost. ``--compare-age`` also times the stock ``age`` CLI
encrypting and decrypting the same bytes (to /dev/null).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyrage

from hrd_field.bundle import AttachmentSource, SigningKey, read_bundle, write_bundle
from hrd_field.bundle.agefile import recipient_of


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class HashingSink:
    """Like HQ's importer minus the database: hashes attachment chunks and keeps nothing."""

    def __init__(self) -> None:
        self.digests: dict[str, str] = {}
        self._hash = hashlib.sha256()

    def accept_manifest(self, verified: object) -> None:
        pass

    def records(self, data: bytes) -> None:
        pass

    def begin_attachment(self, sha256: str, size: int) -> None:
        self._hash = hashlib.sha256()

    def attachment_data(self, chunk: bytes) -> None:
        self._hash.update(chunk)

    def end_attachment(self, sha256: str) -> None:
        self.digests[sha256] = self._hash.hexdigest()


def main() -> None:
    size_mib, workdir = int(sys.argv[1]), Path(sys.argv[2])
    compare_age = "--compare-age" in sys.argv
    workdir.mkdir(parents=True, exist_ok=True)
    identity = str(pyrage.x25519.Identity.generate())
    recipient = recipient_of(identity)
    key = SigningKey.generate()
    data_path = workdir / "attachment.bin"
    digest = hashlib.sha256()
    block = os.urandom(1024 * 1024)
    with open(data_path, "wb") as f:
        for i in range(size_mib):
            chunk = i.to_bytes(8, "big") + block[8:]
            digest.update(chunk)
            f.write(chunk)
    sha = digest.hexdigest()
    size = size_mib * 1024 * 1024
    baseline = peak_rss_mib()

    start = time.perf_counter()
    written = write_bundle(
        workdir, signing_key=key, recipients=[recipient], sequence=1,
        previous_manifest_sha256=None, records_jsonl=b'{"id":"r1"}\n',
        attachments=[AttachmentSource(sha, size, lambda: open(data_path, "rb"))],
        app_version="0.1.0", schema_version=1, counts={"consultation": 1},
    )
    write_s = time.perf_counter() - start
    after_write = peak_rss_mib()

    start = time.perf_counter()
    sink = HashingSink()
    read_bundle(written.path, identities=[identity], sink=sink)
    read_s = time.perf_counter() - start
    assert sink.digests == {sha: sha}
    after_read = peak_rss_mib()

    result = {
        "size_mib": size_mib,
        "write_s": round(write_s, 3),
        "read_s": round(read_s, 3),
        "baseline_rss_mib": round(baseline, 1),
        "peak_rss_mib": round(after_read, 1),
        "write_growth_mib": round(after_write - baseline, 1),
        "growth_mib": round(after_read - baseline, 1),
        "bundle_bytes": written.size,
    }
    age = shutil.which("age")
    if compare_age and age:
        (workdir / "id.txt").write_text(identity + "\n")
        enc = workdir / "cli.age"
        start = time.perf_counter()
        subprocess.run([age, "-r", recipient, "-o", str(enc), str(data_path)], check=True)
        result["age_cli_encrypt_s"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
        subprocess.run([age, "-d", "-i", str(workdir / "id.txt"), "-o", os.devnull, str(enc)],
                       check=True)
        result["age_cli_decrypt_s"] = round(time.perf_counter() - start, 3)
        enc.unlink()
    written.path.unlink()
    data_path.unlink()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
