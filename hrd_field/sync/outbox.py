"""Sync: put what changed into the outbox, upload everything waiting, act on receipts.

Safe to interrupt anywhere: a bundle leaves the outbox only after HQ's receipt verified
against the enrolment profile; uploading twice is a harmless duplicate at HQ.
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..bundle import BundleError
from ..bundle.minisign import SigningKey
from ..bundle.profile import HqProfile
from ..bundle.receipt import Receipt, load_receipt
from ..core.errors import UserError
from ..core.faults import crash_point
from ..core.i18n import _
from ..vault.vault import Vault
from .errors import SyncError
from .exporter import plan_export, recover_unfinished, write_export
from .identity import device_key, enrolled_profile
from .transfer import Transfer, transfer

if TYPE_CHECKING:
    from .client import IntakeClient

MAX_BACKOFF_S = 3600


@dataclass
class SyncReport:
    exported: int = 0
    uploaded: int = 0
    received: list[int] = field(default_factory=list)
    purged: int = 0
    errors: list[str] = field(default_factory=list)
    forged: int = 0
    offline: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.forged


def outbox_dir(vault: Vault) -> Path:
    path = vault.paths.root / "outbox"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def backoff(attempts: int) -> float:
    """Seconds before the next try: doubling, capped, with full jitter so devices that
    come back online together do not retry in step."""
    return random.uniform(0, min(MAX_BACKOFF_S, 30 * 2 ** max(0, attempts)))  # noqa: S311


def recover_outbox(vault: Vault) -> Path:
    """After a crash: orphan bundle files abandoned, written bundles queued again."""
    folder = outbox_dir(vault)
    recover_unfinished(vault, folder)
    vault.exports.requeue_written({p.name for p in folder.iterdir()})
    return folder


def fill_outbox(vault: Vault) -> int:
    """Export what changed since the last export into the outbox; returns bundles made."""
    folder = recover_outbox(vault)
    plan = plan_export(vault, since_last=True)
    return len(write_export(vault, plan, folder, to_outbox=True))


Progress = Callable[[int, int], None]


@dataclass
class SyncPlan:
    """What the network side needs, read from the vault before any socket opens."""

    profile: HqProfile
    key: SigningKey
    transfers: list[Transfer]
    exported: int = 0


def prepare_sync(vault: Vault, *, export_first: bool = True) -> SyncPlan:
    """Vault side, first step: fill the outbox and list what waits for HQ."""
    profile = enrolled_profile(vault)
    key = device_key(vault)
    exported = fill_outbox(vault) if export_first else 0
    folder = recover_outbox(vault)
    transfers = [Transfer(i.seq, i.bundle_id, folder / i.file_name, i.attempts)
                 for i in vault.exports.waiting()]
    return SyncPlan(profile, key, transfers, exported)


def settle(vault: Vault, plan: SyncPlan, item: Transfer, outcome: bytes | SyncError,
           report: SyncReport) -> bool:
    """Vault side, after each transfer: verify the receipt, mark what HQ received, purge
    what policy lets go. Returns False when the rest would fail the same way (offline)."""
    if isinstance(outcome, SyncError):
        wait = max(backoff(item.attempts), outcome.retry_after or 0)  # as HQ asked
        when = datetime.now(UTC) + timedelta(seconds=wait)
        vault.exports.record_attempt(item.seq, str(outcome), when.isoformat())
        report.errors.append(str(outcome))
        if outcome.retryable:
            report.offline = True
            return False
        return True
    own_key = plan.key.public_key().to_base64()
    try:
        receipt = _verified(outcome, plan.profile.signing_key, own_key, item.bundle_id,
                            item.seq)
    except (BundleError, UserError) as exc:
        vault.exports.record_attempt(item.seq, str(exc), None)
        report.forged += 1
        report.errors.append(_("A receipt did not verify and was ignored: {why}").format(
            why=exc))
        return True
    report.uploaded += int(item.path.exists())
    crash_point("sync.uploaded")
    carried = vault.exports.mark_received(item.seq, outcome)
    accepted = set(receipt.accepted)
    if plan.profile.policy.delete_after_receipt:
        report.purged += len(vault.records.purge_received(
            [v for v in carried if v in accepted]))
    with contextlib.suppress(OSError):
        item.path.unlink()
    report.received.append(item.seq)
    return True


def sync_once(vault: Vault, client: IntakeClient, *, export_first: bool = True,
              progress: Progress | None = None,
              cancel: threading.Event | None = None) -> SyncReport:
    """Both halves in one thread, for the command line (the app runs them on separate
    executors)."""
    plan = prepare_sync(vault, export_first=export_first)
    report = SyncReport(exported=plan.exported)
    for index, item in enumerate(plan.transfers):
        if cancel is not None and cancel.is_set():
            break
        outcome: bytes | SyncError
        try:
            outcome = transfer(client, item)
        except SyncError as exc:
            outcome = exc
        if not settle(vault, plan, item, outcome, report):
            break
        if progress is not None and report.received[-1:] == [item.seq]:
            progress(index + 1, len(plan.transfers))
    return report


def _verified(body: bytes, hq_key: object, own_key: str, bundle_id: str, seq: int) -> Receipt:
    from ..bundle.minisign import PublicKey

    assert isinstance(hq_key, PublicKey)
    receipt = load_receipt(body, hq_key)
    if receipt.bundle_id != bundle_id or receipt.device_key != own_key or \
            receipt.sequence != seq:
        raise UserError(_("The receipt is for another bundle."))
    return receipt
