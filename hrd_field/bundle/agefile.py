"""The outer layer: age v1 (X25519 recipients) through pyrage, with the checks pyrage lacks.

Before pyrage sees a byte we read at most ``max_header_bytes`` and check the header's
shape: the version line, at most ``max_stanzas`` stanzas (pyrage's header parser is
quadratic: thousands of stanzas took minutes), line lengths, the body lines every stanza
must end with (pyrage accepts a stanza without one), and the MAC line. ASCII armor is not
accepted: bundles are binary.

pyrage does not say which identity opened a file, but the recipient binding needs it, so
each identity is tried on the header alone (plus the payload nonce): a matching identity
gets past the header and fails on the missing payload, another gets "no matching keys".

pyrage reads and writes 8 KiB at a time (its ``BufReader``/``BufWriter``) through the
objects it is given: these are the standard library's C buffered streams of ``IO_BLOCK``
bytes, so our Python (the source, and behind the plaintext the tar parser, hash, sink and
sealing) runs once per block instead of once or twice per 8 KiB (that overhead was a third
of an import with attachments, and slowed pyrage itself). Decryption streams: each block
of authenticated plaintext is handed on when full; what was gathered when pyrage stops at a
bad chunk is still handed on before the error, as age's reference reader releases it. A
truncated or altered payload is detected only when pyrage reaches it, after earlier blocks
were released, so consumers must not commit before ``decrypt`` returns. Payload errors
come as ``OSError``, header errors as ``pyrage.DecryptError``.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

import pyrage

from hrd_field.core.i18n import _

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
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
IO_BLOCK = 1 << 18
BODY_COLUMNS = 64
_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_VCHAR = frozenset(range(0x21, 0x7F))
# pyrage 1.4 messages (pinned; the reader tests fail loudly if they change).
_NO_MATCH = "No matching keys found"
_HEADER_MAC = "Header MAC is invalid"


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


@dataclass(frozen=True)
class AgeHeader:
    raw: bytes  # from the version line to the MAC line's newline, inclusive
    stanza_types: tuple[str, ...]


def parse_identity(text: str) -> object:
    try:
        return pyrage.x25519.Identity.from_str(text.strip())
    except Exception as exc:  # pyrage raises its own IdentityError type
        raise ValueError("not an age X25519 identity (AGE-SECRET-KEY-1…)") from exc


def recipient_of(identity_text: str) -> str:
    """The ``age1…`` recipient string of an ``AGE-SECRET-KEY-1…`` identity."""
    return str(parse_identity(identity_text).to_public())  # type: ignore[attr-defined]


def parse_recipient(text: str) -> object:
    try:
        return pyrage.x25519.Recipient.from_str(text)
    except Exception as exc:
        raise ValueError("not an age X25519 recipient (age1…)") from exc


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


def check_header(buf: bytes, limits: Limits = DEFAULT_LIMITS) -> AgeHeader:
    if not buf:
        raise NotABundle(reason=_("the file is empty"))
    if buf.startswith(ARMOR_BEGIN):
        raise NotABundle(reason=_("ASCII-armored age files are not accepted"))
    if not buf.startswith(MAGIC):
        raise NotABundle(reason=_("not an age v1 encrypted file"))
    lines = _Lines(buf, len(MAGIC), limits)
    types: list[str] = []
    while True:
        line = lines.next()
        if line.startswith(b"--- "):
            mac = line[4:]
            if len(mac) != 43 or not set(mac) <= _B64:
                raise Corrupt(reason=_("malformed header"))
            return AgeHeader(raw=buf[: lines.pos], stanza_types=tuple(types))
        if not line.startswith(b"-> "):
            raise Corrupt(reason=_("malformed header"))
        if len(types) >= limits.max_stanzas:
            raise TooManyRecipients(limit=limits.max_stanzas)
        args = line[3:].split(b" ")
        if any(not arg or not set(arg) <= _VCHAR for arg in args):
            raise Corrupt(reason=_("malformed header"))
        types.append(args[0].decode("ascii"))
        # The body is base64 wrapped at 64 columns and always ends with a shorter line
        # (possibly empty).
        while True:
            body = lines.next()
            if len(body) > BODY_COLUMNS or not set(body) <= _B64:
                raise Corrupt(reason=_("malformed header"))
            if len(body) < BODY_COLUMNS:
                break


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


def find_identity(header: AgeHeader, after_header: bytes, identities: Sequence[str]) -> str:
    """Return the first identity that opens the header; raise ``NotForUs`` if none does."""
    if len(after_header) < NONCE_SIZE:
        raise Corrupt(reason=_("the file is truncated"))
    probe = header.raw + after_header[:NONCE_SIZE]
    for text in identities:
        identity = parse_identity(text)
        try:
            pyrage.decrypt(probe, [identity])
        except (pyrage.DecryptError, OSError) as exc:
            message = str(exc)
            if message == _NO_MATCH:
                continue
            if message == _HEADER_MAC:
                raise Corrupt(reason=_("header authentication failed")) from exc
            if "truncated" not in message:
                raise Corrupt(reason=_("malformed header")) from exc
        return text
    raise NotForUs()


class _Replay(io.RawIOBase):
    """The source as pyrage reads it: the bytes the pre-check consumed, then the rest.
    Read through a C ``BufferedReader`` of ``IO_BLOCK`` bytes: pyrage's 8 KiB reads run
    no Python, this runs once per block."""

    def __init__(self, prefix: bytes, source: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._source = source
        self.error: OSError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        if self._prefix:
            n = min(len(target), len(self._prefix))
            target[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        try:
            data = self._source.read(len(target))
        except OSError as exc:
            self.error = exc
            raise
        target[: len(data)] = data
        return len(data)


class _Plaintext(io.RawIOBase):
    """Where pyrage's plaintext goes, through a C ``BufferedWriter`` of ``IO_BLOCK`` bytes
    that gathers pyrage's 8 KiB pieces: the consumer gets one view (valid during the call
    only) per block. Remembers the consumer's own exception; once it raised, the rest is
    dropped (the buffer's own flush on close must not raise it again)."""

    def __init__(self, consume: Callable[[memoryview], None]) -> None:
        self._consume = consume
        self.error: BaseException | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.error is None:
            try:
                self._consume(memoryview(data))
            except BaseException as exc:
                self.error = exc
                raise
        return len(data)


def decrypt_from(
    header: AgeHeader,
    prefix: bytes,
    source: BinaryIO,
    identity: str,
    consume: Callable[[memoryview], None],
) -> None:
    """Stream the plaintext to ``consume``, after ``read_header`` and ``find_identity``.

    ``consume`` gets views of a reused buffer, valid only during the call (copy what you
    keep). The payload was authenticated to its final chunk only if this returns.
    Exceptions raised by ``consume`` propagate unchanged; everything else becomes a
    ``BundleError``.
    """
    del header  # read_header must have checked it; pyrage re-reads it from the prefix
    reader = _Replay(prefix, source)
    writer = _Plaintext(consume)
    plaintext = io.BufferedWriter(writer, IO_BLOCK)
    try:
        pyrage.decrypt_io(io.BufferedReader(reader, IO_BLOCK), plaintext,
                          [parse_identity(identity)])
    except Exception as exc:
        # What pyrage authenticated before it stopped goes on first: the consumer's own
        # verdict on it (a bad member, say) comes before "truncated or altered".
        with contextlib.suppress(Exception):
            plaintext.flush()
        if writer.error is not None:
            raise writer.error from None
        if reader.error is not None:
            raise ReadFailed(reason=reader.error.strerror or type(reader.error).__name__) from exc
        if isinstance(exc, (pyrage.DecryptError, OSError)):
            raise Corrupt(reason=_("encrypted data truncated or altered")) from exc
        raise
    try:
        plaintext.flush()
    except Exception:
        if writer.error is not None:
            raise writer.error from None
        raise
    if writer.error is not None:  # raised in a write whose failure pyrage did not report
        raise writer.error


def decrypt(
    source: BinaryIO,
    identities: Sequence[str],
    consume: Callable[[memoryview], None],
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


class _Chunks(io.RawIOBase):
    """The plaintext to encrypt, from an iterator of byte chunks, read by pyrage through a
    C ``BufferedReader`` (its 8 KiB reads run no Python; this runs once per block)."""

    def __init__(self, chunks: Iterator[bytes | memoryview], errors: _Errors) -> None:
        self._chunks = chunks
        self._current = memoryview(b"")
        self._errors = errors

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        try:
            while not self._current:
                chunk = next(self._chunks, None)
                if chunk is None:
                    return 0
                self._current = memoryview(chunk).cast("B")
        except BaseException as exc:
            self._errors.first = self._errors.first or exc
            raise
        n = min(len(target), len(self._current))
        target[:n] = self._current[:n]
        self._current = self._current[n:]
        return n


class _Errors:
    """pyrage wraps Python exceptions raised in ``read``/``write`` into its own error types
    (EncryptError("OSError: ...")): keep the original so callers see e.g. ENOSPC as it is."""

    first: BaseException | None = None


class _Out:
    def __init__(self, out: Writable, errors: _Errors) -> None:
        self._out = out
        self._errors = errors

    def write(self, data: bytes) -> int:
        try:
            return self._out.write(data)
        except BaseException as exc:
            self._errors.first = self._errors.first or exc
            raise

    def flush(self) -> None:
        self._out.flush()


def encrypt(chunks: Iterable[bytes | memoryview], out: Writable,
            recipients: Sequence[str]) -> None:
    """Stream the concatenation of ``chunks`` through age to ``out`` (pyrage writes whole
    64 KiB chunks of ciphertext: ``out`` needs no buffer of its own).

    Exceptions from ``chunks`` and from ``out.write`` (e.g. ENOSPC) propagate unchanged.
    """
    parsed = [parse_recipient(r) for r in recipients]
    errors = _Errors()
    source = io.BufferedReader(_Chunks(iter(chunks), errors), IO_BLOCK)
    try:
        pyrage.encrypt_io(source, _Out(out, errors), parsed)
    except Exception:
        if errors.first is not None:
            raise errors.first from None
        raise
    if errors.first is not None:
        raise errors.first


def encrypted_size(plaintext_size: int, header_size: int) -> int:
    """Exact size of an age file: header, nonce, and 16 bytes of tag per 64 KiB chunk."""
    chunks = max(1, -(-plaintext_size // CHUNK_SIZE))
    return header_size + NONCE_SIZE + plaintext_size + chunks * TAG_SIZE


def max_header_size(recipients: int) -> int:
    """Upper bound on the header pyrage writes: X25519 stanzas plus one grease stanza."""
    x25519_stanza = len("-> X25519 ") + 43 + 1 + 43 + 1
    # rage adds a random "grease" stanza: a first line of at most ~70 bytes and a body of
    # at most 100 bytes (3 lines); measured maximum 182 bytes over 3000 files.
    grease = 256
    return len(MAGIC) + recipients * x25519_stanza + grease + len("--- ") + 43 + 1

