"""What the benchmark scripts share: statistics and the table they print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


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
