"""Read another process's memory as someone who dumps a seized, running laptop would."""

from __future__ import annotations

from collections.abc import Iterator


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
    """Which needles occur in the process's memory, and in which mappings."""
    found: dict[str, list[str]] = {}
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
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
