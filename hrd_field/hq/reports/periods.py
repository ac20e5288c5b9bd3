"""Reporting periods: calendar years, years starting on another day, or the whole range.

The mandate's reports count by "year", but not always calendar years (the 2017 report
counts from 1 December to 30 November). A period is labelled with the year in which it
starts, and the first and last periods are cut to the requested range.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from ...core.errors import UserError
from ...core.i18n import _

PERIOD_MODES = ("year", "all")
_MMDD = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    """Inclusive; already cut to the report's range."""


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise UserError(_("{option} must be a date written YYYY-MM-DD, not {value!r}.").format(
            option=option, value=text)) from None


def parse_period_start(text: str) -> tuple[int, int]:
    """``MM-DD`` → (month, day). 29 February is refused: most years have no such day."""
    m = _MMDD.match(text or "")
    month, day = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    try:
        date(2001, month, day)  # a common year: rejects 02-29 with the impossible days
    except ValueError:
        raise UserError(_("--period-start must be a day of the year written MM-DD (e.g. "
                          "12-01), not {value!r}; 29 February cannot start a period.").format(
            value=text)) from None
    return month, day


def make_periods(first: date, last: date, mode: str = "year",
                 period_start: str = "01-01") -> list[Period]:
    if last < first:
        raise UserError(_("The range ends ({end}) before it starts ({start}).").format(
            start=first.isoformat(), end=last.isoformat()))
    if mode not in PERIOD_MODES:
        raise UserError(_("Unknown period {value!r}: use year or all.").format(value=mode))
    month, day = parse_period_start(period_start)
    # The period holding ``first`` starts on the last month-day on or before it.
    year = first.year if (first.month, first.day) >= (month, day) else first.year - 1
    if mode == "all":
        return [Period(str(year), first, last)]
    out: list[Period] = []
    while True:
        start = date(year, month, day)
        end = date(year + 1, month, day) - timedelta(days=1)
        if start > last:
            break
        out.append(Period(str(year), max(start, first), min(end, last)))
        year += 1
    return out


class PeriodIndex:
    """Which period an ISO date (``YYYY-MM-DD``) falls in, by string comparison."""

    def __init__(self, periods: list[Period]):
        self.periods = periods
        self._starts = [p.start.isoformat() for p in periods]
        self._first = self._starts[0]
        self._last = periods[-1].end.isoformat()

    def __call__(self, day: str | None) -> int | None:
        if not day:
            return None
        day = day[:10]
        if day < self._first or day > self._last:
            return None
        return bisect_right(self._starts, day) - 1
