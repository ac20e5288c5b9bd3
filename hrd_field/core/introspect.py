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


_PLAINERS: dict[type, Any] = {}


def _plainer(cls: type) -> Any:
    """One function per class building its dict in a single expression (every record
    saved or imported goes through here; a loop over the plan cost three times as much)."""
    found = _PLAINERS.get(cls)
    if found is not None:
        return found
    items = []
    for p in plan(cls):
        value = f"obj.{p.name}"  # field names are Python identifiers (dataclass fields)
        if p.kind == NESTED:
            item = f"None if {value} is None else to_plain({value})"
        elif p.kind == LIST_NESTED:
            item = f"[to_plain(v) for v in {value}]"
        elif p.kind == LIST:
            item = f"list({value})"
        else:
            item = value
        items.append(f"{p.name!r}: {item}")
    env: dict[str, Any] = {"to_plain": to_plain}
    exec(f"def plain(obj):\n    return {{{', '.join(items)}}}\n", env)  # noqa: S102
    found = _PLAINERS[cls] = env["plain"]
    return found
