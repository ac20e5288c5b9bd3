"""The HQ intake service: devices upload bundles, HQ answers with signed receipts.

An ASGI application (Starlette) served by uvicorn; the API is described in
docs/intake-openapi.yaml. Uploads are authenticated before a byte of body is read, capped,
streamed to a spool file written atomically, imported through the same code as
``hrd-field hq import`` one at a time, and answered with a receipt signed by HQ. Logs name
devices and bundles, never record content.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..bundle.receipt import Receipt
from ..bundle.upload_auth import check_request
from ..core.errors import UserError
from ..core.records import utc_now
from ..vault.fsutil import DiskFull, atomic_file, io_error
from .importer import DUPLICATE, IMPORTED, ImportOutcome, import_bundle
from .repository import Device, StoreFull, StoreUnavailable
from .serving import server_options
from .store import HqStore

T = TypeVar("T")
log = logging.getLogger("hrd_field.intake")
DEFAULT_MAX_UPLOAD = 64 << 20
RECEIPT_TYPE = "application/vnd.hrd-field.receipt+json"
RETRY_UNAVAILABLE = 30
"""Seconds a device waits before retrying when the database is away (a restart, a cut)."""
RETRY_FULL = 300
"""… and when HQ has no space left (someone has to free it: minutes, not seconds)."""
STATUS_CODES = {"revoked": 403, "unknown_device": 403, "equivocation": 409, "suspect": 409,
                "rejected": 422}


@dataclass
class RateLimit:
    """A token bucket per device: bursts allowed, floods refused with 429.

    The buckets here are this process's: they serve the embedded store (one intake
    process). A PostgreSQL-backed store keeps them in the database
    (``HqRepository.take_request``), so that ``hq serve --workers N`` allows a device the
    same rate as one worker, not N times it."""

    capacity: float = 60.0
    per_second: float = 2.0
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, device: str) -> float:
        """0 if the request may go on (a token was taken), else the seconds until the next
        token."""
        now = time.monotonic()
        tokens, last = self.buckets.get(device, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.per_second)
        if tokens < 1:
            self.buckets[device] = (tokens, now)
            return (1 - tokens) / self.per_second
        self.buckets[device] = (tokens - 1, now)
        return 0.0

    def allow(self, device: str) -> bool:
        return self.take(device) == 0.0


class Intake:
    """The intake's endpoints on an open store."""

    def __init__(self, store: HqStore, base_url: str, *, max_upload: int = DEFAULT_MAX_UPLOAD,
                 rate: RateLimit | None = None, read_timeout: float = 60.0):
        self.store = store
        self.base_url = base_url.rstrip("/")
        self.max_upload = max_upload
        self.rate = rate or RateLimit()
        self.read_timeout = read_timeout
        self.spool = store.root / "spool"
        self.spool.mkdir(mode=0o700, exist_ok=True)
        for leftover in self.spool.iterdir():  # ciphertext from an interrupted upload
            if not _alive(leftover.name.lstrip(".").split("-", 1)[0]):  # not a live worker's
                with contextlib.suppress(OSError):
                    leftover.unlink()
        # The embedded store has one SQLCipher connection: one user at a time. PostgreSQL
        # takes concurrent requests (each gets a pooled connection; imports of one device
        # take turns on that device's lock inside the database).
        self._store_lock: contextlib.AbstractContextManager[object] = (
            threading.Lock() if store.backend == "embedded" else contextlib.nullcontext())

    # -- helpers ---------------------------------------------------------------------------
    async def _authenticate(self, request: Request, length: int) -> tuple[str, str] | Response:
        url = self.base_url + request.url.path
        try:
            checked = check_request(request.headers, request.method, url, length)
        except Exception:
            checked = "malformed authentication headers"
        if isinstance(checked, str):
            return _error(401, "unauthenticated", checked)
        key, sha = checked
        # Off the event loop: an import may hold the store for a while.
        device = await anyio.to_thread.run_sync(
            self._locked, lambda: self.store.repo.device_by_key(key.to_base64()))
        if device is None or device.status != "active":
            return _error(403, "forbidden", "unknown or revoked device")
        wait = await anyio.to_thread.run_sync(self._locked, lambda: self._take(device))
        if wait > 0:
            response = _error(429, "rate_limited", "too many requests from this device")
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        return device.public_key, sha

    def _take(self, device: Device) -> float:
        """Seconds this device must wait (0: go on), counted across every intake process
        of the store where the backend can (PostgreSQL), else in this process."""
        shared = self.store.repo.take_request(device.public_key, self.rate.capacity,
                                              self.rate.per_second)
        return self.rate.take(device.public_key) if shared is None else shared

    def _locked(self, fn: Callable[[], T]) -> T:
        with self._store_lock:
            return fn()

    # -- endpoints -------------------------------------------------------------------------
    async def health(self, request: Request) -> Response:
        """Up, and whether the store answers (PostgreSQL reachable)."""
        try:
            await anyio.to_thread.run_sync(self._locked, self.store.repo.ping)
        except UserError:
            return JSONResponse({"status": "unavailable", "service": "hrd-field-intake",
                                 "backend": self.store.backend, "database": "unreachable"},
                                status_code=503)
        return JSONResponse({"status": "ok", "service": "hrd-field-intake",
                             "backend": self.store.backend, "database": "ok"})

    async def upload(self, request: Request) -> Response:
        try:
            length = int(request.headers["content-length"])
        except (KeyError, ValueError):
            return _error(411, "length_required", "Content-Length is required")
        if length > self.max_upload:
            return _error(413, "too_large", f"uploads are limited to {self.max_upload} bytes")
        auth = await self._authenticate(request, length)
        if isinstance(auth, Response):
            return auth
        device_key, sha = auth
        # No lock while receiving: a stalled connection must not hold up anyone. The same
        # bundle uploaded twice at once is imported once (imports take turns on the store,
        # the second finds a duplicate) and both get the one stored receipt.
        spooled = await self._receive(request, sha, length)
        if isinstance(spooled, Response):
            return spooled
        try:
            outcome, body = await anyio.to_thread.run_sync(self._import, spooled, device_key)
        finally:
            with contextlib.suppress(OSError):
                spooled.unlink()
        log.info("upload from %s: %s (bundle %s, sequence %s)", outcome.device or "?",
                 outcome.status, outcome.bundle_id, outcome.sequence)
        if body is None:
            return _error(STATUS_CODES.get(outcome.status, 422), outcome.status,
                          outcome.message)
        return Response(body, media_type=RECEIPT_TYPE)

    async def _receive(self, request: Request, sha: str, length: int) -> Path | Response:
        # Named after this process: several intake workers share the spool.
        final = self.spool / f"{os.getpid()}-{os.urandom(16).hex()}.hrdb"
        digest = hashlib.sha256()
        received = 0
        try:
            with atomic_file(final) as fh:
                chunks = request.stream().__aiter__()
                while True:
                    # A connection that goes silent (Wi-Fi drop, no FIN) must not hold this
                    # bundle's lock for ever: the device's retry would wait on it.
                    try:
                        with anyio.fail_after(self.read_timeout):
                            chunk = await chunks.__anext__()
                    except StopAsyncIteration:
                        break
                    except TimeoutError as exc:
                        raise _Reject(_error(408, "timeout", "the upload stalled")) from exc
                    received += len(chunk)
                    if received > length or received > self.max_upload:
                        raise _Reject(_error(413, "too_large", "body longer than declared"))
                    digest.update(chunk)
                    fh.write(chunk)
                if received != length:
                    raise _Reject(_error(400, "incomplete", "body shorter than declared"))
                if digest.hexdigest() != sha:
                    raise _Reject(_error(400, "hash_mismatch", "body does not match its hash"))
            return final
        except _Reject as reject:
            return reject.response
        except OSError as exc:  # the spool's disk (the embedded store's too) is full
            error = io_error(exc)
            if isinstance(error, DiskFull):
                raise StoreFull(str(error)) from exc
            raise

    def _import(self, path: Path, uploader: str) -> tuple[ImportOutcome, bytes | None]:
        """Import and answer in one turn on the store: the receipt does not queue again
        behind every other upload's import."""
        with self._store_lock:
            outcome = import_bundle(self.store, path, uploader=uploader)
            if outcome.status not in (IMPORTED, DUPLICATE):
                return outcome, None
            return outcome, self._receipt_for(outcome)

    def _receipt_for(self, outcome: ImportOutcome) -> bytes:
        """The receipt for an imported bundle (the first one made, if asked again)."""
        assert outcome.bundle_id and outcome.device_key and outcome.sequence is not None
        repo = self.store.repo
        known = repo.receipt(outcome.bundle_id, outcome.device_key)
        if known is not None:
            return known
        receipt = Receipt(outcome.bundle_id, outcome.device_key, outcome.sequence,
                          outcome.manifest_sha256 or "", IMPORTED, tuple(outcome.accepted),
                          utc_now())
        return repo.save_receipt(outcome.bundle_id, outcome.device_key, outcome.sequence,
                               receipt.sign(self.store.signing_key()))

    async def receipt(self, request: Request) -> Response:
        auth = await self._authenticate(request, 0)
        if isinstance(auth, Response):
            return auth
        device_key, _sha = auth
        bundle_id = request.path_params["bundle_id"]
        body = await anyio.to_thread.run_sync(
            self._locked, lambda: self.store.repo.receipt(bundle_id, device_key))
        if body is None:
            return _error(404, "not_found", "no receipt for this bundle")
        return Response(body, media_type=RECEIPT_TYPE)

    def app(self) -> Starlette:
        return Starlette(exception_handlers={StoreUnavailable: _unavailable,
                                             Exception: _unexpected}, routes=[
            Route("/v1/health", self.health, methods=["GET"]),
            Route("/v1/bundles", self.upload, methods=["POST"]),
            Route("/v1/receipts/{bundle_id}", self.receipt, methods=["GET"]),
        ])


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Last line: input no check foresaw gets a 400, a fault of HQ's a 500 — either way one
    log line with the exception's type (never its text: it may quote record content)."""
    hostile = isinstance(exc, ValueError | OverflowError | UnicodeError | RecursionError
                         | LookupError | TypeError)
    log.warning("%s on %s %s", type(exc).__name__, request.method, request.url.path)
    if hostile:
        return JSONResponse({"error": "bad_request", "message": "malformed request"},
                            status_code=400)
    return JSONResponse({"error": "internal", "message": "internal error"}, status_code=500)


def _alive(pid: str) -> bool:
    """Whether the process that wrote a spool file still runs (then it is still in use)."""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Reject(Exception):
    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


async def _unavailable(request: Request, exc: Exception) -> Response:
    """The database is away or full: nothing was imported; the device retries later (its
    bundle stays in its outbox) and gets the same receipt as if the first try had worked."""
    if isinstance(exc, StoreFull):
        log.warning("store full: %s %s refused", request.method, request.url.path)
        response = _error(503, "unavailable", "HQ has no space left to store this upload; "
                                              "nothing was kept, retry later")
        response.headers["Retry-After"] = str(RETRY_FULL)
        return response
    log.warning("store unavailable: %s", exc)
    response = _error(503, "unavailable", "HQ's database is unavailable; retry later")
    response.headers["Retry-After"] = str(RETRY_UNAVAILABLE)
    return response


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def _server(store: HqStore, host: str, port: int, *, base_url: str | None,
            tls_cert: Path | None, tls_key: Path | None, max_upload: int,
            rate: RateLimit | None = None) -> Any:
    import uvicorn

    scheme = "https" if tls_cert else "http"
    intake = Intake(store, base_url or f"{scheme}://{host}:{port}", max_upload=max_upload,
                    rate=RateLimit(rate.capacity, rate.per_second) if rate else None)
    config = uvicorn.Config(intake.app(), host=host, port=port, access_log=False,
                            log_level="warning", timeout_graceful_shutdown=5,
                            ssl_certfile=str(tls_cert) if tls_cert else None,
                            ssl_keyfile=str(tls_key) if tls_key else None,
                            **server_options())
    server = uvicorn.Server(config)
    # uvicorn re-raises SIGTERM/SIGINT after its shutdown, which would kill the process
    # before the store is closed; they are handled by the caller so its ``with`` closes it.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign, assignment]
    return server


def _run(server: Any, sockets: list[socket.socket] | None = None) -> None:
    def stop(*_args: object) -> None:
        server.should_exit = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run(sockets=sockets)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve(store: HqStore, host: str, port: int, *, base_url: str | None = None,
          tls_cert: Path | None = None, tls_key: Path | None = None,
          max_upload: int = DEFAULT_MAX_UPLOAD, sock: socket.socket | None = None,
          rate: RateLimit | None = None) -> None:
    """One intake process on an open store (the embedded store's only mode); on ``sock``
    if given (bound by the caller, so a port in use is reported before starting)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    _run(_server(store, host, port, base_url=base_url, tls_cert=tls_cert, tls_key=tls_key,
                 max_upload=max_upload, rate=rate), [sock] if sock is not None else None)


def _die_with_parent() -> None:
    """A worker must not outlive its supervisor (killed with SIGKILL, it cannot pass the
    signal on): Linux ends it then."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def serve_workers(open_store: Callable[[], HqStore], workers: int, host: str, port: int, *,
                  base_url: str | None = None, tls_cert: Path | None = None,
                  tls_key: Path | None = None, max_upload: int = DEFAULT_MAX_UPLOAD,
                  sock: socket.socket | None = None, rate: RateLimit | None = None) -> None:
    """``workers`` intake processes sharing one listening socket, each with its own store
    connection pool (PostgreSQL). The parent only supervises: a worker that dies is
    started again; SIGTERM or SIGINT stops them all gracefully.

    The per-device rate limit is counted in the database, shared by all workers.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    listener = sock if sock is not None else socket.create_server((host, port), backlog=2048)
    children: dict[int, int] = {}
    stopping = False

    def start(slot: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(sig, signal.SIG_DFL)
                _die_with_parent()
                with open_store() as store:
                    _run(_server(store, host, port, base_url=base_url, tls_cert=tls_cert,
                                 tls_key=tls_key, max_upload=max_upload, rate=rate),
                         [listener])
            except BaseException as exc:  # never return into the parent's code
                log.error("worker %d stopped: %s", slot, exc)
                code = 1
            finally:
                os._exit(code)
        children[pid] = slot

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for slot in range(workers):
            start(slot)
        restarts = 0
        while children:
            try:
                pid, _status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            slot = children.pop(pid, -1)
            if not stopping and slot >= 0 and restarts < 10 * workers:
                log.warning("worker %d exited; starting it again", slot)
                restarts += 1
                time.sleep(min(5.0, 0.2 * restarts))
                start(slot)
    finally:
        stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        listener.close()
