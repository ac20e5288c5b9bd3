"""What a record costs between its JSON line and the validated record, per record, in Python.

    python bench/codec.py [--records N] [--passes P] [--against TREE]

N realistic records (the same generator and seed as ``bench/hq_import.py``: demo records,
all final and allowed to travel) become the canonical JSON lines a device exports
(``codec.dumps(record).encode()``). Steps of an HQ import are then timed over all of
them, in CPU time (``time.process_time``) with the cycle collector paused as the importer
pauses it, P passes each, and the median pass reported in microseconds per record:

- ``parse_json``: a line to its dict (the strict parser: duplicate keys, NaN, long ints);
- ``from_dict(fast=True)``: the dict to a built, normalised, validated record;
- ``to_dict``: the record back to its dict;
- ``canonical``: that dict to canonical JSON text;
- what an HQ row is made of: ``search_text``, ``terms``, ``term_texts`` ('vocab:code',
  sorted), ``columns``, ``cjk_bigrams`` (of the title and the search text);
- where a tree has them: ``parse_line`` (the importer's parser) and ``to_typed_plain``
  (``to_dict`` made as one dict).

Each tree's code runs in its own worker process (the tree first on ``PYTHONPATH``): this
tree's, and with ``--against TREE`` (e.g. ``git archive main | tar -x -C /tmp/before``)
that tree's, interleaved pass by pass with who goes first alternating, so both see the same
machine load. The workers also check that both trees build the same records: the canonical
JSON of every record built is hashed and the hashes must agree.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchkit import Report, TreeWorker, median

HERE = Path(__file__).resolve().parents[1]
STEPS = ("parse_json", "from_dict", "to_dict", "canonical", "search_text", "terms",
         "term_texts", "columns", "cjk_bigrams", "parse_line", "to_typed_plain")
"""The first four are the record's way in and out; then what an HQ row is made of
(``indexing``; ``term_texts`` is ``sorted('vocab:code')`` of ``terms`` where a tree has
no ``indexing.term_texts``; ``cjk_bigrams`` of the title and search text); the last two
where a tree has them: ``codec.parse_line`` (the importer's parser: orjson for canonical
lines, the strict parser otherwise) and ``introspect.to_typed_plain``."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the worker: one tree's code -------------------------------------------------------


def serve() -> None:
    """Answer the commands on stdin, one JSON line each, with one JSON line on stdout."""
    from hrd_field.core import codec

    lines: list[bytes] = []
    dicts: list[Any] = []
    records: list[Any] = []
    plain: list[Any] = []
    steps: dict[str, tuple[Any, list[Any]]] = {}
    for raw in sys.stdin:
        cmd = json.loads(raw)
        if cmd["op"] == "load":
            lines = [line.encode() for line in cmd["lines"]]
            dicts = [codec.parse_json(line) for line in lines]
            records = [codec.from_dict(d, fast=True) for d in dicts]
            plain = [codec.to_dict(r) for r in records]
            steps = {"parse_json": (codec.parse_json, lines),
                     "from_dict": (lambda d: codec.from_dict(d, fast=True), dicts),
                     "to_dict": (codec.to_dict, records),
                     "canonical": (codec.canonical, plain)}
            from hrd_field.core import indexing
            bodies = [indexing.columns(r)["title"] + "\n" + indexing.search_text(r)
                      for r in records]
            steps |= {"search_text": (indexing.search_text, records),
                      "terms": (indexing.terms, records),
                      "columns": (indexing.columns, records),
                      "cjk_bigrams": (indexing.cjk_bigrams, bodies)}
            term_texts = getattr(indexing, "term_texts", None)
            # what hq/postgres/records.py record_terms made of terms before term_texts
            steps["term_texts"] = (term_texts or (lambda r: sorted(
                f"{v}:{c}" for v, c in indexing.terms(r))), records)
            parse_line = getattr(codec, "parse_line", None)
            if parse_line is not None:  # the importer's parser, where the tree has it
                steps["parse_line"] = (parse_line, lines)
            from hrd_field.core import introspect
            typed = getattr(introspect, "to_typed_plain", None)
            if typed is not None:  # what codec.to_dict would cost made as one dict
                if any(typed(r) != d for r, d in zip(records, plain, strict=True)):
                    raise SystemExit("to_typed_plain differs from to_dict")
                steps["to_typed_plain"] = (typed, records)
            for step, items in steps.values():  # generated code is made on first use
                for item in items[:200]:
                    step(item)
            digest = hashlib.sha256()
            for d in plain:
                digest.update(codec.canonical(d).encode() + b"\n")
            answer: dict[str, Any] = {"digest": digest.hexdigest(),
                                      "code": str(Path(codec.__file__).parents[2]),
                                      "steps": list(steps)}
        elif cmd["op"] == "time":
            if cmd["step"] not in steps:
                print(json.dumps({"us": None}), flush=True)
                continue
            step, items = steps[cmd["step"]]
            gc.collect()
            gc.disable()
            start = time.process_time()
            for item in items:
                step(item)
            spent = time.process_time() - start
            gc.enable()
            answer = {"us": spent / len(items) * 1e6}
        else:
            return
        print(json.dumps(answer), flush=True)


# --- the driver ------------------------------------------------------------------------


def codec_worker(tree: Path) -> TreeWorker:
    """This script in worker mode, running ``tree``'s code."""
    return TreeWorker(tree, Path(__file__).resolve(), "--worker")


def exported_lines(n: int) -> list[str]:
    sys.path.insert(0, str(HERE / "bench"))
    from bundle import travelling_records

    from hrd_field.core import codec

    return [codec.dumps(record) for record in travelling_records(n, seed=2027)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--against", type=Path, help="the baseline tree, run in the same run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        serve()
        return
    log(f"{args.records:,} records")
    lines = exported_lines(args.records)
    trees = {"this tree": HERE}
    if args.against is not None:
        trees["baseline"] = args.against.resolve()
    workers = {label: codec_worker(tree) for label, tree in trees.items()}
    load_start = os.getloadavg()
    try:
        loaded = {label: w(op="load", lines=lines) for label, w in workers.items()}
        for label, tree in trees.items():
            if Path(loaded[label]["code"]) != tree:
                raise SystemExit(f"{label}: hrd_field came from {loaded[label]['code']}")
        digests = {label: answer["digest"] for label, answer in loaded.items()}
        times: dict[str, dict[str, list[float]]] = {
            label: {step: [] for step in STEPS} for label in workers}
        order = list(workers)
        for p in range(args.passes):
            log(f"pass {p + 1}/{args.passes}")
            for step in STEPS:
                for label in order:
                    spent = workers[label](op="time", step=step)["us"]
                    if spent is not None:
                        times[label][step].append(spent)
                order.reverse()
    finally:
        for w in workers.values():
            w.close()
    load_end = os.getloadavg()
    out = Report("µs a record (median)", footnote=f"python {sys.version.split()[0]}")
    out.header = [
        f"{args.records:,} exported records (bench/bundle.py travelling_records, seed 2027), "
        f"{sum(map(len, lines)) / len(lines):,.0f} bytes a line on average; "
        f"{args.passes} passes, CPU time, cycle collector paused",
        f"load average {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end"]
    if args.against is not None:
        out.header.append(f"baseline: {trees['baseline']}; ratio = baseline ÷ this tree "
                          "(2.00× is twice as fast)")
        same = len(set(digests.values())) == 1
        out.header.append("records built: " + ("identical in both trees" if same else
                                               "DIFFERENT between the trees"))
    section = out.section("per record", "baseline" if args.against else "")
    for step in STEPS:
        if not times["this tree"][step]:
            continue
        value = median(times["this tree"][step])
        base_times = times.get("baseline", {}).get(step)
        if not base_times:
            section.add(step, f"{value:.1f}")
            continue
        base = median(base_times)
        section.add(step, f"{value:.1f}", f"{base:.1f}", f"{base / value:.2f}×")
    total = sum(median(times["this tree"][s]) for s in STEPS[:4])
    section.notes.append(f"the first four: {total:.0f} µs a record here, "
                         f"{1e6 / total:,.0f} records a second of CPU")
    print(out.render())


if __name__ == "__main__":
    main()
