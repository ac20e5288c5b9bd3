"""What a field's value may look like: formats, ranges and codes, in one place.

``validation`` words what is wrong with a value from these, and the checkers generated per
record class (``checkers``) call the very same predicates, so the two can never disagree
about what a valid date, time, identifier or country is.
"""

from __future__ import annotations

import re
import typing
from datetime import date, datetime
from functools import cache
from typing import Any

from .i18n import _
from .regions import is_country
from .vocab import VOCABULARIES

# \Z, not $: $ also matches before a final newline, and "<uuid>\n" is no identifier
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
SHA256 = re.compile(r"[0-9a-f]{64}\Z")
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z\Z")
# What SQLite and PostgreSQL's bigint hold: the range of an integer field that sets none of
# its own (a version, a size). Beyond it a value cannot be stored, and JSON's 1e30 is an
# integer to the schema.
WHOLE_MIN, WHOLE_MAX = -(2**63), 2**63 - 1


def is_day(value: str) -> bool:
    """A calendar date written YYYY-MM-DD."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def is_stamp(value: str) -> bool:
    """A UTC time as records store it (``2026-01-02T03:04:05.123456Z``)."""
    if not DATETIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


DAYS_SEEN: set[str] = set()
"""Texts found to be dates (``is_day``), so a bulk import checks each date once; bounded."""
COUNTRIES_SEEN: set[str] = set()
"""Two-letter texts found to be country codes (``is_country``): a few hundred at most."""


def is_known_day(value: str) -> bool:
    """``is_day``, remembering the answer when it is yes."""
    if value in DAYS_SEEN:
        return True
    if not is_day(value):
        return False
    if len(DAYS_SEEN) < 20_000:
        DAYS_SEEN.add(value)
    return True


def is_known_country(value: str) -> bool:
    """``is_country``, remembering two-letter codes found to be one."""
    if value in COUNTRIES_SEEN:
        return True
    if not is_country(value):
        return False
    if len(value) == 2:
        COUNTRIES_SEEN.add(value)
    return True


def encodable(text: str) -> bool:
    """False for a lone surrogate (a JSON escape can make one), which no store can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_format(fmt: str | None, value: str) -> str | None:
    """What is wrong with a non-empty ``value`` of a field of format ``fmt``, or None."""
    if fmt == "date":
        if not is_day(value):
            return _("not a valid date (YYYY-MM-DD)")
    elif fmt == "datetime":
        if not is_stamp(value):
            return _("not a valid UTC time")
    elif fmt == "country":
        if not is_country(value):
            return _("not an ISO 3166-1 country code")
    elif fmt == "uuid":
        if not UUID.match(value):
            return _("not a valid identifier")
    elif fmt == "sha256" and not SHA256.match(value):
        return _("not a SHA-256 digest")
    return None


def bounds(meta: typing.Mapping[str, Any]) -> tuple[int, int]:
    lo, hi = meta.get("minimum"), meta.get("maximum")
    return (WHOLE_MIN if lo is None else lo), (WHOLE_MAX if hi is None else hi)


@cache
def codes(vocab: str) -> frozenset[str]:
    return frozenset(VOCABULARIES[vocab].codes())
