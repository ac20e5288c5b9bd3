"""The vault's folder on disk: reading its key file (with a clear message for every way
it can be missing), removing what an interrupted init or passphrase change left, and
crypto-erase (the key file first: from then on the database is noise)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..core.errors import UserError
from ..core.i18n import _
from .fsutil import fsync_dir, io_error, leftover_parts, overwrite_and_unlink
from .keyslots import KeyFile, KeyFileError
from .lock import ProcessLock
from .paths import VaultPaths


class IncompleteVault(UserError):
    def __init__(self, root: Path) -> None:
        super().__init__(_(
            "Creating the vault in {path} was interrupted, so it never held any record. Run "
            "'hrd-field vault init' again: it removes the incomplete files and starts over.")
            .format(path=root))


def read_keyfile(paths: VaultPaths) -> KeyFile:
    if paths.init_marker.exists():
        raise IncompleteVault(paths.root)
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
        raise io_error(exc, writing=False) from exc
    return KeyFile.from_bytes(data)


def require_vault(root: Path) -> None:
    """Raise a clear error unless ``root`` holds a readable vault key file."""
    read_keyfile(VaultPaths(root))


def remove_key_leftovers(paths: VaultPaths) -> None:
    """Temporary key files of an interrupted passphrase change hold the data key wrapped
    with a passphrase: destroy them like the key file itself."""
    for leftover in leftover_parts(paths.keyfile):
        with contextlib.suppress(OSError):
            overwrite_and_unlink(leftover)


def remove_incomplete(paths: VaultPaths) -> None:
    remove_key_leftovers(paths)
    with contextlib.suppress(FileNotFoundError):
        overwrite_and_unlink(paths.keyfile)
    for f in [*paths.sqlite_files(), paths.high_water, paths.dirty_marker,
              paths.init_marker]:
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    fsync_dir(paths.root)


def wipe(root: Path) -> None:
    """Crypto-erase a closed vault; needs no passphrase, refuses while it is in use."""
    paths = VaultPaths(root)
    if not paths.keyfile.exists() and not paths.database.exists() \
            and not leftover_parts(paths.keyfile):
        raise UserError(_("There is no vault in {path}.").format(path=root))
    lock = ProcessLock(paths.root)
    lock.acquire()
    try:
        erase_files(paths)
    finally:
        lock.release()


def erase_files(paths: VaultPaths) -> None:
    """Destroy the key file first: from then on the database is noise. Then remove the rest."""
    for key_bearing in [paths.keyfile, *leftover_parts(paths.keyfile)]:
        overwrite_and_unlink(key_bearing)
    for f in [*paths.sqlite_files(), paths.dirty_marker, paths.throttle, paths.high_water,
              paths.init_marker, paths.root / "vault.lock"]:
        with contextlib.suppress(FileNotFoundError):
            f.unlink()
    fsync_dir(paths.root)
