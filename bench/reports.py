"""Reports benchmark: every HQ report over 100k received records and 20k communications,
XLSX and PDF, against the same counts as plain SQL GROUP BY on stdlib sqlite3, in one run.

    python bench/reports.py [--records N] [--communications N] [--quick] [--no-postgres]

Each backend is measured: the embedded HQ store (SQLCipher, filled through the vault's
record store) and, where a throwaway PostgreSQL cluster can be started as in the tests, a
PostgreSQL store (sealed rows, filled through its repository). The baseline puts the same
rows in an unencrypted stdlib ``sqlite3`` database and counts them with one GROUP BY per
report (year and group), the least a report could cost.
Targets: each report ≤ 1 s; a report written as XLSX or PDF ≤ 3 s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchkit import Report, median, verdict

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hrd_field.core import codec
from hrd_field.core.casework import Communication, Reply
from hrd_field.core.records import (
    Consent,
    ConsentScope,
    Consultation,
    Cooperation,
    PartialDate,
    ParticipantCounts,
    Place,
    ReprisalIncident,
    ThreatReport,
)
from hrd_field.core.regions import region_of
from hrd_field.core.vocab import PERPETRATOR, THREAT_TYPE
from hrd_field.hq.reports import REPORTS, ReportSpec, StoreSource, build_report
from hrd_field.hq.store import HqStore

REPORT_MAX_S = 1.0
FILE_MAX_S = 3.0
PASSPHRASE = "benchmark passphrase, not a secret"
COUNTRIES = ["CN", "IN", "PH", "BR", "MX", "CO", "EG", "BH", "SA", "RU", "TR", "AZ", "KE",
             "CD", "BI", "FR", "GT", "HN", "PK", "VN"]
FIRST, YEARS = date(2016, 1, 1), 10


def _day(rng: random.Random) -> str:
    return (FIRST + timedelta(days=rng.randrange(365 * YEARS))).isoformat()


def received(n: int, rng: random.Random) -> list[Any]:
    ok = Consent(obtained=True, method="verbal", date="2016-01-01",
                 scope=ConsentScope(share_with_hq=True))
    out: list[Any] = []
    types = THREAT_TYPE.codes()
    perps = PERPETRATOR.codes()
    for i in range(n):
        place = Place(country=rng.choice(COUNTRIES))
        pick = i % 10
        if pick < 6 or pick == 9:
            cls: Any = ReprisalIncident if pick == 9 else ThreatReport
            extra = {"cooperation": Cooperation(with_whom=["upr"])} if pick == 9 else {}
            out.append(cls(incident_date=PartialDate(date=_day(rng)), place=place,
                           unnamed_group="a community", status="final", consent=ok,
                           threat_types=rng.sample(types, rng.randint(1, 3)),
                           perpetrators=rng.sample(perps, rng.randint(1, 2)), **extra))
        else:
            out.append(Consultation(
                date=_day(rng), place=place, status="final", consent=ok,
                format=rng.choice(["women_only_session", "group", "individual_interview"]),
                modality=rng.choice(["in_person", "online"]),
                participants=ParticipantCounts(women=rng.randint(0, 30),
                                               men=rng.randint(0, 20))))
    return out


def communication(rng: random.Random) -> Communication:
    sent = _day(rng)
    replies = []
    if rng.random() < 0.55:
        got = date.fromisoformat(sent) + timedelta(days=rng.randint(5, 120))
        replies.append(Reply(received_on=got.isoformat(),
                             assessment=rng.choice(["general_or_evasive", "incomplete",
                                                    "substantive"])))
    subjects = [s for s, p in (("reprisal_for_cooperation", 0.1), ("legislation", 0.1),
                               ("women_defenders", 0.2)) if rng.random() < p]
    return Communication(
        kind=rng.choice(["urgent_appeal", "letter_of_allegation", "other_letter"]),
        state=rng.choice(COUNTRIES), sent_on=sent, status="sent", reference="UA 1/2026",
        joint_with=["SR on freedom of expression"] if rng.random() < 0.6 else [],
        individuals=ParticipantCounts(women=rng.randint(0, 3), men=rng.randint(0, 3),
                                      not_stated=rng.randint(0, 1)),
        subjects=subjects, replies=replies)


def fill_store(root: Path, records: list[Any], comms: list[Any],
               database: str | None = None) -> None:
    """A real HQ store holding ``records`` as received rows and ``comms`` as casework:
    embedded (SQLCipher), or with ``database`` on PostgreSQL (sealed rows, as imported)."""
    with HqStore.init(root, PASSPHRASE, "bench", database=database) as store:
        everything = [*records, *comms]
        for start in range(0, len(everything), 5000):
            batch = everything[start:start + 5000]
            if store.vault is not None:
                store.vault.records.create_many(batch)
            else:
                store.repo.create_many(batch)


def baseline_db(records: list[Any], comms: list[Any]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE r (id INTEGER PRIMARY KEY, type TEXT, day TEXT, region TEXT,
                        women INT, men INT);
        CREATE TABLE t (rid INT, vocab TEXT, code TEXT);
        CREATE TABLE c (id INTEGER PRIMARY KEY, day TEXT, region TEXT, kind TEXT,
                        replied INT, women INT);
        CREATE INDEX r_type ON r (type, day);
        CREATE INDEX t_vocab ON t (vocab, code, rid);
    """)
    for i, rec in enumerate(records):
        data = codec.to_dict(rec)
        day = data.get("date") or (data.get("incident_date") or {}).get("date")
        country = (data.get("place") or {}).get("country")
        parts = data.get("participants") or {}
        db.execute("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?)",
                   (i, rec.TYPE, day, region_of(country) if country else None,
                    parts.get("women", 0), parts.get("men", 0)))
        for vocab in ("threat_type", "perpetrator", "consultation_format"):
            values = data.get({"threat_type": "threat_types", "perpetrator": "perpetrators",
                               "consultation_format": "format"}[vocab])
            for code in ([values] if isinstance(values, str) else values or []):
                db.execute("INSERT INTO t VALUES (?, ?, ?)", (i, vocab, code))
    db.executemany("INSERT INTO c VALUES (?, ?, ?, ?, ?, ?)",
                   [(i, c.sent_on, region_of(c.state), c.kind, int(bool(c.replies)),
                     c.individuals.women) for i, c in enumerate(comms)])
    db.commit()
    return db


BASELINE_SQL = {
    "communications": "SELECT substr(day, 1, 4), region, count(*) FROM c GROUP BY 1, 2",
    "responses": "SELECT substr(day, 1, 4), region, count(*), sum(replied) FROM c"
                 " GROUP BY 1, 2",
    "individuals": "SELECT substr(day, 1, 4), region, sum(women) FROM c GROUP BY 1, 2",
    "reprisals": "SELECT substr(day, 1, 4), region, count(*) FROM r"
                 " WHERE type = 'reprisal_incident' GROUP BY 1, 2",
    "threats": "SELECT substr(r.day, 1, 4), t.code, count(*) FROM r JOIN t ON t.rid = r.id"
               " AND t.vocab = 'threat_type' WHERE r.type IN ('threat_report',"
               " 'reprisal_incident') GROUP BY 1, 2",
    "consultations": "SELECT substr(r.day, 1, 4), t.code, count(*), sum(women), sum(men)"
                     " FROM r JOIN t ON t.rid = r.id AND t.vocab = 'consultation_format'"
                     " WHERE r.type = 'consultation' GROUP BY 1, 2",
}


def timed(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return median(times)


def measure_reports(store: HqStore, base: sqlite3.Connection, section: Any) -> None:
    """Each report, and three variants, built from ``store``; against sqlite3 GROUP BY."""
    first, last = FIRST, FIRST + timedelta(days=365 * YEARS - 1)
    for name in REPORTS:
        spec = ReportSpec(name, first, last)
        value = timed(lambda s=spec: build_report(s, StoreSource(store)), 3)
        base_s = timed(lambda q=BASELINE_SQL[name]: base.execute(q).fetchall(), 3)
        section.add(name, f"{value:.3f}", f"{base_s:.3f}", f"{value / base_s:.1f}",
                    f"≤ {REPORT_MAX_S:.0f} s", verdict(value <= REPORT_MAX_S))
    for name, spec in (
            ("communications by State, Dec–Nov years",
             ReportSpec("communications", first, last, by="state", period_start="12-01")),
            ("threats by perpetrator, published (k=5)",
             ReportSpec("threats", first, last, by="perpetrator", public=True)),
            ("responses, whole range", ReportSpec("responses", first, last,
                                                  period="all"))):
        value = timed(lambda s=spec: build_report(s, StoreSource(store)), 3)
        section.add(name, f"{value:.3f}", "", "", f"≤ {REPORT_MAX_S:.0f} s",
                    verdict(value <= REPORT_MAX_S))


def measure_files(store: HqStore, base: sqlite3.Connection, out: Report) -> None:
    first, last = FIRST, FIRST + timedelta(days=365 * YEARS - 1)
    files = out.section("build and write a file (embedded store)",
                        "sqlite3 GROUP BY of the report")
    from hrd_field.documents.report_pdf import report_pdf
    from hrd_field.hq.reports.xlsx import xlsx_bytes

    for fmt, render in (("xlsx", lambda r: xlsx_bytes([r])), ("pdf", report_pdf)):
        for name in ("communications", "responses", "threats"):
            spec = ReportSpec(name, first, last)
            render(build_report(spec, StoreSource(store)))  # warm up fonts and Qt
            value = timed(lambda s=spec, f=render: f(build_report(s, StoreSource(store))), 3)
            base_s = timed(lambda q=BASELINE_SQL[name]: base.execute(q).fetchall(), 3)
            files.add(f"{name} as {fmt.upper()}", f"{value:.3f}", f"{base_s:.3f}",
                      f"{value / base_s:.0f}", f"≤ {FILE_MAX_S:.0f} s",
                      verdict(value <= FILE_MAX_S))
    built = [build_report(ReportSpec(name, first, last), StoreSource(store))
             for name in REPORTS]
    files.notes.append(f"XLSX of all six reports (a sheet each): "
                       f"{timed(lambda: xlsx_bytes(built), 1):.3f} s")


def backends(stack: contextlib.ExitStack, out: Report, wanted: bool,
             name: str) -> dict[str, str | None]:
    """The stores to measure: embedded (None) and, where a throwaway cluster starts as in
    the tests, a fresh PostgreSQL database (its URL); why not, in the header, if not."""
    found: dict[str, str | None] = {"embedded": None}
    if not wanted:
        out.header.append("PostgreSQL not measured: --no-postgres")
        return found
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers import pgcluster

    why = pgcluster.unavailable() or pgcluster.unprivileged_user_blocked()
    if why:
        out.header.append(f"PostgreSQL not measured: {why}")
        return found
    out.header.append("PostgreSQL: a throwaway local cluster started as in the tests, over"
                      " TCP on loopback")
    cluster = stack.enter_context(pgcluster.cluster())
    found["PostgreSQL"] = cluster.create_database(f"{name}_{os.getpid()}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--communications", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="10k records, 2k communications")
    parser.add_argument("--no-postgres", action="store_true",
                        help="the embedded store only")
    args = parser.parse_args()
    if args.quick:
        args.records, args.communications = 10_000, 2_000
    os.environ.setdefault("HRD_FIELD_TEST_FAST_KDF", "1")
    rng = random.Random(17)
    print(f"generating {args.records} received records and {args.communications} "
          "communications…", file=sys.stderr, flush=True)
    records = received(args.records, rng)
    comms = [communication(rng) for _ in range(args.communications)]
    out = Report("seconds (median)", footnote=f"python {sys.version.split()[0]}")
    out.header = [f"Reports over {args.records} received records and {args.communications} "
                  f"communications, {YEARS} years, calendar years and grouped by the "
                  "report's default dimension unless said otherwise."]
    base = baseline_db(records, comms)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        for backend, database in backends(stack, out, not args.no_postgres,
                                          "reports").items():
            root = Path(tmp) / backend
            print(f"filling the {backend} store…", file=sys.stderr, flush=True)
            start = time.perf_counter()
            fill_store(root, records, comms, database)
            out.header.append(f"{backend} store filled in {time.perf_counter() - start:.1f} s")
            with HqStore.open(root, PASSPHRASE) as store:
                print(f"reports on the {backend} store…", file=sys.stderr, flush=True)
                measure_reports(store, base, out.section(
                    f"build a report (JSON numbers), {backend} store", "sqlite3 GROUP BY"))
                if database is None:
                    measure_files(store, base, out)
    print(out.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
