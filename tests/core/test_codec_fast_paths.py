"""The fast JSON paths (orjson) give exactly what the standard library's gave: the same
canonical bytes (signatures and fingerprints depend on them) and, for a bundle's lines,
the same values or the same refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrd_field.core import codec
from hrd_field.core.casework import ALL_RECORD_TYPES
from hrd_field.core.errors import UserError
from hrd_field.core.introspect import plan


def _standard(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)


def _values(floats: bool) -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | _TEXT
    if floats:
        scalars |= st.floats(allow_nan=False, allow_infinity=False)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=20)


_VALUES = _values(floats=True)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, _values(floats=False), max_size=6))
def test_canonical_is_byte_for_byte_the_standard_librarys(data: dict[str, Any]) -> None:
    assert codec.canonical(data) == _standard(data)


def test_records_hold_no_floats_the_one_value_canonical_writes_its_own_way() -> None:
    seen: set[type] = set()

    def kinds(cls: type) -> set[Any]:
        if cls in seen:
            return set()
        seen.add(cls)
        found = set()
        for p in plan(cls):
            found |= kinds(p.nested) if p.nested is not None else {p.inner}
        return found

    held = set().union(*(kinds(cls) for cls in ALL_RECORD_TYPES.values()))
    assert held <= {str, int, bool, list[str]}, held


@pytest.mark.parametrize("value", [
    2**63, -(2**63) - 1, 2**64, 10**30,
    "\ud800", "a\udfffb",  # lone surrogates: json writes them, orjson refuses
    "\x00\x1f\x7f\u2028\u2029\ufeff\"\\/\n\r\t\b\f",
    {"e": "1e5", "x": ",1e5", "y": "[2E3", "t": "10:00:00.5Z", "u": "a:1.5,"},  # text
    [{"b": 1, "a": [True, None, False]}],
    (1, 2),  # a tuple goes as a list in both
])
def test_canonical_edge_values(value: Any) -> None:
    assert codec.canonical({"v": value}) == _standard({"v": value})


def test_canonical_still_refuses_what_json_refuses() -> None:
    class Text(str):
        pass

    with pytest.raises(TypeError):
        codec.canonical({"v": {1, 2}})
    with pytest.raises(TypeError):
        codec.canonical({"v": object()})
    assert codec.canonical({"v": Text("x")}) == '{"v":"x"}'


def _both(line: bytes) -> tuple[Any, Any]:
    """(parse_json's outcome, parse_line's): a value, or the refusal's message."""
    out = []
    for parse in (codec.parse_json, codec.parse_line):
        try:
            out.append(("value", parse(line)))
        except UserError as exc:
            out.append(("refused", str(exc)))
    return out[0], out[1]


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down (1 == 1.0 == True is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (a != a and b != b)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, _VALUES, max_size=6),
       st.sampled_from(["canonical", "spaced", "ascii", "unsorted"]))
def test_a_line_parses_to_the_same_value_whatever_its_form(data: dict[str, Any],
                                                           form: str) -> None:
    try:
        if form == "canonical":
            text = _standard(data)
        elif form == "spaced":
            text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        elif form == "ascii":
            text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        else:
            text = json.dumps(dict(reversed(data.items())), separators=(",", ":"),
                              ensure_ascii=False)
        line = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: no valid UTF-8 line holds it raw
        line = _standard(data).encode("utf-8", "surrogatepass")
    strict, fast = _both(line)
    assert strict[0] == fast[0]
    assert _same(strict[1], fast[1]) if strict[0] == "value" else strict[1] == fast[1]


@pytest.mark.parametrize("line", [
    b'{"a":1,"a":1}',  # the same key twice, even with the same value
    b'{"a":1,"b":{"c":2,"c":3}}',
    b'\xef\xbb\xbf{"a":1}',
    b'{"a":"\xff"}',
    b'{"a":"\\ud800"}',
    b'{"a":NaN}',
    b'{"a":Infinity}',
    b'{"a":1e400}',
    b'{"a":123456789012345678901}',  # 21 digits: orjson would read a float
    b'{"a":18446744073709551615}',  # 20 digits: both read the integer
    b'{"a":-9223372036854775809}',
    b'{"a":1e16}',  # orjson's own form of a float, not json's
    b'{"a":1e+16}',
    b"[" * 2000 + b"]" * 2000,
    b'{"a":1',
    b"",
    b"null",
    b'"text"',
])
def test_hostile_and_odd_lines_get_the_strict_parsers_answer(line: bytes) -> None:
    strict, fast = _both(line)
    assert strict[0] == fast[0]
    assert _same(strict[1], fast[1]) if strict[0] == "value" else strict[1] == fast[1]
