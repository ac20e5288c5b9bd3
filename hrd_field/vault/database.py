"""The SQLCipher connection: keyed with the raw data key, hardened pragmas, transactions."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from ..core.errors import UserError
from ..core.i18n import _
from . import memwipe
from .fsutil import DiskFull, PermissionDenied, ReadOnlyMedia

Error = sqlcipher3.Error
DatabaseError = sqlcipher3.DatabaseError


class NotThisVault(UserError):
    def __init__(self) -> None:
        super().__init__(_(
            "The database cannot be opened with this key file: it belongs to another vault "
            "or is damaged. Nothing was changed."))


# SQLite's primary result codes (the low byte of an extended code): the code names the
# failure, whatever language or wording SQLite's message text uses.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_NOTADB = 26
# Below this much free space an I/O error while writing is the disk running full: SQLite
# reports a failed write of its shared-memory index or WAL as a plain I/O error.
LOW_SPACE_BYTES = 1 << 20


class VaultDamaged(UserError):
    def __init__(self, path: Path | str) -> None:
        super().__init__(_(
            "The vault database {path} is damaged. Run 'hrd-field vault check', keep a copy "
            "of the vault folder, and use 'hrd-field vault salvage' to rescue what can be "
            "read.").format(path=path))


class VaultBusy(UserError):
    """Another process holds the write turn longer than the busy timeout; nothing changed."""


class StorageError(UserError):
    """A storage failure that is not the data's fault: the disk, the media, permissions."""


def error_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def low_on_space(path: Path) -> bool:
    try:
        st = os.statvfs(path.parent)
    except (OSError, AttributeError):
        return False
    return st.f_bavail * st.f_frsize < LOW_SPACE_BYTES


def read_only_filesystem(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def read_only_media(path: Path) -> bool:
    """The vault folder cannot be written (read-only filesystem or permissions)."""
    return read_only_filesystem(path) or not os.access(path, os.W_OK)


def translate(exc: BaseException, path: Path | None = None) -> UserError:
    """Map an SQLite failure, by its result code, to a message a user can act on."""
    code = error_code(exc)
    where = str(path) if path is not None else _("the vault")
    if code == SQLITE_FULL or (code == SQLITE_IOERR and path is not None
                               and low_on_space(path)):
        return DiskFull()
    if code == SQLITE_READONLY:
        if path is not None and read_only_filesystem(path.parent):
            return ReadOnlyMedia(path.parent)
        if path is not None and not os.access(path.parent, os.W_OK):
            return PermissionDenied(path.parent, writing=True)
        return StorageError(_(
            "The vault database {path} is read-only: check the file's permissions. Records "
            "can still be read.").format(path=where))
    if code in (SQLITE_CANTOPEN, SQLITE_PERM):
        return StorageError(_(
            "The vault database {path} cannot be opened: check that the folder and its files "
            "exist and that this user may read and write them.").format(path=where))
    if code == SQLITE_IOERR:
        return StorageError(_(
            "The disk reported an input/output error while using {path}: the media may be "
            "failing. Copy the vault folder to another disk.").format(path=where))
    if code == SQLITE_NOTADB:
        return NotThisVault()
    if code == SQLITE_CORRUPT:
        return VaultDamaged(where)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return VaultBusy(_("The vault is busy; try again in a moment."))
    return UserError(_("The vault could not complete the operation ({kind}).").format(
        kind=type(exc).__name__))


class Database:
    """One connection owned by one thread; every write goes through ``transaction``.

    ``read_only`` opens the file without writing anything (a vault on write-protected
    media). On a disk too full for SQLite's shared-memory index the connection falls back
    to exclusive locking (the index in memory), so a full disk never blocks reading.
    """

    def __init__(self, path: Path, key: bytes | bytearray, *, create: bool = False,
                 read_only: bool = False):
        if not create and not path.exists():
            raise UserError(_("The vault database is missing: {path}").format(path=path))
        self.path = path
        self.read_only = read_only
        self.exclusive = False
        # Called after every commit (the vault records its high-water mark there).
        self.after_commit: Callable[[], None] | None = None
        try:
            self._connect(key)
        except sqlcipher3.Error as exc:
            code = error_code(exc)
            if read_only or create or code not in (SQLITE_FULL, SQLITE_IOERR):
                raise translate(exc, path) from exc
            self.exclusive = True  # no room for vault.db-shm: keep the index in memory
            try:
                self._connect(key)
            except sqlcipher3.Error as again:
                raise translate(again, path) from again

    def reconnect(self, key: bytes | bytearray) -> None:
        """A fresh connection to the same file. After one damaged page SQLCipher fails
        every later read on the connection, so a rescue reads on after reconnecting."""
        self.close()
        try:
            self._connect(key)
        except sqlcipher3.Error as exc:
            raise translate(exc, self.path) from exc

    def _connect(self, key: bytes | bytearray) -> None:
        target, uri = str(self.path), False
        if self.read_only:
            wal = self.path.with_name(self.path.name + "-wal")
            has_wal = wal.exists() and wal.stat().st_size > 0
            # Without a -shm file SQLite cannot share a WAL read-only; with no WAL content
            # the file alone is the whole database and can be read as immutable.
            target = self.path.resolve().as_uri() + ("?mode=ro" if has_wal else
                                                      "?immutable=1")
            uri = True
        self.conn: Any = sqlcipher3.connect(target, uri=uri, isolation_level=None,
                                            check_same_thread=False)
        try:
            self._key(key)
        except BaseException:
            self.conn.close()
            raise

    def _key(self, key: bytes | bytearray) -> None:
        c = self.conn
        c.execute("PRAGMA cipher_log_level = NONE")
        # SQLCipher overwrites the memory SQLite frees (decrypted pages, rows, index terms),
        # so a locked vault leaves none of it in the process. packaging/sqlcipher_build.py
        # says why this project's build does it without a system call per allocation.
        c.execute("PRAGMA cipher_memory_security = ON")
        # executescript, not execute: the statement cache would keep this text as a key.
        hex_key = key.hex()
        # One f-string: a chain of + would leave a freed, unwiped partial copy of the key.
        pragma = f"PRAGMA key = \"x'{hex_key}'\";"
        try:
            c.executescript(pragma)
        finally:
            memwipe.wipe(pragma)
            memwipe.wipe(hex_key)
        if self.exclusive:
            c.execute("PRAGMA locking_mode = EXCLUSIVE")
        try:
            c.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            if error_code(exc) == SQLITE_NOTADB:
                raise NotThisVault() from exc
            raise
        if self.read_only:
            c.execute("PRAGMA query_only = ON")
            c.execute("PRAGMA temp_store = MEMORY")
            return
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
            raise translate(exc, self.path) from exc
        try:
            yield c
            c.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlcipher3.Error):
                c.execute("ROLLBACK")
            if isinstance(exc, sqlcipher3.Error):
                raise translate(exc, self.path) from exc
            raise
        if self.after_commit is not None:
            self.after_commit()

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        try:
            return list(self.conn.execute(sql, params).fetchall())
        except sqlcipher3.Error as exc:
            raise translate(exc, self.path) from exc

    def backup_to(self, path: Path, key: bytes | bytearray) -> None:
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

    def interrupt(self) -> None:
        """Stop what this connection runs, from another thread. A connection its owner
        has closed meanwhile has nothing left to stop (the two can cross: a check that
        ends just as the vault locks)."""
        with contextlib.suppress(sqlcipher3.ProgrammingError):
            self.conn.interrupt()

    def close(self) -> None:
        with contextlib.suppress(sqlcipher3.Error):
            self.conn.close()
