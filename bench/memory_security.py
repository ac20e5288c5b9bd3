"""Cost of SQLCipher's cipher_memory_security, and of the published wheel's mlock per
allocation, measured in the same run on the same work: inserts into a table and a trigram
full-text index in one transaction, then single-row updates each in its own transaction,
then filtered counts and full-text queries (what saves, lists and search do).

Three configurations, each in its own process (the pragma is process-wide and one-way:
once ON, a later OFF is ignored):
- this project's build (packaging/sqlcipher_build.py), memory security OFF;
- this project's build, memory security ON (what the vault runs): freed memory overwritten;
- the published sqlcipher3 wheel of the same version, memory security ON: freed memory
  overwritten, and mlock/munlock around every allocation. Fetched with pip into a temporary
  directory; skipped when pip cannot fetch it (``--no-published``).

Usage: .venv/bin/python bench/memory_security.py [--rows N] [--rounds N] [--no-published]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve()
TEXT = "défenseuse des droits humains menacée après la visite " * 8


def work(path: Path, memory_security: str, rows: int) -> dict[str, float]:
    import sqlcipher3

    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.executescript(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\";")
    conn.execute(f"PRAGMA cipher_memory_security = {memory_security}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, kind TEXT, body TEXT)")
    conn.execute("CREATE INDEX r_kind ON r (kind)")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5 (body, tokenize = 'trigram')")
    cpu = time.process_time
    start = cpu()
    conn.execute("BEGIN")
    for i in range(rows):
        conn.execute("INSERT INTO r (kind, body) VALUES (?, ?)", (f"k{i % 7}", f"{i} {TEXT}"))
        conn.execute("INSERT INTO f (rowid, body) VALUES (?, ?)", (i + 1, f"{i} {TEXT}"))
    conn.execute("COMMIT")
    insert = cpu() - start
    start = cpu()
    updates = 300
    for i in range(updates):
        row = 1 + (i * 7919) % rows
        conn.execute("BEGIN")
        conn.execute("UPDATE r SET body = ? WHERE id = ?", (f"{i} edited {TEXT}", row))
        conn.execute("DELETE FROM f WHERE rowid = ?", (row,))
        conn.execute("INSERT INTO f (rowid, body) VALUES (?, ?)", (row, f"{i} edited {TEXT}"))
        conn.execute("COMMIT")
    update = (cpu() - start) / updates
    start = cpu()
    for i in range(200):
        conn.execute("SELECT count(*) FROM r WHERE kind = ?", (f"k{i % 7}",)).fetchone()
        conn.execute("SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid DESC LIMIT 50",
                     ('"menacée"',)).fetchall()
    read = (cpu() - start) / 200
    with open("/proc/self/status", encoding="ascii") as status:
        locked = next((int(line.split()[1]) for line in status
                       if line.startswith("VmLck:")), 0)
    conn.close()
    return {"insert": insert, "update": update, "read": read, "locked_kib": locked}


def published_wheel(into: Path) -> Path | None:
    version = metadata.version("sqlcipher3").split("+")[0]
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
         "-d", str(into), f"sqlcipher3=={version}"], capture_output=True, text=True)
    wheels = list(into.glob("sqlcipher3-*.whl"))
    if proc.returncode != 0 or not wheels:
        print(f"published wheel not fetched: {proc.stderr.strip()[-200:]}", file=sys.stderr)
        return None
    unpacked = into / "published"
    with zipfile.ZipFile(wheels[0]) as wheel:
        wheel.extractall(unpacked)
    return unpacked


def child(mode: str, path: Path, rows: int, pythonpath: Path | None) -> dict[str, float]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    out = subprocess.run([sys.executable, str(HERE), "--child", mode, str(path), str(rows)],
                         env=env, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-published", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, path, rows = args.child
        print(json.dumps(work(Path(path), mode, int(rows))))
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        configs: dict[str, tuple[str, Path | None]] = {
            "this build, memory security OFF": ("OFF", None),
            "this build, memory security ON (the vault)": ("ON", None),
        }
        published = None if args.no_published else published_wheel(tmp / "wheel")
        if published is not None:
            configs["published wheel, memory security ON"] = ("ON", published)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in configs}
        for round_ in range(args.rounds):
            for number, (name, (mode, pythonpath)) in enumerate(configs.items()):
                # interleaved: every configuration sees the same machine load
                db = tmp / f"{round_}-{number}.db"
                results[name].append(child(mode, db, args.rows, pythonpath))
    print(f"{args.rows:,} rows, median of {args.rounds} rounds, CPU time of the process; "
          f"load average {os.getloadavg()[0]:.1f}")
    base = results["this build, memory security OFF"]

    def med(runs: list[dict[str, float]], key: str) -> float:
        values = sorted(r[key] for r in runs)
        return values[len(values) // 2]

    print(f"{'':46} {'insert all':>14} {'update (each)':>16} {'query (each)':>15} {'locked':>9}")
    for name, runs in results.items():
        cells = []
        for key, scale, unit in (("insert", 1, "s"), ("update", 1000, "ms"),
                                 ("read", 1000, "ms")):
            value = med(runs, key)
            cells.append(f"{value * scale:6.2f} {unit} {value / med(base, key):4.2f}×")
        print(f"{name:46} {cells[0]:>14} {cells[1]:>16} {cells[2]:>15} "
              f"{med(runs, 'locked_kib'):>6.0f} KiB")


if __name__ == "__main__":
    main()
