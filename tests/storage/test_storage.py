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
