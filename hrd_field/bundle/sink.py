"""What the reader hands to its caller, and in which order.

The reader calls a ``BundleSink`` while it decrypts:

1. ``accept_manifest`` once, with the parsed manifest whose signature by the device key it
   names has been verified and whose recipient list names the identity that decrypted it.
   This is where the caller checks the signer against its device registry (raise
   ``UnknownSigner`` to reject or quarantine); nothing else has been handed over yet.
2. ``records`` once, with the whole ``records.jsonl`` (size-capped, hash verified).
3. For each attachment: ``begin_attachment``, ``attachment_data`` with chunks (not yet
   verified), ``end_attachment`` (hash and size verified).

None of this means the bundle is complete: only ``read_bundle`` returning does (the age
payload authenticated to its final chunk, every member present and verified, nothing
extra). The caller writes into a transaction or an encrypted quarantine and commits only
after ``read_bundle`` returns; on an exception it rolls back. Plaintext must not be written
to plain disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .manifest import Manifest
from .minisign import PublicKey


@dataclass(frozen=True)
class VerifiedManifest:
    manifest: Manifest
    manifest_bytes: bytes
    manifest_sha256: str  # the HQ logs bundles as (device key, sequence, this hash)
    signer: PublicKey  # equals the manifest's device_public_key / device_key_id
    trusted_comment: str
    recipient: str  # the age recipient of the identity that decrypted the bundle


class BundleSink(Protocol):
    def accept_manifest(self, verified: VerifiedManifest) -> None: ...

    def records(self, data: bytes) -> None: ...

    def begin_attachment(self, sha256: str, size: int) -> None: ...

    def attachment_data(self, chunk: bytes) -> None: ...

    def end_attachment(self, sha256: str) -> None: ...


@dataclass
class MemorySink:
    """Collects everything in memory: for tests, tools and small bundles only.

    ``trust`` is called with the verified manifest and may raise (e.g. ``UnknownSigner``).
    """

    trust: Callable[[VerifiedManifest], None] | None = None
    verified: VerifiedManifest | None = None
    records_jsonl: bytes | None = None
    attachments: dict[str, bytes] = field(default_factory=dict)
    _current: bytearray | None = field(default=None, init=False, repr=False)

    def accept_manifest(self, verified: VerifiedManifest) -> None:
        if self.trust is not None:
            self.trust(verified)
        self.verified = verified

    def records(self, data: bytes) -> None:
        self.records_jsonl = data

    def begin_attachment(self, sha256: str, size: int) -> None:
        self._current = bytearray()

    def attachment_data(self, chunk: bytes) -> None:
        assert self._current is not None
        self._current += chunk

    def end_attachment(self, sha256: str) -> None:
        assert self._current is not None
        self.attachments[sha256] = bytes(self._current)
        self._current = None
