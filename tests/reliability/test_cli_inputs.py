"""Malformed command lines get one clear line (issue 12 items 9 and 10), and demo data can
be added again after a kill or with the same seed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import assert_user_error, cli_env, ok

from hrd_field.vault.vault import Vault


def run_bytes(*args: bytes | str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "hrd_field", *args]
    return subprocess.run(argv, capture_output=True, env=cli_env(), timeout=timeout,
                          check=False, stdin=subprocess.DEVNULL, text=True, errors="replace")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    Vault.create(root, PASSPHRASE).close()
    return root


def usage_error(res: subprocess.CompletedProcess[str], *words: str) -> None:
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert "Traceback" not in res.stderr and "unexpected" not in res.stderr, res.stderr
    last = res.stderr.strip().splitlines()[-1]
    for word in words:
        assert word in last, (word, res.stderr)


def test_huge_offset_is_a_usage_error(vault: Path, passfile: Path) -> None:
    res = run_bytes("record", "list", "--offset", "100000000000000000000", "--vault",
                    str(vault), "--passphrase-file", str(passfile))
    usage_error(res, "--offset")


@pytest.mark.parametrize("args", [
    [b"search", b"caf\xe9"],
    [b"record", b"list", b"--mission", b"\xff\xfe"],
])
def test_text_that_is_not_utf8_is_a_usage_error(vault: Path, passfile: Path,
                                                args: list[bytes]) -> None:
    res = run_bytes(*args, "--vault", str(vault), "--passphrase-file", str(passfile))
    usage_error(res, "UTF-8")


@pytest.fixture
def store(tmp_path: Path, passfile: Path) -> Path:
    root = tmp_path / "hq"
    ok(run_bytes_result("hq", "init", "--store", str(root), "--organisation", "HQ",
                        "--passphrase-file", str(passfile)))
    return root


def run_bytes_result(*args: str):  # type: ignore[no-untyped-def]
    from helpers.cli import Result

    res = run_bytes(*args)
    return Result(res.returncode, res.stdout, res.stderr)


def serve(store: Path, passfile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_bytes("hq", "serve", "--store", str(store), "--passphrase-file", str(passfile),
                     "--host", "127.0.0.1", *extra, timeout=60)


def test_serve_port_out_of_range_is_a_usage_error(store: Path, passfile: Path) -> None:
    usage_error(serve(store, passfile, "--port", "99999"), "--port")


def test_serve_on_a_port_in_use_is_one_line_before_starting(store: Path,
                                                           passfile: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        res = serve(store, passfile, "--port", str(port))
    assert_user_error(res, "cannot listen", str(port))
    assert "Serving" not in res.stdout + res.stderr


@pytest.mark.parametrize("cert_content", [None, b"garbage, not a certificate\n"])
def test_serve_with_a_missing_or_bad_certificate_is_one_line(
        store: Path, passfile: Path, tmp_path: Path, cert_content: bytes | None) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    key.write_bytes(b"garbage key\n")
    if cert_content is not None:
        cert.write_bytes(cert_content)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    res = serve(store, passfile, "--port", str(port), "--tls-cert", str(cert), "--tls-key",
                str(key))
    assert_user_error(res, str(cert))
    assert "Serving" not in res.stdout + res.stderr


def test_demo_data_twice_with_the_same_seed(vault: Path, passfile: Path) -> None:
    args = ["demo-data", "--count", "40", "--seed", "3", "--vault", str(vault),
            "--passphrase-file", str(passfile)]
    first = run_bytes(*args)
    assert first.returncode == 0, first.stderr
    again = run_bytes(*args)
    assert again.returncode == 0, again.stderr
    assert "already in the vault" in again.stdout
    default = run_bytes(*args[:3], *args[5:])  # no --seed: new records each time
    assert default.returncode == 0 and "40 demo records added" in default.stdout, default
    with Vault.unlock(vault, PASSPHRASE) as v:
        assert v.records.count() == 80


@pytest.mark.slow
def test_demo_data_after_a_kill_completes_the_set(vault: Path, passfile: Path) -> None:
    args = [sys.executable, "-m", "hrd_field", "demo-data", "--count", "6000", "--seed",
            "9", "--vault", str(vault), "--passphrase-file", str(passfile)]
    env = {**cli_env(), "HRD_FIELD_TEST_CRASH_AT": "demo.batch_saved"}
    res = subprocess.run(args, capture_output=True, env=env, timeout=300, check=False)
    assert res.returncode == -signal.SIGKILL, res.stderr
    with Vault.unlock(vault, PASSPHRASE) as v:
        partial = v.records.count()
    assert 0 < partial < 6000  # one batch of 5,000 was kept
    res = subprocess.run(args, capture_output=True, env=cli_env(), timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    with Vault.unlock(vault, PASSPHRASE) as v:
        assert v.records.count() == 6000
    assert os.path.exists(vault / "vault.key")
