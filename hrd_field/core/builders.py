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

import dataclasses
import typing
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
    """The builder: a fast path for the common case, a record with every field of the
    exact kind (what a device exports), and the field-by-field path for everything else."""
    complete = _make_complete(cls, top, _make_any(cls, top))
    return complete


def _make_complete(cls: type, top: bool, otherwise: Builder) -> Builder:
    """One generated function for data holding every field and nothing else, each of
    exactly its declared kind: a lookup per field, one test of the plain values, a loop
    per list, the instance made as its dataclass ``__init__`` would make it. Anything
    else goes to ``otherwise`` (the field-by-field builder), which decides; so this path
    only ever agrees with it. Names come from the dataclass fields, never from data."""
    plans = plan(cls)
    env: dict[str, Any] = {"BAD": BAD, "cls": cls, "new": object.__new__,
                           "otherwise": otherwise}
    lines = ["def build(data):",
             "    if type(data) is not dict:",
             "        return BAD",
             "    try:"]
    lines += [f"        v{i} = data[{p.name!r}]" for i, p in enumerate(plans)]
    lines += ["    except KeyError:", "        return otherwise(data)"]
    size = f"len(data) != {len(plans)}"
    if top:
        size += f" and (len(data) != {len(plans) + 1} or 'type' not in data)"
    lines += [f"    if {size}:", "        return otherwise(data)"]
    plain = []
    for i, p in enumerate(plans):
        v = f"v{i}"
        if p.kind == SCALAR and p.inner in (str, bool, int):
            test = f"type({v}) is {p.inner.__name__}"
            plain.append(f"({v} is None or {test})" if p.optional else test)
            continue
        if p.optional:
            lines += [f"    if {v} is None:", "        pass", f"    el{_kind_test(p, v)}"]
        else:
            lines.append(f"    {_kind_test(p, v)}")
        if p.kind == NESTED:
            env[f"b{i}"] = builder(p.nested or object, top=False)
            lines += [f"        {v} = b{i}({v})",
                      f"        if {v} is BAD:",
                      "            return BAD"]
        elif p.kind == LIST_NESTED:
            env[f"b{i}"] = builder(p.nested or object, top=False)
            lines += [f"        {v} = {v}[:]",
                      f"        for n, item in enumerate({v}):",
                      f"            item = {v}[n] = b{i}(item)",
                      "            if item is BAD:",
                      "                return BAD"]
        elif p.kind == LIST and typing.get_args(p.inner) == (str,):
            lines += [f"        for item in {v}:",
                      "            if type(item) is not str:",
                      "                return otherwise(data)",
                      f"        {v} = {v}[:]"]
        else:
            lines += ["        return otherwise(data)"]
        lines += ["    else:", "        return otherwise(data)"]
    if plain:
        lines += [f"    if not ({' and '.join(plain)}):", "        return otherwise(data)"]
    if _init_only_assigns(cls):
        lines.append("    obj = new(cls)")
        lines += [f"    obj.{p.name} = v{i}" for i, p in enumerate(plans)]
        lines.append("    return obj")
    else:
        lines.append("    return cls(" + ", ".join(
            f"{p.name}=v{i}" for i, p in enumerate(plans)) + ")")
    exec("\n".join(lines) + "\n", env)  # noqa: S102 - made from the field plans only
    build: Builder = env["build"]
    return build


def _kind_test(p: FieldPlan, v: str) -> str:
    return f"if type({v}) is {'dict' if p.kind == NESTED else 'list'}:"


def _init_only_assigns(cls: type) -> bool:
    """Whether ``cls(**fields)`` with every field given only assigns them in order (a
    plain dataclass ``__init__``), so that making the instance and assigning is the same."""
    params = getattr(cls, "__dataclass_params__", None)
    init = vars(cls).get("__init__")
    code = getattr(init, "__code__", None)
    return (params is not None and params.init and not params.frozen
            # made by @dataclass for this very class (its code is generated, not written)
            and getattr(init, "__qualname__", None) == f"{cls.__qualname__}.__init__"
            and code is not None and code.co_qualname == "__create_fn__.<locals>.__init__"
            and not any(name in vars(k) for k in cls.__mro__[:-1]
                        for name in ("__new__", "__setattr__", "__post_init__"))
            and all(f.init for f in dataclasses.fields(cls)))


def _make_any(cls: type, top: bool) -> Builder:
    """The field-by-field builder as one generated function: a test and an assignment per
    field, no loop and no call for plain text, numbers and flags (a record has about 50
    fields; a call per field was half the time). Names come from the dataclass fields."""
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
