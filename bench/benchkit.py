"""What the benchmark scripts share: statistics, the table they print, and worker processes
running another tree's code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class TreeWorker:
    """A process running ``script`` with ``tree`` first on ``PYTHONPATH`` (this tree, or an
    earlier commit's copy to measure against in the same run): one JSON command a line on
    its stdin, one JSON answer a line on its stdout; ``{"op": "close"}`` ends it."""

    def __init__(self, tree: Path, script: Path, *args: str,
                 env: dict[str, str] | None = None) -> None:
        # the tree first; a PYTHONPATH the bench was started with follows (e.g. another
        # build of a dependency, measured against this one)
        path = os.pathsep.join(p for p in (str(tree), os.environ.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *args], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, cwd=tree,
            env={**os.environ, **(env or {}), "PYTHONPATH": path})

    def __call__(self, **cmd: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"worker died on {cmd}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        stdin = self.proc.stdin
        if stdin is not None and self.proc.poll() is None:
            stdin.write(json.dumps({"op": "close"}) + "\n")
            stdin.close()
        self.proc.wait(60)


def quantile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated quantile (q in 0..1) of a non-empty sample."""
    s = sorted(values)
    pos = q * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    return quantile(values, 0.5)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


@dataclass
class Line:
    name: str
    value: str = ""
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    result: str = ""


@dataclass
class Section:
    title: str
    baseline_name: str = ""
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *args: str) -> None:
        self.lines.append(Line(*args))


class Report:
    """A table of measurements against their baselines, targets and verdicts."""

    def __init__(self, value_header: str, footnote: str = "") -> None:
        self.value_header = value_header
        self.footnote = footnote
        self.header: list[str] = []
        self.sections: list[Section] = []

    def section(self, title: str, baseline_name: str = "") -> Section:
        self.sections.append(Section(title, baseline_name))
        return self.sections[-1]

    def render(self) -> str:
        cols = ("measurement", self.value_header, "baseline", "ratio", "target", "result")
        rows = [("  " + ln.name, ln.value, ln.baseline, ln.ratio, ln.target, ln.result)
                for s in self.sections for ln in s.lines]
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]

        def fmt(row: Sequence[str]) -> str:
            first, *rest = row
            return "  ".join([first.ljust(widths[0]),
                              *(v.rjust(w) for v, w in zip(rest, widths[1:], strict=True))])

        out = [*self.header, "", fmt(cols), "-" * len(fmt(cols))]
        for s in self.sections:
            out.append(f"{s.title}   [baseline: {s.baseline_name}]" if s.baseline_name
                       else s.title)
            out += [fmt(("  " + ln.name, ln.value, ln.baseline, ln.ratio, ln.target,
                         ln.result)) for ln in s.lines]
            out += [f"    · {note}" for note in s.notes]
        verdicts = [ln.result for s in self.sections for ln in s.lines if ln.result]
        summary = f"targets: {verdicts.count('PASS')} PASS, {verdicts.count('FAIL')} FAIL"
        out += ["", summary + (f"   ({self.footnote})" if self.footnote else "")]
        return "\n".join(out)
