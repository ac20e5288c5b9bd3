"""Memory stays flat: a 64 MiB attachment is written and read in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).with_name("bundle_bench.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units are Linux-specific")
def test_64_mib_attachment_in_bounded_memory(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(BENCH), "64", str(tmp_path)],
        capture_output=True, timeout=120, check=False, env=env, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    result = json.loads(done.stdout)
    assert result["growth_mib"] < 100, result
    assert list(tmp_path.iterdir()) == []
