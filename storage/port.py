"""The storage port: what the coach, the scheduler and the adapters need from a database.

The coach depends on this interface, not on a database library: `SqliteStore` (the
default, one process, sqlite-utils) and `PostgresStore` (several workers, psycopg 3)
implement it, and one contract test suite runs against both. Every message is handled
in `store.transaction(key)`: one transaction that starts with a per-user lock, so
nothing is half-saved and a user's messages never interleave, even across workers.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime, time
from typing import Protocol

from flows.schedule import Period, Schedule
from flows.verdict import WeekReport
from storage.checkins import CheckinRecord, Due
from storage.digests import Digest
from storage.home_charts import ChartFile, ForgottenFile
from storage.inbox import Received
from storage.outbox import Asked, OutboxItem
from flows.messages import Reply
from storage.users import UserRecord


class Store(Protocol):
    """The repository the coach works through."""

    threads: int  # how many threads may use it at once (SQLite: 1, its one connection)

    def transaction(self, key: str | None = None) -> AbstractContextManager[None]:
        """Run a block in one transaction; with `key` ("telegram:42"), hold that user's
        lock for it. Blocks nest. A database error inside aborts the whole block on
        PostgreSQL: never catch one and carry on inside it."""

    def close(self) -> None:
        """Release the connections (and with them any role this process leads)."""

    def ping(self) -> bool:
        """Tell whether the database answers (for /healthz)."""

    def claim_leadership(self, role: str) -> bool:
        """Tell whether this process holds `role` ("scheduler", "telegram-polling"),
        taking it if it is free. Held until the process ends (its connection closes),
        so another worker takes over within one round of its own. Never blocks."""

    def slack_installations(self, client_id: str, cipher=None):
        """Return the store of the Slack app's OAuth installations (slack_sdk's
        InstallationStore and AsyncInstallationStore interface) in this database, its
        tokens encrypted with `cipher` (a slack_installations.TokenCipher) if given."""

    # users and their answers
    def load_user(self, platform: str, platform_user_id: str) -> UserRecord | None: ...
    def create_user(self, platform: str, platform_user_id: str, language: str,
                    language_chosen: bool = False) -> UserRecord: ...
    def save_user(self, user: UserRecord, previous_answers: dict[str, object]) -> None: ...
    def delete_user(self, user_id: int) -> None:
        """Remove every row storage/personal.py lists for the user (LookupError if
        unknown); on SQLite, once committed, nothing of them is left in the files."""

    def export_user(self, user_id: int) -> dict[str, object]:
        """Return, ready for JSON, every row `delete_user` removes or changes."""

    def record_update(self, platform: str, update_id: object,
                      user_key: str | None = None) -> bool:
        """Record a delivery as handled, with the key of its user ("telegram:42") when
        known (deleting the user removes it); False if it already was."""

    def prune(self, before: datetime) -> int:
        """Delete what is kept only for a while (processed updates, used OAuth states,
        outbox rows sent and inbox rows handled) older than `before`; return how many
        rows went. The scheduler's leader calls it
        daily: add any other short-lived record here."""

    # schedules and check-ins
    def save_schedule(self, user_id: int, schedule: Schedule,
                      next_due: datetime | None) -> None: ...
    def load_schedule(self, user_id: int) -> tuple[Schedule, datetime | None] | None: ...
    def due_checkins(self, now: datetime, platforms: tuple[str, ...],
                     limit: int = 500) -> list[Due]: ...
    def claim_checkin(self, due: Due, period: Period, now: datetime,
                      remind_at: datetime | None, next_due: datetime | None) -> bool: ...
    def skip_checkin(self, due: Due, next_due: datetime | None) -> None: ...
    def unclaim_checkin(self, user_id: int, week: str, due: datetime) -> None: ...
    def due_reminders(self, now: datetime, platforms: tuple[str, ...],
                      limit: int = 500) -> list[Due]: ...
    def claim_reminder(self, user_id: int, week: str, now: datetime) -> bool: ...
    def load_checkin(self, user_id: int, week: str) -> CheckinRecord | None: ...
    def open_checkin(self, user_id: int, period: Period, now: datetime) -> None: ...
    def save_checkin(self, record: CheckinRecord, now: datetime) -> None: ...
    def history(self, user_id: int, weeks: int = 12) -> list[WeekReport]: ...

    # Slack team digests
    def set_digest(self, team: str, channel: str, timezone: str,
                   next_due: datetime | None, set_by: str) -> None:
        """Post `team`'s digest in `channel`; `set_by` is the key of the member who set
        it up ("slack:T1:U1")."""
    def stop_digest(self, team: str) -> None: ...
    def team_users(self, platform: str, team: str) -> list[str]: ...
    def set_member(self, user_id: int, shared: bool) -> None: ...
    def load_digest(self, team: str) -> Digest | None: ...
    def schedule_digest(self, team: str, weekday: int, at: time, language: str | None,
                        next_due: datetime | None) -> None: ...
    def due_digests(self, now: datetime) -> list[Digest]: ...
    def claim_digest(self, digest: Digest, next_due: datetime | None) -> bool: ...
    def shared_week(self, platform: str, team: str,
                    day: date) -> list[tuple[str, WeekReport]]: ...

    # the picture of a user's chart on their home page (Slack's App Home tab)
    def home_chart(self, user_id: int) -> ChartFile | None:
        """Return the uploaded picture that shows the user's chart, or None."""

    def save_home_chart(self, user_id: int, chart: ChartFile | None) -> None:
        """Keep the picture now showing the user's chart (None: forget it)."""

    def forgotten_files(self, platform: str, limit: int = 100) -> list[ForgottenFile]:
        """Return the files of deleted users still to delete on `platform` (their
        pictures, moved there by `delete_user`), oldest first."""

    def file_deleted(self, forgotten_id: int) -> None:
        """Forget a file once deleted on its platform."""

    # the outbox: replies to send, written with the message that decided them
    def enqueue(self, platform: str, chat: str, replies: list[Reply], expects: str | None,
                now: datetime, user_id: int | None = None,
                delivery: str | None = None) -> list[int]:
        """Add replies to a chat's outbox in the current transaction, `expects` (the
        prompt the coach then waits for) on the last one; return their ids."""

    def claim_outbox(self, platforms: tuple[str, ...], now: datetime,
                     lease_until: datetime, limit: int = 50,
                     chat: tuple[str, str] | None = None,
                     bulk: bool | None = None,
                     drawing: bool | None = None) -> list[OutboxItem]:
        """Take the first unsent row of each chat (of one chat: (platform, chat)) that is
        due and not leased, leased until `lease_until`: the users' replies first, then
        nudges; only nudges when `bulk`, none when `bulk` is False; only rows with a
        chart or a PDF still to draw when `drawing`, none of them when False. On
        PostgreSQL a row locked by another worker's claim is skipped: one sender takes a
        row."""

    def outbox_sent(self, item_id: int, now: datetime, outcome: str = "sent",
                    ref: str | None = None) -> None:
        """Record a row as sent ("dropped": it can never be sent; "superseded": a
        question replaced by its re-ask), with the platform's id of the message (`ref`:
        Telegram's message_id, Slack's ts) when known; a row for no user (the farewell
        to one who deleted their data) is removed instead."""

    def outbox_progress(self, item_id: int, parts_sent: int) -> None:
        """Record that the first `parts_sent` parts of a row went out (a long text is
        several messages, then its file or chart): its retry sends only the others."""

    def outbox_failed(self, item_id: int, retry_at: datetime, error: str) -> None:
        """Record a failed send (`error`: the failure's kind, never its text): the row
        is due again at `retry_at`."""

    def release_claims(self) -> int:
        """At start, free the leases a previous run of this process left, when no other
        process can hold one (SQLite: one process per file); PostgreSQL frees none (other
        workers' leases end by themselves). Return how many were freed."""

    def last_asked(self, platform: str, chat: str) -> Asked | None:
        """Return the latest prompt the coach waited for in a chat, whether its row was
        sent, its id, its text and when the platform showed it; None when no row is
        kept."""

    def unsent_count(self, platforms: tuple[str, ...]) -> int:
        """Return how many rows wait to be sent on `platforms`."""

    # the inbox: updates kept as received, until handled
    def receive(self, platform: str, updates: list[tuple[str, str | None, dict]],
                now: datetime) -> int:
        """Keep (delivery, chat, payload) updates not kept yet; return how many were new."""

    def unhandled(self, platform: str, limit: int = 1000) -> list[Received]:
        """Return the updates received and not handled yet, in the order they came."""

    def mark_handled(self, platform: str, delivery: str, now: datetime) -> None:
        """Record an update of the inbox as handled."""
