"""Several workers on one database: one scheduler, one long-poller, each told so."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot import telegram
from bot.config import load_settings
from bot.scheduler import Scheduler
from flows.coach import Coach
from tests.bot.fake_telegram import TOKEN, FakeTelegram
from tests.bot import test_nudges
from tests.bot.test_nudges import MONDAY_NINE_PARIS, confirmed_user

clock, coach = test_nudges.clock, test_nudges.coach  # the same fixtures


class Follower:
    """A store whose roles are all held by another worker."""

    def __init__(self, store) -> None:
        self._store = store

    def claim_leadership(self, role: str) -> bool:
        return False

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.fixture
def follower(coach):
    return Coach(Follower(coach.store), "fr", "Europe/Paris", coach.clock)


async def test_only_the_leading_worker_sends_the_weekly_checkins(coach, follower, clock):
    confirmed_user(coach, "telegram", "111")
    sent = []

    async def record(user_id, replies):
        sent.append(user_id)
    clock.now = MONDAY_NINE_PARIS
    assert await Scheduler(follower, {"telegram": record}).tick() == 0
    assert sent == []
    assert await Scheduler(coach, {"telegram": record}).tick() == 1
    assert sent == ["111"]


async def test_a_second_long_poller_stops_at_start_and_says_to_use_webhooks(follower):
    with FakeTelegram() as fake:
        settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url})
        with pytest.raises(telegram.PollingTaken, match="TELEGRAM_WEBHOOK_URL"):
            async with telegram.running(settings, follower):
                pass
        assert fake.sent("getUpdates") == []


async def test_the_leading_worker_prunes_processed_updates_once_a_day(coach, follower,
                                                                       clock):
    store = coach.store
    assert store.record_update("telegram", 1, "telegram:111")
    clock.now = datetime.now(timezone.utc) + timedelta(days=8)
    await Scheduler(follower, {}).tick()
    assert not store.record_update("telegram", 1)  # a follower prunes nothing
    leader = Scheduler(coach, {})
    await leader.tick()
    assert store.record_update("telegram", 1)  # over seven days old: forgotten
    await leader.tick()
    assert not store.record_update("telegram", 1)  # once a day, not every round
    clock.now += timedelta(days=1)
    await leader.tick()
    assert store.record_update("telegram", 1)
