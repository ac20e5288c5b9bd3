"""What a command loads before it runs: the field commands people type all day (record list,
record get, search, vault …) must not load the HQ importer, reports, interchange, the HTTP
client, PostgreSQL, spreadsheets or Qt (issue 18: speed where people wait).

Behaviour, not timing: the heavy packages are made unimportable in the subprocess, so a
command that still needed one fails; and the HQ modules are checked absent from
``sys.modules``. The figures are in bench/cli.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PASSPHRASE

from hrd_field.core.records import Mission
from hrd_field.vault.vault import Vault

BLOCKED = ("httpx", "psycopg", "psycopg_pool", "xlsxwriter", "PySide6", "pycountry",
           "starlette", "uvicorn", "rich", "pygments")
NOT_LOADED = ("hrd_field.cli.hq_cmds", "hrd_field.hq.importer", "hrd_field.hq.reports",
              "hrd_field.hq.interchange", "hrd_field.hq.store", "hrd_field.sync.client",
              "hrd_field.documents")

RUNNER = f"""
import runpy, sys

class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {BLOCKED!r}:
            raise ImportError("blocked by the test: " + name)
        return None

sys.meta_path.insert(0, Blocked())
sys.argv = ["hrd-field", *sys.argv[1:]]
try:
    runpy.run_module("hrd_field", run_name="__main__", alter_sys=True)
finally:
    print("LOADED:" + ",".join(m for m in {NOT_LOADED!r} if m in sys.modules),
          file=sys.stderr)
"""


def run_light(*args: str, cwd: Path) -> tuple[int, str, list[str]]:
    """Run ``hrd-field ARGS`` with the heavy packages blocked; returns the exit code, stdout,
    and which of NOT_LOADED were imported anyway."""
    env = {**os.environ, "HRD_FIELD_TEST_FAST_KDF": "1", "HRD_FIELD_DEBUG": "1"}
    env.pop("HRD_FIELD_VAULT", None)
    # cwd: ``python -c`` puts it first on sys.path; the checkout must come from the install.
    proc = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True,
                          env=env, cwd=cwd, timeout=120, check=False)
    stderr = proc.stderr.decode("utf-8", "replace")
    marker = [ln for ln in stderr.splitlines() if ln.startswith("LOADED:")]
    assert marker, stderr
    loaded = [m for m in marker[-1].removeprefix("LOADED:").split(",") if m]
    assert "Traceback" not in stderr, stderr
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), loaded


@pytest.fixture(scope="module")
def small_vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("startup")
    passfile = root / "pass"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
    with Vault.create(root / "vault", PASSPHRASE, actor="alice") as v:
        rid = v.records.create(Mission(title="Startup mission", country="KE",
                                       start_date="2026-03-01")).id
    return root / "vault", passfile, rid


@pytest.mark.parametrize("args", [
    ["--version"], ["--help"], ["record", "list", "--help"], ["record", "get", "--help"],
    ["search", "--help"], ["vault", "check", "--help"], ["export", "--help"],
], ids=" ".join)
def test_help_loads_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    code, out, loaded = run_light(*args, cwd=tmp_path)
    assert code == 0, out
    assert out.strip()
    assert loaded == []


@pytest.mark.parametrize("command", [
    ["record", "list"], ["record", "get", "{id}"], ["search", "Startup"], ["vault", "check"],
], ids=" ".join)
def test_field_commands_run_without_the_heavy_modules(
        command: list[str], small_vault: tuple[Path, Path, str], tmp_path: Path) -> None:
    vault, passfile, rid = small_vault
    argv = [a.format(id=rid) for a in command]
    code, out, loaded = run_light(*argv, "--vault", str(vault), "--passphrase-file",
                                  str(passfile), cwd=tmp_path)
    assert code == 0, out
    assert loaded == []
    if command[0] != "vault":
        assert rid in out


def test_hq_commands_are_complete_when_used(tmp_path: Path) -> None:
    """The hq subtree is added on first use: its help, subcommands and usage errors are
    those of a parser built up front."""
    def hq(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hrd_field", "hq", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, check=False)

    top = subprocess.run([sys.executable, "-m", "hrd_field", "--help"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, check=False)
    assert "headquarters: store, devices, import" in top.stdout
    listing = hq("--help")
    assert listing.returncode == 0
    for name in ("init", "import", "export", "serve", "report", "due", "acknowledge"):
        assert f"    {name} " in listing.stdout or f"    {name}\n" in listing.stdout, name
    imp = hq("import", "--help")
    assert imp.returncode == 0 and "--store DIR" in imp.stdout
    wrong = hq("no-such-command")
    assert wrong.returncode == 2
    assert "invalid choice: 'no-such-command'" in wrong.stderr
    assert "'report'" in wrong.stderr
