"""Shared fixtures: real vaults in temporary directories, the real CLI."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Set before anything imports Qt or creates a vault.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Cheap Argon2id parameters for the suite only; they are stored per slot, so vaults made
# here still open normally. Benchmarks and the app use the real parameters.
os.environ["HRD_FIELD_TEST_FAST_KDF"] = "1"
# The command line speaks the language of its environment: the suite checks English text
# whatever the machine's locale (tests of other languages set their own environment).
os.environ["LANGUAGE"] = "en"
# The suite starts the real command in well over a thousand subprocesses. Where
# PYTHONDONTWRITEBYTECODE is set (as on the machines of this project's sessions), each of
# them compiled every module it imports from source again: about half a second per run.
# Their bytecode goes to one cache outside the checkout instead (writes are atomic, so
# parallel workers can share it; entries are checked against the sources' mtimes).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault("PYTHONPYCACHEPREFIX",
                      str(Path(tempfile.gettempdir()) / f"hrd-field-tests-pycache-{os.getuid()}"))

from helpers import PASSPHRASE
from helpers.hqdb import HQ_BACKENDS, new_hq_database

if TYPE_CHECKING:
    from helpers.hqkit import World


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    # Once a GUI test has run, this process collects reference cycles on the main thread only
    # (hrd_field/gui/collector.py, as the app does); between tests too, where no Qt event
    # loop runs the collector's timer, or garbage would pile up for the rest of the run.
    if not gc.isenabled():
        from hrd_field.gui.collector import collect_if_due

        collect_if_due()


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def passfile(tmp_path: Path) -> Path:
    p = tmp_path / "passphrase.txt"
    p.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return p


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def cli(tmp_path: Path, vault_dir: Path, passfile: Path) -> Callable[..., CliResult]:
    """Run ``hrd-field`` as a real subprocess against the test vault."""

    def run(*args: str, input: str | bytes | None = None, vault: bool = True,
            env: dict[str, str] | None = None, timeout: float = 120) -> CliResult:
        argv = [sys.executable, "-m", "hrd_field", *args]
        if vault:
            argv += ["--vault", str(vault_dir), "--passphrase-file", str(passfile)]
        full_env = {**os.environ, "HRD_FIELD_VAULT": str(vault_dir), **(env or {})}
        data = input.encode("utf-8") if isinstance(input, str) else input
        proc = subprocess.run(argv, input=data, capture_output=True, env=full_env,
                              timeout=timeout, check=False)
        return CliResult(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                         proc.stderr.decode("utf-8", "replace"))

    return run


# --- HQ backends: every HQ test that takes ``hq_database`` runs on both ------------------------


@pytest.fixture(scope="session")
def pg_cluster():  # type: ignore[no-untyped-def]
    """A throwaway PostgreSQL cluster for the whole session (skipped, with the reason, where
    the server binaries are missing; CI must have them)."""
    from helpers import pgcluster

    why = pgcluster.unavailable()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {why}")
        pytest.skip(why)
    blocked = pgcluster.unprivileged_user_blocked()
    if blocked is not None:  # the machine, not the code: skipped with the reason, even in CI
        pytest.skip(blocked)
    with pgcluster.cluster() as cluster:
        yield cluster


@pytest.fixture(params=HQ_BACKENDS)
def hq_database(request: pytest.FixtureRequest) -> str | None:
    """Parametrises a test over both HQ backends: None (embedded) or a PostgreSQL URL."""
    return new_hq_database(request, request.param)


@pytest.fixture
def pg_world(tmp_path: Path, request: pytest.FixtureRequest) -> World:
    """An HQ kept in PostgreSQL and its first field device (tests of PostgreSQL-only
    paths)."""
    from helpers.hqkit import make_world

    url = new_hq_database(request, "postgresql")
    assert url is not None
    return make_world(tmp_path / "w", database=url)
