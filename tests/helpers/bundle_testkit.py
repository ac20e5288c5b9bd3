"""Helpers for the bundle tests: keys, sinks that only commit on success, hand-made bundles."""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage

from hrd_field.bundle import BundleError, MemorySink, SigningKey, VerifiedManifest, read_bundle
from hrd_field.bundle.agefile import recipient_of
from hrd_field.bundle.manifest import canonical_json
from hrd_field.bundle.writer import AttachmentSource, build_manifest, trusted_comment

RECORDS = (
    '{"id":"r1","text":"Témoignage — شهادة — 证词","type":"consultation"}\n'
    '{"id":"r2","text":"second","type":"threat"}\n'
).encode()
COUNTS = {"consultation": 1, "threat": 1}


@dataclass
class Keys:
    identities: list[str]
    recipients: list[str]
    device: SigningKey
    outsider_identity: str
    outsider_recipient: str


def new_keys(n: int = 2) -> Keys:
    ids = [str(pyrage.x25519.Identity.generate()) for _ in range(n)]
    outsider = str(pyrage.x25519.Identity.generate())
    return Keys(
        identities=ids,
        recipients=[recipient_of(i) for i in ids],
        device=SigningKey.generate(),
        outsider_identity=outsider,
        outsider_recipient=recipient_of(outsider),
    )


def source(data: bytes) -> AttachmentSource:
    return AttachmentSource(hashlib.sha256(data).hexdigest(), len(data), lambda: io.BytesIO(data))


@dataclass
class CommitSink(MemorySink):
    """A sink that, like HQ's transaction, is committed only after ``read_bundle`` returns."""

    committed: bool = False
    calls: list[str] = field(default_factory=list)

    def accept_manifest(self, verified: VerifiedManifest) -> None:
        self.calls.append("manifest")
        super().accept_manifest(verified)

    def records(self, data: bytes) -> None:
        self.calls.append("records")
        super().records(data)

    def begin_attachment(self, sha256: str, size: int) -> None:
        self.calls.append("attachment")
        super().begin_attachment(sha256, size)

    def commit(self) -> None:
        self.committed = True


def attempt(
    data: bytes | Path, identities: list[str], sink: CommitSink | None = None
) -> tuple[BundleError | None, CommitSink]:
    """Read like HQ would: commit only on success; return the error (if any) and the sink."""
    sink = sink if sink is not None else CommitSink()
    src: Any = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        read_bundle(src, identities=identities, sink=sink)
    except BundleError as exc:
        assert not sink.committed
        return exc, sink
    sink.commit()
    return None, sink


def expect_code(data: bytes | Path, identities: list[str], *codes: str) -> CommitSink:
    error, sink = attempt(data, identities)
    assert error is not None, f"accepted, expected {codes}"
    assert error.code in codes, f"got {error.code} ({error}), expected {codes}"
    assert not sink.committed
    return sink


def encrypt(plaintext: bytes, recipients: Sequence[str]) -> bytes:
    return bytes(
        pyrage.encrypt(plaintext, [pyrage.x25519.Recipient.from_str(r) for r in recipients])
    )


def decrypt(ciphertext: bytes, identity: str) -> bytes:
    return bytes(pyrage.decrypt(ciphertext, [pyrage.x25519.Identity.from_str(identity)]))


TarMember = tuple[str, bytes] | tarfile.TarInfo | tuple[tarfile.TarInfo, bytes]


def build_tar(members: Sequence[TarMember], fmt: int = tarfile.USTAR_FORMAT) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                tar.addfile(member)
                continue
            if isinstance(member[0], tarfile.TarInfo):
                info, data = member
            else:
                info, data = tarfile.TarInfo(member[0]), member[1]
                info.size = len(data)
                info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


@dataclass
class Inner:
    manifest: bytes
    signature: bytes
    records: bytes
    attachments: list[tuple[str, bytes]]

    def members(self) -> list[TarMember]:
        return [
            ("manifest.json", self.manifest),
            ("manifest.json.minisig", self.signature),
            ("records.jsonl", self.records),
            *self.attachments,
        ]

    def tar(self) -> bytes:
        return build_tar(self.members())


def make_inner(
    keys: Keys,
    *,
    records: bytes = RECORDS,
    attachments: Sequence[bytes] = (b"photo one", b"audio two" * 1000),
    recipients: Sequence[str] | None = None,
    mutate: Callable[[dict[str, Any]], None] | None = None,
    manifest_bytes: bytes | None = None,
    signer: SigningKey | None = None,
    sequence: int = 1,
) -> Inner:
    """A correctly signed inner archive, optionally with a manipulated manifest."""
    sources = [source(a) for a in attachments]
    manifest = build_manifest(
        device_key=keys.device,
        recipients=list(recipients or keys.recipients),
        sequence=sequence,
        previous_manifest_sha256=None,
        records_jsonl=records,
        attachments=sources,
        abandoned_sequences=(),
        app_version="0.1.0",
        schema_version=1,
        counts=COUNTS,
    )
    obj = manifest.to_json_obj()
    if mutate is not None:
        mutate(obj)
    data = manifest_bytes if manifest_bytes is not None else canonical_json(obj)
    signature = (signer or keys.device).sign(data, trusted_comment(manifest)).encode()
    return Inner(
        manifest=data,
        signature=signature,
        records=records,
        attachments=[(f"attachments/{s.sha256}", a) for s, a in zip(sources, attachments)],
    )
