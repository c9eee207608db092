"""The scheduler's every-round scans go through the partial indexes of pending nudges
(m012), on both databases: with a million check-ins, a scan that walks the tables
instead takes most of a second on every round (PLATFORM-NOTES)."""

from __future__ import annotations

from datetime import timedelta

from storage import SqliteStore, checkins, postgres
from tests.storage.test_contract import NOW, user_with_schedule

PLATFORMS = ("telegram", "slack")


USERS = 3000  # enough rows for PostgreSQL's planner to price the indexes, after ANALYZE


def populate(store) -> None:
    """Store USERS users with a schedule and a check-in each, due over the next two
    days (a few now), half of the reminders already sent; then ANALYZE."""
    soon = [(NOW + timedelta(minutes=n - 5)) for n in range(1, USERS + 1)]
    if isinstance(store, SqliteStore):
        db = store.db
        with db.atomic():
            db.conn.executemany("INSERT INTO users (id, platform, platform_user_id, language) "
                                "VALUES (?, 'telegram', ?, 'fr')",
                                [(n, str(n)) for n in range(1, USERS + 1)])
            db.conn.executemany(
                "INSERT INTO schedules (user_id, weekday, local_time, timezone, next_due) "
                "VALUES (?, 0, '09:00', 'Europe/Paris', ?)",
                [(n, at.isoformat()) for n, at in enumerate(soon, start=1)])
            db.conn.executemany(
                "INSERT INTO checkins (user_id, week, step, remind_at, reminded_at) "
                "VALUES (?, 'w', 'hours', ?, ?)",
                [(n, at.isoformat(), NOW.isoformat() if n % 2 == 0 else None)
                 for n, at in enumerate(soon, start=1)])
        db.execute("ANALYZE")
        return
    with store.pool.connection() as conn, conn.transaction():
        conn.execute("INSERT INTO users (platform, platform_user_id, language) "
                     "SELECT 'telegram', g::text, 'fr' FROM generate_series(1, %s) g",
                     [USERS])
        conn.execute("INSERT INTO schedules (user_id, weekday, local_time, timezone, "
                     "next_due) SELECT id, 0, '09:00', 'Europe/Paris', %s + (id - 5) * "
                     "interval '1 minute' FROM users", [NOW])
        conn.execute("INSERT INTO checkins (user_id, week, step, remind_at, reminded_at) "
                     "SELECT id, 'w', 'hours', %s + (id - 5) * interval '1 minute', "
                     "CASE WHEN id %% 2 = 0 THEN %s END FROM users", [NOW, NOW])
    with store.pool.connection() as conn:
        conn.execute("ANALYZE")


def plan_of(store, name: str) -> str:
    """Return the store's plan of a scan as it runs it: EXPLAIN QUERY PLAN on SQLite,
    EXPLAIN on PostgreSQL."""
    step = [checkins.DONE] if name == "DUE_REMINDERS_SQL" else []
    if isinstance(store, SqliteStore):
        sql = checkins.for_platforms(getattr(checkins, name), PLATFORMS)
        rows = store.db.execute("EXPLAIN QUERY PLAN " + sql,
                                [NOW.isoformat(), *step, *PLATFORMS, 500]).fetchall()
        return "\n".join(row[-1] for row in rows)
    with store.pool.connection() as conn:
        rows = conn.execute("EXPLAIN " + getattr(postgres, name),
                            [NOW, *step, list(PLATFORMS), 500]).fetchall()
    return "\n".join(row["QUERY PLAN"] for row in rows)


def test_the_due_checkins_scan_is_led_by_the_pending_schedules_index(store):
    populate(store)
    plan = plan_of(store, "DUE_CHECKINS_SQL")
    assert "idx_schedules_due" in plan
    if isinstance(store, SqliteStore):  # led by it: schedules first, then one user each
        first, *rest = plan.splitlines()
        assert first.startswith("SEARCH s USING INDEX idx_schedules_due")
        assert any("SEARCH u USING INTEGER PRIMARY KEY" in line for line in rest)
        assert "TEMP B-TREE" not in plan  # in the index's order: no sort
    else:
        assert "Seq Scan" not in plan and "Sort" not in plan


def test_the_due_reminders_scan_is_led_by_the_pending_reminders_index(store):
    populate(store)
    plan = plan_of(store, "DUE_REMINDERS_SQL")
    assert "idx_checkins_reminder_due" in plan
    if isinstance(store, SqliteStore):
        assert plan.splitlines()[0].startswith(
            "SEARCH c USING INDEX idx_checkins_reminder_due")
        assert "TEMP B-TREE" not in plan
    else:
        assert "Seq Scan" not in plan and "Sort" not in plan


def test_the_scans_still_find_what_is_due_and_only_that(store):
    due = user_with_schedule(store, "1", due=NOW - timedelta(minutes=1))
    user_with_schedule(store, "2", due=NOW + timedelta(minutes=1))  # not yet
    user_with_schedule(store, "3", due=NOW - timedelta(minutes=2), stopped=True)
    user_with_schedule(store, "4", platform="console", due=NOW - timedelta(minutes=3))
    assert [d.user_id for d in store.due_checkins(NOW, PLATFORMS)] == [due]
