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
from ..core import codec, linking
from ..core.consent import ExportDecision, export_decision
from ..core.display import title
from ..core.errors import UserError
from ..core.faults import crash_point
from ..core.i18n import _
from ..core.records import Person, Record, ThreatReport, new_id
from ..vault.ledger import Tombstone, tombstone_json
from ..vault.migrations import LATEST
from ..vault.queries import NotFound
from ..vault.vault import Vault
from .identity import device_key, enrolled_profile
from .sizes import DEFAULT_MAX_SIZE, MIN_MAX_SIZE


@dataclass
class Item:
    type: str
    record_id: str
    version: int
    line: bytes
    attachments: list[tuple[str, int]]


@dataclass(frozen=True)
class KeptBack:
    """A record that stays on this laptop, and why (a code from ``core.consent.REASONS``)."""

    type: str
    title: str
    reason: str


@dataclass(frozen=True)
class Trimmed:
    """A record that leaves without some of its content: identity fields (by field name)
    and files that may identify someone (by file name)."""

    type: str
    title: str
    fields: tuple[str, ...]
    files: tuple[str, ...]


@dataclass
class ExportPlan:
    items: list[Item] = field(default_factory=list)
    by_type: Counter[str] = field(default_factory=Counter)
    kept_back: Counter[str] = field(default_factory=Counter)
    tombstones: int = 0
    redacted: int = 0
    attachment_bytes: int = 0
    withheld_attachments: int = 0
    kept: list[KeptBack] = field(default_factory=list)
    trimmed: list[Trimmed] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.items


def plan_export(vault: Vault, *, since_last: bool, mission_id: str | None = None,
                cancel: threading.Event | None = None) -> ExportPlan:
    plan = ExportPlan()
    seen_attachments: set[str] = set()
    # Threats wait until every person of this export is known: a link to a person whose
    # record stays here becomes a pseudonymous stub (core/linking.py).
    threats: list[tuple[ThreatReport, ExportDecision, Record]] = []
    people_out: set[str] = set()
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
            plan.kept.append(KeptBack(entry.TYPE, title(entry), decision.reason or ""))
            continue
        record = decision.record
        if isinstance(record, Person):
            people_out.add(record.id)
        if isinstance(record, ThreatReport):
            threats.append((record, decision, entry))
            continue
        _add_item(vault, plan, entry, record, decision, seen_attachments)
    linked = _link_for_hq(vault, [t for t, _d, _e in threats], people_out)
    for threat, (_t, decision, entry) in zip(linked, threats, strict=True):
        _add_item(vault, plan, entry, threat, decision, seen_attachments)
    return plan


def _link_for_hq(vault: Vault, threats: list[ThreatReport],
                 people_out: set[str]) -> list[ThreatReport]:
    linked = sorted({pid for t in threats for pid in t.person_ids})
    shared = people_out | vault.exports.ever_exported([p for p in linked
                                                       if p not in people_out])
    people: dict[str, Person | None] = {}
    for pid in linked:
        try:
            found = vault.records.get(pid)
        except NotFound:
            found = None
        people[pid] = found if isinstance(found, Person) else None
    return [linking.for_hq(t, shared=shared, people=people, new_ref=new_id) for t in threats]


def _add_item(vault: Vault, plan: ExportPlan, entry: Record, record: Record,
              decision: ExportDecision, seen_attachments: set[str]) -> None:
    """Add ``record`` (what leaves of ``entry``) to the plan, saying what was held back."""
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
    if decision.redacted_fields or decision.withheld_attachments:
        names = {a.sha256: a.filename for a in entry.attachments}
        plan.trimmed.append(Trimmed(
            record.TYPE, title(entry), decision.redacted_fields,
            tuple(names.get(sha, "") or sha[:12] for sha in decision.withheld_attachments)))
    plan.by_type[record.TYPE] += 1
    plan.items.append(Item(record.TYPE, record.id, record.version,
                           codec.dumps(record).encode(), atts))


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
                attachments=[AttachmentSource(sha, size, _opener(vault, sha),
                                              vault.attachment_sealed(sha))
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
