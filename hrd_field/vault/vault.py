"""The vault: create, unlock, lock, change passphrase, check, crypto-erase.

Files in the vault directory (mode 0700, files 0600):
  vault.key       the key file (wrapped data key; the only secret-bearing file in clear)
  vault.db[-wal]  the SQLCipher database, encrypted page by page with the data key
  vault.hwm       the high-water mark: the audit chain head at the last commit (encrypted)
  vault.open      present while open: found at unlock, it means an unclean shutdown
  vault.init      present only while 'vault init' runs: found later, init was interrupted
  files/          attachments, each sealed under its own key kept in the database
The directory itself is locked (flock) while a process has the vault open.
  unlock-failures the count of consecutive wrong passphrases and its MAC (vault/throttle.py)

Reading the key file, cleaning up after an interrupted init and crypto-erase are in
``vault.folder``; the integrity checks in ``vault.integrity``.
"""

from __future__ import annotations

import contextlib
import getpass
import io
import os
import time
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..core import passphrase as passphrase_rule
from ..core.errors import UserError
from ..core.faults import crash_point
from ..core.i18n import _
from ..core.records import AttachmentRef, utc_now
from . import attachments, audit, highwater, memwipe, migrations, throttle
from . import stream as stream_cipher
from .database import Database, DatabaseError, NotThisVault, read_only_media, translate
from .folder import (
    IncompleteVault,
    erase_files,
    read_keyfile,
    remove_incomplete,
    remove_key_leftovers,
    require_vault,
    wipe,
)
from .fsutil import (
    DiskFull,
    atomic_write,
    backup_directory,
    fsync_dir,
    io_error,
)
from .highwater import HighWater
from .hq_casework import CaseworkTables
from .hq_tables import HqTables
from .integrity import (
    CheckInterrupted,
    CheckReport,
    VaultCorrupt,
    check_database,
    check_high_water,
)
from .keyslots import KeyFile, WrongPassphrase, new_keyfile
from .ledger import ExportLedger
from .lock import ProcessLock
from .paths import VaultPaths
from .repository import RecordStore, drop_unreferenced_attachments

__all__ = ["DERIVED_VERSION", "CheckInterrupted", "CheckReport", "IncompleteVault", "Vault",
           "VaultCorrupt", "require_vault", "wipe"]

# Bumped when the columns derived from record bodies (titles, …) change meaning; opening an
# older vault recomputes them.
DERIVED_VERSION = "3"


class Vault:
    """An unlocked vault. Create with ``Vault.create`` or ``Vault.unlock``; ``close`` locks.

    ``read_only`` is set for a vault on write-protected media (it reads and exports, and
    says so when asked to write); ``inspecting`` for a vault opened only to be checked or
    salvaged (nothing is written, the unclean-shutdown marker stays).
    """

    def __init__(self, paths: VaultPaths, keyfile: KeyFile, data_key: bytes, db: Database,
                 lock: ProcessLock, actor: str, unclean: bool, *, inspecting: bool = False):
        self.paths = paths
        self._keyfile = keyfile
        # Its key is derived before the bytes the key slot gave are zeroed (derived after,
        # it came from zeros: a mark anyone could read and forge).
        self._high_water = HighWater(paths.high_water, data_key, keyfile.vault_id)
        # A buffer we can overwrite on lock; the bytes the key slot gave are zeroed now.
        self._data_key = bytearray(data_key)
        memwipe.wipe(data_key)
        self.db = db
        self._lock = lock
        self.actor = actor
        self.unclean_shutdown = unclean
        self.inspecting = inspecting
        self.read_only = db.read_only or inspecting
        self.shared = False
        self.others_present = False
        """Opened ``shared`` while another process had it open (see ``unlock``)."""
        self._stored_files = False
        self.files = attachments.FileStore(paths.files)
        self.records = RecordStore(db, actor)
        self.exports = ExportLedger(db, actor)
        self.hq = HqTables(db, self.records, actor)
        self.casework = CaseworkTables(db, actor)

    def _record_high_water(self) -> None:
        with contextlib.suppress(OSError, DatabaseError):  # the mark may only lag, never lead
            mark = highwater.head(self.db.conn)
            if mark is not None:
                self._high_water.write(mark)

    # -- lifecycle -----------------------------------------------------------------------
    @classmethod
    def create(cls, root: Path, passphrase: str, *, actor: str | None = None) -> Vault:
        paths = VaultPaths(root)
        try:
            found = (paths.keyfile.exists() or paths.database.exists()) \
                and not paths.init_marker.exists()  # an interrupted init starts over below
        except OSError as exc:  # a folder this user may not even look into
            raise io_error(exc) from exc
        if found:
            raise UserError(_("A vault already exists in {path}.").format(path=root))
        passphrase_rule.check(passphrase)
        os.umask(0o077)
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(root, 0o700)  # an existing folder keeps its mode otherwise
        except OSError as exc:
            raise io_error(exc) from exc
        lock = ProcessLock(paths.root)
        lock.acquire()
        try:
            if paths.init_marker.exists():  # an earlier init died: it never held a record
                remove_incomplete(paths)
            if paths.keyfile.exists() or paths.database.exists():
                raise UserError(_("A vault already exists in {path}.").format(path=root))
            # The marker goes first and leaves last: whatever a crash leaves in between is
            # recognised as an interrupted init, never as a vault that lost its key file.
            try:
                atomic_write(paths.init_marker, b"")
            except OSError as exc:  # a folder this user may not write to
                raise io_error(exc) from exc
            crash_point("init.marker")
            keyfile, data_key = new_keyfile(passphrase)
        except BaseException:
            lock.release()
            raise
        db: Database | None = None
        try:
            db = Database(paths.database, data_key, create=True)
            migrations.migrate(db.conn)
            crash_point("init.database")
            actor = actor or _default_actor()
            with db.transaction() as c:
                c.execute("INSERT INTO meta (key, value) VALUES ('vault_id', ?)",
                          (keyfile.vault_id,))
                c.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?)", (utc_now(),))
                c.execute("INSERT INTO meta (key, value) VALUES ('owner', ?)", (actor,))
                c.execute("INSERT INTO meta (key, value) VALUES ('derived_version', ?)",
                          (DERIVED_VERSION,))
                c.execute("INSERT INTO meta (key, value) VALUES ('device_signing_seed', ?)",
                          (os.urandom(32).hex(),))
                audit.append(c, actor, "vault.create")
            atomic_write(paths.keyfile, keyfile.to_bytes())
            crash_point("init.keyfile")
            paths.dirty_marker.touch(mode=0o600)
            paths.init_marker.unlink()
            fsync_dir(paths.root)
            throttle.reset(paths.throttle, keyfile.vault_id)
        except BaseException:
            if db is not None:
                db.close()
            remove_incomplete(paths)
            lock.release()
            raise
        vault = cls(paths, keyfile, data_key, db, lock, actor, unclean=False)
        vault._record_high_water()
        db.after_commit = vault._record_high_water
        return vault

    @classmethod
    def unlock(cls, root: Path, passphrase: str, *, refuse_if_damaged: bool = True,
               inspect: bool = False, shared: bool = False,
               defer_check: bool = False,
               on_upgrade: Callable[[], None] | None = None,
               kind: Callable[[str | None], None] | None = None) -> Vault:
        """Open the vault; after an unclean shutdown it is checked first, and refused if
        damaged unless ``refuse_if_damaged`` is False. ``inspect`` opens it for ``check``
        and ``salvage`` only: even a damaged vault opens, and nothing is written to it.

        ``defer_check``: after an unclean shutdown, open at once and leave the page-by-page
        check to :meth:`check_snapshot`, run by the caller beside the work (the app does,
        and says so); ``check_pending`` tells whether it still has to run.

        ``shared``: other processes may have it open at the same time (an HQ store: the
        intake writes while analysts read; SQLite's WAL lets readers go on while one
        writes). The first opener does the after-crash check; ``others_present`` tells a
        later one that what it reads may change under it.

        ``on_upgrade`` is called (on the calling thread) just before the schema of a vault
        made by an older release is upgraded, which may take a while once: the caller says
        so to the person waiting.

        ``kind`` is called with the vault's ``role`` (``meta``; None for a field vault) once
        the key has opened it and before anything is written to it (no check, migration,
        leftover removal or audit entry); it raises to refuse, and the vault is left as it
        was. Every release kept ``meta``, so this holds for vaults of any schema version."""
        paths = VaultPaths(root)
        keyfile = read_keyfile(paths)
        lock = ProcessLock(paths.root)
        if shared:
            alone = lock.acquire_shared()
        else:
            lock.acquire()
            alone = True
        try:
            try:
                data_key = keyfile.unwrap(passphrase)
            except WrongPassphrase:
                time.sleep(throttle.record_failure(paths.throttle, keyfile.vault_id))
                raise
            vault = cls._open(paths, keyfile, data_key, lock,
                              refuse_if_damaged and not inspect, inspect=inspect,
                              others=not alone, defer_check=defer_check,
                              on_upgrade=on_upgrade, kind=kind)
            throttle.reset(paths.throttle, keyfile.vault_id)  # only once it really opened
        except BaseException:
            lock.release()
            raise
        vault.shared = shared
        if shared:
            lock.share()
        return vault

    @classmethod
    def unlock_with_recovery(cls, root: Path, identity: str, new_passphrase: str, *,
                             on_upgrade: Callable[[], None] | None = None,
                             kind: Callable[[str | None], None] | None = None) -> Vault:
        passphrase_rule.check(new_passphrase)  # before opening: a refusal leaves it closed
        paths = VaultPaths(root)
        keyfile = read_keyfile(paths)
        lock = ProcessLock(paths.root)
        lock.acquire()
        try:
            data_key = keyfile.unwrap_recovery(identity)
            vault = cls._open(paths, keyfile, data_key, lock, on_upgrade=on_upgrade,
                              kind=kind)
        except BaseException:
            lock.release()
            raise
        vault.change_passphrase(new_passphrase)
        return vault

    @classmethod
    def _open(cls, paths: VaultPaths, keyfile: KeyFile, data_key: bytes,
              lock: ProcessLock, refuse_if_damaged: bool = True, *,
              inspect: bool = False, others: bool = False,
              defer_check: bool = False,
              on_upgrade: Callable[[], None] | None = None,
              kind: Callable[[str | None], None] | None = None) -> Vault:
        try:
            size = paths.database.stat().st_size
        except FileNotFoundError:
            raise VaultCorrupt(_(
                "The vault database {path} is missing. Nothing was created in its place.")
                .format(path=paths.database)) from None
        except OSError as exc:
            raise io_error(exc, writing=False) from exc
        if size == 0:
            raise VaultCorrupt(_(
                "The vault database {path} is empty (0 bytes): its content was lost, for "
                "example by a failing disk or a copy that did not finish. Restore the vault "
                "folder from a backup; nothing was changed.").format(path=paths.database))
        read_only = read_only_media(paths.root)
        db = Database(paths.database, data_key, read_only=read_only)
        try:
            if inspect and not read_only:
                db.conn.execute("PRAGMA query_only = ON")
            # With others present the marker is theirs, not a crash's.
            unclean = paths.dirty_marker.exists() and not others
            try:
                rows = db.query("SELECT value FROM meta WHERE key = 'vault_id'")
            except UserError:
                if not inspect:
                    raise
                rows = [(keyfile.vault_id,)]  # damaged: let check and salvage say what
            if not rows or rows[0][0] != keyfile.vault_id:
                raise NotThisVault()
            try:
                owner = db.query("SELECT value FROM meta WHERE key = 'owner'")
            except UserError:
                if not inspect:
                    raise
                owner = []
            if kind is not None:  # the kind of store first: refused, it stays as it was
                role = db.query("SELECT value FROM meta WHERE key = 'role'")
                kind(role[0][0] if role else None)
            if not read_only and not inspect and not others:  # another may be writing one
                remove_key_leftovers(paths)
            vault = cls(paths, keyfile, data_key, db, lock, owner[0][0] if owner else
                        _default_actor(), unclean, inspecting=inspect)
            vault.others_present = others
            # Check before anything writes: a damaged or rolled-back vault is refused as
            # it was found. The high-water mark is compared at every opening (one lookup).
            if refuse_if_damaged:
                vault.check_pending = unclean and defer_check
                report = vault.check(full=False) if unclean and not defer_check \
                    else vault._check_high_water()
                if not report.ok:
                    raise VaultCorrupt(_(
                        "The vault's integrity check failed: {problem}. Keep a copy of the "
                        "vault folder, then run 'hrd-field vault check' and 'hrd-field vault "
                        "salvage --out NEW_FOLDER' to rescue what can be read.").format(
                        problem=report.problems[0]))
            if vault.read_only:
                return vault
            try:
                if on_upgrade is not None and \
                        migrations.current_version(db.conn) < migrations.LATEST:
                    on_upgrade()
                migrations.migrate(db.conn)
            except DatabaseError as exc:
                raise translate(exc, paths.database) from exc
            derived = db.query("SELECT value FROM meta WHERE key = 'derived_version'")
            if not derived or derived[0][0] != DERIVED_VERSION:
                vault.records.refresh_derived()
                vault.set_meta("derived_version", DERIVED_VERSION)
            db.after_commit = vault._record_high_water
            with contextlib.suppress(OSError):  # a full disk must not stop reading
                paths.dirty_marker.touch(mode=0o600)
            try:
                with db.transaction() as c:
                    if not others:  # files a crash left without their row
                        vault.files.sweep(c)
                    audit.append(c, vault.actor, "vault.unlock")
            except DiskFull:
                vault.low_on_space = True
        except BaseException:
            db.close()
            memwipe.wipe(data_key)  # refused before the vault took its copy (and wiped it)
            raise
        return vault

    low_on_space = False

    def reconnect(self) -> None:
        """Reopen the database connection (see ``Database.reconnect``); for rescue work."""
        self.db.reconnect(self._data_key)
        if self.inspecting and not self.db.read_only:
            self.db.conn.execute("PRAGMA query_only = ON")

    def close(self) -> None:
        """Lock the vault: checkpoint, close the connection, forget the key."""
        snapshot = self._snapshot_db
        if snapshot is not None:
            self._check_interrupted = True
            snapshot.interrupt()  # a check still running stops now, not in seconds
        if self._stored_files and not self.read_only:
            with contextlib.suppress(UserError), self.db.transaction() as c:
                drop_unreferenced_attachments(c)
                self.files.sweep(c)
        last = not self.read_only and (not self.shared or self._lock.last_one())
        if last:
            self.db.checkpoint()
        self.db.close()
        # An inspected vault keeps its marker: the next ordinary opening checks it again;
        # so does one whose after-crash check has not passed (not finished, or damage
        # found); the marker also stays while another process still has the vault open.
        if last and not self.check_pending:
            with contextlib.suppress(OSError):
                self.paths.dirty_marker.unlink()
        memwipe.wipe(self._data_key)
        self._data_key = bytearray()
        self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- keys ----------------------------------------------------------------------------
    def change_passphrase(self, new_passphrase: str) -> None:
        passphrase_rule.check(new_passphrase)
        self._keyfile.set_passphrase(self._data_key, new_passphrase)
        crash_point("passwd.before_keyfile")
        atomic_write(self.paths.keyfile, self._keyfile.to_bytes())
        crash_point("passwd.keyfile")
        with self.db.transaction() as c:
            audit.append(c, self.actor, "vault.passwd")

    def set_recovery_recipient(self, recipient: str) -> None:
        with memwipe.copy_of(self._data_key) as key:
            self._keyfile.set_recovery(key, recipient)
        atomic_write(self.paths.keyfile, self._keyfile.to_bytes())
        with self.db.transaction() as c:
            audit.append(c, self.actor, "vault.recovery_slot")

    @property
    def vault_id(self) -> str:
        return self._keyfile.vault_id

    def meta(self, key: str) -> str | None:
        rows = self.db.query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db.transaction() as c:
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def device_seed(self) -> bytes:
        """The device's Ed25519 signing seed, made once and kept only inside the vault."""
        seed = self.meta("device_signing_seed")
        if seed is None:
            seed = os.urandom(32).hex()
            with self.db.transaction() as c:
                c.execute("INSERT OR IGNORE INTO meta (key, value) VALUES"
                          " ('device_signing_seed', ?)", (seed,))
                audit.append(c, self.actor, "device.key_created")
            seed = self.meta("device_signing_seed") or seed
        return bytes.fromhex(seed)

    # -- integrity -----------------------------------------------------------------------
    check_pending = False
    _snapshot_db: Database | None = None
    _check_interrupted = False

    def check_snapshot(self) -> CheckReport:
        """The after-crash check (``check(full=False)``) on a second, query-only connection:
        any thread may run it while this one goes on reading and writing (WAL keeps the
        snapshot it reads consistent). Clears ``check_pending`` when the vault is sound."""
        db = Database(self.paths.database, self._data_key)
        self._snapshot_db = db
        try:
            db.conn.execute("PRAGMA query_only = ON")
            # the high-water mark was compared at opening; commits made since would make this
            # snapshot look behind it
            report = self._check_on(db.conn, full=False, high_water=False)
        finally:
            self._snapshot_db = None
            db.close()
        if self._check_interrupted:
            raise CheckInterrupted()
        if report.ok:
            self.check_pending = False
        return report

    def check(self, *, full: bool = True) -> CheckReport:
        """Every encrypted page's authentication and the audit chain; with ``full`` also
        SQLite's structure and the search index (tens of seconds on a large vault, so the
        unlock after a crash runs only the first part)."""
        return self._check_on(self.db.conn, full=full)

    def _check_on(self, conn: Any, *, full: bool, high_water: bool = True) -> CheckReport:
        report = check_database(conn, full=full, unclean=self.unclean_shutdown,
                                read_only=self.db.read_only, inspecting=self.inspecting,
                                high_water=self._high_water if high_water else None)
        if report.ok:  # the rows that name the attachment files read sound
            try:
                report.problems.extend(attachments.check(conn, self.files, full=full))
            except DatabaseError as exc:
                report.problems.append(_("database structure: {detail}").format(detail=exc))
        return report

    def _check_high_water(self, conn: Any = None) -> CheckReport:
        return check_high_water(conn or self.db.conn, self._high_water, self.unclean_shutdown)

    def audit_log(self, limit: int = 1000) -> list[audit.AuditEntry]:
        return audit.entries(self.db.conn, limit)

    def log(self, action: str, object_type: str = "", object_id: str = "") -> None:
        with self.db.transaction() as c:
            audit.append(c, self.actor, action, object_type, object_id)

    # -- attachments ---------------------------------------------------------------------
    def store_attachment(self, stream: BinaryIO, *, filename: str,
                         media_type: str = "application/octet-stream",
                         progress: attachments.Progress | None = None) -> AttachmentRef:
        """Store a file encrypted in the vault; link the returned ref to a record to keep it."""
        with self.files.guard(), self.db.transaction() as c:
            sha, size = attachments.store(c, self.files, stream, progress)
            audit.append(c, self.actor, "attachment.add", "attachment", sha)
        self._stored_files = True
        return AttachmentRef(sha256=sha, filename=os.path.basename(filename)[:255],
                             media_type=media_type[:100], size=size, added_at=utc_now())

    def add_attachment(self, record_id: str, stream: BinaryIO, *, filename: str,
                       media_type: str = "application/octet-stream",
                       progress: attachments.Progress | None = None) -> AttachmentRef:
        """Store a file encrypted and link it to a record (a new version of the record)."""
        record = self.records.get(record_id)
        # file, audit and record: all or nothing
        with self.files.guard(), self.db.transaction() as c:
            sha, size = attachments.store(c, self.files, stream, progress)
            audit.append(c, self.actor, "attachment.add", "attachment", sha)
            ref = AttachmentRef(sha256=sha, filename=os.path.basename(filename)[:255],
                                media_type=media_type[:100], size=size, added_at=utc_now())
            if all(a.sha256 != sha for a in record.attachments):
                record.attachments.append(ref)
                self.records.update_in(c, record)
        return ref

    def attachment_size(self, sha256: str) -> int | None:
        found = attachments.info(self.db.conn, sha256)
        return found.size if found else None

    def attachment_sealed(self, sha256: str) -> bool:
        """Whether the attachment is a sealed file, whose every read authenticates the
        content (AES-GCM under its own key, kept in the row beside the hash computed when it
        was sealed); older attachments kept as chunks in the database are not."""
        found = attachments.info(self.db.conn, sha256)
        return found is not None and found.file is not None

    def _attachment_chunks(self, sha256: str) -> Iterator[bytes]:
        found = attachments.info(self.db.conn, sha256)
        if found is None:
            raise UserError(_("No attachment with SHA-256 {sha}.").format(sha=sha256))
        return attachments.chunks(self.db.conn, self.files, found)

    def attachment_stream(self, sha256: str) -> BinaryIO:
        """A readable stream over a stored attachment, decrypted chunk by chunk."""
        reader = attachments.ChunkReader(self._attachment_chunks(sha256))
        # A buffer of one chunk: reads of a chunk or more go straight into the caller's.
        return typing.cast(BinaryIO, io.BufferedReader(reader, stream_cipher.CHUNK_SIZE))

    @contextlib.contextmanager
    def open_attachment(self, sha256: str) -> Iterator[Iterator[bytes]]:
        yield self._attachment_chunks(sha256)

    # -- backup --------------------------------------------------------------------------
    def backup(self, target: Path) -> None:
        """Copy the vault, open and in use, into the new directory ``target``: the same key
        file and an online copy of the database (it opens with the same passphrase)."""
        paths = VaultPaths(target)
        backup_directory(target)
        try:
            self.db.backup_to(paths.database, self._data_key)
            # The files the copy names, sealed as they are (their keys are in the copy).
            copied = Database(paths.database, self._data_key)
            try:
                names = [r[0] for r in copied.query(
                    "SELECT file FROM attachments WHERE file IS NOT NULL")]
            finally:
                copied.close()
            self.files.copy_to(paths.files, names)
            atomic_write(paths.keyfile, self._keyfile.to_bytes())
        except BaseException:
            for f in [*paths.sqlite_files(), paths.keyfile]:
                with contextlib.suppress(FileNotFoundError):
                    f.unlink()
            attachments.FileStore(paths.files).erase()
            raise
        with self.db.transaction() as c:
            audit.append(c, self.actor, "vault.backup")

    # -- erase ---------------------------------------------------------------------------
    def wipe(self) -> None:
        """Crypto-erase this open vault (the panic action)."""
        self.db.close()
        memwipe.wipe(self._data_key)
        self._data_key = bytearray()
        erase_files(self.paths)
        self._lock.release()



def _default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "field-user"
