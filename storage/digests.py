"""Slack team digests: the channel of each workspace, and who shares their line.

A digest is claimed (its next due moved a week on) before it is posted, like a
check-in, so a restart never posts it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlite_utils import Database

from flows.schedule import DEFAULT_DAY, period_key
from flows.verdict import WeekReport
from storage.checkins import ANSWERED, week_report
from storage.users import in_transaction


DIGEST_DAY, DIGEST_TIME = 0, time(10, 0)  # Mondays at 10:00 until changed


@dataclass(frozen=True)
class Digest:
    """One workspace's digest: where, in which time zone, when it is due, and the day,
    time and language it is posted in (None: the coach's default language)."""

    team: str
    channel: str
    timezone: str
    due: datetime | None
    weekday: int = DIGEST_DAY
    at: time = DIGEST_TIME
    language: str | None = None
    set_by: str | None = None


def _digest(row: dict) -> Digest:
    due = row["next_due"]
    return Digest(row["team"], row["channel"], row["timezone"],
                  datetime.fromisoformat(due) if due else None,
                  DIGEST_DAY if row.get("weekday") is None else row["weekday"],
                  time.fromisoformat(row["local_time"]) if row.get("local_time")
                  else DIGEST_TIME, row.get("language"), row.get("set_by"))


def load_digest(db: Database, team: str) -> Digest | None:
    """Return the team's digest, or None when it has none."""
    rows = list(db.query("SELECT * FROM digests WHERE team = ?", [team]))
    return _digest(rows[0]) if rows else None


def schedule_digest(db: Database, team: str, weekday: int, at: time, language: str | None,
                    next_due: datetime | None) -> None:
    """Post the team's digest on `weekday` at `at` (its time zone), in `language`."""
    with in_transaction(db):
        db.execute("UPDATE digests SET weekday = ?, local_time = ?, language = ?, "
                   "next_due = ? WHERE team = ?",
                   [weekday, at.strftime("%H:%M"), language,
                    next_due.isoformat() if next_due else None, team])


def set_digest(db: Database, team: str, channel: str, timezone: str,
               next_due: datetime | None, set_by: str) -> None:
    """Post the team's weekly digest in `channel` from now on."""
    with in_transaction(db):
        db["digests"].upsert({"team": team, "channel": channel, "timezone": timezone,
                              "next_due": next_due.isoformat() if next_due else None,
                              "set_by": set_by}, pk="team")


def stop_digest(db: Database, team: str) -> None:
    """Stop the team's digest."""
    with in_transaction(db):
        db["digests"].delete_where("team = ?", [team])


def set_member(db: Database, user_id: int, shared: bool) -> None:
    """Share (or stop sharing) a member's weekly line in their team's digest."""
    with in_transaction(db):
        if shared:
            db["digest_members"].upsert({"user_id": user_id}, pk="user_id")
        else:
            db["digest_members"].delete_where("user_id = ?", [user_id])


def due_digests(db: Database, now: datetime) -> list[Digest]:
    """Return the digests due at `now`."""
    rows = db.query("SELECT * FROM digests WHERE next_due IS NOT NULL AND next_due <= ?",
                    [now.isoformat()])
    return [_digest(r) for r in rows]


def claim_digest(db: Database, digest: Digest, next_due: datetime | None) -> bool:
    """Move a due digest to its next week; False if another round already did."""
    with in_transaction(db):
        cursor = db.execute("UPDATE digests SET next_due = ? WHERE team = ? AND next_due = ?",
                            [next_due.isoformat() if next_due else None, digest.team,
                             digest.due.isoformat()])
    return cursor.rowcount == 1


def shared_week(db: Database, platform: str, team: str,
                day: date) -> list[tuple[str, WeekReport]]:
    """Return (member id, report) for the members of `team` who share, for the week a
    digest on local `day` is about: each member's check-in of that period, by the key
    their own check-in day gives it (a Friday check-in for a Friday schedule)."""
    members = db.query(
        "SELECT u.id, u.platform_user_id, s.weekday FROM digest_members m "
        "JOIN users u ON u.id = m.user_id LEFT JOIN schedules s ON s.user_id = u.id "
        "WHERE u.platform = ? AND substr(u.platform_user_id, 1, length(?)) = ? "
        "ORDER BY u.platform_user_id", [platform, f"{team}:", f"{team}:"])  # the exact prefix
    shared = []
    for member in members:
        weekday = DEFAULT_DAY if member["weekday"] is None else member["weekday"]
        rows = list(db.query(
            "SELECT * FROM checkins WHERE user_id = ? AND week = ? AND (step IN (?, ?) OR "
            "answered_at IS NOT NULL) AND hours IS NOT NULL",
            [member["id"], period_key(weekday, day), *ANSWERED]))
        if rows:
            shared.append((member["platform_user_id"].split(":", 1)[1], week_report(rows[0])))
    return shared
