"""Records to and from their JSON form, validated against the generated JSON Schema."""

from __future__ import annotations

import json
import typing
from functools import cache
from typing import Any

import orjson

from .builders import BAD, builder
from .casework import ALL_RECORD_TYPES as RECORD_TYPES
from .errors import FieldError, RecordInvalid, UserError
from .i18n import _, ngettext
from .introspect import LIST, LIST_NESTED, NESTED, plan, to_typed_plain
from .records import Record
from .schema import schema_for_type
from .validation import normalise, validate


def to_dict(record: Record) -> dict[str, Any]:
    return to_typed_plain(record)


def dumps(record: Record) -> str:
    """Canonical JSON: sorted keys, no whitespace, UTF-8 kept as is."""
    return canonical(to_dict(record))


def canonical(data: dict[str, Any]) -> str:
    """``dumps`` of a record already turned into ``to_dict`` (for callers that need both).

    The bytes are the standard library's (signatures and fingerprints depend on them);
    orjson writes the same ones 3× faster: every character escapes alike (tested on all of
    Unicode), and records hold no floats, the one kind each writes its own way (2.5e-05 or
    0.000025; a test checks every record class). Integers beyond 64 bits, lone surrogates
    and types json refuses take the standard library's path."""
    try:
        return orjson.dumps(data, option=_CANONICAL).decode()
    except TypeError:  # orjson's JSONEncodeError: a value it does not take as json does
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_CANONICAL = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS
              | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS)


def stored(text: str | bytes) -> Any:
    """JSON this app wrote itself (a stored record body, authenticated by the vault or the
    sealing): parsed by orjson, 3× faster than json, without the checks untrusted JSON
    gets. Where a run of 19 digits could be an integer beyond 64 bits (which orjson would
    read as a float), json reads it."""
    data = text.encode() if isinstance(text, str) else text
    if _LONG_INT in data.translate(_DIGITS):
        return json.loads(data)
    return orjson.loads(data)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise UserError(_("Invalid JSON: the key {key!r} appears twice.").format(
                    key=key))
            seen.add(key)
    return out


def _no_constants(name: str) -> Any:
    raise UserError(_("Invalid JSON: {name} is not allowed.").format(name=name))


MAX_INT_DIGITS = 20
"""Longer integers are no record's field, and Python refuses to parse 4,300+ digits with a
ValueError that would escape the checks."""


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise UserError(_("Invalid JSON: a number has more than {n} digits.").format(
            n=MAX_INT_DIGITS))
    return int(text)


# Made once (json.loads makes a decoder per call). Bytes without a run of more than
# MAX_INT_DIGITS digits anywhere cannot hold a longer integer, and their integers are
# parsed by the C scanner without a Python call each (bulk imports parse ~10 per record).
_DECODER = json.JSONDecoder(object_pairs_hook=_reject_duplicates,
                            parse_constant=_no_constants, parse_int=_bounded_int)
_SHORT_INTS_DECODER = json.JSONDecoder(object_pairs_hook=_reject_duplicates,
                                       parse_constant=_no_constants)
_DIGITS = bytes(0x31 if 0x30 <= b <= 0x39 else 0x30 for b in range(256))
_LONG_RUN = b"1" * (MAX_INT_DIGITS + 1)
_LONG_INT = b"1" * 19  # -9223372036854775809 is beyond 64 bits


def parse_json(text: str | bytes) -> Any:
    """Parse untrusted JSON strictly: valid UTF-8, no duplicate keys, no NaN."""
    decoder = _DECODER
    if isinstance(text, bytes):
        if _LONG_RUN not in text.translate(_DIGITS):
            decoder = _SHORT_INTS_DECODER
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(_("Invalid JSON: the text is not valid UTF-8.")) from exc
    try:
        if text.startswith("\ufeff"):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)",
                                       text, 0)
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            _("Invalid JSON at line {line}, column {col}: {msg}.").format(
                line=exc.lineno, col=exc.colno, msg=exc.msg)
        ) from exc
    except RecursionError as exc:
        raise UserError(_("Invalid JSON: nested too deeply.")) from exc


def parse_line(line: bytes) -> Any:
    """``parse_json`` of one line of a bundle, 2–4× faster for the lines honest devices
    write: their records' canonical JSON. Such a line parses with orjson, and writing the
    value back gives the same bytes: that proves no key appeared twice and no integer was
    read as a float (both parsers round floats correctly). Any other line takes the strict
    parser and its refusals."""
    try:
        value = orjson.loads(line)
        if orjson.dumps(value, option=_CANONICAL) == line:
            return value
    except (orjson.JSONDecodeError, TypeError):
        pass
    return parse_json(line)


@cache
def _validator(record_type: str) -> Any:
    import jsonschema  # ~80 ms to import: only when JSON arrives from outside

    return jsonschema.Draft202012Validator(schema_for_type(RECORD_TYPES[record_type]))


def _message(err: Any) -> str:
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
    if kind == "type" and err.validator_value == "integer" and isinstance(err.instance, float):
        return _("not a whole number")
    if kind in ("type", "anyOf"):
        return _("wrong kind of value")
    if kind == "const":
        return _("does not match the record type")
    return _("invalid value")


def _specific(err: Any) -> Any:
    """For optional fields (``anyOf [X, null]``) report what is wrong with X, at its path."""
    while err.validator == "anyOf" and err.context:
        inner = [e for e in err.context if e.validator != "type" or e.validator_value != "null"]
        if not inner:
            break
        from jsonschema.exceptions import best_match

        err = best_match(inner) or inner[0]
    return err


def _path(err: Any) -> str:
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


_PY_TYPES: dict[Any, tuple[type, ...]] = {bool: (bool,), int: (int, float), str: (str,)}


def _shape_errors(cls: type, data: Any, prefix: str, errors: list[FieldError]) -> None:
    """The structural part of the JSON Schema (kinds of values, known fields), checked
    directly from the field plans: the same answer, many times faster, for bulk imports.
    Values (codes, lengths, formats, ranges) are then checked by ``validate``."""
    if not isinstance(data, dict):
        errors.append(FieldError(prefix.rstrip("."), _("wrong kind of value")))
        return
    plans = {p.name: p for p in plan(cls)}
    extra = sorted(k for k in data if k not in plans and not (prefix == "" and k == "type"))
    if extra:
        errors.append(FieldError(prefix.rstrip("."), ngettext(
            "unknown field: {names}", "unknown fields: {names}", len(extra)).format(
            names=", ".join(extra))))
    for name, p in plans.items():
        if name not in data:
            continue
        value, path = data[name], prefix + name
        if value is None:
            if not p.optional:
                errors.append(FieldError(path, _("wrong kind of value")))
        elif p.kind == NESTED:
            _shape_errors(p.nested or object, value, path + ".", errors)
        elif p.kind in (LIST, LIST_NESTED):
            if not isinstance(value, list):
                errors.append(FieldError(path, _("wrong kind of value")))
                continue
            for i, item in enumerate(value):
                if p.kind == LIST_NESTED:
                    _shape_errors(p.nested or object, item, f"{path}.{i}.", errors)
                elif not _is_kind(typing.get_args(p.inner)[0], item):
                    errors.append(FieldError(f"{path}.{i}",
                                             _kind_error(typing.get_args(p.inner)[0], item)))
        elif not _is_kind(p.inner, value):
            errors.append(FieldError(path, _kind_error(p.inner, value)))


def _kind_error(tp: Any, value: Any) -> str:
    """What is wrong with a value of the wrong kind (as the schema path words it)."""
    if tp is int and isinstance(value, float):
        return _("not a whole number")
    return _("wrong kind of value")


def _is_kind(tp: Any, value: Any) -> bool:
    if tp is not bool and isinstance(value, bool):
        return False
    if tp is int and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _PY_TYPES.get(tp, (object,)))


def from_dict(data: Any, *, fast: bool = False) -> Record:
    """Build a record from untrusted JSON data; raises RecordInvalid with field-level errors.

    Input is checked against the JSON Schema (docs/record.schema.json); ``fast`` checks the
    same structure from the field plans instead (HQ imports thousands of records at once).
    """
    if not isinstance(data, dict):
        raise RecordInvalid([FieldError("", _("a record must be a JSON object"))])
    rtype = data.get("type")
    if not isinstance(rtype, str) or rtype not in RECORD_TYPES:
        raise RecordInvalid([FieldError("type", _("unknown record type; use one of: {types}")
                                        .format(types=", ".join(RECORD_TYPES)))])
    if fast:
        record = builder(RECORD_TYPES[rtype])(data)
        if record is BAD:
            shape: list[FieldError] = []
            _shape_errors(RECORD_TYPES[rtype], data, "", shape)
            if shape:
                raise RecordInvalid(shape)
            record = _build(RECORD_TYPES[rtype], {k: v for k, v in data.items() if k != "type"})
    else:
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
