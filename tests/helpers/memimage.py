"""Read another process's memory as someone who dumps a seized, running laptop would."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator

import pytest


def _readable_regions(pid: int) -> Iterator[tuple[int, int, str]]:
    with open(f"/proc/{pid}/maps", encoding="ascii") as maps:
        for line in maps:
            fields = line.split()
            span, perms = fields[0], fields[1]
            name = fields[5] if len(fields) > 5 else ""
            if "r" in perms and name not in ("[vvar]", "[vsyscall]"):
                lo, hi = (int(x, 16) for x in span.split("-"))
                yield lo, hi, name


def find_in_memory(pid: int, needles: dict[str, bytes]) -> dict[str, list[str]]:
    """Which needles occur in the process's memory, and in which mappings (the test is
    skipped where the system forbids reading a child's memory)."""
    found: dict[str, list[str]] = {}
    try:
        mem = open(f"/proc/{pid}/mem", "rb", buffering=0)
    except PermissionError:
        pytest.skip("this system does not let a parent read its child's memory")
    with mem:
        for lo, hi, name in _readable_regions(pid):
            try:
                mem.seek(lo)
                image = mem.read(hi - lo)
            except OSError:
                continue  # a guard page or a mapping that went away
            for label, needle in needles.items():
                if needle in image:
                    found.setdefault(label, []).append(name or "anonymous")
    return found


@contextlib.contextmanager
def locked_child(args: list[str], env: dict[str, str]) -> Iterator[tuple[int, list[str]]]:
    """Run a child that works, prints "locked" and waits; yield its pid and the lines it
    printed before "locked", its memory to be read meanwhile. It exits when the block ends."""
    child = subprocess.Popen(args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout is not None and child.stdin is not None
    try:
        lines = []
        for line in child.stdout:
            if line.strip() == "locked":
                break
            lines.append(line.strip())
        else:
            raise AssertionError("the child failed")
        yield child.pid, lines
    finally:
        child.stdin.write("\n")
        child.stdin.close()
        child.wait(timeout=60)
    assert child.returncode == 0
