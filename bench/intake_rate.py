"""What the rate limit shared by all intake workers costs per request.

    python bench/intake_rate.py [--requests N] [--database URL]

A PostgreSQL-backed HQ counts each device's request bucket in the database
(``HqRepository.take_request``: one short transaction with a row lock) so that
``hq serve --workers N`` allows a device the rate of one worker. Measured here, in one run:
that call, against the device lookup every authenticated request already makes
(``device_by_key``, one SELECT: the baseline) and the in-memory bucket the embedded store
keeps (``intake.RateLimit.take``). Printed: median and p95 per call, and the ratio to the
baseline. Target: the shared bucket costs at most 3 device lookups (it is three statements
in one transaction).

``--database`` names a server where this user may create databases; otherwise a throwaway
cluster is started from Debian's binaries (tests/helpers/pgcluster.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from benchkit import Report, median, quantile, verdict

os.environ["HRD_FIELD_TEST_FAST_KDF"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hrd_field.bundle.minisign import SigningKey
from hrd_field.hq.intake import RateLimit
from hrd_field.hq.store import HqStore

PASSPHRASE = "bench passphrase for the rate limit"
RATIO_MAX = 3.0


def timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database", help="postgresql://user@host/postgres (default: a "
                                           "throwaway cluster)")
    args = parser.parse_args()
    with ExitStack() as stack:
        if args.database:
            import psycopg

            admin = args.database
            name = f"hrd_bench_rate_{os.getpid()}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = admin.rsplit("/", 1)[0] + "/" + name
        else:
            from helpers import pgcluster

            cluster = stack.enter_context(pgcluster.cluster())
            url = cluster.create_database("bench_rate")
        root = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        store = stack.enter_context(HqStore.init(root / "hq", PASSPHRASE, "bench",
                                                 database=url))
        key = SigningKey.generate().public_key().to_base64()
        store.repo.add_device("laptop", key)
        n = args.requests
        # generous limits: every call takes a token, none is refused
        lookup = timed(lambda: store.repo.device_by_key(key), n)
        shared = timed(lambda: store.repo.take_request(key, 1e9, 1e6), n)
        memory = RateLimit(1e9, 1e6)
        local = timed(lambda: memory.take(key), n)
    report = Report("per call")
    section = report.section(f"{n} authenticated requests' rate-limit step",
                             "device lookup (SELECT)")
    base = median(lookup)
    section.add("device lookup (baseline)", f"{base * 1e3:.2f} ms",
                f"{base * 1e3:.2f} ms", "1.00×")
    ratio = median(shared) / base
    section.add("shared bucket in PostgreSQL (p50)", f"{median(shared) * 1e3:.2f} ms",
                f"{base * 1e3:.2f} ms", f"{ratio:.2f}×", f"≤ {RATIO_MAX:.0f}×",
                verdict(ratio <= RATIO_MAX))
    section.add("shared bucket in PostgreSQL (p95)", f"{quantile(shared, 0.95) * 1e3:.2f} ms",
                f"{quantile(lookup, 0.95) * 1e3:.2f} ms",
                f"{quantile(shared, 0.95) / quantile(lookup, 0.95):.2f}×")
    section.add("in-memory bucket (embedded store)", f"{median(local) * 1e6:.1f} µs",
                f"{base * 1e3:.2f} ms", f"{median(local) / base:.3f}×")
    print(report.render())


if __name__ == "__main__":
    main()
