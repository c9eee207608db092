"""Check-in times across time zones and daylight-saving changes."""

from datetime import date, datetime, time, timezone

import pytest

from flows.schedule import (Schedule, checkin_day, is_paused, local_instant, next_due,
                            period_at, period_key, reminder_due)

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


def test_a_monday_checkin_asks_about_the_monday_to_sunday_just_ended():
    monday = Schedule(timezone="Europe/Paris")
    period = period_at(monday, utc(2026, 11, 23, 8, 0))  # Monday 9:00 in Paris
    assert (period.first, period.last, period.key) == (date(2026, 11, 16),
                                                       date(2026, 11, 22), "2026-11-22")


def test_a_friday_checkin_asks_about_friday_to_thursday():
    friday = Schedule(weekday=4, timezone="Europe/Paris")
    period = period_at(friday, utc(2026, 11, 27, 8, 0))
    assert (period.first, period.last, period.key) == (date(2026, 11, 20),
                                                       date(2026, 11, 26), "2026-11-26")
    following = period_at(friday, utc(2026, 12, 4, 8, 0))
    assert following.key == "2026-12-03" != period.key


def test_a_point_any_day_covers_the_seven_days_ending_yesterday_keyed_like_the_nearest_checkin():
    monday = Schedule(timezone="Europe/Paris")
    wednesday = period_at(monday, utc(2026, 11, 25, 12))
    assert (wednesday.first, wednesday.last) == (date(2026, 11, 18), date(2026, 11, 24))
    assert wednesday.key == "2026-11-22"  # the same period as Monday's check-in
    sunday = period_at(monday, utc(2026, 11, 22, 12))
    assert (sunday.first, sunday.last, sunday.key) == (date(2026, 11, 15),
                                                       date(2026, 11, 21), "2026-11-22")
    friday = period_at(monday, utc(2026, 11, 27, 12))  # nearer the next Monday
    assert friday.key == "2026-11-29"
    assert period_key(0, date(2026, 11, 26)) == "2026-11-22"  # Thursday: three days after
    assert checkin_day(4, date(2026, 11, 30)) == date(2026, 11, 27)


def test_the_period_is_the_users_local_one():
    sunday_night_paris = utc(2026, 11, 29, 22, 30)  # Sunday 23:30 in Paris, Monday in Tokyo
    assert period_at(Schedule(timezone="Europe/Paris"), sunday_night_paris).last == date(
        2026, 11, 28)
    assert period_at(Schedule(timezone="Asia/Tokyo"), sunday_night_paris).last == date(
        2026, 11, 29)
