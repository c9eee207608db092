"""The contract of the storage port (storage/port.py), on both stores: every test taking
`store` runs on SQLite and on PostgreSQL (tests/conftest.py); the ones taking `pg_store`
or `pg_url` are about what only PostgreSQL has (several workers, advisory locks)."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, datetime, time as clock_time, timedelta, timezone

import psycopg
import pytest

from flows.schedule import Period, Schedule
from flows.verdict import WeekReport
from storage import SqliteStore, open_database
from storage.checkins import DONE, REPLACE, CheckinRecord, Due
from storage.digests import Digest
from storage.home_charts import ChartFile

UTC = timezone.utc
PARIS = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PERIOD = Period("2026-11-22", date(2026, 11, 16), date(2026, 11, 22))
PERIODS = [Period(f"2026-11-{d:02}", date(2026, 11, d - 6), date(2026, 11, d))
           for d in (8, 15, 22, 29)]


def user_with_schedule(store, name="42", platform="telegram", due=NOW, **schedule):
    user = store.create_user(platform, name, "fr")
    store.save_schedule(user.id, Schedule(**schedule), due)
    return user.id


def answered(store, user_id, period, hours=3.0, results=1.0, step=DONE, **figures):
    due = Due(user_id, "telegram", "x", Schedule(), NOW)
    store.open_checkin(user_id, period, NOW)
    store.save_checkin(CheckinRecord(user_id, period.key, step, hours, figures.get(
        "hours_split"), results, figures.get("results_split"), figures.get("revenue")),
        NOW)
    return due


@pytest.fixture
def pg_store(pg_url):
    from storage.postgres import open_postgres
    opened = open_postgres(pg_url, min_size=1, max_size=4)
    yield opened
    opened.close()


# users and their answers
def test_a_user_is_created_loaded_and_saved_with_their_answers(store):
    created = store.create_user("telegram", "42", "fr", language_chosen=True)
    assert created.id and created.answers == {} and created.language_chosen
    user = store.load_user("telegram", "42")
    assert (user.id, user.language, user.language_chosen, user.state) == (
        created.id, "fr", True, None)
    assert store.load_user("slack", "42") is None
    answers = {"objective": {"choice": "leads", "text": "Des clients à Besançon"},
               "networks": ["instagram", "facebook"], "hours": 2.5, "budget": 0,
               "champion": None, "customer": "Les cafés"}
    user.state, user.editing, user.answers = "asking_target", "hours", dict(answers)
    user.pending, user.pending_value = "did_you_mean", {"text": "retour", "score": 0.9}
    store.save_user(user, {})
    loaded = store.load_user("telegram", "42")
    assert loaded == user and loaded.answers == answers
    assert isinstance(loaded.answers["hours"], float) and loaded.answers["budget"] == 0


def test_the_start_payload_of_a_link_is_kept_on_the_user_and_exported(store):
    user = store.create_user("telegram", "42", "fr")
    assert user.start_payload is None
    user.start_payload = "ref-newsletter_2026"
    store.save_user(user, {})
    assert store.load_user("telegram", "42").start_payload == "ref-newsletter_2026"
    assert store.export_user(user.id)["user"]["start_payload"] == "ref-newsletter_2026"


def test_a_pending_value_is_kept_only_with_its_question(store):
    user = store.create_user("telegram", "42", "fr")
    user.pending, user.pending_value = None, {"text": "retour"}
    store.save_user(user, {})
    assert store.load_user("telegram", "42").pending_value is None


def test_only_changed_answers_are_written_and_forgotten_ones_removed(store):
    user = store.create_user("slack", "T1:U1", "en")
    user.answers = {"target": {"text": "10"}, "hours": 3, "budget": 50}
    store.save_user(user, {})
    previous = dict(user.answers)
    user.answers = {"hours": 4, "budget": 50}
    store.save_user(user, previous)
    assert store.load_user("slack", "T1:U1").answers == {"hours": 4, "budget": 50}


def test_a_user_is_unique_per_platform_and_id(store):
    store.create_user("telegram", "42", "fr")
    store.create_user("slack", "42", "en")
    with pytest.raises(Exception):
        store.create_user("telegram", "42", "fr")
    assert store.load_user("telegram", "42").language == "fr"


def test_delete_removes_everything_about_the_user_and_nothing_else(store):
    gone, kept = (user_with_schedule(store, name) for name in ("a", "b"))
    for user_id in (gone, kept):
        user = store.load_user("telegram", "a" if user_id == gone else "b")
        user.answers = {"hours": 2}
        store.save_user(user, {})
        answered(store, user_id, PERIOD)
        store.set_member(user_id, True)
    store.delete_user(gone)
    assert store.load_user("telegram", "a") is None
    assert store.load_schedule(gone) is None and store.load_checkin(gone, PERIOD.key) is None
    assert store.history(gone) == []
    assert store.load_user("telegram", "b").answers == {"hours": 2}
    assert store.load_schedule(kept) is not None and len(store.history(kept)) == 1
    with pytest.raises(Exception):
        store.export_user(gone)


def rows_where(store, table, condition, values):
    """The rows of `table` that meet `condition` (`?` placeholders), on either store."""
    if hasattr(store, "db"):  # SqliteStore
        return list(store.db.query(f"SELECT * FROM {table} WHERE {condition}", values))
    with store.pool.connection() as conn:
        return conn.execute(f"SELECT * FROM {table} WHERE {condition.replace('?', '%s')}",
                            values).fetchall()


def slack_member(store, name):
    """A Slack member with an answer, a schedule, an answered check-in, their line
    shared in the digest and a handled event; return their id and key."""
    user_id = user_with_schedule(store, f"T1:{name}", platform="slack")
    user = store.load_user("slack", f"T1:{name}")
    user.answers = {"customer": f"Les cafés de {name}"}
    store.save_user(user, {})
    answered(store, user_id, PERIOD)
    store.set_member(user_id, True)
    assert store.record_update("slack", f"Ev-{name}", f"slack:T1:{name}")
    from flows.messages import Reply
    store.enqueue("slack", f"T1:{name}", [Reply(f"Le graphique de {name}", image=b"PNG")],
                  None, NOW, user_id)
    store.receive("slack", [(f"Ev-{name}", f"T1:{name}", {"text": f"3 h pour {name}"})], NOW)
    store.save_home_chart(user_id, ChartFile(f"figures-{name}", f"F-{name}", NOW))
    return user_id, f"slack:T1:{name}"


def test_delete_leaves_no_row_with_the_users_id_or_key(store):
    from storage.personal import PERSONAL, Who, where
    gone, _ = slack_member(store, "U1")
    kept, _ = slack_member(store, "U2")
    store.set_digest("T1", "C1", "UTC", NOW, "U1")
    store.set_digest("T2", "C2", "UTC", NOW, "U1")  # the same member id, another team
    assert store.record_update("slack_oauth_state", "nonce-1")
    store.delete_user(gone)
    for holding in PERSONAL:
        assert rows_where(store, holding.table, *where(holding, Who(gone, "slack", "T1:U1"))
                          ) == [], holding.table
    assert store.record_update("slack", "Ev-U1")  # their event's record went with them
    assert not store.record_update("slack", "Ev-U2")
    assert not store.record_update("slack_oauth_state", "nonce-1")
    # the digest they set up keeps being posted for the workspace, without their id
    assert store.due_digests(NOW) == [Digest("T1", "C1", "UTC", NOW),
                                      Digest("T2", "C2", "UTC", NOW, set_by="U1")]
    assert store.shared_week("slack", "T1", date(2026, 11, 23))[0][0] == "U2"
    assert store.load_user("slack", "T1:U2").answers == {"customer": "Les cafés de U2"}
    assert len(store.history(kept)) == 1 and store.load_schedule(kept) is not None
    with pytest.raises(LookupError):
        store.delete_user(gone)


def execute(store, sql):
    if hasattr(store, "db"):
        store.db.execute(sql)
        return
    with store.pool.connection() as conn:
        conn.execute(sql)


def test_a_table_keyed_by_platform_and_platform_user_id_is_covered_too(store, monkeypatch):
    from storage import personal
    execute(store, "CREATE TABLE seen (platform text, chat text, note text)")
    execute(store, "INSERT INTO seen VALUES ('telegram', '42', 'a'), ('slack', '42', 'b'), "
                   "('telegram', '43', 'c')")
    monkeypatch.setattr(personal, "PERSONAL", (personal.Holding(
        "seen", "chat", personal.PLATFORM_ID, "seen", order="note"),) + personal.PERSONAL)
    try:
        user_id = store.create_user("telegram", "42", "fr").id
        store.create_user("telegram", "43", "fr")
        assert [row["note"] for row in store.export_user(user_id)["seen"]] == ["a"]
        store.delete_user(user_id)
        assert sorted(r["note"] for r in rows_where(store, "seen", "1 = 1", [])) == ["b", "c"]
    finally:
        execute(store, "DROP TABLE seen")  # the tests' PostgreSQL database is reused


def test_the_export_holds_every_row_that_delete_removes(store):
    from storage.personal import PERSONAL
    user_id, key = slack_member(store, "U1")
    slack_member(store, "U2")
    store.set_digest("T1", "C1", "UTC", NOW, "U1")
    store.set_digest("T2", "C2", "UTC", NOW, "U1")  # another team's member
    export = store.export_user(user_id)
    assert set(export) == {holding.export for holding in PERSONAL}
    assert all(export[holding.export] for holding in PERSONAL), export
    assert export["digest_membership"] == {"user_id": user_id}
    assert [d["channel"] for d in export["digests_set_up"]] == ["C1"]
    assert [(u["platform"], u["update_id"], u["user_key"])
            for u in export["processed_updates"]] == [("slack", "Ev-U1", key)]
    [row] = export["outbox"]  # the reply to send, its chart's bytes left out
    assert "Le graphique de U1" in row["reply"] and "image" not in row
    assert [json.loads(r["payload"]) for r in export["inbox"]] == [{"text": "3 h pour U1"}]
    json.dumps(export)  # ready for JSON
    assert export["answers"] == {"customer": {"value": "Les cafés de U1",
                                              "updated_at": export["answers"]["customer"][
                                                  "updated_at"]}}


def test_prune_deletes_processed_updates_and_used_oauth_states_older_than_given(store):
    assert store.record_update("telegram", 1, "telegram:42")
    assert store.record_update("slack_oauth_state", "nonce-1")
    now = datetime.now(UTC)
    assert store.prune(now - timedelta(days=7)) == 0
    assert not store.record_update("telegram", 1)
    assert store.prune(now + timedelta(minutes=1)) == 2
    assert store.record_update("telegram", 1)  # forgotten: it would be handled again


def test_an_update_is_recorded_once(store):
    assert store.record_update("telegram", 1001)
    assert not store.record_update("telegram", 1001)
    assert not store.record_update("telegram", "1001")  # the same id, as text
    assert store.record_update("slack", 1001)
    assert store.record_update("telegram", 1002)


# export
def populated(store):
    """A user with answers, a pending question, a schedule and two check-ins."""
    user_id = user_with_schedule(store, due=datetime(2026, 11, 30, 9, 0, tzinfo=PARIS),
                                 weekday=4, at=clock_time(18, 30), days_off=frozenset({6, 5}),
                                 paused_until=date(2026, 12, 24), timezone="Europe/Paris")
    user = store.load_user("telegram", "42")
    user.answers = {"customer": "Les cafés", "objective": {"choice": "leads"}, "hours": 2}
    user.state, user.pending, user.pending_value = "asking_target", "yes", {"text": "é"}
    store.save_user(user, {})
    store.claim_checkin(Due(user_id, "telegram", "42", Schedule(), NOW), PERIODS[2], NOW,
                        NOW + timedelta(days=1), None)
    answered(store, user_id, PERIODS[1], 2.5, 1, hours_split={"instagram": 2, "google": 0.5},
             results_split={"instagram": 1}, revenue=400.0)
    store.set_member(user_id, True)
    store.set_digest("T1", "C1", "Europe/Paris", datetime(2026, 11, 30, 10, 0, tzinfo=PARIS),
                     "U42")
    store.record_update("telegram", 7001, "telegram:42")
    store.save_home_chart(user_id, ChartFile("3f2a", "F0CHART", NOW))
    return user_id


INSTANTS = {"created_at", "updated_at", "next_due", "sent_at", "remind_at", "reminded_at",
            "answered_at", "processed_at", "uploaded_at"}
JSON_TEXT = {"pending_value", "days_off", "hours_split", "results_split"}


def normalised(value, key=None):
    """An export with its instants as datetimes and its JSON texts decoded, to compare the
    two stores' exports (same shapes, same values) whatever the offsets and key orders."""
    if isinstance(value, dict):
        return {k: normalised(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if key in INSTANTS and value is not None:
        assert isinstance(value, str)
        instant = datetime.fromisoformat(value)
        assert instant.tzinfo is not None
        if key in ("created_at", "updated_at", "processed_at"):  # when the test ran
            assert abs(datetime.now(UTC) - instant) < timedelta(minutes=5)
            return "now"
        return instant
    if key in JSON_TEXT and value is not None:
        assert isinstance(value, str)
        return ("json", json.loads(value))
    return value


def test_the_export_has_the_same_shapes_and_values_on_both_stores(store):
    user_id = populated(store)
    export = store.export_user(user_id)
    json.dumps(export, ensure_ascii=False)  # ready for JSON as it is
    reference = SqliteStore(open_database(None))
    expected = reference.export_user(populated(reference))
    assert normalised(export) == normalised(expected)
    assert list(export["user"]) == list(expected["user"])
    assert list(export["schedule"]) == list(expected["schedule"])
    assert [list(c) for c in export["checkins"]] == [list(c) for c in expected["checkins"]]
    assert export["schedule"]["local_time"] == "18:30" and export["schedule"]["stopped"] == 0
    assert json.loads(export["schedule"]["days_off"]) == [5, 6]
    assert export["user"]["language_chosen"] == 0
    assert export["answers"]["objective"]["value"] == {"choice": "leads"}
    assert [c["week"] for c in export["checkins"]] == [PERIODS[1].key, PERIODS[2].key]
    assert export["checkins"][1]["first_day"] == "2026-11-16"


def test_the_picture_of_a_users_home_chart_is_kept_replaced_and_forgotten(store):
    user_id = store.create_user("slack", "T1:U1", "fr").id
    other = store.create_user("slack", "T1:U2", "fr").id
    assert store.home_chart(user_id) is None
    store.save_home_chart(user_id, ChartFile("week-1", "F1", NOW))
    store.save_home_chart(other, ChartFile("week-1", "F9", NOW))
    store.save_home_chart(user_id, ChartFile("week-2", "F2", NOW + timedelta(days=7)))
    kept = store.home_chart(user_id)
    assert kept == ChartFile("week-2", "F2", NOW + timedelta(days=7))
    assert kept.uploaded_at.utcoffset() == timedelta(0)  # aware, in UTC
    store.save_home_chart(user_id, None)
    assert store.home_chart(user_id) is None
    assert store.home_chart(other).file_id == "F9"


def test_a_deleted_users_picture_is_left_to_delete_on_the_platform_without_them(store):
    from storage.home_charts import ForgottenFile
    user_id = store.create_user("slack", "T1:U1", "fr").id
    store.save_home_chart(user_id, ChartFile("week-1", "F1", NOW))
    store.create_user("telegram", "42", "fr")  # no picture: nothing left
    store.delete_user(user_id)
    store.delete_user(store.load_user("telegram", "42").id)
    [left] = store.forgotten_files("slack")
    assert (left.place, left.file_id) == ("T1", "F1")  # the workspace, not the member
    assert store.forgotten_files("telegram") == []
    assert rows_where(store, "forgotten_files", "1 = 1", []) == [
        {"id": left.id, "platform": "slack", "place": "T1", "file_id": "F1"}]
    store.file_deleted(left.id)
    assert store.forgotten_files("slack") == []
    assert isinstance(left, ForgottenFile)


# schedules and check-ins
def test_a_schedule_is_saved_replaced_and_loaded_with_aware_instants(store):
    user_id = store.create_user("telegram", "42", "fr").id
    assert store.load_schedule(user_id) is None
    schedule = Schedule(weekday=2, at=clock_time(7, 45), timezone="America/Montreal",
                        days_off=frozenset({0, 6}), paused_until=date(2026, 12, 1))
    due = datetime(2026, 11, 25, 7, 45, tzinfo=timezone(timedelta(hours=-5)))
    store.save_schedule(user_id, schedule, due)
    loaded, next_due = store.load_schedule(user_id)
    assert loaded == schedule and next_due == due and next_due.utcoffset() is not None
    store.save_schedule(user_id, Schedule(stopped=True), None)
    assert store.load_schedule(user_id) == (Schedule(stopped=True), None)


def test_due_checkins_are_the_running_schedules_due_oldest_first(store):
    late = user_with_schedule(store, "late", due=NOW - timedelta(hours=1))
    early = user_with_schedule(store, "early", due=NOW - timedelta(days=1))
    user_with_schedule(store, "later", due=NOW + timedelta(minutes=1))
    user_with_schedule(store, "stopped", due=NOW - timedelta(days=2), stopped=True)
    user_with_schedule(store, "none", due=None)
    user_with_schedule(store, "slack", platform="slack", due=NOW - timedelta(days=3))
    dues = store.due_checkins(NOW, ("telegram",))
    assert [d.user_id for d in dues] == [early, late]
    assert dues[0].due == NOW - timedelta(days=1) and dues[0].platform_user_id == "early"
    assert dues[0].schedule == Schedule() and dues[0].week is None
    assert [d.user_id for d in store.due_checkins(NOW, ("telegram",), limit=1)] == [early]
    assert len(store.due_checkins(NOW, ("telegram", "slack"))) == 3
    assert store.due_checkins(NOW, ()) == []


def test_a_checkin_is_claimed_once_per_user_and_period(store):
    first, second = user_with_schedule(store, "a"), user_with_schedule(store, "b")
    due_first, due_second = store.due_checkins(NOW, ("telegram",))
    later = NOW + timedelta(days=7)
    assert store.claim_checkin(due_first, PERIOD, NOW, NOW + timedelta(days=1), later)
    assert store.load_schedule(first)[1] == later
    assert not store.claim_checkin(due_first, PERIOD, NOW, None, later)
    assert store.claim_checkin(due_second, PERIOD, NOW, None, later)  # another user
    assert store.load_checkin(second, PERIOD.key).step == "hours"
    assert store.claim_checkin(due_first, PERIODS[3], NOW, None, later)  # another period
    record = store.load_checkin(first, PERIOD.key)
    assert record == CheckinRecord(first, PERIOD.key, "hours", first_day=PERIOD.first,
                                   last_day=PERIOD.last)
    assert record.open and not record.answered


def test_a_claim_moves_only_the_schedule_still_due_then(store):
    user_id = user_with_schedule(store)
    [due] = store.due_checkins(NOW, ("telegram",))
    moved = NOW + timedelta(days=2)
    store.save_schedule(user_id, Schedule(), moved)  # the user changed it meanwhile
    assert store.claim_checkin(due, PERIOD, NOW, None, NOW + timedelta(days=7))
    assert store.load_schedule(user_id)[1] == moved
    store.skip_checkin(due, NOW + timedelta(days=7))
    assert store.load_schedule(user_id)[1] == moved
    store.skip_checkin(Due(user_id, "telegram", "42", Schedule(), moved), None)
    assert store.load_schedule(user_id)[1] is None


def test_an_unclaimed_checkin_is_due_again_but_an_answer_is_kept(store):
    user_id = user_with_schedule(store)
    [due] = store.due_checkins(NOW, ("telegram",))
    store.claim_checkin(due, PERIOD, NOW, None, NOW + timedelta(days=7))
    store.unclaim_checkin(user_id, PERIOD.key, due.due)
    assert store.load_checkin(user_id, PERIOD.key) is None
    assert [d.due for d in store.due_checkins(NOW, ("telegram",))] == [NOW]
    answered(store, user_id, PERIODS[3])
    store.unclaim_checkin(user_id, PERIODS[3].key, due.due)
    assert store.load_checkin(user_id, PERIODS[3].key).answered


def test_a_reminder_is_claimed_once_and_never_for_an_answer(store):
    user_id = user_with_schedule(store)
    other = user_with_schedule(store, "other")
    tomorrow = NOW + timedelta(days=1)
    for due in store.due_checkins(NOW, ("telegram",)):
        store.claim_checkin(due, PERIOD, NOW, tomorrow, NOW + timedelta(days=7))
    store.save_checkin(CheckinRecord(other, PERIOD.key, DONE, 1.0, None, 0.0), NOW)
    assert store.due_reminders(NOW, ("telegram",)) == []
    assert store.due_reminders(tomorrow, ("slack",)) == []
    [reminder] = store.due_reminders(tomorrow, ("telegram",))
    assert (reminder.user_id, reminder.week, reminder.due) == (user_id, PERIOD.key, tomorrow)
    assert reminder.schedule == Schedule() and reminder.platform_user_id == "42"
    assert store.claim_reminder(user_id, PERIOD.key, tomorrow)
    assert not store.claim_reminder(user_id, PERIOD.key, tomorrow)
    assert store.due_reminders(tomorrow, ("telegram",)) == []


def test_a_checkin_opened_again_goes_back_to_its_first_step_with_its_figures(store):
    user_id = store.create_user("telegram", "42", "fr").id
    store.open_checkin(user_id, PERIOD, NOW)
    assert store.load_checkin(user_id, PERIOD.key).step == "hours"
    splits = {"instagram": 2.0, "facebook": 1.0}
    store.save_checkin(CheckinRecord(user_id, PERIOD.key, DONE, 3.0, splits, 2.0,
                                     {"instagram": 2.0}, 500.0), NOW)
    store.open_checkin(user_id, PERIOD, NOW + timedelta(days=1))
    record = store.load_checkin(user_id, PERIOD.key)
    assert record == CheckinRecord(user_id, PERIOD.key, "hours", 3.0, splits, 2.0,
                                   {"instagram": 2.0}, 500.0, PERIOD.first, PERIOD.last)
    assert isinstance(record.hours, float) and isinstance(record.first_day, date)


def test_an_empty_split_is_stored_as_none(store):
    user_id = store.create_user("telegram", "42", "fr").id
    store.open_checkin(user_id, PERIOD, NOW)
    store.save_checkin(CheckinRecord(user_id, PERIOD.key, DONE, 3.0, {}, 1.0, {}), NOW)
    record = store.load_checkin(user_id, PERIOD.key)
    assert record.hours_split is None and record.results_split is None
    assert store.history(user_id)[0].hours_split == {}


def test_history_is_the_last_answered_periods_oldest_first(store):
    user_id = store.create_user("telegram", "42", "fr").id
    for number, period in enumerate(PERIODS):
        answered(store, user_id, period, hours=float(number + 1), results=1.0)
    store.open_checkin(user_id, Period("2026-12-06", date(2026, 11, 30), date(2026, 12, 6)),
                       NOW)  # sent, not answered
    store.open_checkin(user_id, PERIODS[0], NOW)  # asked again: its figures still count
    store.save_checkin(CheckinRecord(user_id, PERIODS[1].key, REPLACE, 2.0, None, 1.0), NOW)
    weeks = store.history(user_id)
    assert [w.week for w in weeks] == [p.key for p in PERIODS]
    assert weeks[0] == WeekReport(PERIODS[0].key, 1.0, 1.0, None, {}, {}, PERIODS[0].first,
                                  PERIODS[0].last)
    assert [w.hours for w in store.history(user_id, weeks=2)] == [3.0, 4.0]
    assert store.history(store.create_user("telegram", "43", "fr").id) == []


# Slack team digests
def test_a_digest_is_due_claimed_once_and_stopped(store):
    due = NOW - timedelta(minutes=1)
    store.set_digest("T1", "C1", "Europe/Paris", due, "U1")
    store.set_digest("T2", "C2", "UTC", NOW + timedelta(days=30), "U2")
    store.set_digest("T3", "C3", "UTC", None, "U3")
    [digest] = store.due_digests(NOW)
    assert digest == Digest("T1", "C1", "Europe/Paris", due, set_by="U1")
    next_week = due + timedelta(days=7)
    assert store.claim_digest(digest, next_week)
    assert not store.claim_digest(digest, next_week)
    assert store.due_digests(NOW) == []
    assert store.due_digests(next_week) == [Digest("T1", "C1", "Europe/Paris", next_week,
                                                   set_by="U1")]
    store.set_digest("T1", "C9", "UTC", due, "U4")  # moved to another channel
    assert store.due_digests(NOW) == [Digest("T1", "C9", "UTC", due, set_by="U4")]
    store.stop_digest("T1")
    assert store.due_digests(next_week) == []



def test_a_digest_keeps_the_day_time_and_language_its_setter_chose(store):
    assert store.load_digest("T1") is None
    store.set_digest("T1", "C1", "Europe/Paris", NOW, "U1")
    assert store.load_digest("T1") == Digest("T1", "C1", "Europe/Paris", NOW, set_by="U1")
    tuesday = NOW + timedelta(days=1)
    store.schedule_digest("T1", 1, clock_time(8, 15), "en", tuesday)
    chosen = Digest("T1", "C1", "Europe/Paris", tuesday, 1, clock_time(8, 15), "en", "U1")
    assert store.load_digest("T1") == chosen
    assert store.due_digests(tuesday) == [chosen]
    store.set_digest("T1", "C2", "Europe/Paris", tuesday, "U1")  # moved: choices kept
    assert store.load_digest("T1") == Digest("T1", "C2", "Europe/Paris", tuesday, 1,
                                             clock_time(8, 15), "en", "U1")


def test_a_workspace_s_users_are_listed_by_their_team_prefix_only(store):
    for key in ("T1:U2", "T1:U1", "T10:U1", "T2:U1"):
        store.create_user("slack", key, "fr")
    store.create_user("telegram", "T1:U3", "fr")
    assert store.team_users("slack", "T1") == ["T1:U2", "T1:U1"]
    assert store.team_users("slack", "T9") == []

def test_the_shared_week_holds_the_members_who_share_their_answered_period(store):
    monday, friday = date(2026, 11, 23), date(2026, 11, 27)
    users = {}
    for name, weekday in (("T1:U2", None), ("T1:U1", 0), ("T1:U3", 0), ("T2:U1", 0)):
        user = store.create_user("slack", name, "fr")
        if weekday is not None:
            store.save_schedule(user.id, Schedule(weekday=weekday), None)
        users[name] = user.id
    store.create_user("telegram", "T1:U9", "fr")
    for name in ("T1:U1", "T1:U2", "T2:U1"):
        store.set_member(users[name], True)
        answered(store, users[name], PERIOD, hours=2.0, results=1.0)
    store.set_member(users["T1:U1"], True)  # twice: still once
    answered(store, users["T1:U3"], PERIOD)  # does not share
    shared = store.shared_week("slack", "T1", monday)
    assert [member for member, _ in shared] == ["U1", "U2"]
    assert shared[0][1] == WeekReport(PERIOD.key, 2.0, 1.0, None, {}, {}, PERIOD.first,
                                      PERIOD.last)
    assert store.shared_week("slack", "T1", friday) == []  # another period
    store.set_member(users["T1:U1"], False)
    assert [member for member, _ in store.shared_week("slack", "T1", monday)] == ["U2"]


# transactions
def test_a_failing_transaction_writes_nothing_and_raises(store):
    user_id = user_with_schedule(store, "kept")
    with pytest.raises(RuntimeError, match="platform down"):
        with store.transaction("telegram:42"):
            user = store.create_user("telegram", "42", "fr")
            user.answers = {"hours": 2}
            store.save_user(user, {})
            store.save_schedule(user.id, Schedule(), NOW)
            store.open_checkin(user.id, PERIOD, NOW)
            assert store.record_update("telegram", 7)
            [due] = store.due_checkins(NOW, ("telegram",), limit=1)
            store.claim_checkin(due, PERIOD, NOW, None, None)
            store.set_digest("T1", "C1", "UTC", NOW, "U1")
            assert store.load_user("telegram", "42").answers == {"hours": 2}
            raise RuntimeError("platform down")
    assert store.load_user("telegram", "42") is None
    assert store.record_update("telegram", 7)
    assert store.due_digests(NOW) == [] and store.load_schedule(user_id)[1] == NOW
    assert store.load_checkin(user_id, PERIOD.key) is None
    assert store.ping()  # the store still works


def test_a_transaction_commits_all_its_writes(store):
    with store.transaction("telegram:42"):
        user = store.create_user("telegram", "42", "fr")
        user.answers = {"hours": 2}
        store.save_user(user, {})
    assert store.load_user("telegram", "42").answers == {"hours": 2}


def test_nested_transactions_join_the_outer_one(store):
    with pytest.raises(RuntimeError):
        with store.transaction("telegram:1"):
            store.create_user("telegram", "1", "fr")
            with store.transaction("telegram:1"):
                store.create_user("telegram", "2", "fr")
            with store.transaction():
                assert store.load_user("telegram", "2") is not None
            raise RuntimeError("after the inner block")
    assert store.load_user("telegram", "1") is None and store.load_user("telegram", "2") is None
    with store.transaction("telegram:3"):
        store.create_user("telegram", "3", "fr")
        with pytest.raises(RuntimeError):
            with store.transaction():  # a savepoint: its writes only are undone
                store.create_user("telegram", "4", "fr")
                raise RuntimeError("inner")
        store.create_user("telegram", "5", "fr")
    assert [store.load_user("telegram", n) is not None for n in "345"] == [True, False, True]


def test_ping(store):
    assert store.ping()


def test_leadership_is_held_on_sqlite_by_the_one_process(fresh_db):
    store = SqliteStore(fresh_db)
    assert store.claim_leadership("scheduler") and store.claim_leadership("scheduler")


# PostgreSQL: several workers on one database
def test_a_transaction_is_one_transaction_on_one_connection(pg_store, pg_url):
    from storage.postgres import open_postgres
    other = open_postgres(pg_url, min_size=1, max_size=2)
    try:
        with pg_store.transaction("telegram:42"):
            pg_store.create_user("telegram", "42", "fr")
            assert pg_store.load_user("telegram", "42") is not None
            assert other.load_user("telegram", "42") is None  # not committed yet
        assert other.load_user("telegram", "42") is not None
    finally:
        other.close()


def test_ping_is_false_when_the_database_is_gone(pg_server):
    from storage.postgres import open_postgres
    name = pg_server.fresh_database()
    store = open_postgres(pg_server.url(name), min_size=1, max_size=2, ping_timeout=0.5)
    try:
        assert store.ping()
        pg_server.drop_database(name)
        assert store.ping() is False
    finally:
        store.close()


def test_a_role_is_held_by_one_store_until_it_closes(pg_store, pg_url):
    from storage.postgres import open_postgres
    other = open_postgres(pg_url, min_size=1, max_size=2)
    try:
        assert pg_store.claim_leadership("scheduler")
        assert not other.claim_leadership("scheduler")
        assert other.claim_leadership("telegram-polling")  # another role
        assert not pg_store.claim_leadership("telegram-polling")
        assert pg_store.claim_leadership("scheduler")
        pg_store.close()
        assert other.claim_leadership("scheduler")
    finally:
        other.close()


def test_a_held_role_is_checked_without_a_query_each_call(pg_store, pg_server):
    assert pg_store.claim_leadership("scheduler")
    pid = pg_store._leaders["scheduler"].info.backend_pid
    query = ("SELECT query_start FROM pg_stat_activity WHERE pid = %s")
    started = pg_server.admin.execute(query, [pid]).fetchone()
    assert all(pg_store.claim_leadership("scheduler") for _ in range(200))
    assert pg_server.admin.execute(query, [pid]).fetchone() == started


def test_a_lost_connection_loses_the_role_then_it_is_tried_again(pg_store, pg_url,
                                                                pg_server):
    from storage.postgres import open_postgres
    other = open_postgres(pg_url, min_size=1, max_size=2)
    try:
        assert pg_store.claim_leadership("scheduler")
        pid = pg_store._leaders["scheduler"].info.backend_pid
        pg_server.admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while pg_store.claim_leadership("scheduler"):
            assert time.monotonic() < deadline, "the lost connection went unnoticed"
            time.sleep(0.01)
        assert other.claim_leadership("scheduler")  # free: the other worker takes it
        assert not pg_store.claim_leadership("scheduler")
        other.close()
        assert pg_store.claim_leadership("scheduler")
    finally:
        other.close()


def test_one_key_serialises_two_workers_read_modify_write(pg_store, pg_url):
    from storage.postgres import open_postgres
    other = open_postgres(pg_url, min_size=1, max_size=2)
    user = pg_store.create_user("telegram", "42", "fr")
    user.answers = {"count": 0}
    pg_store.save_user(user, {})
    errors = []

    def work(store):
        try:
            for _ in range(50):
                with store.transaction("telegram:42"):
                    current = store.load_user("telegram", "42")
                    previous = dict(current.answers)
                    time.sleep(0.0005)  # widen the window a lost update would need
                    current.answers["count"] += 1
                    store.save_user(current, previous)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
    try:
        threads = [threading.Thread(target=work, args=(s,)) for s in (pg_store, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        assert pg_store.load_user("telegram", "42").answers["count"] == 100
    finally:
        other.close()


def test_a_key_blocks_the_same_user_only_and_covers_a_first_message(pg_store):
    inside, release = threading.Event(), threading.Event()
    finished = {}

    def hold():
        with pg_store.transaction("telegram:1"):
            if pg_store.load_user("telegram", "1") is None:
                pg_store.create_user("telegram", "1", "fr")
            inside.set()
            release.wait(10)

    def first_message(key, name):
        with pg_store.transaction(key):
            if pg_store.load_user("telegram", name) is None:  # a new user, once
                pg_store.create_user("telegram", name, "fr")
        finished[key] = time.monotonic()

    holder = threading.Thread(target=hold)
    holder.start()
    assert inside.wait(10)
    same = threading.Thread(target=first_message, args=("telegram:1", "1"))
    different = threading.Thread(target=first_message, args=("telegram:2", "2"))
    same.start()
    different.start()
    different.join(10)
    assert "telegram:2" in finished  # another user's message ran meanwhile
    time.sleep(0.2)
    assert "telegram:1" not in finished  # the same user's waits for the first
    release.set()
    holder.join(10)
    same.join(10)
    assert "telegram:1" in finished  # and found the user the first one created
    assert pg_store.load_user("telegram", "1") is not None


# PostgreSQL migrations
def test_the_migrations_are_recorded_in_order_and_applied_once(pg_store, pg_url):
    from storage.postgres import MIGRATIONS, open_postgres
    open_postgres(pg_url).close()  # a second worker: nothing to apply
    with psycopg.connect(pg_url) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM schema_migrations "
                                            "ORDER BY applied_at, name")]
    assert names == [name for name, _ in MIGRATIONS] == sorted(names)
    assert names[:6] == [
        "m001_users_and_answers", "m002_processed_updates", "m003_checkins",
        "m004_team_digests", "m005_pending_value", "m006_checkin_periods"]
    assert {"m007_personal_data", "m008_slack_installations",
            "m009_start_payload", "m010_outbox", "m011_inbox",
            "m012_pending_nudge_indexes", "m013_digest_schedule",
            "m014_home_charts", "m015_outbox_parts",
            "m016_outbox_sent_ref", "m017_outbox_drawing"} <= set(names)


def test_two_workers_migrating_an_empty_database_at_once_apply_each_migration_once(
        pg_server):
    from storage.postgres import MIGRATIONS, migrate
    name = f"empty_{pg_server.fresh_database()}"
    pg_server.admin.execute(f"CREATE DATABASE {name}")  # from template0: no tables
    applied, errors = [], []

    def worker():
        try:
            with psycopg.connect(pg_server.url(name), autocommit=True) as conn:
                applied.append(migrate(conn))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
    try:
        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert sorted(applied, key=len) == [[], [], [name for name, _ in MIGRATIONS]]
    finally:
        pg_server.drop_database(name)


def test_the_schema_has_sqlites_tables_columns_keys_and_indexes(pg_store, pg_url,
                                                                 fresh_db):
    tables = ["users", "answers", "processed_updates", "schedules", "checkins", "digests",
              "digest_members", "home_charts"]
    with psycopg.connect(pg_url) as conn:
        for table in tables:
            columns = [r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "ORDER BY ordinal_position", [table])]
            assert columns == [c.name for c in fresh_db[table].columns], table
            keys = [r[0] for r in conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass "
                "AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)", [table])]
            assert keys == fresh_db[table].pks, table
            indexes = {r[0]: r[1] for r in conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND "
                "indexname LIKE 'idx_%%'", [table])}
            for index in fresh_db[table].indexes:
                if index.origin != "c":  # SQLite's own, for a key: checked above
                    continue
                assert index.name in indexes, index.name
                assert ("UNIQUE" in indexes[index.name]) == bool(index.unique)
                assert f"({', '.join(index.columns)})" in indexes[index.name]
            foreign = {(r[0], r[1]) for r in conn.execute(
                "SELECT kcu.column_name, ccu.table_name FROM information_schema."
                "table_constraints tc JOIN information_schema.key_column_usage kcu USING "
                "(constraint_name) JOIN information_schema.constraint_column_usage ccu "
                "USING (constraint_name) WHERE tc.table_name = %s AND tc.constraint_type = "
                "'FOREIGN KEY'", [table])}
            assert foreign == {(f.column, f.other_table) for f in fresh_db[table].foreign_keys}


def test_instants_come_out_in_utc_whatever_the_servers_zone(pg_server):
    from storage.postgres import open_postgres
    name = pg_server.fresh_database()
    pg_server.admin.execute(f"ALTER DATABASE {name} SET timezone = 'Asia/Tokyo'")
    store = open_postgres(pg_server.url(name), min_size=1, max_size=2)
    try:
        user_id = user_with_schedule(store, due=datetime(2026, 11, 23, 9, 0, tzinfo=PARIS))
        [due] = store.due_checkins(NOW, ("telegram",))
        assert due.due == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
        assert due.due.utcoffset() == timedelta(0)
        assert store.load_schedule(user_id)[1].utcoffset() == timedelta(0)
    finally:
        store.close()
        pg_server.drop_database(name)


# the outbox and the inbox
def outbox_replies():
    from flows.messages import Document, Option, Reply
    return [Reply("Voici votre graphique", image=b"\x89PNG\r\n\x00chart"),
            Reply("Votre plan", document=Document("plan.pdf", b"%PDF-1.7\x00", "application/pdf")),
            Reply("Quel est votre objectif ?", prompt="objective",
                  options=(Option("leads", "Trouver des clients"), Option("hire", "Recruter")),
                  multi=True, selected=("leads",))]


def test_replies_survive_in_the_outbox_with_their_image_document_and_buttons(store):
    replies = outbox_replies()
    with store.transaction("telegram:42"):
        ids = store.enqueue("telegram", "42", replies, "objective", NOW, delivery="7")
    assert len(ids) == 3 and ids == sorted(ids)
    [head] = store.claim_outbox(("telegram",), NOW, NOW + timedelta(seconds=60))
    assert (head.id, head.chat, head.reply, head.attempts) == (ids[0], "42", replies[0], 0)
    for expected, item_id in zip(replies[1:], ids[1:]):
        store.outbox_sent(item_id - 1, NOW)
        [item] = store.claim_outbox((), NOW, NOW, chat=("telegram", "42"))
        assert item.reply == expected and item.id == item_id
    assert store.unsent_count(("telegram",)) == 1


def test_a_chart_and_a_pdf_still_to_draw_survive_in_the_outbox_and_draw_the_same(store):
    from flows.chart import ChartTexts, ChartWeek
    from flows.messages import Deferred, Document, Reply, made
    chart = Deferred("flows.chart:chart_png", (
        [ChartWeek("16–22 nov.", 3.0, 2.0), ChartWeek("23–29 nov.", 2.5, 4.0)],
        ChartTexts("heures", "Clients", "prévu : 3 h", "", "Ça paie"), 3.0, None),
        {"decimal_comma": True})
    pdf = Deferred("flows.coach:draw_plan_pdf", ({"title": "Votre plan"},))
    replies = [Reply("Verdict", image=chart),
               Reply("Votre plan", document=Document("plan.pdf", pdf, "application/pdf"))]
    store.enqueue("telegram", "42", replies, None, NOW)
    [first] = store.claim_outbox(("telegram",), NOW, NOW)
    assert first.reply.image == chart and made(first.reply).image.startswith(b"\x89PNG")
    store.outbox_sent(first.id, NOW)
    [second] = store.claim_outbox(("telegram",), NOW, NOW)
    assert second.reply.document.content == pdf and second.reply.deferred


def test_a_stored_drawing_can_never_name_a_function_outside_the_flows():
    import os
    import pickle

    from flows.messages import Deferred
    with pytest.raises(ValueError):
        Deferred("os:system", ("echo owned",))
    forged = pickle.dumps(("flows.chart:chart_png", (os.system,), {}))
    with pytest.raises(pickle.UnpicklingError):
        Deferred.loads(forged)
    with pytest.raises(ValueError):  # a name outside the flows, read back
        Deferred.loads(pickle.dumps(("subprocess:run", (), {})))


def test_the_users_replies_are_sent_before_the_weekly_nudges(store):
    from flows.messages import NUDGE
    for chat in ("1", "2", "3"):
        store.enqueue("telegram", chat, outbox_replies()[:1], None, NOW, delivery=NUDGE)
    later = NOW + timedelta(seconds=5)
    store.enqueue("telegram", "9", outbox_replies()[:1], None, later, delivery="77")
    [first] = store.claim_outbox(("telegram",), later, later, limit=1)
    assert (first.chat, first.bulk) == ("9", False)
    assert store.claim_outbox(("telegram",), later, later, bulk=False) == []
    [one] = store.claim_outbox(("telegram",), later, later, limit=1, bulk=True)
    assert (one.chat, one.bulk) == ("1", True)
    store.enqueue("telegram", "8", outbox_replies()[:1], None, later, delivery="78")
    [two] = store.claim_outbox(("telegram",), later, later, limit=1, bulk=True)
    assert two.chat == "2"
    rest = store.claim_outbox(("telegram",), later, later)
    assert [(i.chat, i.bulk) for i in rest] == [("8", False), ("3", True)]


def test_rows_with_a_drawing_to_make_are_claimed_apart_in_each_chats_order(store):
    from flows.checkin import drawing
    from flows.chart import Chart, ChartTexts, ChartWeek
    from flows.messages import Reply
    chart = Chart((ChartWeek("1–7", 2, 1),), ChartTexts("H", "C", "P", "", "V"), 2, None)
    lease = NOW + timedelta(seconds=60)
    store.enqueue("telegram", "1", [Reply("Verdict", image=drawing(chart))], None, NOW)
    store.enqueue("telegram", "2", [Reply("Bonjour"), Reply("Verdict",
                                                            image=drawing(chart))], None, NOW)
    store.enqueue("telegram", "3", outbox_replies()[:1], None, NOW)  # bytes, not a drawing
    replies = store.claim_outbox(("telegram",), NOW, lease, bulk=False, drawing=False)
    assert sorted(i.chat for i in replies) == ["2", "3"]  # chat 2's head is its text
    [chart_row] = store.claim_outbox(("telegram",), NOW, lease, drawing=True)
    assert (chart_row.chat, chart_row.reply.deferred) == ("1", True)
    store.outbox_sent(next(i.id for i in replies if i.chat == "2"), NOW)
    # chat 2's drawing is its head now: claimed with the drawings, never before its text
    assert store.claim_outbox(("telegram",), NOW, lease, drawing=False) == []
    [second] = store.claim_outbox(("telegram",), NOW, lease, drawing=True)
    assert (second.chat, second.reply.text) == ("2", "Verdict")


def test_a_chat_sends_in_order_and_a_leased_row_is_not_taken_twice(store):
    lease = NOW + timedelta(seconds=60)
    store.enqueue("telegram", "1", outbox_replies()[:2], None, NOW)
    store.enqueue("telegram", "2", outbox_replies()[:1], None, NOW)
    store.enqueue("slack", "T:U", outbox_replies()[:1], None, NOW)
    heads = store.claim_outbox(("telegram",), NOW, lease)
    assert sorted(h.chat for h in heads) == ["1", "2"]  # one row a chat, not slack's
    assert store.claim_outbox(("telegram",), NOW, lease) == []  # leased: not taken again
    later = NOW + timedelta(seconds=61)  # a sender that died: its lease runs out
    assert sorted(h.id for h in store.claim_outbox(("telegram",), later, later)) == sorted(
        h.id for h in heads)


def test_a_failed_row_waits_for_its_retry_and_holds_back_its_chat(store):
    first, second = store.enqueue("telegram", "1", outbox_replies()[:2], None, NOW)
    [head] = store.claim_outbox(("telegram",), NOW, NOW + timedelta(seconds=60))
    store.outbox_failed(head.id, NOW + timedelta(seconds=30), "NetworkError")
    assert store.claim_outbox(("telegram",), NOW + timedelta(seconds=10), NOW) == []
    [again] = store.claim_outbox(("telegram",), NOW + timedelta(seconds=30), NOW)
    assert (again.id, again.attempts) == (first, 1)
    store.outbox_sent(first, NOW, "dropped")
    assert [i.id for i in store.claim_outbox(("telegram",), NOW, NOW)] == [second]


def test_a_row_keeps_how_many_of_its_parts_went_out_for_its_retry(store):
    [row] = store.enqueue("telegram", "1", outbox_replies()[:1], None, NOW)
    [head] = store.claim_outbox(("telegram",), NOW, NOW + timedelta(seconds=60))
    assert head.parts_sent == 0
    store.outbox_progress(row, 2)  # two messages of a long text went out, then a failure
    store.outbox_failed(row, NOW, "NetworkError")
    [again] = store.claim_outbox(("telegram",), NOW, NOW + timedelta(seconds=60))
    assert (again.id, again.parts_sent, again.attempts) == (row, 2, 1)


def test_the_last_question_asked_and_whether_it_was_sent(store):
    assert store.last_asked("telegram", "1") is None
    [question] = store.enqueue("telegram", "1", outbox_replies()[2:], "objective", NOW, 7)
    store.enqueue("telegram", "1", outbox_replies()[:1], None, NOW, 7)  # no question
    asked = store.last_asked("telegram", "1")
    assert (asked.prompt, asked.sent, asked.pending()) == ("objective", False, True)
    assert (asked.id, asked.text) == (question, outbox_replies()[2].text)
    store.outbox_sent(question, NOW, ref="1042")  # the platform's id of its message
    asked = store.last_asked("telegram", "1")
    assert (asked.prompt, asked.sent, asked.pending()) == ("objective", True, False)
    assert asked.ref == "1042"
    assert store.last_asked("telegram", "2") is None


def test_the_last_question_keeps_where_it_stands_in_the_chat_and_if_it_asks_again(store):
    from flows.messages import Reply
    [first] = store.enqueue("telegram", "1", [Reply("Q ?", prompt="target")], "target", NOW,
                            7)
    store.outbox_sent(first, NOW, "sent", "1042")
    asked = store.last_asked("telegram", "1")
    assert (asked.ref, asked.again) == ("1042", False)
    [again] = store.enqueue("telegram", "1", [Reply("Q ?", prompt="target", again=True)],
                            "target", NOW, 7)
    assert store.last_asked("telegram", "1").again and not store.last_asked(
        "telegram", "1").sent
    store.outbox_sent(again, NOW, "sent", "1044.000200")
    assert store.last_asked("telegram", "1").ref == "1044.000200"


def test_a_question_superseded_by_its_re_ask_is_done_and_no_longer_holds_its_chat(store):
    user = store.create_user("telegram", "1", "fr").id
    [question] = store.enqueue("telegram", "1", outbox_replies()[2:], "objective", NOW, user)
    assert store.claim_outbox(("telegram",), NOW, NOW + timedelta(seconds=15))  # then died
    store.outbox_sent(question, NOW, "superseded")
    [reask] = store.enqueue("telegram", "1", outbox_replies()[2:], "objective", NOW, user)
    assert [i.id for i in store.claim_outbox(("telegram",), NOW, NOW)] == [reask]
    store.outbox_sent(reask, NOW)
    [row, _] = store.export_user(user)["outbox"]
    assert row["outcome"] == "superseded"


def test_an_enqueued_reply_is_rolled_back_with_its_message(store):
    user = store.create_user("telegram", "1", "fr")
    with pytest.raises(RuntimeError), store.transaction("telegram:1"):
        user.state = "asking_target"
        store.save_user(user, {})
        store.enqueue("telegram", "1", outbox_replies()[:1], "target", NOW)
        raise RuntimeError("killed before the commit")
    assert store.unsent_count(("telegram",)) == 0
    assert store.load_user("telegram", "1").state is None


def test_deleting_a_user_forgets_their_outbox_and_inbox(store):
    user = store.create_user("telegram", "1", "fr")
    store.enqueue("telegram", "1", outbox_replies()[:1], "objective", NOW)
    store.enqueue("telegram", "2", outbox_replies()[:1], "objective", NOW)
    store.receive("telegram", [("5", "1", {"update_id": 5})], NOW)
    store.delete_user(user.id)
    assert store.unsent_count(("telegram",)) == 1 and store.unhandled("telegram") == []


def test_sent_rows_and_handled_updates_are_pruned_after_a_week(store):
    old, new = store.enqueue("telegram", "1", outbox_replies()[:2], None, NOW, 7)
    store.outbox_sent(old, NOW - timedelta(days=8))
    store.receive("telegram", [("1", "1", {"n": 1}), ("2", "1", {"n": 2})], NOW)
    store.mark_handled("telegram", "1", NOW - timedelta(days=8))
    assert store.prune(NOW - timedelta(days=7)) == 2
    assert store.unsent_count(("telegram",)) == 1
    assert [r.delivery for r in store.unhandled("telegram")] == ["2"]


def test_the_farewell_to_a_user_who_deleted_their_data_is_removed_once_sent(store):
    [farewell] = store.enqueue("telegram", "1", outbox_replies()[:1], None, NOW)  # no user
    [kept] = store.enqueue("telegram", "2", outbox_replies()[:1], None, NOW, 7)
    store.outbox_sent(farewell, NOW)
    store.outbox_sent(kept, NOW)
    assert store.prune(NOW + timedelta(days=1)) == 1  # only the other one was left


def test_the_inbox_keeps_each_update_once_in_the_order_received(store):
    batch = [("10", "1", {"update_id": 10, "text": "é"}), ("11", "2", {"update_id": 11})]
    assert store.receive("telegram", batch, NOW) == 2
    assert store.receive("telegram", batch[:1] + [("12", "1", {"update_id": 12})], NOW) == 1
    assert [(r.delivery, r.chat) for r in store.unhandled("telegram")] == [
        ("10", "1"), ("11", "2"), ("12", "1")]
    assert store.unhandled("telegram")[0].payload == {"update_id": 10, "text": "é"}
    store.mark_handled("telegram", "11", NOW)
    assert [r.delivery for r in store.unhandled("telegram")] == ["10", "12"]
    assert store.unhandled("slack") == []


def test_two_workers_claiming_at_once_never_take_the_same_row(pg_url):
    from storage.postgres import open_postgres
    workers = [open_postgres(pg_url, min_size=1, max_size=2) for _ in range(2)]
    try:
        for chat in range(40):
            workers[0].enqueue("telegram", str(chat), outbox_replies()[:1], None, NOW)
        taken: list[list[int]] = [[], []]
        barrier = threading.Barrier(2)

        def claim(n):
            barrier.wait()
            for _ in range(20):
                taken[n] += [i.id for i in workers[n].claim_outbox(
                    ("telegram",), NOW, NOW + timedelta(seconds=60), limit=3)]
        threads = [threading.Thread(target=claim, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(taken[0]) + len(taken[1]) == 40
        assert not set(taken[0]) & set(taken[1])
    finally:
        for worker in workers:
            worker.close()


def test_leases_left_by_a_dead_run_are_freed_at_start_on_sqlite_only(store):
    store.enqueue("telegram", "1", outbox_replies()[:1], None, NOW)
    store.claim_outbox(("telegram",), NOW, NOW + timedelta(seconds=15))
    if isinstance(store, SqliteStore):
        assert store.release_claims() == 1
        assert store.claim_outbox(("telegram",), NOW, NOW)
    else:  # another worker may be sending it: its lease ends by itself
        assert store.release_claims() == 0
        assert store.claim_outbox(("telegram",), NOW, NOW) == []
