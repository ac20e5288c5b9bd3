"""The record format: codec round trips, field-level validation, strict JSON, the JSON Schema.

These are the rules every entry point (CLI, editors, bundle reader) relies on: what is
accepted, what is refused, and that a refusal names the field so the user can fix it.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import jsonschema
import pytest
from helpers.samples import (
    ARABIC,
    CHINESE,
    FRENCH,
    full_records,
    unset_fields,
)

from hrd_field.core import codec
from hrd_field.core.errors import FieldError, RecordInvalid, UserError
from hrd_field.core.fields import LIST_MAX, LONG_TEXT_MAX, SHORT_TEXT_MAX, TAG_MAX
from hrd_field.core.records import (
    RECORD_TYPES,
    Mission,
    Person,
    Record,
    ReprisalIncident,
    ThreatReport,
)
from hrd_field.core.schema import record_schema
from hrd_field.core.validation import validate

RECORDS = full_records()
IDS = [r.TYPE for r in RECORDS]


def paths(exc: RecordInvalid) -> list[str]:
    return [e.path for e in exc.errors]


def rejected(data: dict[str, Any]) -> RecordInvalid:
    with pytest.raises(RecordInvalid) as info:
        codec.from_dict(data)
    assert info.value.errors, "RecordInvalid must carry field errors"
    assert all(isinstance(e, FieldError) for e in info.value.errors)
    return info.value


def person_data(**fields: Any) -> dict[str, Any]:
    return {"type": "person", "alias": "Rose", **fields}


# --- round trips -------------------------------------------------------------------------


def test_samples_fill_every_field_of_every_type() -> None:
    assert {r.TYPE for r in RECORDS} == set(RECORD_TYPES)
    for record in RECORDS:
        assert unset_fields(record) == set(), record.TYPE
        assert validate(record) == [], record.TYPE


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_dict_round_trip_is_lossless(record: Record) -> None:
    data = codec.to_dict(record)
    assert data["type"] == record.TYPE
    again = codec.from_dict(copy.deepcopy(data))
    assert type(again) is type(record)
    assert again == record
    assert codec.to_dict(again) == data


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_json_text_round_trip_keeps_every_script(record: Record) -> None:
    text = codec.dumps(record)
    # canonical form: UTF-8 kept as is (not \\u escapes), sorted keys, no whitespace
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False)
    assert ARABIC in text or CHINESE in text or FRENCH in text
    assert codec.loads(text.encode("utf-8")) == record
    assert codec.loads(text) == record


def test_nested_values_come_back_as_objects_not_dicts() -> None:
    reprisal = codec.from_dict(codec.to_dict(RECORDS[-1]))
    assert isinstance(reprisal, ReprisalIncident)
    assert reprisal.cooperation.when is not None
    assert reprisal.cooperation.when.precision == "year"
    assert reprisal.risk is not None and reprisal.risk.level == "critical"
    assert reprisal.attachments[1].may_identify is False
    assert reprisal.place.locality == "Juchitán de Zaragoza"


def test_minimal_records_get_defaults() -> None:
    p = codec.from_dict({"type": "person", "alias": "Rose"})
    assert isinstance(p, Person)
    assert p.status == "draft" and p.version == 1 and p.consent.obtained is False
    assert p.legal_name == "" and p.attachments == []


# --- vocabularies, unknown fields ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (person_data(gender="female"), "gender"),
        (person_data(rights_defended=["womens_rights", "bogus_group"]), "rights_defended.1"),
        (person_data(risk_level="extreme"), "risk_level"),
        (person_data(status="published"), "status"),
        (person_data(consent={"method": "telepathy"}), "consent.method"),
        ({"type": "consultation", "gender_analysis": {"participation": "loud"}},
         "gender_analysis.participation"),
        ({"type": "threat_report", "threat_types": ["death_threat", "Death threat"]},
         "threat_types.1"),
        ({"type": "reprisal_incident", "cooperation": {"with_whom": ["nato"]}},
         "cooperation.with_whom.0"),
        ({"type": "mission", "title": "t", "kind": "holiday"}, "kind"),
    ],
)
def test_unknown_vocabulary_code_is_refused_with_its_path(data: dict[str, Any],
                                                         path: str) -> None:
    exc = rejected(data)
    assert path in paths(exc), exc.errors


@pytest.mark.parametrize(
    "data",
    [
        person_data(rights_defended=["womens_rights", "bogus_group"]),
        person_data(status="published"),
        {"type": "mission", "title": "t", "kind": "holiday"},
    ],
)
def test_unknown_code_message_says_so(data: dict[str, Any]) -> None:
    assert "allowed codes" in str(rejected(data))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (person_data(gender="female"), "allowed codes"),
        (person_data(consent={"method": "telepathy"}), "allowed codes"),
        (person_data(consent={"date": "yesterday"}), "format"),
    ],
    ids=["gender", "consent-method", "consent-date"],
)
def test_unknown_code_in_optional_field_message_says_so(data: dict[str, Any],
                                                        words: str) -> None:
    assert words in str(rejected(data))


def test_unknown_vocabulary_code_is_refused_by_validate_too() -> None:
    # The vault validates dataclasses built in code (editors, demo data) without the schema.
    errors = validate(Person(alias="Rose", gender="female", situations=["nope"]))
    assert {e.path for e in errors} == {"gender", "situations.0"}


def test_unknown_top_level_field_is_named() -> None:
    exc = rejected(person_data(nickname="Rosie"))
    assert "nickname" in str(exc)


def test_unknown_nested_field_is_named_with_its_path() -> None:
    exc = rejected(person_data(location={"country": "FR", "city": "Lyon"}))
    assert "location" in paths(exc)
    assert "city" in str(exc)


def test_not_an_object_and_unknown_type() -> None:
    assert paths(rejected([1, 2])) == [""]  # type: ignore[arg-type]
    exc = rejected({"type": "diary", "text": "x"})
    assert paths(exc) == ["type"]
    exc = rejected({"alias": "no type"})
    assert paths(exc) == ["type"]


def test_wrong_kinds_of_values() -> None:
    assert "tags" in paths(rejected(person_data(tags="one,two")))
    assert "alias" in paths(rejected(person_data(alias=42)))
    assert "consent.obtained" in paths(rejected(person_data(consent={"obtained": "yes"})))
    exc = rejected({"type": "consultation", "participants": {"women": -1}})
    assert "participants.women" in paths(exc)
    assert "risk.likelihood" in paths(rejected({"type": "threat_report",
                                                "risk": {"likelihood": 6, "impact": 1}}))


@pytest.mark.parametrize("fast", [False, True], ids=["schema", "bulk import"])
@pytest.mark.parametrize(("data", "path"), [
    ({"type": "threat_report", "persons_concerned": {"women": -5},
      "persons_not_shared": [{"gender": "woman"}]}, "persons_concerned.women"),
    ({"type": "consultation", "organisations_count": -3, "organisations": ["A"]},
     "organisations_count"),
    ({"type": "consultation", "countries_count": -3, "countries_represented": ["FR"]},
     "countries_count"),
])
def test_a_negative_count_is_refused_not_raised_to_the_people_named(
        data: dict[str, Any], path: str, fast: bool) -> None:
    """Counts never fall below what is named; a negative one came from a broken or hostile
    source and must be refused on both import paths, not mended into a plausible number."""
    with pytest.raises(RecordInvalid) as info:
        codec.from_dict(data, fast=fast)
    assert path in paths(info.value)


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"type": "threat_report", "risk": {"likelihood": 6, "impact": 1}}, "risk.likelihood"),
        ({"type": "threat_report", "incident_date": {"date": "2024-01-01",
                                                     "precision": "week"}},
         "incident_date.precision"),
        ({"type": "reprisal_incident", "cooperation": {"when": {"date": "2024-01-01",
                                                                "precision": "week"}}},
         "cooperation.when.precision"),
    ],
    ids=["risk", "incident-date", "cooperation-when"],
)
def test_errors_inside_optional_objects_keep_their_path(data: dict[str, Any],
                                                        path: str) -> None:
    assert path in paths(rejected(data))


def test_required_alias() -> None:
    assert "alias" in paths(rejected({"type": "person", "alias": "   "}))
    assert "title" in paths(rejected({"type": "mission"}))


# --- text limits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "path", "limit"),
    [
        (lambda s: person_data(notes=s), "notes", LONG_TEXT_MAX),
        (lambda s: {"type": "consultation", "summary": s}, "summary", LONG_TEXT_MAX),
        (lambda s: {"type": "threat_report", "description": s}, "description", LONG_TEXT_MAX),
        (lambda s: {"type": "mission", "title": s}, "title", SHORT_TEXT_MAX),
        (lambda s: person_data(organisation=s), "organisation", SHORT_TEXT_MAX),
        (lambda s: person_data(location={"locality": s}), "location.locality",
         SHORT_TEXT_MAX),
        (lambda s: {"type": "consultation", "topics": ["ok", s]}, "topics.1", SHORT_TEXT_MAX),
        (lambda s: person_data(tags=[s]), "tags.0", TAG_MAX),
    ],
    ids=["notes", "summary", "description", "title", "organisation", "locality", "topic",
         "tag"],
)
def test_text_limit_exactly_at_limit_ok_one_over_fails(make: Any, path: str,
                                                       limit: int) -> None:
    # Limits count characters, not bytes: Arabic text at the limit is several times longer
    # in UTF-8 and must still be accepted.
    at_limit = ("ب" * (limit - 1)) + "x"
    codec.from_dict(make(at_limit))
    exc = rejected(make(at_limit + "y"))
    assert path in paths(exc), exc.errors
    assert str(limit) in str(exc)


def test_text_limit_enforced_on_dataclasses_too() -> None:
    ok = Person(alias="Rose", notes="n" * LONG_TEXT_MAX, organisation="o" * SHORT_TEXT_MAX)
    assert validate(ok) == []
    errors = validate(Person(alias="Rose", notes="n" * (LONG_TEXT_MAX + 1),
                             organisation="o" * (SHORT_TEXT_MAX + 1)))
    assert {e.path for e in errors} == {"notes", "organisation"}


def test_too_many_list_entries() -> None:
    codec.from_dict(person_data(tags=["t"] * LIST_MAX))
    assert "tags" in paths(rejected(person_data(tags=["t"] * (LIST_MAX + 1))))


def test_nul_character_is_refused() -> None:
    assert "notes" in paths(rejected(person_data(notes="before\x00after")))


# --- dates, countries, derived region -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"type": "mission", "title": "t", "start_date": "2024-02-30"}, "start_date"),
        ({"type": "mission", "title": "t", "start_date": "2023-02-29"}, "start_date"),
        ({"type": "mission", "title": "t", "end_date": "2024/03/01"}, "end_date"),
        ({"type": "mission", "title": "t", "end_date": "01-03-2024"}, "end_date"),
        ({"type": "consultation", "date": "2024-13-01"}, "date"),
        (person_data(consent={"date": "yesterday"}), "consent.date"),
        ({"type": "threat_report", "incident_date": {"date": "2024-00-10"}},
         "incident_date.date"),
        ({"type": "threat_report", "incident_date": {"precision": "year"}},
         "incident_date.date"),
        ({"type": "consultation", "follow_up": [{"action": "call", "due_date": "2024-4-1"}]},
         "follow_up.0.due_date"),
        (person_data(created_at="2024-01-01 10:00:00"), "created_at"),
        (person_data(updated_at="2024-01-01T25:00:00Z"), "updated_at"),
    ],
)
def test_bad_dates_are_refused_with_their_path(data: dict[str, Any], path: str) -> None:
    exc = rejected(data)
    assert path in paths(exc), exc.errors


def test_leap_day_is_a_valid_date() -> None:
    m = codec.from_dict({"type": "mission", "title": "t", "start_date": "2024-02-29"})
    assert isinstance(m, Mission) and m.start_date == "2024-02-29"


def test_mission_ending_before_it_starts() -> None:
    exc = rejected({"type": "mission", "title": "t", "start_date": "2024-03-10",
                    "end_date": "2024-03-09"})
    assert paths(exc) == ["end_date"]
    same_day = {"type": "mission", "title": "t", "start_date": "2024-03-10",
                "end_date": "2024-03-10"}
    assert isinstance(codec.from_dict(same_day), Mission)


def test_updated_before_created_is_refused() -> None:
    exc = rejected(person_data(created_at="2024-03-02T00:00:00Z",
                               updated_at="2024-03-01T00:00:00Z"))
    assert paths(exc) == ["updated_at"]


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"type": "mission", "title": "t", "country": "XX"}, "country"),
        ({"type": "mission", "title": "t", "country": "FRA"}, "country"),
        ({"type": "mission", "title": "t", "country": "XK"}, "country"),
        (person_data(location={"country": "ZZ"}), "location.country"),
        ({"type": "consultation", "place": {"country": "EU"}}, "place.country"),
        ({"type": "threat_report", "place": {"country": "12"}}, "place.country"),
    ],
)
def test_invalid_country_is_refused(data: dict[str, Any], path: str) -> None:
    assert path in paths(rejected(data))


@pytest.mark.parametrize(
    ("country", "region"),
    [("KE", "africa"), ("EG", "mena"), ("PS", "mena"), ("SD", "africa"), ("MX", "americas"),
     ("KZ", "europe_central_asia"), ("PH", "asia_pacific")],
)
def test_mission_region_is_derived_from_country(country: str, region: str) -> None:
    # a region sent by the client is ignored: the country decides
    wrong = "asia_pacific" if region != "asia_pacific" else "africa"
    m = codec.from_dict({"type": "mission", "title": "t", "country": country,
                         "region": wrong})
    assert isinstance(m, Mission)
    assert m.region == region
    assert codec.to_dict(m)["region"] == region


def test_mission_without_country_has_no_region() -> None:
    m = codec.from_dict({"type": "mission", "title": "t", "region": "africa"})
    assert isinstance(m, Mission) and m.region is None


def test_unknown_region_code_is_refused() -> None:
    assert "region" in paths(rejected({"type": "mission", "title": "t", "region": "oceania"}))


# --- consent and threat rules -------------------------------------------------------------


@pytest.mark.parametrize(
    ("consent", "path"),
    [
        ({"obtained": False, "scope": {"share_with_hq": True}}, "consent.obtained"),
        ({"obtained": False, "scope": {"publish_anonymised": True}}, "consent.obtained"),
        ({"obtained": True, "scope": {"share_identity_with_hq": True}},
         "consent.scope.share_identity_with_hq"),
        ({"obtained": True, "scope": {"publish_with_name": True}},
         "consent.scope.publish_with_name"),
    ],
)
def test_inconsistent_consent_is_refused(consent: dict[str, Any], path: str) -> None:
    for rtype in ("person", "consultation", "threat_report", "reprisal_incident"):
        data = {"type": rtype, "consent": consent}
        if rtype == "person":
            data["alias"] = "Rose"
        assert path in paths(rejected(data)), rtype


def test_consistent_consent_is_accepted() -> None:
    p = codec.from_dict(person_data(consent={
        "obtained": True, "method": "verbal", "date": "2024-03-01",
        "scope": {"share_with_hq": True, "share_identity_with_hq": True,
                  "publish_anonymised": True, "publish_with_name": True}}))
    assert isinstance(p, Person) and p.consent.scope.publish_with_name


@pytest.mark.parametrize("rtype", ["threat_report", "reprisal_incident"])
def test_final_threat_needs_a_type(rtype: str) -> None:
    base: dict[str, Any] = {"type": rtype, "unnamed_group": "fishers' collective",
                            "cooperation": {"with_whom": ["upr"]}}
    if rtype == "threat_report":
        del base["cooperation"]
    exc = rejected({**base, "status": "final"})
    assert paths(exc) == ["threat_types"]
    # a draft may be incomplete
    assert isinstance(codec.from_dict({**base, "status": "draft"}), ThreatReport)
    final = codec.from_dict({**base, "status": "final", "threat_types": ["travel_ban"]})
    assert final.status == "final"


def test_final_threat_needs_someone_concerned() -> None:
    exc = rejected({"type": "threat_report", "status": "final",
                    "threat_types": ["death_threat"], "unnamed_group": "  "})
    assert paths(exc) == ["person_ids"]


def test_final_reprisal_needs_the_mechanism() -> None:
    exc = rejected({"type": "reprisal_incident", "status": "final",
                    "threat_types": ["travel_ban"], "unnamed_group": "union members"})
    assert paths(exc) == ["cooperation.with_whom"]


def test_business_sector_only_with_business_perpetrator() -> None:
    exc = rejected({"type": "threat_report", "perpetrators": ["state_police"],
                    "business_sector": "extractive"})
    assert paths(exc) == ["business_sector"]


def test_person_ids_must_be_identifiers() -> None:
    exc = rejected({"type": "threat_report", "person_ids": ["Fatima Haddad"]})
    assert "person_ids.0" in paths(exc)


def test_error_message_lists_fields() -> None:
    exc = rejected(person_data(gender="x", risk_level="y"))
    assert {"gender", "risk_level"} <= set(paths(exc))
    assert "gender" in str(exc) and "risk_level" in str(exc)


# --- strict JSON ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "person", "alias": "a", "alias": "b"}',
        '{"type": "person", "alias": "a", "location": {"country": "FR", "country": "DE"}}',
        '[{"k": 1, "k": 1}]',
    ],
    ids=["top", "nested", "in-array"],
)
def test_parse_json_rejects_duplicate_keys(text: str) -> None:
    with pytest.raises(UserError, match="twice"):
        codec.parse_json(text)


@pytest.mark.parametrize(
    "data",
    [b'{"alias": "\xff\xfe"}', b'{"alias": "caf\xe9"}', b"\xed\xa0\x80"],
    ids=["ff-fe", "latin1", "encoded-surrogate"],
)
def test_parse_json_rejects_invalid_utf8(data: bytes) -> None:
    with pytest.raises(UserError, match="UTF-8"):
        codec.parse_json(data)


@pytest.mark.parametrize("const", ["NaN", "Infinity", "-Infinity"])
def test_parse_json_rejects_nan_and_infinity(const: str) -> None:
    with pytest.raises(UserError, match=const.lstrip("-")):
        codec.parse_json('{"risk": {"likelihood": ' + const + "}}")


def test_parse_json_rejects_syntax_errors_with_position() -> None:
    with pytest.raises(UserError, match="line 2"):
        codec.parse_json('{"alias": "a",\n "x": }')


def test_parse_json_rejects_deep_nesting_cleanly() -> None:
    with pytest.raises(UserError):
        codec.parse_json("[" * 100_000 + "]" * 100_000)


def test_parse_json_accepts_unicode_text() -> None:
    text = json.dumps({"notes": ARABIC + CHINESE}, ensure_ascii=False).encode("utf-8")
    assert codec.parse_json(text) == {"notes": ARABIC + CHINESE}


def test_lone_surrogate_escape_is_refused() -> None:
    with pytest.raises(UserError):
        codec.loads(b'{"type": "person", "alias": "Rose \\ud800"}')


def test_integer_fields_hold_integers() -> None:
    r = codec.from_dict({"type": "threat_report", "risk": {"likelihood": 2.0, "impact": 3}})
    assert isinstance(r, ThreatReport) and r.risk is not None
    assert type(r.risk.likelihood) is int


# --- JSON Schema ----------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    schema = record_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_schema_accepts_valid_records(record: Record) -> None:
    validator = jsonschema.Draft202012Validator(record_schema())
    assert list(validator.iter_errors(codec.to_dict(record))) == []
    # and a minimal valid record of the type
    minimal = codec.to_dict(type(record)(**({"alias": "a"} if isinstance(record, Person) else
                                            {"title": "t"} if isinstance(record, Mission)
                                            else {})))
    assert list(validator.iter_errors(minimal)) == []


def test_schema_rejects_what_the_codec_rejects() -> None:
    validator = jsonschema.Draft202012Validator(record_schema())
    good = codec.to_dict(RECORDS[1])
    for bad in (
        {**good, "type": "diary"},
        {**good, "gender": "female"},
        {**good, "nickname": "x"},
        {**good, "notes": "n" * (LONG_TEXT_MAX + 1)},
        {**good, "tags": ["t" * (TAG_MAX + 1)]},
    ):
        assert not validator.is_valid(bad)


def test_schema_covers_every_field_of_every_type() -> None:
    defs = record_schema()["$defs"]
    for cls in RECORD_TYPES.values():
        props = defs[cls.__name__]["properties"]
        assert set(props) == {"type"} | {f.name for f in dataclasses.fields(cls)}, cls
        assert defs[cls.__name__]["additionalProperties"] is False


def test_demo_records_are_valid_and_round_trip() -> None:
    demo = pytest.importorskip("hrd_field.demo")
    records = list(demo.generate(150, seed=3))
    assert len(records) == 150
    assert {r.TYPE for r in records} == set(RECORD_TYPES)
    for r in records:
        assert validate(r) == [], (r.TYPE, validate(r))
        assert codec.from_dict(codec.to_dict(r)) == r


# --- the fast structural check used by bulk imports agrees with the JSON Schema -------------

FAST_CASES = [
    {"type": "person", "alias": 42},
    {"type": "person", "alias": "A", "nickname": "x"},
    {"type": "person", "alias": "A", "professions": "lawyer"},
    {"type": "person", "alias": "A", "professions": [1]},
    {"type": "person", "alias": "A", "location": {"country": "FR", "city": "Lyon"}},
    {"type": "person", "alias": "A", "location": None},
    {"type": "person", "alias": "A", "consent": {"obtained": "yes"}},
    {"type": "threat_report", "risk": {"likelihood": True, "impact": 1}},
    {"type": "threat_report", "risk": {"likelihood": 2.5, "impact": 1}},
    {"type": "threat_report", "incident_date": {"date": 20240101}},
    {"type": "consultation", "follow_up": [{"action": "x", "done": "no"}]},
    {"type": "consultation", "follow_up": {"action": "x"}},
    {"type": "mission", "title": "T", "team": [None]},
]


@pytest.mark.parametrize("data", FAST_CASES)
def test_fast_check_rejects_what_the_schema_rejects(data: dict[str, Any]) -> None:
    with pytest.raises(RecordInvalid):
        codec.from_dict(data)
    with pytest.raises(RecordInvalid):
        codec.from_dict(data, fast=True)


def test_fast_check_accepts_what_the_schema_accepts() -> None:
    demo = pytest.importorskip("hrd_field.demo")
    for record in demo.demo_batch(300, seed=11):
        data = codec.to_dict(record)
        assert codec.from_dict(data, fast=True) == codec.from_dict(data)


def test_the_field_record_codes_the_menus_use_are_the_record_classes() -> None:
    from hrd_field.core.records import RECORD_TYPES
    from hrd_field.core.vocab import FIELD_RECORD_TYPES

    assert FIELD_RECORD_TYPES == tuple(RECORD_TYPES)
