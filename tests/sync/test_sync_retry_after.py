"""A device honours HQ's ``Retry-After``: when HQ asks for a long wait (its disk is full:
``Retry-After: 300``), the bundle is not sent again within the same sync (each try would
cost the field's bandwidth its whole size), the sync stops as offline, and the outbox waits
at least that long before the next try; a short wait is still retried at once. Against a
real HTTP server on loopback that answers every request with 503 and counts them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers.synckit import Device, Hq, person

from hrd_field.bundle.profile import load_profile
from hrd_field.sync.client import IntakeClient
from hrd_field.sync.errors import SyncError


class _Busy(BaseHTTPRequestHandler):
    retry_after = "300"
    requests = 0

    def do_POST(self) -> None:
        type(self).requests += 1
        self.rfile.read(int(self.headers.get("content-length", "0")))
        body = b'{"error": "unavailable", "message": "HQ has no space left"}'
        self.send_response(503)
        self.send_header("Retry-After", self.retry_after)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def busy() -> Iterator[tuple[str, type[_Busy]]]:
    handler = type("Handler", (_Busy,), {"requests": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_long_retry_after_is_not_retried_in_the_sync_and_delays_the_next(
        hq: Hq, tmp_path: Path, busy: tuple[str, type[_Busy]]) -> None:
    url, handler = busy
    device = Device.create(tmp_path / "field", "laptop", hq.profile(url=url),
                           records=[person("Waiting for space")])
    [(seq, _bundle_id, path)] = device.fill_outbox()
    before = datetime.now(UTC)
    report = device.sync_in_process(url, export=False)
    assert handler.requests == 1  # not sent again at once
    assert report.offline and report.received == [] and report.errors
    assert path.exists()  # still in the outbox
    with device.vault() as vault:
        [item] = vault.exports.waiting()
    assert item.seq == seq and item.next_attempt_at is not None
    assert datetime.fromisoformat(item.next_attempt_at) >= before + timedelta(seconds=300)


def test_a_short_retry_after_is_retried_at_once(
        hq: Hq, tmp_path: Path, busy: tuple[str, type[_Busy]]) -> None:
    url, handler = busy
    handler.retry_after = "1"
    device = Device.create(tmp_path / "field", "laptop", hq.profile(url=url),
                           records=[person("Busy for a second")])
    [(_seq, _bundle_id, path)] = device.fill_outbox()
    profile = load_profile((hq.root / "profile.hrdprofile").read_bytes())
    with IntakeClient(profile, device.key, url, attempts=2) as client, \
            pytest.raises(SyncError) as failed:
        client.upload(path)
    assert handler.requests == 2 and failed.value.retry_after == 1.0
