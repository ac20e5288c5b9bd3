"""The field checks of ``validation._walk`` as one straight-line function per record class.

A bulk import validates tens of thousands of records, and walking the field plans (a
closure per field, a call per nested object, each field's metadata read again for every
value) was most of its time. A checker is generated once per class from the same plans:
every field, nested object and list item inline, its limits written in as constants.

A checker only answers whether ``_walk`` would find nothing; when it says no, ``_walk``
runs and words every problem. So it may be stricter than ``_walk``, never looser: where a
value is not of its field's declared kind (which no record built from JSON can be), it
simply says no. ``tests/core/test_core_builders.py`` holds the two against each other.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .fields import LIST_MAX
from .formats import (
    COUNTRIES_SEEN,
    DAYS_SEEN,
    SHA256,
    UUID,
    bounds,
    check_format,
    codes,
    encodable,
    is_known_country,
    is_known_day,
    is_stamp,
)
from .introspect import LIST_NESTED, NESTED, SCALAR, FieldPlan, plan

Check = Callable[[Any], bool]
_CHECKERS: dict[type, Check] = {}


def checker(cls: type) -> Check:
    """True where ``validation._walk`` finds no problem with an instance of ``cls``."""
    found = _CHECKERS.get(cls)
    if found is None:
        found = _CHECKERS[cls] = _Writer().function(cls)
    return found


_NINES = bytes(0x39 if 0x30 <= b <= 0x39 else b for b in range(256))
_HEXES = bytes(0x66 if 0x30 <= b <= 0x39 or 0x61 <= b <= 0x66 else b for b in range(256))
# (byte table, pattern, what else): a value whose UTF-8 bytes, translated by the table
# (digits to 9, or lower-case hex digits to f), are the pattern has the format's shape
# (in ASCII); what else a format's check would find is done by the expression after it.
_SHAPES = {
    "uuid": (_HEXES, b"ffffffff-ffff-ffff-ffff-ffffffffffff", ""),
    "sha256": (_HEXES, b"f" * 64, ""),
    # calendar and clock ranges: parsed as is (Python 3.11 reads the "Z"), which raises
    # ValueError (the checker then says no) where the full check would refuse it
    "datetime": (_NINES, b"9999-99-99T99:99:99.999999Z", " and fromiso({}) is not None"),
}

# A format's test as an expression on a non-empty string (each exactly check_format's;
# dates and countries seen valid before are found in a set without a call).
_FORMATS = {"date": "({0} in days or day({0}))", "datetime": "stamp({0})",
            "country": "({0} in countries or country({0}))", "uuid": "uuid({0})",
            "sha256": "sha256({0})"}


class _Writer:
    """Writes a checker's source. Names in it come from the dataclass fields; values from
    the field metadata are passed as constants, never written into the source as text."""

    def __init__(self) -> None:
        self.env: dict[str, Any] = {
            "utf8": encodable, "day": is_known_day, "days": DAYS_SEEN, "stamp": is_stamp,
            "country": is_known_country, "countries": COUNTRIES_SEEN,
            "uuid": UUID.match, "sha256": SHA256.match, "fmt": check_format,
            "LIST_MAX": LIST_MAX, "fromiso": datetime.fromisoformat}
        self.lines: list[str] = []
        self.count = 0

    def function(self, cls: type) -> Check:
        self.lines = ["def check(obj):", "    try:"]
        self.members(cls, "obj", 2, (cls,))
        # issuperset meets an unhashable value only in a record not built from JSON;
        # ValueError: a time of the right shape but no real time
        self.lines += ["    except (TypeError, ValueError):", "        return False",
                       "    return True"]
        exec("\n".join(self.lines) + "\n", self.env)  # noqa: S102 - made from the plans only
        check: Check = self.env["check"]
        return check

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, value: Any) -> str:
        key = self.name("k")
        self.env[key] = value
        return key

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def fail_unless(self, depth: int, test: str) -> None:
        self.emit(depth, f"if not ({test}):")
        self.emit(depth + 1, "return False")

    def members(self, cls: type, obj: str, depth: int, seen: tuple[type, ...]) -> None:
        for p in plan(cls):
            v = self.name("v")
            self.emit(depth, f"{v} = {obj}.{p.name}")
            self.field(p, v, depth, seen)

    def number(self, value: Any) -> str:
        """A limit written into the source where it is an int (its repr is only digits),
        passed as a constant otherwise."""
        return repr(value) if type(value) is int else self.const(value)

    def field(self, p: FieldPlan, v: str, depth: int, seen: tuple[type, ...]) -> None:
        required = bool(p.meta.get("required"))
        none_ok = p.optional and not required
        if p.kind == SCALAR:
            vocab = p.meta.get("vocab")
            if vocab and p.inner is str and not required:
                # one lookup: the codes (and None where allowed); anything unhashable
                # raises TypeError, anything else is no code
                allowed = codes(vocab) | {None} if none_ok else codes(vocab)
                self.fail_unless(depth, f"{v} in {self.const(allowed)}")
                return
            test = self.scalar(p.inner, p.meta, v, required)
            self.fail_unless(depth, f"{v} is None or ({test})" if none_ok else test)
            return
        # a list or an object: None is no problem to _walk unless required
        if none_ok:
            self.emit(depth, f"if {v} is not None:")
            depth += 1
        if p.kind == NESTED:
            self.nested(p.nested or object, v, depth, seen)
            return
        self.fail_unless(depth, f"type({v}) is list and len({v}) <= LIST_MAX")
        if p.kind == LIST_NESTED:
            item = self.name("i")
            self.emit(depth, f"for {item} in {v}:")
            self.nested(p.nested or object, item, depth + 1, seen)
        elif p.meta.get("vocab"):
            self.fail_unless(depth, f"{self.const(codes(p.meta['vocab']))}.issuperset({v})")
        else:
            item = self.name("i")
            test = self.scalar(typing.get_args(p.inner)[0], p.meta, item, False)
            self.emit(depth, f"for {item} in {v}:")
            self.fail_unless(depth + 1, test)

    def nested(self, cls: type, v: str, depth: int, seen: tuple[type, ...]) -> None:
        if cls in seen:  # a class holding itself: check it by its own function
            self.fail_unless(depth, f"{self.const(lambda x: checker(type(x))(x))}({v})")
            return
        self.fail_unless(depth, f"type({v}) is {self.const(cls)}")
        self.members(cls, v, depth, (*seen, cls))

    def scalar(self, inner: Any, meta: typing.Mapping[str, Any], v: str,
               required: bool) -> str:
        """A test of what ``_walk`` checks of a single value (of a field, or an item of a
        list field: never required)."""
        if inner is bool:
            return f"type({v}) is bool"
        if inner is int:
            lo, hi = bounds(meta)
            return f"type({v}) is int and {self.number(lo)} <= {v} <= {self.number(hi)}"
        if inner is not str:
            return "False"  # no such field yet: _walk decides
        vocab = meta.get("vocab")
        full = [f"{v}.strip()"] if required else []
        if vocab:
            full.append(f"{v} in {self.const(codes(vocab))}")
            return f"type({v}) is str and " + " and ".join(full)
        limit = meta.get("max_length")
        if limit:
            full.append(f"len({v}) <= {self.number(limit)}")
        full += [f"'\\x00' not in {v}", f"({v}.isascii() or utf8({v}))"]
        fmt = meta.get("format")
        if fmt is not None:
            test = _FORMATS[fmt].format(v) if fmt in _FORMATS else \
                f"fmt({self.const(fmt)}, {v}) is None"
            full.append(f"(not {v} or {test})")
        test = " and ".join(full)
        shape = _SHAPES.get(fmt) if fmt is not None else None
        if shape is not None and (not limit or limit >= len(shape[1])):
            # the shape every such value this app writes has: when the value has it,
            # every test of ``full`` passes (non-blank, short, ASCII, the format's own
            # check); otherwise ``full`` decides
            table, pattern, then = shape
            quick = (f"(len({v}) == {len(pattern)} and {v}.encode().translate("
                     f"{self.const(table)}) == {self.const(pattern)}{then.format(v)})")
            test = f"{quick} or ({test})"
        return f"type({v}) is str and ({test})"
