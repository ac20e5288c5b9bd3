"""What may leave the laptop (DOMAIN.md, "Consent and what may leave the laptop").

``export_decision`` is the one place the rules live; each case below is a row of the table:
the record's consent and status, and what HQ may receive.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from helpers.samples import SHA_A, SHA_B, full_records

from hrd_field.core import codec
from hrd_field.core.consent import (
    DRAFT,
    NO_CONSENT,
    NOT_SHARED_WITH_HQ,
    REASONS,
    ExportDecision,
    export_decision,
    identity_fields,
)
from hrd_field.core.records import (
    Consent,
    ConsentScope,
    Mission,
    Person,
    Record,
)


def scope(*, hq: bool = False, identity: bool = False, **other: bool) -> ConsentScope:
    return ConsentScope(share_with_hq=hq, share_identity_with_hq=identity, **other)


def with_consent(record: Record, consent: Consent, status: str = "final") -> Record:
    out = copy.deepcopy(record)
    out.consent = consent  # type: ignore[attr-defined]
    out.status = status
    return out


NONE = Consent(obtained=False)
OBTAINED_ONLY = Consent(obtained=True, method="verbal",
                        scope=scope(raise_with_state=True, publish_anonymised=True))
HQ_NO_IDENTITY = Consent(obtained=True, method="written", date="2024-03-01",
                         scope=scope(hq=True, publish_anonymised=True))
HQ_WITH_IDENTITY = Consent(obtained=True, method="recorded",
                           scope=scope(hq=True, identity=True))

SAMPLES = {r.TYPE: r for r in full_records()}
PEOPLE_TYPES = ["person", "consultation", "threat_report", "reprisal_incident"]


def kept_back(decision: ExportDecision, reason: str) -> None:
    assert decision.record is None
    assert decision.exported is False
    assert decision.reason == reason
    assert reason in REASONS, "every reason needs a label for the export summary"


# --- the table ----------------------------------------------------------------------------


@pytest.mark.parametrize("rtype", PEOPLE_TYPES)
def test_no_consent_stays_on_the_device(rtype: str) -> None:
    record = with_consent(SAMPLES[rtype], NONE)
    kept_back(export_decision(record), NO_CONSENT)
    kept_back(export_decision(record, include_drafts=True), NO_CONSENT)


@pytest.mark.parametrize("rtype", PEOPLE_TYPES)
def test_consent_without_sharing_with_hq_stays_on_the_device(rtype: str) -> None:
    record = with_consent(SAMPLES[rtype], OBTAINED_ONLY)
    kept_back(export_decision(record), NOT_SHARED_WITH_HQ)


def test_share_with_hq_without_identity_blanks_identity_and_withholds_identifying_files(
) -> None:
    person = with_consent(SAMPLES["person"], HQ_NO_IDENTITY)
    assert isinstance(person, Person)
    assert person.legal_name and person.contact
    decision = export_decision(person)
    out = decision.record
    assert isinstance(out, Person)
    assert decision.exported and decision.reason is None
    # identity fields blanked, and reported
    assert out.legal_name == "" and out.contact == ""
    assert set(decision.redacted_fields) == {"legal_name", "contact"}
    # files that may identify people are withheld, the others travel
    assert [a.sha256 for a in person.attachments if a.may_identify] == [SHA_A]
    assert decision.withheld_attachments == (SHA_A,)
    assert [a.sha256 for a in out.attachments] == [SHA_B]
    # everything else is unchanged, including the consent scope HQ must respect
    expected = dataclasses.replace(person, legal_name="", contact="",
                                   attachments=[a for a in person.attachments
                                                if not a.may_identify])
    assert out == expected
    assert out.consent == HQ_NO_IDENTITY
    assert out.alias == person.alias and out.notes == person.notes


def test_only_non_empty_identity_fields_are_reported_as_redacted() -> None:
    person = Person(alias="Rose", legal_name="", contact="+33 6 00 00 00 00",
                    status="final", consent=copy.deepcopy(HQ_NO_IDENTITY))
    decision = export_decision(person)
    assert decision.redacted_fields == ("contact",)
    assert isinstance(decision.record, Person) and decision.record.contact == ""


@pytest.mark.parametrize("rtype", ["consultation", "threat_report", "reprisal_incident"])
def test_share_without_identity_withholds_identifying_files_of_every_type(rtype: str) -> None:
    record = with_consent(SAMPLES[rtype], HQ_NO_IDENTITY)
    decision = export_decision(record)
    assert decision.exported
    assert decision.withheld_attachments == (SHA_A,)
    assert decision.record is not None
    assert [a.sha256 for a in decision.record.attachments] == [SHA_B]
    assert decision.redacted_fields == ()
    # the narrative stays: it is what HQ acts on
    assert codec.to_dict(decision.record) == {
        **codec.to_dict(record),
        "attachments": [dataclasses.asdict(a) for a in record.attachments
                        if not a.may_identify],
    }


@pytest.mark.parametrize("rtype", PEOPLE_TYPES)
def test_share_with_identity_exports_everything(rtype: str) -> None:
    record = with_consent(SAMPLES[rtype], HQ_WITH_IDENTITY)
    decision = export_decision(record)
    assert decision.exported and decision.reason is None
    assert decision.record == record
    assert decision.record is not record
    assert decision.redacted_fields == () and decision.withheld_attachments == ()


def test_identity_fields_are_the_person_identity_fields() -> None:
    assert set(identity_fields(SAMPLES["person"])) == {"legal_name", "contact"}
    for rtype in ("mission", "consultation", "threat_report", "reprisal_incident"):
        assert identity_fields(SAMPLES[rtype]) == ()


def test_missions_always_travel() -> None:
    mission = copy.deepcopy(SAMPLES["mission"])
    assert isinstance(mission, Mission) and mission.status == "final"
    assert not hasattr(mission, "consent")
    bare = dataclasses.replace(mission, attachments=[
        a for a in mission.attachments if not a.may_identify])
    decision = export_decision(bare)
    assert decision.exported
    assert decision.record == bare
    assert decision.record is not bare
    assert decision.withheld_attachments == ()


def test_mission_files_that_may_identify_people_are_withheld() -> None:
    mission = copy.deepcopy(SAMPLES["mission"])
    assert [a.sha256 for a in mission.attachments if a.may_identify] == [SHA_A]
    decision = export_decision(mission)
    assert decision.exported
    assert decision.record is not None
    assert decision.withheld_attachments == (SHA_A,)
    assert [a.sha256 for a in decision.record.attachments] == [SHA_B]


@pytest.mark.parametrize("rtype", [*PEOPLE_TYPES, "mission"])
def test_drafts_are_kept_back_unless_asked(rtype: str) -> None:
    record = SAMPLES[rtype]
    if rtype != "mission":
        record = with_consent(record, HQ_WITH_IDENTITY, status="draft")
    else:
        record = dataclasses.replace(record, status="draft")
    kept_back(export_decision(record), DRAFT)
    decision = export_decision(record, include_drafts=True)
    expected = record if rtype != "mission" else dataclasses.replace(
        record, attachments=[a for a in record.attachments if not a.may_identify])
    assert decision.exported and decision.record == expected


def test_drafts_included_still_follow_consent() -> None:
    no_identity = with_consent(SAMPLES["person"], HQ_NO_IDENTITY, status="draft")
    decision = export_decision(no_identity, include_drafts=True)
    assert isinstance(decision.record, Person) and decision.record.legal_name == ""
    none = with_consent(SAMPLES["person"], NONE, status="draft")
    assert export_decision(none, include_drafts=True).record is None


# --- purity -------------------------------------------------------------------------------


CASES: list[tuple[str, Callable[[], Record]]] = [
    ("none", lambda: with_consent(SAMPLES["person"], NONE)),
    ("obtained-only", lambda: with_consent(SAMPLES["threat_report"], OBTAINED_ONLY)),
    ("hq-no-identity", lambda: with_consent(SAMPLES["person"], HQ_NO_IDENTITY)),
    ("hq-no-identity-reprisal", lambda: with_consent(SAMPLES["reprisal_incident"],
                                                     HQ_NO_IDENTITY)),
    ("hq-identity", lambda: with_consent(SAMPLES["consultation"], HQ_WITH_IDENTITY)),
    ("mission", lambda: copy.deepcopy(SAMPLES["mission"])),
    ("draft", lambda: with_consent(SAMPLES["person"], HQ_NO_IDENTITY, status="draft")),
]


@pytest.mark.parametrize("include_drafts", [False, True])
@pytest.mark.parametrize("make", [m for _n, m in CASES], ids=[n for n, _m in CASES])
def test_input_record_is_never_mutated(make: Callable[[], Record],
                                       include_drafts: bool) -> None:
    record = make()
    before = copy.deepcopy(record)
    decision = export_decision(record, include_drafts=include_drafts)
    assert record == before
    if decision.record is not None:
        # the exported copy shares nothing mutable with the original
        out: Any = decision.record
        assert out is not record
        out.attachments.clear()
        out.tags.append("changed at HQ")
        if hasattr(out, "consent"):
            out.consent.scope.share_with_hq = False
        assert record == before


def test_same_input_same_decision() -> None:
    record = with_consent(SAMPLES["person"], HQ_NO_IDENTITY)
    assert export_decision(record) == export_decision(record)
