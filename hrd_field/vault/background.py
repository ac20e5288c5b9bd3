"""A transaction's bulk statements run on a helper thread while the caller makes the next
rows.

SQLite does its work (B-trees, full-text tokenising, page encryption) without holding
Python's GIL, so a bulk write (an HQ import) can build rows in Python on one core while
SQLite stores the previous ones on another. The statements run in the order given, on the
caller's connection and inside its transaction; the caller must not use the connection
itself until ``flush`` (or leaving the ``with`` block) has returned. The first error is
raised again in the caller's thread, and nothing after it runs.

An ``INSERT … VALUES (?, …)`` goes as multi-row inserts, a few hundred rows a statement:
``executemany`` takes the GIL back between rows, and a thread asking for the GIL gets it
only when the running one yields it (every 5 ms), so row by row the helper stored almost
nothing until the caller stopped to wait for it.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any


MAX_PARAMETERS = 30_000
"""Bound parameters a statement (SQLite allows 32,766)."""
MAX_ROWS = 500
_ONE_ROW = re.compile(r"^(?P<head>.* VALUES )(?P<row>\((?:\?, )*\?\))$", re.DOTALL)


def _statements(sql: str, rows: Sequence[Any]) -> list[tuple[str, Sequence[Any], bool]]:
    """(sql, parameters, whether for each row) that do ``executemany(sql, rows)``."""
    found = _ONE_ROW.match(sql)
    if found is None:
        return [(sql, rows, True)]
    width = found["row"].count("?")
    step = max(1, min(MAX_ROWS, MAX_PARAMETERS // width))
    out: list[tuple[str, Sequence[Any], bool]] = []
    for start in range(0, len(rows), step):
        part = rows[start:start + step]
        out.append((found["head"] + ", ".join([found["row"]] * len(part)),
                    [value for row in part for value in row], False))
    return out


class Background:
    def __init__(self, conn: Any):
        self._conn = conn
        self._jobs: queue.Queue[tuple[str, Sequence[Any], bool] | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Background:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        # Always wait: the transaction's rollback must not run while a statement does.
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None
        if kind is None:
            self._raise()

    def executemany(self, sql: str, rows: Sequence[Any]) -> None:
        """Queue a statement for every row (the rows must not change afterwards)."""
        if not rows:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="vault-bulk-writer",
                                            daemon=True)
            self._thread.start()
        for job in _statements(sql, rows):
            self._jobs.put(job)

    def flush(self) -> None:
        """Wait until every queued statement has run; the connection is the caller's again."""
        self._jobs.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if self._error is None:
                    sql, params, each = job
                    if each:
                        self._conn.executemany(sql, params)
                    else:
                        self._conn.execute(sql, params)
            except BaseException as exc:  # handed to the caller's thread
                self._error = exc
            finally:
                self._jobs.task_done()
