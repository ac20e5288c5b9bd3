"""HQ team benchmark: a burst of uploads from many devices while analysts query, on the
embedded store (one intake process) and on PostgreSQL with 1, 2 and 4 intake workers, in
one run.

    python bench/hq_team.py [--quick] [--devices N] [--bundles N] [--records N]
                            [--analysts N] [--database URL] [--tmpdir DIR] [--keep]

For each configuration: a fresh HQ (embedded, or a new PostgreSQL database), D devices
(real vaults, enrolled with that HQ's profile, registered) each export B bundles of R
records with the real exporter; all D×B uploads start at once (the product's upload
client, one thread each) against ``hrd-field hq serve [--workers N]`` on 127.0.0.1 while A
analyst threads run reports (the portable report SQL) and searches in a loop through the
HQ repository. Every receipt is verified; afterwards the store must hold every bundle
exactly once. Printed: upload p50/p95, throughput (bundles/s), the analysts' query p95,
each against the embedded store measured in the same run.

PostgreSQL: ``--database`` names a server where this user may create databases
(``postgresql://user@host/postgres``); otherwise a throwaway cluster is started from
Debian's binaries (tests/helpers/pgcluster.py). Stores and vaults use the fast test KDF.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from benchkit import Report, quantile, verdict

os.environ["HRD_FIELD_TEST_FAST_KDF"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import httpx
from intake import (
    HOST,
    PASSPHRASE,
    READY_DEADLINE_S,
    Bundle,
    Device,
    cli_env,
    fill,
    free_port,
    log,
    upload_all,
)

from hrd_field.bundle.profile import load_profile
from hrd_field.hq.store import HqStore
from hrd_field.sync.identity import device_key, enrol
from hrd_field.vault.queries import Filters
from hrd_field.vault.vault import Vault

QUERIES = [
    ("report by region", "SELECT region, count(*) FROM report_records GROUP BY region"),
    ("report by threat type", "SELECT code, count(*) FROM report_terms WHERE vocab ="
                              " 'threat_type' GROUP BY code ORDER BY 2 DESC"),
    ("report by year", "SELECT substr(event_date, 1, 4), type, count(*) FROM report_records"
                       " GROUP BY substr(event_date, 1, 4), type"),
]
SEARCH_WORDS = ("police", "radio", "land", "threat")
THINK_S = 0.05

# Targets (issue 15): with 4 workers, p50 <= 1/4 of embedded and throughput >= 1.6x;
# analysts' queries p95 <= 1 s during the burst.
P50_RATIO_MAX = 0.25
THROUGHPUT_RATIO_MIN = 1.6
QUERY_P95_MAX_S = 1.0


@dataclass
class Result:
    name: str
    wall_s: float
    bundles: int
    latencies: list[float]
    query_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.bundles / self.wall_s


class Serve:
    def __init__(self, store: Path, passfile: Path, port: int, log_path: Path,
                 extra: list[str]):
        self.url = f"http://{HOST}:{port}"
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hrd_field", "hq", "serve", "--store", str(store),
             "--passphrase-file", str(passfile), "--host", HOST, "--port", str(port),
             *extra], stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=cli_env())
        deadline = time.monotonic() + READY_DEADLINE_S
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hq serve exited: {log_path.read_text()}")
            try:
                if httpx.get(self.url + "/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("hq serve did not become ready")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        self._log.close()


def analysts(store_dir: Path, count: int, stop: threading.Event,
             out: list[float], errors: list[str]) -> list[threading.Thread]:
    def loop(n: int) -> None:
        try:
            with HqStore.open(store_dir, PASSPHRASE, max_connections=2) as store:
                i = n
                while not stop.is_set():
                    t0 = time.perf_counter()
                    if i % 4 == 3:
                        store.repo.search(SEARCH_WORDS[i % len(SEARCH_WORDS)], limit=50)
                    elif i % 8 == 2:
                        store.repo.rows(Filters(type="threat_report"), limit=100)
                    else:
                        store.repo.report(QUERIES[i % len(QUERIES)][1])
                    out.append(time.perf_counter() - t0)
                    i += 1
                    stop.wait(THINK_S)  # a person reading the result, not a tight loop
        except Exception as exc:  # reported in the table, never hidden
            errors.append(f"analyst {n}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(count)]
    for t in threads:
        t.start()
    return threads


def configuration(name: str, root: Path, devices_root: Path, args: argparse.Namespace,
                  database: str | None, workers: int, seed: int) -> Result:
    log(f"{name}: new HQ, enrolling {args.devices} devices and exporting")
    passfile = root / "passphrase"
    port = free_port()
    store_dir = root / f"hq-{name}"
    with HqStore.init(store_dir, PASSPHRASE, "Benchmark HQ", database=database) as store:
        profile_bytes = store.profile(intake_url=f"http://{HOST}:{port}").sign(
            store.signing_key())
        hq_key = store.signing_key().public_key()
    devices = []
    profile = load_profile(profile_bytes)
    for i in range(args.devices):
        vault_dir = devices_root / f"device-{i:03d}"
        if vault_dir.exists():
            vault = Vault.unlock(vault_dir, PASSPHRASE)
        else:
            vault = Vault.create(vault_dir, PASSPHRASE)
        with vault:
            enrol(vault, profile_bytes)
            devices.append(Device(i, device_key(vault), profile, vault_dir))
    with HqStore.open(store_dir, PASSPHRASE) as store:
        for d in devices:
            store.repo.add_device(f"laptop-{d.index:03d}", d.key.public_key().to_base64())
    bundles: list[Bundle] = fill(devices, root / f"bundles-{name}", bundles=args.bundles,
                                 per_bundle=args.records, seed=seed, recording_mib=0.25,
                                 recordings=min(4, args.devices))
    extra = ["--workers", str(workers)] if workers > 1 else []
    server = Serve(store_dir, passfile, port, root / f"serve-{name}.log", extra)
    stop = threading.Event()
    query_latencies: list[float] = []
    errors: list[str] = []
    try:
        threads = analysts(store_dir, args.analysts, stop, query_latencies, errors)
        time.sleep(1.0)  # analysts connected and querying before the burst
        query_latencies.clear()
        log(f"{name}: {len(bundles)} uploads at once, {args.analysts} analysts querying")
        run = upload_all(server, devices, bundles, hq_key)  # type: ignore[arg-type]
        stop.set()
        for t in threads:
            t.join(60)
    finally:
        stop.set()
        server.stop()
    result = Result(name, run.wall_s, run.bundles, run.latencies, query_latencies,
                    [*run.errors, *errors])
    with HqStore.open(store_dir, PASSPHRASE) as store:
        counts = store.repo.counts()
    if counts["bundles"] != len(bundles) or counts["receipts"] != len(bundles):
        result.errors.append(f"store holds {counts['bundles']} bundles and "
                             f"{counts['receipts']} receipts, expected {len(bundles)}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 devices × 2 bundles")
    parser.add_argument("--devices", type=int, default=None)
    parser.add_argument("--bundles", type=int, default=None, help="bundles per device")
    parser.add_argument("--records", type=int, default=10, help="records per bundle")
    parser.add_argument("--analysts", type=int, default=5)
    parser.add_argument("--database", default=None,
                        help="a PostgreSQL server URL where new databases may be created")
    parser.add_argument("--tmpdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.devices = args.devices or (20 if args.quick else 50)
    args.bundles = args.bundles or (2 if args.quick else 4)

    root = Path(tempfile.mkdtemp(prefix="hrd-hq-team-bench-", dir=args.tmpdir))
    (root / "passphrase").write_text(PASSPHRASE + "\n")
    log(f"working in {root}; load average {os.getloadavg()[0]:.2f}")
    results: list[Result] = []
    with ExitStack() as stack:
        server_url = args.database
        if server_url is None:
            from helpers import pgcluster

            why = pgcluster.unavailable()
            if why:
                raise SystemExit(f"no PostgreSQL: {why}")
            cluster = stack.enter_context(pgcluster.cluster())
            server_url = cluster.url()

        def new_db(name: str) -> str:
            import psycopg

            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            return server_url.rsplit("/", 1)[0] + "/" + name

        try:
            configs = [("embedded", None, 1), ("pg-1", "x", 1), ("pg-2", "x", 2),
                       ("pg-4", "x", 4)]
            for seed, (name, pg, workers) in enumerate(configs, start=1):
                db = new_db(f"bench_{os.getpid()}_{name.replace('-', '_')}") if pg else None
                results.append(configuration(name, root, root / "devices", args, db,
                                             workers, seed))
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
    print(table(results, args))
    return 0


def table(results: list[Result], args: argparse.Namespace) -> str:
    base = results[0]
    report = Report("value", f"{os.cpu_count()} cores, load average at the end "
                             f"{os.getloadavg()[0]:.1f}")
    report.header = [f"HQ team benchmark: {args.devices} devices × {args.bundles} bundles of "
                     f"{args.records} records uploaded at once, {args.analysts} analysts "
                     "querying (reports, lists, searches) during the burst"]
    b50, b95 = quantile(base.latencies, 0.5), quantile(base.latencies, 0.95)
    for r in results:
        s = report.section(f"{r.name}", "embedded, 1 process" if r is not base else "")
        p50, p95 = quantile(r.latencies, 0.5), quantile(r.latencies, 0.95)
        q95 = quantile(r.query_latencies, 0.95) if r.query_latencies else float("nan")
        last = r.name == "pg-4"
        s.add("upload p50", f"{p50:.2f} s", f"{b50:.2f} s", f"{p50 / b50:.2f}",
              f"≤ {P50_RATIO_MAX}" if last else "", verdict(p50 / b50 <= P50_RATIO_MAX)
              if last else "")
        s.add("upload p95", f"{p95:.2f} s", f"{b95:.2f} s", f"{p95 / b95:.2f}")
        s.add("throughput", f"{r.throughput:.1f} bundles/s", f"{base.throughput:.1f}",
              f"{r.throughput / base.throughput:.2f}",
              f"≥ {THROUGHPUT_RATIO_MIN}" if last else "",
              verdict(r.throughput / base.throughput >= THROUGHPUT_RATIO_MIN) if last else "")
        s.add("analysts' query p95", f"{q95:.3f} s", "", "", f"≤ {QUERY_P95_MAX_S} s",
              verdict(q95 <= QUERY_P95_MAX_S))
        s.add("analysts' queries", str(len(r.query_latencies)))
        s.add("every bundle exactly once", "yes" if not r.errors else "NO", "", "", "yes",
              verdict(not r.errors))
        s.notes += r.errors[:5]
    return report.render()


if __name__ == "__main__":
    sys.exit(main())
