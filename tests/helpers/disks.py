"""Real small filesystems for full-disk tests: a tmpfs of a given size (needs root; the test
is skipped with the reason otherwise), and filling one up."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def mount_tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A real, small filesystem (tmpfs) at ``where``, unmounted afterwards; use with
    ``yield from`` in a fixture or ``for disk in mount_tmpfs(...)``."""
    if os.geteuid() != 0:
        pytest.skip("full-disk tests need root to mount a small tmpfs")
    where.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                          str(where)], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to simulate a full disk: {res.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True, check=False)
        if os.path.ismount(where):
            subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill(where: Path, leave: int) -> None:
    """Fill the filesystem at ``where`` until at most ``leave`` bytes stay free."""
    filler = where / "filler"
    with open(filler, "ab") as fh:
        while True:
            st = os.statvfs(where)
            free = st.f_bavail * st.f_frsize
            if free <= leave:
                break
            try:
                fh.write(b"\0" * max(1, min(free - leave, 1 << 20)))
                fh.flush()
            except OSError:
                break
