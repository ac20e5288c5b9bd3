"""A Markdown reference of the record format, generated from the dataclasses and vocabularies.

``docs/records.md`` embeds it between markers; a test keeps the two identical.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from .casework import ALL_RECORD_TYPES as RECORD_TYPES
from .casework import HQ_RECORD_TYPES
from .schema import hints, unwrap_optional
from .vocab import VOCABULARIES

BEGIN = "<!-- BEGIN GENERATED REFERENCE (hrd-field schema --markdown) -->"
END = "<!-- END GENERATED REFERENCE -->"


def _type_name(tp: Any, meta: typing.Mapping[str, Any]) -> str:
    inner, optional = unwrap_optional(tp)
    if typing.get_origin(inner) is list:
        (item,) = typing.get_args(inner)
        text = f"list of {_type_name(item, meta)}"
    elif meta.get("vocab") and inner is str:
        text = f"code ([{meta['vocab']}](#vocabulary-{meta['vocab'].replace('_', '-')}))"
    elif isinstance(inner, type) and dataclasses.is_dataclass(inner):
        text = f"[{inner.__name__}](#{inner.__name__.lower()})"
    elif inner is str:
        fmt = meta.get("format")
        text = fmt if fmt else f"text ≤ {meta.get('max_length')}"
    else:
        text = inner.__name__
    return text + (" or null" if optional else "")


def _table(cls: type) -> list[str]:
    lines = ["| field | type | notes |", "|---|---|---|"]
    for f in dataclasses.fields(cls):
        m = f.metadata
        notes = [m.get("label", "")]
        if m.get("required"):
            notes.append("**required**")
        if m.get("identity"):
            notes.append("**identity field**: leaves only with consent to share identity")
        if m.get("derived"):
            notes.append("derived, read-only")
        if m.get("minimum") is not None or m.get("maximum") is not None:
            lo, hi = m.get("minimum"), m.get("maximum")
            notes.append(f"≥ {lo}" if hi is None else f"{lo}–{hi}")
        lines.append(f"| `{f.name}` | {_type_name(hints(cls)[f.name], m)} | "
                     f"{'; '.join(n for n in notes if n)} |")
    return lines


def markdown_reference() -> str:
    out = [BEGIN, ""]
    nested: dict[str, type] = {}
    for code, cls in RECORD_TYPES.items():
        where = " — kept at headquarters only, never in a field bundle" \
            if code in HQ_RECORD_TYPES else ""
        out += [f"### {cls.__name__}", "", f"`\"type\": \"{code}\"`{where}", "",
                *_table(cls), ""]
        for f in dataclasses.fields(cls):
            inner, _ = unwrap_optional(hints(cls)[f.name])
            if typing.get_origin(inner) is list:
                (inner,) = typing.get_args(inner)
            if isinstance(inner, type) and dataclasses.is_dataclass(inner):
                nested[inner.__name__] = inner
    for name, cls in sorted(nested.items()):
        out += [f"### {name}", "", *_table(cls), ""]
    out += ["### Vocabularies", ""]
    for name, vocab in VOCABULARIES.items():
        out += [f"#### Vocabulary {name}", "", "| code | label |", "|---|---|"]
        out += [f"| `{code}` | {label} |" for code, label in vocab.terms]
        out.append("")
    out.append(END)
    return "\n".join(out) + "\n"
