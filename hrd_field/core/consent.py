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

from .i18n import N_, _
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


# --- one consent model: the action consented to must agree with the scope ---------------------

# What each level of ``consent_to_act`` needs from the consent scope. Raising a case with the
# State needs consent to raise it; the Secretary-General's report on reprisals is a public
# document transmitted to the State, so it needs both; making the case public needs consent
# to publish (at least without the name).
_ACT_NEEDS: dict[str, tuple[str, ...]] = {
    "internal_only": (),
    "raise_confidentially": ("raise_with_state",),
    "sg_report": ("raise_with_state", "publish_anonymised"),
    "make_public": ("publish_anonymised",),
}
_SCOPE_LABELS = {
    "raise_with_state": N_("Raise the case with the State"),
    "publish_anonymised": N_("Publish without names"),
    "publish_with_name": N_("Publish with name"),
}


def act_contradictions(consent_to_act: str, consent: Consent) -> list[tuple[str, str]]:
    """(field path, message) for every way ``consent_to_act`` contradicts ``consent``.

    Messages are English msgids (callers translate); empty when they agree. "Keep internal
    only" contradicts a scope that allows raising or publishing: one of the two is wrong,
    and only the person can say which, so nothing here ever picks one.
    """
    scope = consent.scope
    out: list[tuple[str, str]] = []
    if consent_to_act != "internal_only" and not consent.obtained:
        out.append(("consent_to_act", _(
            "acting on the case needs consent: consent is not marked as obtained")))
        return out
    for name in _ACT_NEEDS.get(consent_to_act, ()):
        if not getattr(scope, name):
            out.append(("consent_to_act", _(
                "this needs the person's agreement to '{scope}', which is not ticked").format(
                scope=_(_SCOPE_LABELS[name]))))
    if consent_to_act == "internal_only":
        granted = [n for n in ("raise_with_state", "publish_anonymised", "publish_with_name")
                   if getattr(scope, n)]
        if granted:
            out.append(("consent_to_act", _(
                "'keep internal only' contradicts the consent scope '{scope}'").format(
                scope=_(_SCOPE_LABELS[granted[0]]))))
    return out


def highest_act_allowed(consent: Consent) -> str:
    """The furthest action the consent scope allows (for suggestions and the demo data)."""
    if not consent.obtained:
        return "internal_only"
    best = "internal_only"
    for level in ("raise_confidentially", "sg_report", "make_public"):
        if all(getattr(consent.scope, n) for n in _ACT_NEEDS[level]):
            best = level
    return best


# The person's consent to act on a reprisal, from the least to the most exposure.
CONSENT_TO_ACT_ORDER = ("internal_only", "raise_confidentially", "sg_report", "make_public")


def may_include_in_sg_report(record: Record) -> bool:
    """A reprisal goes into the Secretary-General's annual report only if the person agreed
    to it (or to making it public) and consent is recorded as obtained."""
    consent = getattr(record, "consent", None)
    code = getattr(record, "consent_to_act", "internal_only")
    if not isinstance(consent, Consent) or not consent.obtained \
            or code not in CONSENT_TO_ACT_ORDER:
        return False
    # the report is public and goes to the State: both scopes, whatever the level says
    return CONSENT_TO_ACT_ORDER.index(code) >= CONSENT_TO_ACT_ORDER.index("sg_report") \
        and consent.scope.raise_with_state and consent.scope.publish_anonymised


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
