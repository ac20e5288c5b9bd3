"""The SQLCipher connection: keyed with the raw data key, hardened pragmas, transactions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from ..core.errors import UserError
from ..core.i18n import _
from .fsutil import DiskFull

Error = sqlcipher3.Error
DatabaseError = sqlcipher3.DatabaseError


class NotThisVault(UserError):
    def __init__(self) -> None:
        super().__init__(_(
            "The database cannot be opened with this key file: it belongs to another vault "
            "or is damaged. Nothing was changed."))


class VaultBusy(UserError):
    """Another process holds the write turn longer than the busy timeout; nothing changed."""


def translate(exc: Exception) -> UserError:
    """Map SQLite failures to messages a user can act on."""
    text = str(exc).lower()
    if "full" in text or "disk i/o" in text:
        return DiskFull()
    if "not a database" in text or "malformed" in text:
        return NotThisVault()
    if "locked" in text or "busy" in text:
        return VaultBusy(_("The vault is busy; try again in a moment."))
    return UserError(_("The vault could not complete the operation ({kind}).").format(
        kind=type(exc).__name__))


class Database:
    """One connection owned by one thread; every write goes through ``transaction``."""

    def __init__(self, path: Path, key: bytes, *, create: bool = False):
        if not create and not path.exists():
            raise UserError(_("The vault database is missing: {path}").format(path=path))
        self.path = path
        self.conn: Any = sqlcipher3.connect(str(path), isolation_level=None,
                                            check_same_thread=False)
        try:
            self._key(key)
        except Exception:
            self.conn.close()
            raise

    def _key(self, key: bytes) -> None:
        c = self.conn
        c.execute("PRAGMA cipher_log_level = NONE")
        c.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        c.execute("PRAGMA cipher_memory_security = OFF")
        try:
            c.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise NotThisVault() from exc
        for pragma in (
            "journal_mode = WAL",
            "synchronous = FULL",  # a reported commit survives power loss, not only a crash
            "temp_store = MEMORY",  # no plaintext temp files
            "foreign_keys = ON",
            "secure_delete = ON",
            "busy_timeout = 2000",
            # Pages are decrypted into this cache: at the default 8 MiB a filtered list of a
            # 100k-record vault decrypted the same index pages again on every query (count
            # 10× plain SQLite); 64 MiB keeps the lists' indexes decrypted (measured 10× less).
            "cache_size = -65536",
        ):
            c.execute(f"PRAGMA {pragma}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        c = self.conn
        try:
            c.execute("BEGIN IMMEDIATE")
        except sqlcipher3.Error as exc:
            raise translate(exc) from exc
        try:
            yield c
            c.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlcipher3.Error):
                c.execute("ROLLBACK")
            if isinstance(exc, sqlcipher3.Error):
                raise translate(exc) from exc
            raise

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        try:
            return list(self.conn.execute(sql, params).fetchall())
        except sqlcipher3.Error as exc:
            raise translate(exc) from exc

    def backup_to(self, path: Path, key: bytes) -> None:
        """An online copy, consistent while others write, encrypted with ``key``."""
        dest = Database(path, key, create=True)
        try:
            self.conn.backup(dest.conn)
        except sqlcipher3.Error as exc:
            raise translate(exc) from exc
        finally:
            dest.close()

    def wait_for_writers(self, milliseconds: int) -> None:
        """How long a write waits for another process's write to end (shared HQ stores:
        the intake's imports and the analysts' changes take turns)."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")

    def checkpoint(self) -> None:
        with contextlib.suppress(sqlcipher3.Error):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with contextlib.suppress(sqlcipher3.Error):
            self.conn.close()
