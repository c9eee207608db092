"""The outbox: replies committed with their message, sent in order per chat, retried,
and the answers tied to the question the user saw (bot/outbox.py, flows/coach.py)."""

from __future__ import annotations

import asyncio
import itertools
import html
from datetime import timedelta
from functools import partial

import pytest
from telegram import Bot

from bot.outbox import CONCURRENCY, LEASE, OutboxSender, Retry, Undeliverable
from bot.telegram import MAX_TEXT, TelegramAdapter
from bot.text import split_text
from bot.scheduler import Scheduler
from flows.coach import Coach
from flows.messages import Choice, Inbound, Reply
from flows.render import PLAN_CONFIRM, PLAN_PROMPT
from tests.bot.fake_telegram import TOKEN, FakeTelegram
from tests.bot.test_nudges import MONDAY_NINE_PARIS, SUNDAY
from tests.clock import Clock
from tests.flows.build_messages import FULL_INTERVIEW

T = "telegram"


@pytest.fixture
def clock():
    return Clock(SUNDAY)


@pytest.fixture
def queuing(store, clock):
    """A coach whose Telegram replies go to the outbox, as in `python bot.py`."""
    return Coach(store, "fr", "Europe/Paris", clock, outbox=(T,))


class Platform:
    """A deliverer that records what reached each chat, and fails when told to."""

    def __init__(self) -> None:
        self.got: dict[str, list[Reply]] = {}
        self.failures: list[Exception] = []  # raised by the next sends, in order
        self.gate: asyncio.Event | None = None  # when set, sends wait for it (a slow API)

    async def __call__(self, chat: str, reply: Reply, bulk: bool = False) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.failures:
            raise self.failures.pop(0)
        self.got.setdefault(chat, []).append(reply)

    def texts(self, chat: str) -> list[str]:
        return [r.text for r in self.got.get(chat, [])]


def say(coach: Coach, user: str, text: str | None = None, choice: Choice | None = None,
        delivery: str | None = None) -> list[Reply]:
    return coach.handle(Inbound(T, user, text=text, choice=choice, delivery=delivery))


async def sent(coach: Coach, platform: Platform) -> OutboxSender:
    """Send everything queued, as the running bot's sender does."""
    sender = OutboxSender(coach.store, {T: platform}, coach.clock)
    assert await sender.flush()
    return sender


async def play(coach: Coach, platform: Platform, user: str, answers) -> None:
    """Answer each question once it reached the user, as a person does."""
    for answer in answers:
        say(coach, user, answer)
        await sent(coach, platform)


async def test_replies_are_rows_of_the_message_and_go_out_in_order(queuing):
    platform = Platform()
    replies = say(queuing, "1", "/start", delivery="1")
    assert queuing.store.unsent_count((T,)) == 1  # committed with the message, not sent
    await sent(queuing, platform)
    await play(queuing, platform, "1", ["1"])
    assert platform.texts("1") == [replies[0].text, platform.texts("1")[1]]
    assert "Quel résultat chiffré" in platform.texts("1")[1]
    assert platform.got["1"][0].options == replies[0].options  # the buttons survive
    assert queuing.store.unsent_count((T,)) == 0


async def test_a_redelivered_update_changes_nothing_and_its_unsent_reply_is_sent(queuing):
    platform = Platform()
    say(queuing, "1", "/start", delivery="1")
    await sent(queuing, platform)
    say(queuing, "1", "1", delivery="2")  # handled, then the process died before sending
    assert say(queuing, "1", "1", delivery="2") == []  # Telegram delivers it again
    await sent(queuing, platform)  # the next start sends what was left
    assert [t for t in platform.texts("1") if "Quel résultat chiffré" in t] == [
        platform.texts("1")[1]]
    assert len(platform.texts("1")) == 2
    user = queuing.store.load_user(T, "1")
    assert user.answers == {"objective": {"choice": "awareness"}}


async def test_a_429_a_reset_and_a_500_are_retried_and_a_blocked_chat_is_dropped(queuing,
                                                                                 clock):
    platform = Platform()
    say(queuing, "1", "/start")
    say(queuing, "2", "/start")
    platform.failures = [Retry("RetryAfter", 3.0)]
    sender = OutboxSender(queuing.store, {T: platform}, clock)
    await sender.flush()
    assert sum(len(v) for v in platform.got.values()) == 1  # one chat waits out its 429
    clock.now += timedelta(seconds=3)
    for failure in (Retry("NetworkError"), Retry("TimedOut")):
        platform.failures = [failure]
        await sender.flush()
        clock.now += timedelta(seconds=10)
    assert await sender.flush()
    assert len(platform.texts("1")) == len(platform.texts("2")) == 1
    say(queuing, "3", "/start")
    say(queuing, "3", "/help")
    platform.failures = [Undeliverable("Forbidden")]  # never sendable: not blocking
    assert await sender.flush()
    assert len(platform.texts("3")) == 1 and "objectif" in platform.texts("3")[0]


async def test_a_row_left_by_a_dead_sender_is_sent_once_its_lease_ends(queuing, clock):
    platform = Platform()
    say(queuing, "1", "/start")
    now = clock()
    assert queuing.store.claim_outbox((T,), now, now + timedelta(seconds=120))  # then died
    assert await sent(queuing, platform) and platform.texts("1") == []
    clock.now += timedelta(seconds=121)
    await sent(queuing, platform)
    assert len(platform.texts("1")) == 1


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.mark.parametrize("reply, faults", [
    # a text of two messages, the second refused once by a 500
    (Reply("\n\n".join(f"Semaine {n} : " + "détail " * 140 for n in range(6))), [None, 500]),
    # a verdict and its chart, the chart refused once
    (Reply("Votre semaine", image=PNG), [None, 500]),
], ids=["long-text", "chart"])
async def test_a_reply_in_parts_sends_only_the_parts_left_when_one_failed(store, clock,
                                                                          reply, faults):
    coach = Coach(store, "fr", "Europe/Paris", clock, outbox=(T,))
    with FakeTelegram() as fake:
        async with Bot(TOKEN, base_url=fake.url) as bot:
            sender = OutboxSender(store, {}, clock)
            sender.add(T, partial(TelegramAdapter(coach).deliver, bot), parts=True)
            user = store.create_user(T, "42", "fr").id
            store.enqueue(T, "42", [reply], "objective", clock(), user)
            fake.send_faults = list(faults)
            assert await sender.flush()  # the first part went out, then the failure
            assert store.unsent_count((T,)) == 1
            clock.now += timedelta(minutes=1)  # its retry is due
            assert await sender.flush() and store.unsent_count((T,)) == 0
            assert store.last_asked(T, "42").sent
        texts = [call["text"] for call in fake.sent("sendMessage", 42)]
        assert texts == split_text(html.escape(reply.text, quote=False), MAX_TEXT)
        assert len(fake.sent("sendPhoto", 42)) == (reply.image is not None)


async def test_a_killed_sender_holds_up_only_the_chats_it_was_sending_to(store, clock):
    for n in range(40):
        store.enqueue(T, str(n), [Reply(f"Bonjour {n}")], None, clock(), None)
    killed = OutboxSender(store, {T: Platform()}, clock)
    await killed.round()  # it takes what it can send at once...
    await killed.close()  # ...and dies before sending any of it
    platform = Platform()
    await OutboxSender(store, {T: platform}, clock).flush()  # another worker, at once
    assert len(platform.got) == 40 - CONCURRENCY  # the rest waits out the dead leases
    clock.now += LEASE + timedelta(seconds=1)
    await OutboxSender(store, {T: platform}, clock).flush()
    assert len(platform.got) == 40


async def test_a_reply_with_a_chart_survives_in_the_outbox(store, clock):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    store.enqueue(T, "1", [Reply("Votre semaine", image=png)], None, clock())
    platform = Platform()
    await OutboxSender(store, {T: platform}, clock).flush()
    assert platform.got["1"][0].image == png


async def test_replies_behind_charts_being_drawn_go_out_without_waiting_for_them(
        store, clock):
    """50 verdicts at once, then another user's reply: the charts wait for the render
    process in slots of their own, so the reply is sent while none is drawn yet, as is
    the text of a chat whose chart comes after it."""
    from flows.chart import Chart, ChartTexts, ChartWeek
    from flows.checkin import drawing
    chart = Chart((ChartWeek("1–7", 2, 1),), ChartTexts("H", "C", "P", "", "V"), 2, None)
    for n in range(50):
        store.enqueue(T, f"v{n}", [Reply("Verdict", image=drawing(chart))], None, clock())
    store.enqueue(T, "both", [Reply("Votre semaine"), Reply("Verdict",
                                                            image=drawing(chart))],
                  None, clock())
    store.enqueue(T, "other", [Reply("Quel est votre objectif ?")], None, clock())
    drawn, got = asyncio.Event(), []

    async def deliver(chat: str, reply: Reply, bulk: bool = False) -> None:
        if reply.deferred:
            await drawn.wait()  # a render process busy with the charts ahead
        got.append((chat, reply.text))
    sender = OutboxSender(store, {T: deliver}, clock)
    running = asyncio.create_task(sender.run())
    try:
        for _ in range(200):
            if ("other", "Quel est votre objectif ?") in got and ("both", "Votre semaine") in got:
                break
            await asyncio.sleep(0.01)
        assert sorted(got) == [("both", "Votre semaine"),
                               ("other", "Quel est votre objectif ?")]
        drawn.set()
        for _ in range(300):  # sent, then marked sent
            if len(got) == 53 and store.unsent_count((T,)) == 0:
                break
            await asyncio.sleep(0.01)
        assert len(got) == 53 and store.unsent_count((T,)) == 0
    finally:
        drawn.set()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_an_answer_to_a_question_not_yet_seen_is_asked_again(queuing):
    platform = Platform()
    await play(queuing, platform, "1", ["/start"])
    platform.failures = [Retry("NetworkError")] * 3
    say(queuing, "1", "1")  # the objective: « Quel résultat chiffré » fails to go out
    await sent(queuing, platform)
    again = say(queuing, "1", "3")  # she retyped, not having seen the target question
    assert "pas pris votre message comme réponse" in again[0].text
    assert "Quel résultat chiffré" in again[0].text
    assert "target" not in queuing.store.load_user(T, "1").answers
    assert say(queuing, "1", "aide")  # a command is always taken


async def dead_sender_sent(store, clock, platform: Platform, chat: str) -> None:
    """A worker takes a chat's next row, sends it, and is killed before its mark."""
    now = clock()
    [item] = store.claim_outbox((T,), now, now + timedelta(seconds=15))
    await platform(chat, item.reply)


async def test_a_question_sent_by_a_killed_worker_is_asked_again_at_once_not_twice(
        queuing, clock):
    platform = Platform()
    await play(queuing, platform, "1", ["/start"])
    say(queuing, "1", "2")  # the objective
    await dead_sender_sent(queuing.store, clock, platform, "1")  # « Quel résultat chiffré »
    again = say(queuing, "1", "10 demandes de devis par mois d'ici 3 mois")
    assert "pas pris votre message" in again[0].text  # not known to have arrived
    await sent(queuing, platform)  # the re-ask goes out now, not behind the dead lease
    clock.now += timedelta(seconds=16)  # and once that lease ends, nothing is sent twice
    await sent(queuing, platform)
    texts = platform.texts("1")
    assert [t for t in texts if "Quel résultat chiffré" in t] == texts[1:] == [
        texts[1], again[0].text]  # the question the killed worker sent, then the re-ask
    say(queuing, "1", "10 demandes de devis par mois d'ici 3 mois")  # retyped
    assert queuing.store.load_user(T, "1").answers["target"]


async def test_a_re_ask_of_a_question_still_being_sent_follows_it_at_once(queuing, clock):
    platform = Platform()
    await play(queuing, platform, "1", ["/start"])
    say(queuing, "1", "2")  # the objective; « Quel résultat chiffré » is slow to go out
    platform.gate = asyncio.Event()
    sender = OutboxSender(queuing.store, {T: platform}, clock)
    await sender.round()
    await asyncio.sleep(0.01)  # its send under way
    again = say(queuing, "1", "10 demandes de devis par mois d'ici 3 mois")
    await sender.round()  # the re-ask is the chat's head now (the question superseded)
    platform.gate.set()
    assert await sender.flush()  # the same instant: no lease waited out
    assert platform.texts("1")[1:] == [platform.texts("1")[1], again[0].text]
    assert "Quel résultat chiffré" in platform.texts("1")[1]


async def test_a_question_with_more_in_it_than_the_question_is_still_sent(queuing, clock):
    platform = Platform()
    await play(queuing, platform, "1", ["/start"] + FULL_INTERVIEW[:-2])
    say(queuing, "1", "200/mois")  # « Noté : 200 € par mois… », then the next question
    now = clock()  # a worker takes it and is killed before sending it
    assert queuing.store.claim_outbox((T,), now, now + timedelta(seconds=15))
    assert "pas pris votre message" in say(queuing, "1", "2 000 €")[0].text
    clock.now += timedelta(seconds=16)
    await sent(queuing, platform)
    assert any("Noté : 200" in text for text in platform.texts("1"))  # not lost


async def test_a_seen_question_takes_the_answer(queuing):
    platform = Platform()
    await play(queuing, platform, "1", ["/start", "1", "10 devis par mois d'ici 3 mois"])
    assert queuing.store.load_user(T, "1").answers["target"]


async def test_a_checkin_that_failed_to_go_out_is_resent_not_reset(queuing, clock):
    platform = Platform()
    await play(queuing, platform, "1", FULL_INTERVIEW)
    say(queuing, "1", choice=Choice(PLAN_PROMPT, (PLAN_CONFIRM,)))
    await sent(queuing, platform)
    clock.now = MONDAY_NINE_PARIS
    sender = OutboxSender(queuing.store, {T: platform}, clock)
    assert await Scheduler(queuing, {}, outbox=sender).tick() == 1
    platform.failures = [Retry("TimedOut")]  # timed out (it may even have arrived)
    await sender.flush()
    assert await Scheduler(queuing, {}, outbox=sender).tick() == 0  # not claimed again
    again = say(queuing, "1", "3")  # « 3 » hours: not read as plan menu choice 3
    assert "pas pris votre message comme réponse" in again[0].text
    assert "heures" in again[0].text
    assert queuing.store.load_user(T, "1").state == "plan_confirmed"
    clock.now += timedelta(minutes=15)
    await sender.flush()  # the check-in, then the question again
    assert "heures" in platform.texts("1")[-2] and platform.texts("1")[-1] == again[0].text
    say(queuing, "1", "3")
    record = queuing.checkins.open_record(queuing.store.load_user(T, "1").id)
    assert record.hours == 3.0


async def test_the_sender_runs_until_cancelled_and_is_woken_by_a_kick(queuing):
    platform = Platform()
    sender = OutboxSender(queuing.store, {T: platform}, queuing.clock, interval=3600)
    running = asyncio.create_task(sender.run())
    try:
        await asyncio.sleep(0)
        say(queuing, "1", "/start")
        sender.kick()
        for _ in range(200):
            if platform.texts("1"):
                break
            await asyncio.sleep(0.01)
        assert len(platform.texts("1")) == 1
    finally:
        running.cancel()
        await sender.close()


async def test_a_reply_queued_while_every_slot_is_busy_goes_out_once_one_frees(store,
                                                                               clock):
    """CONCURRENCY slow sends at once, then one more user's reply: it waits for a
    slot, and goes out as soon as the slow ones are through, not at the sender's next
    look for rows left (an hour here; 5 s in the bot), even when nobody writes again."""
    for n in range(CONCURRENCY):
        store.enqueue(T, f"slow{n}", [Reply("Bonjour")], None, clock())
    platform = Platform()
    platform.gate = asyncio.Event()
    sender = OutboxSender(store, {T: platform}, clock, interval=3600)
    running = asyncio.create_task(sender.run())
    try:
        for _ in range(200):  # every slot taken
            if len(sender._busy) == CONCURRENCY:
                break
            await asyncio.sleep(0.01)
        assert len(sender._busy) == CONCURRENCY
        store.enqueue(T, "late", [Reply("Quel est votre objectif ?")], None, clock())
        sender.kick()  # its turn committed: no slot free
        await asyncio.sleep(0.05)
        assert platform.texts("late") == []
        platform.gate.set()
        for _ in range(300):
            if platform.texts("late"):
                break
            await asyncio.sleep(0.01)
        assert platform.texts("late") == ["Quel est votre objectif ?"]
    finally:
        platform.gate.set()
        running.cancel()
        await sender.close()


async def test_the_sender_stops_when_cancelled_just_as_a_kick_wakes_it(queuing):
    """A shutdown cancels the sender while replies are being committed (each one kicks
    it): the cancel must never be lost to the kick, or the bot never stops."""
    sender = OutboxSender(queuing.store, {T: Platform()}, queuing.clock, interval=3600)
    running = asyncio.create_task(sender.run())
    for _ in range(200):  # until it waits for a kick
        if sender._wake._waiters:
            break
        await asyncio.sleep(0.01)
    sender.kick()
    running.cancel()  # in the same step of the loop as the kick
    done, _ = await asyncio.wait([running], timeout=2)
    assert done and running.cancelled()
    await sender.close()


def test_a_queued_message_and_its_reply_roll_back_together(queuing, monkeypatch):
    say(queuing, "1", "/start")
    monkeypatch.setattr(queuing.store, "enqueue", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        say(queuing, "1", "/help", delivery="9")
    monkeypatch.undo()
    assert queuing.store.unsent_count((T,)) == 1
    assert say(queuing, "1", "/help", delivery="9")  # not recorded: handled on redelivery



async def test_a_checkin_asked_for_takes_its_answer_once_its_question_was_seen(queuing):
    platform = Platform()
    await play(queuing, platform, "1", ["/start"] + FULL_INTERVIEW)
    say(queuing, "1", choice=Choice(PLAN_PROMPT, (PLAN_CONFIRM,)))
    await sent(queuing, platform)
    await play(queuing, platform, "1", ["point", "3"])  # « point » opens it: « 3 » hours
    assert "pas pris votre message" not in platform.texts("1")[-1]
    record = queuing.checkins.open_record(queuing.store.load_user(T, "1").id)
    assert record.hours == 3.0


async def test_a_thousand_failing_users_due_first_do_not_hold_up_a_healthy_one(store, clock):
    """Blocked or failing users' check-ins, queued before a healthy user's, are each
    tried once and put aside (dropped, or retried later): the healthy one goes out in
    the same flush, not after their retries."""
    queuing = Coach(store, "fr", "Europe/Paris", clock, outbox=(T,))
    failing = [f"{1000 + n}" for n in range(1000)]
    for chat in failing + ["healthy"]:
        store.enqueue(T, chat, [Reply(f"C'est l'heure du point ({chat})")], None,
                      clock(), None, None)
    tried: list[str] = []

    async def platform(chat: str, reply: Reply, bulk: bool = False) -> None:
        tried.append(chat)
        if chat != "healthy":
            if int(chat) % 2:
                raise Undeliverable("Forbidden", unreachable=True)
            raise Retry("TimedOut")
    paused: list[str] = []
    sender = OutboxSender(queuing.store, {T: platform}, clock,
                          unreachable=lambda platform, chat: paused.append(chat))
    await sender.flush(timeout=30)
    assert "healthy" in tried and tried.count("healthy") == 1
    assert len(set(tried)) == 1001  # each failing one tried once, none blocking the rest
    assert len(paused) == 500  # the blocked ones: their nudges paused, never retried
    assert store.unsent_count((T,)) == 500  # the timed-out ones wait for their retry


class Chat(Platform):
    """A deliverer that numbers messages as a Telegram chat does: the user's and the
    bot's in one sequence (`typed` takes the next number for a message of the user)."""

    def __init__(self) -> None:
        super().__init__()
        self.numbers = itertools.count(100)

    async def __call__(self, chat: str, reply: Reply, bulk: bool = False) -> str:
        await super().__call__(chat, reply, bulk)
        return str(next(self.numbers))

    def typed(self) -> str:
        return str(next(self.numbers))


def typed(coach: Coach, user: str, text: str, order: str) -> list[Reply]:
    return coach.handle(Inbound(T, user, text=text, order=order))


async def test_an_answer_typed_before_its_question_reached_the_chat_is_asked_again(queuing):
    chat = Chat()
    say(queuing, "1", "/start")
    await sent(queuing, chat)  # the objective's question: message 100
    early = chat.typed()  # typed before the next question arrives...
    say(queuing, "1", "1")  # (the objective, by its button) ...whose send comes after it
    await sent(queuing, chat)
    [again] = typed(queuing, "1", "10 devis par mois d'ici 3 mois", early)
    assert again.again and "Quel résultat chiffré" in again.text
    assert "target" not in queuing.store.load_user(T, "1").answers
    await sent(queuing, chat)
    typed(queuing, "1", "10 devis par mois d'ici 3 mois", chat.typed())  # after: taken
    assert queuing.store.load_user(T, "1").answers["target"]


async def test_a_burst_typed_ahead_is_asked_again_once_and_retyped_in_order(queuing):
    chat = Chat()
    say(queuing, "1", "/start")
    await sent(queuing, chat)
    say(queuing, "1", "1")
    await sent(queuing, chat)  # the target's question shown
    burst = [chat.typed() for _ in range(3)]  # three answers typed at once
    assert typed(queuing, "1", "10 devis par mois d'ici 3 mois", burst[0])  # taken
    await sent(queuing, chat)  # the next question comes after the three
    [again] = typed(queuing, "1", "2", burst[1])  # typed before it: asked again
    assert again.again
    await sent(queuing, chat)
    assert typed(queuing, "1", "Gérants de restaurants", burst[2]) == []  # no second re-ask
    answers = queuing.store.load_user(T, "1").answers
    assert set(answers) == {"objective", "target"}  # nothing filed a question ahead
    await sent(queuing, chat)
    assert len([t for t in chat.texts("1") if "Je n'ai pas pris" in t]) == 1
    typed(queuing, "1", "2", chat.typed())  # retyped once the question is seen
    assert "audience_type" in queuing.store.load_user(T, "1").answers
