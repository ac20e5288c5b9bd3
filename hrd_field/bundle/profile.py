"""The HQ profile: what a field device needs to send bundles to HQ, signed by HQ.

It names the organisation, the age recipients bundles are encrypted to, HQ's signing key
(which also signs receipts), the intake URL and the policy HQ asks devices to follow.
A device enrols by importing it after people compare its fingerprint aloud.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyrage

from ..core.errors import UserError
from ..core.i18n import _
from .minisign import PublicKey, SigningKey
from .signed_doc import check_signature, open_document, sign_document

FORMAT = "hrd-field-hq-profile"
VERSION = 1


@dataclass(frozen=True)
class Policy:
    autolock_minutes: int = 5
    delete_after_receipt: bool = False


@dataclass(frozen=True)
class HqProfile:
    organisation: str
    recipients: tuple[str, ...]
    signing_key: PublicKey
    intake_url: str = ""
    tls_certificate: str = ""
    """PEM of the intake service's certificate: devices trust this one and no other."""
    policy: Policy = field(default_factory=Policy)
    created_at: str = ""

    def document(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "version": VERSION, "organisation": self.organisation,
            "recipients": list(self.recipients), "signing_key": self.signing_key.to_base64(),
            "intake_url": self.intake_url, "tls_certificate": self.tls_certificate,
            "policy": {"autolock_minutes": self.policy.autolock_minutes,
                       "delete_after_receipt": self.policy.delete_after_receipt},
            "created_at": self.created_at,
        }

    def sign(self, key: SigningKey) -> bytes:
        if key.public_key() != self.signing_key:
            raise ValueError("the profile must be signed by the key it names")
        return sign_document(self.document(), key, f"hq-profile {self.organisation[:200]}")

    @property
    def fingerprint(self) -> str:
        return self.signing_key.fingerprint()


def load_profile(data: bytes) -> HqProfile:
    """Parse and verify a profile; it must be signed by the key it names (self-signed:
    the fingerprint comparison at enrolment is what makes it trusted)."""
    document, signature = open_document(data, FORMAT, _("This is not an HQ profile."))
    try:
        if document.get("version") != VERSION:
            raise UserError(_("This HQ profile was made by a newer version of HRD Field."))
        key = PublicKey.from_base64(str(document["signing_key"]))
        recipients = tuple(str(r) for r in document["recipients"])
        for r in recipients:
            pyrage.x25519.Recipient.from_str(r)
        policy = document.get("policy") or {}
        profile = HqProfile(
            organisation=str(document["organisation"])[:200],
            recipients=recipients,
            signing_key=key,
            intake_url=str(document.get("intake_url") or ""),
            tls_certificate=str(document.get("tls_certificate") or ""),
            policy=Policy(int(policy.get("autolock_minutes", 5)),
                          bool(policy.get("delete_after_receipt", False))),
            created_at=str(document.get("created_at") or ""),
        )
    except UserError:
        raise
    except Exception as exc:
        raise UserError(_("The HQ profile is damaged or incomplete.")) from exc
    if not profile.recipients:
        raise UserError(_("The HQ profile names no recipient."))
    check_signature(document, signature, key)
    return profile
