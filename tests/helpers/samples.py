"""Fully populated sample records of every type, for round trips and leak checks.

Every field (nested ones included) holds a non-default value, in several scripts, so a
round trip that drops or mangles any field is noticed. ``assert_all_fields_set`` checks it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hrd_field.core.records import (
    AttachmentRef,
    Consent,
    ConsentScope,
    Consultation,
    Cooperation,
    FollowUpAction,
    GenderAnalysis,
    Mission,
    PartialDate,
    ParticipantCounts,
    Person,
    PersonStub,
    Place,
    Record,
    ReprisalIncident,
    RiskAssessment,
    ThreatReport,
)

MISSION_ID = "3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f"
PERSON_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
SHA_A = "a" * 64
SHA_B = "0123456789abcdef" * 4

ARABIC = "المدافعة عن حقوق الإنسان تعرضت للتهديد بعد لقاء البعثة"
CHINESE = "人权捍卫者在会见特别报告员后受到威胁"
FRENCH = "Défenseuse des droits à Genève, menacée après la visite"


def _attachments(tag: str) -> list[AttachmentRef]:
    return [
        AttachmentRef(sha256=SHA_A, filename=f"photo-{tag}-صورة.jpg", media_type="image/jpeg",
                      size=123_456, added_at="2024-03-02T10:11:12.123456Z", may_identify=True,
                      description=f"Photo {tag}: {CHINESE}"),
        AttachmentRef(sha256=SHA_B, filename=f"scan-{tag}.pdf", media_type="application/pdf",
                      size=1, added_at="2024-03-03T00:00:00Z", may_identify=False,
                      description=f"Scan {tag}: {ARABIC}"),
    ]


def _consent() -> Consent:
    return Consent(
        obtained=True, method="recorded", date="2024-03-02",
        scope=ConsentScope(share_with_hq=True, share_identity_with_hq=True,
                           raise_with_state=True, publish_anonymised=True,
                           publish_with_name=True),
    )


def _common(tag: str) -> dict[str, Any]:
    return {
        "created_at": "2024-03-01T08:00:00.000001Z",
        "updated_at": "2024-03-05T17:30:00.5Z",
        "version": 7,
        "author": "Amina Diallo / 阿米娜",
        "mission_id": MISSION_ID,
        "sensitivity": "strictly_confidential",
        "status": "final",
        "tags": [f"tag-{tag}", "حساس", "紧急"],
        "attachments": _attachments(tag),
    }


def mission() -> Mission:
    return Mission(
        id="11111111-2222-4333-8444-555555555555", **{**_common("m"), "mission_id":
                                                     "66666666-7777-4888-9999-000000000000"},
        title=f"Visite officielle — {FRENCH}", kind="follow_up_visit", country="EG",
        region="mena", start_date="2024-03-01", end_date="2024-03-10",
        team=["Special Rapporteur", "Ахмед", "李明"], notes=f"{ARABIC}\n{CHINESE}\n{FRENCH}",
    )


def person() -> Person:
    return Person(
        id=PERSON_ID, **_common("p"),
        alias="Rose of the valley / وردة", legal_name="Fatima Zahra Haddad / فاطمة",
        contact="+961 70 000 000, Signal only", gender="woman", age_group="youth",
        rights_defended=["womens_rights", "land_environment"],
        professions=["community_leader"], situations=["remote_area", "indigenous"],
        organisation="Association des femmes rurales", risk_level="critical",
        location=Place(country="LB", admin_area="البقاع", locality="Baalbek"),
        notes=f"{CHINESE} {ARABIC}", consent=_consent(),
    )


def consultation() -> Consultation:
    return Consultation(
        id="22222222-3333-4444-8555-666666666666", **_common("c"),
        date="2024-03-04", place=Place(country="CN", admin_area="云南", locality="昆明"),
        modality="online", format="group",
        facilitators=["Marie Dupont", "王芳"], languages=["zh", "en", "ar"],
        interpreter_used=True,
        participants=ParticipantCounts(women=12, men=3, non_binary=1, not_stated=2),
        organisations=["Red de Defensoras", "Colectiva Luna"], organisations_count=9,
        first_time_participants=5,
        countries_represented=["CN", "MN", "KH"], countries_count=7,
        rights_defended=["lgbti_rights"], professions=["journalist", "student"],
        situations=["lgbti", "in_exile"], themes=["online_safety", "lgbti_rights"],
        topics=["land grabbing", "土地", "الأرض"], summary=f"Summary: {CHINESE}",
        concerns=f"Concerns: {ARABIC}", recommendations=f"Recommandations : {FRENCH}",
        gender_analysis=GenderAnalysis(
            participation="leading", representation="most", prominence="central",
            gbv_patterns="Online harassment of women journalists; 网络骚扰",
            gbv_types=["threat_intimidation_harassment", "sexual_gender_based_violence"],
        ),
        follow_up=[FollowUpAction(action="Send urgent appeal / إرسال نداء عاجل", owner="HQ",
                                  due_date="2024-04-01", done=True)],
        consent=_consent(),
    )


def _threat_fields(tag: str) -> dict[str, Any]:
    return {
        **_common(tag),
        "person_ids": [PERSON_ID, "33333333-4444-4555-8666-777777777777"],
        "unnamed_group": "Collectif des pêcheurs / 渔民",
        "incident_date": PartialDate(date="2024-02-01", precision="month"),
        "place": Place(country="MX", admin_area="Oaxaca", locality="Juchitán de Zaragoza"),
        "persons_concerned": ParticipantCounts(women=6, men=2, non_binary=1, not_stated=2),
        "persons_not_shared": [PersonStub(ref="77777777-8888-4999-8aaa-bbbbbbbbbbbb",
                                          gender="non_binary", age_group="youth",
                                          rights_defended=["lgbti_rights"],
                                          professions=["student"], situations=["lgbti"])],
        "threat_types": ["death_threat", "unlawful_surveillance", "judicial_harassment"],
        "charges": ["foreign_agent_funding", "defamation"],
        "sentence": "pending",
        "channels": ["phone_or_message", "via_family_or_community"],
        "perpetrators": ["business", "state_police"],
        "business_sector": "hydroelectric",
        "description": f"{FRENCH}\n{ARABIC}\n{CHINESE}",
        "risk": RiskAssessment(likelihood=4, impact=5),
        "urgency": "immediate_danger",
        "actions_requested": ["urgent_appeal", "relocation"],
        "case_status": "monitoring",
        # flagged by an upgrade, not yet looked at by a person
        "review": ["consent_contradiction"],
        "consent": _consent(),
    }


def threat_report() -> ThreatReport:
    return ThreatReport(id="44444444-5555-4666-8777-888888888888", **_threat_fields("t"))


def reprisal_incident() -> ReprisalIncident:
    return ReprisalIncident(
        id="55555555-6666-4777-8888-999999999999", **_threat_fields("r"),
        cooperation=Cooperation(with_whom=["this_mission", "upr"],
                                when=PartialDate(date="2023-01-01", precision="year"),
                                how=["testimony", "travel_to_geneva"]),
        met_this_mission=True, consent_to_act="sg_report",
        previous_reprisals=f"Travel ban in 2022. {ARABIC}",
    )


def full_records() -> list[Record]:
    """One fully populated, valid record of every type."""
    return [mission(), person(), consultation(), threat_report(), reprisal_incident()]


def unset_fields(obj: Any, prefix: str = "") -> set[str]:
    """Paths of fields (recursively) still holding their default or an empty value.

    For lists of objects, a field counts as set when at least one item sets it
    (paths use ``*`` for the item index).
    """
    out: set[str] = set()
    for f in dataclasses.fields(obj):
        if f.name in ("id", "created_at", "updated_at"):
            continue  # random/time factories: a fresh default never equals them anyway
        value = getattr(obj, f.name)
        path = prefix + f.name
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        if value == default or value is None or value == "" or value == []:
            out.add(path)
        if isinstance(value, list):
            objects = [v for v in value if dataclasses.is_dataclass(v)]
            if objects:
                per_item = [unset_fields(item, f"{path}.*.") for item in objects]
                out |= set.intersection(*per_item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out |= unset_fields(value, f"{path}.")
    return out
