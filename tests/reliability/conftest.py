"""Fixtures for the reliability tests: real vaults, the real CLI, real small filesystems."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def mount_tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A real, small filesystem (tmpfs); skipped with the reason when it cannot be mounted."""
    where.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                          str(where)], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {res.stderr.strip()}")
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
