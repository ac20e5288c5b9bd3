"""``hrd-field hq backup`` and ``hq restore``: a consistent copy of an HQ store taken while
it is in use, and a new store made from one.

Embedded store: SQLite's online backup of the encrypted database plus its key file (the
copy opens with the same passphrase). PostgreSQL store: ``pg_dump`` (custom format, one
snapshot while the intake keeps writing) plus the key store; the dump alone reveals no
content (docs/security.md), the key store alone holds no records: keep both, apart.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

from ..core.errors import UserError
from ..core.i18n import _
from ..vault.fsutil import backup_directory, io_error
from . import keystore
from .store import HqStore

DUMP = "hq.dump"
def backup(store: HqStore, target: Path) -> None:
    backup_directory(target)
    if store.backend == "postgresql":
        for name in (keystore.KEY_FILE, keystore.SECRETS_FILE):
            shutil.copy2(store.root / name, target / name)
    store.repo.backup(target)


def restore(source: Path, root: Path, passphrase: str, *, database: str | None) -> HqStore:
    """A new store in ``root`` from the backup in ``source``; for a PostgreSQL backup,
    into the empty database ``database``. Returns the store, opened (and so checked)."""
    if root.exists() and any(root.iterdir()):
        raise UserError(_("{path} is not empty; restore into a new directory.").format(
            path=root))
    if keystore.exists(source):
        if database is None:
            raise UserError(_("This backup is of an HQ kept in PostgreSQL: give the empty "
                              "database to restore it into with --database."))
        return _restore_postgres(source, root, passphrase, database)
    if database is not None:
        raise UserError(_("This backup is of an embedded HQ store; --database does not "
                          "apply."))
    if not (source / "vault.key").is_file() or not (source / "vault.db").is_file():
        raise UserError(_("{path} holds no HQ backup.").format(path=source))
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in ("vault.key", "vault.db"):
            shutil.copy2(source / name, root / name)
    except OSError as exc:
        raise io_error(exc) from exc
    return HqStore.open(root, passphrase)


def _restore_postgres(source: Path, root: Path, passphrase: str, database: str) -> HqStore:
    from .postgres import client_tool, connect, for_tool

    dump = source / DUMP
    if not dump.is_file():
        raise UserError(_("{path} holds no database dump ({file}).").format(
            path=source, file=DUMP))
    secrets = keystore.read(source, passphrase)  # the right passphrase, before anything
    with connect(database) as conn:
        if conn.execute("SELECT to_regclass('hq_instance')").fetchone() != (None,):
            raise UserError(_("The database is not empty; restore into a new database."))
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'hrd_analyst'"
                        ).fetchone() is None:
            conn.execute("CREATE ROLE hrd_analyst NOLOGIN")  # named by row security
    address, env = for_tool(database)
    proc = subprocess.run([client_tool("pg_restore"), "--no-owner", "--exit-on-error",
                           "--single-transaction", "--dbname", address, str(dump)],
                          capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        raise UserError(_("pg_restore failed: {why}").format(
            why=(proc.stderr.strip().splitlines() or ["?"])[-1]))
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in (keystore.KEY_FILE, keystore.SECRETS_FILE):
            shutil.copy2(source / name, root / name)
        keystore.update(root, passphrase, {**secrets, "database": database})
        (root / "quarantine").mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        for name in (keystore.KEY_FILE, keystore.SECRETS_FILE):
            with contextlib.suppress(OSError):
                os.unlink(root / name)
        raise io_error(exc) from exc
    return HqStore.open(root, passphrase)
