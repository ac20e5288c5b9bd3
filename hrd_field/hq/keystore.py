"""The key store of an HQ whose records live in PostgreSQL: two small files in the store
directory, never in the database.

  hq.key      a key file like a vault's (a random key wrapped by Argon2id under the HQ
              passphrase, see vault.keyslots)
  hq-secrets  HQ's secrets sealed with that key (ChaCha20-Poly1305): the age identity that
              decrypts bundles, the key that signs profiles and receipts, the key that seals
              record contents and attachments before they reach PostgreSQL, and the
              database's address

Read once when a process opens the store and kept in memory only; any number of intake
workers and analysts can read it at the same time (no lock). ``change_passphrase`` rewrites
only ``hq.key`` (the same key wrapped under the new passphrase) in one atomic rename:
killed at any moment, the old or the new passphrase opens the store, never neither.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from ..core import passphrase as passphrase_rule
from ..core.errors import UserError
from ..core.faults import crash_point
from ..core.i18n import _
from ..vault.fsutil import atomic_write, io_error, leftover_parts, overwrite_and_unlink
from ..vault.keyslots import KeyFile, KeyFileError, new_keyfile

KEY_FILE = "hq.key"
SECRETS_FILE = "hq-secrets"
FORMAT = "hrd-field-hq-secrets"


def exists(root: Path) -> bool:
    return (root / KEY_FILE).is_file()


def _aad(store_id: str) -> bytes:
    return f"{FORMAT}:1:{store_id}".encode()


def create(root: Path, passphrase: str, secrets: dict[str, str]) -> str:
    """Write a new key store; returns its id (the store id the database is claimed with)."""
    passphrase_rule.check(passphrase)
    if exists(root) or (root / "vault.key").exists():
        raise UserError(_("An HQ store already exists in {path}.").format(path=root))
    os.umask(0o077)
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(root, 0o700)
    except OSError as exc:
        raise io_error(exc) from exc
    keyfile, key = new_keyfile(passphrase)
    write_secrets(root, keyfile, key, {**secrets, "store_id": keyfile.vault_id})
    atomic_write(root / KEY_FILE, keyfile.to_bytes())  # last: without it nothing opens
    return keyfile.vault_id


def write_secrets(root: Path, keyfile: KeyFile, key: bytes, secrets: dict[str, str]) -> None:
    nonce = os.urandom(12)
    sealed = ChaCha20Poly1305(key).encrypt(nonce, json.dumps(secrets, sort_keys=True).encode(),
                                           _aad(keyfile.vault_id))
    doc = {"format": FORMAT, "version": 1, "nonce": base64.b64encode(nonce).decode(),
           "sealed": base64.b64encode(sealed).decode()}
    atomic_write(root / SECRETS_FILE, json.dumps(doc, indent=1).encode())


def read(root: Path, passphrase: str) -> dict[str, str]:
    """HQ's secrets, or ``WrongPassphrase`` / a clear error for a damaged key store."""
    return _open(root, passphrase)[2]


def _open(root: Path, passphrase: str) -> tuple[KeyFile, bytes, dict[str, str]]:
    try:
        keyfile = KeyFile.from_bytes((root / KEY_FILE).read_bytes())
        doc = json.loads((root / SECRETS_FILE).read_bytes())
    except FileNotFoundError as exc:
        raise UserError(_("The HQ key store in {path} is incomplete ({file} is missing).")
                        .format(path=root, file=os.path.basename(str(exc.filename)))) from exc
    except OSError as exc:
        raise io_error(exc) from exc
    except ValueError as exc:
        raise KeyFileError(_("The key file is damaged and cannot be read.")) from exc
    key = keyfile.unwrap(passphrase)
    try:
        if doc.get("format") != FORMAT or doc.get("version") != 1:
            raise ValueError("format")
        plain = ChaCha20Poly1305(key).decrypt(base64.b64decode(doc["nonce"]),
                                              base64.b64decode(doc["sealed"]),
                                              _aad(keyfile.vault_id))
        secrets = json.loads(plain)
    except (InvalidTag, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise KeyFileError(_("The HQ key store in {path} is damaged and cannot be read.")
                           .format(path=root)) from exc
    if not isinstance(secrets, dict) or secrets.get("store_id") != keyfile.vault_id:
        raise KeyFileError(_("The HQ key store in {path} is damaged and cannot be read.")
                           .format(path=root))
    return keyfile, key, {str(k): str(v) for k, v in secrets.items()}


def check_passphrase(root: Path, passphrase: str) -> None:
    """``WrongPassphrase`` (or the key store's damage) unless ``passphrase`` opens it."""
    _open(root, passphrase)


def change_passphrase(root: Path, old: str, new: str) -> None:
    """Wrap the store's key under ``new`` (the shared passphrase rule applies). The sealed
    secrets stay as they are: they are sealed with the key, not with the passphrase."""
    passphrase_rule.check(new)
    keyfile, key, _secrets = _open(root, old)  # refuses a damaged store before any write
    # A change killed before its rename left the key wrapped under a passphrase that never
    # took effect: destroy it, as the vault does with its key file's leftovers.
    for leftover in leftover_parts(root / KEY_FILE):
        try:
            overwrite_and_unlink(leftover)
        except OSError as exc:
            raise io_error(exc) from exc
    keyfile.set_passphrase(key, new)
    crash_point("passwd.before_keyfile")
    atomic_write(root / KEY_FILE, keyfile.to_bytes())
    crash_point("passwd.keyfile")


def update(root: Path, passphrase: str, secrets: dict[str, str]) -> None:
    """Replace the sealed secrets (e.g. the database address after a restore)."""
    keyfile = KeyFile.from_bytes((root / KEY_FILE).read_bytes())
    key = keyfile.unwrap(passphrase)
    write_secrets(root, keyfile, key, {**secrets, "store_id": keyfile.vault_id})
