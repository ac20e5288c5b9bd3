"""The network half of sync: move one bundle to HQ and bring its receipt back.

Nothing here touches the vault (an import-linter contract says so): a socket that never
answers may block this for as long as its timeout, and a lock must never wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.i18n import _
from .errors import SyncError

if TYPE_CHECKING:
    from .client import IntakeClient


@dataclass(frozen=True)
class Transfer:
    """One waiting bundle, as the network side needs it."""

    seq: int
    bundle_id: str
    path: Path
    attempts: int


def transfer(client: IntakeClient, item: Transfer) -> bytes:
    """Upload the bundle, or ask for its receipt when the file is already gone; returns the
    receipt's bytes, not yet verified."""
    body = client.upload(item.path) if item.path.exists() else client.fetch_receipt(
        item.bundle_id)
    if body is None:
        raise SyncError(_("The bundle file is missing and HQ has no receipt for it."),
                        retryable=False)
    return body
