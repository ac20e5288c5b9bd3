"""STREAM: a long plaintext sealed in 64 KiB chunks with AES-256-GCM.

This is the construction of age v1's payload (https://age-encryption.org/v1): chunk ``i``
is sealed under the nonce ``i`` (11 bytes, big-endian) followed by a flag byte, 1 on the
final chunk and 0 before it. A reordered, dropped or duplicated chunk fails its tag, and so
does a stream cut at a chunk boundary (no chunk carries the final flag) or extended past
its final chunk. The final chunk may be empty only when it is the first.

The vault uses it for its attachment files, each under its own random key, so a nonce never
repeats under a key. Data is pushed in and sealed or opened chunks come back through a
callback, so memory stays at one chunk whatever the size. The AEAD is OpenSSL's through
``cryptography`` (AES-GCM: every laptop and server of the last decade has AES instructions).
Bundles do not use this module: their age layer is pyrage's (bundle/agefile.py), the
format's maintained implementation, which other parties verify.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
SEALED_CHUNK = CHUNK_SIZE + TAG_SIZE
KEY_SIZE = 32
_MAX_COUNTER = 1 << 88




class StreamError(Exception):
    """A chunk failed authentication, or the stream is cut short or runs past its end."""


def sealed_size(plaintext_size: int) -> int:
    """Bytes of the sealed stream (without whatever header its format puts before it)."""
    return plaintext_size + max(1, -(-plaintext_size // CHUNK_SIZE)) * TAG_SIZE


def _nonce(counter: int, last: bool) -> bytes:
    if counter >= _MAX_COUNTER:
        raise StreamError("stream too long")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _feed(pending: bytearray, data: bytes | bytearray | memoryview, size: int,
          handle: Callable[[bytearray | memoryview], None]) -> None:
    """Give ``handle`` each full ``size`` piece of ``pending`` + ``data`` that more data
    follows, keeping the rest (at most ``size`` bytes) in ``pending``. Whole pieces are
    handed straight from ``data``: only a tail is copied."""
    with memoryview(data) as view:
        rest = view.cast("B") if view.format != "B" or view.ndim != 1 else view
        if pending:
            if len(pending) + len(rest) <= size:
                pending += rest
                return
            fill = size - len(pending)
            pending += rest[:fill]
            rest = rest[fill:]
            handle(pending)
            pending.clear()
        while len(rest) > size:
            handle(rest[:size])
            rest = rest[size:]
        pending += rest
        rest.release()


class _Chunks:
    """Chunk ``n`` of a stream under one key, handed on to ``emit``."""

    def __init__(self, key: bytes | bytearray, emit: Callable[[bytes], Any]) -> None:
        self._aead = AESGCM(bytes(key))
        self._emit = emit
        self._pending = bytearray()
        self._counter = 0


class Sealer(_Chunks):
    """Seal pushed plaintext; ``emit`` receives each sealed chunk in order."""

    def update(self, data: bytes | bytearray | memoryview) -> None:
        # A full chunk is sealed only once more data follows: the last one carries the flag.
        _feed(self._pending, data, CHUNK_SIZE, self._seal)

    def _seal(self, chunk: bytes | bytearray | memoryview) -> None:
        self._emit(self._aead.encrypt(_nonce(self._counter, False), chunk, None))
        self._counter += 1

    def finish(self) -> None:
        self._emit(self._aead.encrypt(_nonce(self._counter, True), bytes(self._pending), None))
        self._pending.clear()
        self._counter += 1


class Opener(_Chunks):
    """Open pushed sealed bytes; ``emit`` receives each authenticated plaintext chunk as soon
    as it is known not to be the last one (the final chunk comes at ``finish``)."""

    def _open(self, sealed: bytes | bytearray | memoryview, last: bool) -> bytes:
        try:
            return self._aead.decrypt(_nonce(self._counter, last), sealed, None)
        except InvalidTag:
            raise StreamError("a chunk failed authentication") from None

    def update(self, data: bytes | bytearray | memoryview) -> None:
        _feed(self._pending, data, SEALED_CHUNK, self._open_inner)

    def _open_inner(self, sealed: bytes | bytearray | memoryview) -> None:
        """A full chunk followed by more data: it must not be the final one."""
        try:
            plain = self._open(sealed, False)
        except StreamError:
            # The final chunk followed by more data: released as age's reference reader
            # does, then refused.
            self._emit(self._open(sealed, True))
            raise StreamError("data after the final chunk") from None
        self._counter += 1
        self._emit(plain)

    def finish(self) -> None:
        """The stream ended: open the final chunk (raises ``StreamError`` if it is not)."""
        if len(self._pending) < TAG_SIZE:
            raise StreamError("the stream is truncated")
        if len(self._pending) == TAG_SIZE and self._counter > 0:
            raise StreamError("an empty final chunk after others")
        sealed = bytes(self._pending)
        self._pending.clear()
        try:
            plain = self._open(sealed, True)
        except StreamError:
            if len(sealed) != SEALED_CHUNK:
                raise
            # A full chunk that is not flagged final: release it as age's reference reader
            # does (nothing may be committed before the end anyway), then say it is cut.
            self._emit(self._open(sealed, False))
            raise StreamError("the stream is truncated") from None
        self._emit(plain)


def open_chunks(key: bytes | bytearray, read: Callable[[int], bytes],
                block: int = 16 * SEALED_CHUNK) -> Iterator[bytes]:
    """The plaintext of the sealed stream ``read`` returns, chunk by chunk (pull style)."""
    ready: list[bytes] = []
    opener = Opener(key, ready.append)
    while True:
        data = read(block)
        if not data:
            break
        opener.update(data)
        yield from ready
        ready.clear()
    opener.finish()
    yield from ready
