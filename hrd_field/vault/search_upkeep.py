"""Keeping the full-text indexes in few segments, a bounded step at a time.

FTS5 writes every transaction's words as a new segment of its index and merges segments
only a few at a time, so an index written in many transactions (a bulk import, months of
saves) is read as about ten segments. A query opens a reader on each segment of each word
it looks for, and under ``cipher_memory_security`` every allocation of those readers costs
a system call: at 100k records a search spent 6 ms in that lookup on the index as written,
1 ms once its segments were merged into one, the same as plain SQLite without encryption.

Merging rewrites the index (about 35 s of work at 100k records on a shared 2-core
machine), so it is done in steps of a bounded number of pages, each its own transaction
(``'merge'`` with a negative page count: FTS5's incremental optimize), which a caller
runs in the background and stops at will; an interrupted merge goes on at the next step.
It is due again once the vault has grown by half since the last complete merge: small
segments added since cost little, large ones are what slows a search.
"""

from __future__ import annotations

from .database import Database

INDEXES = ("records_words", "records_cjk", "records_fts")
STEP_PAGES = 200
"""Pages one step writes at most: ~100–150 ms at 100k records, so work queued behind a
step (a search as the person types) waits no longer than that."""
GROWTH = 1.5
MIN_RECORDS = 500
"""Below this many records an index is small enough to read in any shape."""
_META = "search_index_merged_at"


def _records(db: Database) -> int:
    return int(db.query("SELECT coalesce(max(seq), 0) FROM records")[0][0])


def due(db: Database) -> bool:
    """Whether the indexes have grown enough since their last complete merge."""
    rows = db.query("SELECT value FROM meta WHERE key = ?", (_META,))
    merged_at = int(rows[0][0]) if rows else 0
    records = _records(db)
    return records >= MIN_RECORDS and records >= GROWTH * merged_at


def step(db: Database, pages: int = STEP_PAGES) -> bool:
    """One bounded step of merging (one transaction); True while work remains."""
    if db.read_only or not due(db):
        return False
    for index in INDEXES:
        with db.transaction() as c:
            before = c.total_changes
            c.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('merge', ?)", (-pages,))
            # the command itself counts one change; merged pages count more
            if c.total_changes - before > 1:
                return True
    with db.transaction() as c:
        c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                  (_META, str(_records(db))))
    return False
