"""Weekly check-ins sent first by the bot, end to end over the fake Telegram and Slack
servers, with an injected clock. The bot runs in-process here: the clock is a test's."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import pytest

import storage
from bot import slack, telegram, web
from bot.config import load_settings
from bot.scheduler import Scheduler
from flows.coach import Coach
from flows.messages import Choice, Inbound
from flows.render import PLAN_CONFIRM, PLAN_PROMPT
from tests.bot.fake_server import free_port
from tests.clock import Clock
from tests.bot.fake_slack import SIGNING_SECRET, FakeSlack, SlackUser
from tests.bot.fake_telegram import TOKEN, FakeTelegram
from tests.flows.build_messages import FULL_INTERVIEW

UTC = timezone.utc
PNG = b"\x89PNG\r\n\x1a\n"
SUNDAY = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
MONDAY_NINE_PARIS = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def confirmed_user(coach: Coach, platform: str, user_id: str, language: str = "fr") -> None:
    """Play the interview and confirm the plan, as the user would have done."""
    for answer in FULL_INTERVIEW:
        coach.handle(Inbound(platform, user_id, text=answer, language=language))
    coach.handle(Inbound(platform, user_id, choice=Choice(PLAN_PROMPT, (PLAN_CONFIRM,))))


async def eventually(predicate, timeout: float = 15, what: str = "it"):
    """Wait without blocking the event loop the bot runs in."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        found = predicate()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def clock():
    return Clock(SUNDAY)


@pytest.fixture
def fake_telegram():
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def coach(tmp_path, clock):
    return Coach(storage.open_store(str(tmp_path / "coach.db")), "fr", "Europe/Paris", clock)


@asynccontextmanager
async def slack_serving(settings, coach):
    """Run the Slack app as bot.py does: its routes on PORT; yield (send, (app, adapter))."""
    adapter = slack.SlackAdapter(coach)
    app = slack.build_app(settings, coach, adapter)
    http = web.new_app(coach.store, slack.slack_routes(settings, app))
    async with slack.running(settings, coach, app, adapter) as send:
        async with web.listening(http, "127.0.0.1", settings.port):
            yield send, (app, adapter)


def telegram_settings(fake: FakeTelegram):
    return load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url})


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [p["text"] for p in fake.sent("sendMessage", chat_id)]


async def test_a_checkin_at_local_time_is_answered_with_a_verdict_and_a_chart(
        fake_telegram, coach, clock):
    fake = fake_telegram
    confirmed_user(coach, "telegram", "111")
    async with telegram.running(telegram_settings(fake), coach) as send:
        scheduler = Scheduler(coach, {"telegram": send})
        clock.now = MONDAY_NINE_PARIS - timedelta(minutes=1)
        assert await scheduler.tick() == 0
        clock.now = MONDAY_NINE_PARIS + timedelta(seconds=20)
        assert await scheduler.tick() == 1
        assert await scheduler.tick() == 0  # sent once
        [intro] = texts(fake, 111)
        assert "C'est l'heure du point de la semaine écoulée" in intro
        assert "réseaux sociaux du 16 au 22 novembre ?" in intro and "W48" not in intro
        for answer, expected in [("3", "se répartissent"), ("LinkedIn 2, TikTok 1",
                                                             "Combien de demandes"),
                                 ("2", "chiffre d'affaires"), ("0", "Verdict")]:
            fake.type(111, answer)
            await eventually(lambda: any(expected in t for t in texts(fake, 111)),
                             what=expected)
        photo = await eventually(lambda: fake.sent("sendPhoto", 111), what="the chart")
        assert photo[0]["photo"].startswith(PNG)
        calls = [(m, p) for m, p in fake.calls if str(p.get("chat_id")) == "111"]
        at = [m for m, _ in calls].index("sendPhoto")  # "sending a photo…" shown first
        assert calls[at - 1][0] == "sendChatAction"
        assert calls[at - 1][1]["action"] == "upload_photo"
        assert "👉" in texts(fake, 111)[-1]


async def test_one_reminder_the_next_day_and_none_once_answered(fake_telegram, coach,
                                                               clock):
    fake = fake_telegram
    confirmed_user(coach, "telegram", "111")
    confirmed_user(coach, "telegram", "222")
    async with telegram.running(telegram_settings(fake), coach) as send:
        scheduler = Scheduler(coach, {"telegram": send})
        clock.now = MONDAY_NINE_PARIS
        assert await scheduler.tick() == 2
        fake.type(222, "0")  # 222 starts answering
        await eventually(lambda: len(texts(fake, 222)) == 2, what="the next question")
        for answer in ("0", "0"):
            fake.type(222, answer)
        await eventually(lambda: any("Verdict" in t for t in texts(fake, 222)),
                         what="the verdict")
        clock.now = MONDAY_NINE_PARIS + timedelta(days=1)
        assert await scheduler.tick() == 1
        assert await scheduler.tick() == 0
        assert "Petit rappel" in texts(fake, 111)[-1]
        assert not any("Petit rappel" in t for t in texts(fake, 222))


async def test_a_restart_while_sending_to_many_sends_no_duplicate(fake_telegram, coach,
                                                                  clock):
    fake = fake_telegram
    users = [str(1000 + n) for n in range(10)]
    for user in users:
        confirmed_user(coach, "telegram", user)
    clock.now = MONDAY_NINE_PARIS
    async with telegram.running(telegram_settings(fake), coach) as send:
        delivered, stuck = [], asyncio.Event()

        async def dies_after_four(user_id, replies):
            if len(delivered) == 4:
                await stuck.wait()  # the process is killed while sending this one
            await send(user_id, replies)
            delivered.append(user_id)
        first = asyncio.create_task(Scheduler(coach, {"telegram": dies_after_four}).tick())
        await eventually(lambda: len(delivered) == 4, what="four sends")
        await asyncio.sleep(0.1)
        first.cancel()
        clock.now += timedelta(minutes=1)
        assert await Scheduler(coach, {"telegram": send}).tick() == 5  # the others
        intros = [p["chat_id"] for p in fake.sent("sendMessage")
                  if "heure du point" in p["text"]]
        assert len(intros) == len(set(intros)) == 9  # nobody twice
        interrupted = next(u for u in users if int(u) not in map(int, intros))
        clock.now = MONDAY_NINE_PARIS + timedelta(days=1)
        assert await Scheduler(coach, {"telegram": send}).tick() == 10  # reminders
        assert any("Petit rappel" in t for t in texts(fake, int(interrupted)))


async def test_a_429_is_waited_out_and_a_paused_user_gets_nothing(fake_telegram, coach,
                                                                 clock):
    fake = fake_telegram
    confirmed_user(coach, "telegram", "111")
    confirmed_user(coach, "telegram", "222")
    coach.handle(Inbound("telegram", "222", text="réglages pause 30/11"))
    async with telegram.running(telegram_settings(fake), coach) as send:
        fake.throttle_sends = 1
        clock.now = MONDAY_NINE_PARIS
        assert await Scheduler(coach, {"telegram": send}).tick() == 1
        assert len(fake.sent("429")) == 1
        assert "heure du point" in texts(fake, 111)[-1]
        assert not any("heure du point" in t for t in texts(fake, 222))


async def test_a_checkin_missed_during_downtime_is_sent_the_same_week_else_skipped(
        fake_telegram, coach, clock):
    fake = fake_telegram
    confirmed_user(coach, "telegram", "111")
    async with telegram.running(telegram_settings(fake), coach) as send:
        scheduler = Scheduler(coach, {"telegram": send})
        clock.now = MONDAY_NINE_PARIS + timedelta(days=2)  # back on Wednesday
        assert await scheduler.tick() == 1
        clock.now = MONDAY_NINE_PARIS + timedelta(days=14, hours=1)  # down 12 days
        assert await scheduler.tick() == 1  # 30 November's is skipped, 7 December's sent
        weeks = [t for t in texts(fake, 111) if "heure du point" in t]
        assert len(weeks) == 2 and "du 16 au 22 novembre" in weeks[0]
        assert "du 30 novembre au 6 décembre" in weeks[1]


async def test_a_checkin_more_than_three_days_late_is_skipped_for_the_next_one(coach, clock):
    confirmed_user(coach, "telegram", "111")
    sent = []

    async def record(user_id, replies):
        sent.append(replies[0].text)
    clock.now = MONDAY_NINE_PARIS + timedelta(days=3)  # Thursday: still that week's
    assert await Scheduler(coach, {"telegram": record}).tick() == 1
    assert "du 16 au 22 novembre" in sent[0]
    clock.now = MONDAY_NINE_PARIS + timedelta(days=11)  # back on the next Friday: too late
    assert await Scheduler(coach, {"telegram": record}).tick() == 0
    clock.now = MONDAY_NINE_PARIS + timedelta(days=14)
    assert await Scheduler(coach, {"telegram": record}).tick() == 1
    assert "du 30 novembre au 6 décembre" in sent[1]


async def test_a_friday_schedule_asks_about_friday_to_thursday(coach, clock):
    confirmed_user(coach, "telegram", "111")
    coach.handle(Inbound("telegram", "111", text="réglages jour vendredi"))
    sent = []

    async def record(user_id, replies):
        sent.append(replies[0].text)
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 9:00 in Paris
    assert await Scheduler(coach, {"telegram": record}).tick() == 1
    assert "du 20 au 26 novembre" in sent[0]


async def test_a_stopped_user_gets_nothing_until_they_resume(coach, clock):
    confirmed_user(coach, "telegram", "111")
    coach.handle(Inbound("telegram", "111", text="réglages stop"))
    sent = []

    async def record(user_id, replies):
        sent.append(user_id)
    clock.now = MONDAY_NINE_PARIS + timedelta(days=7)
    assert await Scheduler(coach, {"telegram": record}).tick() == 0
    coach.handle(Inbound("telegram", "111", text="réglages reprendre"))
    clock.now = MONDAY_NINE_PARIS + timedelta(days=14)
    assert await Scheduler(coach, {"telegram": record}).tick() == 1


async def test_slack_checkin_in_the_dm_with_the_chart_uploaded(coach, clock, tmp_path):
    with FakeSlack() as fake:
        port = free_port()
        settings = load_settings({"SLACK_BOT_TOKEN": fake.add_team("T0ACME"),
                                  "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                                  "SLACK_API_URL": fake.url, "PORT": str(port),
                                  "COACH_DATABASE": str(tmp_path / "coach.db")})
        confirmed_user(coach, "slack", "T0ACME:U0ALICE")
        alice = SlackUser(fake, f"http://127.0.0.1:{port}/slack/events", "T0ACME", "U0ALICE")
        async with slack_serving(settings, coach) as (send, _):
            clock.now = MONDAY_NINE_PARIS
            assert await Scheduler(coach, {"slack": send}).tick() == 1
            assert "heure du point" in fake.wait_for_text(alice.dm, "heure du point")["text"]
            for answer in ("2", "passer", "1", "0"):
                await asyncio.to_thread(alice.say, answer)
            await eventually(lambda: [m for m in fake.messages.values()
                                      if "Verdict" in m["text"]], what="the verdict")
            chart = await eventually(lambda: [f for f in fake.files.values()
                                              if f.get("channel") == alice.dm],
                                     what="the chart upload")
            assert chart[0]["filename"] == "chart.png"
            assert chart[0]["content"].startswith(PNG)


async def test_a_user_who_already_checked_in_this_week_is_not_asked_again(coach, clock):
    confirmed_user(coach, "telegram", "111")
    clock.now = MONDAY_NINE_PARIS - timedelta(hours=1)  # Monday 8:00 in Paris
    for answer in ("point", "0", "0", "0"):
        coach.handle(Inbound("telegram", "111", text=answer))
    sent = []

    async def record(user_id, replies):
        sent.append(user_id)
    clock.now = MONDAY_NINE_PARIS
    assert await Scheduler(coach, {"telegram": record}).tick() == 0
    clock.now = MONDAY_NINE_PARIS + timedelta(days=1)
    assert await Scheduler(coach, {"telegram": record}).tick() == 0  # nor reminded
    assert sent == []


async def test_a_failed_send_is_retried_at_the_next_round(coach, clock):
    confirmed_user(coach, "telegram", "111")
    attempts = []

    async def flaky(user_id, replies):
        attempts.append(user_id)
        if len(attempts) == 1:
            raise ConnectionError("platform down")
    clock.now = MONDAY_NINE_PARIS
    scheduler = Scheduler(coach, {"telegram": flaky})
    assert await scheduler.tick() == 0
    assert await scheduler.tick() == 1
    assert await scheduler.tick() == 0
    assert attempts == ["111", "111"]


async def test_slack_team_digest_shows_only_members_who_opted_in(coach, clock, tmp_path):
    with FakeSlack() as fake:
        port = free_port()
        settings = load_settings({"SLACK_BOT_TOKEN": fake.add_team("T0ACME"),
                                  "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                                  "SLACK_API_URL": fake.url, "PORT": str(port)})
        url = f"http://127.0.0.1:{port}/slack/events"
        alice = SlackUser(fake, url, "T0ACME", "U0ALICE")
        for member in ("U0ALICE", "U0BOB"):
            confirmed_user(coach, "slack", f"T0ACME:{member}")
        clock.now = MONDAY_NINE_PARIS  # the point of 16 to 22 November
        for member, hours, results in (("U0ALICE", "3", "2"), ("U0BOB", "5", "1")):
            for answer in ("point", hours, "passer", results, "0"):
                coach.handle(Inbound("slack", f"T0ACME:{member}", text=answer))
        async with slack_serving(settings, coach) as (_, (app, adapter)):
            await asyncio.to_thread(alice.command, "digest", "C0MARKETING")
            note = await eventually(lambda: fake.responses, what="the digest answer")
            assert "<#C0MARKETING>" in note[0]["text"] and "lundi à 10:00" in note[0]["text"]
            await asyncio.to_thread(alice.command, "digest oui")
            await eventually(lambda: len(fake.responses) == 2, what="the opt-in answer")
            clock.now = MONDAY_NINE_PARIS + timedelta(minutes=30)  # 9:30, not yet
            assert await adapter.post_due_digests(app) == 0
            clock.now = MONDAY_NINE_PARIS + timedelta(hours=1)  # 10:00, the week just ended
            assert await adapter.post_due_digests(app) == 1
            assert await adapter.post_due_digests(app) == 0  # posted once
            clock.now = MONDAY_NINE_PARIS + timedelta(days=7, hours=1)
            assert await adapter.post_due_digests(app) == 0  # nobody shared 23 to 29
        [post] = [p for p in fake.sent("chat.postMessage") if p["channel"] == "C0MARKETING"]
        assert ("équipe, semaine du 16 au 22 novembre : 3 h pour 2 résultats. "
                "1 personne partage") in post["text"]
        assert "<@U0ALICE> : 3 h, 2 résultats" in post["text"]
        assert "U0BOB" not in post["text"]
