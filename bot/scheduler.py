"""The nudge scheduler: sends due weekly check-ins and their one reminder, and once a
day prunes the records kept only for a while (`Store.prune`).

Every round reads what is due from the database, so a restart loses nothing. On the
platforms whose replies go through the outbox (Telegram, Slack), a check-in is claimed
(recorded with its week, the schedule moved on) and its message written to the outbox
in one transaction: the outbox sender delivers it and retries it, so a failed or
timed-out send never resets the user's check-in, and a kill loses nothing. Elsewhere
(the terminal), it is claimed before it is sent, and a send that fails is unclaimed and
retried at the next round. A check-in missed during downtime is
sent once while its period is still the one a check-in would ask about in the user's
time zone (up to three days late), else skipped; the same key says whether a reminder
is still worth sending. Sends go
through each platform's paced client (bot/pacing.py: at the platform's limit, the users'
replies ahead of the nudges; 429s are waited out there).

A round takes one page of due check-ins and one of reminders (by their partial indexes,
m012); after a full page the next round starts at once, else after `interval`. Every
store call runs on the store's thread (bot/offload.py).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.offload import offload_of
from flows.coach import Coach
from flows.messages import Reply
from flows.schedule import is_paused, next_due, period_at, reminder_due
from storage import checkins

logger = logging.getLogger(__name__)

Sender = Callable[[str, list[Reply]], Awaitable[None]]
INTERVAL = 30.0  # seconds between rounds that found less than a page
PAGE = 500  # due check-ins (and reminders) a round takes
KEPT = timedelta(days=7)  # processed updates, used OAuth states, sent outbox rows and
# handled inbox rows, then pruned
PRUNE_EVERY = timedelta(days=1)


class Scheduler:
    """Send due check-ins and reminders through the platforms' senders."""

    def __init__(self, coach: Coach, senders: dict[str, Sender],
                 interval: float = INTERVAL, outbox=None, page: int = PAGE) -> None:
        self.coach = coach
        self.work = offload_of(coach.store)
        self.page = page
        self.full = False  # the last round found a full page: more may be due
        self.outbox = outbox  # woken when a nudge is queued, on the coach's outbox platforms
        self.senders = senders
        self.clock = coach.clock  # the coach and its nudges must agree on the week
        self.interval = interval
        self.pruned_at: datetime | None = None

    async def run(self) -> None:
        """Run rounds until cancelled; a failing round is logged and the next one runs."""
        while True:
            self.full = False
            try:
                await self.tick()
            except Exception:
                logger.exception("scheduler round failed")
            if not self.full:
                await asyncio.sleep(self.interval)

    async def tick(self, only: tuple[str, str] | None = None) -> int:
        """Send what is due now (for one user if `only`); return how many were sent."""
        now, sent, store, run = self.clock(), 0, self.coach.store, self.work.run
        platforms = tuple(sorted(set(self.senders) | self.coach.outbox))
        if not await run(store.claim_leadership, "scheduler"):
            return 0  # another worker leads the nudges: one rate limiter for the sends
        if only is None and (self.pruned_at is None or now - self.pruned_at >= PRUNE_EVERY):
            await run(self.prune, now)
        due_checkins = await run(store.due_checkins, now, platforms, self.page)
        for due in due_checkins:
            if only in (None, (due.platform, due.platform_user_id)):
                sent += await self._checkin(due, now)
        due_reminders = await run(store.due_reminders, now, platforms, self.page)
        for due in due_reminders:
            if only in (None, (due.platform, due.platform_user_id)):
                sent += await self._reminder(due, now)
        self.full = (only is None and sent > 0  # progress made, and maybe more to come
                     and self.page in (len(due_checkins), len(due_reminders)))
        return sent

    def prune(self, now: datetime) -> None:
        """Forget what is kept only for a while (processed updates, used OAuth states)
        once it is KEPT old; a failure is logged and tried again next round."""
        try:
            removed = self.coach.store.prune(now - KEPT)
        except Exception:
            logger.exception("pruning failed")
            return
        self.pruned_at = now
        logger.info("pruned %s records older than %s days", removed, KEPT.days)

    async def _checkin(self, due: checkins.Due, now: datetime) -> int:
        schedule, store, run = due.schedule, self.coach.store, self.work.run
        period, current = period_at(schedule, due.due), period_at(schedule, now).key
        if is_paused(schedule, now):
            await run(store.skip_checkin, due, next_due(schedule, now))
            return 0
        if period.key != current:  # missed during downtime: skip to the current one, if any
            logger.info("user %s: check-in of %s skipped", due.user_id, period.key)
            following = next_due(schedule, due.due)
            while (following is not None and following <= now
                   and period_at(schedule, following).key != current):
                following = next_due(schedule, following)
            await run(store.skip_checkin, due, following)
            if following is not None and following <= now:
                return await self._checkin(replace(due, due=following), now)
            return 0
        if self.coach.queues(due.platform):  # claimed and queued in one transaction
            queued = await run(self._queue_checkin, due, period, now)
            if queued:
                logger.info("user %s: check-in of %s queued", due.user_id, period.key)
                self._queued()
            return int(queued)
        if not await run(store.claim_checkin, due, period, now, reminder_due(schedule, now),
                         next_due(schedule, now)):
            return 0  # this period's check-in exists already
        sent = await self._send(due, reminder=False)
        if sent is False:
            await run(store.unclaim_checkin, due.user_id, period.key, due.due)  # retried
        elif sent:
            logger.info("user %s: check-in of %s sent", due.user_id, period.key)
        return int(bool(sent))

    def _queue_checkin(self, due: checkins.Due, period, now: datetime) -> bool:
        """Claim a check-in and write its message to the outbox, in one transaction (on
        the store's thread); False when this period's check-in exists already."""
        store, schedule = self.coach.store, due.schedule
        with store.transaction(f"{due.platform}:{due.platform_user_id}"):
            if not store.claim_checkin(due, period, now, reminder_due(schedule, now),
                                       next_due(schedule, now)):
                return False
            return bool(self.coach.nudge(due.platform, due.platform_user_id,
                                         reminder=False))

    def _queue_reminder(self, due: checkins.Due, now: datetime) -> bool:
        """Claim a reminder and write it to the outbox, in one transaction (on the store's
        thread); False when it is sent already or no longer worth it."""
        store = self.coach.store
        with store.transaction(f"{due.platform}:{due.platform_user_id}"):
            if not store.claim_reminder(due.user_id, due.week, now):
                return False
            if due.week != period_at(due.schedule, now).key or is_paused(due.schedule, now):
                return False
            return bool(self.coach.nudge(due.platform, due.platform_user_id,
                                         reminder=True))

    async def _reminder(self, due: checkins.Due, now: datetime) -> int:
        store, run = self.coach.store, self.work.run
        if self.coach.queues(due.platform):
            queued = await run(self._queue_reminder, due, now)
            if queued:
                self._queued()
            return int(queued)
        if not await run(store.claim_reminder, due.user_id, due.week, now):
            return 0
        if due.week != period_at(due.schedule, now).key or is_paused(due.schedule, now):
            return 0
        return int(bool(await self._send(due, reminder=True)))

    def _queued(self) -> None:
        if self.outbox is not None:
            self.outbox.kick(nudges=True)

    async def _send(self, due: checkins.Due, reminder: bool) -> bool | None:
        """Send the nudge: True when sent, False when it failed (logged), None when there
        is nothing to send (the user is editing their plan, or already answered)."""
        replies = await self.work.run(self.coach.nudge, due.platform, due.platform_user_id,
                                      reminder)
        if not replies:
            return None
        try:
            await self.senders[due.platform](due.platform_user_id, replies)
        except Exception:
            logger.exception("user %s: %s not sent", due.user_id,
                             "reminder" if reminder else "check-in")
            return False
        return True
