"""Old vocabulary codes, mapped to the current model: one pure function over a record's JSON
object, so the field vault, the SQLCipher HQ store and the PostgreSQL HQ backend upgrade
stored records, and HQ upgrades bundles from devices not updated yet, the same way.

Release 1 had one list of "groups at risk" that mixed rights defended, professions and
situations (and repeated gender), a threat type tied to the police and one tied to the
online channel. Consent is never changed here: a contradiction between ``consent_to_act``
and the consent scope is flagged for review (``review``), for a person to resolve.
"""

from __future__ import annotations

from typing import Any

from .consent import act_contradictions
from .records import Consent, ConsentScope
from .validation import CONSENT_REVIEW

# group_at_risk (release 1) → (field, code) in the three lists that replace it.
GROUP_AT_RISK: dict[str, tuple[tuple[str, str], ...]] = {
    "lgbti_rights": (("rights_defended", "lgbti_rights"),),
    "child_defenders": (("situations", "child"),),
    "defenders_with_disabilities": (("situations", "disability"),),
    "migrants_rights": (("rights_defended", "migrants_rights"),),
    "climate": (("rights_defended", "climate"),),
    "environment_land": (("rights_defended", "land_environment"),),
    "indigenous_peoples": (("rights_defended", "indigenous_rights"),),
    "remote_areas": (("situations", "remote_area"),),
    "journalists_bloggers": (("professions", "journalist"),),
    "anti_corruption": (("rights_defended", "anti_corruption"),),
    "business_human_rights": (("rights_defended", "business_human_rights"),),
    "whistle_blowers": (("professions", "whistle_blower"),),
    "community_leaders": (("professions", "community_leader"),),
    "trade_unionists": (("professions", "trade_unionist"), ("rights_defended", "labour_rights")),
    "lawyers": (("professions", "lawyer"),),
    "health_workers": (("professions", "health_worker"),),
    "long_term_prisoners": (("situations", "in_detention"),),
    # women_defenders: see _women_defenders (it repeats gender where gender is known)
}
WOMEN_DEFENDERS = "women_defenders"

# threat_type (release 1) → (new type, field to add to, code to add)
THREAT_TYPE: dict[str, tuple[str, str | None, str | None]] = {
    "police_harassment": ("threat_intimidation_harassment", "perpetrators", "state_police"),
    "online_attack": ("threat_intimidation_harassment", "channels", "online"),
}


def _add(data: dict[str, Any], name: str, code: str) -> None:
    values = data.setdefault(name, [])
    if code not in values:
        values.append(code)


def _women_defenders(data: dict[str, Any]) -> bool:
    """Whether 'women human rights defenders' says more than the record already does. For a
    person it repeats gender = woman; for a consultation, women among the participants.
    Otherwise it meant defenders of women's rights (the UN definition includes them)."""
    if data.get("type") == "person":
        return data.get("gender") != "woman"
    women = (data.get("participants") or {}).get("women") or 0
    return not women


def upgrade(data: dict[str, Any]) -> list[str]:
    """Rewrite release-1 codes in one record (its JSON object), in place; idempotent.
    Returns what changed, as short notes (for migration logs and tests)."""
    notes: list[str] = []
    rtype = data.get("type")
    if rtype in ("person", "consultation") and "groups" in data:
        groups = data.pop("groups") or []
        for name in ("rights_defended", "professions", "situations"):
            data.setdefault(name, [])
        for code in groups:
            if code == WOMEN_DEFENDERS:
                if _women_defenders(data):
                    _add(data, "rights_defended", "womens_rights")
                continue
            for name, new in GROUP_AT_RISK.get(code, ()):
                _add(data, name, new)
        notes.append(f"groups: {len(groups)} codes split")
    if rtype == "consultation":
        analysis = data.get("gender_analysis") or {}
        old = analysis.get("gbv_types") or []
        if any(c in THREAT_TYPE for c in old):
            new_types: list[str] = []
            for code in old:
                code = THREAT_TYPE[code][0] if code in THREAT_TYPE else code
                if code not in new_types:
                    new_types.append(code)
            analysis["gbv_types"] = new_types
            notes.append("gbv_types mapped")
    if rtype in ("threat_report", "reprisal_incident"):
        old = data.get("threat_types") or []
        if any(c in THREAT_TYPE for c in old):
            types: list[str] = []
            for code in old:
                if code in THREAT_TYPE:
                    new, field, extra = THREAT_TYPE[code]
                    if field and extra:
                        _add(data, field, extra)
                    code = new
                if code not in types:
                    types.append(code)
            data["threat_types"] = types
            notes.append("threat_types mapped")
    if rtype == "reprisal_incident" and flag_consent(data):
        notes.append("consent contradiction flagged")
    return notes


def flag_consent(data: dict[str, Any]) -> bool:
    """Flag (never fix) a reprisal whose consent to act contradicts its consent scope."""
    raw = data.get("consent") or {}
    scope = ConsentScope(**{k: bool(v) for k, v in (raw.get("scope") or {}).items()
                            if k in ConsentScope.__dataclass_fields__})
    consent = Consent(obtained=bool(raw.get("obtained")), scope=scope)
    if not act_contradictions(str(data.get("consent_to_act") or "internal_only"), consent):
        return False
    review = data.setdefault("review", [])
    if CONSENT_REVIEW in review:
        return False
    review.append(CONSENT_REVIEW)
    return True
