"""Storage: migrations, WAL mode, atomic saves and data rights (users on both stores;
migrations, WAL and a save broken half-way on SQLite)."""

import pytest

import storage
from storage.db import MIGRATIONS
from tests.pg import count_rows


def test_migrations_are_applied_once(tmp_path):
    path = str(tmp_path / "coach.db")
    storage.open_database(path)
    db = storage.open_database(path)
    applied = [m.name for m in MIGRATIONS.applied(db)]
    assert applied == sorted(applied) and not MIGRATIONS.pending(db)
    assert applied[:6] == ["m001_users_and_answers", "m002_processed_updates",
                           "m003_checkins", "m004_team_digests", "m005_pending_value",
                           "m006_checkin_periods"]
    assert {"m007_personal_data", "m008_slack_installations",
            "m009_start_payload", "m010_outbox", "m011_inbox",
            "m012_pending_nudge_indexes"} <= set(applied)
    assert {"users", "answers", "schedules", "checkins"} <= set(db.table_names())


def test_file_database_uses_wal(tmp_path):
    db = storage.open_database(str(tmp_path / "coach.db"))
    assert db.journal_mode == "wal"


def test_users_are_unique_per_platform_and_id(store):
    store.create_user("telegram", "42", "fr")
    store.create_user("slack", "42", "en")
    assert store.load_user("slack", "42").language == "en"
    with pytest.raises(Exception):
        store.create_user("telegram", "42", "fr")


def test_save_writes_state_and_answers_together(store):
    user = store.create_user("test", "u", "fr")
    user.state, user.answers = "asking_target", {"objective": {"choice": "leads"}}
    store.save_user(user, {})
    loaded = store.load_user("test", "u")
    assert loaded.state == "asking_target"
    assert loaded.answers == {"objective": {"choice": "leads"}}


def test_save_removes_forgotten_answers(store):
    user = store.create_user("test", "u", "fr")
    user.answers = {"target": {"text": "10"}, "hours": 3}
    store.save_user(user, {})
    previous, user.answers = dict(user.answers), {"hours": 3}
    store.save_user(user, previous)
    assert store.load_user("test", "u").answers == {"hours": 3}


def test_a_failing_save_writes_nothing(fresh_db, monkeypatch):
    user = storage.create_user(fresh_db, "test", "u", "fr")
    user.state, user.answers = "asking_target", {"objective": "leads"}

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(storage.users, "upsert_answers", broken)  # after the users row
    with pytest.raises(OSError):
        storage.save_user(fresh_db, user, {})
    loaded = storage.load_user(fresh_db, "test", "u")
    assert loaded.state is None and loaded.answers == {}


def test_delete_removes_the_user_and_their_answers_only(store):
    for name in ("a", "b"):
        user = store.create_user("test", name, "fr")
        user.answers = {"hours": 2}
        store.save_user(user, {})
    store.delete_user(store.load_user("test", "a").id)
    assert store.load_user("test", "a") is None
    assert store.load_user("test", "b").answers == {"hours": 2}
    assert count_rows(store, "answers") == 1


def test_a_chart_left_unsent_by_the_previous_version_is_claimed_as_a_drawing(tmp_path):
    """m017 marks the unsent rows that still have a drawing to make, so an upgrade does
    not leave a verdict's chart waiting in the reply slots."""
    import sqlite3
    from datetime import datetime, timezone

    from sqlite_utils import Database

    from flows.chart import Chart, ChartTexts, ChartWeek
    from flows.checkin import drawing
    from flows.messages import Reply
    from storage.outbox import reply_columns
    from storage.sqlite import SqliteStore
    path = str(tmp_path / "coach.db")
    before = Database(sqlite3.connect(path))
    MIGRATIONS.apply(before, stop_before="m017_outbox_drawing")
    chart = Chart((ChartWeek("1–7", 2, 1),), ChartTexts("H", "C", "P", "", "V"), 2, None)
    now = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc).isoformat()
    for chat, reply in (("1", Reply("Verdict", image=drawing(chart))), ("2", Reply("Bonjour"))):
        data, image, _ = reply_columns(reply)
        before["outbox"].insert({"platform": "telegram", "chat": chat, "reply": data,
                                 "image": image, "created_at": now, "next_attempt_at": now,
                                 "attempts": 0})
    before.close()
    store = SqliteStore(storage.open_database(path))
    later = datetime(2026, 11, 30, 9, 1, tzinfo=timezone.utc)
    [drawn] = store.claim_outbox(("telegram",), later, later, drawing=True)
    [plain] = store.claim_outbox(("telegram",), later, later, drawing=False)
    assert (drawn.chat, drawn.reply.deferred, plain.chat) == ("1", True, "2")


def test_a_look_for_charts_to_draw_goes_through_their_own_index():
    """Every round of the sender looks for rows with a drawing to make, most often
    finding none: through the partial index of those rows (m017), not every unsent
    row's."""
    from storage.outbox import claim_sql
    db = storage.open_database(None)
    plan = "\n".join(row[-1] for row in db.execute(
        "EXPLAIN QUERY PLAN " + claim_sql("o.platform IN (?)", False, True),
        ["later", "telegram", "now", "now", 32]))
    assert "SEARCH o USING INDEX idx_outbox_drawing" in plan
