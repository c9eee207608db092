"""Weekly check-in arithmetic: local day and time in a time zone, instants in UTC.

Every instant is an aware UTC datetime. A check-in asks about the seven local days
that end the day before it (a Monday check-in about Monday to Sunday just ended, a
Friday one about Friday to Thursday); a `point` typed any day covers the seven days
ending yesterday. Each period has a stable key, the last day of the scheduled period it
belongs to, which the claim, the reminder, the late sending and the digest all use. A
local time that does not exist (in the spring-forward hour) moves forward by
the jump; a time that happens twice (autumn) means the first one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
DEFAULT_DAY = 0  # Monday
DEFAULT_TIME = time(9, 0)


@dataclass(frozen=True)
class Schedule:
    """When a user wants their weekly check-in."""

    weekday: int = DEFAULT_DAY  # 0 = Monday ... 6 = Sunday
    at: time = DEFAULT_TIME
    timezone: str = "Europe/Paris"
    days_off: frozenset[int] = field(default_factory=frozenset)
    paused_until: date | None = None  # no check-in before this local date
    stopped: bool = False


def local_instant(day: date, at: time, tz: str) -> datetime:
    """Return the UTC instant of wall-clock `at` on local `day` in `tz`.

    PEP 495 rules: a time in the spring-forward gap is read with the offset before the
    jump (9:30 that does not exist becomes 10:30); a repeated autumn time is the first.
    """
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def next_due(schedule: Schedule, after: datetime) -> datetime | None:
    """Return the first check-in instant strictly after `after`, or None if stopped."""
    if schedule.stopped:
        return None
    zone = ZoneInfo(schedule.timezone)
    today = after.astimezone(zone).date()
    start = max(today, schedule.paused_until) if schedule.paused_until else today
    for offset in range(0, 8 * 7):
        try:
            day = start + timedelta(days=offset)
            instant = local_instant(day, schedule.at, schedule.timezone)
        except OverflowError:  # a pause to the end of the calendar: no check-in again
            return None
        if day.weekday() != schedule.weekday:
            continue
        if instant > after:
            return instant
    return None  # pragma: no cover - a weekday always comes back within two weeks


@dataclass(frozen=True)
class Period:
    """The seven local days a check-in asks about, and the key that names it in storage."""

    key: str  # the last day of the scheduled period it belongs to: "2026-11-22"
    first: date
    last: date


def checkin_days(day: date) -> tuple[date, date]:
    """Return the first and last of the seven days a check-in on `day` asks about."""
    return day - timedelta(days=7), day - timedelta(days=1)


def checkin_day(weekday: int, day: date) -> date:
    """Return the scheduled check-in day nearest to `day` (at most three days away)."""
    since = (day.weekday() - weekday) % 7
    return day - timedelta(days=since) if since <= 3 else day + timedelta(days=7 - since)


def period_key(weekday: int, day: date) -> str:
    """Return the key of the period that a check-in on local `day` is about: the last day
    of the scheduled period nearest to it, so a `point` typed on Wednesday and the Monday
    check-in just before are the same period."""
    return (checkin_day(weekday, day) - timedelta(days=1)).isoformat()


def period_on(weekday: int, day: date) -> Period:
    """Return the period a check-in on local `day` asks about, for a weekday schedule."""
    first, last = checkin_days(day)
    return Period(period_key(weekday, day), first, last)


def local_day(instant: datetime, tz: str) -> date:
    """Return the local date of an instant in `tz`."""
    return instant.astimezone(ZoneInfo(tz)).date()


def period_at(schedule: Schedule, instant: datetime) -> Period:
    """Return the period a check-in at `instant` asks about, in the user's time zone."""
    return period_on(schedule.weekday, local_day(instant, schedule.timezone))


def reminder_due(schedule: Schedule, sent: datetime) -> datetime | None:
    """Return when to remind about a check-in sent at `sent`: the next day that is not a
    day off, at the check-in time, still in the same week; None when there is none."""
    zone = ZoneInfo(schedule.timezone)
    sent_day = sent.astimezone(zone).date()
    for offset in range(1, 7):
        day = sent_day + timedelta(days=offset)
        if day.isocalendar()[:2] != sent_day.isocalendar()[:2]:
            return None
        if day.weekday() not in schedule.days_off:
            return local_instant(day, schedule.at, schedule.timezone)
    return None


def is_paused(schedule: Schedule, now: datetime) -> bool:
    """Return True while the user has paused check-ins."""
    if schedule.paused_until is None:
        return False
    return now.astimezone(ZoneInfo(schedule.timezone)).date() < schedule.paused_until
