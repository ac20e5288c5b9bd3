"""The hardened reader: decrypt, verify and hand over a bundle without trusting any of it.

Order of checks (each failure raises a ``BundleError`` with its own ``code``):

1. age header pre-check on at most 64 KiB (size, stanza count, line shapes) — before pyrage;
2. which identity opens it (``not_for_us`` if none);
3. streaming decryption into a ustar push parser, in this thread: no plaintext on disk;
4. ``manifest.json`` (≤ 1 MiB, strict canonical JSON) then ``manifest.json.minisig``:
   signature by the manifest's device key; the identity's recipient must be listed in the
   manifest (a signed bundle re-encrypted to someone else is ``recipient_mismatch``);
   then ``sink.accept_manifest`` (the caller's trust decision);
5. members exactly in manifest order, sizes checked at each header, hashes at each end;
6. the end-of-archive marker, zero padding only, and age's final-chunk authentication.

Only when ``read_bundle`` returns is the bundle complete; see ``sink`` for the contract.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from contextlib import ExitStack
from typing import BinaryIO

from hrd_field.core.i18n import _

from . import agefile, minisign, ustar
from . import manifest as manifest_mod
from .errors import (
    BadSignature,
    Corrupt,
    MemberMismatch,
    MissingMember,
    NotABundle,
    ReadFailed,
    RecipientMismatch,
    TooLarge,
    UnexpectedMember,
    printable,
)
from .hashing import BackgroundSha256
from .limits import DEFAULT_LIMITS, Limits
from .manifest import MANIFEST_NAME, SIGNATURE_NAME, Manifest
from .sink import BundleSink, VerifiedManifest

BACKGROUND_HASH_SIZE = 4 << 20
"""Attachments from this size on are hashed on another core (hashing.py)."""


def max_file_size(limits: Limits = DEFAULT_LIMITS) -> int:
    """The largest encrypted file these limits could ever accept (checked before reading)."""
    plaintext = (
        limits.max_total_bytes + limits.max_manifest_bytes + limits.max_signature_bytes
        + (limits.max_members + 3) * 2 * ustar.BLOCK + ustar.RECORD + limits.max_trailing_zeros
    )
    return agefile.encrypted_size(plaintext, limits.max_header_bytes)


def verify_manifest(
    manifest_bytes: bytes, signature: bytes, recipient: str, limits: Limits = DEFAULT_LIMITS,
    x25519_stanzas: int | None = None,
) -> VerifiedManifest:
    """Parse the manifest, check its signature by its own device key and the recipient.

    With ``x25519_stanzas`` (from the age header) the bundle must also be encrypted to
    exactly as many recipients as the manifest names: re-encrypted to HQ *and* someone
    else, it is refused. (Grease stanzas of other types do not count.)
    """
    manifest = manifest_mod.parse(manifest_bytes, limits)
    try:
        signature_text = signature.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadSignature(reason=_("malformed signature file")) from exc
    signer = minisign.PublicKey(
        raw=manifest.device_public_key,
        key_id=minisign.key_id_from_hex(manifest.device_key_id),
    )
    comment = minisign.verify(manifest_bytes, signature_text, signer)
    tokens = set(comment.split(" "))
    if f"bundle:{manifest.bundle_id}" not in tokens or f"seq:{manifest.sequence}" not in tokens:
        raise BadSignature(reason=_("the trusted comment does not match the manifest"))
    if recipient not in manifest.recipients:
        raise RecipientMismatch()
    if x25519_stanzas is not None and x25519_stanzas != len(manifest.recipients):
        raise RecipientMismatch()
    return VerifiedManifest(
        manifest=manifest,
        manifest_bytes=manifest_bytes,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        signer=signer,
        trusted_comment=comment,
        recipient=recipient,
    )


class _Assembler:
    """Tar events → checks against the manifest → sink calls."""

    def __init__(self, sink: BundleSink, limits: Limits) -> None:
        self._sink = sink
        self._limits = limits
        self.recipient = ""  # set once the identity is known, before any plaintext
        self.x25519_stanzas: int | None = None
        self._index = 0  # member position in the archive
        self._manifest_bytes = b""
        self.verified: VerifiedManifest | None = None
        self._buffer = bytearray()
        self._hash = hashlib.sha256()
        self._background: BackgroundSha256 | None = None  # the hash of a large attachment
        self._streamed = False
        self.complete = False

    @property
    def _manifest(self) -> Manifest:
        assert self.verified is not None
        return self.verified.manifest

    def _expected(self) -> str:
        if self._index == 0:
            return MANIFEST_NAME
        if self._index == 1:
            return SIGNATURE_NAME
        members = self._manifest.members
        position = self._index - 2
        return members[position].name if position < len(members) else ""

    def member_start(self, name: str, size: int) -> None:
        expected = self._expected()
        if name != expected:
            if self._index == 0:
                raise NotABundle(reason=_("no manifest inside the encryption"))
            if not expected:
                raise UnexpectedMember(name=printable(name), reason=_("not in the manifest"))
            raise UnexpectedMember(
                name=printable(name), reason=_("expected {expected}").format(expected=expected)
            )
        self._hash = hashlib.sha256()
        self._buffer.clear()
        self._streamed = False
        if self._index < 2:
            cap = self._limits.max_manifest_bytes if self._index == 0 else (
                self._limits.max_signature_bytes)
            if size > cap:
                raise TooLarge(what=name, size=size, limit=cap)
            return
        member = self._manifest.members[self._index - 2]
        if size != member.size:
            raise MemberMismatch(name=name, reason=_("size {size}, manifest says {expected}")
                                 .format(size=size, expected=member.size))
        if member.attachment_sha256 is not None:
            self._streamed = True
            if size >= BACKGROUND_HASH_SIZE:
                self._background = BackgroundSha256()
            self._sink.begin_attachment(member.sha256, size)

    def member_data(self, chunk: memoryview) -> None:
        if self._streamed:
            data = chunk.tobytes()  # the chunk's buffer is reused: hash and sink share a copy
            (self._background or self._hash).update(data)
            self._sink.attachment_data(data)
            return
        if self._index >= 2:
            self._hash.update(chunk)
        self._buffer += chunk

    def member_end(self) -> None:
        index = self._index
        self._index += 1
        if index == 0:
            self._manifest_bytes = bytes(self._buffer)
            return
        if index == 1:
            self.verified = verify_manifest(
                self._manifest_bytes, bytes(self._buffer), self.recipient, self._limits,
                self.x25519_stanzas
            )
            self._sink.accept_manifest(self.verified)
            return
        member = self._manifest.members[index - 2]
        digest = self._hash.hexdigest()
        if self._background is not None:
            digest, self._background = self._background.hexdigest(), None
        if digest != member.sha256:
            raise MemberMismatch(name=member.name, reason=_("SHA-256 differs"))
        if self._streamed:
            self._sink.end_attachment(member.sha256)
        else:
            self._sink.records(bytes(self._buffer))
            self._buffer = bytearray()

    def close(self) -> None:
        """Stop a background hash left running by an error."""
        if self._background is not None:
            self._background.abort()
            self._background = None

    def archive_end(self) -> None:
        missing = self._expected()
        if missing:
            raise MissingMember(name=missing)
        self.complete = True


class _Plaintext:
    """Feeds the tar parser; maps a malformed start of the archive to ``not_a_bundle``."""

    def __init__(self, assembler: _Assembler, limits: Limits) -> None:
        self._assembler = assembler
        self._parser = ustar.UstarParser(assembler, limits.max_trailing_zeros)

    def __call__(self, data: memoryview) -> None:
        try:
            self._parser.feed(data)
        except Corrupt as exc:
            if self._parser.members_seen == 0:
                raise NotABundle(reason=_("no archive inside the encryption")) from exc
            raise

    def close(self) -> None:
        if self._parser.members_seen == 0:
            raise NotABundle(reason=_("no archive inside the encryption"))
        if self._assembler.verified is None or not self._parser.ended:
            raise Corrupt(reason=_("the archive is truncated"))
        if not self._assembler.complete:
            raise MissingMember(name=_("end of archive"))


def read_bundle(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    identities: Sequence[str],
    sink: BundleSink,
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedManifest:
    """Decrypt, verify and hand a bundle to ``sink``; return its verified manifest.

    ``identities`` are ``AGE-SECRET-KEY-1…`` strings (a bad one raises ``ValueError``).
    Raises a ``BundleError`` for anything wrong with the bundle; exceptions raised by the
    sink propagate unchanged. The bundle is complete and intact only if this returns.
    """
    if not identities:
        raise ValueError("read_bundle needs at least one age identity")
    for identity in identities:
        agefile.parse_identity(identity)  # a configuration error, not the bundle's fault
    with ExitStack() as stack:
        if isinstance(source, (str, os.PathLike)):
            try:
                stream: BinaryIO = stack.enter_context(open(source, "rb"))
                size = os.fstat(stream.fileno()).st_size
            except OSError as exc:
                raise ReadFailed(reason=exc.strerror or type(exc).__name__) from exc
            ceiling = max_file_size(limits)
            if size > ceiling:
                raise TooLarge(what=_("file"), size=size, limit=ceiling)
        else:
            stream = source
        assembler = _Assembler(sink, limits)
        stack.callback(assembler.close)
        plaintext = _Plaintext(assembler, limits)
        header, prefix = agefile.read_header(stream, limits)
        chosen = agefile.find_identity(header, prefix[len(header.raw) :], identities)
        assembler.recipient = agefile.recipient_of(chosen)
        assembler.x25519_stanzas = sum(t == "X25519" for t in header.stanza_types)
        agefile.decrypt_from(header, prefix, stream, chosen, plaintext)
        plaintext.close()
        assert assembler.verified is not None
        return assembler.verified

