"""The app's process keeps its memory to itself: a crash writes no core file (decrypted
records, perhaps the vault's key), and on Linux other processes of the same user cannot
trace it or read /proc/PID/mem."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="core limits and /proc as Linux has them")


def _core_limit(pid: int) -> list[str]:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            return line.split()[4:6]
    raise AssertionError("no core limit line")


def _unlimited_cores() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def test_the_desktop_app_at_its_lock_screen_can_write_no_core_file(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HRD_FIELD_CONFIG_DIR=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "hrd_field", "gui", "--vault",
                             str(tmp_path / "vault")], env=env, preexec_fn=_unlimited_cores,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _core_limit(proc.pid) != ["0", "0"]:
            assert proc.poll() is None, "the app ended"
            assert time.monotonic() < deadline, _core_limit(proc.pid)
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait(30)


def test_other_processes_of_the_user_may_not_trace_it() -> None:
    code = ("import ctypes; from hrd_field.hardening import keep_memory_private\n"
            "libc = ctypes.CDLL(None)\n"
            "print(libc.prctl(3, 0, 0, 0, 0))  # PR_GET_DUMPABLE\n"
            "keep_memory_private()\n"
            "print(libc.prctl(3, 0, 0, 0, 0))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    assert out == ["1", "0"]
