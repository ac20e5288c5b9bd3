"""The self-test a packaged build runs: the whole chain, and nothing left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def test_self_test_passes_and_leaves_nothing_in_temp(tmp_path: Path) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(private_tmp), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "hrd_field", "--self-test"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Self-test passed" in proc.stdout
    assert list(private_tmp.iterdir()) == []
    assert tempfile.gettempdir() != str(private_tmp)
