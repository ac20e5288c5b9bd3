"""The outer layer: age v1 (X25519 recipients), with checks pyrage and others lack.

Before any key is tried we read at most ``max_header_bytes`` and check the header's shape:
the version line, at most ``max_stanzas`` stanzas, line lengths, canonical base64, the body
lines every stanza must end with, and the MAC line. ASCII armor is not accepted: bundles are
binary.

The format is implemented here on ``cryptography``'s primitives (X25519, HKDF-SHA256,
HMAC-SHA256, ChaCha20-Poly1305; the payload's STREAM in ``vault.stream``) rather than
through pyrage, which spent five times the CPU on the same payload and made bundles the
slow part of moving attachments. The C2SP CCTV test vectors and round trips with the stock
``age`` tool and pyrage hold it to the specification (tests/bundle).

Decryption streams: each authenticated 64 KiB chunk is handed on at once. A truncated or
altered payload is detected only when it is reached, after earlier chunks were released, so
consumers must not commit before ``decrypt`` returns.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hrd_field.core.i18n import _
from hrd_field.vault import stream as stream_cipher

from .errors import (
    Corrupt,
    HeaderTooLarge,
    NotABundle,
    NotForUs,
    ReadFailed,
    TooManyRecipients,
)
from .limits import DEFAULT_LIMITS, Limits

MAGIC = b"age-encryption.org/v1\n"
ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
NONCE_SIZE = 16
CHUNK_SIZE = stream_cipher.CHUNK_SIZE
TAG_SIZE = stream_cipher.TAG_SIZE
BODY_COLUMNS = 64
FILE_KEY_SIZE = 16
READ_BLOCK = 4 * stream_cipher.SEALED_CHUNK
_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_VCHAR = frozenset(range(0x21, 0x7F))
_X25519_LABEL = b"age-encryption.org/v1/X25519"
_IDENTITY_HRP = "AGE-SECRET-KEY-"
_RECIPIENT_HRP = "age"


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


@dataclass(frozen=True)
class Stanza:
    args: tuple[str, ...]  # the type first
    body: bytes


@dataclass(frozen=True)
class AgeHeader:
    raw: bytes  # from the version line to the MAC line's newline, inclusive
    stanzas: tuple[Stanza, ...]
    mac: bytes

    @property
    def stanza_types(self) -> tuple[str, ...]:
        return tuple(s.args[0] for s in self.stanzas)


# -- keys: age's Bech32 encodings ---------------------------------------------------------------

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: Iterable[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, g in enumerate(_GENERATOR):
            if (top >> i) & 1:
                check ^= g
    return check


def _hrp_values(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _bech32_decode(text: str) -> tuple[str, bytes]:
    """Bech32 (BIP 173, without its length limit, as age uses it); one case throughout."""
    if text.lower() != text and text.upper() != text:
        raise ValueError("mixed case")
    lower = text.lower()
    pos = lower.rfind("1")
    if pos < 1 or pos + 7 > len(lower) or any(not 33 <= ord(c) <= 126 for c in lower):
        raise ValueError("not Bech32")
    hrp = lower[:pos]
    try:
        values = [_CHARSET.index(c) for c in lower[pos + 1 :]]
    except ValueError:
        raise ValueError("not Bech32") from None
    if _polymod(_hrp_values(hrp) + values) != 1:
        raise ValueError("bad checksum")
    acc = bits = 0
    out = bytearray()
    for value in values[:-6]:
        acc = (acc << 5) | value
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    if bits >= 5 or acc & ((1 << bits) - 1):
        raise ValueError("bad padding")
    return (text[:pos], bytes(out))


def _bech32_encode(hrp: str, data: bytes) -> str:
    values: list[int] = []
    acc = bits = 0
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            values.append((acc >> bits) & 31)
    if bits:
        values.append((acc << (5 - bits)) & 31)
    lower = hrp.lower()
    check = _polymod(_hrp_values(lower) + values + [0] * 6) ^ 1
    values += [(check >> 5 * (5 - i)) & 31 for i in range(6)]
    text = lower + "1" + "".join(_CHARSET[v] for v in values)
    return text.upper() if hrp.isupper() else text


def _key(text: str, hrp: str, what: str) -> bytes:
    try:
        found, key = _bech32_decode(text)
    except ValueError as exc:
        raise ValueError(what) from exc
    if found != hrp or len(key) != 32:
        raise ValueError(what)
    return key


def parse_identity(text: str) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_key(
        text.strip(), _IDENTITY_HRP, "not an age X25519 identity (AGE-SECRET-KEY-1…)"))


def parse_recipient(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(_key(
        text, _RECIPIENT_HRP, "not an age X25519 recipient (age1…)"))


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes_raw()


def recipient_of(identity_text: str) -> str:
    """The ``age1…`` recipient string of an ``AGE-SECRET-KEY-1…`` identity."""
    return _bech32_encode(_RECIPIENT_HRP, _raw(parse_identity(identity_text).public_key()))


def new_identity() -> str:
    """A fresh ``AGE-SECRET-KEY-1…`` identity."""
    return _bech32_encode(_IDENTITY_HRP, X25519PrivateKey.generate().private_bytes_raw())


# -- reading the header -------------------------------------------------------------------------


def _read_up_to(source: BinaryIO, size: int) -> bytes:
    """Read ``size`` bytes or until EOF, however short the reads of the source are."""
    parts: list[bytes] = []
    missing = size
    try:
        while missing > 0:
            part = source.read(missing)
            if not part:
                break
            parts.append(part)
            missing -= len(part)
    except OSError as exc:
        raise ReadFailed(reason=exc.strerror or type(exc).__name__) from exc
    return b"".join(parts)


def read_header(source: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> tuple[AgeHeader, bytes]:
    """Read and check the header. Returns it and the bytes already read past it."""
    buf = _read_up_to(source, limits.max_header_bytes + NONCE_SIZE)
    return check_header(buf, limits), buf


def _b64(text: bytes) -> bytes:
    """Canonical unpadded base64, as age writes it (anything else is malformed)."""
    if not set(text) <= _B64 or len(text) % 4 == 1:
        raise Corrupt(reason=_("malformed header"))
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise Corrupt(reason=_("malformed header")) from None
    if base64.b64encode(data).rstrip(b"=") != text:
        raise Corrupt(reason=_("malformed header"))
    return data


def check_header(buf: bytes, limits: Limits = DEFAULT_LIMITS) -> AgeHeader:
    if not buf:
        raise NotABundle(reason=_("the file is empty"))
    if buf.startswith(ARMOR_BEGIN):
        raise NotABundle(reason=_("ASCII-armored age files are not accepted"))
    if not buf.startswith(MAGIC):
        raise NotABundle(reason=_("not an age v1 encrypted file"))
    lines = _Lines(buf, len(MAGIC), limits)
    stanzas: list[Stanza] = []
    while True:
        line = lines.next()
        if line.startswith(b"--- "):
            mac = line[4:]
            if len(mac) != 43:
                raise Corrupt(reason=_("malformed header"))
            return AgeHeader(raw=buf[: lines.pos], stanzas=tuple(stanzas), mac=_b64(mac))
        if not line.startswith(b"-> "):
            raise Corrupt(reason=_("malformed header"))
        if len(stanzas) >= limits.max_stanzas:
            raise TooManyRecipients(limit=limits.max_stanzas)
        args = line[3:].split(b" ")
        if any(not arg or not set(arg) <= _VCHAR for arg in args):
            raise Corrupt(reason=_("malformed header"))
        # The body is base64 wrapped at 64 columns and always ends with a shorter line
        # (possibly empty).
        body: list[bytes] = []
        while True:
            piece = lines.next()
            if len(piece) > BODY_COLUMNS:
                raise Corrupt(reason=_("malformed header"))
            body.append(piece)
            if len(piece) < BODY_COLUMNS:
                break
        stanzas.append(Stanza(tuple(a.decode("ascii") for a in args), _b64(b"".join(body))))


class _Lines:
    def __init__(self, buf: bytes, pos: int, limits: Limits) -> None:
        self._buf = buf
        self.pos = pos
        self._limits = limits

    def next(self) -> bytes:
        end = self._buf.find(b"\n", self.pos, self.pos + self._limits.max_stanza_line + 1)
        if end < 0:
            if len(self._buf) - self.pos > self._limits.max_stanza_line:
                raise HeaderTooLarge(limit=self._limits.max_stanza_line)
            if len(self._buf) >= self._limits.max_header_bytes:
                raise HeaderTooLarge(limit=self._limits.max_header_bytes)
            raise Corrupt(reason=_("the header is truncated"))
        if end + 1 > self._limits.max_header_bytes:
            raise HeaderTooLarge(limit=self._limits.max_header_bytes)
        line = self._buf[self.pos : end]
        self.pos = end + 1
        return line


# -- keys of one file ---------------------------------------------------------------------------


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _header_mac(file_key: bytes, header_without_mac: bytes) -> bytes:
    return hmac.digest(_hkdf(file_key, b"", b"header"), header_without_mac, "sha256")


def _unwrap(stanza: Stanza, identity: X25519PrivateKey) -> bytes | None:
    """The file key if this X25519 stanza is for ``identity``, None if it is for another."""
    if len(stanza.args) != 2:
        raise Corrupt(reason=_("malformed header"))
    share = _b64(stanza.args[1].encode("ascii"))
    if len(share) != 32 or len(stanza.body) != FILE_KEY_SIZE + TAG_SIZE:
        raise Corrupt(reason=_("malformed header"))
    try:
        shared = identity.exchange(X25519PublicKey.from_public_bytes(share))
    except ValueError:  # a low-order share gives the all-zero secret: refused by the spec
        raise Corrupt(reason=_("malformed header")) from None
    if not any(shared):
        raise Corrupt(reason=_("malformed header"))
    wrap = _hkdf(shared, share + _raw(identity.public_key()), _X25519_LABEL)
    try:
        return ChaCha20Poly1305(wrap).decrypt(b"\x00" * 12, stanza.body, None)
    except InvalidTag:
        return None


def _file_key(header: AgeHeader, identity: X25519PrivateKey) -> bytes | None:
    """The file key ``identity`` opens in this header (its MAC checked), or None."""
    found = None
    for stanza in header.stanzas:
        if stanza.args[0] != "X25519":
            continue  # other recipient types (and rage's random "grease") are not ours
        found = _unwrap(stanza, identity)
        if found is not None:
            break
    if found is None:
        return None
    expected = _header_mac(found, header.raw[: header.raw.rindex(b"--- ") + 3])
    if not hmac.compare_digest(expected, header.mac):
        raise Corrupt(reason=_("header authentication failed"))
    return found


def find_identity(header: AgeHeader, after_header: bytes, identities: Sequence[str]) -> str:
    """Return the first identity that opens the header; raise ``NotForUs`` if none does."""
    if len(after_header) < NONCE_SIZE:
        raise Corrupt(reason=_("the file is truncated"))
    for text in identities:
        if _file_key(header, parse_identity(text)) is not None:
            return text
    raise NotForUs()


# -- the payload --------------------------------------------------------------------------------


def decrypt_from(
    header: AgeHeader,
    prefix: bytes,
    source: BinaryIO,
    identity: str,
    consume: Callable[[bytes], None],
) -> None:
    """Stream the plaintext to ``consume``, after ``read_header`` and ``find_identity``.

    The payload was authenticated to its final chunk only if this returns. Exceptions
    raised by ``consume`` propagate unchanged; everything else becomes a ``BundleError``.
    """
    file_key = _file_key(header, parse_identity(identity))
    if file_key is None:
        raise NotForUs()
    after = prefix[len(header.raw) :]
    if len(after) < NONCE_SIZE:
        raise Corrupt(reason=_("the file is truncated"))
    opener = stream_cipher.Opener(_hkdf(file_key, after[:NONCE_SIZE], b"payload"), consume)
    try:
        opener.update(after[NONCE_SIZE:])
        while True:
            try:
                data = source.read(READ_BLOCK)
            except OSError as exc:
                raise ReadFailed(reason=exc.strerror or type(exc).__name__) from exc
            if not data:
                break
            opener.update(data)
        opener.finish()
    except stream_cipher.StreamError as exc:
        raise Corrupt(reason=_("encrypted data truncated or altered")) from exc


def decrypt(
    source: BinaryIO,
    identities: Sequence[str],
    consume: Callable[[bytes], None],
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Check the header, pick the identity, stream the plaintext to ``consume``.

    Returns the recipient (``age1…``) of the identity used.
    """
    if not identities:
        raise ValueError("at least one identity is needed")
    header, prefix = read_header(source, limits)
    chosen = find_identity(header, prefix[len(header.raw) :], identities)
    decrypt_from(header, prefix, source, chosen, consume)
    return recipient_of(chosen)


# -- writing ------------------------------------------------------------------------------------


def _wrapped_lines(data: bytes) -> bytes:
    text = base64.b64encode(data).rstrip(b"=")
    lines = [text[i : i + BODY_COLUMNS] for i in range(0, len(text), BODY_COLUMNS)]
    if not lines or len(lines[-1]) == BODY_COLUMNS:
        lines.append(b"")  # the body always ends with a short line
    return b"".join(line + b"\n" for line in lines)


def _header(file_key: bytes, recipients: Sequence[X25519PublicKey]) -> bytes:
    parts = [MAGIC]
    for recipient in recipients:
        ephemeral = X25519PrivateKey.generate()
        share = _raw(ephemeral.public_key())
        shared = ephemeral.exchange(recipient)  # ValueError for a low-order recipient
        wrap = _hkdf(shared, share + _raw(recipient), _X25519_LABEL)
        body = ChaCha20Poly1305(wrap).encrypt(b"\x00" * 12, file_key, None)
        parts.append(b"-> X25519 " + base64.b64encode(share).rstrip(b"=") + b"\n")
        parts.append(_wrapped_lines(body))
    parts.append(b"---")
    head = b"".join(parts)
    mac = base64.b64encode(_header_mac(file_key, head)).rstrip(b"=")
    return head + b" " + mac + b"\n"


def encrypt(chunks: Iterable[bytes | memoryview], out: Writable,
            recipients: Sequence[str]) -> None:
    """Encrypt the concatenated ``chunks`` with age to ``out``.

    Exceptions from the iterator and from ``out.write`` (e.g. ENOSPC) propagate unchanged.
    """
    if not recipients:
        raise ValueError("at least one recipient is needed")
    parsed = [parse_recipient(r) for r in recipients]
    file_key = os.urandom(FILE_KEY_SIZE)
    nonce = os.urandom(NONCE_SIZE)
    out.write(_header(file_key, parsed))
    out.write(nonce)
    sealer = stream_cipher.Sealer(_hkdf(file_key, nonce, b"payload"), out.write)
    for chunk in chunks:
        sealer.update(chunk)
    sealer.finish()
    out.flush()


def encrypted_size(plaintext_size: int, header_size: int) -> int:
    """Exact size of an age file: header, nonce, and 16 bytes of tag per 64 KiB chunk."""
    return header_size + NONCE_SIZE + stream_cipher.sealed_size(plaintext_size)


def max_header_size(recipients: int) -> int:
    """Upper bound on the header: X25519 stanzas (ours write no "grease" stanza, but files
    from other age tools may carry one)."""
    x25519_stanza = len("-> X25519 ") + 43 + 1 + 43 + 1
    grease = 256
    return len(MAGIC) + recipients * x25519_stanza + grease + len("--- ") + 43 + 1
