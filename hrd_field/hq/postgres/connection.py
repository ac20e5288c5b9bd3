"""Reaching the HQ's PostgreSQL database: addresses for messages and tools, one direct
connection, claiming a database for a store, the pool every request borrows from (with the
schema and ownership check at start) and psycopg's errors as one-line user errors."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from ...core.errors import UserError
from ...core.i18n import _
from ...core.records import utc_now
from .. import pg_schema
from ..repository import StoreFull, StoreUnavailable
from ..sealing import Sealer

BACKEND = "postgresql"
CONNECT_TIMEOUT = 5
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def describe(url: str) -> str:
    """The database's address for messages, without any password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "?"
    host = info.get("host") or "localhost"
    return f"{info.get('user') or ''}{'@' if info.get('user') else ''}{host}:" \
           f"{info.get('port') or 5432}/{info.get('dbname') or ''}"


def for_tool(url: str) -> tuple[str, dict[str, str]]:
    """The address for a PostgreSQL command-line tool and its environment: a password
    goes in PGPASSWORD, never on a command line others can read in the process list."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": str(CONNECT_TIMEOUT)}
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return url, env
    password = info.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**{k: str(v) for k, v in info.items()}), env


def client_tool(name: str) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore)."""
    found = shutil.which(name) or (str(PG_BIN / name) if (PG_BIN / name).exists() else None)
    if found is None:
        raise UserError(_("{tool} is not installed (Debian package postgresql-client).")
                        .format(tool=name))
    return found


def unreachable(url: str, exc: BaseException | None = None) -> StoreUnavailable:
    detail = str(exc).strip().splitlines()[0] if exc and str(exc).strip() else ""
    return StoreUnavailable(_("Cannot reach the HQ database {db}{detail}. Check that the "
                              "server runs and the address, user and TLS settings.").format(
        db=describe(url), detail=f" ({detail})" if detail else ""))


def connect(url: str) -> psycopg.Connection[Any]:
    """One direct connection (init, migrations, checks)."""
    try:
        return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
    except psycopg.Error as exc:
        raise unreachable(url, exc) from exc


def claim(url: str, store_id: str) -> None:
    """Make the database this HQ's: create the schema and record the store's id. Refused if
    another HQ store already claimed it."""
    with connect(url) as conn:
        pg_schema.migrate(conn)
        with conn.transaction():
            conn.execute("LOCK TABLE hq_instance IN EXCLUSIVE MODE")
            row = conn.execute("SELECT store_id FROM hq_instance").fetchone()
            if row is not None and row[0] != store_id:
                raise UserError(_(
                    "The database {db} already belongs to another HQ store; one database "
                    "serves one HQ. Use a new database.").format(db=describe(url)))
            if row is None:
                conn.execute("INSERT INTO hq_instance (store_id, created_at) VALUES (%s, %s)",
                             (store_id, utc_now()))


def _translate(url: str, exc: psycopg.Error) -> UserError:
    # Before OperationalError, of which psycopg makes them a kind: a full disk is not an
    # unreachable server.
    if isinstance(exc, pg_errors.DiskFull | pg_errors.InsufficientResources):
        return StoreFull(_("The HQ database has no space left; nothing was changed."))
    if isinstance(exc, psycopg.OperationalError | PoolTimeout):
        return unreachable(url, exc)
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return UserError(_("The database role of this HQ process may not do this ({what}).")
                         .format(what=str(exc).strip().splitlines()[0]))
    if isinstance(exc, psycopg.ProgrammingError | psycopg.DataError):  # a query's fault
        return UserError(_("The HQ database refused the query: {why}").format(
            why=(str(exc).strip().splitlines() or ["?"])[0]))
    return UserError(_("The HQ database could not complete the operation ({kind}).").format(
        kind=type(exc).__name__))


_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?|%")


def portable_sql(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s`` (and a literal ``%`` doubled), outside
    quoted strings."""
    def swap(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.startswith("'"):  # a literal: keep its '?', double its '%'
            return token.replace("%", "%%")
        return {"?": "%s", "%": "%%"}.get(token, token)
    return _PLACEHOLDER.sub(swap, sql)


def id_list(ids: Iterable[str]) -> str:
    """Record ids as one text for ``string_to_array(%s, ',')``: psycopg formats a list
    parameter with a Python call per item (a bundle's ids: ~0.6 ms a list). Ids are checked
    UUIDs before they get here; one holding a comma is refused, never split."""
    items = list(ids)
    joined = ",".join(items)
    if items and joined.count(",") != len(items) - 1:
        raise ValueError("an id holds a comma")
    return joined


def scalar(conn: Any, sql: str, params: Any = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    if row is None:
        raise UserError(_("The HQ database returned no answer."))
    return row[0]


class Pooled:
    """A pool of connections to one HQ database whose schema is current and which belongs
    to this store; the base of every part of ``PostgresRepository``. ``max_connections``:
    the pool's size in this process (the intake's worker threads and the analysts' requests
    share it)."""

    backend = BACKEND

    def __init__(self, url: str, store_id: str, record_key: str, *, actor: str = "hq",
                 max_connections: int = 8):
        self.url = url
        self.sealer = Sealer(record_key)
        self.actor = actor
        self.pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=False,
                                   kwargs={"connect_timeout": CONNECT_TIMEOUT},
                                   timeout=30, name="hrd-field-hq")
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT + 2)
        except PoolTimeout as exc:
            self.pool.close()
            raise unreachable(url, exc) from exc
        try:
            self._check_instance(store_id)
        except BaseException:
            self.pool.close()
            raise

    def _check_instance(self, store_id: str) -> None:
        with self._conn() as conn:
            have = pg_schema.version(conn)
            if have < len(pg_schema.STEPS):
                if have == 0:
                    raise UserError(_("The database {db} holds no HQ store. Create one with "
                                      "'hrd-field hq init --database'.").format(
                        db=describe(self.url)))
                conn.commit()
                conn.autocommit = True
                try:
                    pg_schema.migrate(conn)
                finally:
                    conn.autocommit = False
            row = conn.execute("SELECT store_id FROM hq_instance").fetchone()
            if row is None or row[0] != store_id:
                raise UserError(_(
                    "The database {db} belongs to another HQ store than this one; one "
                    "database serves one HQ.").format(db=describe(self.url)))

    @contextlib.contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection in one transaction, committed at the end of the block."""
        try:
            with self.pool.connection() as conn:
                yield conn
        except psycopg.Error as exc:
            raise _translate(self.url, exc) from exc
        except PoolTimeout as exc:
            raise unreachable(self.url, exc) from exc

    def close(self) -> None:
        self.pool.close()

    def ping(self) -> None:
        with self._conn() as conn:
            conn.execute("SELECT 1")

    # -- writes shared by imports and casework --------------------------------------------------
    def audit(self, conn: Any, action: str, object_type: str = "", object_id: str = "") -> None:
        conn.execute("INSERT INTO hq_audit (at, actor, action, object_type, object_id) VALUES"
                     " (%s, %s, %s, %s, %s)", (utc_now(), self.actor, action, object_type,
                                               object_id))

    def alarm(self, conn: Any, kind: str, device_key: str, seq: int | None,
              detail: str) -> None:
        conn.execute("INSERT INTO hq_alarms (at, kind, device_key, seq, detail) VALUES"
                     " (%s, %s, %s, %s, %s)", (utc_now(), kind, device_key, seq, detail))
        self.audit(conn, f"hq.alarm.{kind}", "device", device_key)
