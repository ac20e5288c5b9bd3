"""Vault benchmark: the encrypted vault against plain SQLite and plain files, in one run.

    python bench/vault.py [--records N] [--attachment-mib M] [--quick]

Every figure is printed next to a baseline measured in the same run on the same machine:
stdlib ``sqlite3`` (unencrypted) with the vault's schema and pragmas, or a plain file
copy. The ratio column is always "vault time ÷ baseline time" (1.0 = as fast as plain).
Targets are checked and printed as PASS/FAIL; the exit status is 0 unless the script
itself crashes. What each figure means: bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import hashlib
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3  # the raw-SQLCipher storage baseline (bench is outside the layer contracts)
from benchkit import Line, Report, Section, median, quantile, verdict

from hrd_field.core import codec, indexing
from hrd_field.core.records import Record, new_id
from hrd_field.core.validation import normalise, validate
from hrd_field.vault import keyslots, migrations
from hrd_field.vault.queries import Filters
from hrd_field.vault.repository import RecordStore
from hrd_field.vault.vault import Vault

FAST_KDF_ENV = "HRD_FIELD_TEST_FAST_KDF"  # read by keyslots.kdf_params() at each derivation

PASSPHRASE = "benchmark passphrase, not a secret"
BATCH = 5_000
SAVES = 300
PAGE = 100
SEARCH_LIMIT = 50
DEMO_MODULE = Path(__file__).resolve().parents[1] / "hrd_field" / "demo"
PRAGMAS = ("page_size", "journal_mode", "synchronous", "temp_store", "secure_delete",
           "foreign_keys", "cache_size")

# Targets (bench/README.md explains where they come from).
BULK_MAX_RATIO = 3.0
# p95 of a save against plain SQLite with the same durability (fsync): the disk's fsync floor
# (~4 ms here) made an absolute 5 ms target unreachable for plain SQLite too
SAVE_MAX_RATIO = 1.3
LIST_MAX_RATIO = 2.0
LIST_P95_MS = 50.0
CRASH_USABLE_S = 2.0
SEARCH_P95_MS = 20.0
UNLOCK_RANGE_S = (0.5, 1.0)  # DESIGN.md §3: "aim for 0.5–1 s on a field laptop"
ATTACH_MIN_MIBS = 100.0
ATTACH_RSS_MAX_MIB = 64.0

STEPS = (2, 3, 4, 5, 6)
START = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - START:6.1f} s] {message}", file=sys.stderr, flush=True)


# -- statistics and formatting ---------------------------------------------------------------


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def p50_p95(values: Sequence[float]) -> str:
    return f"{ms(quantile(values, 0.5))} / {ms(quantile(values, 0.95))}"


def rate(count: float, seconds: float, unit: str) -> str:
    return f"{count / seconds:,.0f} {unit}" if seconds > 0 else "∞"


def ratio(vault_time: float, baseline_time: float) -> str:
    return f"{vault_time / baseline_time:.2f}×" if baseline_time > 0 else "—"


def rss_mib(usage: resource.struct_rusage) -> float:
    """ru_maxrss in MiB (Linux reports KiB, macOS bytes)."""
    return usage.ru_maxrss / (1 << 20 if sys.platform == "darwin" else 1 << 10)


def peak_rss_mib() -> float:
    """This process's peak RSS. On Linux, VmHWM: exec starts it afresh, whereas ru_maxrss
    keeps the parent's peak in a child started with vfork + exec (as subprocess does)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return rss_mib(resource.getrusage(resource.RUSAGE_SELF))


# -- the plain (stdlib sqlite3) and raw-SQLCipher baselines ---------------------------------

INSERT_RECORD = (
    "INSERT INTO records (type, version, mission_id, status, title, country, region,"
    " event_date, risk_level, case_status, urgency, flagged, created_at, updated_at, body, id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_RECORD_AT = INSERT_RECORD.replace(", id)", ", id, seq)").replace("?)", "?, ?)")
NEXT_SEQ = ("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'records'), 0),"
            " coalesce((SELECT max(seq) FROM records), 0))")
UPDATE_RECORD = (
    "UPDATE records SET type = ?, version = ?, mission_id = ?, status = ?, title = ?,"
    " country = ?, region = ?, event_date = ?, risk_level = ?, case_status = ?, urgency = ?,"
    " flagged = ?, created_at = ?, updated_at = ?, body = ? WHERE seq = ?")
INSERT_FTS = "INSERT INTO records_fts (rowid, title, text) VALUES (?, ?, ?)"
INSERT_CJK = "INSERT INTO records_cjk (rowid, grams) VALUES (?, ?)"
INSERT_WORDS = "INSERT INTO records_words (rowid, title, text) VALUES (?, ?, ?)"
INSERT_TERM = "INSERT INTO record_terms (vocab, code, record_seq) VALUES (?, ?, ?)"
CHECK_MISSION = "SELECT type, deleted FROM records WHERE id = ?"
PEOPLE = "SELECT id, body FROM records WHERE type = 'person' AND deleted = 0 AND id IN ({})"
AUDIT_HEAD = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
AUDIT_ROW = ("INSERT INTO audit (seq, at, actor, action, object_type, object_id, prev_hash,"
             " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


@dataclass(frozen=True)
class RowData:
    """What RecordStore._write stores for one record, computed the same way."""

    values: tuple[Any, ...]  # records columns, id last (INSERT_RECORD order)
    kind: str
    mission_id: str | None
    person_ids: tuple[str, ...]  # a threat's linked people (their genders are looked up)
    title: str
    text: str
    terms: list[tuple[str, str]]
    grams: str


def row_data(record: Record) -> RowData:
    normalise(record)
    cols = indexing.columns(record)
    values = (record.TYPE, record.version, record.mission_id, record.status, cols["title"],
              cols["country"], cols["region"], cols["event_date"], cols["risk_level"],
              cols["case_status"], cols["urgency"], cols["flagged"], record.created_at,
              record.updated_at, codec.dumps(record), record.id)
    text = indexing.search_text(record)
    return RowData(values, record.TYPE, record.mission_id,
                   tuple(getattr(record, "person_ids", ())), cols["title"], text,
                   sorted(indexing.terms(record)),
                   indexing.cjk_bigrams(cols["title"] + "\n" + text))


def look_up_people(conn: Any, row: RowData, known: Collection[str] = ()) -> None:
    """``_fill_concerned``: the genders of a threat's linked people not in ``known``."""
    wanted = [pid for pid in row.person_ids if pid not in known]
    if wanted:
        conn.execute(PEOPLE.format(", ".join("?" * len(wanted))), wanted).fetchall()


def write_index(conn: Any, rows: Sequence[tuple[int, RowData]]) -> None:
    """``_Index.write``: one executemany per search table, the terms in key order."""
    conn.executemany(INSERT_FTS, [(seq, r.title, r.text) for seq, r in rows])
    conn.executemany(INSERT_WORDS, [(seq, r.title, r.text) for seq, r in rows])
    grams = [(seq, r.grams) for seq, r in rows if r.grams]
    if grams:
        conn.executemany(INSERT_CJK, grams)
    terms = sorted((v, c, seq) for seq, r in rows for v, c in r.terms)
    if terms:
        conn.executemany(INSERT_TERM, terms)


def append_audit(conn: Any, action: str, object_id: str) -> None:
    """``audit.append``: read the chain's head, add one entry (the hash is not computed)."""
    head = conn.execute(AUDIT_HEAD).fetchone()
    seq, prev = (head[0] + 1, head[1]) if head else (1, "0" * 64)
    conn.execute(AUDIT_ROW, (seq, "2026-01-01T00:00:00.000000Z", "bench", action, "",
                             object_id, prev, hashlib.sha256(prev.encode()).hexdigest()))


def insert_rows(conn: Any, rows: Sequence[RowData]) -> None:
    """One transaction, the statements the batched ``RecordStore.create_many`` runs (minus
    validation and the Python around them): a mission check for each record whose mission
    is not in the batch, the genders of people a threat links from outside the batch, the
    next row number, one ``executemany`` per table, one audit entry."""
    conn.execute("BEGIN IMMEDIATE")
    missions: set[str] = set()
    people = {r.values[-1] for r in rows if r.kind == "person"}
    for row in rows:
        if row.mission_id is not None and row.mission_id not in missions:
            conn.execute(CHECK_MISSION, (row.mission_id,)).fetchone()
        if row.kind == "mission":
            missions.add(row.values[-1])
        look_up_people(conn, row, people)
    top = int(conn.execute(NEXT_SEQ).fetchone()[0])
    numbered = list(enumerate(rows, start=top + 1))
    conn.executemany(INSERT_RECORD_AT, [(*r.values, seq) for seq, r in numbered])
    write_index(conn, numbered)
    append_audit(conn, "record.create_batch", str(len(rows)))
    conn.execute("COMMIT")


def save_row(conn: Any, row: RowData) -> None:
    """``RecordStore.create``'s statements: people, existence and mission checks, insert,
    index, audit entry, commit (fsync)."""
    conn.execute("BEGIN IMMEDIATE")
    look_up_people(conn, row)
    conn.execute("SELECT 1 FROM records WHERE id = ?", (row.values[-1],)).fetchone()
    if row.mission_id is not None:
        conn.execute(CHECK_MISSION, (row.mission_id,)).fetchone()
    seq = conn.execute(INSERT_RECORD, row.values).lastrowid
    write_index(conn, [(seq, row)])
    append_audit(conn, "record.create", row.values[-1])
    conn.execute("COMMIT")


def update_row(conn: Any, row: RowData) -> None:
    """``RecordStore.update``'s statements: read the stored row, people and mission checks,
    rewrite the row, its search rows and terms, drop its draft, audit entry, commit."""
    record_id = row.values[-1]
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("SELECT type, version, deleted, created_at, body FROM records WHERE id = ?",
                 (record_id,)).fetchone()
    look_up_people(conn, row)
    if row.mission_id is not None:
        conn.execute(CHECK_MISSION, (row.mission_id,)).fetchone()
    seq = conn.execute("SELECT seq FROM records WHERE id = ?", (record_id,)).fetchone()[0]
    conn.execute(UPDATE_RECORD, (*row.values[:-1], seq))
    conn.execute("DELETE FROM records_fts WHERE rowid = ?", (seq,))
    conn.execute("DELETE FROM records_cjk WHERE rowid = ?", (seq,))
    conn.execute("DELETE FROM records_words WHERE rowid = ?", (seq,))
    conn.execute("DELETE FROM record_terms WHERE record_seq = ?", (seq,))
    write_index(conn, [(seq, row)])
    conn.execute("DELETE FROM drafts WHERE record_id = ?", (record_id,))
    append_audit(conn, "record.update", record_id)
    conn.execute("COMMIT")


class PlainReads:
    """Enough of vault.database.Database for RecordStore's reads, over stdlib sqlite3:
    the read baselines run exactly the SQL (and the Python around it) the vault runs."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()


def records_schema() -> tuple[str, str]:
    """The vault's whole schema (every migration step: same tables, indexes and search
    indexes), with the FTS tokenizer options this stdlib sqlite3 supports."""
    # data-only steps (Python callables) add nothing to the schema; stdlib SQLite before
    # 3.43 has no contentless_delete, so its word index keeps its content (same lookups)
    script = "\n".join(step for step in migrations.STEPS if isinstance(step, str))
    if sqlite3.sqlite_version_info < (3, 43):
        script = re.sub(r",\s*content\s*=\s*'',\s*contentless_delete\s*=\s*1", "", script)
    for tokenizer in ("trigram remove_diacritics 1", "trigram", "unicode61"):
        probe = sqlite3.connect(":memory:")
        try:
            probe.execute(f"CREATE VIRTUAL TABLE t USING fts5 (a, tokenize = '{tokenizer}')")
        except sqlite3.OperationalError:
            continue
        finally:
            probe.close()
        script = re.sub(r"tokenize\s*=\s*'trigram[^']*'", f"tokenize = '{tokenizer}'", script)
        return script, tokenizer
    raise RuntimeError("this sqlite3 has no FTS5")


def vault_pragmas(vault: Vault) -> list[tuple[str, Any]]:
    return [(name, vault.db.conn.execute(f"PRAGMA {name}").fetchone()[0]) for name in PRAGMAS]


def open_baseline(connect: Callable[[], Any], pragmas: list[tuple[str, Any]],
                  schema: str, key_sql: Sequence[str] = ()) -> Any:
    """A connection with the vault's pragmas (page size first: it must precede the schema)."""
    conn = connect()
    for sql in key_sql:
        conn.execute(sql)
    for name, value in pragmas:
        conn.execute(f"PRAGMA {name} = {value}")
    conn.executescript(schema)
    return conn


# -- 1. bulk insert ------------------------------------------------------------------------


@dataclass
class Corpus:
    """What later steps need from the inserted records."""

    ids: list[str] = field(default_factory=list)
    mission_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # search text of every 25th record


def demo_records(count: int, seed: int) -> Iterator[Record]:
    from hrd_field.demo import generate

    return iter(generate(count, seed=seed))


def bench_bulk(report: Report, vault: Vault, plain: Any, raw: Any, n: int) -> Corpus:
    section = report.section(f"1. bulk insert of {n:,} records, {BATCH:,} per transaction",
                             "stdlib sqlite3, same rows, schema and pragmas")
    corpus = Corpus()
    t = dict.fromkeys(("generate", "derive", "validate", "plain", "raw", "vault"), 0.0)
    validated = 0
    source = demo_records(n, seed=0)
    done = 0
    while done < n:
        t0 = time.perf_counter()
        batch = list(itertools.islice(source, min(BATCH, n - done)))
        t["generate"] += time.perf_counter() - t0
        if not batch:
            raise RuntimeError(f"demo.generate({n}) stopped after {done} records")
        gc.collect()
        t0 = time.perf_counter()
        rows = [row_data(r) for r in batch]
        t["derive"] += time.perf_counter() - t0
        sample = batch[:500]  # validation is timed on a sample: it runs again in the vault
        t0 = time.perf_counter()
        for r in sample:
            validate(r)
        t["validate"] += time.perf_counter() - t0
        validated += len(sample)
        writers: list[tuple[str, Callable[[], None]]] = [
            ("plain", lambda rows=rows: insert_rows(plain, rows)),
            ("raw", lambda rows=rows: insert_rows(raw, rows)),
            ("vault", lambda batch=batch: vault.records.create_many(batch)),
        ]
        turn = done // BATCH % len(writers)  # rotate who goes first: no order advantage
        for name, write in writers[turn:] + writers[:turn]:
            t0 = time.perf_counter()
            write()
            t[name] += time.perf_counter() - t0
        corpus.ids += [r.id for r in batch]
        corpus.mission_ids += [r.id for r in batch if r.TYPE == "mission"]
        corpus.texts += [row.text for row in rows[::25]]
        done += len(batch)
        log(f"bulk insert {done:,}/{n:,}: vault {t['vault']:.1f} s, plain {t['plain']:.1f} s")
    section.lines.append(Line(
        "encrypted vault (create_many) vs plain", rate(n, t["vault"], "rec/s"),
        rate(n, t["plain"], "rec/s"), ratio(t["vault"], t["plain"]), f"≤ {BULK_MAX_RATIO:g}×",
        verdict(t["vault"] <= BULK_MAX_RATIO * t["plain"])))
    section.lines.append(Line(
        "  storage only: raw SQLCipher SQL vs plain", rate(n, t["raw"], "rec/s"),
        rate(n, t["plain"], "rec/s"), ratio(t["raw"], t["plain"])))
    us = {k: v / n * 1e6 for k, v in t.items()}
    us["validate"] = t["validate"] / validated * 1e6
    rest = us["vault"] - us["raw"] - us["derive"] - us["validate"]
    vault.db.checkpoint()
    for conn in (plain, raw):
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    section.notes += [
        f"per record: vault create_many {us['vault']:.0f} µs = SQLCipher SQL "
        f"{us['raw']:.0f} µs + row derivation (indexing, canonical JSON) {us['derive']:.0f} µs "
        f"+ validation {us['validate']:.0f} µs + other {rest:.0f} µs; "
        f"plain sqlite3 SQL {us['plain']:.0f} µs",
        f"demo.generate: {us['generate']:.0f} µs per record (not in any figure)",
        f"database after checkpoint: vault {file_size(vault.paths.database)}, plain "
        + file_size(Path(plain.execute("PRAGMA database_list").fetchone()[2])),
    ]
    return corpus


def file_size(path: Path) -> str:
    return f"{path.stat().st_size / (1 << 20):,.0f} MiB"


# -- 2. single saves -------------------------------------------------------------------------


def edit(record: Record) -> None:
    """A typical edit: append a sentence to the record's first long text field."""
    for f in dataclasses.fields(record):
        if f.metadata.get("long") and isinstance(getattr(record, f.name), str):
            setattr(record, f.name, (getattr(record, f.name) + " Follow-up noted.").strip())
            return
    record.tags = [*record.tags[:8], "follow-up"]


class FsyncProbe:
    """4 KiB write + fsync on the same disk, timed between saves: the floor under a durable
    commit at that moment (other processes' I/O moves it a lot on a shared machine)."""

    def __init__(self, directory: Path):
        self.path = directory / "fsync-probe"
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
        self.times: list[float] = []

    def __call__(self) -> None:
        t0 = time.perf_counter()
        os.pwrite(self.fd, os.urandom(4096), len(self.times) % 16 * 4096)
        os.fsync(self.fd)
        self.times.append(time.perf_counter() - t0)

    def close(self) -> None:
        os.close(self.fd)
        self.path.unlink()


def bench_saves(report: Report, vault: Vault, plain: Any, corpus: Corpus, n: int,
                tmp: Path) -> None:
    section = report.section(f"2. single save at {n:,} records, {SAVES} each, one fsync'd "
                             "transaction per save", "stdlib sqlite3, same statements")
    store = vault.records
    fresh = list(demo_records(SAVES, seed=1))
    rng = random.Random(1)
    for r in fresh:  # new ids, and missions that exist in this vault
        r.id = new_id()
        if r.mission_id is not None:
            r.mission_id = rng.choice(corpus.mission_ids)
    vault_t: dict[str, list[float]] = {"create": [], "update": [], "get": []}
    plain_t: dict[str, list[float]] = {"create": [], "update": []}
    floor = FsyncProbe(tmp)
    gc.collect()
    try:
        for record in fresh:
            row = row_data(record)
            t0 = time.perf_counter()
            save_row(plain, row)
            plain_t["create"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.create(record)
            vault_t["create"].append(time.perf_counter() - t0)
            floor()
        for record_id in random.Random(2).sample(corpus.ids, SAVES):
            t0 = time.perf_counter()
            record = store.get(record_id)
            vault_t["get"].append(time.perf_counter() - t0)
            edit(record)
            row = row_data(record)
            t0 = time.perf_counter()
            update_row(plain, row)
            plain_t["update"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.update(record)
            vault_t["update"].append(time.perf_counter() - t0)
            floor()
    finally:
        floor.close()
    for kind in ("create", "update"):
        v, p = vault_t[kind], plain_t[kind]
        section.lines.append(Line(f"{kind}: p50 / p95", p50_p95(v), p50_p95(p),
                                  ratio(quantile(v, 0.95), quantile(p, 0.95)),
                                  f"≤ {SAVE_MAX_RATIO:g}× plain",
                                  verdict(quantile(v, 0.95) <= SAVE_MAX_RATIO
                                          * quantile(p, 0.95))))
        section.lines.append(Line(f"{kind}: max", ms(max(v)), ms(max(p)),
                                  ratio(max(v), max(p))))
    section.lines.append(Line("get (decode one record): p50 / p95", p50_p95(vault_t["get"])))
    section.lines.append(Line("floor: 4 KiB write + fsync, between saves: p50 / p95", "",
                              p50_p95(floor.times)))


# -- 3. full-text search ---------------------------------------------------------------------

SCRIPTS = {
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "han": re.compile(r"[\u3400-\u9fff]"),
}
HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


def latin_languages() -> dict[str, str]:
    """word → English/French/Spanish, for words that only one of them uses in the demo
    corpus (without it, Latin-script words are not told apart)."""
    from hrd_field.demo import texts

    seen: dict[str, set[str]] = {}
    for code, name in (("en", "English"), ("fr", "French"), ("es", "Spanish")):
        for text in texts(code).strings():
            for word in re.findall(r"\w+", text.lower()):
                seen.setdefault(word, set()).add(name)
    return {w: langs.pop() for w, langs in seen.items() if len(langs) == 1}


def query_sets(texts: Sequence[str], rng: random.Random) -> dict[str, list[str]]:
    """Words present in the records, grouped by language, about 200 queries in all."""
    latin = latin_languages()
    words: dict[str, set[str]] = {name: set() for name in (
        "English", "French", "Spanish", "Russian", "Arabic")} if latin else {
        "Latin script": set(), "Russian": set(), "Arabic": set()}
    han3: set[str] = set()
    han2: set[str] = set()
    pairs: list[str] = []
    for text in texts:
        tokens = [w for w in re.findall(r"\w+", text) if len(w) >= 3 and not w.isdigit()
                  and not SCRIPTS["han"].search(w)]
        for word in tokens:
            if SCRIPTS["cyrillic"].search(word):
                words["Russian"].add(word)
            elif SCRIPTS["arabic"].search(word):
                words["Arabic"].add(word)
            elif not latin:
                words["Latin script"].add(word)
            elif word.lower() in latin:
                words[latin[word.lower()]].add(word)
        for run in HAN_RUN.findall(text):
            for size, bucket in ((3, han3), (2, han2)):
                if len(run) >= size:
                    start = rng.randrange(len(run) - size + 1)
                    bucket.add(run[start:start + size])
        if len(tokens) >= 2:
            i = rng.randrange(len(tokens) - 1)
            pairs.append(f"{tokens[i]} {tokens[i + 1]}")

    def pick(pool: Iterable[str], k: int) -> list[str]:
        items = sorted(pool)
        return rng.sample(items, min(k, len(items)))

    per_set = 168 // (len(words) + 1)
    sets = {name: pick(pool, per_set) for name, pool in words.items()}
    sets["Chinese (3 characters)"] = pick(han3, per_set)
    sets["two words (AND)"] = pick(pairs, 30)
    sets["Chinese (2 characters, LIKE path)"] = pick(han2, 10)  # a full scan each: keep few
    return {name: qs for name, qs in sets.items() if qs}


def bench_search(report: Report, vault: Vault, plain_store: RecordStore, corpus: Corpus,
                 n: int) -> None:
    section = report.section(f"3. full-text search over {n:,} records, limit {SEARCH_LIMIT},"
                             " p50 / p95", "stdlib sqlite3, same SQL")
    sets = query_sets(corpus.texts, random.Random(3))
    all_v: list[float] = []
    all_p: list[float] = []
    slowest = (0.0, "")
    gc.collect()
    for name, queries in sets.items():
        v_times, p_times, hits = [], [], []
        for q in queries:
            t0 = time.perf_counter()
            found = vault.records.search(q, limit=SEARCH_LIMIT)
            v_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            plain_store.search(q, limit=SEARCH_LIMIT)
            p_times.append(time.perf_counter() - t0)
            hits.append(len(found))
            slowest = max(slowest, (v_times[-1], q))
        like = "LIKE" in name
        if not like:
            all_v += v_times
            all_p += p_times
        v95 = quantile(v_times, 0.95)
        section.lines.append(Line(
            f"{name}: {len(queries)} queries", p50_p95(v_times), p50_p95(p_times),
            ratio(v95, quantile(p_times, 0.95)), f"p95 ≤ {SEARCH_P95_MS:g} ms" if like else "",
            verdict(v95 * 1000 <= SEARCH_P95_MS) if like else ""))
        section.notes.append(f"{name}: {sum(h == SEARCH_LIMIT for h in hits)}/{len(hits)} "
                             f"queries filled the {SEARCH_LIMIT}-hit page, "
                             f"e.g. {', '.join(queries[:4])}")
    v95 = quantile(all_v, 0.95)
    section.lines.insert(0, Line(
        f"all FTS queries (≥ 3 characters): {len(all_v)}", p50_p95(all_v), p50_p95(all_p),
        ratio(v95, quantile(all_p, 0.95)), f"p95 ≤ {SEARCH_P95_MS:g} ms",
        verdict(v95 * 1000 <= SEARCH_P95_MS)))
    section.notes.append(f"slowest query: {slowest[1]!r} {ms(slowest[0])}")


# -- 4. list pages ---------------------------------------------------------------------------


def busiest_filter(vault: Vault) -> tuple[str, str, int]:
    """(type, region, count) with the most womens_rights records that have an event date."""
    row = vault.db.conn.execute(
        "SELECT r.type, r.region, count(*) FROM records r JOIN record_terms t"
        " ON t.record_seq = r.seq WHERE t.vocab = 'rights_defended'"
        " AND t.code = 'womens_rights' AND r.deleted = 0 AND r.region IS NOT NULL"
        " GROUP BY 1, 2 ORDER BY (max(r.event_date) IS NOT NULL) DESC, 3 DESC LIMIT 1"
    ).fetchone()
    if row is None:
        raise RuntimeError("no record has rights_defended = womens_rights and a region")
    return row[0], row[1], row[2]


def timed_pair(vault_call: Callable[[], Any], plain_call: Callable[[], Any],
               repeats: int) -> tuple[list[float], list[float]]:
    v, p = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        vault_call()
        v.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        plain_call()
        p.append(time.perf_counter() - t0)
    return v, p


def bench_pages(report: Report, vault: Vault, plain_store: RecordStore, n: int) -> None:
    section = report.section(f"4. list page of {PAGE} rows at {n:,} records, p50 / p95",
                             "stdlib sqlite3, same SQL")
    rtype, region, count = busiest_filter(vault)
    filters = Filters(type=rtype, region=region, terms={"rights_defended": "womens_rights"})
    last = max(0, (count - 1) // PAGE * PAGE)
    offsets = sorted({0, min(PAGE, last), last // 2 // PAGE * PAGE, last})
    gc.collect()
    for order_by in ("updated_at", "event_date"):
        v_all, p_all = [], []
        for offset in offsets:
            v, p = timed_pair(
                lambda o=offset, ob=order_by: vault.records.rows(
                    filters, order_by=ob, limit=PAGE, offset=o),
                lambda o=offset, ob=order_by: plain_store.rows(
                    filters, order_by=ob, limit=PAGE, offset=o), 10)
            v_all += v
            p_all += p
        v95, p95 = quantile(v_all, 0.95), quantile(p_all, 0.95)
        section.lines.append(Line(
            f"filtered, sorted by {order_by}", p50_p95(v_all), p50_p95(p_all), ratio(v95, p95),
            f"≤ {LIST_MAX_RATIO:g}× plain, p95 ≤ {LIST_P95_MS:g} ms",
            verdict(v95 <= LIST_MAX_RATIO * p95 and v95 * 1000 <= LIST_P95_MS)))
    v, p = timed_pair(lambda: vault.records.count(filters), lambda: plain_store.count(filters),
                      5)
    section.lines.append(Line("count() for the same filter", p50_p95(v), p50_p95(p),
                              ratio(quantile(v, 0.95), quantile(p, 0.95)),
                              f"≤ {LIST_MAX_RATIO:g}× plain",
                              verdict(quantile(v, 0.95) <= LIST_MAX_RATIO * quantile(p, 0.95))))
    for offset in (0, n // 2 // PAGE * PAGE):
        v, p = timed_pair(lambda o=offset: vault.records.rows(limit=PAGE, offset=o),
                          lambda o=offset: plain_store.rows(limit=PAGE, offset=o), 3)
        section.lines.append(Line(f"unfiltered, by updated_at, offset {offset:,}",
                                  p50_p95(v), p50_p95(p),
                                  ratio(quantile(v, 0.95), quantile(p, 0.95))))
    section.notes.append(
        f"filter: type={rtype}, region={region}, rights_defended=womens_rights "
        f"({count:,} rows); offsets {', '.join(f'{o:,}' for o in offsets)}; 10 runs each "
        "(count: 5, unfiltered pages: 3)")


# -- 5. unlock -------------------------------------------------------------------------------


def kdf_params(root: Path) -> dict[str, int]:
    slot = next(s for s in json.loads((root / "vault.key").read_text())["slots"]
                if s.get("kind") == "passphrase")
    return {k: int(slot["kdf"][k]) for k in ("memory_kib", "iterations", "parallelism")}


@contextlib.contextmanager
def kdf_timer() -> Iterator[list[float]]:
    """Time each Argon2id derivation the vault makes, by wrapping keyslots._derive.

    Subtracting a separately timed KDF from the unlock time is useless here: with p=4 lanes
    on 2 busy cores the KDF alone varies by more than the rest of the unlock takes.
    """
    spent: list[float] = []
    original = keyslots._derive

    def timed(*args: Any, **kwargs: Any) -> bytes:
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t0)

    keyslots._derive = timed  # type: ignore[assignment]
    try:
        yield spent
    finally:
        keyslots._derive = original  # type: ignore[assignment]


def unlock_times(root: Path, repeats: int) -> tuple[list[float], list[float]]:
    """(total, KDF) seconds of each of ``repeats`` unlocks (each followed by a close)."""
    totals, kdfs = [], []
    for _ in range(repeats):
        with kdf_timer() as spent:
            t0 = time.perf_counter()
            v = Vault.unlock(root, PASSPHRASE)
            totals.append(time.perf_counter() - t0)
        kdfs.append(sum(spent))
        v.close()
    return totals, kdfs


def bench_unlock_small(report: Report, tmp: Path) -> Section:
    section = report.section("5. unlock with the real Argon2id parameters",
                             "the KDF inside the same unlocks")
    root = tmp / "small-vault"
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create_many(list(demo_records(10, seed=4)))
    totals, kdfs = unlock_times(root, 3)
    unlock, kdf = median(totals), median(kdfs)
    rest = [t - k for t, k in zip(totals, kdfs, strict=True)]
    lo, hi = UNLOCK_RANGE_S
    section.lines.append(Line("unlock, small vault (median of 3)", f"{unlock:.3f} s",
                              f"{kdf:.3f} s", ratio(unlock, kdf), f"{lo:g}–{hi:g} s",
                              verdict(lo <= unlock <= hi)))
    section.lines.append(Line("  of which not the KDF (median / max)",
                              f"{ms(median(rest))} / {ms(max(rest))}"))
    params = kdf_params(root)
    section.notes.append(
        f"Argon2id memory {params['memory_kib'] // 1024} MiB, t={params['iterations']}, "
        f"p={params['parallelism']} (read back from the key file); KDF alone "
        f"{min(kdfs):.3f}–{max(kdfs):.3f} s over the 3 unlocks")
    return section


def bench_unlock_large(section: Section, vault: Vault, n: int) -> None:
    """Lock and unlock the N-record vault: clean, then as after a crash (integrity check)."""
    root = vault.paths.root
    t0 = time.perf_counter()
    vault.close()
    section.lines.append(Line(f"lock (checkpoint, close) at {n:,} records",
                              ms(time.perf_counter() - t0)))
    totals, kdfs = unlock_times(root, 3)
    rest = [t - k for t, k in zip(totals, kdfs, strict=True)]
    section.lines.append(Line(f"unlock at {n:,} records, not the KDF (median / max)",
                              f"{ms(median(rest))} / {ms(max(rest))}"))
    (root / "vault.open").touch(mode=0o600)  # what a crash leaves behind
    totals, kdfs = unlock_times(root, 1)
    section.lines.append(Line(f"unlock after a crash at {n:,} records (integrity check)",
                              f"{totals[0]:.2f} s", f"{kdfs[0]:.3f} s",
                              ratio(totals[0], kdfs[0])))
    # What the app does: open at once, check on a second connection beside the work.
    (root / "vault.open").touch(mode=0o600)
    with kdf_timer() as spent:
        t0 = time.perf_counter()
        v = Vault.unlock(root, PASSPHRASE, defer_check=True)
        usable = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        report = v.check_snapshot()
        checked = time.perf_counter() - t0
    finally:
        v.close()
    section.lines.append(Line(f"after a crash, the app: vault usable at {n:,} records "
                              "(not the KDF)", ms(usable - spent[0]), "", "",
                              f"≤ {CRASH_USABLE_S:g} s",
                              verdict(usable - spent[0] <= CRASH_USABLE_S)))
    section.lines.append(Line("  then the check beside the work (second connection)",
                              f"{checked:.2f} s", "", "", "",
                              "intact" if report.ok else "DAMAGE REPORTED"))


# -- 6. attachments (measured in a subprocess for a clean peak-RSS figure) -----------------


def reset_peak_rss() -> float:
    """Start a new peak-RSS measurement (Linux: clear_refs 5 resets VmHWM); the peak now."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return peak_rss_mib()


def plain_chunks(src: Path, db: Path) -> float:
    """Seconds to store ``src`` as attachments.store does, in stdlib sqlite3 (no hashing)."""
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "secure_delete = ON"):
        conn.execute(f"PRAGMA {pragma}")
    conn.executescript(migrations.STEPS[1])
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    blob_id = conn.execute("INSERT INTO blobs (size) VALUES (0)").lastrowid
    with open(src, "rb") as fh:
        for idx in itertools.count():
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            conn.execute("INSERT INTO blob_chunks (blob_id, idx, data) VALUES (?, ?, ?)",
                         (blob_id, idx, chunk))
    conn.execute("COMMIT")
    seconds = time.perf_counter() - t0
    conn.close()
    return seconds


def attachment_child(mib: int, workdir: Path) -> dict[str, float]:
    """Runs in its own process: write, copy and stream back an M MiB random file."""
    os.environ[FAST_KDF_ENV] = "1"  # a 256 MiB KDF would set the RSS peak
    src, copy = workdir / "random.bin", workdir / "copy.bin"
    with open(src, "wb") as fh:
        for _ in range(mib):
            fh.write(os.urandom(1 << 20))
        fh.flush()
        os.fsync(fh.fileno())
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    shutil.copyfile(src, copy)
    with open(copy, "rb+") as fh:
        os.fsync(fh.fileno())
    out["copy_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with open(copy, "rb") as fh:
        while fh.read(1 << 20):
            pass
    out["file_read_s"] = time.perf_counter() - t0
    copy.unlink()
    out["sqlite_write_s"] = plain_chunks(src, workdir / "plain.db")
    vault = Vault.create(workdir / "vault", PASSPHRASE)
    record = next(demo_records(1, seed=5))
    vault.records.create(record)
    gc.collect()
    out["rss_before_mib"] = reset_peak_rss()
    t0 = time.perf_counter()
    with open(src, "rb") as fh:
        ref = vault.add_attachment(record.id, fh, filename="recording.bin")
    out["write_s"] = time.perf_counter() - t0
    size = 0
    t0 = time.perf_counter()
    with vault.open_attachment(ref.sha256) as chunks:
        for chunk in chunks:
            size += len(chunk)
    out["read_s"] = time.perf_counter() - t0
    out["rss_peak_mib"] = peak_rss_mib()
    digest = hashlib.sha256()
    with vault.open_attachment(ref.sha256) as chunks:
        for chunk in chunks:
            digest.update(chunk)
    if size != mib << 20 or digest.hexdigest() != ref.sha256:
        raise RuntimeError("the attachment read back differs from what was written")
    t0 = time.perf_counter()
    vault.close()
    out["close_s"] = time.perf_counter() - t0
    return out


def run_attachment_child(mib: int, tmp: Path) -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix=f"attach-{mib}-", dir=tmp))
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--attachment-child", str(mib), str(workdir)],
            check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench_attachments(report: Report, mib: int, tmp: Path) -> float:
    """Returns the peak RSS of the attachment subprocesses (MiB)."""
    section = report.section(f"6. attachment of {mib} MiB of random bytes, read from disk",
                             "plain file: shutil.copyfile + fsync / read")
    small = max(8, mib // 8)
    log(f"attachment {mib} MiB (subprocess)")
    big = run_attachment_child(mib, tmp)
    log(f"attachment {small} MiB (subprocess)")
    little = run_attachment_child(small, tmp)
    section.lines.append(Line(
        "write (add_attachment, one fsync'd transaction)", rate(mib, big["write_s"], "MiB/s"),
        rate(mib, big["copy_s"], "MiB/s"), ratio(big["write_s"], big["copy_s"]),
        f"≥ {ATTACH_MIN_MIBS:g} MiB/s", verdict(mib / big["write_s"] >= ATTACH_MIN_MIBS)))
    section.lines.append(Line(
        "  same chunk inserts in stdlib sqlite3 (as baseline)",
        rate(mib, big["write_s"], "MiB/s"), rate(mib, big["sqlite_write_s"], "MiB/s"),
        ratio(big["write_s"], big["sqlite_write_s"])))
    section.lines.append(Line(
        "read (open_attachment, stream the chunks)", rate(mib, big["read_s"], "MiB/s"),
        rate(mib, big["file_read_s"], "MiB/s"), ratio(big["read_s"], big["file_read_s"]),
        f"≥ {ATTACH_MIN_MIBS:g} MiB/s", verdict(mib / big["read_s"] >= ATTACH_MIN_MIBS)))
    for size, res in ((mib, big), (small, little)):
        growth = res["rss_peak_mib"] - res["rss_before_mib"]
        section.lines.append(Line(
            f"peak RSS growth, write + read of {size} MiB", f"{growth:.1f} MiB", "", "",
            f"< {ATTACH_RSS_MAX_MIB:g} MiB", verdict(growth < ATTACH_RSS_MAX_MIB)))
    section.lines.append(Line(f"lock after the attachment (WAL checkpoint of {mib} MiB)",
                              ms(big["close_s"])))
    section.notes += [
        "subprocess with the fast test KDF (8 MiB), so that Argon2id's 256 MiB does not set "
        f"the peak; RSS before the write {big['rss_before_mib']:.0f} MiB",
        "peak RSS = VmHWM, reset just before the write (/proc/self/clear_refs): ru_maxrss of "
        "a subprocess starts at its parent's peak on Linux (vfork + exec)",
        "the source file was just written, so it is read from the page cache on both sides",
    ]
    return max(big["rss_peak_mib"], little["rss_peak_mib"])


# -- the run -----------------------------------------------------------------------------------


def machine_info(vault: Vault, tmp: Path, tokenizer: str) -> list[str]:
    conn = vault.db.conn
    cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    lib = conn.execute("SELECT sqlite_version()").fetchone()[0]
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = " (" + line.split(":", 1)[1].strip() + ")"
                break
    return [
        f"machine: {os.cpu_count()} CPUs{cpu}, {platform.platform()}",
        f"Python {platform.python_version()}; SQLCipher {cipher} (SQLite {lib}); "
        f"stdlib sqlite3 {sqlite3.sqlite_version}, FTS5 tokenizer {tokenizer}",
        f"temp dir: {tmp} on {filesystem(tmp)}",
        f"load average at start: {load_average()} (other processes share the CPUs: vault and "
        "baseline runs are interleaved so that they share the noise)",
    ]


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def filesystem(path: Path) -> str:
    """The filesystem type under ``path`` (fsync on tmpfs costs nothing: say so)."""
    best = ("", "unknown")
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            _dev, mount, fstype, *_rest = line.split()
            if str(path).startswith(mount) and len(mount) > len(best[0]):
                best = (mount, fstype)
    return best[1] + (" (fsync is free here: figures are optimistic)"
                      if best[1] == "tmpfs" else "")


def wait_for_demo() -> None:
    """demo.py is written concurrently by another engineer: wait for it, up to 20 minutes."""
    deadline = time.monotonic() + 20 * 60
    while True:
        try:
            from hrd_field.demo import generate  # noqa: F401

            return
        except ImportError as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"hrd_field.demo is not usable: {exc}") from exc
            log(f"waiting for {DEMO_MODULE} ({exc})")
            time.sleep(30)


def run(n: int, mib: int, tmp: Path, fast_kdf_was_set: bool, data: Path | None = None,
        steps: Collection[int] = STEPS) -> str:
    report = Report("vault", "ratio = vault time ÷ baseline time; 1.00× = as fast as the baseline")
    wait_for_demo()
    schema, tokenizer = records_schema()
    reused = data is not None and (data / "vault").exists()
    home = data or tmp
    t0 = time.perf_counter()
    if reused:
        log(f"reusing the vault and plain database in {home}")
        vault = Vault.unlock(home / "vault", PASSPHRASE)
    else:
        log(f"creating vault (real Argon2id) for {n:,} records")
        vault = Vault.create(home / "vault", PASSPHRASE)
    create_s = time.perf_counter() - t0
    pragmas = vault_pragmas(vault)
    raw_key = f"PRAGMA key = \"x'{os.urandom(32).hex()}'\""
    if reused:
        plain = sqlite3.connect(home / "plain.db", isolation_level=None)
        for name, value in pragmas:
            if name != "page_size":
                plain.execute(f"PRAGMA {name} = {value}")
    else:
        plain = open_baseline(lambda: sqlite3.connect(home / "plain.db",
                                                      isolation_level=None), pragmas, schema)
    raw = open_baseline(
        lambda: sqlcipher3.connect(str(tmp / "raw-cipher.db"), isolation_level=None),
        pragmas, "\n".join(step for step in migrations.STEPS if isinstance(step, str)),
        ("PRAGMA cipher_log_level = NONE", raw_key, "PRAGMA cipher_memory_security = OFF"))
    report.header = [
        f"HRD Field vault benchmark: {n:,} records, {mib} MiB attachment",
        *machine_info(vault, tmp, tokenizer),
        "baseline connections use the vault's pragmas: "
        + ", ".join(f"{k}={v}" for k, v in pragmas),
        f"KDF: real Argon2id parameters (Vault.{'unlock' if reused else 'create'} took "
        f"{create_s:.2f} s), except in the "
        "attachment subprocess (fast test KDF)"
        + (f"; {FAST_KDF_ENV} was set and has been ignored" if fast_kdf_was_set else ""),
    ]
    if tokenizer != "trigram":
        report.header.append("NOTE: stdlib sqlite3 lacks the trigram tokenizer: its FTS "
                             "baseline uses unicode61, so search ratios compare unlike indexes")
    plain_store = RecordStore(PlainReads(plain), "bench")  # type: ignore[arg-type]
    if reused:
        report.header.append(f"steps {sorted(steps)} on the vault and plain database an earlier "
                             f"run built and kept in {home} (--data): step 1 not re-run")
    try:
        if reused:
            corpus = Corpus(texts=json.loads((home / "texts.json").read_text()))
            for record_id, record_type in vault.db.query(
                    "SELECT id, type FROM records ORDER BY seq"):  # what step 1 would give
                corpus.ids.append(record_id)
                if record_type == "mission":
                    corpus.mission_ids.append(record_id)
            n = vault.records.count()
        else:
            corpus = bench_bulk(report, vault, plain, raw, n)
            if data is not None:
                (home / "texts.json").write_text(json.dumps(corpus.texts))
        raw.close()
        if 2 in steps:
            log("single saves")
            bench_saves(report, vault, plain, corpus, n, tmp)
        if 3 in steps:
            log("search")
            bench_search(report, vault, plain_store, corpus, n)
        if 4 in steps:
            log("list pages")
            bench_pages(report, vault, plain_store, n)
        if 5 in steps:
            log("unlock (small vault)")
            unlock_section = bench_unlock_small(report, tmp)
    except BaseException:
        vault.close()
        raise
    finally:
        plain.close()
        raw.close()
    if 5 in steps:
        log("lock and unlock of the large vault")
        bench_unlock_large(unlock_section, vault, n)
    else:
        vault.close()
    child_peak = bench_attachments(report, mib, tmp) if 6 in steps else 0.0
    section = report.section("7. memory", "—")
    section.lines.append(Line("peak RSS of this process (whole run)",
                              f"{rss_mib(resource.getrusage(resource.RUSAGE_SELF)):.0f} MiB"))
    section.lines.append(Line("peak RSS of the attachment subprocesses",
                              f"{child_peak:.0f} MiB"))
    section.notes += [
        "the main process peak includes Argon2id's working memory "
        f"({keyslots.DEFAULT_KDF['memory_kib'] // 1024} MiB) during create and unlock",
        f"total run time {time.perf_counter() - START:.0f} s; load average at the end: "
        f"{load_average()}",
    ]
    return report.render()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, help="records in the vault (default 100000)")
    parser.add_argument("--attachment-mib", type=int, help="attachment size (default 256)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 5000 records, 32 MiB attachment")
    parser.add_argument("--tmpdir", type=Path, help="where to put the vaults (default: $TMPDIR)")
    parser.add_argument("--data", type=Path,
                        help="keep the step-1 vault and plain database in this directory, or "
                             "reuse them if it already holds them (step 1 is then skipped)")
    parser.add_argument("--steps", default=",".join(map(str, STEPS)),
                        help="which of steps 2-6 to run, e.g. 3 (default: all)")
    parser.add_argument("--attachment-child", nargs=2, metavar=("MIB", "DIR"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.attachment_child:
        mib, workdir = args.attachment_child
        print(json.dumps(attachment_child(int(mib), Path(workdir))))
        return 0
    n = args.records or (5_000 if args.quick else 100_000)
    mib = args.attachment_mib or (32 if args.quick else 256)
    if n < SAVES:
        parser.error(f"--records must be at least {SAVES}")
    # The real Argon2id parameters everywhere in this process (the unlock figure needs them).
    fast_kdf_was_set = os.environ.pop(FAST_KDF_ENV, None) is not None
    try:
        steps = {int(x) for x in args.steps.split(",") if x.strip()}
    except ValueError:
        parser.error("--steps takes numbers, e.g. 3,4")
    with tempfile.TemporaryDirectory(prefix="hrd-bench-", dir=args.tmpdir) as tmp:
        table = run(n, mib, Path(tmp), fast_kdf_was_set, args.data, steps)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
