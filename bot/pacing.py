"""Pacing sends at a platform's limits, so that its 429s are rare, and replies go first.

A `Pacer` spreads a platform's messages evenly at `rate` a second overall (Telegram:
about 30 a second to different users, so 28 leaves room for the jitter of the round
trip) instead of sending bursts that the platform then refuses, and keeps `per_chat`
seconds between two bulk messages to one chat (Telegram: about one a second). Bulk
sends (the weekly check-ins) queue one behind the other; a user's reply never queues:
it goes at once, and takes one slot from the nudges (at most a second of them). A 429
holds only the chat it was about, for its retry_after, and costs the others one slot,
never a pause of everything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """One platform's pace: `rate` messages a second overall, `per_chat` seconds between
    two bulk messages to one chat, replies ahead of bulk sends."""

    def __init__(self, rate: float = 28.0, per_chat: float = 1.0,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.interval = 1.0 / rate
        self.per_chat = per_chat
        self.clock, self.sleep = clock, sleep
        self._next = 0.0  # when the next message may start, at the overall pace
        self._chats: dict[Hashable, float] = {}  # chat -> when its next bulk one may start
        self._held: dict[Hashable, float] = {}  # chat -> end of its 429's retry_after
        self._bulk = asyncio.Lock()  # bulk sends take their slots one after the other
        self.waited = 0.0  # seconds spent waiting, for the benchmarks

    async def wait(self, chat: Hashable | None, bulk: bool) -> None:
        """Wait for the slot of one message to `chat`; a reply unless `bulk`."""
        if not bulk:
            await self._until(lambda: self._held.get(chat, 0.0))
            self._sent(chat)
            return
        while True:  # the chat's own wait first, outside the queue: it holds up no one
            await self._until(lambda: self._chat_free(chat))
            async with self._bulk:
                await self._until(lambda: self._next)
                if self._chat_free(chat) <= self.clock():
                    self._sent(chat)
                    return
            # a message to that chat went meanwhile: wait for it again

    def _chat_free(self, chat: Hashable | None) -> float:
        return max(self._chats.get(chat, 0.0), self._held.get(chat, 0.0))

    async def _until(self, start: Callable[[], float]) -> None:
        """Sleep until the instant `start()` has come (asked again after each sleep: a
        reply or a 429 meanwhile moves it)."""
        while True:
            now = self.clock()
            delay = start() - now
            if delay <= 0:
                return
            self.waited += delay
            await self.sleep(delay)

    def _sent(self, chat: Hashable | None) -> None:
        now = self.clock()
        # the next slot follows this one's, not the instant the sleep ended: a wake-up
        # a millisecond late every time would lower the pace by a few per cent
        base = self._next if now - self._next < self.interval else now
        self._next = min(base + self.interval, now + 1.0)
        if chat is not None:
            self._chats[chat] = now + self.per_chat
        if len(self._chats) > 4096:  # forget the chats whose wait is over
            self._chats = {c: t for c, t in self._chats.items() if t > now}
            self._held = {c: t for c, t in self._held.items() if t > now}

    def refused(self, chat: Hashable | None, retry_after: float) -> None:
        """Take a 429 into account: hold that chat for `retry_after` seconds (every
        chat when the refusal names none), and give the others one slot more."""
        now = self.clock()
        if chat is None:
            self._next = max(self._next, now + retry_after)
            return
        self._held[chat] = max(self._held.get(chat, 0.0), now + retry_after)
        self._next = max(self._next, now) + self.interval
