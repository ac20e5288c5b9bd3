"""Receipts: HQ's signed word that a bundle was received, and what it accepted.

A device deletes or marks records only on a receipt that verifies against the HQ key in
its enrolment profile and names the bundle the device actually sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.errors import UserError
from ..core.i18n import _
from .minisign import PublicKey, SigningKey
from .signed_doc import check_signature, open_document, sign_document

FORMAT = "hrd-field-receipt"
VERSION = 1


@dataclass(frozen=True)
class Receipt:
    bundle_id: str
    device_key: str
    sequence: int
    manifest_sha256: str
    status: str
    accepted: tuple[tuple[str, int], ...]
    received_at: str

    def document(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "bundle_id": self.bundle_id,
                "device_key": self.device_key, "sequence": self.sequence,
                "manifest_sha256": self.manifest_sha256, "status": self.status,
                "accepted": [{"id": i, "version": v} for i, v in self.accepted],
                "received_at": self.received_at}

    def sign(self, key: SigningKey) -> bytes:
        return sign_document(self.document(), key, f"receipt {self.bundle_id}")


def load_receipt(data: bytes, hq_key: PublicKey) -> Receipt:
    """Parse and verify a receipt; raises UserError/BadSignature if it is not HQ's."""
    document, signature = open_document(data, FORMAT, _("This is not an HQ receipt."))
    check_signature(document, signature, hq_key)
    try:
        return Receipt(
            bundle_id=str(document["bundle_id"]), device_key=str(document["device_key"]),
            sequence=int(document["sequence"]),
            manifest_sha256=str(document["manifest_sha256"]), status=str(document["status"]),
            accepted=tuple((str(a["id"]), int(a["version"])) for a in document["accepted"]),
            received_at=str(document["received_at"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(_("The receipt is incomplete.")) from exc
