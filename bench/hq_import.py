"""The import part of bench/hq.py: bundles → HQ store, records only, in records per second.

For each backend (embedded; PostgreSQL when a throwaway cluster starts as in the tests):
a fresh HQ store, a field vault enrolled to it, every record exported with the real
exporter into bundles of at most ``--max-size`` MiB, then, bundle by bundle and
interleaved (who goes first alternates):

- the import: ``hq.importer.import_bundle`` on the bundle (decrypt, verify, parse,
  sequence and ownership checks, versions, records, indexes, bundle log; one transaction);
- floor: the same bundle read and parsed into a sink that keeps nothing (the cost no
  store can avoid);
- bulk store: the same parsed records through the store's ``create_many`` into another
  fresh store of the same backend, one transaction per bundle.

After the run every record must be in the store once and findable by a word of its text.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchkit import Report, verdict

PASSPHRASE = "bench HQ import passphrase"
TARGET = 5_000.0
BATCH = 5_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _Keep:
    """A bundle sink that keeps the records' bytes and nothing else."""

    def __init__(self) -> None:
        self.data = b""

    def accept_manifest(self, verified: object) -> None:
        pass

    def records(self, data: bytes) -> None:
        self.data = data

    def begin_attachment(self, sha256: str, size: int) -> None:
        pass

    def attachment_data(self, chunk: bytes) -> None:
        pass

    def end_attachment(self, sha256: str) -> None:
        pass


def _floor(path: Path, identities: list[str]) -> list[Any]:
    """Read, verify and parse one bundle as the importer does, storing nothing."""
    from hrd_field.bundle import read_bundle
    from hrd_field.core import codec

    sink = _Keep()
    read_bundle(path, identities=identities, sink=sink)
    return [codec.from_dict(codec.parse_json(line), fast=True)
            for line in sink.data.split(b"\n") if line.strip()]


def _field_vault(root: Path, n: int) -> Path:
    from bundle import travelling_records

    from hrd_field.vault.vault import Vault

    vault_dir = root / "field-pristine"
    records = travelling_records(n, seed=2027)
    with Vault.create(vault_dir, PASSPHRASE) as vault:
        for i in range(0, len(records), BATCH):
            vault.records.create_many(records[i:i + BATCH])
    return vault_dir


def _bundles(root: Path, name: str, pristine: Path, profile: bytes, device_name: str,
             store_dir: Path, max_size: int) -> tuple[list[Path], str]:
    """Export every record of a copy of the field vault to the HQ of ``profile``."""
    from hrd_field.hq.store import HqStore
    from hrd_field.sync.exporter import plan_export, write_export
    from hrd_field.sync.identity import device_public_key, enrol
    from hrd_field.vault.vault import Vault

    vault_dir = root / f"field-{name}"
    shutil.copytree(pristine, vault_dir)
    out = root / f"bundles-{name}"
    with Vault.unlock(vault_dir, PASSPHRASE) as vault:
        enrol(vault, profile)
        written = write_export(vault, plan_export(vault, since_last=False), out,
                               max_size=max_size)
        key = device_public_key(vault).to_base64()
    with HqStore.open(store_dir, PASSPHRASE) as store:
        store.repo.add_device(device_name, key)
    shutil.rmtree(vault_dir)
    return [b.path for b in sorted(written, key=lambda b: b.manifest.sequence)], key


def _new_store(root: Path, name: str, database: str | None) -> tuple[Path, bytes]:
    from hrd_field.hq.store import HqStore

    store_dir = root / name
    with HqStore.init(store_dir, PASSPHRASE, "Bench HQ", database=database) as store:
        return store_dir, store.profile().sign(store.signing_key())


def _backend(root: Path, label: str, pristine: Path, max_size: int,
             new_database: Any, n: int) -> dict[str, Any]:
    from hrd_field.core.records import Record
    from hrd_field.hq.importer import import_bundle
    from hrd_field.hq.store import HqStore

    store_dir, profile = _new_store(root, f"hq-{label}", new_database("import"))
    base_dir, _unused = _new_store(root, f"hq-{label}-bulk", new_database("bulk"))
    log(f"{label}: exporting {n:,} records")
    bundles, _key = _bundles(root, label, pristine, profile, "bench-laptop", store_dir,
                             max_size)
    pristine_store = None
    if label == "embedded":  # for the CLI run: the same store before any import
        pristine_store = root / "hq-embedded-cli"
        shutil.copytree(store_dir, pristine_store)
    log(f"{label}: importing {len(bundles)} bundles, interleaved with the baselines")
    t_import = t_floor = t_bulk = cpu_import = 0.0
    imported = 0
    with HqStore.open(store_dir, PASSPHRASE) as store, \
            HqStore.open(base_dir, PASSPHRASE) as base:
        identities = store.identities()

        def bulk(records: list[Record]) -> None:
            if label == "embedded":
                base.vault.records.create_many(records)
            else:
                base.repo.create_many(records)

        for i, path in enumerate(bundles):
            steps = ["import", "floor"] if i % 2 == 0 else ["floor", "import"]
            for step in steps:
                t, cpu = time.perf_counter(), time.process_time()
                if step == "import":
                    outcome = import_bundle(store, path)
                    t_import += time.perf_counter() - t
                    cpu_import += time.process_time() - cpu
                    if outcome.status != "imported":
                        raise RuntimeError(f"{path.name}: {outcome.status}: "
                                           f"{outcome.message}")
                    imported += outcome.counts["records"]
                else:
                    records = _floor(path, identities)
                    t_floor += time.perf_counter() - t
            t = time.perf_counter()
            bulk(records)
            t_bulk += time.perf_counter() - t
        counts = store.repo.counts()
        if counts["records"] != n or imported != n:
            raise RuntimeError(f"{label}: {counts['records']} records held, {imported} "
                               f"imported, {n} sent")
        # imported records are findable: the longest word of some records' titles
        missing = []
        for row in store.repo.rows(limit=20):
            word = max(row.title.split(), key=len, default="")
            if len(word) >= 4 and row.id not in {
                    h.id for h in store.repo.search(word, limit=n + 1)}:
                missing.append(row.id)
        if missing:
            raise RuntimeError(f"{label}: not found by search after import: {missing[:3]}")
    result: dict[str, Any] = {"bundles": len(bundles), "import": t_import, "cpu": cpu_import,
                              "floor": t_floor, "bulk": t_bulk, "records": imported}
    if pristine_store is not None:
        passfile = root / "passphrase"
        passfile.write_text(PASSPHRASE + "\n")
        log(f"{label}: one `hrd-field hq import` of the {len(bundles)} bundles")
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "hrd_field", "hq", "import", *map(str, bundles),
             "--store", str(pristine_store), "--json", "--passphrase-file", str(passfile)],
            capture_output=True, text=True, check=False)
        result["cli"] = time.perf_counter() - t
        if done.returncode != 0 or any(r["status"] != "imported"
                                       for r in json.loads(done.stdout)):
            raise RuntimeError(f"CLI import failed: {done.stderr[-2000:]}")
        shutil.rmtree(pristine_store)
    for path in bundles:
        path.unlink()
    return result


def import_part(args: argparse.Namespace) -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    n = args.import_records
    max_size = int(args.max_size * (1 << 20))
    root = Path(tempfile.mkdtemp(prefix="hrd-bench-hq-import-", dir=args.tmpdir))
    load_start = os.getloadavg()
    report = Report("records/s")
    results: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    try:
        log(f"{n:,} realistic records into a field vault")
        pristine = _field_vault(root, n)
        with ExitStack() as stack:
            results["embedded"] = _backend(root, "embedded", pristine, max_size,
                                           lambda _name: None, n)
            why = "--no-postgres" if args.no_postgres else None
            if why is None:
                from helpers import pgcluster

                why = pgcluster.unavailable() or pgcluster.unprivileged_user_blocked()
            if why is None:
                cluster = stack.enter_context(pgcluster.cluster())
                results["postgresql"] = _backend(
                    root, "postgresql", pristine, max_size,
                    lambda name: cluster.create_database(f"bench_{os.getpid()}_{name}"), n)
                notes.append("PostgreSQL: a throwaway local cluster started as in the tests "
                             "(fsync=off, shared_buffers=32MB), over TCP on loopback")
            else:
                notes.append(f"PostgreSQL not measured: {why}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report.header = [
        f"HQ import: {n:,} records, bundles of at most {args.max_size:g} MiB, records only; "
        f"{os.cpu_count()} cores, load average {load_start[0]:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end"]
    for backend, r in results.items():
        rate = r["records"] / r["import"]
        s = report.section(f"import into the {backend} store ({r['bundles']} bundles)",
                           "same bundles: read + parse only / the store's create_many")
        s.add("import_bundle, in-process", f"{rate:,.0f}", "", "",
              f"≥ {TARGET:,.0f}", verdict(rate >= TARGET))
        s.add("  same, by this process's CPU time (PostgreSQL's own not counted)",
              f"{r['records'] / r['cpu']:,.0f}")
        floor = r["records"] / r["floor"]
        s.add("  floor: decrypt, verify, parse (no store)", "", f"{floor:,.0f}",
              f"{floor / rate:.2f}×")
        bulk = r["records"] / r["bulk"]
        s.add("  bulk store: create_many, one transaction per bundle", "", f"{bulk:,.0f}",
              f"{bulk / rate:.2f}×")
        if "cli" in r:
            s.add("hrd-field hq import (process start + unlock included)",
                  f"{r['records'] / r['cli']:,.0f}")
        s.notes.append(f"import {r['import']:.2f} s (CPU {r['cpu']:.2f} s), floor "
                       f"{r['floor']:.2f} s, create_many {r['bulk']:.2f} s; ratio = baseline "
                       "rate ÷ import rate")
    report.sections[-1].notes += notes
    return report.render()
