"""The two HQ backends the HQ tests run on (fixtures ``pg_cluster`` and ``hq_database`` are
in tests/conftest.py; module-scoped fixtures parametrise with ``HQ_BACKENDS`` and call
``new_hq_database``)."""

from __future__ import annotations

import os

import pytest

HQ_BACKENDS = ("embedded", "postgresql")

_databases = iter(range(1, 1_000_000))


def new_hq_database(request: pytest.FixtureRequest, backend: str) -> str | None:
    """None for the embedded store; a new empty database's URL for PostgreSQL."""
    if backend == "embedded":
        return None
    cluster = request.getfixturevalue("pg_cluster")
    return str(cluster.create_database(f"hq_{os.getpid()}_{next(_databases)}"))
