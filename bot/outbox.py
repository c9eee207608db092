"""The outbox sender: sends the replies committed to the outbox, in order per chat.

The coach writes every reply to send as an outbox row in the transaction of the message
(or of the check-in claim) that decided it (storage/outbox.py). This sender takes the
first unsent row of each chat under a lease, sends it through the platform's deliverer,
marks it sent, and goes on with that chat's next row; different chats go concurrently.
A failed send is tried again later: after the platform's `retry_after` on a 429, with
exponential backoff on 5xx, timeouts and resets, and never when the platform says it
can never be delivered (the row is dropped, so the chat is not blocked behind it). At
start, and every `interval` seconds, it sends whatever was left unsent (by a worker
that died, or a send that failed); an adapter `kick`s it after each commit so a reply
goes out at once. The users' replies are claimed and sent ahead of the nudges (the
weekly check-ins, a bulk send): nudges have slots of their own, so ten thousand due at
once never keep a reply waiting, and the platform's pacer (bot/pacing.py) spreads them
at its limit. A chart or a PDF still to be drawn is drawn just before its send, in the
render process (bot/offload.py). A reply sent as several parts (a long text, then a file
or a chart) resumes after the parts that went out (the row keeps their count). Every
store call runs on the store's thread. Sent rows are pruned with the other short-lived records
(`Store.prune`, by the scheduler). A crash between a send and its mark sends that message twice: the
one duplicate that at-least-once delivery allows (docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from functools import partial

from bot.offload import offload_of
from flows.messages import Reply
from storage.outbox import DROPPED, SENT, OutboxItem
from storage.port import Store

logger = logging.getLogger(__name__)

# (chat, reply, bulk) -> the platform's id of the message sent (None if unknown); raises
# on failure; `bulk` for a nudge
Deliver = Callable[[str, Reply, bool], Awaitable[str | None]]
# A deliverer that sends a reply as parts (messages of a long text, a file, a chart):
# (chat, reply, bulk, parts already sent, progress(parts sent so far) after each part
# but the last), so a retry sends only the parts left.
DeliverParts = Callable[[str, Reply, bool, int, Callable[[int], Awaitable[None]]],
                        Awaitable[str | None]]
LEASE = timedelta(seconds=15)  # a claimed row is another sender's after this
INTERVAL = 5.0  # seconds between looks for rows left unsent
BATCH = 50  # chats taken in one claim
CONCURRENCY = 16  # chats replied to at once
BULK_AHEAD = 64  # nudges claimed ahead of their send, at most (the pacer spaces them:
# at 28 a second, 64 go out in 2.3 s, well within their lease)
DRAWING_AHEAD = 2 * CONCURRENCY  # rows with a chart to draw claimed ahead, at most (at
# 60 to 190 ms a chart in the render process, 32 are drawn well within their lease)
GIVE_UP = timedelta(days=1)  # a row failing for longer than this is dropped
MAX_BACKOFF = 600.0  # seconds between two tries of a failing row, at most
SETTLE_WAIT = 3.0  # seconds a typed answer waits for its question's send to settle
IN_FLIGHT_WAIT = 6.0  # ... at most, while this sender is sending to that chat (a 429 or
# a 5xx being retried within the call: its outcome decides whether the answer is taken)


class Retry(Exception):
    """A send that may succeed later (rate limit, server error, timeout, reset)."""

    def __init__(self, kind: str, after: float | None = None) -> None:
        super().__init__(kind)
        self.kind, self.after = kind, after


class Undeliverable(Exception):
    """A send that can never succeed (the user blocked the bot, a bad request);
    `unreachable` when the user cannot be reached at all any more (blocked, deactivated,
    the app removed): their nudges are then paused until they come back."""

    def __init__(self, kind: str, unreachable: bool = False) -> None:
        super().__init__(kind)
        self.kind, self.unreachable = kind, unreachable


def backoff(attempts: int) -> float:
    """Return the seconds to wait before the next try after `attempts` failures."""
    return min(MAX_BACKOFF, 2.0 ** attempts) * random.uniform(0.8, 1.2)


class OutboxSender:
    """Send the outbox's rows through each platform's deliverer."""

    def __init__(self, store: Store, deliverers: dict[str, Deliver],
                 clock: Callable[[], datetime] | None = None, interval: float = INTERVAL,
                 lease: timedelta = LEASE,
                 unreachable: Callable[[str, str], object] | None = None) -> None:
        self.store = store
        self.work = offload_of(store)
        self.unreachable = unreachable  # (platform, chat): pause that user's nudges (run
        # on the store's thread)
        self.deliverers = dict(deliverers)
        self.by_parts: set[str] = set()  # platforms whose deliverer resumes by parts
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.interval = interval
        self.lease = lease
        self._wake = asyncio.Event()
        self._busy: dict[tuple[str, str], asyncio.Task] = {}
        self._bulk: set[tuple[str, str]] = set()  # the chats of _busy sent a nudge
        # the chats of _busy whose row has a chart or a PDF to draw: they wait for the
        # render process in slots of their own, holding up no other user's reply
        self._drawing: set[tuple[str, str]] = set()
        # a busy chat's next row, claimed by a round while its task sent the one before
        # (that one superseded meanwhile): the task sends it next, while its lease holds
        self._handed: dict[tuple[str, str], tuple[OutboxItem, datetime]] = {}
        self._slots = asyncio.Semaphore(CONCURRENCY)
        self._bulk_slots = asyncio.Semaphore(CONCURRENCY)
        self._drawing_slots = asyncio.Semaphore(CONCURRENCY)
        self._nudges = True  # nudges may be due: claim them (rows left from before, too)
        self._more = False  # the last claim of replies was full: more may be waiting
        self.sent = 0

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(self.deliverers)

    def sending(self, platform: str, chat: str) -> bool:
        """Tell whether this sender is sending to a chat now (a row of it taken)."""
        return (platform, chat) in self._busy

    async def settled(self, platform: str, chat: str, wait: float = SETTLE_WAIT) -> None:
        """Wait (up to `wait` seconds) while the question last asked in a chat is on its
        way (not failed yet: the rows before it may be going out), and (up to
        IN_FLIGHT_WAIT) while this sender is sending to that chat, so a typed answer is
        judged once its send's outcome is known: a user who answers at once saw it (the
        platform showed it before the sender could mark it sent), and a question whose
        send is being retried may yet arrive, or be replaced by the re-ask."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        while loop.time() < start + IN_FLIGHT_WAIT:
            if not self.sending(platform, chat):
                if loop.time() >= start + wait:
                    return
                asked = await self.work.run(self.store.last_asked, platform, chat)
                if asked is None or not asked.pending():
                    return
            await asyncio.sleep(0.02)

    def add(self, platform: str, deliver: Deliver | DeliverParts,
            parts: bool = False) -> None:
        """Send `platform`'s rows through `deliver` (added once its client runs); with
        `parts`, a DeliverParts that resumes a row after the parts already sent."""
        self.deliverers[platform] = deliver
        if parts:
            self.by_parts.add(platform)
        self.kick()

    def kick(self, nudges: bool = False) -> None:
        """Look for rows to send now (an adapter committed some); nudges too when
        `nudges` (the scheduler queued some, or one is due again)."""
        self._nudges = self._nudges or nudges
        self._wake.set()

    async def run(self) -> None:
        """Send rows until cancelled: at once (what a previous run left first), then
        when kicked or every `interval`."""
        released = await self.work.run(self.store.release_claims)
        if released:
            logger.info("outbox: %s rows a previous run had taken are sent again", released)
        while True:
            try:
                await self.round()
            except Exception:
                logger.exception("outbox round failed")
            try:  # not wait_for: on 3.11 it swallows a cancel that comes as a kick wakes
                async with asyncio.timeout(self.interval):  # it, and the run never ends
                    await self._wake.wait()
            except TimeoutError:
                self._nudges = True  # another worker's, or a lease run out: look again
            self._wake.clear()

    def _bulk_busy(self) -> int:
        return sum(1 for key in self._busy if key in self._bulk)

    async def round(self) -> int:
        """Claim the due head of each idle chat, replies first, and start sending to it;
        return how many chats were started. Replies: as many as can be sent at once
        (claiming more would leave them leased, unsent, behind the busy ones: a kill
        then holds them all up for a lease instead of leaving them to the other
        workers). Rows with a chart or a PDF to draw: apart, while fewer than
        DRAWING_AHEAD are on their way. Nudges: while fewer than BULK_AHEAD are on their
        way, claimed once the scheduler queued some; half of them out starts the next
        round."""
        now = self.clock()
        run, claim, lease = self.work.run, self.store.claim_outbox, now + self.lease
        replying = len(self._busy) - self._bulk_busy() - len(self._drawing)
        free = min(BATCH, CONCURRENCY - replying)
        room = DRAWING_AHEAD - len(self._drawing)
        items = await run(self._claim_replies, now, lease, free, room)
        # a full claim, or none for want of a slot: more may be waiting, and the next
        # slot to free starts a round
        self._more = free <= 0 or sum(not i.reply.deferred for i in items) == free
        room = BULK_AHEAD - self._bulk_busy()  # nudges
        if room > 0 and self._nudges:  # not looked for after each reply: none was queued
            nudges = await run(claim, self.platforms, now, lease, room, None, True)
            self._nudges = len(nudges) == room  # a full claim: more may be due
            items += nudges
        started = 0
        for item in items:
            key = (item.platform, item.chat)
            if key in self._busy:  # our own task is on it: it sends this row next
                self._handed[key] = (item, now + self.lease)
                continue
            if item.bulk:
                self._bulk.add(key)
            self._slots_for(key, item, item.bulk)  # counted as drawing, if it is
            self._busy[key] = asyncio.create_task(self._drain(item))
            started += 1
        return started

    def _claim_replies(self, now: datetime, lease: datetime, free: int,
                       room: int) -> list[OutboxItem]:
        """Claim (on the store's thread, one trip) the replies for the `free` reply
        slots, and apart from them up to `room` rows with a chart or a PDF to draw, as
        many as the render process gets through within their lease: the replies behind
        a drawing are never held until it is drawn (50 verdicts at once held the other
        users' replies for 0.5 s)."""
        claim = self.store.claim_outbox
        with self.store.transaction():
            replies = (claim(self.platforms, now, lease, free, None, False, False)
                       if free > 0 else [])
            if room > 0:
                replies += claim(self.platforms, now, lease, room, None, False, True)
        return replies

    async def flush(self, timeout: float = 10.0) -> bool:
        """Send every row due now and wait for it (SIGTERM, tests); True when none is
        left due and none in flight."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            self._nudges = True
            await self.round()
            if not self._busy:
                return True
            await asyncio.wait(list(self._busy.values()),
                               timeout=max(0.0, deadline - loop.time()))
        return not self._busy

    async def close(self) -> None:
        """Stop the chats being sent to (their leases run out for the next start)."""
        for task in list(self._busy.values()):
            task.cancel()
        if self._busy:
            await asyncio.wait(list(self._busy.values()))

    def _slots_for(self, key: tuple[str, str], item: OutboxItem, bulk: bool
                   ) -> asyncio.Semaphore:
        """Return the slots a chat's row is sent in: a nudge's chat stays in the bulk
        slots; a row with a chart or a PDF to draw waits for the render process in the
        drawing slots, whichever row of its chat it is (a verdict's chart comes after
        its text), so a reply slot never waits for a drawing."""
        if bulk:
            return self._bulk_slots
        if item.reply.deferred:
            self._drawing.add(key)
            return self._drawing_slots
        self._drawing.discard(key)
        return self._slots

    async def _drain(self, item: OutboxItem | None) -> None:
        """Send a chat's rows one after the other, while they are due."""
        key, bulk = (item.platform, item.chat), item.bulk
        drew = False
        try:
            while item is not None:
                slots = self._slots_for(key, item, bulk)
                drew = drew or slots is self._drawing_slots
                async with slots:
                    while item is not None and self._slots_for(key, item, bulk) is slots:
                        outcome = await self._send(item)
                        now = self.clock()
                        handed, until = self._handed.pop(key, (None, now))
                        if handed is not None and handed.id != item.id and now < until:
                            item = handed  # the chat's head now, leased for us meanwhile
                            continue
                        if outcome is False:
                            return  # failed: the chat waits for the row's retry
                        if outcome is True:  # dropped: the chat's next row, if any
                            claimed = await self.work.run(self.store.claim_outbox, (), now,
                                                          now + self.lease, 1, key)
                            outcome = claimed[0] if claimed else None
                        item = outcome
                if item is not None and slots is self._slots and self._more:
                    self.kick()  # a reply slot freed for a drawing: the next chats
        except Exception:
            logger.exception("outbox: chat of user %s stopped", item.chat if item else "?")
        finally:
            self._busy.pop(key, None)
            self._bulk.discard(key)
            self._drawing.discard(key)
            self._handed.pop(key, None)  # its lease runs out: the next round takes it
            more_nudges = bulk and self._bulk_busy() < BULK_AHEAD // 2
            if more_nudges or (not bulk and (self._more or drew)):
                self.kick(nudges=more_nudges)  # a slot is free: the next chats

    async def _send(self, item: OutboxItem) -> bool | OutboxItem | None:
        """Send one row and record what came of it: False when it failed (tried again
        later), True when dropped, else the chat's next row (claimed in the same trip to
        the store as the mark) or None."""
        deliver = self.deliverers.get(item.platform)
        try:
            if deliver is None:
                raise Undeliverable("no sender for the platform")
            if item.platform in self.by_parts:
                async def progress(sent: int) -> None:
                    await self.work.run(self.store.outbox_progress, item.id, sent)
                ref = await deliver(item.chat, item.reply, item.bulk, item.parts_sent,
                                    progress)
            else:
                ref = await deliver(item.chat, item.reply, item.bulk)
        except Undeliverable as failure:
            logger.warning("outbox %s to user %s dropped: %s", item.id, item.chat,
                           failure.kind)
            await self.work.run(self.store.outbox_sent, item.id, self.clock(), DROPPED)
            if failure.unreachable and self.unreachable is not None:
                try:
                    await self.work.run(self.unreachable, item.platform, item.chat)
                except Exception:
                    logger.exception("outbox: nudges of user %s not paused", item.chat)
            return True
        except asyncio.CancelledError:
            raise
        except Exception as failure:  # Retry, or anything unforeseen: tried again later
            kind = failure.kind if isinstance(failure, Retry) else type(failure).__name__
            after = failure.after if isinstance(failure, Retry) else None
            now = self.clock()
            if now - item.created_at > GIVE_UP:
                logger.error("outbox %s to user %s dropped after %s tries: %s", item.id,
                             item.chat, item.attempts + 1, kind)
                await self.work.run(self.store.outbox_sent, item.id, now, DROPPED)
                return True
            wait = after if after is not None else backoff(item.attempts)
            logger.warning("outbox %s to user %s failed (%s): tried again in %.0f s",
                           item.id, item.chat, kind, wait,
                           exc_info=not isinstance(failure, Retry))
            await self.work.run(self.store.outbox_failed, item.id,
                                now + timedelta(seconds=wait), kind)
            asyncio.get_running_loop().call_later(  # its retry, on time
                wait, partial(self.kick, item.bulk))
            return False
        following = await self.work.run(self._sent_then_next, item,
                                        ref if isinstance(ref, str) else None)
        self.sent += 1
        return following

    def _sent_then_next(self, item: OutboxItem, ref: str | None) -> OutboxItem | None:
        """Mark a row sent and take its chat's next one, if due (on the store's thread:
        one trip and one transaction for both)."""
        now = self.clock()
        with self.store.transaction():
            self.store.outbox_sent(item.id, now, SENT, ref)
            claimed = self.store.claim_outbox((), now, now + self.lease, 1,
                                              (item.platform, item.chat))
        return claimed[0] if claimed else None
