"""Export: what may leave (consent), then signed, encrypted bundles of bounded size.

``plan_export`` tells the user what will leave and what stays before anything is written;
``write_export`` writes the bundles. Each bundle gets a sequence number committed before it
is written; records are marked exported only once their bundle is durable.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .. import __version__
from ..bundle import (
    AttachmentSource,
    WrittenBundle,
    estimate_bundle_size,
    remove_partial_bundles,
    write_bundle,
)
from ..bundle.writer import SUFFIX as BUNDLE_SUFFIX
from ..bundle.writer import new_file_stem
from ..core import codec
from ..core.consent import export_decision
from ..core.errors import UserError
from ..core.faults import crash_point
from ..core.i18n import _
from ..vault.ledger import Tombstone, tombstone_json
from ..vault.migrations import LATEST
from ..vault.vault import Vault
from .identity import device_key, enrolled_profile

DEFAULT_MAX_SIZE = 32 << 20
MIN_MAX_SIZE = 64 << 10


@dataclass
class Item:
    type: str
    record_id: str
    version: int
    line: bytes
    attachments: list[tuple[str, int]]


@dataclass
class ExportPlan:
    items: list[Item] = field(default_factory=list)
    by_type: Counter[str] = field(default_factory=Counter)
    kept_back: Counter[str] = field(default_factory=Counter)
    tombstones: int = 0
    redacted: int = 0
    attachment_bytes: int = 0
    withheld_attachments: int = 0

    @property
    def empty(self) -> bool:
        return not self.items


def plan_export(vault: Vault, *, since_last: bool, mission_id: str | None = None,
                cancel: threading.Event | None = None) -> ExportPlan:
    plan = ExportPlan()
    seen_attachments: set[str] = set()
    for entry in vault.exports.pending(since_last=since_last, mission_id=mission_id):
        if cancel is not None and cancel.is_set():
            raise UserError(_("Export cancelled; nothing was written."))
        if isinstance(entry, Tombstone):
            plan.items.append(Item("tombstone", entry.id, entry.version,
                                   tombstone_json(entry).encode(), []))
            plan.tombstones += 1
            continue
        decision = export_decision(entry)
        if decision.record is None:
            plan.kept_back[decision.reason or ""] += 1
            continue
        record = decision.record
        atts = []
        for ref in record.attachments:
            size = vault.attachment_size(ref.sha256)
            if size is None:
                continue  # referenced but never stored: the bundle must not promise it
            atts.append((ref.sha256, size))
            if ref.sha256 not in seen_attachments:
                seen_attachments.add(ref.sha256)
                plan.attachment_bytes += size
        plan.withheld_attachments += len(decision.withheld_attachments)
        plan.redacted += bool(decision.redacted_fields)
        plan.by_type[record.TYPE] += 1
        plan.items.append(Item(record.TYPE, record.id, record.version,
                               codec.dumps(record).encode(), atts))
    return plan


def _split(items: list[Item], max_size: int, recipients: int) -> list[list[Item]]:
    """Group items into bundles that stay under ``max_size`` (one oversized item alone)."""
    parts: list[list[Item]] = []
    current: list[Item] = []
    records_size = 0
    sizes: dict[str, int] = {}
    for item in items:
        new_sizes = dict(sizes)
        new_sizes.update(item.attachments)
        estimate = estimate_bundle_size(
            records_size=records_size + len(item.line) + 1,
            attachment_sizes=list(new_sizes.values()), recipients=recipients)
        if current and estimate > max_size:
            parts.append(current)
            current, records_size, sizes = [], 0, {}
            new_sizes = dict(item.attachments)
        current.append(item)
        records_size += len(item.line) + 1
        sizes = new_sizes
    if current:
        parts.append(current)
    return parts


Progress = Callable[[int, int], None]


def recover_unfinished(vault: Vault, out_dir: Path) -> None:
    """After a crash: abandon sequences reserved but never recorded, and delete their
    bundle file if it reached ``out_dir`` (HQ will not wait for them; their records were
    never marked exported and leave in the next bundle); remove partial files."""
    for _seq, name in vault.exports.abandon_unfinished():
        if name and SAFE_NAME.fullmatch(name):
            with contextlib.suppress(OSError):
                (out_dir / name).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        remove_partial_bundles(out_dir)


SAFE_NAME = re.compile(r"[0-9a-f]{32}\.hrdb")


def write_export(vault: Vault, plan: ExportPlan, out_dir: Path, *,
                 max_size: int = DEFAULT_MAX_SIZE, progress: Progress | None = None,
                 cancel: threading.Event | None = None,
                 to_outbox: bool = False) -> list[WrittenBundle]:
    if max_size < MIN_MAX_SIZE:
        raise UserError(_("--max-size must be at least {n} bytes.").format(n=MIN_MAX_SIZE))
    if plan.empty:
        return []
    profile = enrolled_profile(vault)
    key = device_key(vault)
    out_dir.mkdir(parents=True, exist_ok=True)
    recover_unfinished(vault, out_dir)
    parts = _split(plan.items, max_size, len(profile.recipients))
    written: list[WrittenBundle] = []
    for index, part in enumerate(parts):
        if cancel is not None and cancel.is_set():
            break
        stem = new_file_stem()
        seq = vault.exports.reserve_sequence(file_name=stem + BUNDLE_SUFFIX)
        crash_point("export.reserved")
        try:
            counts = Counter(item.type for item in part)
            attachments: dict[str, int] = {}
            for item in part:
                attachments.update(item.attachments)
            bundle = write_bundle(
                out_dir, signing_key=key, recipients=profile.recipients, sequence=seq,
                previous_manifest_sha256=vault.exports.previous_manifest_sha256(seq),
                records_jsonl=b"".join(i.line + b"\n" for i in part),
                attachments=[AttachmentSource(sha, size, _opener(vault, sha))
                             for sha, size in attachments.items()],
                abandoned_sequences=vault.exports.abandoned(),
                app_version=__version__, schema_version=LATEST, counts=dict(counts),
                file_stem=stem)
        except BaseException:
            vault.exports.abandon(seq)
            raise
        crash_point("export.bundle_written")
        vault.exports.mark_written(
            seq, bundle_id=bundle.manifest.bundle_id, manifest_sha256=bundle.manifest_sha256,
            file_name=bundle.path.name, size=bundle.size,
            versions=[(i.record_id, i.version) for i in part], to_outbox=to_outbox)
        crash_point("export.marked")
        written.append(bundle)
        if progress is not None:
            progress(index + 1, len(parts))
    return written


def _opener(vault: Vault, sha256: str) -> Callable[[], BinaryIO]:
    return lambda: vault.attachment_stream(sha256)
