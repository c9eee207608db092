"""Check-in schedules and weekly check-ins: what is due, what was sent, what was answered.

A check-in row is keyed by user and period (the last day of the scheduled period, see
`flows.schedule.Period`) and keeps the seven days it is about. A check-in is claimed
(its row inserted, the schedule moved to the next week) in one transaction before it is
sent, so a restart never sends it twice. The next-day reminder is claimed the same way;
an answered check-in is never reminded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlite_utils import Database

from flows.schedule import Period, Schedule
from flows.verdict import WeekReport
from storage.users import in_transaction, rows

DONE = "done"
LEFT = "left_"  # prefix of the step of a check-in the user left ("stop"), to resume later
REPLACE = "replace"  # an answered check-in asked again: replace its figures? (kept so far)
ANSWERED = (DONE, REPLACE)  # the steps whose figures are complete


@dataclass
class CheckinRecord:
    """One user's check-in for one period, as stored."""

    user_id: int
    week: str  # the period's key
    step: str | None
    hours: float | None = None
    hours_split: dict | None = None
    results: float | None = None
    results_split: dict | None = None
    revenue: float | None = None
    first_day: date | None = None  # the seven days it is about
    last_day: date | None = None

    @property
    def open(self) -> bool:
        """Tell whether the check-in waits for an answer (not done, not left)."""
        return self.step not in (None, DONE) and not self.left

    @property
    def answered(self) -> bool:
        """Tell whether the figures of the check-in are complete."""
        return self.step in ANSWERED

    @property
    def left(self) -> bool:
        """Tell whether the user left this check-in half-way; `point` resumes it."""
        return bool(self.step) and self.step.startswith(LEFT)


def _iso(instant: datetime | date | None) -> str | None:
    return instant.isoformat() if instant else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _schedule_row(user_id: int, schedule: Schedule, next_due: datetime | None) -> dict:
    return {"user_id": user_id, "weekday": schedule.weekday,
            "local_time": schedule.at.strftime("%H:%M"), "timezone": schedule.timezone,
            "days_off": json.dumps(sorted(schedule.days_off)),
            "paused_until": schedule.paused_until.isoformat() if schedule.paused_until else None,
            "stopped": int(schedule.stopped), "next_due": _iso(next_due)}


def _schedule(row: dict) -> Schedule:
    return Schedule(weekday=row["weekday"], at=time.fromisoformat(row["local_time"]),
                    timezone=row["timezone"], days_off=frozenset(json.loads(row["days_off"])),
                    paused_until=date.fromisoformat(row["paused_until"])
                    if row["paused_until"] else None, stopped=bool(row["stopped"]))


def save_schedule(db: Database, user_id: int, schedule: Schedule,
                  next_due: datetime | None) -> None:
    """Store (or replace) a user's schedule and when their next check-in is due."""
    row = _schedule_row(user_id, schedule, next_due)
    columns = ", ".join(row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "user_id")
    with in_transaction(db):
        db.execute(f"INSERT INTO schedules ({columns}) VALUES ({', '.join('?' * len(row))}) "
                   f"ON CONFLICT (user_id) DO UPDATE SET {updates}", list(row.values()))


def load_schedule(db: Database, user_id: int) -> tuple[Schedule, datetime | None] | None:
    """Return a user's schedule and next due instant, or None if they have none."""
    found = rows(db, "SELECT * FROM schedules WHERE user_id = ?", [user_id])
    if not found:
        return None
    due = found[0]["next_due"]
    return _schedule(found[0]), datetime.fromisoformat(due) if due else None


@dataclass(frozen=True)
class Due:
    """A check-in or reminder to send: to whom, on which platform, for which period key."""

    user_id: int
    platform: str
    platform_user_id: str
    schedule: Schedule
    due: datetime
    week: str | None = None


# The scheduler's scans, led by the partial indexes of pending nudges (m012) through
# CROSS JOIN, which fixes SQLite's join order: left to itself, the planner walked users
# by platform, then every check-in of each (825 ms at 1,000,000 check-ins). A test
# checks their plans (tests/storage/test_due_scan.py).
DUE_CHECKINS_SQL = (
    "SELECT s.*, u.platform, u.platform_user_id FROM schedules s "
    "CROSS JOIN users u ON u.id = s.user_id "
    "WHERE s.stopped = 0 AND s.next_due IS NOT NULL AND s.next_due <= ? "
    "AND u.platform IN ({platforms}) ORDER BY s.next_due, s.user_id LIMIT ?")
DUE_REMINDERS_SQL = (
    "SELECT c.user_id, c.week, c.remind_at, u.platform, u.platform_user_id, s.* "
    "FROM checkins c CROSS JOIN users u ON u.id = c.user_id "
    "CROSS JOIN schedules s ON s.user_id = c.user_id "
    "WHERE c.reminded_at IS NULL AND c.answered_at IS NULL AND c.remind_at IS NOT NULL "
    "AND c.remind_at <= ? AND c.step != ? AND s.stopped = 0 "
    "AND u.platform IN ({platforms}) ORDER BY c.remind_at, c.user_id LIMIT ?")


def for_platforms(sql: str, platforms: tuple[str, ...]) -> str:
    """Return a scan's SQL with one placeholder per platform."""
    return sql.format(platforms=", ".join("?" * len(platforms)))


def due_checkins(db: Database, now: datetime, platforms: tuple[str, ...],
                 limit: int = 500) -> list[Due]:
    """Return the schedules on `platforms` whose next check-in is due, oldest first."""
    found = rows(db, for_platforms(DUE_CHECKINS_SQL, platforms),
                 [now.isoformat(), *platforms, limit])
    return [Due(r["user_id"], r["platform"], r["platform_user_id"], _schedule(r),
                datetime.fromisoformat(r["next_due"])) for r in found]


def claim_checkin(db: Database, due: Due, period: Period, now: datetime,
                  remind_at: datetime | None, next_due: datetime | None) -> bool:
    """Record the check-in of `period` as sent and move the schedule on, atomically.

    Return False when that period's check-in already exists (sent before a restart, or
    opened by the user): the schedule still moves on, nothing is to be sent.
    """
    with in_transaction(db):
        cursor = db.execute(
            "INSERT OR IGNORE INTO checkins (user_id, week, step, sent_at, remind_at, "
            "first_day, last_day) VALUES (?, ?, 'hours', ?, ?, ?, ?)",
            [due.user_id, period.key, _iso(now), _iso(remind_at), _iso(period.first),
             _iso(period.last)])
        db.execute("UPDATE schedules SET next_due = ? WHERE user_id = ? AND next_due = ?",
                   [_iso(next_due), due.user_id, due.due.isoformat()])
    return cursor.rowcount == 1


def skip_checkin(db: Database, due: Due, next_due: datetime | None) -> None:
    """Move a schedule past a check-in that is not to be sent (paused, week over)."""
    with in_transaction(db):
        db.execute("UPDATE schedules SET next_due = ? WHERE user_id = ? AND next_due = ?",
                   [_iso(next_due), due.user_id, due.due.isoformat()])


def unclaim_checkin(db: Database, user_id: int, week: str, due: datetime) -> None:
    """Undo a claim whose message could not be sent, so the next round sends it."""
    with in_transaction(db):
        db.execute("DELETE FROM checkins WHERE user_id = ? AND week = ? AND step = 'hours' "
                   "AND hours IS NULL", [user_id, week])
        db.execute("UPDATE schedules SET next_due = ? WHERE user_id = ?",
                   [due.isoformat(), user_id])


def due_reminders(db: Database, now: datetime, platforms: tuple[str, ...],
                  limit: int = 500) -> list[Due]:
    """Return unanswered check-ins on `platforms` whose one reminder is due at `now`."""
    found = rows(db, for_platforms(DUE_REMINDERS_SQL, platforms),
                 [now.isoformat(), DONE, *platforms, limit])
    return [Due(r["user_id"], r["platform"], r["platform_user_id"], _schedule(r),
                datetime.fromisoformat(r["remind_at"]), r["week"]) for r in found]


def claim_reminder(db: Database, user_id: int, week: str, now: datetime) -> bool:
    """Record the reminder of a check-in as sent; False if it already was."""
    with in_transaction(db):
        cursor = db.execute("UPDATE checkins SET reminded_at = ? WHERE user_id = ? AND "
                            "week = ? AND reminded_at IS NULL", [_iso(now), user_id, week])
    return cursor.rowcount == 1


def _checkin(row: dict) -> CheckinRecord:
    def loads(value):
        return json.loads(value) if value else None
    return CheckinRecord(row["user_id"], row["week"], row["step"], row["hours"],
                         loads(row["hours_split"]), row["results"],
                         loads(row["results_split"]), row["revenue"],
                         _day(row.get("first_day")), _day(row.get("last_day")))


def load_checkin(db: Database, user_id: int, week: str) -> CheckinRecord | None:
    """Return a user's check-in of `week`, or None."""
    found = rows(db, "SELECT * FROM checkins WHERE user_id = ? AND week = ?", [user_id, week])
    return _checkin(found[0]) if found else None


def open_checkin(db: Database, user_id: int, period: Period, now: datetime) -> None:
    """Open the user's check-in of `period` at its first step (an existing one goes back
    to it, its figures kept until they are given again)."""
    with in_transaction(db):
        db.execute("INSERT INTO checkins (user_id, week, step, sent_at, first_day, last_day) "
                   "VALUES (?, ?, 'hours', ?, ?, ?) ON CONFLICT (user_id, week) "
                   "DO UPDATE SET step = 'hours'",
                   [user_id, period.key, _iso(now), _iso(period.first), _iso(period.last)])


def save_checkin(db: Database, record: CheckinRecord, now: datetime) -> None:
    """Save one step of a check-in: its figures and the next step, in one statement."""
    def dumps(value):
        return json.dumps(value) if value else None
    values = {"step": record.step, "hours": record.hours,
              "hours_split": dumps(record.hours_split), "results": record.results,
              "results_split": dumps(record.results_split), "revenue": record.revenue}
    if record.step == DONE:  # once answered, never reminded
        values["answered_at"] = _iso(now)
    with in_transaction(db):
        cursor = db.execute(f"UPDATE checkins SET {', '.join(f'{c} = ?' for c in values)} "
                            "WHERE user_id = ? AND week = ?",
                            [*values.values(), record.user_id, record.week])
    if cursor.rowcount != 1:
        raise LookupError(f"no check-in {record.week} for user {record.user_id}")


def history(db: Database, user_id: int, weeks: int = 12) -> list[WeekReport]:
    """Return the user's answered periods, oldest first, at most the last `weeks`; one
    being asked again keeps its figures until new ones are given."""
    found = rows(
        db, "SELECT * FROM checkins WHERE user_id = ? AND (step IN (?, ?) OR answered_at IS "
        "NOT NULL) AND hours IS NOT NULL ORDER BY COALESCE(last_day, week) DESC LIMIT ?",
        [user_id, *ANSWERED, weeks])
    return [week_report(r) for r in reversed(found)]


def week_report(row: dict) -> WeekReport:
    """Return the report of an answered check-in row."""
    return WeekReport(row["week"], row["hours"] or 0.0, row["results"] or 0.0, row["revenue"],
                      json.loads(row["hours_split"] or "{}"),
                      json.loads(row["results_split"] or "{}"),
                      _day(row.get("first_day")), _day(row.get("last_day")))
