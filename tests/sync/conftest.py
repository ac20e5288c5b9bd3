"""Fixtures for the sync tests: an HQ store whose intake servers are always stopped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.hqdb import new_hq_database
from helpers.synckit import Hq, Proxy


@pytest.fixture
def hq(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hq]:
    """A fresh HQ store; every server started through it is stopped at the end. Embedded,
    unless the module runs on both backends with
    ``pytestmark = pytest.mark.parametrize("hq", HQ_BACKENDS, indirect=True)``."""
    backend = getattr(request, "param", "embedded")
    world = Hq.create(tmp_path / "hq", database=new_hq_database(request, backend))
    try:
        yield world
    finally:
        world.stop_all()


@pytest.fixture
def proxies() -> Iterator[list[Proxy]]:
    """Proxies appended here are closed at the end."""
    made: list[Proxy] = []
    try:
        yield made
    finally:
        for proxy in made:
            proxy.close()
