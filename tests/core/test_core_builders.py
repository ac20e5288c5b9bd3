"""The bulk-import fast path decides exactly as the generic checks it stands in for.

``core.builders`` (shape check and dataclass building in one pass) and the per-class
checkers of ``core.validation`` (the field checks of ``_walk``) must never accept what the
generic code refuses, and must build the same records. Each case here is a real record
turned into JSON and then damaged in one place: a leaf replaced by a hostile value, a key
dropped or added, a list or object swapped for something else.
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass
from typing import Any

import pytest
from helpers.samples import full_records

from hrd_field.core import codec, formats, validation
from hrd_field.core.builders import BAD, _init_only_assigns, builder
from hrd_field.core.casework import ALL_RECORD_TYPES
from hrd_field.core.checkers import checker
from hrd_field.core.errors import FieldError, RecordInvalid
from hrd_field.core.fields import LIST_MAX, fld
from hrd_field.core.introspect import LIST, LIST_NESTED, NESTED, plan, to_plain, to_typed_plain
from hrd_field.core.records import ConsentScope, Place
from hrd_field.core.regions import is_country
from hrd_field.demo import demo_batch
from hrd_field.demo.casework import generate_casework

HOSTILE: list[Any] = [
    None, "", " ", "x", "x" * 501, "x" * 100_001, "\x00", "a\x00b", "\ud800", "é", "人权",
    0, -1, 1, 5, 6, 100_001, 2**31, 2**63, -(2**63) - 1, 2.0, 2.5, 1e30, -1e30,
    float("inf"), True, False, [], ["x"],
    [1], [None], ["x"] * (LIST_MAX + 1), {}, {"x": 1}, "FR", "fr", "ZZ", "2024-02-30",
    "2024-02-01", "2024-2-1", "2024-02-01T10:00:00Z", "2024-02-01T25:00:00Z",
    "00000000-0000-4000-8000-000000000000", "0" * 64, "woman", "final", "draft",
]


_FRESH_DEFAULTS = {"id", "created_at", "updated_at", "ref"}
"""Dropped, these get a new random id or the current time: no two builds agree."""


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data[:3]):
            out += _paths(value, (*prefix, i))
    return out


def _damaged(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = copy.deepcopy(data)
    path = rng.choice(_paths(out))
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = rng.random()
    if action < 0.1 and isinstance(parent, dict) and last not in _FRESH_DEFAULTS:
        del parent[last]
    elif action < 0.15 and isinstance(parent, dict):
        parent["unknown_" + str(last)] = 1
    else:
        parent[last] = copy.deepcopy(rng.choice(HOSTILE))
    return out


def _generic(cls: type, data: dict[str, Any]) -> tuple[list[FieldError], Any]:
    shape: list[FieldError] = []
    codec._shape_errors(cls, data, "", shape)
    if shape:
        return shape, None
    return [], codec._build(cls, {k: v for k, v in data.items() if k != "type"})


def _samples() -> list[dict[str, Any]]:
    records = full_records() + demo_batch(60, seed=5)
    casework = generate_casework(records, today=__import__("datetime").date(2026, 1, 1),
                                 communications=20, years=2)
    return [codec.to_dict(r) for r in records + casework]


SAMPLES = _samples()


def test_valid_records_take_the_fast_path_and_come_out_the_same() -> None:
    for data in SAMPLES:
        cls = ALL_RECORD_TYPES[data["type"]]
        built = builder(cls)(data)
        assert built is not BAD, data["type"]
        assert built == _generic(cls, data)[1]
        validation.normalise(built)
        assert checker(cls)(built)
        assert codec.from_dict(data, fast=True) == codec.from_dict(data)


@pytest.mark.parametrize("seed", range(4))
def test_damaged_records_get_the_generic_verdict(seed: int) -> None:
    rng = random.Random(seed)
    for data in SAMPLES:
        for _ in range(12):
            damaged = _damaged(data, rng)
            if damaged.get("type") != data["type"]:
                continue  # the record type itself: from_dict refuses it before any of this
            cls = ALL_RECORD_TYPES[data["type"]]
            shape, generic = _generic(cls, damaged)
            built = builder(cls)(damaged)
            if shape:
                assert built is BAD, (shape, damaged)
                continue
            # the builder may send valid-looking data to the generic path, never the reverse
            if built is not BAD:
                assert built == generic
            validation.normalise(generic)
            walked: list[FieldError] = []
            validation._walk(generic, "", walked)
            assert checker(cls)(generic) == (not walked), (walked, damaged)
            expected = validation.validate(generic)
            try:
                fast = codec.from_dict(damaged, fast=True)
            except RecordInvalid as exc:
                assert exc.errors == expected
            else:
                assert not expected
                assert fast == generic


def test_checker_sees_a_too_long_list_of_objects() -> None:
    data = next(d for d in SAMPLES if d["type"] == "consultation")
    record = codec.from_dict(data, fast=True)
    record.follow_up = record.follow_up[:1] * (LIST_MAX + 1)  # type: ignore[attr-defined]
    assert not checker(type(record))(record)
    assert [e.path for e in validation.validate(record)] == ["follow_up"]


# A number where a whole number belongs, said of the field on both paths: a float such as
# 1e30 became an integer too large for any store and was refused as unreadable content.
WHOLE_NUMBER_CASES = [
    ("person", {"version": 1e30}, "version", "out of range"),
    ("person", {"version": 99_999_999_999_999_999_999}, "version", "out of range"),
    ("person", {"version": 3.5}, "version", "not a whole number"),
    ("person", {"attachments": [{"sha256": "0" * 64, "filename": "a.pdf",
                                 "media_type": "application/pdf", "size": 1e30}]},
     "attachments.0.size", "out of range"),
    ("person", {"attachments": [{"sha256": "0" * 64, "filename": "a.pdf",
                                 "media_type": "application/pdf", "size": 0.5}]},
     "attachments.0.size", "not a whole number"),
    ("communication", {"reply_period_days": 30.5}, "reply_period_days", "not a whole number"),
]


@pytest.mark.parametrize("fast", [False, True], ids=["generic", "generated"])
@pytest.mark.parametrize("case", range(len(WHOLE_NUMBER_CASES)))
def test_a_number_that_is_no_whole_number_for_the_field_is_named(fast: bool,
                                                                 case: int) -> None:
    record_type, damage, path, problem = WHOLE_NUMBER_CASES[case]
    data = dict(next(d for d in SAMPLES if d["type"] == record_type), **damage)
    with pytest.raises(RecordInvalid) as refused:
        codec.from_dict(data, fast=fast)
    assert [(e.path, e.message) for e in refused.value.errors] == [(path, problem)]


@pytest.mark.parametrize("fast", [False, True], ids=["generic", "generated"])
def test_a_number_in_a_text_field_is_the_wrong_kind_not_a_fraction(fast: bool) -> None:
    data = dict(next(d for d in SAMPLES if d["type"] == "person"), alias=3.5)
    with pytest.raises(RecordInvalid) as refused:
        codec.from_dict(data, fast=fast)
    assert [(e.path, e.message) for e in refused.value.errors] == [
        ("alias", "wrong kind of value")]


# --- the fast paths' own shortcuts --------------------------------------------------------


def _layout(obj: Any) -> Any:
    """An object's attributes in the order they were set, nested objects included."""
    if hasattr(obj, "__dataclass_fields__"):
        return (type(obj), [(k, _layout(v)) for k, v in vars(obj).items()])
    if isinstance(obj, list):
        return [_layout(v) for v in obj]
    return (type(obj), obj)


def test_a_complete_record_is_made_as_its_init_would_make_it() -> None:
    for data in SAMPLES:
        cls = ALL_RECORD_TYPES[data["type"]]
        built = builder(cls)(data)
        assert _layout(built) == _layout(_generic(cls, data)[1])
        for p in plan(cls):  # lists are the record's own, not the data's
            if p.kind in (LIST, LIST_NESTED):
                assert getattr(built, p.name) is not data[p.name]


@dataclass(kw_only=True)
class _Doubling:
    """A class whose ``__init__`` does more than assign: built only by calling it."""

    count: int = fld("Count", default=0)
    names: list[str] = fld("Names", factory=list)

    def __post_init__(self) -> None:
        self.count *= 2


@dataclass(kw_only=True)
class _Hand:
    count: int = fld("Count", default=0)

    def __init__(self, count: int = 0) -> None:
        self.count = count + 1


def test_a_class_whose_init_does_more_is_built_by_calling_it() -> None:
    assert _init_only_assigns(Place)
    assert not _init_only_assigns(_Doubling)
    assert not _init_only_assigns(_Hand)
    assert builder(_Doubling, top=False)({"count": 2, "names": ["a"]}) == _Doubling(
        count=2, names=["a"])
    assert builder(_Doubling, top=False)({"count": 2, "names": ["a"]}).count == 4
    assert builder(_Hand, top=False)({"count": 2}).count == 3
    assert builder(_Doubling, top=False)({"count": 2}).count == 4  # a key missing


def _mutants(seeds: list[str], alphabet: str, n: int, rng: random.Random) -> list[str]:
    out = list(seeds)
    for _ in range(n):
        chars = list(rng.choice(seeds))
        for _ in range(rng.randint(0, 3)):
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        if rng.random() < 0.1:
            chars.append(rng.choice(["\n", "Z", "0", "a"]))
        out.append("".join(chars))
    return out


@pytest.mark.parametrize(("field", "seeds", "alphabet"), [
    ("created_at", ["2024-02-29T23:59:59.123456Z", "2023-02-29T10:00:00.000000Z",
                    "2024-12-31T24:00:00.000000Z", "2024-01-01T00:00:00Z",
                    "2024-01-01T00:00:00.1Z"], "0123456789٣９Z-:T. \n+x\ud800"),
    ("id", ["0f8fad5b-d9cb-469f-a165-70867728950e", "ffffffff-ffff-ffff-ffff-ffffffffffff"],
     "0123456789abcdefABCDEF-g٣\n\x00\ud800"),
])
def test_the_quick_shape_checks_answer_as_the_walk(field: str, seeds: list[str],
                                                  alphabet: str) -> None:
    # identifiers and times of the shape this app writes skip the regular expression
    record = codec.from_dict(next(d for d in SAMPLES if d["type"] == "person"), fast=True)
    verdicts = []
    for value in _mutants(seeds, alphabet, 5_000, random.Random(7)):
        setattr(record, field, value)
        walked: list[FieldError] = []
        validation._walk(record, "", walked)
        assert checker(type(record))(record) == (not walked), value
        verdicts.append(not walked)
    assert 500 < sum(verdicts) < len(verdicts) - 500  # both answers well represented


def test_remembered_dates_and_countries_answer_as_the_checks() -> None:
    values = ["2024-02-29", "2023-02-29", "2024-2-1", "20240201", "2024-02-01\n", "",
              "FR", "fr", " fr ", "ZZ", "F", "FRA", "٢٠٢٤-٠٢-٠١"]
    for _ in range(2):  # the second time from what was remembered
        for value in values:
            assert formats.is_known_day(value) == formats.is_day(value), value
            assert formats.is_known_country(value) == is_country(value), value
    assert "fr" in formats.COUNTRIES_SEEN and " fr " not in formats.COUNTRIES_SEEN


def _plain_reference(obj: Any) -> dict[str, Any]:
    """``to_plain`` as a walk over the field plans."""
    out: dict[str, Any] = {}
    for p in plan(type(obj)):
        value = getattr(obj, p.name)
        if p.kind == NESTED:
            out[p.name] = None if value is None else _plain_reference(value)
        elif p.kind == LIST_NESTED:
            out[p.name] = [_plain_reference(v) for v in value]
        elif p.kind == LIST:
            out[p.name] = list(value)
        else:
            out[p.name] = value
    return out


class _Str(str):
    pass


ODD: list[Any] = [None, "", "x" * 501, "\x00", "\ud800", "FR", "2024-02-30", 5, -1, 2**63,
                  2.5, True, [], ["x"], [None], [1], ("a", "b"), (), {"a": 1}, [["x"]],
                  [{}], Place(country="FR"), [Place()], ConsentScope(), _Str("x")]
"""Values no JSON makes for a field of another kind, but code might."""


def _odd_values(record: Any) -> list[Any]:
    """Copies of ``record`` with one attribute somewhere (nested objects and the first
    item of lists of them too) set to each of ``ODD``."""
    paths: list[tuple[Any, ...]] = []

    def visit(obj: Any, prefix: tuple[Any, ...]) -> None:
        for p in plan(type(obj)):
            paths.append((*prefix, p.name))
            value = getattr(obj, p.name)
            if p.kind == NESTED and value is not None:
                visit(value, (*prefix, p.name))
            elif p.kind == LIST_NESTED and value:
                visit(value[0], (*prefix, p.name, 0))

    visit(record, ())
    out = []
    for path in paths:
        for odd_value in ODD:
            odd = copy.deepcopy(record)
            holder = odd
            for step in path[:-1]:
                holder = holder[step] if isinstance(step, int) else getattr(holder, step)
            setattr(holder, path[-1], copy.deepcopy(odd_value))
            out.append(odd)
    return out


def test_records_made_in_code_get_the_walks_verdict() -> None:
    fullest = {}  # per type, the sample with the most set
    for data in SAMPLES:
        size = len(codec.canonical(data))
        if size > fullest.get(data["type"], (0, None))[0]:
            fullest[data["type"]] = (size, data)
    for _size, data in fullest.values():
        record = codec.from_dict(data, fast=True)
        assert to_plain(record) == _plain_reference(record)
        _assert_same_typed_plain(record)
        for odd in _odd_values(record):
            walked: list[FieldError] = []
            try:
                validation._walk(odd, "", walked)
            except (TypeError, AttributeError):
                continue  # the walk itself cannot read it: not a record anyone can make
            # the checker never raises, and never passes what the walk refuses
            if checker(type(odd))(odd):
                assert not walked, walked
            try:
                expected = _plain_reference(odd)
            except TypeError as exc:
                with pytest.raises(TypeError, match=re.escape(str(exc))):
                    to_plain(odd)
            else:
                assert to_plain(odd) == expected
                _assert_same_typed_plain(odd)


def _assert_same_typed_plain(record: Any) -> None:
    """``to_typed_plain`` (``codec.to_dict``) is the type and ``to_plain``, keys in the same
    order."""
    typed, plain = to_typed_plain(record), {"type": record.TYPE, **to_plain(record)}
    assert typed == plain and list(typed) == list(plain)


NEWLINE_CASES = [
    ("person", lambda d: d.update(id=d["id"] + "\n"), "id", "not a valid identifier"),
    ("person", lambda d: d.update(mission_id=MISSION + "\n"), "mission_id",
     "not a valid identifier"),
    ("threat_report", lambda d: d.update(person_ids=[MISSION + "\n"]), "person_ids.0",
     "not a valid identifier"),
    ("person", lambda d: d.update(attachments=[{
        "sha256": "0" * 64 + "\n", "filename": "a.pdf", "media_type": "application/pdf",
        "size": 1}]), "attachments.0.sha256", "not a SHA-256 digest"),
    ("person", lambda d: d.update(created_at="2024-01-01T00:00:00Z\n"), "created_at",
     "not a valid UTC time"),
]
MISSION = "3f1c2a4e-8b7d-4c6a-9e2f-1a2b3c4d5e6f"


@pytest.mark.parametrize("fast", [False, True], ids=["generic", "generated"])
@pytest.mark.parametrize("case", range(len(NEWLINE_CASES)))
def test_an_identifier_with_a_newline_after_it_is_refused(fast: bool, case: int) -> None:
    # a regular expression's $ also matches before a final newline: such ids were valid
    record_type, damage, path, problem = NEWLINE_CASES[case]
    data = copy.deepcopy(next(d for d in SAMPLES if d["type"] == record_type))
    damage(data)
    with pytest.raises(RecordInvalid) as refused:
        codec.from_dict(data, fast=fast)
    assert [(e.path, e.message) for e in refused.value.errors] == [(path, problem)]
