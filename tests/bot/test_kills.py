"""SIGKILLs at random moments: the real bot (`python bot.py telegram`) against the fake
Bot API, killed and restarted while five users play, in long polling and in webhook
mode. Every message a user sent is handled, every answer is stored once and under the
question it answers, and each user ends exactly where a one-at-a-time run ends.

The users behave like people: each answers the question the newest message shows, once
(and holds the last answer until the fifth kill, so that every kill lands mid-play);
a message saying their answer was not taken (« pas pris votre message ») is answered
again, and a question they already answered, shown again (the duplicate a kill between
a send and its mark allows), is left alone.
"""

from __future__ import annotations

import html
import json
import random
import re
import sqlite3
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from flows.coach import Coach
from flows.messages import Inbound
from storage import open_store
from tests.bot.fake_server import BotProcess, free_port
from tests.bot.fake_telegram import TOKEN, FakeTelegram
from tests.flows.build_messages import FULL_INTERVIEW

SCRIPT = ["/start"] + FULL_INTERVIEW
USERS = [301, 302, 303, 304, 305]
KILLS = 5
REASK = "pas pris votre message"
DEADLINE = 90.0  # seconds for the whole run: a safety net, never reached when it works
SECRET = "kill-Secret_1"


def question_line(text: str) -> str:
    """The line of a reply that names its question (the first one asking something)."""
    lines = [line for line in text.splitlines() if line.strip()
             and not line.startswith("(") and not re.match(r"\d/\d · ", line)]
    return next((line for line in lines if "?" in line), lines[0])


def one_at_a_time() -> tuple[list[str], dict, str]:
    """Run the script in process: each step's question line, the answers, the state."""
    store = open_store(None)
    coach, shown = Coach(store), []
    for text in SCRIPT:
        replies = coach.handle(Inbound("telegram", "1", text=text, language="fr"))
        shown.append(html.escape(question_line(replies[-1].text), quote=False))
    user = store.load_user("telegram", "1")
    return shown, user.answers, user.state


@dataclass
class Person:
    """One user: answers what the newest message asks, once."""

    chat: int
    questions: list[str]  # questions[k]: the line of the question answer k+1 answers
    script: list[str] = field(default_factory=lambda: SCRIPT)
    step: int = 0  # the next answer of SCRIPT to type
    acted_on: int = 0  # the message_id of the newest message acted on
    typed: list[int] = field(default_factory=list)  # update_ids
    done: bool = False  # the reply to the last answer arrived

    def next_text(self, fake: FakeTelegram, hold_last: bool = False) -> str | None:
        """Return what to type now, if anything (the last answer not while `hold_last`)."""
        if self.step == 0:
            self.step = 1
            return self.script[0]
        with fake._lock:
            mine = [m for m in fake.messages.values()
                    if m["chat"]["id"] == self.chat and m.get("text")]  # not a chart
        if not mine or mine[-1]["message_id"] <= self.acted_on:
            return None
        newest = mine[-1]
        text = newest.get("text", "")
        # the question shown: the latest step whose question the message shows
        shown = max((k for k, line in enumerate(self.questions) if line in text),
                    default=None)
        if shown is None and REASK in text and self.step >= 2:
            # not taken, its question shown in other words (the plan's short prompt):
            # the answer typed last is typed again
            shown = self.step - 2
        if shown is None:
            return None
        if shown == len(self.script) - 1 and REASK not in text:
            self.done = True  # the last answer was taken
            return None
        if REASK in text and shown + 1 <= self.step:  # not taken: answer what it shows
            self.acted_on = newest["message_id"]
            self.step = shown + 2
            return self.script[shown + 1]
        if hold_last and shown + 1 == len(self.script) - 1:
            return None
        if shown + 1 == self.step:  # the next question: answer it
            self.acted_on = newest["message_id"]
            self.step += 1
            return self.script[shown + 1]
        return None  # a question already answered, shown again: wait


class Run:
    """The bot process, restarted after each kill, and how updates reach it."""

    def __init__(self, fake: FakeTelegram, folder: Path, webhook: bool) -> None:
        self.fake, self.folder, self.webhook = fake, folder, webhook
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        self.bot: BotProcess | None = None
        self.kills = 0
        self._ids = iter(range(10_000, 10**9))

    def start(self) -> None:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": self.fake.url,
               "TELEGRAM_WEBHOOK_URL": self.url if self.webhook else "",
               "TELEGRAM_WEBHOOK_SECRET": SECRET if self.webhook else ""}
        if self.webhook:
            env["PORT"] = str(self.port)
        self.bot = BotProcess("telegram", self.folder / "coach.db", env)

    def kill(self) -> None:
        self.bot.process.kill()
        self.bot.process.wait(timeout=10)
        self.bot.log.close()
        self.kills += 1
        self.start()

    def type(self, person: Person, text: str, outbox: list[dict]) -> None:
        """Send a message: queued at the fake (polling), or posted to the webhook until
        it answers 200, as Telegram retries (the loop keeps posting the queue)."""
        update_id = next(self._ids)
        person.typed.append(update_id)
        if not self.webhook:
            self.fake.type(person.chat, text, update_id=update_id)
            return
        outbox.append({"update_id": update_id, "message": {
            "message_id": update_id, "date": int(time.time()),
            "chat": {"id": person.chat, "type": "private"},
            "from": {"id": person.chat, "is_bot": False, "first_name": "U",
                     "language_code": "fr"}, "text": text}})

    def post(self, update: dict) -> bool:
        request = urllib.request.Request(self.url, json.dumps(update).encode(), {
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False


def play_under_kills(fake: FakeTelegram, folder: Path, webhook: bool) -> tuple[Run, list]:
    questions, _, _ = one_at_a_time()
    assert len(set(questions)) == len(questions), "each question told apart by its line"
    people = [Person(chat, questions) for chat in USERS]
    run, rng, pending = Run(fake, folder, webhook), random.Random(15), []
    run.start()
    deadline = time.monotonic() + DEADLINE
    calls_at_start, next_kill = 0, None
    try:
        while not all(p.done for p in people) or pending:
            assert time.monotonic() < deadline, f"stuck: {[p.step for p in people]}"
            for person in people:  # each reads a moment before answering
                if rng.random() > 0.3:
                    continue
                text = person.next_text(fake, hold_last=run.kills < KILLS)
                if text is not None:
                    run.type(person, text, pending)
            while pending and run.post(pending[0]):  # webhook: Telegram's retries
                pending.pop(0)
            calls = len(fake.calls)  # every Bot API call but getUpdates
            if run.kills < KILLS and next_kill is None and calls > calls_at_start + 2:
                next_kill = time.monotonic() + rng.uniform(0.0, 0.4)  # once it works
            if next_kill is not None and time.monotonic() >= next_kill:
                run.kill()
                calls_at_start, next_kill = len(fake.calls), None
            time.sleep(0.02)
    finally:
        run.bot.stop()
    return run, people


def stored(folder: Path, chat: int) -> tuple[dict, str, set[str]]:
    with sqlite3.connect(folder / "coach.db") as conn:
        user_id, state = conn.execute("SELECT id, state FROM users WHERE platform = "
                                      "'telegram' AND platform_user_id = ?",
                                      [str(chat)]).fetchone()
        answers = {q: json.loads(v) for q, v in conn.execute(
            "SELECT question, value FROM answers WHERE user_id = ?", [user_id])}
        processed = {u for (u,) in conn.execute(
            "SELECT update_id FROM processed_updates WHERE platform = 'telegram'")}
        unsent = conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()
        assert unsent == (0,), "the outbox was flushed at SIGTERM"
    return answers, state, processed


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
def test_kills_at_random_moments_lose_nothing_and_file_every_answer_once(tmp_path, webhook):
    with FakeTelegram() as fake:
        run, people = play_under_kills(fake, tmp_path, webhook)
    _, answers, state = one_at_a_time()
    assert run.kills >= KILLS
    for person in people:
        got, got_state, processed = stored(tmp_path, person.chat)
        assert (got, got_state) == (answers, state), person.chat
        assert {str(u) for u in person.typed} <= processed  # every message handled
    assert "Traceback" not in (tmp_path / "coach.log").read_text()
