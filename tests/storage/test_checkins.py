"""Check-in storage: a claim is taken once, with the schedule moved in the same step (on
both stores, but for the SQLite migration of old check-ins)."""

from datetime import date, datetime, timedelta, timezone

import storage
from flows.schedule import Period, Schedule
from storage import checkins
from storage.db import MIGRATIONS

UTC = timezone.utc
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
KEY = "2026-11-22"
PERIOD = Period("2026-11-22", date(2026, 11, 16), date(2026, 11, 22))


def scheduled_user(store, due=NOW):
    user = store.create_user("telegram", "42", "fr")
    store.save_schedule(user.id, Schedule(), due)
    return user.id


def test_a_checkin_is_claimed_once_and_the_schedule_moves_on(store):
    user_id = scheduled_user(store)
    [due] = store.due_checkins(NOW, ('telegram',))
    later = NOW + timedelta(days=7)
    assert store.claim_checkin(due, PERIOD, NOW, NOW + timedelta(days=1), later)
    assert store.due_checkins(NOW, ('telegram',)) == []
    assert store.load_schedule(user_id)[1] == later
    assert not store.claim_checkin(due, PERIOD, NOW, None, later)


def test_an_unclaimed_checkin_is_due_again(store):
    user_id = scheduled_user(store)
    [due] = store.due_checkins(NOW, ('telegram',))
    store.claim_checkin(due, PERIOD, NOW, None, NOW + timedelta(days=7))
    store.unclaim_checkin(user_id, KEY, due.due)
    assert [d.user_id for d in store.due_checkins(NOW, ('telegram',))] == [user_id]
    assert store.load_checkin(user_id, KEY) is None


def test_one_reminder_for_an_unanswered_checkin(store):
    user_id = scheduled_user(store)
    [due] = store.due_checkins(NOW, ('telegram',))
    tomorrow = NOW + timedelta(days=1)
    store.claim_checkin(due, PERIOD, NOW, tomorrow, NOW + timedelta(days=7))
    assert store.due_reminders(NOW, ('telegram',)) == []
    [reminder] = store.due_reminders(tomorrow, ('telegram',))
    assert (reminder.user_id, reminder.week) == (user_id, KEY)
    assert store.claim_reminder(user_id, KEY, tomorrow)
    assert not store.claim_reminder(user_id, KEY, tomorrow)
    assert store.due_reminders(tomorrow, ('telegram',)) == []


def test_a_stopped_schedule_is_never_due(store):
    user = store.create_user("telegram", "42", "fr")
    store.save_schedule(user.id, Schedule(stopped=True), NOW)
    assert store.due_checkins(NOW + timedelta(days=30), ('telegram',)) == []


def test_only_the_running_platforms_are_due(store):
    scheduled_user(store)
    assert store.due_checkins(NOW, ("slack",)) == []


def test_a_claimed_checkin_keeps_the_seven_days_it_is_about(store):
    user_id = scheduled_user(store)
    [due] = store.due_checkins(NOW, ('telegram',))
    store.claim_checkin(due, PERIOD, NOW, None, NOW + timedelta(days=7))
    record = store.load_checkin(user_id, KEY)
    assert (record.first_day, record.last_day) == (date(2026, 11, 16), date(2026, 11, 22))


def test_an_answered_checkin_is_never_reminded(store):
    user_id = scheduled_user(store)
    [due] = store.due_checkins(NOW, ('telegram',))
    tomorrow = NOW + timedelta(days=1)
    store.claim_checkin(due, PERIOD, NOW, tomorrow, NOW + timedelta(days=7))
    record = store.load_checkin(user_id, KEY)
    done = checkins.CheckinRecord(user_id, KEY, checkins.DONE, 3, None, 1, None, None)
    store.save_checkin(done, NOW)
    store.save_checkin(checkins.CheckinRecord(user_id, KEY, checkins.REPLACE, 3, None, 1),
                       NOW)
    assert record.step == "hours"
    assert store.due_reminders(tomorrow, ('telegram',)) == []
    [week] = store.history(user_id)  # asked to replace: the figures still count
    assert (week.hours, week.results, week.last_day) == (3, 1, date(2026, 11, 22))


def test_old_checkins_keyed_by_iso_week_get_the_seven_days_before_they_were_sent(tmp_path):
    path = str(tmp_path / "coach.db")
    db = storage.open_database(path)
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_checkin_periods'")
    db.execute("DROP INDEX IF EXISTS idx_checkins_user_id_last_day")
    db.execute("DROP INDEX IF EXISTS idx_checkins_reminder_due")  # m012, after m006
    db["checkins"].transform(drop={"first_day", "last_day"})
    user = storage.create_user(db, "telegram", "42", "fr")
    checkins.save_schedule(db, user.id, Schedule(), None)
    db["checkins"].insert_all([  # sent on Monday 9:00 in Paris, and a manual one
        {"user_id": user.id, "week": "2026-W47", "step": "done", "hours": 2, "results": 1,
         "sent_at": "2026-11-16T08:00:00+00:00"},
        {"user_id": user.id, "week": "2026-W48", "step": "done", "hours": 4, "results": 0,
         "sent_at": "2026-11-25T19:00:00+00:00"}])
    db = storage.open_database(path)
    assert "m006_checkin_periods" in [m.name for m in MIGRATIONS.applied(db)]
    weeks = checkins.history(db, user.id)
    assert [(w.week, w.first_day, w.last_day, w.hours) for w in weeks] == [
        ("2026-11-15", date(2026, 11, 9), date(2026, 11, 15), 2),
        ("2026-11-24", date(2026, 11, 18), date(2026, 11, 24), 4)]
