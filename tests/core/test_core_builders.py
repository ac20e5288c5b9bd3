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
from typing import Any

import pytest
from helpers.samples import full_records

from hrd_field.core import codec, validation
from hrd_field.core.builders import BAD, builder
from hrd_field.core.casework import ALL_RECORD_TYPES
from hrd_field.core.errors import FieldError, RecordInvalid
from hrd_field.core.fields import LIST_MAX
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
        assert validation._checker(cls)(built)
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
            assert validation._checker(cls)(generic) == (not walked), (walked, damaged)
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
    assert not validation._checker(type(record))(record)
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
