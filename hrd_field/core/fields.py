"""Field metadata shared by validation, the JSON Schema, search indexing and the editors.

Every record field is declared once with ``fld``; everything that needs to know about a field
(its label, vocabulary, length limit, whether it identifies a person) reads it from here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

# Documented limits (docs/records.md): long enough for real notes, bounded against abuse.
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 100_000
LIST_MAX = 500
TAG_MAX = 64


def fld(
    label: str,
    *,
    default: Any = dataclasses.MISSING,
    factory: Any = dataclasses.MISSING,
    vocab: str | None = None,
    max_length: int | None = None,
    long: bool = False,
    identity: bool = False,
    required: bool = False,
    section: str = "",
    fmt: str | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    derived: bool = False,
    help: str = "",
    filter: bool = False,
) -> Any:
    """Declare a record field with the metadata the rest of the app relies on."""
    meta = {
        "label": label,
        "vocab": vocab,
        "max_length": max_length if max_length is not None else (
            LONG_TEXT_MAX if long else SHORT_TEXT_MAX
        ),
        "long": long,
        "identity": identity,
        "required": required,
        "section": section,
        "format": fmt,
        "minimum": minimum,
        "maximum": maximum,
        "derived": derived,
        "help": help,
        # lists offer a filter on this coded field (record lists, HQ reports)
        "filter": filter,
    }
    if factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def meta(field: dataclasses.Field[Any], key: str) -> Any:
    return field.metadata.get(key)
