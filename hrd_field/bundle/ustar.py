"""The POSIX ustar subset bundles use: regular files only, short names, no extensions.

Writing uses the standard library's header encoder. Reading is a small push parser (fed
whatever chunk sizes the decryptor produces) that accepts only what the writer makes:
a regular-file header with a valid checksum, POSIX magic, no prefix, no link name, an octal
size; then the end-of-archive marker and zero padding. Everything else is an error, so no
pax/GNU extension, link, device or path trick reaches the bundle logic.
"""

from __future__ import annotations

import tarfile
from typing import Protocol

from hrd_field.core.i18n import _

from .errors import Corrupt, TooLarge, UnexpectedMember, printable

BLOCK = 512
RECORD = 20 * BLOCK  # tar's default blocking factor; GNU tar and tarfile pad to it
END_OF_ARCHIVE = bytes(2 * BLOCK)
_MAX_OCTAL_SIZE = 8**11 - 1  # 11 octal digits: 8 GiB - 1
_REGULAR = (b"0", b"\0")


def member_header(name: str, size: int, mtime: int) -> bytes:
    """A ustar header for a regular file owned by nobody in particular, mode 0600."""
    if size > _MAX_OCTAL_SIZE:
        raise ValueError("member too large for ustar")
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    info.type = tarfile.REGTYPE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    header = info.tobuf(format=tarfile.USTAR_FORMAT, encoding="utf-8", errors="strict")
    assert len(header) == BLOCK
    return header


def padding(size: int) -> bytes:
    return bytes(-size % BLOCK)


def archive_size(member_sizes: list[int]) -> int:
    """Exact size of the archive the writer produces for members of these sizes."""
    body = sum(BLOCK + size + (-size % BLOCK) for size in member_sizes) + len(END_OF_ARCHIVE)
    return body + (-body % RECORD)


def end_of_archive(written: int) -> bytes:
    """End marker plus zero padding to a whole record, given the bytes written so far."""
    total = written + len(END_OF_ARCHIVE)
    return END_OF_ARCHIVE + bytes(-total % RECORD)


def _all_zero(view: memoryview) -> bool:
    return not view.tobytes().strip(b"\0")


class TarEvents(Protocol):
    def member_start(self, name: str, size: int) -> None: ...
    def member_data(self, chunk: memoryview) -> None: ...
    def member_end(self) -> None: ...
    def archive_end(self) -> None: ...


def _octal(field: bytes) -> int:
    digits = field.rstrip(b"\0 ")
    # Reject base-256 (GNU) sizes, signs and blanks: only plain octal digits.
    if not digits or any(ch not in b"01234567" for ch in digits.lstrip(b" ")):
        raise ValueError("not an octal number")
    return int(digits, 8)


def parse_header(block: bytes) -> tuple[str, int]:
    """Return (name, size) of a regular-file header or raise."""
    broken = Corrupt(reason=_("malformed archive header"))
    try:
        checksum = _octal(block[148:156])
    except ValueError:
        raise broken from None
    computed = sum(block[:148]) + 8 * 32 + sum(block[156:])
    if checksum != computed or block[257:265] != b"ustar\x0000":
        raise broken
    raw_name, _nul, rest = block[0:100].partition(b"\0")
    try:
        name = raw_name.decode("ascii")
    except UnicodeDecodeError:
        name = repr(raw_name)
    if block[156:157] not in _REGULAR:
        raise UnexpectedMember(
            name=printable(name), reason=_("not a regular file (type {type})").format(
                type=printable(block[156:157]))
        )
    if block[345:500].strip(b"\0") or block[157:257].strip(b"\0") or rest.strip(b"\0"):
        raise UnexpectedMember(name=printable(name), reason=_("path prefix or link name set"))
    try:
        size = _octal(block[124:136])
    except ValueError:
        raise broken from None
    return name, size


class UstarParser:
    """Push parser: ``feed`` any chunks, then ``close`` once the stream ended."""

    def __init__(self, events: TarEvents, max_trailing_zeros: int) -> None:
        self._events = events
        self._max_trailing = max_trailing_zeros
        self._header = bytearray()
        self._remaining = 0  # data bytes left in the current member
        self._pad = 0  # padding bytes left after the current member
        self._in_member = False
        self._zero_blocks = 0
        self._trailing = 0
        self._ended = False
        self.members_seen = 0

    @property
    def ended(self) -> bool:
        return self._ended

    def feed(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        while view:
            if self._ended:
                self._trailer(view)
                return
            if self._in_member:
                take = min(self._remaining, len(view))
                if take:
                    self._events.member_data(view[:take])
                    self._remaining -= take
                    view = view[take:]
                if self._remaining == 0:
                    self._in_member = False
                    self._events.member_end()
                continue
            if self._pad:
                take = min(self._pad, len(view))
                # Padding is never read by tools, but must not smuggle data either.
                if not _all_zero(view[:take]):
                    raise Corrupt(reason=_("non-zero archive padding"))
                self._pad -= take
                view = view[take:]
                continue
            take = min(BLOCK - len(self._header), len(view))
            self._header += view[:take]
            view = view[take:]
            if len(self._header) == BLOCK:
                block = bytes(self._header)
                self._header.clear()
                self._block(block)

    def _block(self, block: bytes) -> None:
        if not any(block):
            self._zero_blocks += 1
            if self._zero_blocks == 2:
                self._ended = True
                self._events.archive_end()
            return
        if self._zero_blocks:
            raise Corrupt(reason=_("a lone zero block inside the archive"))
        name, size = parse_header(block)
        self.members_seen += 1
        self._events.member_start(name, size)
        self._remaining = size
        self._pad = -size % BLOCK
        self._in_member = True
        if size == 0:
            self._in_member = False
            self._events.member_end()

    def _trailer(self, view: memoryview) -> None:
        self._trailing += len(view)
        if not _all_zero(view):
            raise UnexpectedMember(name="-", reason=_("data after the end of the archive"))
        if self._trailing > self._max_trailing:
            raise TooLarge(
                what=_("archive padding"), size=self._trailing, limit=self._max_trailing
            )

    def close(self) -> None:
        """The plaintext ended: raise unless it ended exactly at the end of the archive."""
        if not self._ended:
            raise Corrupt(reason=_("the archive is truncated"))
