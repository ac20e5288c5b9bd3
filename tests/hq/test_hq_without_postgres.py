"""The desktop build leaves psycopg out: ``--database`` then says, in one translated line,
how to run an HQ on PostgreSQL, instead of an import traceback. (The frozen self-test checks
the real build; here psycopg is made unimportable in the child process.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers.cli import Result, assert_user_error, cli_env

# Blocks psycopg as a build without it would (import raises ModuleNotFoundError).
NO_PSYCOPG = """\
import runpy, sys
for name in ("psycopg", "psycopg_pool", "psycopg_binary"):
    sys.modules[name] = None
runpy.run_module("hrd_field", run_name="__main__", alter_sys=True)
"""


def _hrd(*args: str | Path) -> Result:
    proc = subprocess.run([sys.executable, "-c", NO_PSYCOPG, *map(str, args)],
                          capture_output=True, env=cli_env(), timeout=120, check=False)
    return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def test_hq_init_with_database_names_the_way(tmp_path: Path) -> None:
    passfile = tmp_path / "pass"
    passfile.write_text("a passphrase nobody will guess 7\n")
    res = _hrd("hq", "init", "--store", tmp_path / "hq", "--organisation", "HQ",
               "--database", "postgresql://nobody@localhost/none",
               "--passphrase-file", passfile)
    assert_user_error(res, "PostgreSQL", "pip install hrd-field")
    assert not (tmp_path / "hq").exists() or not any((tmp_path / "hq").iterdir())
