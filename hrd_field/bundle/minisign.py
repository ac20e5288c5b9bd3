"""Ed25519 signatures in minisign's file format, so the stock ``minisign -V`` can check them.

Format (https://jedisct1.github.io/minisign/):

- public key: ``untrusted comment: …`` line, then base64 of ``"Ed" || key_id(8) || pk(32)``;
- signature: ``untrusted comment: …``, base64 of ``"ED" || key_id(8) || sig(64)`` where
  ``sig = Ed25519(BLAKE2b-512(data))``, ``trusted comment: …``, base64 of the global
  signature ``Ed25519(sig || trusted_comment)``. The legacy ``"Ed"`` algorithm (signature over
  the raw data) is accepted when verifying, never produced.

The key id is 8 random bytes; minisign prints it as the little-endian 64-bit integer in
upper-case hex (without leading zeros); ``key_id_hex`` is the same number zero-padded to
16 digits, the form the manifest uses.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hrd_field.core.i18n import _

from .errors import BadSignature

KEY_ALGORITHM = b"Ed"
PREHASHED = b"ED"
LEGACY = b"Ed"
UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "
# minisign refuses comments longer than this.
MAX_COMMENT_BYTES = 1024
MAX_SIGNATURE_TEXT = 4096


def _b64decode_exact(text: str, length: int, what: str) -> bytes:
    """Strict standard base64 of exactly ``length`` bytes, canonical encoding only."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise BadSignature(reason=_("malformed {what}").format(what=what)) from exc
    if len(raw) != length or base64.b64encode(raw).decode("ascii") != text:
        raise BadSignature(reason=_("malformed {what}").format(what=what))
    return raw


def key_id_to_hex(key_id: bytes) -> str:
    return key_id[::-1].hex().upper()


def key_id_from_hex(text: str) -> bytes:
    if len(text) != 16 or any(ch not in "0123456789ABCDEF" for ch in text):
        raise ValueError("a minisign key id is 16 upper-case hex digits")
    return bytes.fromhex(text)[::-1]


@dataclass(frozen=True)
class PublicKey:
    raw: bytes
    key_id: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32 or len(self.key_id) != 8:
            raise ValueError("an Ed25519 public key is 32 bytes and a key id 8 bytes")

    @property
    def key_id_hex(self) -> str:
        return key_id_to_hex(self.key_id)

    def to_base64(self) -> str:
        """The line ``minisign -P`` takes."""
        return base64.b64encode(KEY_ALGORITHM + self.key_id + self.raw).decode("ascii")

    def to_minisign(self) -> str:
        """The contents of a ``minisign.pub`` file, byte for byte as minisign writes it
        (its comment prints the key id without leading zeros)."""
        key_id = format(int.from_bytes(self.key_id, "little"), "X")
        return f"{UNTRUSTED_PREFIX}minisign public key {key_id}\n{self.to_base64()}\n"

    @classmethod
    def from_base64(cls, text: str) -> PublicKey:
        blob = _b64decode_exact(text.strip(), 42, _("public key"))
        if blob[:2] != KEY_ALGORITHM:
            raise BadSignature(reason=_("unsupported public key algorithm"))
        return cls(raw=blob[10:], key_id=blob[2:10])

    @classmethod
    def from_minisign(cls, text: str) -> PublicKey:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != 2 or not lines[0].startswith(UNTRUSTED_PREFIX):
            raise BadSignature(reason=_("malformed public key file"))
        return cls.from_base64(lines[1])

    def fingerprint(self) -> str:
        """Six groups of four base32 letters/digits (120 bits of SHA-256 of the raw key).

        Meant to be read aloud or compared on paper when a device is enrolled; base32 avoids
        the look-alikes 0/O and 1/I/l.
        """
        digest = base64.b32encode(hashlib.sha256(self.raw).digest()).decode("ascii")[:24]
        return "-".join(digest[i : i + 4] for i in range(0, 24, 4))

    def verify(self, data: bytes, signature_text: str) -> str:
        return verify(data, signature_text, self)



class SigningKey:
    """An Ed25519 key with its minisign key id. Store ``seed`` and ``key_id`` encrypted only."""

    __slots__ = ("_private", "key_id")

    def __init__(self, seed: bytes, key_id: bytes) -> None:
        if len(seed) != 32 or len(key_id) != 8:
            raise ValueError("an Ed25519 seed is 32 bytes and a key id 8 bytes")
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        self.key_id = key_id

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(secrets.token_bytes(32), secrets.token_bytes(8))

    def seed(self) -> bytes:
        return self._private.private_bytes_raw()

    def public_key(self) -> PublicKey:
        return PublicKey(raw=self._private.public_key().public_bytes_raw(), key_id=self.key_id)

    def __repr__(self) -> str:
        # Never show the seed, e.g. in a traceback or a log.
        return f"SigningKey(key_id={key_id_to_hex(self.key_id)})"

    def sign(
        self,
        data: bytes,
        trusted_comment: str,
        untrusted_comment: str = "signature from hrd-field device key",
    ) -> str:
        """The ``.minisig`` text for ``data`` (prehashed ``ED`` algorithm)."""
        for comment in (trusted_comment, untrusted_comment):
            if "\n" in comment or "\r" in comment:
                raise ValueError("a minisign comment is a single line")
            if len(comment.encode("utf-8")) > MAX_COMMENT_BYTES - len(TRUSTED_PREFIX):
                raise ValueError("minisign comments are limited to about 1 KiB")
        signature = self._private.sign(hashlib.blake2b(data, digest_size=64).digest())
        global_signature = self._private.sign(signature + trusted_comment.encode("utf-8"))
        blob = PREHASHED + self.key_id + signature
        return (
            f"{UNTRUSTED_PREFIX}{untrusted_comment}\n"
            f"{base64.b64encode(blob).decode('ascii')}\n"
            f"{TRUSTED_PREFIX}{trusted_comment}\n"
            f"{base64.b64encode(global_signature).decode('ascii')}\n"
        )


def verify(data: bytes, signature_text: str, public_key: PublicKey) -> str:
    """Check a ``.minisig`` text over ``data``; return the (signed) trusted comment.

    Raises ``BadSignature`` on any malformed line, another key id, or a bad signature.
    """
    if len(signature_text) > MAX_SIGNATURE_TEXT:
        raise BadSignature(reason=_("signature file too large"))
    lines = signature_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if (
        len(lines) != 4
        or not lines[0].startswith(UNTRUSTED_PREFIX)
        or not lines[2].startswith(TRUSTED_PREFIX)
        or "\r" in signature_text
    ):
        raise BadSignature(reason=_("malformed signature file"))
    blob = _b64decode_exact(lines[1], 74, _("signature"))
    algorithm, key_id, signature = blob[:2], blob[2:10], blob[10:]
    trusted_comment = lines[2][len(TRUSTED_PREFIX) :]
    global_signature = _b64decode_exact(lines[3], 64, _("global signature"))
    if algorithm == PREHASHED:
        message = hashlib.blake2b(data, digest_size=64).digest()
    elif algorithm == LEGACY:
        message = data
    else:
        raise BadSignature(reason=_("unsupported signature algorithm"))
    if key_id != public_key.key_id:
        raise BadSignature(
            reason=_("made with key {got}, expected {expected}").format(
                got=key_id_to_hex(key_id), expected=public_key.key_id_hex
            )
        )
    verifier = Ed25519PublicKey.from_public_bytes(public_key.raw)
    try:
        verifier.verify(signature, message)
    except InvalidSignature as exc:
        reason = _("the signed data was altered or another key signed it")
        raise BadSignature(reason=reason) from exc
    try:
        verifier.verify(global_signature, signature + trusted_comment.encode("utf-8"))
    except InvalidSignature as exc:
        raise BadSignature(reason=_("the trusted comment was altered")) from exc
    return trusted_comment
