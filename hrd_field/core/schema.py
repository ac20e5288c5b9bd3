"""JSON Schema of the record format, generated from the dataclasses (docs/records.md)."""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any

from .casework import ALL_RECORD_TYPES as RECORD_TYPES
from .fields import LIST_MAX
from .records import Record
from .vocab import VOCABULARIES

SCHEMA_ID = "https://hrd-field.invalid/schema/record/v1"
FORMAT_VERSION = 1

_PATTERNS = {
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "datetime": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$",
    "uuid": r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    "sha256": r"^[0-9a-f]{64}$",
    "country": r"^[A-Z]{2}$",
}


def unwrap_optional(tp: Any) -> tuple[Any, bool]:
    """``X | None`` → (X, True); anything else → (tp, False)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


_HINTS: dict[type, dict[str, Any]] = {}


def hints(cls: type) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


def _scalar_schema(tp: Any, meta: typing.Mapping[str, Any]) -> dict[str, Any]:
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        out: dict[str, Any] = {"type": "integer"}
        if meta.get("minimum") is not None:
            out["minimum"] = meta["minimum"]
        if meta.get("maximum") is not None:
            out["maximum"] = meta["maximum"]
        return out
    if tp is str:
        out = {"type": "string"}
        if meta.get("vocab"):
            out["enum"] = list(VOCABULARIES[meta["vocab"]].codes())
        else:
            out["maxLength"] = meta.get("max_length") or 500
            fmt = meta.get("format")
            if fmt in _PATTERNS:
                out["pattern"] = _PATTERNS[fmt]
        return out
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return {"$ref": f"#/$defs/{tp.__name__}"}
    raise TypeError(f"unsupported field type {tp!r}")


def field_schema(tp: Any, meta: typing.Mapping[str, Any]) -> dict[str, Any]:
    inner, optional = unwrap_optional(tp)
    if typing.get_origin(inner) is list:
        (item,) = typing.get_args(inner)
        out: dict[str, Any] = {
            "type": "array",
            "items": _scalar_schema(item, meta),
            "maxItems": LIST_MAX,
        }
    else:
        out = _scalar_schema(inner, meta)
    if meta.get("label"):
        out = {"title": meta["label"], **out}
    if meta.get("derived"):
        out["readOnly"] = True
    if optional:
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def _nested_types(cls: type, seen: dict[str, type]) -> None:
    for f in dataclasses.fields(cls):
        inner, _opt = unwrap_optional(hints(cls)[f.name])
        if typing.get_origin(inner) is list:
            (inner,) = typing.get_args(inner)
        if isinstance(inner, type) and dataclasses.is_dataclass(inner):
            if inner.__name__ not in seen:
                seen[inner.__name__] = inner
                _nested_types(inner, seen)


def object_schema(cls: type, *, record_type: str | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if record_type:
        props["type"] = {"const": record_type}
    for f in dataclasses.fields(cls):
        props[f.name] = field_schema(hints(cls)[f.name], f.metadata)
    out: dict[str, Any] = {
        "type": "object",
        "properties": props,
        "additionalProperties": False,
    }
    if record_type:
        out["required"] = ["type"]
    return out


@cache
def record_schema() -> dict[str, Any]:
    """The whole format: one object schema per record type, selected by ``type``."""
    nested: dict[str, type] = {}
    for cls in RECORD_TYPES.values():
        _nested_types(cls, nested)
    defs = {name: object_schema(cls) for name, cls in sorted(nested.items())}
    for code, cls in RECORD_TYPES.items():
        defs[cls.__name__] = object_schema(cls, record_type=code)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "HRD Field record",
        "description": f"Record format version {FORMAT_VERSION}",
        "oneOf": [{"$ref": f"#/$defs/{cls.__name__}"} for cls in RECORD_TYPES.values()],
        "$defs": defs,
    }


def schema_for_type(cls: type[Record]) -> dict[str, Any]:
    """A standalone schema for one record type (clearer errors than the ``oneOf``)."""
    whole = record_schema()
    return {"$defs": whole["$defs"], **whole["$defs"][cls.__name__]}
