"""The per-device rate limit of ``hq serve`` holds across intake workers: with a burst of N,
the (N+1)th request inside the window is refused with 429 and ``Retry-After``, whichever
worker it reaches. PostgreSQL: two real worker processes, the requests alternating between
them on two kept-alive connections (each connection is matched to the worker that accepted
it, from the kernel's socket table, so the test does not depend on how the kernel spreads
connections). Embedded: one process, as before."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from pathlib import Path

import pytest
from helpers.hqdb import HQ_BACKENDS
from helpers.synckit import LOOPBACK, Hq, read_response, signed_headers

from hrd_field.bundle.minisign import SigningKey

pytestmark = pytest.mark.parametrize("hq", HQ_BACKENDS, indirect=True)

BURST = 4


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def _owner(client: socket.socket, server_port: int, pids: list[int]) -> int | None:
    """The process holding the server side of ``client``'s connection (None while the
    connection still waits in the listening queue)."""
    client_port = client.getsockname()[1]
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port \
                and int(remote.split(":")[1], 16) == client_port:
            inode = fields[9]
    if inode is None or inode == "0":
        return None
    target = f"socket:[{inode}]"
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                        return pid
    return None


FRESH_S = 4.0
"""A kept connection older than this is replaced: the server closes one that sends no
request header within its header timeout (10 s)."""


def _one_connection_per_worker(port: int, workers: list[int]) -> list[socket.socket]:
    """Open connections until each worker has accepted one; close the others."""
    kept: dict[int, tuple[socket.socket, float]] = {}
    spare: list[socket.socket] = []
    deadline = time.monotonic() + 60
    while len(kept) < len(workers):
        assert time.monotonic() < deadline, f"connections reached only {sorted(kept)}"
        for pid, (old, since) in list(kept.items()):
            if time.monotonic() - since > FRESH_S:
                spare.append(old)
                del kept[pid]
        s = socket.create_connection((LOOPBACK, port), timeout=30)
        owner = None
        while owner is None and time.monotonic() < deadline:
            owner = _owner(s, port, workers)
            if owner is None:
                time.sleep(0.01)  # polling the socket table, not a synchronisation
        if owner is not None and owner not in kept:
            kept[owner] = (s, time.monotonic())
        else:
            spare.append(s)
    for s in spare:
        s.close()
    return [kept[pid][0] for pid in workers]


def _ask(conn: socket.socket, hq: Hq, key: SigningKey) -> tuple[int, dict[str, str]]:
    """An authenticated request on a kept-alive connection (a receipt HQ does not have:
    404 once it passes the rate limit)."""
    path = "/v1/receipts/no-such-bundle"
    headers = signed_headers(key, "GET", hq.url + path, b"")
    del headers["content-length"]
    head = f"GET {path} HTTP/1.1\r\nHost: {LOOPBACK}:{hq.port}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    conn.sendall(head.encode("latin-1"))
    status, answer, _body = read_response(conn)
    return status, answer


def test_the_burst_holds_across_workers_and_the_next_request_is_refused(
        hq: Hq, tmp_path: Path) -> None:
    key, other = SigningKey.generate(), SigningKey.generate()
    hq.register("laptop-1", key.public_key().to_base64())
    hq.register("laptop-2", other.public_key().to_base64())
    postgres = (hq.store_dir / "hq.key").exists()
    workers = 2 if postgres else 1
    server = hq.serve(extra=["--workers", str(workers), "--rate-burst", str(BURST),
                             "--rate-per-minute", "1"])
    pids = _children(server.pid) if postgres else [server.pid]
    assert len(pids) == workers
    conns = _one_connection_per_worker(hq.port, pids)
    try:
        statuses = [_ask(conns[i % workers], hq, key)[0] for i in range(BURST)]
        assert statuses == [404] * BURST  # through the limit to the route
        status, answer = _ask(conns[BURST % workers], hq, key)
        assert status == 429, (status, answer)
        assert 1 <= int(answer["retry-after"]) <= 60
        # Another device has its own bucket.
        assert _ask(conns[0], hq, other)[0] == 404
        assert _ask(conns[-1], hq, key)[0] == 429  # still refused, on every worker
    finally:
        for s in conns:
            s.close()
