#!/usr/bin/env python3
"""Soak test: `make soak`. SIGKILLs at random moments while users play, then the figures
in docs/reliability.md.

Everything runs on 127.0.0.1 and stops by itself (a global deadline): the fake Bot API
(tests/bot/fake_telegram.py) and `python bot.py telegram` in long polling on a SQLite
file, SIGKILLed at a random moment (0 to 0.4 s once it is up) and restarted, at least
`--kills` times, while `--users` users play the whole interview, confirm the plan, and
answer the weekly check-in that falls due as soon as they confirmed (their schedule is
moved to now). The users behave as in tests/bot/test_kills.py: each answers the question
the newest message shows, once; a message saying an answer was not taken is answered
again; a question shown again after being answered (a duplicate) is left alone.

Checked at the end: every message typed was handled (recorded as processed); every
user's answers and check-in figures equal a one-at-a-time run's (an answer lost or
filed under another question counts as lost); the outbox is empty after SIGTERM;
duplicates (a message received twice in a row, the window between a send and its mark)
and re-asks are counted. Then tools/fuzz.py sends at least `--fuzz-inputs` hypothesis
inputs through Coach.handle in every state. The report replaces the soak section of
docs/reliability.md. Exit code 1 when an answer was lost, a message not handled, or
the fuzzing raised; 3 on the deadline.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.coach import Coach  # noqa: E402
from flows.messages import Inbound  # noqa: E402
from storage import open_store  # noqa: E402
from tests.bot.fake_telegram import FakeTelegram  # noqa: E402
from tests.bot.test_kills import REASK, Person, Run, question_line  # noqa: E402
from tests.flows.build_messages import FULL_INTERVIEW  # noqa: E402

INTERVIEW = ["/start"] + FULL_INTERVIEW + ["1"]  # "1": the plan confirmed
CHECKIN = ["3", "LinkedIn 2 TikTok 1", "2", "0"]  # hours, their split, results, revenue
FIRST_CHAT = 700_000
START, END = "<!-- soak:start -->", "<!-- soak:end -->"
FUZZ_INPUTS = 10_000  # at least this many inputs through Coach.handle (tools/fuzz.py)


def line(text: str) -> str:
    """A question's line, cut before the dates a check-in names."""
    return question_line(text)[:40]


def one_at_a_time() -> tuple[list[str], dict, str, dict]:
    """Run the script in process: the question line each answer waits for, the answers,
    the state and the check-in's figures."""
    import html
    store = open_store(None)
    coach, shown = Coach(store), []
    for text in INTERVIEW + ["point"] + CHECKIN:
        replies = coach.handle(Inbound("telegram", "1", text=text, language="fr"))
        shown.append(html.escape(line(replies[-1].text), quote=False))
    del shown[len(INTERVIEW) - 1]  # after the confirmation, the check-in's question
    user = store.load_user("telegram", "1")
    [week] = store.history(user.id)
    return shown, user.answers, user.state, {"hours": week.hours, "results": week.results,
                                             "revenue": week.revenue}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--deadline", type=float, default=900.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fuzz-inputs", type=int, default=FUZZ_INPUTS,
                        help="inputs of tools/fuzz.py afterwards (0: no fuzzing)")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "reliability.md")
    return parser.parse_args(argv)


def make_due(database: Path, chat: int) -> bool:
    """Move a user's check-in to now, as if the week had turned; False while the user
    has no schedule yet (their confirmation is not handled yet)."""
    now = datetime.now(timezone.utc) - timedelta(seconds=1)
    with sqlite3.connect(database, timeout=30) as conn:
        return conn.execute(
            "UPDATE schedules SET next_due = ? WHERE user_id = (SELECT id FROM users "
            "WHERE platform = 'telegram' AND platform_user_id = ?) AND next_due > ?",
            [now.isoformat(), str(chat), now.isoformat()]).rowcount == 1


def play(fake: FakeTelegram, folder: Path, args, questions: list[str]) -> tuple[Run, list]:
    script = INTERVIEW + CHECKIN
    people = [Person(FIRST_CHAT + n, questions, script) for n in range(args.users)]
    run, rng, due = Run(fake, folder, webhook=False), random.Random(args.seed), set()
    run.start()
    deadline, calls_at_start, next_kill = time.monotonic() + args.deadline, 0, None
    try:
        while not all(p.done for p in people):
            if time.monotonic() > deadline:
                raise TimeoutError(f"users stuck at steps {[p.step for p in people]}")
            for person in people:
                if rng.random() > 0.3:
                    continue
                text = person.next_text(fake, hold_last=run.kills < args.kills)
                if text is not None:
                    run.type(person, text, [])
                if (person.step > len(INTERVIEW) - 1 and person.chat not in due
                        and make_due(folder / "coach.db", person.chat)):  # confirmed
                    due.add(person.chat)
            calls = len(fake.calls)
            if run.kills < args.kills and next_kill is None and calls > calls_at_start + 2:
                next_kill = time.monotonic() + rng.uniform(0.0, 0.4)
            if next_kill is not None and time.monotonic() >= next_kill:
                run.kill()
                calls_at_start, next_kill = len(fake.calls), None
                print(f"kill {run.kills}: users at {sum(p.step for p in people)} steps",
                      flush=True)
            time.sleep(0.02)
    finally:
        run.bot.stop()
    return run, people


def figures(fake: FakeTelegram, folder: Path, run: Run, people: list[Person],
            expected: tuple) -> dict:
    _, answers, state, week = expected
    got = {"kills": run.kills, "users": len(people), "typed": 0, "handled": 0,
           "received": 0, "duplicates": 0, "reasks": 0, "lost": 0, "wrong_users": []}
    with sqlite3.connect(folder / "coach.db") as conn:
        processed = {u for (u,) in conn.execute(
            "SELECT update_id FROM processed_updates WHERE platform = 'telegram'")}
        got["unsent"] = conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"
                                     ).fetchone()[0]
        for person in people:
            got["typed"] += len(person.typed)
            got["handled"] += sum(str(u) in processed for u in person.typed)
            user_id, user_state = conn.execute(
                "SELECT id, state FROM users WHERE platform = 'telegram' AND "
                "platform_user_id = ?", [str(person.chat)]).fetchone()
            stored = {q: json.loads(v) for q, v in conn.execute(
                "SELECT question, value FROM answers WHERE user_id = ?", [user_id])}
            rows = conn.execute("SELECT hours, results, revenue FROM checkins WHERE "
                                "user_id = ? AND step = 'done'", [user_id]).fetchall()
            lost = sum(stored.get(q) != v for q, v in answers.items())
            lost += int(rows != [(week["hours"], week["results"], week["revenue"])])
            lost += int(user_state != state)
            got["lost"] += lost
            if lost:
                got["wrong_users"].append(person.chat)
            texts = [m.get("text", "") for m in fake.messages.values()
                     if m["chat"]["id"] == person.chat]
            got["received"] += len(texts)
            got["duplicates"] += sum(a == b for a, b in zip(texts, texts[1:]))
            got["reasks"] += sum(REASK in text for text in texts)
    return got


def fuzz(min_inputs: int) -> dict:
    """Run tools/fuzz.py (the hypothesis property test of Coach.handle, its large
    profile) and return its figures."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "fuzz.py"), "--min-inputs",
                           str(min_inputs)], cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    figures = json.loads(lines[-1]) if lines else {"fuzz_inputs": 0, "exceptions": 1}
    if done.returncode:
        figures["exceptions"] = max(1, figures.get("exceptions", 0))
        print(done.stderr[-3000:], file=sys.stderr)
    return figures


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(got: dict, seconds: float) -> str:
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    rows = [("users (whole interview, plan confirmed, weekly check-in due and answered)",
             got["users"]), ("SIGKILLs survived", got["kills"]),
            ("messages the users sent", got["typed"]),
            ("messages handled (recorded as processed)", got["handled"]),
            ("answers lost or filed under another question", got["lost"]),
            ("messages the users received", got["received"]),
            ("duplicates (the same message twice in a row)", got["duplicates"]),
            ("questions asked again (an answer to a question not seen)", got["reasks"]),
            ("outbox rows left unsent after SIGTERM", got["unsent"]),
            ("tracebacks in the bot's log", got["tracebacks"]),
            ("seconds", f"{seconds:.0f}"),
            ("fuzz: inputs through Coach.handle (tools/fuzz.py, every state)",
             got["fuzz"].get("fuzz_inputs", 0)),
            ("fuzz: states covered", got["fuzz"].get("states", 0)),
            ("fuzz: exceptions", got["fuzz"].get("exceptions", 0)),
            ("fuzz: seconds", got["fuzz"].get("seconds", 0))]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return (f"{START}\n`make soak` on {day} at commit {commit()}: `python bot.py telegram` "
            "(long polling, SQLite) against the fake Bot API, SIGKILLed at random moments "
            "and restarted; then the hypothesis fuzzing of the flows.\n\n"
            "| what | figure |\n| --- | --- |\n" + table + f"\n{END}")


def write_report(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else "# Reliability\n"
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, text,
                      flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Soak figures\n" + section + "\n"
    path.write_text(text)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    expected = one_at_a_time()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="coach-soak-") as folder, \
            FakeTelegram() as fake:
        try:
            run, people = play(fake, Path(folder), args, expected[0])
        except TimeoutError as error:
            print(f"deadline: {error}", file=sys.stderr)
            return 3
        got = figures(fake, Path(folder), run, people, expected)
        log = (Path(folder) / "coach.log").read_text()
        got["tracebacks"] = log.count("Traceback")
        if got["tracebacks"]:
            kept = Path(tempfile.gettempdir()) / "coach-soak.log"
            kept.write_text(log)
            print(f"tracebacks in the bot's log, kept in {kept}", file=sys.stderr)
    seconds = time.monotonic() - began
    got["fuzz"] = fuzz(args.fuzz_inputs) if args.fuzz_inputs else {}
    write_report(args.report, report(got, seconds))
    print(json.dumps(got, indent=1))
    failed = (got["lost"] or got["handled"] != got["typed"] or got["unsent"]
              or got["tracebacks"] or got["fuzz"].get("exceptions"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
