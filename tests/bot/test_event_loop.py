"""Nothing slow on the event loop: one user's chart never holds up another user's reply.

The bot runs in-process against the fake Bot API, with the chart made slow on purpose
(it waits until the test lets it finish): another user's reply must be sent while that
chart is still being drawn. With drawing on the event loop the test cannot pass (the
loop would wait on the chart, the chart on the test). The charts are drawn on a thread
here, the slowest place off the loop (the bot draws in a process of its own)."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

import storage
from bot import offload, telegram
from bot.scheduler import Scheduler
from flows import chart
from flows.coach import Coach
from tests.bot.fake_telegram import FakeTelegram
from tests.bot.test_nudges import (MONDAY_NINE_PARIS, PNG, SUNDAY, confirmed_user,
                                   eventually, telegram_settings, texts)
from tests.clock import Clock


@pytest.fixture
def clock():
    return Clock(SUNDAY)


@pytest.fixture
def fake_telegram():
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def coach(tmp_path, clock):
    """A coach whose charts are drawn on a thread (the bot's default is a process),
    so that the test's slow chart, a function of this test, can be the one drawn."""
    store = storage.open_store(str(tmp_path / "coach.db"))
    offload._OFFLOADS[store] = offload.Offload(store, drawing="thread")
    return Coach(store, "fr", "Europe/Paris", clock)


def slow_charts(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Make charts slow: each one sets `drawing`, then waits until `finish` is set."""
    drawing, finish = threading.Event(), threading.Event()

    def slow_chart(*args, **kwargs):
        drawing.set()
        finish.wait(20)
        return PNG
    monkeypatch.setattr(chart, "chart_png", slow_chart)
    return drawing, finish


async def test_a_chart_being_drawn_does_not_delay_another_users_reply(
        fake_telegram, coach, clock, monkeypatch):
    fake, (drawing, finish) = fake_telegram, slow_charts(monkeypatch)
    confirmed_user(coach, "telegram", "111")
    async with telegram.running(telegram_settings(fake), coach) as send:
        clock.now = MONDAY_NINE_PARIS + timedelta(seconds=20)
        assert await Scheduler(coach, {"telegram": send}).tick() == 1
        for answer in ("3", "LinkedIn 2, TikTok 1", "2"):
            fake.type(111, answer)
            count = len(texts(fake, 111))
            await eventually(lambda: len(texts(fake, 111)) > count, what=answer)
        fake.type(111, "0")  # the last answer: the verdict, then its chart
        await eventually(lambda: any("Verdict" in t for t in texts(fake, 111)),
                         what="the verdict")
        await eventually(drawing.is_set, what="the chart being drawn")
        fake.type(222, "/start")  # someone else writes meanwhile
        await eventually(lambda: any("objectif principal" in t for t in texts(fake, 222)),
                         what="the other user's question")
        assert not fake.sent("sendPhoto", 111)  # answered while the chart is drawn
        finish.set()
        photo = await eventually(lambda: fake.sent("sendPhoto", 111), what="the chart")
        assert photo[0]["photo"] == PNG


async def test_a_plan_pdf_being_drawn_does_not_delay_another_users_reply(
        fake_telegram, coach, monkeypatch):
    from flows import plan_document
    fake, drawing, finish = fake_telegram, threading.Event(), threading.Event()

    def slow_pdf(document):
        drawing.set()
        finish.wait(20)
        return b"%PDF-1.4 slow"
    monkeypatch.setattr(plan_document, "plan_pdf", slow_pdf)
    confirmed_user(coach, "telegram", "111")
    async with telegram.running(telegram_settings(fake), coach):
        await asyncio.sleep(0)
        fake.type(111, "plan pdf")
        await eventually(drawing.is_set, what="the PDF being drawn")
        fake.type(222, "/start")
        await eventually(lambda: any("objectif principal" in t for t in texts(fake, 222)),
                         what="the other user's question")
        assert not fake.sent("sendDocument", 111)
        finish.set()
        await eventually(lambda: fake.sent("sendDocument", 111), what="the PDF")


async def test_with_the_outbox_a_chart_is_drawn_at_its_send_without_holding_up_others(
        fake_telegram, clock, tmp_path, monkeypatch):
    """As the bot runs: replies and nudges go through the outbox, which keeps the chart
    to draw (not its bytes) and draws it just before its send, off the loop."""
    from bot.outbox import OutboxSender
    fake, (drawing, finish) = fake_telegram, slow_charts(monkeypatch)
    store = storage.open_store(str(tmp_path / "coach.db"))
    offload._OFFLOADS[store] = offload.Offload(store, drawing="thread")
    confirmed_user(Coach(store, "fr", "Europe/Paris", clock), "telegram", "111")
    coach = Coach(store, "fr", "Europe/Paris", clock, outbox=("telegram",))
    sender = OutboxSender(store, {}, clock)
    sending = asyncio.create_task(sender.run())
    try:
        async with telegram.running(telegram_settings(fake), coach, outbox=sender):
            clock.now = MONDAY_NINE_PARIS + timedelta(seconds=20)
            assert await Scheduler(coach, {}, outbox=sender).tick() == 1
            await eventually(lambda: texts(fake, 111), what="the check-in")
            for answer in ("3", "LinkedIn 2, TikTok 1", "2", "0"):
                count = len(texts(fake, 111))
                fake.type(111, answer)
                await eventually(lambda: len(texts(fake, 111)) > count, what=answer)
            assert any("Verdict" in t for t in texts(fake, 111))
            await eventually(drawing.is_set, what="the chart being drawn")
            # the chart's row is leased by the sender drawing it: nobody else takes it
            assert store.claim_outbox((), clock(), clock(), chat=("telegram", "111")) == []
            fake.type(222, "/start")
            await eventually(lambda: any("objectif principal" in t
                                         for t in texts(fake, 222)),
                             what="the other user's question")
            assert not fake.sent("sendPhoto", 111)
            finish.set()
            photo = await eventually(lambda: fake.sent("sendPhoto", 111), what="the chart")
            assert photo[0]["photo"] == PNG
    finally:
        finish.set()
        sending.cancel()
        await asyncio.gather(sending, return_exceptions=True)


async def test_typing_shows_while_a_turn_takes_long(fake_telegram, coach, monkeypatch):
    """A slow turn (a long transaction, a busy database) shows "typing…" in the chat:
    this turn waits until the fake has seen the chat action, so without it the test
    times out."""
    fake, handle = fake_telegram, coach.handle

    def slow_handle(inbound):
        if inbound.text == "aide":
            deadline = threading.Event()
            for _ in range(200):
                if any(a["action"] == "typing" for a in fake.sent("sendChatAction", 111)):
                    break
                deadline.wait(0.05)
        return handle(inbound)
    monkeypatch.setattr(coach, "handle", slow_handle)
    async with telegram.running(telegram_settings(fake), coach):
        fake.type(111, "/start")
        await eventually(lambda: texts(fake, 111), what="the first question")
        assert not fake.sent("sendChatAction", 111)  # a quick turn: no typing shown
        fake.type(111, "aide")
        await eventually(lambda: len(texts(fake, 111)) > 1, what="the help")
        typing = [a for a in fake.sent("sendChatAction", 111) if a["action"] == "typing"]
        assert len(typing) == 1


def test_the_render_process_starts_with_the_bot_once_someone_has_a_plan(coach):
    assert not offload.charts_likely(coach, ["telegram"])  # nobody: spawned when needed
    confirmed_user(coach, "telegram", "111")
    assert offload.charts_likely(coach, ["telegram"])  # check-ins to come: at start
    assert not offload.charts_likely(coach, ["slack"])


def _gone(pid: int) -> bool:
    """Tell whether a process has exited (gone, or a zombie nobody reaped yet)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.startswith("State:") and "Z" in line for line in status)
    except FileNotFoundError:
        return True


@pytest.mark.parametrize("when", ["once it started", "before it started"])
def test_the_render_process_ends_when_the_bot_is_killed(tmp_path, when):
    """A bot killed with SIGKILL cannot stop its render process: it must end by itself,
    or every restart after a kill leaves one more behind; also when the kill comes
    before the render process has even started (make soak left 87 that way: a kill
    right after a restart)."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path
    wait = "pool.submit(int).result()\n" if when == "once it started" else ""
    script = ("import os, signal, time\nfrom bot import offload\n"
              f"pool = offload.drawing_process()\n{wait}"
              "print(*pool._processes, flush=True)\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    bot = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                           text=True, cwd=Path(__file__).parents[2])
    try:
        render = int(bot.stdout.readline())
        bot.wait(10)
        deadline = time.monotonic() + 20
        while not _gone(render) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(render)
    finally:
        bot.kill()
        bot.wait()
