"""The two HQ backends the HQ tests run on (fixtures ``pg_cluster`` and ``hq_database`` are
in tests/conftest.py; module-scoped fixtures parametrise with ``HQ_BACKENDS`` and call
``new_hq_database``)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

HQ_BACKENDS = ("embedded", "postgresql")

_databases = iter(range(1, 1_000_000))


def new_hq_database(request: pytest.FixtureRequest, backend: str) -> str | None:
    """None for the embedded store; a new empty database's URL for PostgreSQL."""
    if backend == "embedded":
        return None
    cluster = request.getfixturevalue("pg_cluster")
    return str(cluster.create_database(f"hq_{os.getpid()}_{next(_databases)}"))


def import_waiting_on(other: Any, store: Any, bundle: Path, url: str,
                      *statements: str) -> Any:
    """Import ``bundle`` on a thread while the transaction of ``other`` (a psycopg
    connection) holds what it needs; ``other`` commits once the import waits on a lock in
    a statement starting with one of ``statements``. The import's outcome."""
    from hrd_field.hq.importer import import_bundle

    out: list[Any] = []
    runner = threading.Thread(target=lambda: out.append(import_bundle(store, bundle)))
    runner.start()
    try:
        _wait_for_lock(url, statements)
    finally:
        other.commit()
        runner.join(120)
    [outcome] = out
    return outcome


def _wait_for_lock(url: str, statements: tuple[str, ...]) -> None:
    import psycopg

    deadline = time.monotonic() + 60
    waiting = " OR ".join(["query LIKE %s"] * len(statements))
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            if conn.execute(f"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type ="
                            f" 'Lock' AND ({waiting})",
                            [f"{s}%" for s in statements]).fetchone() == (1,):
                return
            time.sleep(0.05)
    raise AssertionError(f"the import never waited on a lock in {statements}")
