"""Reply deadlines of communications: when a reply is due, what is overdue, which reminders
are due. Pure date arithmetic on calendar dates, so month ends and 29 February need no
special case; "today" is the calendar day at HQ, whatever the time zone of the machine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import UserError
from .i18n import _

DEFAULT_TIMEZONE = "Europe/Zurich"  # Geneva keeps Zurich's clock (IANA has no Geneva zone)
DUE_SOON_DAYS = 7
# A reminder is due when the deadline has passed without a reply and no reminder went out
# in this many days (the first one as soon as the deadline passes).
REMINDER_INTERVAL_DAYS = 30

DUE_SOON, OVERDUE, REMINDER_DUE = "due_soon", "overdue", "reminder_due"


def reply_due(sent_on: str, days: int) -> str:
    """``sent_on`` + ``days`` calendar days (2024-01-01 + 60 = 2024-03-01, a leap year)."""
    return (date.fromisoformat(sent_on) + timedelta(days=days)).isoformat()


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserError(_("Unknown time zone: {name}").format(name=name)) from exc


def today_at(timezone: str, now: datetime | None = None) -> date:
    """The calendar date at HQ: 23:30 UTC on 31 January is already 1 February in Geneva."""
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(timezone)).date()


def parse_as_of(text: str, timezone: str) -> date:
    """A date (YYYY-MM-DD) as is, or a UTC time (…Z) turned into HQ's calendar date."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return today_at(timezone, datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError as exc:
        raise UserError(_("Not a date or UTC time: {text}").format(text=text)) from exc


@dataclass(frozen=True)
class DueItem:
    record_id: str
    category: str
    reference: str
    state: str | None
    addressee: str
    kind: str
    sent_on: str
    reply_due: str
    days_left: int  # negative: days overdue
    last_reminder: str | None


def classify(*, sent_on: str | None, due: str | None, status: str, has_reply: bool,
             reminders: list[str], today: date, soon_days: int = DUE_SOON_DAYS
             ) -> list[str]:
    """The deadline-board categories a communication falls in (possibly none)."""
    if status != "sent" or not sent_on or not due or has_reply:
        return []
    left = (date.fromisoformat(due) - today).days
    out: list[str] = []
    if 0 <= left <= soon_days:
        out.append(DUE_SOON)
    if left < 0:
        out.append(OVERDUE)
        since = [r for r in reminders if r >= due]
        last = max(since, default=None)
        if last is None or (today - date.fromisoformat(last)).days >= REMINDER_INTERVAL_DAYS:
            out.append(REMINDER_DUE)
    return out
