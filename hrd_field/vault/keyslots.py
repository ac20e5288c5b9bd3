"""The key file: the vault's random data key, wrapped once per slot (like LUKS keyslots).

A passphrase slot wraps the data key with ChaCha20-Poly1305 under a key derived by Argon2id;
the KDF parameters live in the slot so they can be raised later. A recovery slot wraps the
data key to an age recipient (an HQ recovery key). Changing the passphrase rewrites only this
small file; overwriting it makes the database unreadable noise (crypto-erase).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from typing import Any

import pyrage
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from ..core.errors import UserError
from ..core.i18n import _
from . import memwipe

FORMAT = "hrd-field-keyfile"
VERSION = 1
KEY_BYTES = 32
MAX_KEYFILE_BYTES = 64 * 1024

# 256 MiB, 4 passes, 4 lanes: about 0.65 s on the project's 2-core machine (3 passes took
# 0.5 s when idle, the bottom of the 0.5–1 s aim of DESIGN.md §3).
DEFAULT_KDF = {"memory_kib": 262_144, "iterations": 4, "parallelism": 4}
# Only for the test suite: the parameters are stored per slot, so such vaults still open.
FAST_TEST_KDF = {"memory_kib": 8_192, "iterations": 1, "parallelism": 1}
KDF_LIMITS = {"memory_kib": (8_192, 4_194_304), "iterations": (1, 64), "parallelism": (1, 16)}


class KeyFileError(UserError):
    pass


class WrongPassphrase(UserError):
    def __init__(self) -> None:
        super().__init__(_("Wrong passphrase."))


def kdf_params() -> dict[str, int]:
    if os.environ.get("HRD_FIELD_TEST_FAST_KDF") == "1":
        return dict(FAST_TEST_KDF)
    return dict(DEFAULT_KDF)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _checksum(doc: dict[str, Any]) -> str:
    body = {k: v for k, v in doc.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _derive(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"), salt,
        time_cost=params["iterations"], memory_cost=params["memory_kib"],
        parallelism=params["parallelism"], hash_len=KEY_BYTES, type=Type.ID,
    )


@dataclass
class KeyFile:
    vault_id: str
    slots: list[dict[str, Any]]

    # -- serialisation -------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        doc: dict[str, Any] = {"format": FORMAT, "version": VERSION,
                               "vault_id": self.vault_id, "slots": self.slots}
        doc["checksum"] = _checksum(doc)
        return json.dumps(doc, sort_keys=True, indent=1).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyFile:
        if len(data) > MAX_KEYFILE_BYTES:
            raise KeyFileError(_("This is not an HRD Field key file."))
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise KeyFileError(_("The key file is damaged and cannot be read.")) from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise KeyFileError(_("This is not an HRD Field key file."))
        if doc.get("version") != VERSION:
            raise KeyFileError(_("This key file was made by a newer version of HRD Field."))
        # The checksum covers every byte that matters (salt, nonce, wrapped key, parameters):
        # a changed character is named as damage, not taken for a wrong passphrase. Key
        # files written before it existed have none and still open.
        if "checksum" in doc and doc.get("checksum") != _checksum(doc):
            raise KeyFileError(_(
                "The key file is damaged (its checksum does not match): the passphrase was "
                "not tried. Restore vault.key from a backup."))
        slots, vault_id = doc.get("slots"), doc.get("vault_id")
        if not isinstance(slots, list) or not slots or not isinstance(vault_id, str) \
                or not all(isinstance(s, dict) for s in slots):
            raise KeyFileError(_("The key file is damaged and cannot be read."))
        return cls(vault_id, slots)

    # -- slots ---------------------------------------------------------------------------
    def _aad(self, slot: dict[str, Any]) -> bytes:
        header = {k: v for k, v in slot.items() if k not in ("nonce", "wrapped_key")}
        return json.dumps({"format": FORMAT, "vault_id": self.vault_id, "slot": header},
                          sort_keys=True, separators=(",", ":")).encode("utf-8")

    def passphrase_slot(self, data_key: bytes | bytearray, passphrase: str) -> dict[str, Any]:
        slot: dict[str, Any] = {
            "kind": "passphrase",
            "kdf": {"alg": "argon2id", "salt": _b64(os.urandom(16)), **kdf_params()},
            "aead": "chacha20-poly1305",
        }
        params = {k: int(slot["kdf"][k]) for k in KDF_LIMITS}
        kek = _derive(passphrase, _unb64(slot["kdf"]["salt"]), params)
        nonce = os.urandom(12)
        slot["nonce"] = _b64(nonce)
        try:
            slot["wrapped_key"] = _b64(ChaCha20Poly1305(kek).encrypt(nonce, data_key,
                                                                      self._aad(slot)))
        finally:
            memwipe.wipe(kek)
        return slot

    def set_passphrase(self, data_key: bytes | bytearray, passphrase: str) -> None:
        """Replace every passphrase slot with one for ``passphrase``; other slots stay."""
        others = [s for s in self.slots if s.get("kind") != "passphrase"]
        self.slots = [self.passphrase_slot(data_key, passphrase), *others]

    def set_recovery(self, data_key: bytes, recipient: str) -> None:
        try:
            rcpt = pyrage.x25519.Recipient.from_str(recipient)
        except Exception as exc:
            raise UserError(_("Not a valid age recipient.")) from exc
        slot = {"kind": "recovery", "recipient": recipient,
                "wrapped_key": _b64(pyrage.encrypt(data_key, [rcpt]))}
        self.slots = [s for s in self.slots if s.get("kind") != "recovery"] + [slot]

    def unwrap(self, passphrase: str) -> bytes:
        """The data key, or WrongPassphrase; every passphrase slot is tried the same way."""
        found: bytes | None = None
        tried = False
        for slot in self.slots:
            if slot.get("kind") != "passphrase":
                continue
            tried = True
            try:
                kdf = slot["kdf"]
                if kdf.get("alg") != "argon2id" or slot.get("aead") != "chacha20-poly1305":
                    raise KeyFileError(_("The key file uses an unknown algorithm."))
                params = {}
                for name, (lo, hi) in KDF_LIMITS.items():
                    value = kdf[name]
                    if not isinstance(value, int) or not lo <= value <= hi:
                        raise KeyFileError(_("The key file is damaged and cannot be read."))
                    params[name] = value
                kek = _derive(passphrase, _unb64(kdf["salt"]), params)
                try:
                    key = ChaCha20Poly1305(kek).decrypt(
                        _unb64(slot["nonce"]), _unb64(slot["wrapped_key"]), self._aad(slot))
                finally:
                    memwipe.wipe(kek)
            except InvalidTag:
                continue
            except (KeyError, TypeError, ValueError) as exc:
                raise KeyFileError(_("The key file is damaged and cannot be read.")) from exc
            if found is None and len(key) == KEY_BYTES:
                found = key
        if not tried:
            raise KeyFileError(_("The key file has no passphrase slot."))
        if found is None:
            raise WrongPassphrase()
        return found

    def unwrap_recovery(self, identity: str) -> bytes:
        for slot in self.slots:
            if slot.get("kind") == "recovery":
                try:
                    ident = pyrage.x25519.Identity.from_str(identity)
                    key = pyrage.decrypt(_unb64(slot["wrapped_key"]), [ident])
                except Exception as exc:
                    raise UserError(_("This recovery key does not open this vault.")) from exc
                if isinstance(key, bytes) and len(key) == KEY_BYTES:
                    return key
        raise UserError(_("This vault has no recovery slot."))


def new_keyfile(passphrase: str) -> tuple[KeyFile, bytes]:
    data_key = os.urandom(KEY_BYTES)
    keyfile = KeyFile(str(uuid.uuid4()), [])
    keyfile.set_passphrase(data_key, passphrase)
    return keyfile, data_key
