"""Per-class field plans, computed once: validation, indexing and encoding walk records
thousands of times a second, so they must not re-inspect type hints each time."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

from .schema import hints, unwrap_optional

SCALAR, LIST, NESTED, LIST_NESTED = "scalar", "list", "nested", "list_nested"


@dataclass(frozen=True)
class FieldPlan:
    name: str
    kind: str
    optional: bool
    nested: type | None
    meta: typing.Mapping[str, Any]
    inner: Any = None


_PLANS: dict[type, tuple[FieldPlan, ...]] = {}


def plan(cls: type) -> tuple[FieldPlan, ...]:
    found = _PLANS.get(cls)
    if found is None:
        found = _PLANS[cls] = _make_plan(cls)
    return found


def _make_plan(cls: type) -> tuple[FieldPlan, ...]:
    out = []
    for f in dataclasses.fields(cls):
        inner, optional = unwrap_optional(hints(cls)[f.name])
        kind, nested = SCALAR, None
        if typing.get_origin(inner) is list:
            (item,) = typing.get_args(inner)
            if isinstance(item, type) and dataclasses.is_dataclass(item):
                kind, nested = LIST_NESTED, item
            else:
                kind = LIST
        elif isinstance(inner, type) and dataclasses.is_dataclass(inner):
            kind, nested = NESTED, inner
        out.append(FieldPlan(f.name, kind, optional, nested, f.metadata, inner))
    return tuple(out)


def to_plain(obj: Any) -> dict[str, Any]:
    """Like ``dataclasses.asdict`` for records, several times faster."""
    plain: dict[str, Any] = _plainer(type(obj))(obj)
    return plain


def to_typed_plain(record: Any) -> dict[str, Any]:
    """``{"type": record.TYPE, **to_plain(record)}`` (a record's JSON form), made as one
    dict rather than one copied into another."""
    plain: dict[str, Any] = _plainer(type(record), typed=True)(record)
    return plain


_PLAINERS: dict[tuple[type, bool], Any] = {}


def _plainer(cls: type, typed: bool = False) -> Any:
    """One function per class building its dict in a single expression (every record
    saved or imported goes through here; a loop over the plan cost three times as much).
    Nested objects of their declared class are written into the same expression, lists
    of them as one comprehension (made only when the list is not empty); a value of any
    other class goes through ``to_plain`` as before."""
    found = _PLAINERS.get((cls, typed))
    if found is not None:
        return found
    env: dict[str, Any] = {"to_plain": to_plain}
    names = iter(range(1_000_000))

    def dict_of(klass: type, obj: str, seen: tuple[type, ...]) -> str:
        items = []
        for p in plan(klass):
            value = f"{obj}.{p.name}"  # field names are Python identifiers
            if p.kind == NESTED and p.nested is not None and p.nested not in seen:
                x, k = f"x{next(names)}", f"k{next(names)}"
                env[k] = p.nested
                item = (f"({dict_of(p.nested, x, (*seen, p.nested))} "
                        f"if type({x} := {value}) is {k} else "
                        f"(None if {x} is None else to_plain({x})))")
            elif p.kind == NESTED:
                item = f"None if {value} is None else to_plain({value})"
            elif p.kind == LIST_NESTED and p.nested is not None:
                x, y, k = f"x{next(names)}", f"y{next(names)}", f"k{next(names)}"
                env[k] = p.nested
                inner = (dict_of(p.nested, y, (*seen, p.nested)) if p.nested not in seen
                         else f"to_plain({y})")
                # list() of an empty (or no) list: what iterating it gives, or its error
                item = (f"([{inner} if type({y}) is {k} else to_plain({y}) for {y} in {x}] "
                        f"if ({x} := {value}) else list({x}))")
            elif p.kind == LIST_NESTED:
                item = f"[to_plain(v) for v in {value}]"
            elif p.kind == LIST:
                item = f"list({value})"
            else:
                item = value
            items.append(f"{p.name!r}: {item}")
        return "{" + ", ".join(items) + "}"

    body = dict_of(cls, "obj", (cls,))
    if typed:
        body = "{'type': obj.TYPE, " + body[1:]
    exec(f"def plain(obj):\n    return {body}\n", env)  # noqa: S102
    found = _PLAINERS[cls, typed] = env["plain"]
    return found
