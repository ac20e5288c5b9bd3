"""Records built from parsed JSON in one pass, with a builder made once per class.

``codec.from_dict(fast=True)`` (HQ imports of thousands of records) checks the shape of the
data (kinds of values, known fields) and builds the dataclasses. Walking the field plans
generically did that at a few thousand records a second; a builder made once per class from
the same plans does the same in one pass. It only ever answers "this is the record" or
``BAD`` (something is off): on ``BAD`` the caller runs the generic check, which finds and
words every problem. So the builder may be stricter than the generic check, never looser;
``tests/core/test_core_builders.py`` holds the two against each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .introspect import LIST, LIST_NESTED, NESTED, SCALAR, FieldPlan, plan

BAD: Any = object()
"""Returned instead of a record when the data does not have the record's shape."""

Builder = Callable[[Any], Any]

_BUILDERS: dict[tuple[type, bool], Builder] = {}


def builder(cls: type, *, top: bool = True) -> Builder:
    """A function taking a record's parsed JSON (a top-level record may carry ``type``)
    and giving the instance of ``cls``, or ``BAD``."""
    key = (cls, top)
    found = _BUILDERS.get(key)
    if found is None:
        found = _BUILDERS[key] = _make(cls, top)
    return found


def _make(cls: type, top: bool) -> Builder:
    """The builder as one generated function: a test and an assignment per field, no loop
    and no call for plain text, numbers and flags (a record has about 50 fields; a call per
    field was half the time). Names come from the dataclass fields, never from data."""
    env: dict[str, Any] = {
        "BAD": BAD, "cls": cls, "number": _number,
        "allowed": frozenset(p.name for p in plan(cls)) | ({"type"} if top else set())}
    lines = ["def build(data):",
             "    if type(data) is not dict or not allowed.issuperset(data):",
             "        return BAD",
             "    kw = {}"]
    for i, p in enumerate(plan(cls)):
        lines += [f"    if {p.name!r} in data:", f"        v = data[{p.name!r}]"]
        test = "" if not p.optional else "v is not None and "
        if p.kind == SCALAR and p.inner in (str, bool):
            lines += [f"        if {test}type(v) is not {p.inner.__name__}:",
                      "            return BAD"]
        elif p.kind == SCALAR and p.inner is int:
            lines += [f"        if {test}type(v) is not int:",
                      "            v = number(v)",
                      "            if v is BAD:",
                      "                return BAD"]
        else:
            env[f"convert{i}"] = _converter(p)
            lines += [f"        v = convert{i}(v)",
                      "        if v is BAD:",
                      "            return BAD"]
        lines.append(f"        kw[{p.name!r}] = v")
    lines.append("    return cls(**kw)")
    exec("\n".join(lines) + "\n", env)  # noqa: S102 - made from the field plans only
    build: Builder = env["build"]
    return build


def _converter(p: FieldPlan) -> Callable[[Any], Any]:
    optional = p.optional
    if p.kind == NESTED:
        nested = builder(p.nested or object, top=False)

        def one(value: Any) -> Any:
            if value is None:
                return None if optional else BAD
            return nested(value)

        return one
    if p.kind == LIST_NESTED:
        item_builder = builder(p.nested or object, top=False)

        def nested_list(value: Any) -> Any:
            if type(value) is not list:
                return None if value is None and optional else BAD
            out = [item_builder(item) for item in value]
            return BAD if BAD in out else out

        return nested_list
    if p.kind == LIST:
        (item_type,) = getattr(p.inner, "__args__", (None,))
        if item_type is not str:
            return _never

        def strings(value: Any) -> Any:
            if type(value) is not list:
                return None if value is None and optional else BAD
            for item in value:
                if type(item) is not str:
                    return BAD
            return list(value)

        return strings
    return _SCALARS.get(p.inner, (_never, _never))[optional]


def _never(value: Any) -> Any:
    """A kind of field no builder is made for: the generic path decides."""
    return BAD


def _text(value: Any) -> Any:
    return value if type(value) is str else BAD


def _text_or_none(value: Any) -> Any:
    return value if value is None or type(value) is str else BAD


def _flag(value: Any) -> Any:
    return value if type(value) is bool else BAD


def _flag_or_none(value: Any) -> Any:
    return value if value is None or type(value) is bool else BAD


def _number(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return value
    if kind is float and value.is_integer():
        return int(value)  # JSON 2.0 is an integer to the schema; keep it one in Python
    return BAD


def _number_or_none(value: Any) -> Any:
    return None if value is None else _number(value)


_SCALARS: dict[Any, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    str: (_text, _text_or_none),
    bool: (_flag, _flag_or_none),
    int: (_number, _number_or_none),
}
"""(required, optional) converters by Python type."""
