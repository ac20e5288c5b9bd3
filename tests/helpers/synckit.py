"""Helpers for the sync tests (import with ``from synckit import ...``).

Everything is real: SQLCipher stores and vaults in temporary directories, the intake served
by uvicorn in a subprocess (``hrd-field hq serve``, or ``intake_server.py`` when a test needs
a small rate limit), the ``hrd-field`` CLI in a subprocess, HTTP over loopback only.
A server is ready when ``/v1/health`` answers (polled with a deadline, never a fixed sleep).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import ipaddress
import json
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from helpers import PASSPHRASE
from helpers.cli import Result, cli_env, ok
from hrd_field.bundle.minisign import PublicKey, SigningKey
from hrd_field.bundle.profile import Policy
from hrd_field.bundle.upload_auth import sign_request
from hrd_field.core.records import Consent, ConsentScope, Consultation, Person, Record
from hrd_field.hq.store import HqStore
from hrd_field.sync.identity import device_key, enrol
from hrd_field.sync.outbox import SyncReport
from hrd_field.vault.vault import Vault

HERE = Path(__file__).resolve().parents[1] / "sync"
CUSTOM_SERVER = HERE / "intake_server.py"
LOOPBACK = "127.0.0.1"
READY_DEADLINE_S = 30.0
RECEIPT_TYPE = "application/vnd.hrd-field.receipt+json"

CANARY = "Zq8-sync-canary-Obadiah-5521"
"""Put in record text; must never be readable on the laptop after a purge."""

COUNTED = ("records", "hq_versions", "hq_bundles", "hq_receipts", "hq_quarantine",
           "hq_alarms", "attachments", "blobs", "blob_chunks")


# --- the CLI ---------------------------------------------------------------------------------


def hrd(*args: str | os.PathLike[str], timeout: float = 120) -> Result:
    """Run ``hrd-field ARGS`` (the caller passes --passphrase-file) and capture everything."""
    proc = subprocess.run([sys.executable, "-m", "hrd_field", *map(str, args)],
                          capture_output=True, env=cli_env(), timeout=timeout, check=False,
                          stdin=subprocess.DEVNULL)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


def failed(res: Result) -> Result:
    """Exit 1 with a message and no traceback."""
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr, res.stderr
    assert res.stderr.strip(), "a failure needs a message"
    return res


# --- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


class Server:
    """A server subprocess; ``start`` returns once ``/v1/health`` answers 200."""

    def __init__(self, argv: Sequence[str], health_url: str, log: Path, *,
                 verify: ssl.SSLContext | bool = True, env: dict[str, str] | None = None):
        self.env = {**cli_env(), **(env or {})}
        self.argv = list(argv)
        self.health_url = health_url
        self.log = log
        self.verify = verify
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, deadline_s: float = READY_DEADLINE_S) -> Server:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=self.env)
        deadline = time.monotonic() + deadline_s
        with httpx.Client(verify=self.verify, timeout=2) as client:
            while True:
                if self.proc.poll() is not None:
                    raise AssertionError(f"server exited ({self.proc.returncode}):\n"
                                         f"{self.output()}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(self.health_url).status_code == 200:
                        return self
                if time.monotonic() > deadline:
                    self.kill()
                    raise AssertionError(f"server not ready in {deadline_s} s:\n{self.output()}")
                time.sleep(0.02)  # polling interval, not a synchronisation

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def output(self) -> str:
        try:
            return self.log.read_text("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 15) -> int | None:
        """SIGTERM, then SIGKILL if it does not go; returns the exit status."""
        return self._end(signal.SIGTERM, timeout)

    def interrupt(self, timeout: float = 15) -> int | None:
        """SIGINT (Ctrl+C), then SIGKILL if it does not go."""
        return self._end(signal.SIGINT, timeout)

    def _end(self, sig: signal.Signals, timeout: float) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        return self.proc.returncode

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind, as on a power cut."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(15)

    def peak_rss_kib(self) -> int:
        """VmHWM of the running server process."""
        text = Path(f"/proc/{self.pid}/status").read_text()
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise AssertionError("no VmHWM")


# --- TLS -------------------------------------------------------------------------------------


def self_signed_cert(directory: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"hrd intake {name}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address(LOOPBACK)), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(key_path, 0o600)
    return cert_path, key_path


def pinned(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cadata=cert.read_text("ascii"))


# --- records ---------------------------------------------------------------------------------


def consent(*, obtained: bool = True, hq: bool = True, identity: bool = True) -> Consent:
    return Consent(obtained=obtained, method="verbal" if obtained else None,
                   date="2025-03-01" if obtained else None,
                   scope=ConsentScope(share_with_hq=hq and obtained,
                                      share_identity_with_hq=identity and hq and obtained))


def person(alias: str, *, notes: str = "", hq: bool = True) -> Person:
    return Person(alias=alias, notes=notes, status="final", consent=consent(hq=hq))


def consultation(summary: str) -> Consultation:
    return Consultation(summary=summary, date="2025-02-11", status="final", consent=consent())


# --- HQ and field devices -------------------------------------------------------------------


@dataclass
class Hq:
    """An HQ store in ``root`` and the intake servers started for it (stopped by the fixture
    that made it)."""

    root: Path
    port: int
    passfile: Path
    public_key: PublicKey
    scheme: str = "http"
    servers: list[Server] = field(default_factory=list)

    @classmethod
    def create(cls, root: Path, *, organisation: str = "HQ (sync tests)",
               database: str | None = None) -> Hq:
        """``database``: a PostgreSQL URL for a PostgreSQL-backed HQ (None: embedded)."""
        root.mkdir(parents=True, exist_ok=True)
        passfile = root / "passphrase.txt"
        passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
        with HqStore.init(root / "store", PASSPHRASE, organisation,
                          database=database) as store:
            key = store.signing_key().public_key()
        return cls(root, free_port(), passfile, key)

    @property
    def store_dir(self) -> Path:
        return self.root / "store"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{LOOPBACK}:{self.port}"

    @property
    def spool(self) -> Path:
        return self.store_dir / "spool"

    def spool_files(self) -> list[str]:
        return sorted(p.name for p in self.spool.iterdir()) if self.spool.exists() else []

    def quarantine_files(self) -> list[str]:
        q = self.store_dir / "quarantine"
        return sorted(p.name for p in q.iterdir()) if q.exists() else []

    def store(self) -> HqStore:
        return HqStore.open(self.store_dir, PASSPHRASE)

    def hrd(self, *args: str | os.PathLike[str], timeout: float = 120) -> Result:
        return hrd(*args, "--store", self.store_dir, "--passphrase-file", self.passfile,
                   timeout=timeout)

    def profile(self, *, delete_after_receipt: bool = False, tls_cert: Path | None = None,
                url: str | None = None, name: str = "profile.hrdprofile",
                cli: bool = False) -> Path:
        """The signed profile devices enrol with: ``hrd-field hq profile`` with ``cli``,
        else the same through ``HqStore.profile`` in-process (faster)."""
        out = self.root / name
        url = url if url is not None else self.url
        if cli:
            args: list[str | os.PathLike[str]] = ["hq", "profile", "--out", out, "--url", url]
            if delete_after_receipt:
                args.append("--delete-after-receipt")
            if tls_cert is not None:
                args += ["--tls-cert", tls_cert]
            ok(self.hrd(*args))
            return out
        with self.store() as store:
            profile = store.profile(intake_url=url, tls_cert=tls_cert,
                                    policy=Policy(delete_after_receipt=delete_after_receipt))
            out.write_bytes(profile.sign(store.signing_key()))
        return out

    def register(self, name: str, public_key: str, *, cli: bool = False) -> None:
        if cli:
            ok(self.hrd("hq", "device", "add", public_key, "--name", name))
            return
        with self.store() as store:
            store.repo.add_device(name, public_key)

    def revoke(self, name: str, *, cli: bool = False) -> None:
        if cli:
            ok(self.hrd("hq", "device", "revoke", name))
            return
        with self.store() as store:
            store.repo.revoke_device(name, None)

    def _launch(self, argv: list[str], verify: ssl.SSLContext | bool,
                env: dict[str, str] | None = None) -> Server:
        log = self.root / f"server-{len(self.servers)}.log"
        server = Server(argv, f"{self.url}/v1/health", log, verify=verify, env=env)
        self.servers.append(server)
        return server.start()

    def serve(self, *, tls: tuple[Path, Path] | None = None, max_upload: int | None = None,
              url: str | None = None, verify: ssl.SSLContext | bool | None = None,
              extra: Sequence[str] = (), env: dict[str, str] | None = None) -> Server:
        """``hrd-field hq serve`` on loopback; ``url`` is the public URL devices sign;
        ``extra``: more options (``--workers N``, ``--database URL``); ``env``: more
        environment (e.g. a locale)."""
        argv = [sys.executable, "-m", "hrd_field", "hq", "serve", "--store",
                str(self.store_dir), "--passphrase-file", str(self.passfile),
                "--host", LOOPBACK, "--port", str(self.port), *extra]
        if url is not None:
            argv += ["--url", url]
        if max_upload is not None:
            argv += ["--max-upload", str(max_upload)]
        if tls is not None:
            argv += ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])]
        return self._launch(argv, verify if verify is not None else
                            (pinned(tls[0]) if tls else True), env)

    def serve_custom(self, *, capacity: float = 60.0, per_second: float = 2.0,
                     max_upload: int | None = None,
                     read_timeout: float | None = None) -> Server:
        """``Intake(store, url, rate=RateLimit(capacity, per_second), ...).app()`` under
        uvicorn."""
        argv = [sys.executable, str(CUSTOM_SERVER), "--store", str(self.store_dir),
                "--passphrase-file", str(self.passfile), "--port", str(self.port),
                "--url", self.url, "--capacity", str(capacity), "--per-second",
                str(per_second)]
        if max_upload is not None:
            argv += ["--max-upload", str(max_upload)]
        if read_timeout is not None:
            argv += ["--read-timeout", str(read_timeout)]
        return self._launch(argv, True)

    def stop_all(self) -> None:
        for server in self.servers:
            with contextlib.suppress(Exception):
                server.stop()
            server.kill()

    def snapshot(self) -> dict[str, int]:
        """Row counts of everything an upload could touch (the servers must be stopped)."""
        with self.store() as store:
            return snapshot(store)


def snapshot(store: HqStore) -> dict[str, int]:
    if store.vault is None:
        c = store.repo.counts()
        return {"records": c["records"] + c["tombstones"], "hq_versions": c["versions"],
                "hq_bundles": c["bundles"], "hq_receipts": c["receipts"],
                "hq_quarantine": c["quarantine"], "attachments": c["attachments"],
                "hq_alarms": c["alarms"]}
    db = store.vault.db
    return {t: int(db.query(f"SELECT count(*) FROM {t}")[0][0]) for t in COUNTED}


@dataclass
class Device:
    """A field vault enrolled with an HQ (closed; ``vault()`` opens it)."""

    name: str
    vault_dir: Path
    passfile: Path
    key: SigningKey

    @classmethod
    def create(cls, root: Path, name: str, profile: Path | None, *,
               records: Iterable[Record] = ()) -> Device:
        """A new vault; enrolled in-process with ``profile`` unless None."""
        root.mkdir(parents=True, exist_ok=True)
        passfile = root / f"{name}.pass"
        passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
        vault_dir = root / f"field-{name}"
        with Vault.create(vault_dir, PASSPHRASE) as vault:
            if profile is not None:
                enrol(vault, profile.read_bytes())
            key = device_key(vault)
            batch = list(records)
            if batch:
                vault.records.create_many(batch)
        return cls(name, vault_dir, passfile, key)

    @property
    def public(self) -> str:
        return self.key.public_key().to_base64()

    @property
    def outbox(self) -> Path:
        return self.vault_dir / "outbox"

    def outbox_files(self) -> list[str]:
        return sorted(p.name for p in self.outbox.iterdir()) if self.outbox.exists() else []

    def cloned(self, clone_dir: Path) -> Device:
        """A seized laptop copied: the same vault and device key, in ``clone_dir``."""
        shutil.copytree(self.vault_dir, clone_dir)
        return Device("clone", clone_dir, self.passfile, self.key)

    def vault(self) -> Vault:
        return Vault.unlock(self.vault_dir, PASSPHRASE)

    def hrd(self, *args: str | os.PathLike[str], timeout: float = 120) -> Result:
        return hrd(*args, "--vault", self.vault_dir, "--passphrase-file", self.passfile,
                   timeout=timeout)

    def sync(self, *args: str, timeout: float = 120) -> Result:
        return self.hrd("sync", *args, timeout=timeout)

    def add_attachment(self, record_id: str, data_file: Path) -> str:
        with self.vault() as vault, open(data_file, "rb") as fh:
            return vault.add_attachment(record_id, fh, filename=data_file.name,
                                        media_type="video/mp4").sha256

    def sync_in_process(self, url: str | None = None, *,
                        export: bool = True) -> SyncReport:
        """``sync_once`` with the product's ``IntakeClient`` (real HTTP), in this process."""
        from hrd_field.sync.client import IntakeClient
        from hrd_field.sync.identity import enrolled_profile
        from hrd_field.sync.outbox import sync_once

        with self.vault() as vault, IntakeClient(enrolled_profile(vault), device_key(vault),
                                                 url) as client:
            return sync_once(vault, client, export_first=export)

    def fill_outbox(self) -> list[tuple[int, str, Path]]:
        """Export what changed into the outbox, in-process: (seq, bundle id, file)."""
        from hrd_field.sync.outbox import fill_outbox

        with self.vault() as vault:
            fill_outbox(vault)
            return [(i.seq, i.bundle_id, self.outbox / i.file_name)
                    for i in vault.exports.waiting()]


def random_file(path: Path, size: int) -> Path:
    """``size`` incompressible bytes, written in 1 MiB steps."""
    with open(path, "wb") as fh:
        left = size
        while left:
            n = min(left, 1 << 20)
            fh.write(os.urandom(n))
            left -= n
    return path


# --- requests ----------------------------------------------------------------------------------


def signed_headers(key: SigningKey, method: str, url: str, body: bytes, *,
                   now: float | None = None) -> dict[str, str]:
    headers = sign_request(key, method, url, hashlib.sha256(body).hexdigest(), len(body),
                           now=now)
    headers["content-length"] = str(len(body))
    return headers


def post_bundle(base_url: str, key: SigningKey, body: bytes, *, now: float | None = None,
                send: bytes | None = None, verify: ssl.SSLContext | bool = True,
                timeout: float = 60) -> httpx.Response:
    """POST /v1/bundles signed for ``body``; ``send`` (same length) goes on the wire instead."""
    url = base_url + "/v1/bundles"
    headers = signed_headers(key, "POST", url, body, now=now)
    with httpx.Client(verify=verify, timeout=timeout) as client:
        return client.post(url, headers=headers, content=body if send is None else send)


def get_receipt(base_url: str, key: SigningKey, bundle_id: str, *,
                verify: ssl.SSLContext | bool = True) -> httpx.Response:
    url = f"{base_url}/v1/receipts/{bundle_id}"
    headers = signed_headers(key, "GET", url, b"")
    del headers["content-length"]
    with httpx.Client(verify=verify, timeout=30) as client:
        return client.get(url, headers=headers)


def raw_exchange(port: int, head: bytes, body: bytes = b"", *, timeout: float = 10) -> tuple[
        int, dict[str, str], bytes]:
    """Send ``head`` (and ``body``) on a plain socket; read one response. Returns (status,
    headers, body) without ever sending more than given."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as s:
        s.sendall(head + body)
        return read_response(s)


def read_response(s: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response (Content-Length framed) from a plain socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a response: {data!r}")
        data += chunk
    raw_head, rest = data.split(b"\r\n\r\n", 1)
    lines = raw_head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip()
               for k, v in (line.split(":", 1) for line in lines[1:])}
    want = int(headers.get("content-length", "0"))
    while len(rest) < want:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest


# --- a TCP proxy that cuts or slows connections --------------------------------------------------


class Proxy:
    """Forwards 127.0.0.1:port to an upstream port on loopback.

    ``cut_after``: per connection, after this many bytes from the client, both sides are
    reset (RST), as when the network goes away mid-upload. ``rate``: bytes per second from
    the client (to make an upload last long enough to be interrupted). Both may change at
    any time; None means plain forwarding.
    """

    def __init__(self, upstream_port: int, *, cut_after: int | None = None,
                 rate: float | None = None):
        self.upstream_port = upstream_port
        self.cut_after = cut_after
        self.rate = rate
        self.cuts = 0
        self.connections = 0
        self._listener = socket.create_server((LOOPBACK, 0))
        self.port = int(self._listener.getsockname()[1])
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _addr = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection((LOOPBACK, self.upstream_port), timeout=10)
            except OSError:
                _reset(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self.connections += 1
                self._open.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream, True),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False),
                             daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, upload: bool) -> None:
        """Bytes from ``source`` to ``sink``; the upload (client to server) direction is
        the one cut after ``cut_after`` bytes and throttled to ``rate``."""
        sent = 0
        start = time.monotonic()
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    with contextlib.suppress(OSError):
                        sink.shutdown(socket.SHUT_WR)
                    return
                cut = self.cut_after if upload else None
                if cut is not None and sent + len(data) >= cut:
                    sink.sendall(data[:max(0, cut - sent)])
                    with self._lock:
                        self.cuts += 1
                    _reset(source)
                    _reset(sink)
                    return
                sink.sendall(data)
                sent += len(data)
                rate = self.rate if upload else None
                if rate:
                    ahead = sent / rate - (time.monotonic() - start)
                    if ahead > 0:
                        time.sleep(ahead)  # throttling the stream, not synchronising
        except OSError:
            _reset(source)
            _reset(sink)

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for s in list(self._open):
                _reset(s)
            self._open.clear()


def _reset(s: socket.socket) -> None:
    """Abort a connection with RST. ``shutdown`` first: on Linux, closing a socket that
    another thread is blocked reading does nothing until that read returns."""
    with contextlib.suppress(OSError):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        s.close()


# --- waiting for something that a server does -----------------------------------------------


def wait_for(predicate: Callable[[], Any], deadline_s: float, what: str,
             interval: float = 0.001) -> Any:
    """Poll ``predicate`` until it returns something truthy, or fail after the deadline."""
    deadline = time.monotonic() + deadline_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def minimal_yaml(text: str) -> Any:
    """Parse the YAML subset docs/intake-openapi.yaml is written in, when PyYAML is absent:
    block mappings and sequences (``- `` items, also holding mappings), plain, single- and
    double-quoted scalars, ``|`` literal blocks, flow lists of plain words (``[a, b]``),
    ``{}``/``[]``, and comments on their own line. Anything else raises ValueError."""
    # (indent, line, comment?) per line; indent -1 for a blank line
    lines: list[tuple[int, str, bool]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            lines.append((-1, line, False))
            continue
        if "\t" in line[: len(line) - len(line.lstrip())]:
            raise ValueError("tabs in indentation")
        comment = stripped.startswith("#") or stripped == "---"
        lines.append((len(line) - len(line.lstrip(" ")), line, comment))
    pos = 0

    def skip_blank() -> None:
        nonlocal pos
        while pos < len(lines) and (lines[pos][0] < 0 or lines[pos][2]):
            pos += 1

    def literal(indent: int) -> str:
        """A ``|`` block: every line indented past ``indent`` (a '#' there is text)."""
        nonlocal pos
        out: list[str] = []
        block_indent: int | None = None
        while pos < len(lines):
            ind, line, _comment = lines[pos]
            if 0 <= ind <= indent:
                break
            if ind < 0:
                out.append("")
            else:
                if block_indent is None:
                    block_indent = ind
                if ind < block_indent:
                    raise ValueError(f"literal block dedented: {line!r}")
                out.append(line[block_indent:])
            pos += 1
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n"

    def scalar(value: str) -> Any:
        value = value.strip()
        if value.startswith('"'):
            return json.loads(value)
        if value.startswith("'"):
            if not value.endswith("'"):
                raise ValueError(f"unterminated string: {value}")
            return value[1:-1].replace("''", "'")
        if value == "{}":
            return {}
        if value.startswith("["):
            if not value.endswith("]"):
                raise ValueError(f"unterminated list: {value}")
            inner = value[1:-1].strip()
            return [scalar(v) for v in inner.split(",")] if inner else []
        if " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if value in ("true", "false"):
            return value == "true"
        if value in ("null", "~"):
            return None
        for conv in (int, float):
            try:
                return conv(value)
            except ValueError:
                pass
        if value[:1] in "{&*!%@`" or ": " in value:
            raise ValueError(f"unsupported YAML: {value}")
        return value

    def value_after(rest: str, indent: int) -> Any:
        nonlocal pos
        rest = rest.strip()
        if rest in ("|", "|-", "|+"):
            text = literal(indent)
            return text.rstrip("\n") if rest == "|-" else text
        if rest:
            return scalar(rest)
        skip_blank()
        if pos < len(lines) and lines[pos][0] > indent:
            return block(lines[pos][0])
        if pos < len(lines) and lines[pos][0] == indent and \
                lines[pos][1].strip().startswith("- "):
            return block(indent)
        return None

    def split_key(content: str) -> tuple[str, str] | None:
        if content.startswith(('"', "'")):
            q = content[0]
            end = content.index(q, 1)
            key, after = content[1:end], content[end + 1:]
            if not after.startswith(":"):
                return None
            return key, after[1:]
        if ":" not in content:
            return None
        key, _sep, rest = content.partition(":")
        if rest and not rest.startswith(" "):
            return None
        return key.strip(), rest

    def mapping_from(indent: int, first: tuple[str, str] | None) -> dict[str, Any]:
        nonlocal pos
        out: dict[str, Any] = {}
        if first is not None:
            key, rest = first
            out[key] = value_after(rest, indent)
        while True:
            skip_blank()
            if pos >= len(lines) or lines[pos][0] != indent:
                if pos < len(lines) and lines[pos][0] > indent:
                    raise ValueError(f"bad indentation: {lines[pos][1]!r}")
                return out
            content = lines[pos][1].strip()
            if content.startswith("- "):
                return out
            kv = split_key(content)
            if kv is None:
                raise ValueError(f"expected key: {content!r}")
            if kv[0] in out:
                raise ValueError(f"duplicate key {kv[0]!r}")
            pos += 1
            out[kv[0]] = value_after(kv[1], indent)

    def block(indent: int) -> Any:
        nonlocal pos
        skip_blank()
        content = lines[pos][1].strip()
        if content.startswith("- ") or content == "-":
            items: list[Any] = []
            while True:
                skip_blank()
                if pos >= len(lines) or lines[pos][0] != indent:
                    return items
                content = lines[pos][1].strip()
                if not (content.startswith("- ") or content == "-"):
                    return items
                item = content[2:].strip()
                pos += 1
                kv = split_key(item) if item else None
                if kv is not None:  # "- key: value" opens a mapping indented past "- "
                    items.append(mapping_from(indent + 2, kv))
                elif item:
                    items.append(scalar(item))
                else:
                    items.append(value_after("", indent))
        return mapping_from(indent, None)

    skip_blank()
    result = block(lines[pos][0])
    skip_blank()
    if pos != len(lines):
        raise ValueError(f"unparsed: {lines[pos][1]!r}")
    return result


# --- a fake intake that answers what the test says ----------------------------------------------


class FakeIntake:
    """An HTTP server on loopback (in a thread) that pretends to be HQ: it reads every
    upload and answers 200 with ``answer`` as if it were a receipt."""

    def __init__(self, answer: bytes = b"") -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        fake = self
        self.answer = answer
        self.uploads: list[int] = []

        class Handler(BaseHTTPRequestHandler):
            def _reply(self) -> None:
                body = fake.answer
                self.send_response(200)
                self.send_header("Content-Type", RECEIPT_TYPE)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                left = int(self.headers.get("Content-Length", "0"))
                size = 0
                while left:
                    chunk = self.rfile.read(min(left, 1 << 16))
                    if not chunk:
                        break
                    left -= len(chunk)
                    size += len(chunk)
                fake.uploads.append(size)
                self._reply()

            def do_GET(self) -> None:
                self._reply()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
