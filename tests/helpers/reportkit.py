"""An in-memory report source for the aggregation tests: the same answers as the store's
SQL, computed the plain way from hand-written rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hrd_field.hq.reports.source import CommunicationRow, Grouped


@dataclass
class Received:
    type: str
    day: str | None
    region: str | None = None
    mission_id: str | None = None
    terms: dict[str, list[str]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)


@dataclass
class MemorySource:
    comms: list[CommunicationRow] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    def communications(self, date_from: str, date_to: str) -> list[CommunicationRow]:
        return [c for c in self.comms if c.sent_on and date_from <= c.sent_on <= date_to]

    def grouped(self, types: Sequence[str], starts: Sequence[str], last: str, *,
                by: str | None, where_term: Any = None,
                sums: Sequence[str] = ()) -> list[Grouped]:
        out: dict[tuple[int, str | None], list[int]] = {}
        for r in self.received:
            if r.type not in types or not r.day or not starts[0] <= r.day <= last:
                continue
            period = max(i for i, s in enumerate(starts) if s <= r.day)
            if where_term is not None:
                vocab, code = where_term
                got = r.terms.get(vocab, [])
                if (code is None and not got) or (code is not None and code not in got):
                    continue
            if by is None:
                keys: Iterable[str | None] = [None]
            elif by == "region":
                keys = [r.region]
            elif by == "mission_id":
                keys = [r.mission_id]
            else:
                keys = r.terms.get(by) or [None]
            for key in keys:
                acc = out.setdefault((period, key), [0] * (1 + len(sums)))
                acc[0] += 1
                for i, path in enumerate(sums):
                    acc[1 + i] += r.numbers.get(path, 0)
        return [Grouped(p, key, v[0], tuple(v[1:])) for (p, key), v in out.items()]

    def mission_titles(self, ids: Iterable[str]) -> dict[str, str]:
        return {i: self.titles[i] for i in ids if i in self.titles}


def comm(sent_on: str, state: str = "KE", **kw: Any) -> CommunicationRow:
    kw.setdefault("kind", "urgent_appeal")
    return CommunicationRow(id=f"{sent_on}-{state}-{id(kw)}", sent_on=sent_on, state=state, **kw)
