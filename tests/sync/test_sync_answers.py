"""The sync client against answers a hostile or broken HQ (or a proxy in between) gives
(issue 11, items 8 and 10): a 3 GiB answer is refused unread, and a bundle HQ answers 500
for does not stall the rest of the outbox.

A small HTTP server on loopback plays that HQ; the device is a real vault synced with the
real ``hrd-field sync --url``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from helpers.synckit import LOOPBACK, Device, Hq, failed, person

HUGE = 3 << 30


class _Hostile(BaseHTTPRequestHandler):
    mode = "huge"
    posts: ClassVar[list[str]] = []
    sent = 0

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        self.rfile.read(length)
        type(self).posts.append(self.path)
        if self.mode == "error":
            body = b'{"error": "internal", "message": "internal error"}'
            self.send_response(500)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("content-type", "application/vnd.hrd-field.receipt+json")
        if self.mode == "huge":
            self.send_header("content-length", str(HUGE))
        self.end_headers()
        chunk = b"\0" * (1 << 20)
        try:
            for _ in range(HUGE >> 20):
                self.wfile.write(chunk)
                type(self).sent += len(chunk)
        except OSError:
            pass  # the client hung up: what this test wants


@pytest.fixture
def hostile() -> Iterator[tuple[str, type[_Hostile]]]:
    handler = type("Handler", (_Hostile,), {"posts": [], "sent": 0})
    server = ThreadingHTTPServer((LOOPBACK, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _device(hq: Hq, tmp_path: Path, bundles: int) -> Device:
    """A device with ``bundles`` bundles waiting in its outbox (one export each)."""
    device = Device.create(tmp_path / "d", "laptop", hq.profile())
    for n in range(bundles):
        with device.vault() as vault:
            vault.records.create(person(f"Witness {n}"))
        device.fill_outbox()
    with device.vault() as vault:
        assert len(vault.exports.waiting()) == bundles
    return device


@pytest.mark.parametrize("mode", ["huge", "chunked"])
def test_a_huge_answer_is_refused_unread(hq: Hq, tmp_path: Path, mode: str,
                                         hostile: tuple[str, type[_Hostile]]) -> None:
    url, handler = hostile
    handler.mode = mode
    device = _device(hq, tmp_path, 1)
    res = failed(device.sync("--no-export", "--url", url, timeout=120))
    assert "too large" in res.stderr + res.stdout
    assert handler.sent < 64 << 20, handler.sent


def test_a_bundle_answered_500_does_not_stall_the_outbox(
        hq: Hq, tmp_path: Path, hostile: tuple[str, type[_Hostile]]) -> None:
    url, handler = hostile
    handler.mode = "error"
    device = _device(hq, tmp_path, 2)
    failed(device.sync("--no-export", "--url", url))
    # Each bundle was offered once: the first one's 500 neither was retried in a loop nor
    # kept the second from going.
    assert handler.posts == ["/v1/bundles", "/v1/bundles"]
    with device.vault() as vault:
        assert [i.attempts for i in vault.exports.waiting()] == [1, 1]
