"""What may leave the laptop: the consent rules as one pure function.

The rules (DOMAIN.md, "Consent and what may leave the laptop"):
- a record about people leaves only if consent was obtained and covers sharing with HQ;
- identity fields and files that may identify people leave only with consent to share
  identity with HQ;
- the scope travels with the record so HQ can respect it later.
Missions concern no individual and always travel.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

from .i18n import N_
from .records import AttachmentRef, Consent, Record

# Reasons a record is kept back, as stable codes with labels for the export summary.
NO_CONSENT = "no_consent"
NOT_SHARED_WITH_HQ = "not_shared_with_hq"
DRAFT = "draft"

REASONS = {
    NO_CONSENT: N_("Consent was not obtained"),
    NOT_SHARED_WITH_HQ: N_("Consent does not cover sharing with headquarters"),
    DRAFT: N_("Still a draft: finalise it to export it"),
}


@dataclass(frozen=True)
class ExportDecision:
    """``record`` is the redacted copy to export, or None when the record stays here."""

    record: Record | None
    reason: str | None = None
    redacted_fields: tuple[str, ...] = ()
    withheld_attachments: tuple[str, ...] = ()

    @property
    def exported(self) -> bool:
        return self.record is not None


def identity_fields(record: Record) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(record) if f.metadata.get("identity"))


def export_decision(record: Record, *, include_drafts: bool = False) -> ExportDecision:
    """Decide whether and how ``record`` may be exported to HQ. Never mutates ``record``."""
    if record.status == "draft" and not include_drafts:
        return ExportDecision(None, DRAFT)
    if not record.HAS_CONSENT:
        # Nobody consented for the people a mission's files may show.
        return _without_identifying_files(copy.deepcopy(record))
    consent: Consent = getattr(record, "consent")  # noqa: B009 - HAS_CONSENT guarantees it
    if not consent.obtained:
        return ExportDecision(None, NO_CONSENT)
    if not consent.scope.share_with_hq:
        return ExportDecision(None, NOT_SHARED_WITH_HQ)
    out = copy.deepcopy(record)
    if consent.scope.share_identity_with_hq:
        return ExportDecision(out)
    redacted = []
    for name in identity_fields(out):
        if getattr(out, name):
            setattr(out, name, "")
            redacted.append(name)
    return _without_identifying_files(out, tuple(redacted))


def _without_identifying_files(out: Record, redacted: tuple[str, ...] = ()) -> ExportDecision:
    kept: list[AttachmentRef] = []
    withheld: list[AttachmentRef] = []
    for att in out.attachments:
        (withheld if att.may_identify else kept).append(att)
    out.attachments = kept
    return ExportDecision(out, None, redacted, tuple(a.sha256 for a in withheld))


# The person's consent to act on a reprisal, from the least to the most exposure.
CONSENT_TO_ACT_ORDER = ("internal_only", "raise_confidentially", "sg_report", "make_public")


def may_include_in_sg_report(record: Record) -> bool:
    """A reprisal goes into the Secretary-General's annual report only if the person agreed
    to it (or to making it public) and consent is recorded as obtained."""
    consent = getattr(record, "consent", None)
    code = getattr(record, "consent_to_act", "internal_only")
    if not isinstance(consent, Consent) or not consent.obtained:
        return False
    return CONSENT_TO_ACT_ORDER.index(code) >= CONSENT_TO_ACT_ORDER.index("sg_report") \
        if code in CONSENT_TO_ACT_ORDER else False


def may_raise_with_state(record: Record) -> bool:
    """Whether a received record may be put to a State in a communication."""
    consent = getattr(record, "consent", None)
    if consent is None:
        return True  # missions concern no individual
    if not isinstance(consent, Consent) or not consent.obtained:
        return False
    code = getattr(record, "consent_to_act", None)
    if code is not None:
        return code in CONSENT_TO_ACT_ORDER[1:] or consent.scope.raise_with_state
    return consent.scope.raise_with_state
