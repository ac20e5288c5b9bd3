"""A received record's fields as a reader at HQ reads them: codes as their labels, dates and
numbers in the language, yes or no, and nested items (a place, follow-up actions, a risk
assessment) as their own labelled fields instead of Python's text of a dict or a list."""

from __future__ import annotations

import html
from typing import Any

from ...core.i18n import _, language
from ...core.introspect import LIST, LIST_NESTED, NESTED, FieldPlan, plan
from ...core.records import PartialDate
from ...core.regions import country_name
from ...core.vocab import VOCABULARIES
from ..dates import format_date, format_number, format_stamp


def _scalar(value: Any, meta: Any) -> str:
    vocab = meta.get("vocab")
    if meta.get("format") == "country" and isinstance(value, str):
        return country_name(value, language())
    if meta.get("format") == "datetime" and isinstance(value, str):
        return format_stamp(value)
    if meta.get("format") == "date" and isinstance(value, str):
        return format_date(value)
    if vocab and isinstance(value, str):
        return VOCABULARIES[vocab].label(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def inline(obj: Any) -> str:
    """A nested item on one line, escaped: 'Label: value; Label: value'."""
    if isinstance(obj, PartialDate):
        return html.escape(format_date(obj.date, obj.precision)) if obj.date else ""
    parts = []
    for p in plan(type(obj)):
        value = getattr(obj, p.name)
        if value == 0 and not isinstance(value, bool):  # a count nobody gave
            continue
        shown = value_html(value, p, nested_inline=True)
        if shown:
            # the language's own "label: value" (French spaces it, Chinese uses ：)
            parts.append(_("{label}: {n}").format(
                label=html.escape(_(p.meta.get("label") or p.name)), n=shown))
    return html.escape(_("; ")).join(parts)


def value_html(value: Any, p: FieldPlan, *, nested_inline: bool = False) -> str:
    """One field's value as escaped HTML; empty when there is nothing to show. Identity
    fields (names, contact details) are masked: HQ received them only where consent allowed,
    and the page is often on a screen others can see."""
    if _blank(value):
        return ""
    if p.meta.get("identity"):
        return "••••••"
    if p.kind == NESTED:
        return inline(value)
    if p.kind == LIST_NESTED:
        items = [shown for item in value if (shown := inline(item))]
        if nested_inline:
            return html.escape(_(" / ")).join(items)
        return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    if p.kind == LIST:
        return html.escape(_(", ").join(_scalar(v, p.meta) for v in value))
    # whole, with its line breaks: HQ acts on what the field wrote (a narrative may be long)
    return html.escape(_scalar(value, p.meta)).replace("\n", "<br>")
