"""The intake against anyone who reaches its port (issue 11, items 4, 8 and 13).

Real servers on loopback: a few hundred slow clients holding half a request header while
the server has a small file-descriptor limit, hostile authentication headers, an enrolled
device uploading bundles signed by random keys, and a property-based run of the OpenAPI
description (schemathesis) against ``hrd-field hq serve``.
"""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from helpers.synckit import (
    LOOPBACK,
    Device,
    Hq,
    Server,
    person,
    post_bundle,
    signed_headers,
)
from hypothesis import HealthCheck, settings

from hrd_field.bundle import SigningKey, write_bundle

SPEC = Path(__file__).resolve().parents[2] / "docs" / "intake-openapi.yaml"
SLOW_CLIENTS = 300
FD_LIMIT = 256  # below SLOW_CLIENTS: without a connection limit, accept() would fail


def test_slow_clients_do_not_make_health_unreachable(hq: Hq) -> None:
    argv = ["prlimit", f"--nofile={FD_LIMIT}:{FD_LIMIT}", sys.executable, "-m", "hrd_field",
            "hq", "serve", "--store", str(hq.store_dir), "--passphrase-file", str(hq.passfile),
            "--host", LOOPBACK, "--port", str(hq.port)]
    log = hq.root / "slow.log"
    server = Server(argv, f"{hq.url}/v1/health", log)
    hq.servers.append(server)
    server.start()
    slow: list[socket.socket] = []
    try:
        for _ in range(SLOW_CLIENTS):
            with contextlib.suppress(OSError):  # the server may already drop the oldest
                s = socket.create_connection((LOOPBACK, hq.port), timeout=5)
                s.sendall(b"POST /v1/bundles HTTP/1.1\r\nHost: intake\r\nx-hrd-dev")
                slow.append(s)
        with httpx.Client(timeout=5) as client:
            for _ in range(3):
                assert client.get(f"{hq.url}/v1/health").status_code == 200
        assert server.running
    finally:
        for s in slow:
            s.close()
    assert log.stat().st_size < 100_000, server.output()[-2000:]


def test_hostile_auth_headers_get_401_never_500(hq: Hq, tmp_path: Path) -> None:
    hq.serve()
    key = SigningKey.generate()
    url = f"{hq.url}/v1/bundles"
    good = signed_headers(key, "POST", url, b"x")
    cases = {
        "signature-input": 'hrd=("@method" "@target-uri");created=' + "9" * 400
                           + ';keyid="RWQ";tag="x"',  # an int too large for a float
        "content-digest": "sha-256=:Ä" + "=" * 40 + ":",
        "signature": "hrd=:%%%:",
    }
    with httpx.Client(timeout=10) as client:
        for name, value in cases.items():
            headers = {**good, name: value}
            res = client.post(url, headers={k: v.encode("utf-8")
                                            for k, v in headers.items()}, content=b"x")
            assert res.status_code == 401, (name, res.status_code, res.text)


def test_a_device_cannot_fill_the_quarantine_with_foreign_signatures(hq: Hq,
                                                                    tmp_path: Path) -> None:
    profile = hq.profile()
    device = Device.create(tmp_path / "d", "laptop", profile, records=[person("A")])
    hq.register("laptop", device.public)
    with hq.store() as store:
        recipients = store.recipients()
    hq.serve()
    for n in range(3):
        stranger = SigningKey.generate()
        (tmp_path / f"b{n}").mkdir()
        bundle = write_bundle(tmp_path / f"b{n}", signing_key=stranger, recipients=recipients,
                              sequence=1, previous_manifest_sha256=None,
                              records_jsonl=b"", attachments=[], abandoned_sequences=[],
                              app_version="0.1.0", schema_version=1, counts={}).path
        res = post_bundle(hq.url, device.key, bundle.read_bytes())
        assert res.status_code == 422 and "signed by another device" in res.text, res.text
    assert hq.quarantine_files() == []


# --- property-based run of the OpenAPI description ------------------------------------------

SCHEMA = schemathesis.openapi.from_path(SPEC)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    hq = Hq.create(tmp_path_factory.mktemp("fuzz"))
    try:
        hq.serve()
        yield hq.url
    finally:
        hq.stop_all()


@pytest.mark.slow
@SCHEMA.parametrize()
@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_intake_keeps_to_its_openapi_description(case: schemathesis.Case,
                                                     served: str) -> None:
    """No 500, only documented status codes, bodies as described: for schema-valid and
    schema-violating requests (malformed headers included)."""
    # A schema-valid request still carries a made-up signature: its refusal is right.
    case.call_and_validate(base_url=served, timeout=30,
                           excluded_checks=[schemathesis.checks.positive_data_acceptance])
