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

from ..bundle import BundleError
from ..bundle.receipt import Receipt, load_receipt
from ..core.errors import UserError
from ..core.faults import crash_point
from ..core.i18n import _
from ..vault.vault import Vault
from .client import IntakeClient, SyncError
from .exporter import plan_export, recover_unfinished, write_export
from .identity import device_key, enrolled_profile

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


def fill_outbox(vault: Vault) -> int:
    """Export what changed since the last export into the outbox; returns bundles made."""
    folder = outbox_dir(vault)
    recover_unfinished(vault, folder)
    vault.exports.requeue_written({p.name for p in folder.iterdir()})
    plan = plan_export(vault, since_last=True)
    return len(write_export(vault, plan, folder, to_outbox=True))


Progress = Callable[[int, int], None]


def sync_once(vault: Vault, client: IntakeClient, *, export_first: bool = True,
              progress: Progress | None = None,
              cancel: threading.Event | None = None) -> SyncReport:
    report = SyncReport()
    profile = enrolled_profile(vault)
    own_key = device_key(vault).public_key().to_base64()
    if export_first:
        report.exported = fill_outbox(vault)
    waiting = vault.exports.waiting()
    for index, item in enumerate(waiting):
        if cancel is not None and cancel.is_set():
            break
        path = outbox_dir(vault) / item.file_name
        try:
            body = client.upload(path) if path.exists() else client.fetch_receipt(
                item.bundle_id)
            if body is None:
                raise SyncError(_("The bundle file is missing and HQ has no receipt for it."),
                                retryable=False)
            receipt = _verified(body, profile.signing_key, own_key, item.bundle_id, item.seq)
        except SyncError as exc:
            when = (datetime.now(UTC) + timedelta(seconds=backoff(item.attempts)))
            vault.exports.record_attempt(item.seq, str(exc), when.isoformat())
            report.errors.append(str(exc))
            if exc.retryable:
                report.offline = True
                break  # HQ unreachable: the rest would fail the same way
            continue
        except (BundleError, UserError) as exc:
            vault.exports.record_attempt(item.seq, str(exc), None)
            report.forged += 1
            report.errors.append(_("A receipt did not verify and was ignored: {why}").format(
                why=exc))
            continue
        report.uploaded += int(path.exists())
        crash_point("sync.uploaded")
        carried = vault.exports.mark_received(item.seq, body)
        accepted = set(receipt.accepted)
        if profile.policy.delete_after_receipt:
            report.purged += len(vault.records.purge_received(
                [v for v in carried if v in accepted]))
        with contextlib.suppress(OSError):
            path.unlink()
        report.received.append(item.seq)
        if progress is not None:
            progress(index + 1, len(waiting))
    return report


def _verified(body: bytes, hq_key: object, own_key: str, bundle_id: str, seq: int) -> Receipt:
    from ..bundle.minisign import PublicKey

    assert isinstance(hq_key, PublicKey)
    receipt = load_receipt(body, hq_key)
    if receipt.bundle_id != bundle_id or receipt.device_key != own_key or \
            receipt.sequence != seq:
        raise UserError(_("The receipt is for another bundle."))
    return receipt
