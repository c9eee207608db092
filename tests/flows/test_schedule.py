"""Check-in times across time zones and daylight-saving changes."""

from datetime import date, datetime, time, timezone

import pytest

from flows.schedule import (Schedule, is_paused, local_instant, next_due, reminder_due,
                            week_of)

UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("tz, expected", [
    ("Europe/Paris", utc(2026, 11, 23, 8, 0)),      # UTC+1 in winter
    ("America/Montreal", utc(2026, 11, 23, 14, 0)),  # UTC-5
    ("Asia/Tokyo", utc(2026, 11, 23, 0, 0)),         # UTC+9, no DST
])
def test_monday_nine_in_three_cities(tz, expected):
    after = utc(2026, 11, 22, 12, 0)  # a Sunday noon UTC
    if tz == "Asia/Tokyo":
        after = utc(2026, 11, 22, 0, 0)  # Sunday 9:00 in Tokyo
    assert next_due(Schedule(timezone=tz), after) == expected


def test_just_after_the_time_waits_a_week():
    schedule = Schedule(timezone="Europe/Paris")
    assert next_due(schedule, utc(2026, 11, 23, 8, 0)) == utc(2026, 11, 30, 8, 0)
    assert next_due(schedule, utc(2026, 11, 23, 7, 59)) == utc(2026, 11, 23, 8, 0)


def test_the_weeks_of_daylight_saving_changes_keep_local_time():
    paris = Schedule(weekday=6, at=time(9), timezone="Europe/Paris")  # Sundays 9:00
    # 29 March 2026: clocks go forward at 2:00 in Paris; 9:00 is then UTC+2
    assert next_due(paris, utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 7, 0)
    # 25 October 2026: clocks go back; 9:00 is UTC+1 again
    assert next_due(paris, utc(2026, 10, 24, 12)) == utc(2026, 10, 25, 8, 0)
    montreal = Schedule(weekday=6, at=time(9), timezone="America/Montreal")
    assert next_due(montreal, utc(2026, 3, 7, 12)) == utc(2026, 3, 8, 13, 0)  # EDT
    assert next_due(montreal, utc(2026, 10, 31, 12)) == utc(2026, 11, 1, 14, 0)  # EST


def test_a_time_inside_the_spring_gap_moves_forward_and_a_repeated_one_is_the_first():
    gap = local_instant(date(2026, 3, 29), time(2, 30), "Europe/Paris")
    assert gap == utc(2026, 3, 29, 1, 30)  # 3:30 local, after the jump
    twice = local_instant(date(2026, 10, 25), time(2, 30), "Europe/Paris")
    assert twice == utc(2026, 10, 25, 0, 30)  # the first 2:30 (still summer time)


def test_the_week_is_the_users_local_week():
    sunday_night_paris = utc(2026, 11, 29, 22, 30)  # Sunday 23:30 in Paris
    assert week_of(sunday_night_paris, "Europe/Paris") == "2026-W48"
    assert week_of(sunday_night_paris, "Asia/Tokyo") == "2026-W49"  # Monday in Tokyo
    assert week_of(utc(2027, 1, 1, 12), "Europe/Paris") == "2026-W53"


def test_a_pause_skips_until_its_date_and_stop_means_never():
    paused = Schedule(timezone="Europe/Paris", paused_until=date(2026, 12, 10))
    assert next_due(paused, utc(2026, 11, 22, 12)) == utc(2026, 12, 14, 8, 0)
    assert is_paused(paused, utc(2026, 12, 9, 12)) and not is_paused(paused,
                                                                      utc(2026, 12, 10, 12))
    assert next_due(Schedule(stopped=True), utc(2026, 11, 22)) is None


def test_the_reminder_is_the_next_day_off_days_skipped_and_never_next_week():
    schedule = Schedule(weekday=4, timezone="Europe/Paris")  # Fridays 9:00
    friday = utc(2026, 11, 27, 8, 0)
    assert reminder_due(schedule, friday) == utc(2026, 11, 28, 8, 0)
    weekend_off = Schedule(weekday=4, timezone="Europe/Paris", days_off=frozenset({5, 6}))
    assert reminder_due(weekend_off, friday) is None  # Monday is another week
    tuesday = Schedule(weekday=1, timezone="Asia/Tokyo", days_off=frozenset({2}))
    sent = utc(2026, 11, 24, 0, 0)  # Tuesday 9:00 in Tokyo
    assert reminder_due(tuesday, sent) == utc(2026, 11, 26, 0, 0)  # Thursday
