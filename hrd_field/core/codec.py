"""Records to and from their JSON form, validated against the generated JSON Schema."""

from __future__ import annotations

import json
import typing
from functools import cache
from typing import Any

import jsonschema

from .errors import FieldError, RecordInvalid, UserError
from .i18n import _, ngettext
from .introspect import LIST_NESTED, NESTED, plan, to_plain
from .records import RECORD_TYPES, Record
from .schema import schema_for_type
from .validation import normalise, validate


def to_dict(record: Record) -> dict[str, Any]:
    return {"type": record.TYPE, **to_plain(record)}


def dumps(record: Record) -> str:
    """Canonical JSON: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(to_dict(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise UserError(_("Invalid JSON: the key {key!r} appears twice.").format(key=key))
        out[key] = value
    return out


def parse_json(text: str | bytes) -> Any:
    """Parse untrusted JSON strictly: valid UTF-8, no duplicate keys, no NaN."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(_("Invalid JSON: the text is not valid UTF-8.")) from exc

    def _no_constants(name: str) -> Any:
        raise UserError(_("Invalid JSON: {name} is not allowed.").format(name=name))

    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates,
                          parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise UserError(
            _("Invalid JSON at line {line}, column {col}: {msg}.").format(
                line=exc.lineno, col=exc.colno, msg=exc.msg)
        ) from exc
    except RecursionError as exc:
        raise UserError(_("Invalid JSON: nested too deeply.")) from exc


@cache
def _validator(record_type: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema_for_type(RECORD_TYPES[record_type]))


def _message(err: jsonschema.ValidationError) -> str:
    kind = err.validator
    if kind == "enum":
        return _("not one of the allowed codes")
    if kind == "maxLength":
        return _("too long (at most {n} characters)").format(n=err.validator_value)
    if kind == "maxItems":
        return _("too many entries (at most {n})").format(n=err.validator_value)
    if kind == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return ngettext("unknown field: {names}", "unknown fields: {names}",
                        len(extra)).format(names=", ".join(extra))
    if kind == "pattern":
        return _("wrong format")
    if kind in ("minimum", "maximum"):
        return _("out of range")
    if kind in ("type", "anyOf"):
        return _("wrong kind of value")
    if kind == "const":
        return _("does not match the record type")
    return _("invalid value")


def _specific(err: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For optional fields (``anyOf [X, null]``) report what is wrong with X, at its path."""
    while err.validator == "anyOf" and err.context:
        inner = [e for e in err.context if e.validator != "type" or e.validator_value != "null"]
        if not inner:
            break
        err = jsonschema.exceptions.best_match(inner) or inner[0]
    return err


def _path(err: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in err.absolute_path)


def _build(cls: type, data: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    for p in plan(cls):
        if p.name not in data:
            continue
        raw = data[p.name]
        if raw is not None and p.nested is not None:
            raw = _build(p.nested, raw) if p.kind == NESTED else [
                _build(p.nested, item) for item in raw]
        elif p.kind != LIST_NESTED and isinstance(raw, list):
            raw = list(raw)
        elif p.inner is int and isinstance(raw, float):
            raw = int(raw)  # JSON 2.0 is an integer to the schema; keep it one in Python
        kwargs[p.name] = raw
    return cls(**kwargs)


def from_dict(data: Any) -> Record:
    """Build a record from untrusted JSON data; raises RecordInvalid with field-level errors."""
    if not isinstance(data, dict):
        raise RecordInvalid([FieldError("", _("a record must be a JSON object"))])
    rtype = data.get("type")
    if rtype not in RECORD_TYPES:
        raise RecordInvalid([FieldError("type", _("unknown record type; use one of: {types}")
                                        .format(types=", ".join(RECORD_TYPES)))])
    errors = sorted((_specific(e) for e in _validator(rtype).iter_errors(data)),
                    key=lambda e: list(e.absolute_path))
    if errors:
        raise RecordInvalid([FieldError(_path(e), _message(e)) for e in errors])
    record = _build(RECORD_TYPES[rtype], {k: v for k, v in data.items() if k != "type"})
    normalise(record)
    problems = validate(record)
    if problems:
        raise RecordInvalid(problems)
    return typing.cast(Record, record)


def from_trusted(data: dict[str, Any]) -> Record:
    """Rebuild a record this app stored itself (already validated); skips the schema pass."""
    cls = RECORD_TYPES[data["type"]]
    return typing.cast(Record, _build(cls, {k: v for k, v in data.items() if k != "type"}))


def loads(text: str | bytes) -> Record:
    return from_dict(parse_json(text))
