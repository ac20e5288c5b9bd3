"""Importing bundles at HQ: verify everything, then change the store in one transaction.

Order of checks: a bounded look at the header (reader), decryption streamed into the
parser (no plaintext on plain disk), the manifest signature against the device registry,
the recipient binding, every member's hash; only then are records upserted by
(id, version) with their provenance, in the same transaction that logs the bundle.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import gc
import json
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bundle import BundleError, UnknownSigner, VerifiedManifest, read_bundle
from ..core import linking
from ..core.errors import UserError
from ..core.i18n import _, ngettext
from ..core.records import Person, ThreatReport
from ..vault.fsutil import atomic_file
from . import record_lines, rules
from .repository import BlobSink, Device, ImportTransaction, Incoming, StoreUnavailable
from .store import HqStore, random_file_name

IMPORTED, DUPLICATE, UNKNOWN_DEVICE, REVOKED, EQUIVOCATION, SUSPECT, REJECTED = (
    "imported", "duplicate", "unknown_device", "revoked", "equivocation", "suspect",
    "rejected")
EXIT_CODES = {IMPORTED: 0, DUPLICATE: 0, UNKNOWN_DEVICE: 1, REVOKED: 1, EQUIVOCATION: 1,
              SUSPECT: 1, REJECTED: 1}
MAX_ALARMS_PER_BUNDLE = 20

Alarm = tuple[str, str, "int | None", str]
"""(kind, device key, sequence, detail) as ``hq alarms`` lists it."""


@dataclass
class ImportOutcome:
    status: str
    message: str
    bundle_id: str | None = None
    device: str | None = None
    device_key: str | None = None
    manifest_sha256: str | None = None
    sequence: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    accepted: list[tuple[str, int]] = field(default_factory=list)
    """(record id, version) of every record this bundle carried and HQ now holds."""

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def summary(self) -> dict[str, Any]:
        return {"status": self.status, "bundle_id": self.bundle_id, "device": self.device,
                "sequence": self.sequence, "counts": self.counts,
                "accepted": [{"id": i, "version": v} for i, v in self.accepted]}


class _Stop(Exception):
    """Ends the import with a decided outcome (duplicate, revoked, an alarm); the
    transaction rolls back, then the alarms are recorded and the file possibly kept."""

    def __init__(self, outcome: ImportOutcome, alarms: list[Alarm] | None = None,
                 quarantine: str | None = None):
        super().__init__(outcome.status)
        self.outcome = outcome
        self.alarms = alarms or []
        self.quarantine = quarantine


class _Sink:
    """Receives the verified bundle inside the import transaction."""

    def __init__(self, tx: ImportTransaction, uploader: str | None = None,
                 after_revocation: bool = False,
                 before_turn: Callable[[], None] | None = None):
        self.tx = tx
        self.before_turn = before_turn
        self.after_revocation = after_revocation
        self.uploader = uploader
        self.verified: VerifiedManifest | None = None
        self.device: Device | None = None
        self.records_data = b""
        self.blob: BlobSink | None = None
        self.attachments = 0
        self.duplicate: ImportOutcome | None = None

    def accept_manifest(self, verified: VerifiedManifest) -> None:
        key = verified.signer.to_base64()
        # Before looking the signer up: an enrolled device uploading bundles signed by
        # random keys must not reach the quarantine for unknown signers.
        if self.uploader is not None and key != self.uploader:
            raise UserError(_("Rejected: the bundle is signed by another device than the one "
                              "that sent it; nothing was imported."))
        self.verified = verified
        # Decided now on what HQ holds, so that a bundle refused or already imported is not
        # prepared for nothing; decided again in the device's turn (``take_turn``).
        self._admit()

    def take_turn(self) -> None:
        """Wait for this device's import turn, then decide again on what HQ holds now: an
        import of the same device may have ended meanwhile."""
        assert self.verified is not None
        if self.before_turn is not None:
            self.before_turn()
        self.tx.lock_device(self.verified.signer.to_base64())
        self._admit()

    def _admit(self) -> None:
        """The device, sequence and chain checks; raises the outcome of a refusal, notes a
        bundle already imported."""
        tx, verified = self.tx, self.verified
        assert verified is not None
        key = verified.signer.to_base64()
        device = tx.device_by_key(key)
        seq = verified.manifest.sequence
        if device is None:
            raise UnknownSigner(fingerprint=verified.signer.fingerprint())
        self.device = device
        base = ImportOutcome("", "", bundle_id=verified.manifest.bundle_id, device=device.name,
                             sequence=seq, device_key=key,
                             manifest_sha256=verified.manifest_sha256)
        if device.status == "revoked" and (device.revoked_after_seq is None
                                           or seq > device.revoked_after_seq):
            base.status = REVOKED
            base.message = _("Rejected: device {name} is revoked; nothing was imported.").format(
                name=device.name)
            raise _Stop(base)
        seen = tx.bundle_at(key, seq)
        if seen is not None:
            if seen.manifest_sha256 == verified.manifest_sha256:
                base.status = DUPLICATE
                base.message = _("Already imported (bundle {id}); nothing changed.").format(
                    id=seen.bundle_id)
                summary = json.loads(seen.summary)
                base.accepted = [(a["id"], a["version"]) for a in summary.get("accepted", [])]
                base.counts = summary.get("counts", {})
                # Read on to the end anyway: a damaged copy is not "already imported".
                self.duplicate = base
                return
            base.status = EQUIVOCATION
            base.message = _(
                "ALARM: device {name} sent different content under sequence {seq} — the "
                "device may be cloned or seized. Nothing was imported.").format(
                name=device.name, seq=seq)
            raise _Stop(base, [(EQUIVOCATION, key, seq, f"bundle {base.bundle_id}")])
        self._check_chain(verified, device, base)

    def _check_chain(self, verified: VerifiedManifest, device: Device,
                     base: ImportOutcome) -> None:
        manifest = verified.manifest
        key, seq = base.device_key or "", manifest.sequence
        facts = self.tx.chain_facts(key, seq, manifest.previous_manifest_sha256,
                                    verified.manifest_sha256)
        facts["abandoned"] = frozenset(facts["abandoned"] | set(manifest.abandoned_sequences))
        why = rules.sequence_refusal(
            seq, manifest.previous_manifest_sha256, verified.manifest_sha256,
            rules.ChainFacts(**facts),
            revoked_cut=device.revoked_after_seq
            if device.status == "revoked" and not self.after_revocation else None)
        if why is None:
            return
        detail = f"bundle {manifest.bundle_id}: {_CHAIN_DETAIL[why].format(**facts, seq=seq)}"
        if why == rules.REVOKED_UNVOUCHED:
            base.status = REVOKED
            base.message = _(
                "ALARM: device {name} is revoked and no bundle HQ holds vouches for sequence "
                "{seq}; nothing was imported, the bundle is kept encrypted in quarantine for "
                "review.").format(name=device.name, seq=seq)
            raise _Stop(base, [(why, key, seq, detail)], quarantine=why)
        base.status = SUSPECT
        base.message = _CHAIN_MESSAGE[why]().format(name=device.name, seq=seq)
        raise _Stop(base, [(why, key, seq, detail)])

    def records(self, data: bytes) -> None:
        if self.duplicate is None:
            self.records_data = data

    def begin_attachment(self, sha256: str, size: int) -> None:
        if self.duplicate is None:
            self.blob = self.tx.blob_writer(sha256)

    def attachment_data(self, chunk: bytes) -> None:
        if self.blob is not None:
            self.blob.write(chunk)

    def end_attachment(self, sha256: str) -> None:
        if self.blob is None:
            return
        # The reader hashed the content and compared it with the signed manifest before
        # calling this; the writer stores it under that hash (hashing twice cost a third of
        # an import's CPU).
        if self.blob.finish() != sha256:
            raise UserError(_("Attachment content does not match its hash."))
        self.blob = None
        self.attachments += 1


_CHAIN_DETAIL = {
    rules.ABANDONED_REUSED: "sequence {seq} was declared abandoned by the device",
    rules.SEQUENCE_JUMP: "sequence {seq} is far beyond the highest known ({top})",
    rules.FORK: "follows the same previous bundle as sequence {same_previous}",
    rules.CHAIN_BREAK: "its previous-manifest hash does not match the bundles HQ holds",
    rules.REVOKED_UNVOUCHED: "device revoked; no later bundle names this one as previous",
}
_CHAIN_MESSAGE = {
    rules.ABANDONED_REUSED: lambda: _(
        "ALARM: device {name} had declared sequence {seq} abandoned; a bundle under that "
        "number now is a forgery or a clone. Nothing was imported."),
    rules.SEQUENCE_JUMP: lambda: _(
        "ALARM: device {name} jumped to sequence {seq}, far beyond any it used before. "
        "Nothing was imported."),
    rules.FORK: lambda: _(
        "ALARM: device {name}'s sequence {seq} follows the same bundle as another one it "
        "sent (a fork: the device may be cloned). Nothing was imported."),
    rules.CHAIN_BREAK: lambda: _(
        "ALARM: device {name}'s sequence {seq} does not link to the bundles HQ holds from "
        "it. Nothing was imported."),
}


class _CollectorPause:
    """Python's cycle collector off while bundles are parsed and stored: the thousands of
    objects an import makes (none left in cycles) set it off again and again, each time
    walking a heap that grows with the bundle (5–15 % of a large import's CPU). Imports on
    several threads (the intake) share one pause; the collector is turned on again after
    the last, if it was on before the first, and collects at least every ``LONGEST``
    seconds while imports keep overlapping."""

    LONGEST = 30.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._was_enabled = False
        self._since = 0.0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._count == 0:
                self._was_enabled = gc.isenabled()
                self._since = time.monotonic()
                gc.disable()
            self._count += 1
        try:
            yield
        finally:
            with self._lock:
                self._count -= 1
                if self._was_enabled:
                    if self._count == 0:
                        gc.enable()
                    elif time.monotonic() - self._since > self.LONGEST:
                        gc.collect()
                        self._since = time.monotonic()


_collector_paused = _CollectorPause()


def import_bundle(store: HqStore, path: Path, *, uploader: str | None = None,
                  after_revocation: bool = False,
                  before_turn: Callable[[], None] | None = None) -> ImportOutcome:
    """Import one bundle file. Never raises for a bad bundle: the outcome says why.

    ``uploader``: the device key that authenticated an upload; the bundle must be its own.
    ``after_revocation``: HQ staff vouch for a bundle of a revoked device at or below its
    cut that no bundle HQ holds vouches for (they checked where the file came from).
    ``before_turn``: called once the bundle is read, before it waits for its device's turn
    to be stored (``hq.import_many`` orders a device's bundles with it); the transaction
    holds no lock then, if the bundle carries no attachment.
    """
    repo = store.repo
    try:
        with _collector_paused():
            # the bundle's records die with _import's frame, before the collector is back
            return _import(store, path, uploader, after_revocation, before_turn)
    except _Stop as stop:
        for kind, device_key, seq, detail in stop.alarms:
            repo.raise_alarm(kind, device_key, seq, detail)
        if stop.quarantine is not None:
            kept = _quarantine(store, path, uploader, stop.quarantine)
            if kept is None:
                stop.outcome.message += " " + _("The bundle could not be kept in quarantine "
                                                "(full?); keep the original file.")
        return stop.outcome
    except UnknownSigner as exc:
        kept = _quarantine(store, path, uploader, "unknown_device")
        fingerprint = exc.params.get("fingerprint", "?")
        if kept is None:
            return ImportOutcome(UNKNOWN_DEVICE, _(
                "Unknown device ({fingerprint}); the bundle could not be kept in quarantine "
                "(full or disk full?). Keep the original file.").format(
                fingerprint=fingerprint))
        return ImportOutcome(UNKNOWN_DEVICE, _(
            "Unknown device ({fingerprint}): the bundle is kept, still encrypted, in "
            "quarantine as {file} until the device is approved.").format(
            fingerprint=fingerprint, file=kept))
    except StoreUnavailable:
        raise  # not the bundle's fault: nothing was imported, the sender may retry
    except BundleError as exc:
        return ImportOutcome(REJECTED, _("Rejected: {reason}").format(reason=exc))
    except UserError as exc:
        return ImportOutcome(REJECTED, str(exc))
    except (ValueError, OverflowError, RecursionError, MemoryError) as exc:
        # Hostile content no check above foresaw: this file is rejected, the next one
        # still gets its own verdict.
        return ImportOutcome(REJECTED, _("Rejected: the bundle's content cannot be read "
                                         "({kind}); nothing was imported.").format(
            kind=type(exc).__name__))


def _import(store: HqStore, path: Path, uploader: str | None, after_revocation: bool,
            before_turn: Callable[[], None] | None) -> ImportOutcome:
    """``import_bundle``'s work, in one transaction; raises what it reports."""
    with store.repo.import_transaction() as tx:
        sink = _Sink(tx, uploader, after_revocation, before_turn)
        read_bundle(path, identities=store.identities(), sink=sink)
        if sink.duplicate is not None:
            raise _Stop(sink.duplicate)
        assert sink.verified is not None and sink.device is not None
        items = record_lines.parse_lines(sink.records_data)
        incoming = [_incoming(item) for item in items]
        # the work no database holds, before the device's turn: another import of the same
        # device goes on storing meanwhile
        tx.prepare(incoming)
        sink.take_turn()
        if sink.duplicate is not None:
            raise _Stop(sink.duplicate)
        assert sink.device is not None
        manifest = sink.verified.manifest
        key = sink.verified.signer.to_base64()
        _resolve_links(incoming, _people_held(tx, items))
        refused = _refusals(store, tx, incoming, key, manifest.sequence)
        if refused:
            raise _Stop(ImportOutcome(
                SUSPECT, ngettext(
                    "ALARM: device {device} sent {n} record it may not change (another "
                    "device's, or an implausible version); nothing was imported.",
                    "ALARM: device {device} sent {n} records it may not change (another "
                    "device's, or implausible versions); nothing was imported.",
                    len(refused)).format(device=sink.device.name, n=len(refused)),
                bundle_id=manifest.bundle_id, device=sink.device.name,
                sequence=manifest.sequence, device_key=key,
                manifest_sha256=sink.verified.manifest_sha256),
                refused[:MAX_ALARMS_PER_BUNDLE])
        results = Counter(tx.store_many(incoming, device_key=key,
                                        bundle_id=manifest.bundle_id,
                                        seq=manifest.sequence))
        accepted = [(i.id, i.version) for i in incoming]
        counts = {"records": len(items), "attachments": sink.attachments, **results}
        outcome = ImportOutcome(
            IMPORTED, ngettext("Imported {n} record from {device} (sequence {seq}).",
                               "Imported {n} records from {device} (sequence {seq}).",
                               len(items)).format(n=len(items), device=sink.device.name,
                                                  seq=manifest.sequence),
            bundle_id=manifest.bundle_id, device=sink.device.name,
            sequence=manifest.sequence, device_key=key,
            manifest_sha256=sink.verified.manifest_sha256, counts=counts,
            accepted=accepted)
        tx.log_bundle(device_key=key, seq=manifest.sequence, bundle_id=manifest.bundle_id,
                      manifest_sha256=sink.verified.manifest_sha256,
                      previous=manifest.previous_manifest_sha256, summary=outcome.summary(),
                      abandoned=list(manifest.abandoned_sequences))
    return outcome


def _incoming(item: Any) -> Incoming:
    if isinstance(item, dict):
        return Incoming(item["id"], item["type"], item["version"])
    return Incoming(item.id, item.TYPE, item.version, item)


def _resolve_links(incoming: list[Incoming], people: dict[str, str | None]) -> None:
    """HQ holds a threat with its links to people it does not hold turned into stubs
    (``Incoming.current``); history keeps it as the device sent it. Only the link fields
    change, so only they are copied."""
    for entry in incoming:
        item = entry.record
        if not isinstance(item, ThreatReport) or linking.resolved_at_hq(item, people):
            continue
        current = copy.copy(item)
        current.person_ids = list(item.person_ids)
        current.persons_not_shared = list(item.persons_not_shared)
        current.persons_concerned = copy.copy(item.persons_concerned)  # numbers only
        if linking.resolve_at_hq(current, people):
            entry.current = current


def _refusals(store: HqStore, tx: ImportTransaction, incoming: list[Incoming], sender: str,
              seq: int) -> list[Alarm]:
    """The alarms refusing records of this bundle (another device's, an implausible
    version), decided on what HQ holds before it, with two queries for the whole bundle;
    each accepted item counts for the ones after it (a bundle may carry a record twice)."""
    held = {rid: rules.HeldRecord(*found)
            for rid, found in tx.record_owners([i.id for i in incoming]).items()}
    sharers = tx.mission_sharers(sorted({h.mission_id for h in held.values()
                                         if h.mission_id is not None}))
    refused: list[Alarm] = []
    names: dict[str, str] | None = None
    for item in incoming:
        found = held.get(item.id)
        why = rules.record_refusal(
            found, sender=sender, version=item.version, record_type=item.type,
            sharers=sharers.get(found.mission_id, ()) if found is not None
            and found.mission_id is not None else ())
        if why is None:
            held[item.id] = rules.HeldRecord(sender, item.version, item.type,
                                             item.mission_id) if found is None else \
                dataclasses.replace(found, version=max(found.version, item.version))
            continue
        if names is None:
            names = {d.public_key: d.name for d in store.repo.devices()}
        sender_name = names.get(sender, sender)
        if found is None:
            detail = (f"record {item.id} ({item.type}): {sender_name} sent it first at "
                      f"version {item.version}")
        else:
            detail = (f"record {item.id} ({found.type}) belongs to "
                      f"{names.get(found.owner, found.owner)}; {sender_name} sent version "
                      f"{item.version} ({item.type}), HQ holds version {found.version}")
        refused.append((why, sender, seq, detail))
    return refused


def _people_held(tx: ImportTransaction, items: list[Any]) -> dict[str, str | None]:
    """id → gender of every person the threats of this bundle link that HQ will hold: those
    in the bundle and those received before."""
    held = {i.id: i.gender for i in items if isinstance(i, Person)}
    wanted = sorted({pid for i in items if isinstance(i, ThreatReport)
                     for pid in i.person_ids if pid not in held})
    held.update(tx.person_genders(wanted))
    return held


def _quarantine(store: HqStore, path: Path, uploader: str | None, reason: str) -> str | None:
    """Keep the still-encrypted bundle for review; None if it could not be kept whole (or
    this source already has its share of the quarantine)."""
    if uploader is not None \
            and store.repo.quarantined(uploader) >= rules.MAX_QUARANTINE_PER_SOURCE:
        return None
    name = random_file_name()
    target = store.quarantine_dir / name
    try:
        with open(path, "rb") as src, atomic_file(target) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        store.repo.quarantine(name, uploader, reason)
    except (OSError, UserError):
        with contextlib.suppress(OSError):
            target.unlink()
        return None
    return name
