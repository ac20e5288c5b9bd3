"""Dates as people read and type them: one convention per language, shared by editors and lists.

Records keep ISO dates (``2026-03-10``) with a precision (day, month or year). On screen a
date goes through ``QLocale`` of the chosen language, always with a four-digit year, so the
editor and the record lists agree. Typing accepts ISO and the language's own short order
(``10/03/2026``, ``03/2026``, ``2026``) in Latin or Arabic-Indic digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QDate, QLocale, QTime

from ..core.i18n import _, language

# One locale per language: English follows the UN's day/month/year order, not the US one.
_LOCALE_NAMES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES", "ru": "ru_RU", "ar": "ar_EG",
                 "zh": "zh_CN"}
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u2066\u2067\u2068\u2069"), None)

PRECISIONS = ("day", "month", "year")


def ui_locale(lang: str | None = None) -> QLocale:
    """The ``QLocale`` every date and number on screen goes through for ``lang``."""
    base = (lang or language()).split("_")[0]
    return QLocale(_LOCALE_NAMES.get(base, base))


def _day_pattern(loc: QLocale) -> str:
    """The language's short date pattern with a four-digit year and two-digit day/month
    where the language pads them (``dd/MM/yyyy``), so typed and shown dates line up."""
    pattern = loc.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")
    return pattern


def day_first(loc: QLocale | None = None) -> bool:
    pattern = _day_pattern(loc or ui_locale())
    return pattern.find("d") < pattern.find("M")


def format_date(iso: str | None, precision: str = "day", loc: QLocale | None = None) -> str:
    """An ISO date (``YYYY-MM-DD``, or its month/year part) as the language writes it."""
    if not iso:
        return ""
    loc = loc or ui_locale()
    parts = iso[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
    except ValueError:
        return iso
    d = QDate(year, month, day)
    if not d.isValid():
        return iso
    if precision == "year":
        return loc.toString(year).replace(loc.groupSeparator(), "")
    if precision == "month":
        if loc.language() == QLocale.Language.Chinese:
            return loc.toString(d, "yyyy年M月")
        return f"{loc.standaloneMonthName(month)} {loc.toString(d, 'yyyy')}"
    return loc.toString(d, _day_pattern(loc))


def format_number(n: int, loc: QLocale | None = None, *, grouped: bool = True) -> str:
    """A whole number in the language's digits; ``grouped=False`` for numbers that name
    something (a bundle's sequence number), which are not read as quantities."""
    loc = loc or ui_locale()
    text = loc.toString(n)
    return text if grouped else text.replace(loc.groupSeparator(), "")


def format_stamp(stamp: str | None, loc: QLocale | None = None) -> str:
    """A stored UTC timestamp (``2026-11-03T14:02:11.000000Z``) as the language writes a
    date, with the time to the minute (UTC, as stored): every list and view shows times so.
    Order rows by the stored timestamp, never by this text."""
    if not stamp:
        return ""
    loc = loc or ui_locale()
    time = QTime.fromString(stamp[11:16], "HH:mm")
    shown = loc.toString(time, "HH:mm") if time.isValid() else ""
    return f"{format_date(stamp[:10], loc=loc)} {shown}".strip()


def format_long(iso: str | None, precision: str = "day", loc: QLocale | None = None) -> str:
    """The date spelled out (``10 March 2026``), to confirm what was understood."""
    if not iso:
        return ""
    if precision != "day":
        return format_date(iso, precision, loc)
    loc = loc or ui_locale()
    d = QDate.fromString(iso[:10], "yyyy-MM-dd")
    return loc.toString(d, QLocale.FormatType.LongFormat) if d.isValid() else iso


@dataclass(frozen=True)
class Parsed:
    """What a typed date was understood as: ISO start of the period and its precision."""

    iso: str
    precision: str


def _valid(year: int, month: int = 1, day: int = 1) -> bool:
    return 1800 <= year <= 2200 and QDate(year, month, day).isValid()


def parse_date(text: str, loc: QLocale | None = None) -> Parsed | None:
    """Understand a typed date, or ``None``. Accepts ISO (``2026-03-10``, ``2026-03``,
    ``2026``), the language's order with ``/ . -`` or spaces (``10/03/2026``, ``03/2026``),
    and Arabic-Indic digits."""
    loc = loc or ui_locale()
    clean = text.translate(_DIGITS).translate(_MARKS).strip()
    if not clean:
        return None
    nums = re.split(r"\s*[-/.\s]\s*", clean)
    if not all(n.isdigit() for n in nums) or len(nums) > 3:
        return None
    values = [int(n) for n in nums]
    if len(nums) == 1:
        return Parsed(f"{values[0]:04d}", "year") if len(nums[0]) == 4 and _valid(
            values[0]) else None
    if len(nums[0]) == 4:  # year first: ISO, or a year-first language (zh)
        year, month = values[0], values[1]
        day = values[2] if len(values) == 3 else None
    elif len(nums[-1]) == 4:
        year = values[-1]
        if len(values) == 2:
            month, day = values[0], None
        elif day_first(loc):
            day, month = values[0], values[1]
        else:
            month, day = values[0], values[1]
    else:
        return None  # two-digit years are ambiguous: ask for four
    if day is None:
        return Parsed(f"{year:04d}-{month:02d}", "month") if _valid(year, month) else None
    if not _valid(year, month, day):
        return None
    return Parsed(f"{year:04d}-{month:02d}-{day:02d}", "day")


def iso_from(parsed: Parsed) -> str:
    """The full ISO date a record stores for a period: its first day."""
    parts = [*parsed.iso.split("-"), "01", "01"]
    return "-".join(parts[:3])


def example(loc: QLocale | None = None) -> str:
    """How to type a date in this language, for the field's placeholder."""
    loc = loc or ui_locale()
    return _("e.g. {day} or {iso}").format(
        day=format_date("2026-03-10", "day", loc), iso="2026-03-10")
