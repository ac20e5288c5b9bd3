"""HQ at scale: importing bundles, and the HQ workspace over 100,000 received records.

    .venv/bin/python bench/hq.py [--part all|import|workspace] [--records 100000]
                                 [--communications 10000] [--runs 5]
                                 [--import-records 20000] [--max-size 4] [--no-postgres]
                                 [--no-embedded] [--pg-fsync] [--against TREE]
                                 [--no-memory-security-figure]

Import (``--part import``, ``bench/hq_import.py``): a field vault of ``--import-records``
realistic records (all of them allowed to travel) is exported with the real exporter into
bundles of at most ``--max-size`` MiB for each configuration's fresh HQ store (embedded;
PostgreSQL when a throwaway cluster can be started, as in the tests), and the bundles are
imported with ``hq.importer.import_bundle`` in worker processes, bundle by bundle,
interleaved. Records per second, records only, by wall and by CPU time. Baselines in the
same run: the floor (the same bundles decrypted, verified and parsed, stored nowhere) and,
with ``--against TREE``, the same import by earlier code. Also the embedded store with
SQLCipher's ``cipher_memory_security`` off, for the decision it is (never shipped).

Workspace (``--part workspace``): builds an embedded HQ store once (demo field records as
received rows, casework through ``Casework.add_many``), opens the real HQ window
offscreen, and measures:
- each list (received records, communications, recommendations, legislation, reprisals):
  from refresh to the first page on screen; target < 1 s;
- the deadline board: from refresh to the three tables filled; target < 200 ms.
Baseline, measured in the same run: the same work without the GUI (the repository's
``rows`` for a first page; ``Casework.due`` for the board), so the ratio is the cost of the
worker thread, signals and Qt models. Progress on stderr, the table on stdout.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HRD_FIELD_TEST_FAST_KDF", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import Report, median, verdict

PASSPHRASE = "bench HQ store passphrase"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(root: Path, records: int, communications: int) -> Path:
    from hrd_field.core.casework import LINKABLE_TYPES
    from hrd_field.demo import generate
    from hrd_field.demo.casework import generate_casework
    from hrd_field.hq.casework import Casework
    from hrd_field.hq.store import HqStore
    from hrd_field.vault.queries import Filters

    store_dir = root / "hq"
    with HqStore.init(store_dir, PASSPHRASE, "bench") as store:
        batch = []
        t = time.perf_counter()
        for record in generate(records, seed=3, author="laptop"):
            batch.append(record)
            if len(batch) >= 5000:
                store.vault.records.create_many(batch)
                batch = []
        if batch:
            store.vault.records.create_many(batch)
        log(f"{records} received records in {time.perf_counter() - t:.1f} s")
        sample = [store.repo.get(r.id) for t_ in LINKABLE_TYPES
                  for r in store.repo.rows(Filters(type=t_), limit=300)]
        t = time.perf_counter()
        casework = generate_casework(sample, today=date.today(),
                                     communications=communications, years=5)
        Casework(store.repo).add_many(casework)
        log(f"{len(casework)} casework records in {time.perf_counter() - t:.1f} s")
    return store_dir


def workspace(args: argparse.Namespace) -> str:
    from PySide6.QtWidgets import QApplication

    from hrd_field.core.deadlines import today_at
    from hrd_field.gui.hq.window import build_hq_window
    from hrd_field.gui.record_model import PAGE, RecordTableModel
    from hrd_field.gui.settings import Settings
    from hrd_field.hq.casework import Casework
    from hrd_field.hq.store import HqStore
    from hrd_field.vault.queries import Filters

    tmp = Path(tempfile.mkdtemp(prefix="hrd-bench-hq-", dir=args.tmpdir))
    os.environ["HRD_FIELD_CONFIG_DIR"] = str(tmp / "config")
    try:
        store_dir = build(tmp, args.records, args.communications)
        report = Report("median")
        report.header = [f"HQ workspace: {args.records:,} received records, "
                         f"{args.communications:,} communications; {args.runs} runs each"]

        # baselines: the same work without the GUI
        base_rows: dict[str, float] = {}
        with HqStore.open(store_dir, PASSPHRASE) as store:
            for t_ in ("reprisal_incident", "communication", "recommendation", "legislation"):
                samples = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    store.repo.count(Filters(type=t_))
                    store.repo.rows(Filters(type=t_), limit=PAGE)
                    samples.append(time.perf_counter() - t)
                base_rows[t_] = median(samples)
            casework = Casework(store.repo)
            samples = []
            for _ in range(args.runs):
                t = time.perf_counter()
                casework.due(today_at(casework.settings().timezone))
                samples.append(time.perf_counter() - t)
            base_due = median(samples)

        app = QApplication.instance() or QApplication(sys.argv[:1])
        window = build_hq_window(store_dir, Settings(), language="en")
        window.show()
        done = {"open": False}
        window.session.unlock(store_dir, PASSPHRASE,
                              lambda _v: done.__setitem__("open", True), log)

        def until(cond: object, timeout: float = 60.0) -> float:
            start = time.perf_counter()
            while not cond():  # type: ignore[operator]
                app.processEvents()
                if time.perf_counter() - start > timeout:
                    raise TimeoutError
                time.sleep(0.0005)
            return time.perf_counter() - start

        until(lambda: done["open"])
        window.show_workspace()
        ws = window.workspace
        lists = {"reprisal_incident": ws.reprisals.list,
                 "communication": ws.communications.list,
                 "recommendation": ws.recommendations, "legislation": ws.legislation}
        section = report.section("lists: refresh → first page on screen",
                                 "count + first page from the repository, no GUI")
        for t_, view in lists.items():
            samples = []
            for _ in range(args.runs):
                view.model.clear()
                app.processEvents()
                t = time.perf_counter()
                view.refresh()
                until(lambda v=view: v.model.rowCount() > 0 and v.model.data(
                    v.model.index(0, 0), RecordTableModel.IdRole) is not None)
                samples.append(time.perf_counter() - t)
            value = median(samples)
            section.add(f"{t_} ({view.model.rowCount():,} rows)", f"{value * 1000:.0f} ms",
                        f"{base_rows[t_] * 1000:.0f} ms", f"{value / base_rows[t_]:.2f}×",
                        "< 1000 ms", verdict(value < 1.0))

        board = report.section("deadline board: refresh → three tables filled",
                               "Casework.due on the same store, no GUI")
        samples = []
        filled = {"n": 0}
        original = ws.deadlines.show_items

        def show(data: object) -> None:
            original(data)  # type: ignore[arg-type]
            filled["n"] += 1

        ws.deadlines.show_items = show  # type: ignore[method-assign]
        for _ in range(args.runs):
            filled["n"] = 0
            t = time.perf_counter()
            ws.deadlines.refresh()
            until(lambda: filled["n"] > 0)
            app.processEvents()  # the tables paint
            samples.append(time.perf_counter() - t)
        ws.deadlines.show_items = original  # type: ignore[method-assign]
        value = median(samples)
        rows = sum(t.model().rowCount() for t in ws.deadlines.tables.values())
        board.add(f"due soon / overdue / reminders ({rows:,} rows)", f"{value * 1000:.0f} ms",
                  f"{base_due * 1000:.0f} ms", f"{value / base_due:.2f}×", "< 200 ms",
                  verdict(value < 0.2))
        window.session.close_now()
        return report.render()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "import", "workspace"), default="all")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--communications", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-records", type=int, default=20_000)
    parser.add_argument("--max-size", type=float, default=4.0,
                        help="bundle size limit in MiB for the import part")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-embedded", action="store_true",
                        help="the import part on PostgreSQL only")
    parser.add_argument("--pg-fsync", action="store_true",
                        help="the bench's PostgreSQL cluster with fsync on (the tests' has "
                             "it off)")
    parser.add_argument("--against", type=Path, default=None,
                        help="a checkout of earlier code: its import measured in the same "
                             "run (the import part's before)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="workers of the import part's 'hq import' rows (default: one "
                             "per core)")
    parser.add_argument("--no-memory-security-figure", action="store_true",
                        help="leave out the embedded import with cipher_memory_security off")
    parser.add_argument("--tmpdir", type=Path, default=None)
    args = parser.parse_args()
    if args.part in ("all", "import"):
        from hq_import import import_part

        print(import_part(args), flush=True)
    if args.part in ("all", "workspace"):
        print(workspace(args), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
