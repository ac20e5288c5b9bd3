"""Record contents and attachments are sealed by HRD Field before they reach PostgreSQL,
with a key the database never sees (it lives in the HQ key store).

Each sealed value is bound to where it belongs (record id and version, attachment blob and
chunk): a database administrator cannot swap one person's record for another's unnoticed.
"""

from __future__ import annotations

import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from ..core.errors import UserError
from ..core.i18n import _

KEY_BYTES = 32


def new_key() -> str:
    return os.urandom(KEY_BYTES).hex()


class Sealer:
    def __init__(self, key_hex: str):
        key = bytes.fromhex(key_hex)
        if len(key) != KEY_BYTES:
            raise UserError(_("The HQ key store holds no valid record key."))
        # Separate keys for sealing and for fingerprints, both from the one stored key.
        self._aead = ChaCha20Poly1305(hmac.digest(key, b"hrd-field hq seal", "sha256"))
        self._mac_key = hmac.digest(key, b"hrd-field hq fingerprint", "sha256")

    def seal(self, data: bytes, where: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, where.encode())

    def open(self, sealed: bytes, where: str) -> bytes:
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], where.encode())
        except (InvalidTag, ValueError) as exc:
            raise UserError(_("Sealed data in the HQ database does not open with HQ's key: "
                              "it was altered, moved or written by another HQ ({where}).")
                            .format(where=where)) from exc

    def fingerprint(self, data: bytes) -> str:
        """A keyed hash: equal content gives equal fingerprints, and nobody without the key
        can test a guess against it (a plain SHA-256 of a known file could be)."""
        return hmac.digest(self._mac_key, data, "sha256").hex()
