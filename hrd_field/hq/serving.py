"""How the intake is served: uvicorn with the limits a public socket needs.

Anyone who reaches the port can open connections, so the server itself (not only a reverse
proxy in front of it, see docs/security.md) must hold up against slow and idle clients:

- a request's header must arrive complete within ``HEADER_TIMEOUT`` seconds of the first
  byte being awaited (one byte every few seconds does not keep a connection alive);
- idle keep-alive connections close after ``KEEP_ALIVE`` seconds;
- open connections stay below the file-descriptor limit, so ``accept()`` never fails: at the
  limit, the oldest connection still waiting for its header makes room for the new one (a
  flood of slow clients only churns itself, a real request still gets in);
- log lines repeated in a flood are rate-limited, so the disk does not fill with them.

Body uploads have their own read timeout in ``Intake``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import time
from collections import OrderedDict
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
KEEP_ALIVE = 5
FD_RESERVE = 64
"""Descriptors kept free for the store, the spool, logs and TLS."""
MAX_CONNECTIONS = 4096
LOG_INTERVAL = 10.0


def raise_fd_limit() -> int:
    """Raise the soft limit on open files to the hard limit; returns the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (OSError, ValueError):
            pass
    return soft


def connection_limit(fd_limit: int) -> int:
    return max(8, min(MAX_CONNECTIONS, fd_limit - FD_RESERVE))


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a header deadline and a connection cap."""

    limit = MAX_CONNECTIONS
    header_timeout = HEADER_TIMEOUT
    # Connections still waiting for a request header, oldest first (shared by all).
    waiting: ClassVar[OrderedDict[GuardedH11Protocol, None]] = OrderedDict()

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.limit and not self._evict_oldest_waiting():
            transport.abort()  # every connection is busy with a real request
            return
        super().connection_made(transport)
        self._await_header()

    def connection_lost(self, exc: Exception | None) -> None:
        self._header_done()
        if self.transport is not None:
            super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._await_header()  # the next request on a kept-alive connection
        else:
            self._header_done()

    def send_400_response(self, msg: str) -> None:
        """A malformed request (e.g. ``Content-Length: -1``) gets the documented JSON error,
        not uvicorn's plain text."""
        body = json.dumps({"error": "bad_request", "message": msg}).encode()
        headers = [(b"content-type", b"application/json"), (b"connection", b"close"),
                   (b"content-length", str(len(body)).encode())]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                      h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()

    def _await_header(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._too_slow)
            GuardedH11Protocol.waiting[self] = None

    def _header_done(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        GuardedH11Protocol.waiting.pop(self, None)

    def _too_slow(self) -> None:
        self._header_timer = None
        GuardedH11Protocol.waiting.pop(self, None)
        if not self.transport.is_closing():
            self.transport.abort()

    @classmethod
    def _evict_oldest_waiting(cls) -> bool:
        while cls.waiting:
            oldest, _ = cls.waiting.popitem(last=False)
            if oldest._header_timer is not None:
                oldest._header_timer.cancel()
                oldest._header_timer = None
            if not oldest.transport.is_closing():
                oldest.transport.abort()
                return True
        return False


class RateLimitedLog(logging.Filter):
    """Lets each distinct message through at most once per ``interval`` seconds; the next
    one that passes says how many were dropped."""

    def __init__(self, interval: float = LOG_INTERVAL):
        super().__init__()
        self.interval = interval
        self._last: dict[str, tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = f"{record.name}:{record.levelno}:{record.msg}"
        now = time.monotonic()
        last, dropped = self._last.get(key, (-self.interval, 0))
        if now - last < self.interval:
            self._last[key] = (last, dropped + 1)
            return False
        if len(self._last) > 1000:  # many distinct messages: start again
            self._last.clear()
        self._last[key] = (now, 0)
        if dropped:
            record.msg = f"{record.msg} ({dropped} similar messages suppressed)"
        return True


def install_log_limits(interval: float = LOG_INTERVAL) -> None:
    limiter = RateLimitedLog(interval)
    for name in ("asyncio", "uvicorn", "uvicorn.error", "hrd_field.intake"):
        logging.getLogger(name).addFilter(limiter)


def server_options(fd_limit: int | None = None) -> dict[str, Any]:
    """uvicorn.Config keyword arguments for a public intake socket."""
    limit = connection_limit(raise_fd_limit() if fd_limit is None else fd_limit)
    protocol = type("IntakeH11Protocol", (GuardedH11Protocol,), {"limit": limit})
    install_log_limits()
    return {"http": protocol, "timeout_keep_alive": KEEP_ALIVE, "backlog": min(2048, limit),
            "h11_max_incomplete_event_size": 16 * 1024}
