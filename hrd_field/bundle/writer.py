"""Writing a bundle: manifest, signature, records, attachments → tar → age → durable file.

Everything streams: attachments are read in 1 MiB blocks while pyrage pulls the tar stream
and writes ciphertext to the ``.part`` file, so memory stays flat whatever their size.
The manifest (which holds every member's hash) precedes the members, so the caller gives
each attachment's hash and size up front; the content's size is checked while streaming,
and its hash too unless the source says it authenticates the content itself (the vault's
sealed files: AES-GCM under a key kept in the encrypted row beside the hash computed when
the file was sealed, so altered or swapped content fails there, and hashing it again cost
a third of an export's CPU). Either way the write fails if the content differs (e.g. the
file changed or the store is damaged); HQ checks every hash against the signed manifest.

The file appears under its final name only once complete and on disk: ``.part`` (0600),
flush, fsync, check the size, rename, fsync the directory. Any failure removes the
``.part`` and raises. File names are random so they reveal nothing about the content or
the device.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from hrd_field.core.i18n import _
from hrd_field.vault.fsutil import atomic_file

from . import agefile, ustar
from .errors import MemberMismatch, WriteFailed
from .limits import DEFAULT_LIMITS, Limits
from .manifest import (
    MANIFEST_NAME,
    RECORDS_NAME,
    SIGNATURE_NAME,
    Manifest,
    Member,
    attachment_name,
    new_bundle_id,
    now_utc,
)
from .minisign import SigningKey

SUFFIX = ".hrdb"
PART_SUFFIX = ".hrdb.part"
READ_CHUNK = 1 << 20
_HEX64 = re.compile(r"[0-9a-f]{64}")


class AttachmentSource(NamedTuple):
    """An attachment to export: its SHA-256 (lower-case hex), size, and how to read it.

    ``authenticated``: what ``open`` returns is authenticated against a record of this hash
    made when the content was stored (a read of altered content fails in the source), so
    the writer checks the size only.
    """

    sha256: str
    size: int
    open: Callable[[], BinaryIO]
    authenticated: bool = False


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    manifest: Manifest
    manifest_bytes: bytes
    manifest_sha256: str
    size: int


def trusted_comment(manifest: Manifest) -> str:
    return (
        f"timestamp:{manifest.created_at_unix} bundle:{manifest.bundle_id} "
        f"seq:{manifest.sequence}"
    )


def build_manifest(
    *,
    device_key: SigningKey,
    recipients: Sequence[str],
    sequence: int,
    previous_manifest_sha256: str | None,
    records_jsonl: bytes,
    attachments: Sequence[AttachmentSource],
    abandoned_sequences: Sequence[int],
    app_version: str,
    schema_version: int,
    counts: Mapping[str, int],
    limits: Limits = DEFAULT_LIMITS,
) -> Manifest:
    """The manifest for these members; raises ``ValueError``/``BadManifest`` on bad input."""
    for recipient in recipients:
        agefile.parse_recipient(recipient)
    for att in attachments:
        if not _HEX64.fullmatch(att.sha256) or isinstance(att.size, bool) or att.size < 0:
            raise ValueError("attachment sha256 must be 64 lower-case hex digits, size >= 0")
    all_counts = dict(counts)
    if all_counts.setdefault("attachments", len(attachments)) != len(attachments):
        raise ValueError("counts['attachments'] differs from the number of attachments")
    public = device_key.public_key()
    records = Member(RECORDS_NAME, hashlib.sha256(records_jsonl).hexdigest(), len(records_jsonl))
    manifest = Manifest(
        bundle_id=new_bundle_id(),
        created_at=now_utc(),
        device_public_key=public.raw,
        device_key_id=public.key_id_hex,
        sequence=sequence,
        previous_manifest_sha256=previous_manifest_sha256,
        recipients=tuple(sorted(set(recipients))),
        abandoned_sequences=tuple(sorted(set(abandoned_sequences))),
        app_version=app_version,
        schema_version=schema_version,
        counts=all_counts,
        members=(records, *(Member(attachment_name(a.sha256), a.sha256, a.size)
                            for a in attachments)),
    )
    manifest.validate(limits)
    return manifest


AttachmentLike = (AttachmentSource | tuple[str, int, Callable[[], BinaryIO]]
                  | tuple[str, int, Callable[[], BinaryIO], bool])


def _unique(attachments: Iterable[AttachmentLike]) -> list[AttachmentSource]:
    # Content-addressed: the same file referenced by two records is exported once.
    seen: dict[str, AttachmentSource] = {}
    for att in attachments:
        att = AttachmentSource(*att)
        if att.sha256 in seen and seen[att.sha256].size != att.size:
            raise ValueError("one attachment hash given with two sizes")
        seen.setdefault(att.sha256, att)
    return list(seen.values())


def _tar_stream(
    manifest: Manifest, manifest_bytes: bytes, signature: bytes, records: bytes,
    attachments: Sequence[AttachmentSource],
) -> Iterator[bytes]:
    mtime = manifest.created_at_unix
    written = 0
    for name, data in (
        (MANIFEST_NAME, manifest_bytes), (SIGNATURE_NAME, signature), (RECORDS_NAME, records)
    ):
        yield ustar.member_header(name, len(data), mtime)
        yield data
        yield ustar.padding(len(data))
        written += ustar.BLOCK + len(data) + len(ustar.padding(len(data)))
    for att in attachments:
        name = attachment_name(att.sha256)
        yield ustar.member_header(name, att.size, mtime)
        yield from _attachment_chunks(att, name)
        yield ustar.padding(att.size)
        written += ustar.BLOCK + att.size + len(ustar.padding(att.size))
    yield ustar.end_of_archive(written)


def _attachment_chunks(att: AttachmentSource, name: str) -> Iterator[bytes]:
    digest = None if att.authenticated else hashlib.sha256()
    seen = 0
    try:
        with att.open() as stream:
            while chunk := stream.read(READ_CHUNK):
                seen += len(chunk)
                if seen > att.size:
                    break
                if digest is not None:
                    digest.update(chunk)
                yield chunk
    except OSError as exc:
        # Not a problem of the destination disk: say which attachment could not be read.
        raise MemberMismatch(
            name=name, reason=_("it could not be read: {error}").format(
                error=exc.strerror or type(exc).__name__)
        ) from exc
    if seen != att.size or (digest is not None and digest.hexdigest() != att.sha256):
        raise MemberMismatch(
            name=name, reason=_("its content changed or is damaged; nothing was written")
        )


def write_bundle(
    out_dir: str | os.PathLike[str],
    *,
    signing_key: SigningKey,
    recipients: Sequence[str],
    sequence: int,
    previous_manifest_sha256: str | None,
    records_jsonl: bytes,
    attachments: Iterable[AttachmentLike] = (),
    abandoned_sequences: Sequence[int] = (),
    app_version: str,
    schema_version: int,
    counts: Mapping[str, int],
    limits: Limits = DEFAULT_LIMITS,
    file_stem: str | None = None,
) -> WrittenBundle:
    """Write one bundle into ``out_dir`` under a random ``<hex>.hrdb`` name.

    The caller has already committed ``sequence`` (it is never reused, even if this fails)
    and marks records exported only after this returns. Raises ``WriteFailed`` (disk full,
    I/O error), ``MemberMismatch`` (an attachment's content differs from its hash/size),
    ``ValueError``/``BadManifest`` (bad arguments). On any error no bundle file is left.
    """
    directory = Path(out_dir)
    atts = _unique(attachments)
    manifest = build_manifest(
        device_key=signing_key, recipients=recipients, sequence=sequence,
        previous_manifest_sha256=previous_manifest_sha256, records_jsonl=records_jsonl,
        attachments=atts, abandoned_sequences=abandoned_sequences, app_version=app_version,
        schema_version=schema_version, counts=counts, limits=limits,
    )
    manifest_bytes = manifest.to_bytes()
    signature = signing_key.sign(manifest_bytes, trusted_comment(manifest)).encode("utf-8")
    stem = file_stem if file_stem is not None else new_file_stem()
    part = directory / (stem + PART_SUFFIX)
    final = directory / (stem + SUFFIX)
    tar = _tar_stream(manifest, manifest_bytes, signature, records_jsonl, atts)
    try:
        # Unbuffered: pyrage writes whole 64 KiB chunks, a buffer would only copy them.
        with atomic_file(final, part=part, buffering=0) as out:
            agefile.encrypt(tar, out, manifest.recipients)
    except OSError as exc:
        final.unlink(missing_ok=True)  # a fresh random name: only ours can be there
        raise WriteFailed(directory=str(directory), reason=exc.strerror or str(exc)) from exc
    return WrittenBundle(
        path=final,
        manifest=manifest,
        manifest_bytes=manifest_bytes,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        size=out.written,
    )


def new_file_stem() -> str:
    """A random bundle file name (without suffix): it reveals nothing about the content.
    The caller may choose it first, to record which file a sequence number will use."""
    return secrets.token_hex(16)


def remove_partial_bundles(out_dir: str | os.PathLike[str]) -> int:
    """Delete ``*.hrdb.part`` left by a crash (call at startup). Returns how many."""
    removed = 0
    for path in Path(out_dir).glob("*" + PART_SUFFIX):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
