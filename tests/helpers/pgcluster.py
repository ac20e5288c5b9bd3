"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, started as an
unprivileged user in a temporary directory, listening on a Unix socket there and on a
free loopback port. No mocks: the HQ tests run against the real server."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("HRD_FIELD_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "postgres"


@dataclass
class Cluster:
    root: Path
    port: int
    run_as: str | None
    fsync: bool = False

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres", user: str = SUPERUSER) -> str:
        proc = subprocess.run([str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                               "-At", "-d", self.url(database, user), "-c", sql],
                              capture_output=True, text=True, timeout=60, check=False)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip())
        return proc.stdout

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        _run_as(self.run_as, [str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), "-m",
                              "immediate", "-w", "stop"])

    def start(self) -> None:
        _start(self.root, self.port, self.run_as, self.fsync)


def unavailable() -> str | None:
    """Why no cluster can be started here, or None."""
    for tool in ("initdb", "pg_ctl", "postgres", "psql"):
        if not (PG_BIN / tool).is_file():
            return f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install " \
                   "postgresql)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to drop privileges for the PostgreSQL server"
    return None


def unprivileged_user_blocked() -> str | None:
    """Why the unprivileged user cannot run the server binaries here (a root-only file
    system, as in a throwaway chroot made with a 0700 root), or None."""
    if os.geteuid() != 0:
        return None
    proc = subprocess.run(["runuser", "-u", "nobody", "--", str(PG_BIN / "postgres"),
                           "--version"], capture_output=True, text=True, timeout=60,
                          check=False, cwd="/")
    if proc.returncode != 0:
        return ("the unprivileged user 'nobody' cannot run the PostgreSQL server here: "
                + (proc.stderr.strip() or f"exit {proc.returncode}"))
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as(user: str | None, argv: list[str]) -> None:
    if user is not None:
        argv = ["runuser", "-u", user, "--", *argv]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False,
                          cwd="/")
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[-4:]} failed: {proc.stdout}\n{proc.stderr}")


def _start(root: Path, port: int, user: str | None, fsync: bool = False) -> None:
    # mmap: shared memory segments as files in the data directory, so the cluster starts
    # where /dev/shm is missing or root-only (chroots, some CI containers). fsync off for
    # the tests; a benchmark of durable imports turns it on.
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} " \
              f"-c fsync={'on' if fsync else 'off'} " \
              "-c max_connections=200 -c shared_buffers=32MB " \
              "-c dynamic_shared_memory_type=mmap"
    _run_as(user, [str(PG_BIN / "pg_ctl"), "-D", str(root / "data"), "-l",
                   str(root / "server.log"), "-o", options, "-w", "-t", "60", "start"])


def _reap(user: str | None) -> None:
    """Stop and remove clusters whose test session died without stopping them (killed
    runs): each cluster names the process that started it."""
    for old in Path(tempfile.gettempdir()).glob("hrd-pg-*"):
        try:
            owner = int((old / "owner.pid").read_text())
            os.kill(owner, 0)
            continue  # its session still runs
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge (no pid file yet, or unreadable)
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            if (old / "data" / "postmaster.pid").exists():
                _run_as(user, [str(PG_BIN / "pg_ctl"), "-D", str(old / "data"), "-m",
                               "immediate", "-w", "stop"])
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def cluster(*, fsync: bool = False) -> Iterator[Cluster]:
    user = "nobody" if os.geteuid() == 0 else None
    _reap(user)
    root = Path(tempfile.mkdtemp(prefix="hrd-pg-"))
    (root / "owner.pid").write_text(str(os.getpid()))
    os.chmod(root, 0o700)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    # trust on loopback: the cluster lives for one test session in a private directory
    _run_as(user, [str(PG_BIN / "initdb"), "-D", str(root / "data"), "-U", SUPERUSER,
                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
    _start(root, port, user, fsync)
    found = Cluster(root, port, user, fsync)
    try:
        yield found
    finally:
        with contextlib.suppress(RuntimeError):
            found.stop()
        shutil.rmtree(root, ignore_errors=True)
