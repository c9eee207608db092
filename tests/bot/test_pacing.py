"""The pacer keeps the weekly fan-out under the platform's limits and the users' replies
ahead of it: on a virtual clock, so what is checked is the schedule of the sends."""

from __future__ import annotations

import asyncio
import heapq
import itertools

import pytest

from bot.pacing import Pacer


class VirtualTime:
    """A clock that moves only when every task waits on it: `sleep` parks the task
    until the clock reaches its instant, and the clock jumps to the earliest one."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    late = 0.0  # how late every sleep wakes up, as a busy event loop does

    async def sleep(self, seconds: float) -> None:
        woken = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds + self.late, next(self._order),
                                        woken))
        await woken

    async def run(self) -> None:
        """Wake the sleepers in the order of their instants, once the others wait."""
        while True:
            for _ in range(20):  # let every runnable task reach its next wait
                await asyncio.sleep(0)
            if self._sleepers:
                instant, _, woken = heapq.heappop(self._sleepers)
                self.now = max(self.now, instant)
                woken.set_result(None)


@pytest.fixture
async def time():
    clock = VirtualTime()
    running = asyncio.create_task(clock.run())
    yield clock
    running.cancel()


async def sends(pacer: Pacer, time: VirtualTime, chats, bulk=True) -> list[float]:
    """Send one message to each of `chats` in turn; return when each one started."""
    started = []
    for chat in chats:
        await pacer.wait(chat, bulk)
        started.append(time.now)
    return started


async def test_bulk_sends_are_spread_evenly_at_the_rate(time):
    pacer = Pacer(rate=28, clock=time, sleep=time.sleep)
    started = await sends(pacer, time, range(280))
    gaps = [b - a for a, b in zip(started, started[1:])]
    assert min(gaps) == pytest.approx(1 / 28)  # no burst
    assert started[-1] == pytest.approx(279 / 28)  # and no pause: 28 a second
    assert all(sum(1 for s in started if t <= s < t + 1 - 1e-9) <= 28 for t in started)


async def test_the_pace_holds_when_every_wake_up_is_late(time):
    time.late = 0.002  # 2 ms late each time: without catching up, 26.5 a second
    pacer = Pacer(rate=28, clock=time, sleep=time.sleep)
    started = await sends(pacer, time, range(281))
    assert started[-1] == pytest.approx(280 / 28, abs=0.01)
    assert all(sum(1 for s in started if t <= s < t + 1 - 1e-9) <= 29 for t in started)


async def test_one_chat_gets_at_most_one_bulk_message_a_second(time):
    pacer = Pacer(rate=28, clock=time, sleep=time.sleep)
    assert await sends(pacer, time, ["a", "a", "a"]) == pytest.approx([0, 1, 2])


async def test_a_chat_that_waits_holds_up_no_other_chat(time):
    pacer = Pacer(rate=28, clock=time, sleep=time.sleep)
    await pacer.wait("a", bulk=True)
    waiting = asyncio.create_task(pacer.wait("a", bulk=True))  # a second second one
    await asyncio.sleep(0)
    started = await sends(pacer, time, ["b", "c"])
    assert started[-1] < 1.0  # b and c went before a's second message
    await waiting


async def test_a_reply_goes_ahead_of_the_nudges_and_they_make_room(time):
    pacer = Pacer(rate=28, clock=time, sleep=time.sleep)
    await sends(pacer, time, range(100))
    before = time.now
    replies = await sends(pacer, time, ["x", "y", "z"], bulk=False)
    assert replies == [before] * 3  # at once, though the nudges keep the pace
    [next_nudge] = await sends(pacer, time, [100])
    assert next_nudge == pytest.approx(before + 4 / 28)  # one slot after each reply


async def test_a_429_holds_only_its_chat(time):
    pacer = Pacer(rate=28, clock=time, sleep=time.sleep)
    pacer.refused("a", retry_after=5)
    assert (await sends(pacer, time, ["b"]))[0] < 0.1
    assert (await sends(pacer, time, ["a"]))[0] == pytest.approx(5)
    pacer.refused("c", retry_after=5)
    replies = await sends(pacer, time, ["c"], bulk=False)
    assert replies[0] == pytest.approx(10)  # a reply to that chat waits it out too
