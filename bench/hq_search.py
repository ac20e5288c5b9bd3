"""HQ search on both backends: what an analyst waits for after typing in a received list.

    .venv/bin/python bench/hq_search.py [--records 20000] [--runs 3] [--no-postgres]

Fills an embedded HQ store and, where a throwaway PostgreSQL cluster can be started as in
the tests, a PostgreSQL store (sealed rows) with the same generated records
(``bench/reports.py``'s generator), then for each word: the list's count and first page
(what the HQ window asks for, ``first_page``), the same search again (the person scrolls or
the list refreshes), and a page deep in the results. The embedded store, measured in the
same run, is the baseline: its full-text index finds matches without opening records,
while PostgreSQL's text is sealed and every candidate is opened in this process.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchkit import Report, median
from reports import PASSPHRASE, backends, fill_store, received

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hrd_field.hq.store import HqStore
from hrd_field.vault.queries import Filters

WORDS = [("community", None), ("community", "threat_report"), ("nothing-matches", None)]


def first_page(repo: Any, text: str, record_type: str | None) -> int:
    filters = Filters(type=record_type)
    n = repo.count(filters, text=text)
    repo.rows(filters, text=text, order_by="updated_at", limit=200)
    return int(n)


def measure(repo: Any, runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for text, record_type in WORDS:
        name = f"'{text}'" + (f", {record_type}" if record_type else "")
        firsts, agains, deep = [], [], []
        for _ in range(runs):
            start = time.perf_counter()
            n = first_page(repo, f"{text} ", record_type)  # a new search each run
            firsts.append(time.perf_counter() - start)
            start = time.perf_counter()
            first_page(repo, f"{text} ", record_type)
            agains.append(time.perf_counter() - start)
            start = time.perf_counter()
            repo.rows(Filters(type=record_type), text=f"{text} ", limit=200,
                      offset=max(n - 200, 0))
            deep.append(time.perf_counter() - start)
            _touch(repo)
        out[f"{name}: count + first page"] = firsts
        out[f"{name}: the same again"] = agains
        out[f"{name}: the last page"] = deep
    return out


def _touch(repo: Any) -> None:
    """A change between runs, as imports and edits make: a kept search must not be reused."""
    [row] = repo.rows(Filters(type="threat_report"), limit=1)
    record = repo.get(row.id)
    repo.update(record)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HRD_FIELD_TEST_FAST_KDF", "1")
    records = received(args.records, random.Random(17))
    out = Report("seconds (median)", footnote=f"python {sys.version.split()[0]}")
    out.header = [f"HQ search over {args.records} received records, median of {args.runs};"
                  f" load average at start {os.getloadavg()[0]:.1f}"]
    figures: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        for backend, database in backends(stack, out, not args.no_postgres,
                                          "search").items():
            print(f"filling the {backend} store…", file=sys.stderr, flush=True)
            fill_store(Path(tmp) / backend, records, [], database)
            with HqStore.open(Path(tmp) / backend, PASSPHRASE) as store:
                figures[backend] = measure(store.repo, args.runs)
    base = figures["embedded"]
    for backend, found in figures.items():
        section = out.section(f"{backend} store", "embedded store" if backend != "embedded"
                              else "")
        for name, times in found.items():
            value = median(times)
            if backend == "embedded":
                section.add(name, f"{value:.3f}")
            else:
                ref = median(base[name])
                section.add(name, f"{value:.3f}", f"{ref:.3f}", f"{value / ref:.0f}")
    out.header.append(f"load average at the end {os.getloadavg()[0]:.1f}")
    print(out.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
