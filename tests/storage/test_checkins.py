"""Check-in storage: a claim is taken once, with the schedule moved in the same step."""

from datetime import datetime, timedelta, timezone

import storage
from flows.schedule import Schedule
from storage import checkins

UTC = timezone.utc
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def scheduled_user(db, due=NOW):
    user = storage.create_user(db, "telegram", "42", "fr")
    checkins.save_schedule(db, user.id, Schedule(), due)
    return user.id


def test_a_checkin_is_claimed_once_and_the_schedule_moves_on(fresh_db):
    user_id = scheduled_user(fresh_db)
    [due] = checkins.due_checkins(fresh_db, NOW, ('telegram',))
    later = NOW + timedelta(days=7)
    assert checkins.claim_checkin(fresh_db, due, "2026-W48", NOW, NOW + timedelta(days=1),
                                  later)
    assert checkins.due_checkins(fresh_db, NOW, ('telegram',)) == []
    assert checkins.load_schedule(fresh_db, user_id)[1] == later
    assert not checkins.claim_checkin(fresh_db, due, "2026-W48", NOW, None, later)


def test_an_unclaimed_checkin_is_due_again(fresh_db):
    user_id = scheduled_user(fresh_db)
    [due] = checkins.due_checkins(fresh_db, NOW, ('telegram',))
    checkins.claim_checkin(fresh_db, due, "2026-W48", NOW, None, NOW + timedelta(days=7))
    checkins.unclaim_checkin(fresh_db, user_id, "2026-W48", due.due)
    assert [d.user_id for d in checkins.due_checkins(fresh_db, NOW, ('telegram',))] == [user_id]
    assert checkins.load_checkin(fresh_db, user_id, "2026-W48") is None


def test_one_reminder_for_an_unanswered_checkin(fresh_db):
    user_id = scheduled_user(fresh_db)
    [due] = checkins.due_checkins(fresh_db, NOW, ('telegram',))
    tomorrow = NOW + timedelta(days=1)
    checkins.claim_checkin(fresh_db, due, "2026-W48", NOW, tomorrow, NOW + timedelta(days=7))
    assert checkins.due_reminders(fresh_db, NOW, ('telegram',)) == []
    [reminder] = checkins.due_reminders(fresh_db, tomorrow, ('telegram',))
    assert (reminder.user_id, reminder.week) == (user_id, "2026-W48")
    assert checkins.claim_reminder(fresh_db, user_id, "2026-W48", tomorrow)
    assert not checkins.claim_reminder(fresh_db, user_id, "2026-W48", tomorrow)
    assert checkins.due_reminders(fresh_db, tomorrow, ('telegram',)) == []


def test_a_stopped_schedule_is_never_due(fresh_db):
    user = storage.create_user(fresh_db, "telegram", "42", "fr")
    checkins.save_schedule(fresh_db, user.id, Schedule(stopped=True), NOW)
    assert checkins.due_checkins(fresh_db, NOW + timedelta(days=30), ('telegram',)) == []


def test_only_the_running_platforms_are_due(fresh_db):
    scheduled_user(fresh_db)
    assert checkins.due_checkins(fresh_db, NOW, ("slack",)) == []
