"""The pure rules behind issue 14: consent to act against the consent scope, the release-1
code mapping (shared by the vault migration, the HQ importer and other HQ backends), and
persons concerned by gender from linked people and stubs."""

from __future__ import annotations

import copy

import pytest

from hrd_field.core import legacy, linking
from hrd_field.core.consent import act_contradictions, highest_act_allowed
from hrd_field.core.records import (
    Consent,
    ConsentScope,
    ParticipantCounts,
    Person,
    ReprisalIncident,
    ThreatReport,
)
from hrd_field.core.validation import resolve_review, validate


def consent(**scope: bool) -> Consent:
    return Consent(obtained=True, scope=ConsentScope(share_with_hq=True, **scope))


@pytest.mark.parametrize(("act", "scope", "clash"), [
    ("raise_confidentially", {}, True),
    ("raise_confidentially", {"raise_with_state": True}, False),
    ("sg_report", {"raise_with_state": True}, True),
    ("sg_report", {"raise_with_state": True, "publish_anonymised": True}, False),
    ("make_public", {"raise_with_state": True}, True),
    ("make_public", {"publish_anonymised": True}, False),
    ("internal_only", {"raise_with_state": True}, True),
    ("internal_only", {}, False),
])
def test_consent_to_act_agrees_with_the_scope(act: str, scope: dict[str, bool],
                                               clash: bool) -> None:
    record = ReprisalIncident(consent_to_act=act, consent=consent(**scope))
    errors = [e for e in validate(record) if e.path == "consent_to_act"]
    assert bool(errors) is clash
    assert bool(act_contradictions(act, record.consent)) is clash


def test_acting_needs_consent_obtained() -> None:
    record = ReprisalIncident(consent_to_act="raise_confidentially", consent=Consent())
    assert [e.path for e in validate(record)] == ["consent_to_act"]
    assert highest_act_allowed(Consent()) == "internal_only"
    assert highest_act_allowed(consent(raise_with_state=True, publish_anonymised=True)) \
        == "make_public"


def test_a_flagged_contradiction_waits_for_a_person() -> None:
    record = ReprisalIncident(consent_to_act="sg_report", consent=consent(),
                              review=["consent_contradiction"])
    assert validate(record) == []  # accepted while flagged
    resolve_review(record)
    assert record.review == ["consent_contradiction"]  # still contradictory: flag stays
    record.consent.scope.raise_with_state = record.consent.scope.publish_anonymised = True
    resolve_review(record)
    assert record.review == [] and record.consent_to_act == "sg_report"


def test_release1_codes_map_and_the_mapping_is_idempotent() -> None:
    person = {"type": "person", "alias": "A", "gender": "man",
              "groups": ["women_defenders", "trade_unionists", "remote_areas"]}
    notes = legacy.upgrade(person)
    assert notes and "groups" not in person
    assert person["rights_defended"] == ["womens_rights", "labour_rights"]
    assert (person["professions"], person["situations"]) == (["trade_unionist"],
                                                             ["remote_area"])
    threat = {"type": "threat_report", "threat_types": ["police_harassment", "online_attack",
                                                         "death_threat"],
              "perpetrators": ["business"], "channels": []}
    legacy.upgrade(threat)
    assert threat["threat_types"] == ["threat_intimidation_harassment", "death_threat"]
    assert threat["perpetrators"] == ["business", "state_police"]
    assert threat["channels"] == ["online"]
    for data in (person, threat):
        before = copy.deepcopy(data)
        assert legacy.upgrade(data) == []
        assert data == before


def test_upgrade_flags_but_never_changes_consent() -> None:
    data = {"type": "reprisal_incident", "consent_to_act": "raise_confidentially",
            "consent": {"obtained": True, "scope": {"share_with_hq": True}}}
    before = copy.deepcopy(data["consent"])
    assert legacy.upgrade(data) == ["consent contradiction flagged"]
    assert data["review"] == ["consent_contradiction"]
    assert data["consent"] == before and data["consent_to_act"] == "raise_confidentially"


def test_persons_concerned_come_from_linked_people_and_stubs() -> None:
    a, b = Person(alias="a", gender="woman"), Person(alias="b", gender="another_identity")
    hidden = Person(alias="c", gender="man")  # no consent: its record stays here
    threat = ThreatReport(person_ids=[a.id, b.id, hidden.id], unnamed_group="families",
                          persons_concerned=ParticipantCounts(women=5))
    refs = iter(["00000000-0000-4000-8000-00000000000f"])
    out = linking.for_hq(threat, shared={a.id, b.id},
                         people={a.id: a, b.id: b, hidden.id: hidden},
                         new_ref=lambda: next(refs))
    assert out.person_ids == [a.id, b.id]
    assert [(s.ref, s.gender) for s in out.persons_not_shared] == [
        ("00000000-0000-4000-8000-00000000000f", "man")]
    # numbers entered for the group are kept; the linked people raise the others
    assert out.persons_concerned == ParticipantCounts(women=5, men=1, non_binary=1)
    assert threat.person_ids == [a.id, b.id, hidden.id]  # the field's record is untouched
    hidden.consent = consent()
    again = linking.for_hq(threat, shared={a.id, b.id}, people={a.id: a, b.id: b,
                           hidden.id: hidden}, new_ref=lambda: "unused")
    assert again.persons_not_shared[0].ref == hidden.id  # consent allows linking later
