"""The vault: create, unlock, lock, change passphrase, check, crypto-erase.

Files in the vault directory (mode 0700, files 0600):
  vault.key       the key file (wrapped data key; the only secret-bearing file in clear)
  vault.db[-wal]  the SQLCipher database, encrypted page by page with the data key
  vault.lock      held while a process has the vault open
  vault.open      present while open: found at unlock, it means an unclean shutdown
  unlock-failures the count of consecutive wrong passphrases (a number, nothing else)
"""

from __future__ import annotations

import contextlib
import getpass
import io
import os
import time
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import AttachmentRef, utc_now
from . import attachments, audit, migrations, throttle
from .database import Database, DatabaseError, NotThisVault
from .fsutil import atomic_write, fsync_dir, io_error, overwrite_and_unlink
from .hq_casework import CaseworkTables
from .hq_tables import HqTables
from .keyslots import KeyFile, KeyFileError, WrongPassphrase, new_keyfile
from .ledger import ExportLedger
from .lock import ProcessLock
from .paths import VaultPaths
from .repository import RecordStore, drop_unreferenced_attachments

# Bumped when the columns derived from record bodies (titles, …) change meaning; opening an
# older vault recomputes them.
DERIVED_VERSION = "3"


class VaultCorrupt(UserError):
    pass


@dataclass(frozen=True)
class CheckReport:
    problems: list[str]
    unclean_shutdown: bool

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_keyfile(paths: VaultPaths) -> KeyFile:
    try:
        data = paths.keyfile.read_bytes()
    except FileNotFoundError as exc:
        if paths.database.exists():
            raise KeyFileError(_(
                "The key file {path} is missing: without it the vault cannot be opened. "
                "Restore it from a backup if you have one.").format(path=paths.keyfile)) from exc
        raise UserError(_("There is no vault in {path}. Create one with 'hrd-field vault init'.")
                        .format(path=paths.root)) from exc
    except OSError as exc:
        raise io_error(exc) from exc
    return KeyFile.from_bytes(data)


def require_vault(root: Path) -> None:
    """Raise a clear error unless ``root`` holds a readable vault key file."""
    _read_keyfile(VaultPaths(root))


class Vault:
    """An unlocked vault. Create with ``Vault.create`` or ``Vault.unlock``; ``close`` locks."""

    def __init__(self, paths: VaultPaths, keyfile: KeyFile, data_key: bytes, db: Database,
                 lock: ProcessLock, actor: str, unclean: bool):
        self.paths = paths
        self._keyfile = keyfile
        self._data_key = data_key
        self.db = db
        self._lock = lock
        self.actor = actor
        self.unclean_shutdown = unclean
        self.shared = False
        self.others_present = False
        """Opened ``shared`` while another process had it open (see ``unlock``)."""
        self._stored_files = False
        self.records = RecordStore(db, actor)
        self.exports = ExportLedger(db, actor)
        self.hq = HqTables(db, self.records, actor)
        self.casework = CaseworkTables(db, actor)

    # -- lifecycle -----------------------------------------------------------------------
    @classmethod
    def create(cls, root: Path, passphrase: str, *, actor: str | None = None) -> Vault:
        paths = VaultPaths(root)
        if paths.keyfile.exists() or paths.database.exists():
            raise UserError(_("A vault already exists in {path}.").format(path=root))
        if len(passphrase) < 8:
            raise UserError(_("The passphrase must have at least 8 characters."))
        os.umask(0o077)
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(root, 0o700)  # an existing folder keeps its mode otherwise
        except OSError as exc:
            raise io_error(exc) from exc
        lock = ProcessLock(paths.lock)
        lock.acquire()
        keyfile, data_key = new_keyfile(passphrase)
        db: Database | None = None
        try:
            db = Database(paths.database, data_key, create=True)
            migrations.migrate(db.conn)
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
            # The key file is written last: a vault without it was never usable.
            atomic_write(paths.keyfile, keyfile.to_bytes())
        except BaseException:
            if db is not None:
                db.close()
            for f in paths.sqlite_files():
                with contextlib.suppress(FileNotFoundError):
                    f.unlink()
            lock.release()
            raise
        paths.dirty_marker.touch(mode=0o600)
        return cls(paths, keyfile, data_key, db, lock, actor, unclean=False)

    @classmethod
    def unlock(cls, root: Path, passphrase: str, *, refuse_if_damaged: bool = True,
               shared: bool = False) -> Vault:
        """Open the vault; after an unclean shutdown it is checked first, and refused if
        damaged unless ``refuse_if_damaged`` is False (to inspect it with ``check``).

        ``shared``: other processes may have it open at the same time (an HQ store: the
        intake writes while analysts read; SQLite's WAL lets readers go on while one
        writes). The first opener does the after-crash check; ``others_present`` tells a
        later one that what it reads may change under it."""
        paths = VaultPaths(root)
        keyfile = _read_keyfile(paths)
        lock = ProcessLock(paths.lock)
        if shared:
            alone = lock.acquire_shared()
        else:
            lock.acquire()
            alone = True
        try:
            try:
                data_key = keyfile.unwrap(passphrase)
            except WrongPassphrase:
                time.sleep(throttle.record_failure(paths.throttle))
                raise
            throttle.reset(paths.throttle)
            vault = cls._open(paths, keyfile, data_key, lock, refuse_if_damaged,
                              others=not alone)
        except BaseException:
            lock.release()
            raise
        vault.shared = shared
        if shared:
            lock.share()
        return vault

    @classmethod
    def unlock_with_recovery(cls, root: Path, identity: str, new_passphrase: str) -> Vault:
        paths = VaultPaths(root)
        keyfile = _read_keyfile(paths)
        lock = ProcessLock(paths.lock)
        lock.acquire()
        try:
            data_key = keyfile.unwrap_recovery(identity)
            vault = cls._open(paths, keyfile, data_key, lock)
        except BaseException:
            lock.release()
            raise
        vault.change_passphrase(new_passphrase)
        return vault

    @classmethod
    def _open(cls, paths: VaultPaths, keyfile: KeyFile, data_key: bytes,
              lock: ProcessLock, refuse_if_damaged: bool = True, *,
              others: bool = False) -> Vault:
        if not paths.database.exists():
            raise VaultCorrupt(_(
                "The vault database {path} is missing. Nothing was created in its place.")
                .format(path=paths.database))
        db = Database(paths.database, data_key)
        try:
            # With others present the marker is theirs, not a crash's.
            unclean = paths.dirty_marker.exists() and not others
            rows = db.query("SELECT value FROM meta WHERE key = 'vault_id'")
            if not rows or rows[0][0] != keyfile.vault_id:
                raise NotThisVault()
            owner = db.query("SELECT value FROM meta WHERE key = 'owner'")
            vault = cls(paths, keyfile, data_key, db, lock, owner[0][0] if owner else
                        _default_actor(), unclean)
            vault.others_present = others
            # Check before anything writes: a damaged vault is refused as it was found.
            if unclean and refuse_if_damaged:
                report = vault.check(full=False)
                if not report.ok:
                    raise VaultCorrupt(_(
                        "The vault was not closed properly and its integrity check failed: "
                        "{problem}. Run 'hrd-field vault check' and keep a copy of the vault "
                        "folder before changing anything.").format(problem=report.problems[0]))
            migrations.migrate(db.conn)
            derived = db.query("SELECT value FROM meta WHERE key = 'derived_version'")
            if not derived or derived[0][0] != DERIVED_VERSION:
                vault.records.refresh_derived()
                vault.set_meta("derived_version", DERIVED_VERSION)
            paths.dirty_marker.touch(mode=0o600)
            with db.transaction() as c:
                audit.append(c, vault.actor, "vault.unlock")
        except BaseException:
            db.close()
            raise
        return vault

    def close(self) -> None:
        """Lock the vault: checkpoint, close the connection, forget the key."""
        if self._stored_files:  # files added this session and then dropped from records
            with contextlib.suppress(UserError), self.db.transaction() as c:
                drop_unreferenced_attachments(c)
        last = not self.shared or self._lock.last_one()
        if last:
            self.db.checkpoint()
        self.db.close()
        if last:  # the marker stays while another process still has the vault open
            with contextlib.suppress(FileNotFoundError):
                self.paths.dirty_marker.unlink()
        self._data_key = b""
        self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- keys ----------------------------------------------------------------------------
    def change_passphrase(self, new_passphrase: str) -> None:
        if len(new_passphrase) < 8:
            raise UserError(_("The passphrase must have at least 8 characters."))
        self._keyfile.set_passphrase(self._data_key, new_passphrase)
        atomic_write(self.paths.keyfile, self._keyfile.to_bytes())
        with self.db.transaction() as c:
            audit.append(c, self.actor, "vault.passwd")

    def set_recovery_recipient(self, recipient: str) -> None:
        self._keyfile.set_recovery(self._data_key, recipient)
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
    def check(self, *, full: bool = True) -> CheckReport:
        """Every encrypted page's authentication and the audit chain; with ``full`` also
        SQLite's structure and the search index (tens of seconds on a large vault, so the
        unlock after a crash runs only the first part)."""
        problems: list[str] = []
        conn = self.db.conn
        try:
            for row in conn.execute("PRAGMA cipher_integrity_check"):
                problems.append(_("encrypted page check: {detail}").format(detail=row[0]))
            result = [r[0] for r in conn.execute(
                "PRAGMA integrity_check" if full else "PRAGMA quick_check")]
        except DatabaseError as exc:  # a page so damaged that the check itself stops
            problems.append(_("database structure: {detail}").format(detail=exc))
            result = ["ok"]
        if result != ["ok"]:
            problems += [_("database structure: {detail}").format(detail=r) for r in result[:5]]
        if problems:
            return CheckReport(problems, self.unclean_shutdown)  # the rest would read noise
        if full:
            try:
                conn.execute("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')")
            except Exception:
                problems.append(_("the search index is inconsistent"))
        try:
            has_audit = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit'"
                                     ).fetchone()
            broken = audit.verify(conn) if has_audit else None
        except DatabaseError as exc:
            problems.append(_("database structure: {detail}").format(detail=exc))
            broken = None
        if broken is not None:
            problems.append(_("the audit log chain is broken at entry {seq}").format(seq=broken))
        return CheckReport(problems, self.unclean_shutdown)

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
        with self.db.transaction() as c:
            sha, size = attachments.store(c, stream, progress)
            audit.append(c, self.actor, "attachment.add", "attachment", sha)
        self._stored_files = True
        return AttachmentRef(sha256=sha, filename=os.path.basename(filename)[:255],
                             media_type=media_type[:100], size=size, added_at=utc_now())

    def add_attachment(self, record_id: str, stream: BinaryIO, *, filename: str,
                       media_type: str = "application/octet-stream",
                       progress: attachments.Progress | None = None) -> AttachmentRef:
        """Store a file encrypted and link it to a record (a new version of the record)."""
        record = self.records.get(record_id)
        with self.db.transaction() as c:  # file, audit and record: all or nothing
            sha, size = attachments.store(c, stream, progress)
            audit.append(c, self.actor, "attachment.add", "attachment", sha)
            ref = AttachmentRef(sha256=sha, filename=os.path.basename(filename)[:255],
                                media_type=media_type[:100], size=size, added_at=utc_now())
            if all(a.sha256 != sha for a in record.attachments):
                record.attachments.append(ref)
                self.records.update_in(c, record)
        return ref

    def attachment_size(self, sha256: str) -> int | None:
        found = attachments.info(self.db.conn, sha256)
        return found[1] if found else None

    def attachment_stream(self, sha256: str) -> BinaryIO:
        """A readable stream over a stored attachment, decrypted chunk by chunk."""
        found = attachments.info(self.db.conn, sha256)
        if found is None:
            raise UserError(_("No attachment with SHA-256 {sha}.").format(sha=sha256))
        reader = attachments.ChunkReader(attachments.chunks(self.db.conn, found[0]))
        return typing.cast(BinaryIO, io.BufferedReader(reader, attachments.CHUNK_SIZE))

    @contextlib.contextmanager
    def open_attachment(self, sha256: str) -> Iterator[Iterator[bytes]]:
        found = attachments.info(self.db.conn, sha256)
        if found is None:
            raise UserError(_("No attachment with SHA-256 {sha}.").format(sha=sha256))
        yield attachments.chunks(self.db.conn, found[0])

    # -- backup --------------------------------------------------------------------------
    def backup(self, target: Path) -> None:
        """Copy the vault, open and in use, into the new directory ``target``: the same key
        file and an online copy of the database (it opens with the same passphrase)."""
        paths = VaultPaths(target)
        if target.exists() and any(target.iterdir()):
            raise UserError(_("{path} is not empty; back up into a new directory.").format(
                path=target))
        try:
            target.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise io_error(exc) from exc
        try:
            self.db.backup_to(paths.database, self._data_key)
            atomic_write(paths.keyfile, self._keyfile.to_bytes())
        except BaseException:
            for f in [*paths.sqlite_files(), paths.keyfile]:
                with contextlib.suppress(FileNotFoundError):
                    f.unlink()
            raise
        with self.db.transaction() as c:
            audit.append(c, self.actor, "vault.backup")

    # -- erase ---------------------------------------------------------------------------
    def wipe(self) -> None:
        """Crypto-erase this open vault (the panic action)."""
        self.db.close()
        self._data_key = b""
        _erase_files(self.paths)
        self._lock.release()
        with contextlib.suppress(OSError):
            self.paths.lock.unlink()


def wipe(root: Path) -> None:
    """Crypto-erase a closed vault; needs no passphrase, refuses while it is in use."""
    paths = VaultPaths(root)
    if not paths.keyfile.exists() and not paths.database.exists():
        raise UserError(_("There is no vault in {path}.").format(path=root))
    lock = ProcessLock(paths.lock)
    lock.acquire()
    try:
        _erase_files(paths)
    finally:
        lock.release()
    with contextlib.suppress(OSError):
        paths.lock.unlink()


def _erase_files(paths: VaultPaths) -> None:
    """Destroy the key file first: from then on the database is noise. Then remove the rest."""
    overwrite_and_unlink(paths.keyfile)
    for f in [*paths.sqlite_files(), paths.dirty_marker, paths.throttle]:
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    fsync_dir(paths.root)


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "field-user"
