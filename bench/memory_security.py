"""Cost of SQLCipher's cipher_memory_security (freed memory zeroed), ON against OFF,
measured in the same run on the same data: inserts in one transaction, then filtered
counts and full-text queries (what lists and search do).

Usage: .venv/bin/python bench/memory_security.py [ROWS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlcipher3


def run(path: Path, memory_security: str, rows: int) -> tuple[float, float]:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.executescript(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\";")
    conn.execute(f"PRAGMA cipher_memory_security = {memory_security}")
    conn.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, kind TEXT, body TEXT)")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5 (body, tokenize = 'trigram')")
    text = "défenseuse des droits humains menacée après la visite " * 8
    start = time.perf_counter()
    conn.execute("BEGIN")
    for i in range(rows):
        conn.execute("INSERT INTO r (kind, body) VALUES (?, ?)", (f"k{i % 7}", f"{i} {text}"))
        conn.execute("INSERT INTO f (rowid, body) VALUES (?, ?)", (i + 1, f"{i} {text}"))
    conn.execute("COMMIT")
    write = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(200):
        conn.execute("SELECT count(*) FROM r WHERE kind = ?", (f"k{i % 7}",)).fetchone()
        conn.execute("SELECT rowid FROM f WHERE f MATCH ? LIMIT 20", ('"menacée"',)).fetchall()
    read = time.perf_counter() - start
    conn.close()
    return write, read


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    results: dict[str, list[tuple[float, float]]] = {"OFF": [], "ON": []}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(3):
            for mode in ("OFF", "ON"):  # interleaved: both see the same machine load
                results[mode].append(run(Path(tmp) / f"{mode}-{round_}.db", mode, rows))
    for what, index in (("write", 0), ("read", 1)):
        off = statistics.median(r[index] for r in results["OFF"])
        on = statistics.median(r[index] for r in results["ON"])
        print(f"{what:5} {rows} rows: OFF {off * 1000:8.1f} ms  ON {on * 1000:8.1f} ms  "
              f"ratio {on / off:.2f}")


if __name__ == "__main__":
    main()
