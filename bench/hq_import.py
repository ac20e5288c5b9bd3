"""The import part of bench/hq.py: bundles → HQ store, records only, in records per second.

Each configuration gets its own fresh HQ store (made by its own worker, so with its
tree's code and schema: an older tree imports into the store it would have made) and its
own bundles: the same field vault of ``--import-records`` realistic records, exported with
the real exporter into bundles of at most ``--max-size`` MiB. The configurations:

- this tree's code on the embedded store and on PostgreSQL (a throwaway cluster started as
  in the tests, skipped and said so where none can start);
- with ``--against TREE`` (a checkout of earlier code, e.g. ``git worktree add`` or ``git
  archive``): that code on both, the "before" of the same run;
- this tree on the embedded store with SQLCipher's ``cipher_memory_security`` off, and with
  it on but a larger SQLite lookaside (see ``hq_import_worker.py``): neither is shipped,
  they are the figures for the decision issue 18 asks for (``--no-memory-security-figure``
  leaves them out);
- where PostgreSQL runs: this tree's ``hrd-field hq import`` of all the bundles at once
  (``hq.import_many``, ``--jobs`` workers, default one per core) against ``--jobs 1``, in
  two alternating rounds, each on its own fresh store.

Every step runs in a worker process per tree (``hq_import_worker.py``, the tree on its
``PYTHONPATH``), bundle by bundle, interleaved, who goes first rotating: the import
(``hq.importer.import_bundle``: decrypt, verify, parse, sequence and ownership checks,
versions, records, indexes, bundle log; one transaction) and the floor (the same bundle
decrypted, verified and parsed, stored nowhere: what no store can avoid). Rates are given
by wall time and by CPU time (load-independent); for PostgreSQL the CPU of the server's
processes is added. After the run every record must be held once and found by a word of
its text.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit import Report, TreeWorker, verdict

PASSPHRASE = "bench HQ import passphrase"
TARGET = 5_000.0
BATCH = 5_000
HERE = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def import_worker(tree: Path, *flags: str) -> TreeWorker:
    """A ``hq_import_worker.py`` process running one tree's code."""
    return TreeWorker(tree, HERE / "bench" / "hq_import_worker.py", *flags,
                      env={"HRD_FIELD_TEST_FAST_KDF": "1"})


@dataclass
class Config:
    label: str
    backend: str
    worker: TreeWorker
    store: Path = Path()
    bundles: list[Path] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0
    server_cpu: float = 0.0
    records: int = 0
    jobs: int = 0
    """0: bundle by bundle with ``import_bundle``, interleaved with the others; N: all the
    bundles at once as ``hrd-field hq import --jobs N`` does (``hq.import_many``)."""


def _field_vault(root: Path, n: int) -> Path:
    from bundle import travelling_records

    from hrd_field.vault.vault import Vault

    vault_dir = root / "field-pristine"
    records = travelling_records(n, seed=2027)
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        for i in range(0, len(records), BATCH):
            vault.records.create_many(records[i:i + BATCH])
    return vault_dir


def _store_and_bundles(root: Path, name: str, pristine: Path, database: str | None,
                       max_size: int, worker: TreeWorker) -> tuple[Path, list[Path]]:
    """A fresh HQ store made by the configuration's own worker (its tree's code and schema),
    and every record of a copy of the field vault exported to it by this tree's field code
    (the bundle format is the same; the field side is not what is measured)."""
    from hrd_field.sync.exporter import plan_export, write_export
    from hrd_field.sync.identity import device_public_key, enrol
    from hrd_field.vault.vault import Vault

    store_dir = root / f"hq-{name}"
    made = worker(op="init", store=str(store_dir), database=database)
    profile = base64.b64decode(made["profile"])
    vault_dir = root / f"field-{name}"
    shutil.copytree(pristine, vault_dir)
    with Vault.unlock(vault_dir, PASSPHRASE) as vault:
        enrol(vault, profile)
        written = write_export(vault, plan_export(vault, since_last=False),
                               root / f"bundles-{name}", max_size=max_size)
        key = device_public_key(vault).to_base64()
    worker(op="add_device", store=str(store_dir), name="bench-laptop", key=key)
    shutil.rmtree(vault_dir)
    return store_dir, [b.path for b in sorted(written, key=lambda b: b.manifest.sequence)]


def _server_cpu(data_dir: Path) -> Callable[[], float]:
    """CPU seconds used so far by the PostgreSQL server's processes (the postmaster's
    children: backends, WAL writer, checkpointer; those that have exited too, as the
    backends of the connections ``hq import``'s workers closed)."""
    postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == postmaster:
                total += int(fields[11]) + int(fields[12])  # utime, stime
            elif int(entry.name) == postmaster:  # and its children that have exited
                total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        return total / tick

    return used


def import_part(args: argparse.Namespace) -> str:
    sys.path.insert(0, str(HERE / "tests"))
    n = args.import_records
    max_size = int(args.max_size * (1 << 20))
    root = Path(tempfile.mkdtemp(prefix="hrd-bench-hq-import-", dir=args.tmpdir))
    load_start = os.getloadavg()
    notes: list[str] = []
    configs: list[Config] = []
    floors: dict[str, dict[str, float]] = {}
    server: Callable[[], float] | None = None
    try:
        with ExitStack() as stack:
            workers = {"after": import_worker(HERE)}
            if args.against is not None:
                workers["before"] = import_worker(args.against.resolve())
            for worker in workers.values():
                stack.callback(worker.close)
            backends: dict[str, Callable[[str], str | None]] = {
                "embedded": lambda _name: None}
            why = "--no-postgres" if args.no_postgres else None
            if why is None:
                from helpers import pgcluster

                why = pgcluster.unavailable() or pgcluster.unprivileged_user_blocked()
            if why is None:
                cluster = stack.enter_context(pgcluster.cluster(fsync=args.pg_fsync))
                server = _server_cpu(cluster.root / "data")
                backends["postgresql"] = lambda name: cluster.create_database(
                    f"bench_{os.getpid()}_{name}")
                notes.append("PostgreSQL: a throwaway local cluster started as in the tests "
                             f"(fsync={'on' if args.pg_fsync else 'off'}, shared_buffers=32MB,"
                             " synchronous_commit on), over TCP on loopback")
            else:
                notes.append(f"PostgreSQL not measured: {why}")
            if args.no_embedded:
                del backends["embedded"]
            for backend in backends:
                for label, worker in workers.items():
                    configs.append(Config(label, backend, worker))
            if "postgresql" in backends:
                jobs = args.jobs or os.cpu_count() or 1
                for _round in range(2):  # alternating, twice: the load moves
                    configs.append(Config(f"after, hq import --jobs {jobs}", "postgresql",
                                          workers["after"], jobs=jobs))
                    configs.append(Config("after, hq import --jobs 1", "postgresql",
                                          workers["after"], jobs=1))
            if not args.no_memory_security_figure and not args.no_embedded:
                nomem = import_worker(HERE, "--memory-security-off")
                stack.callback(nomem.close)
                configs.append(Config("after, cipher_memory_security OFF", "embedded", nomem))
                lookaside = import_worker(HERE, "--lookaside")
                stack.callback(lookaside.close)
                configs.append(Config("after, lookaside 2000 × 1200 B (experiment)",
                                      "embedded", lookaside))
            log(f"{n:,} realistic records into a field vault")
            pristine = _field_vault(root, n)
            for i, config in enumerate(configs):
                log(f"{config.label} / {config.backend}: store and bundles")
                config.store, config.bundles = _store_and_bundles(
                    root, f"{i}", pristine, backends[config.backend](f"c{i}"), max_size,
                    config.worker)
            floors = {label: {"wall": 0.0, "cpu": 0.0, "records": 0} for label in workers}
            count = len(configs[0].bundles)
            log(f"importing {count} bundles per configuration, interleaved")
            for b in range(count):
                steps: list[Any] = [*(c for c in configs if not c.jobs), *workers]
                shift = b % len(steps)
                for step in steps[shift:] + steps[:shift]:
                    if isinstance(step, Config):
                        before = server() if server and step.backend == "postgresql" else 0.0
                        got = step.worker(op="import", store=str(step.store),
                                          bundle=str(step.bundles[b]))
                        if got["status"] != "imported":
                            raise RuntimeError(f"{step.label} {step.backend}: {got}")
                        if server and step.backend == "postgresql":
                            step.server_cpu += server() - before
                        step.wall += got["wall"]
                        step.cpu += got["cpu"]
                        step.records += got["records"]
                    else:  # the floor of this tree, on the embedded configuration's bundle
                        first = next(c for c in configs if c.worker is workers[step])
                        got = workers[step](op="floor", store=str(first.store),
                                            bundle=str(first.bundles[b]))
                        floor = floors[step]
                        floor["wall"] += got["wall"]
                        floor["cpu"] += got["cpu"]
                        floor["records"] += got["records"]
            for config in (c for c in configs if c.jobs):
                log(f"{config.label}: all {count} bundles")
                before = server() if server else 0.0
                got = config.worker(op="import_many", store=str(config.store),
                                    bundles=[str(b) for b in config.bundles], jobs=config.jobs)
                if got["status"] != "imported":
                    raise RuntimeError(f"{config.label}: {got}")
                config.server_cpu = server() - before if server else 0.0
                config.wall, config.cpu, config.records = got["wall"], got["cpu"], got["records"]
            for config in configs:
                got = config.worker(op="check", store=str(config.store), records=n)
                if not got["ok"] or config.records != n:
                    raise RuntimeError(f"{config.label} {config.backend}: {got['detail']}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return _render(args, n, load_start, configs, floors, notes)


def _render_many(report: Report, configs: list[Config]) -> None:
    """All the bundles as ``hq import`` takes them, several at once against one after
    another, in alternating rounds: each round's ratio, and the sums."""
    if not configs:
        return
    s = report.section("hq import of all the bundles into the postgresql store (hq.import_many:"
                       " manifests read to order them, workers started and opened)",
                       "--jobs 1, the round's other half")
    pairs = list(zip(configs[::2], configs[1::2], strict=True))
    for r, (many, one) in enumerate(pairs, 1):
        rate, base = many.records / many.wall, one.records / one.wall
        s.add(f"round {r}: {many.label}, by wall time", f"{rate:,.0f}", f"{base:,.0f}",
              f"{rate / base:.2f}×", f"≥ {TARGET:,.0f}", verdict(rate >= TARGET))
        s.add(f"round {r}: CPU time, workers' and PostgreSQL's included",
              f"{many.records / (many.cpu + many.server_cpu):,.0f}",
              f"{one.records / (one.cpu + one.server_cpu):,.0f}")
        for c in (many, one):
            s.notes.append(f"round {r}, {c.label}: {c.wall:.2f} s wall, {c.cpu:.2f} s CPU "
                           f"+ {c.server_cpu:.2f} s server CPU")


def _render(args: argparse.Namespace, n: int, load_start: tuple[float, ...],
            configs: list[Config], floors: dict[str, dict[str, float]],
            notes: list[str]) -> str:
    report = Report("records/s")
    report.header = [
        f"HQ import: {n:,} records, bundles of at most {args.max_size:g} MiB "
        f"({len(configs[0].bundles)} bundles), records only; {os.cpu_count()} cores, load "
        f"average {load_start[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"]
    before = {c.backend: c for c in configs if c.label == "before"}
    s = report.section("floor: decrypt, verify, parse and validate, no store",
                       "the same with the --against tree")
    for label, floor in floors.items():
        rate, cpu = floor["records"] / floor["wall"], floor["records"] / floor["cpu"]
        old = floors.get("before") if label == "after" else None
        s.add(f"{label}: by wall time", f"{rate:,.0f}",
              f"{old['records'] / old['wall']:,.0f}" if old else "",
              f"{rate / (old['records'] / old['wall']):.2f}×" if old else "")
        s.add(f"{label}: by CPU time", f"{cpu:,.0f}",
              f"{old['records'] / old['cpu']:,.0f}" if old else "",
              f"{cpu / (old['records'] / old['cpu']):.2f}×" if old else "")
    for backend in dict.fromkeys(c.backend for c in configs):
        s = report.section(f"import_bundle into the {backend} store",
                           "the same with the --against tree")
        for c in (c for c in configs if c.backend == backend and not c.jobs):
            base = before.get(backend) if c.label != "before" else None
            rate = c.records / c.wall
            s.add(f"{c.label}: by wall time", f"{rate:,.0f}",
                  f"{base.records / base.wall:,.0f}" if base else "",
                  f"{rate / (base.records / base.wall):.2f}×" if base else "",
                  f"≥ {TARGET:,.0f}", verdict(rate >= TARGET))
            cpu = c.records / c.cpu
            s.add(f"{c.label}: by this process's CPU time", f"{cpu:,.0f}",
                  f"{base.records / base.cpu:,.0f}" if base else "",
                  f"{cpu / (base.records / base.cpu):.2f}×" if base else "")
            if c.server_cpu:
                both = c.records / (c.cpu + c.server_cpu)
                s.add(f"{c.label}: by CPU time, PostgreSQL's processes included",
                      f"{both:,.0f}",
                      f"{base.records / (base.cpu + base.server_cpu):,.0f}" if base else "",
                      f"{both / (base.records / (base.cpu + base.server_cpu)):.2f}×"
                      if base else "")
            s.notes.append(f"{c.label}: import {c.wall:.2f} s wall, {c.cpu:.2f} s CPU"
                           + (f" + {c.server_cpu:.2f} s server CPU" if c.server_cpu else ""))
    _render_many(report, [c for c in configs if c.jobs])
    report.sections[-1].notes += notes
    if args.against is not None:
        report.sections[-1].notes.append(f"before = the code in {args.against}")
    return report.render()
