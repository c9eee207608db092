"""The storage port on SQLite, through sqlite-utils: the default, for one process."""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Iterator

from sqlite_utils import Database

from flows.schedule import Period, Schedule
from flows.verdict import WeekReport
from flows.messages import Reply
from storage import checkins, digests, home_charts, inbox, outbox, users
from storage.db import scrub
from storage.checkins import CheckinRecord, Due
from storage.digests import Digest
from storage.home_charts import ChartFile, ForgottenFile
from storage.inbox import Received
from storage.outbox import Asked, OutboxItem
from storage.users import UserRecord


def _one_thread_at_a_time(cls):
    """Make every public method of the store hold its lock: its one connection is used
    by one thread at a time (the store's thread, bot/offload.py; a script or a test
    calling it directly meanwhile waits for the transaction under way)."""
    def locked(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            with self._lock:
                return method(self, *args, **kwargs)
        return call
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and name != "transaction" and callable(member):
            setattr(cls, name, locked(member))
    return cls


@_one_thread_at_a_time
class SqliteStore:
    """The coach's repository in one SQLite file (or in memory, for tests)."""

    threads = 1  # one connection, used by the store's one thread (bot/offload.py)

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.RLock()  # held by a transaction block, and by each call
        self._scrub_after_commit = False  # a user was deleted in the open transaction

    @contextmanager
    def transaction(self, key: str | None = None) -> Iterator[None]:
        """Run a block in one transaction (SQLite has one writer: `key` needs no lock
        of its own beyond the adapters' in-process ones). After one that deleted a user
        commits, the WAL is checkpointed so the deleted rows are gone from the files."""
        with self._lock:
            outermost = not self.db.conn.in_transaction
            try:
                with self.db.atomic():
                    yield
                if outermost and self._scrub_after_commit:
                    scrub(self.db)
            finally:
                if outermost:
                    self._scrub_after_commit = False

    def ping(self) -> bool:
        """Tell whether the database answers."""
        return self.db.execute("SELECT 1").fetchone() == (1,)

    def close(self) -> None:
        """Close the database file."""
        self.db.close()

    def claim_leadership(self, role: str) -> bool:
        """One process per SQLite file: it leads every role."""
        return True

    def slack_installations(self, client_id: str, cipher=None):
        """Return the Slack OAuth installation store in this database's file."""
        from storage.slack_installations import SqliteInstallationStore
        path = self.db.execute("PRAGMA database_list").fetchone()[2]
        if not path:
            raise ValueError("the Slack installation store needs a database file, "
                             "not an in-memory database")
        return SqliteInstallationStore(path, client_id, cipher)

    # users and their answers
    def load_user(self, platform: str, platform_user_id: str) -> UserRecord | None:
        return users.load_user(self.db, platform, platform_user_id)

    def create_user(self, platform: str, platform_user_id: str, language: str,
                    language_chosen: bool = False) -> UserRecord:
        return users.create_user(self.db, platform, platform_user_id, language,
                                 language_chosen)

    def save_user(self, user: UserRecord, previous_answers: dict[str, object]) -> None:
        users.save_user(self.db, user, previous_answers)

    def delete_user(self, user_id: int) -> None:
        """Remove the user and everything stored about them (storage/personal.py); once
        committed, nothing of it is left in the database files."""
        users.delete_user(self.db, user_id)
        if self.db.conn.in_transaction:
            self._scrub_after_commit = True
        else:
            scrub(self.db)

    def export_user(self, user_id: int) -> dict[str, object]:
        return users.export_user(self.db, user_id)

    def record_update(self, platform: str, update_id: object,
                      user_key: str | None = None) -> bool:
        return users.record_update(self.db, platform, update_id, user_key)

    def prune(self, before: datetime) -> int:
        with self.db.atomic():
            return (users.prune(self.db, before) + outbox.prune(self.db, before)
                    + inbox.prune(self.db, before))

    # schedules and check-ins
    def save_schedule(self, user_id: int, schedule: Schedule,
                      next_due: datetime | None) -> None:
        checkins.save_schedule(self.db, user_id, schedule, next_due)

    def load_schedule(self, user_id: int) -> tuple[Schedule, datetime | None] | None:
        return checkins.load_schedule(self.db, user_id)

    def due_checkins(self, now: datetime, platforms: tuple[str, ...],
                     limit: int = 500) -> list[Due]:
        return checkins.due_checkins(self.db, now, platforms, limit)

    def claim_checkin(self, due: Due, period: Period, now: datetime,
                      remind_at: datetime | None, next_due: datetime | None) -> bool:
        return checkins.claim_checkin(self.db, due, period, now, remind_at, next_due)

    def skip_checkin(self, due: Due, next_due: datetime | None) -> None:
        checkins.skip_checkin(self.db, due, next_due)

    def unclaim_checkin(self, user_id: int, week: str, due: datetime) -> None:
        checkins.unclaim_checkin(self.db, user_id, week, due)

    def due_reminders(self, now: datetime, platforms: tuple[str, ...],
                      limit: int = 500) -> list[Due]:
        return checkins.due_reminders(self.db, now, platforms, limit)

    def claim_reminder(self, user_id: int, week: str, now: datetime) -> bool:
        return checkins.claim_reminder(self.db, user_id, week, now)

    def load_checkin(self, user_id: int, week: str) -> CheckinRecord | None:
        return checkins.load_checkin(self.db, user_id, week)

    def open_checkin(self, user_id: int, period: Period, now: datetime) -> None:
        checkins.open_checkin(self.db, user_id, period, now)

    def save_checkin(self, record: CheckinRecord, now: datetime) -> None:
        checkins.save_checkin(self.db, record, now)

    def history(self, user_id: int, weeks: int = 12) -> list[WeekReport]:
        return checkins.history(self.db, user_id, weeks)

    # Slack team digests
    def set_digest(self, team: str, channel: str, timezone: str,
                   next_due: datetime | None, set_by: str) -> None:
        digests.set_digest(self.db, team, channel, timezone, next_due, set_by)

    def stop_digest(self, team: str) -> None:
        digests.stop_digest(self.db, team)

    def team_users(self, platform: str, team: str) -> list[str]:
        """Return the ids ("T1:U1") of the users of one workspace."""
        return [r["platform_user_id"] for r in self.db.query(
            "SELECT platform_user_id FROM users WHERE platform = ? AND "
            "substr(platform_user_id, 1, length(?)) = ? ORDER BY id",
            [platform, f"{team}:", f"{team}:"])]

    def set_member(self, user_id: int, shared: bool) -> None:
        digests.set_member(self.db, user_id, shared)

    def load_digest(self, team: str) -> Digest | None:
        return digests.load_digest(self.db, team)

    def schedule_digest(self, team: str, weekday: int, at: time, language: str | None,
                        next_due: datetime | None) -> None:
        digests.schedule_digest(self.db, team, weekday, at, language, next_due)

    def due_digests(self, now: datetime) -> list[Digest]:
        return digests.due_digests(self.db, now)

    def claim_digest(self, digest: Digest, next_due: datetime | None) -> bool:
        return digests.claim_digest(self.db, digest, next_due)

    def shared_week(self, platform: str, team: str,
                    day: date) -> list[tuple[str, WeekReport]]:
        return digests.shared_week(self.db, platform, team, day)

    # the picture of a user's chart on their home page
    def home_chart(self, user_id: int) -> ChartFile | None:
        return home_charts.load_home_chart(self.db, user_id)

    def save_home_chart(self, user_id: int, chart: ChartFile | None) -> None:
        home_charts.save_home_chart(self.db, user_id, chart)

    def forgotten_files(self, platform: str, limit: int = 100) -> list[ForgottenFile]:
        return home_charts.forgotten_files(self.db, platform, limit)

    def file_deleted(self, forgotten_id: int) -> None:
        home_charts.file_deleted(self.db, forgotten_id)

    # the outbox
    def enqueue(self, platform: str, chat: str, replies: list[Reply], expects: str | None,
                now: datetime, user_id: int | None = None,
                delivery: str | None = None) -> list[int]:
        return outbox.enqueue(self.db, platform, chat, replies, expects, now, user_id,
                              delivery)

    def claim_outbox(self, platforms: tuple[str, ...], now: datetime,
                     lease_until: datetime, limit: int = 50,
                     chat: tuple[str, str] | None = None,
                     bulk: bool | None = None,
                     drawing: bool | None = None) -> list[OutboxItem]:
        return outbox.claim(self.db, platforms, now, lease_until, limit, chat, bulk,
                            drawing)

    def outbox_sent(self, item_id: int, now: datetime, outcome: str = outbox.SENT,
                    ref: str | None = None) -> None:
        outbox.mark_sent(self.db, item_id, now, outcome, ref)

    def outbox_progress(self, item_id: int, parts_sent: int) -> None:
        outbox.mark_progress(self.db, item_id, parts_sent)

    def outbox_failed(self, item_id: int, retry_at: datetime, error: str) -> None:
        outbox.mark_failed(self.db, item_id, retry_at, error)

    def release_claims(self) -> int:
        """One process per SQLite file: the leases left are a dead run's."""
        with self.db.atomic():
            return self.db.execute("UPDATE outbox SET claimed_until = NULL WHERE "
                                   "sent_at IS NULL AND claimed_until IS NOT NULL").rowcount

    def last_asked(self, platform: str, chat: str) -> Asked | None:
        return outbox.last_asked(self.db, platform, chat)

    def unsent_count(self, platforms: tuple[str, ...]) -> int:
        return outbox.unsent(self.db, platforms)

    # the inbox
    def receive(self, platform: str, updates: list[tuple[str, str | None, dict]],
                now: datetime) -> int:
        return inbox.receive(self.db, platform, updates, now)

    def unhandled(self, platform: str, limit: int = 1000) -> list[Received]:
        return inbox.unhandled(self.db, platform, limit)

    def mark_handled(self, platform: str, delivery: str, now: datetime) -> None:
        inbox.mark_handled(self.db, platform, delivery, now)
