"""One user's messages run in arrival order; different users' run at the same time."""

import asyncio

from bot.ordering import KeyedLocks


async def test_same_key_runs_in_order_and_other_keys_concurrently():
    locks, log = KeyedLocks(), []

    async def work(key, name, delay):
        async with locks.hold(key):
            log.append(f"start {name}")
            await asyncio.sleep(delay)
            log.append(f"end {name}")

    await asyncio.gather(work("alice", "a1", 0.05), work("alice", "a2", 0),
                         work("bob", "b1", 0))
    assert log.index("end a1") < log.index("start a2")  # alice's second waits
    assert log.index("end b1") < log.index("end a1")  # bob does not wait for alice
    assert len(locks) == 0  # nothing kept once everyone is done


async def test_a_failure_releases_the_lock():
    locks = KeyedLocks()
    try:
        async with locks.hold("alice"):
            raise ValueError
    except ValueError:
        pass
    async with locks.hold("alice"):
        pass
    assert len(locks) == 0
