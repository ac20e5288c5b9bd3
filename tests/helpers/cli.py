"""Run the real ``hrd-field`` command in a subprocess, for fixtures wider than one test.

Mirrors the ``cli`` fixture of conftest.py (which is per test) for module-scoped vaults.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def cli_env() -> dict[str, str]:
    """The suite's environment for the real command: cheap KDF, no default vault."""
    env = {**os.environ, "HRD_FIELD_TEST_FAST_KDF": "1", "HRD_FIELD_DEBUG": "0"}
    env.pop("HRD_FIELD_VAULT", None)
    return env


def ok(res: Result) -> Result:
    assert res.returncode == 0, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr, res.stderr
    return res


def run_cli(*args: str, vault: Path | None = None, passfile: Path | None = None,
            input: str | bytes | None = None, timeout: float = 120) -> Result:
    argv = [sys.executable, "-m", "hrd_field", *args]
    if vault is not None:
        argv += ["--vault", str(vault)]
    if passfile is not None:
        argv += ["--passphrase-file", str(passfile)]
    data = input.encode("utf-8") if isinstance(input, str) else input
    proc = subprocess.run(argv, input=data, capture_output=True, env=cli_env(),
                          timeout=timeout,
                          check=False)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


def assert_user_error(res: Any, *words: str) -> None:
    """Exit 1, nothing on stdout, a clear message on stderr and no traceback."""
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr, res.stderr
    assert res.stdout == "", res.stdout
    lines = res.stderr.strip().splitlines()
    assert lines, "an error needs a message"
    assert lines[-1].startswith("error: "), res.stderr
    assert "unexpected" not in res.stderr, res.stderr
    # one line; a rejected record may list its field errors first, one per line
    assert all(line.startswith("invalid: ") for line in lines[:-1]), res.stderr
    for word in words:
        assert word.lower() in res.stderr.lower(), (word, res.stderr)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
