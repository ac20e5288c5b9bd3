"""``indexing``'s walks over a record (its free text, its coded values) as one generated
function per record class: every save and every imported record is indexed, and the walks
(a call per nested object, a test of each field's kind for every value) were most of it.

Each function does what the walk in ``indexing`` does, field by field in the same order;
a nested object or list item of its declared class is written inline, anything else goes
to the walk itself. ``tests/core/test_core_indexing.py`` holds the two against each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .introspect import LIST, LIST_NESTED, NESTED, FieldPlan, plan

Collect = Callable[[Any, Any], None]


def text_fields(cls: type) -> tuple[FieldPlan, ...]:
    """The fields whose values are searched as text: codes, ids and dates are filters,
    identity fields never reach a search hit."""
    return tuple(p for p in plan(cls)
                 if not (p.meta.get("vocab") or p.meta.get("format")
                         or p.meta.get("identity") or p.name == "author"))


def coded_fields(cls: type) -> tuple[FieldPlan, ...]:
    """The fields holding codes, and the nested objects that may hold some."""
    return tuple(p for p in plan(cls) if p.kind in (NESTED, LIST_NESTED) or p.meta.get("vocab"))


def make_text_collector(cls: type, generic: Collect) -> Collect:
    """``collect(obj, parts)``: appends ``obj``'s non-blank texts to ``parts``, as the
    generic walk ``generic`` does."""
    return _Writer(generic, "parts", _text_leaf, text_fields).function(cls)


def make_term_collector(cls: type, generic: Collect) -> Collect:
    """``collect(obj, out)``: adds ``obj``'s (vocabulary, code) pairs to the set ``out``,
    as the generic walk ``generic`` does."""
    return _Writer(generic, "out", _term_leaf, coded_fields).function(cls)


def make_term_text_collector(cls: type, generic: Collect) -> Collect:
    """``collect(obj, out)``: adds ``obj``'s pairs to the set ``out`` as 'vocab:code'
    texts; raises ``NotText`` at a code that is no text (the caller then formats the
    pairs of ``terms``, which is what this stands for)."""
    return _Writer(generic, "out", _term_text_leaf, coded_fields).function(cls)


class NotText(Exception):
    """A code that is no text: 'vocab:code' is made the general way."""


def _term_text_leaf(w: _Writer, p: FieldPlan, v: str, depth: int) -> None:
    vocab = p.meta.get("vocab")
    if vocab is None:
        return
    if ":" in vocab:  # the text would be ambiguous (no vocabulary is named so)
        w.emit(depth, "raise NotText")
        return
    k = w.const(f"{vocab}:")
    if p.kind == LIST:
        w.emit(depth, f"if {v} is not None:")
        w.emit(depth + 1, f"for x in {v}:")
        w.emit(depth + 2, "if type(x) is not str:")
        w.emit(depth + 3, "raise NotText")
        w.emit(depth + 2, f"out.add({k} + x)")
    else:
        w.emit(depth, f"if isinstance({v}, str):")
        w.emit(depth + 1, f"if type({v}) is not str:")
        w.emit(depth + 2, "raise NotText")
        w.emit(depth + 1, f"out.add({k} + {v})")


def _text_leaf(w: _Writer, p: FieldPlan, v: str, depth: int) -> None:
    if p.kind == LIST:
        w.emit(depth, f"if {v} is not None:")
        w.emit(depth + 1, f"for x in {v}:")
        w.emit(depth + 2, "if x.strip():")
        w.emit(depth + 3, "parts.append(x)")
    else:
        w.emit(depth, f"if isinstance({v}, str) and {v}.strip():")
        w.emit(depth + 1, f"parts.append({v})")


def _term_leaf(w: _Writer, p: FieldPlan, v: str, depth: int) -> None:
    vocab = p.meta.get("vocab")
    if vocab is None:
        return
    k = w.const(vocab)
    if p.kind == LIST:
        w.emit(depth, f"if {v} is not None:")
        w.emit(depth + 1, f"for x in {v}:")
        w.emit(depth + 2, f"out.add(({k}, x))")
    else:
        w.emit(depth, f"if isinstance({v}, str):")
        w.emit(depth + 1, f"out.add(({k}, {v}))")


class _Writer:
    """Writes a collector's source; names in it are dataclass field names only."""

    def __init__(self, generic: Collect, sink: str,
                 leaf: Callable[[_Writer, FieldPlan, str, int], None],
                 fields: Callable[[type], tuple[FieldPlan, ...]]) -> None:
        self.env: dict[str, Any] = {"generic": generic, "NotText": NotText}
        self.sink, self.leaf, self.fields = sink, leaf, fields
        self.lines: list[str] = []
        self.count = 0

    def function(self, cls: type) -> Collect:
        self.lines = [f"def collect(obj, {self.sink}):", "    pass"]
        self.members(cls, "obj", 1, (cls,))
        exec("\n".join(self.lines) + "\n", self.env)  # noqa: S102 - made from the plans only
        collect: Collect = self.env["collect"]
        return collect

    def const(self, value: Any) -> str:
        self.count += 1
        self.env[f"k{self.count}"] = value
        return f"k{self.count}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def members(self, cls: type, obj: str, depth: int, seen: tuple[type, ...]) -> None:
        for p in self.fields(cls):
            self.count += 1
            v = f"v{self.count}"
            self.emit(depth, f"{v} = {obj}.{p.name}")
            if p.kind == NESTED:
                self.emit(depth, f"if {v} is not None:")
                self.nested(p.nested, v, depth + 1, seen)
            elif p.kind == LIST_NESTED:
                self.count += 1
                item = f"i{self.count}"
                self.emit(depth, f"if {v} is not None:")
                self.emit(depth + 1, f"for {item} in {v}:")
                self.nested(p.nested, item, depth + 2, seen)
            else:
                self.leaf(self, p, v, depth)

    def nested(self, cls: type | None, v: str, depth: int, seen: tuple[type, ...]) -> None:
        """An object of its declared class inline; any other goes to the generic walk."""
        if cls is None or cls in seen:
            self.emit(depth, f"generic({v}, {self.sink})")
            return
        self.emit(depth, f"if type({v}) is {self.const(cls)}:")
        self.emit(depth + 1, "pass")
        self.members(cls, v, depth + 1, (*seen, cls))
        self.emit(depth, "else:")
        self.emit(depth + 1, f"generic({v}, {self.sink})")
