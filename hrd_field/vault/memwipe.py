"""Overwrite secrets in memory once they are no longer needed.

Python gives no guarantee here: ``bytes`` and ``str`` are immutable, the allocator reuses
freed memory without clearing it, and the garbage collector may have made copies. This
module zeroes, in place, the buffers we know held a key (the data key as returned by the
key slot, its hex form in the key PRAGMA) so that a memory image taken after the vault is
locked does not find them there. docs/security.md ("Keys in memory") says what it cannot
reach.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
from collections.abc import Iterator

_BYTES_DATA = sys.getsizeof(b"") - 1  # offset of the payload in a CPython bytes object
_ASCII_DATA = sys.getsizeof("") - 1  # offset of the payload in a compact ASCII str


def wipe(secret: bytes | bytearray | str) -> None:
    """Zero ``secret``'s buffer in place. Only for objects made for one secret (never a
    literal or an interned string: those are shared)."""
    if isinstance(secret, bytearray):
        ctypes.memset((ctypes.c_char * len(secret)).from_buffer(secret), 0, len(secret))
    elif isinstance(secret, bytes) and len(secret) > 1:
        ctypes.memset(id(secret) + _BYTES_DATA, 0, len(secret))
    elif isinstance(secret, str) and len(secret) > 1 and secret.isascii():
        ctypes.memset(id(secret) + _ASCII_DATA, 0x30, len(secret))  # '0's: still valid text


@contextlib.contextmanager
def copy_of(secret: bytearray) -> Iterator[bytes]:
    """``secret`` as ``bytes`` for an API that takes nothing else, zeroed when done."""
    copy = bytes(secret)
    try:
        yield copy
    finally:
        wipe(copy)
