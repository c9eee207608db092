"""Secrets and personal data, end to end: `python bot.py` as a subprocess against the
fake Bot API and the fake Slack, over real HTTP."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.bot.fake_server import ROOT, BotProcess, free_port, replies_sent
from tests.bot.fake_slack import SIGNING_SECRET, FakeSlack, SlackUser
from tests.bot.fake_telegram import TOKEN, FakeTelegram
from tests.bot.test_slack_e2e import SlackProcess
from tests.flows.build_messages import FULL_INTERVIEW

ALICE = 111
# Answers no log line and no file may keep: the interview's own texts.
PRIVATE = [answer for answer in FULL_INTERVIEW if len(answer) > 8]


def run_bot(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `python bot.py` to its end; return it with its output."""
    env = {**os.environ, "COACH_DATABASE": str(tmp_path / "coach.db"),
           "TELEGRAM_BOT_TOKEN": "", "SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": "", **env}
    return subprocess.run([sys.executable, "bot.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_webhook_mode_without_a_secret_refuses_to_start_and_says_how_to_make_one(tmp_path):
    done = run_bot({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://x/tg",
                    "TELEGRAM_WEBHOOK_SECRET": "", "PORT": str(free_port())},
                   tmp_path, "telegram")
    assert done.returncode == 2
    assert "TELEGRAM_WEBHOOK_SECRET is not set" in done.stderr
    assert 'python -c "import secrets; print(secrets.token_urlsafe(32))"' in done.stderr
    assert TOKEN not in done.stderr + done.stdout


@pytest.mark.parametrize("status", [401, 404])
def test_a_refused_token_at_start_is_said_without_the_token(tmp_path, status):
    refused = "987654:AAE-a_revoked_token-0123456789abcdefgh"
    with FakeTelegram() as fake:
        fake.refusal = status
        done = run_bot({"TELEGRAM_BOT_TOKEN": refused, "TELEGRAM_API_URL": fake.url,
                        "TELEGRAM_WEBHOOK_URL": "", "COACH_LOG_LEVEL": "DEBUG"},
                       tmp_path, "telegram")
        assert fake.sent("refused") == [{"method": "getMe"}]
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "the Telegram token was refused: check TELEGRAM_BOT_TOKEN" in output
    assert refused not in output and refused.split(":")[1] not in output
    assert "Traceback" not in output


def test_debug_logs_of_a_whole_interview_hold_no_token_and_no_answer(tmp_path):
    with FakeTelegram() as fake:
        bot = BotProcess("telegram", tmp_path / "coach.db", {
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url,
            "TELEGRAM_WEBHOOK_URL": "", "COACH_LOG_LEVEL": "DEBUG"})
        try:
            fake.type(ALICE, "/start")
            fake.wait_for_text(ALICE, "objectif principal")
            for answer in FULL_INTERVIEW:  # each once its question arrived
                update = fake.type(ALICE, answer)
                fake.wait_for(lambda: replies_sent(tmp_path / "coach.db", "telegram",
                                                   update), what="the next question")
            plan = fake.wait_for_text(ALICE, "Votre stratégie", timeout=30)
            fake.press(ALICE, plan, "Valider le plan")
            fake.wait_for_text(ALICE, "Plan validé")
            fake.type(ALICE, "/export")
            fake.wait_for(lambda: fake.sent("sendDocument", ALICE), what="the export")
        finally:
            bot.stop()
    log = bot.log_path.read_text()
    assert " DEBUG " in log and "user 1: plan_confirmed" in log  # DEBUG was on
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    for answer in PRIVATE:
        assert answer not in log, f"an answer reached the log: {answer!r}"


# Delete, while the bot runs
def file_bytes(database: Path) -> bytes:
    """The raw bytes of the database, its -wal and its -shm, as they are now."""
    return b"".join(path.read_bytes() for path in (
        database, database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm")) if path.exists())


def every_cell(database: Path) -> list[tuple[str, str, object]]:
    """(table, column, value) of every cell of every table, read without writing."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        cells = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            cursor = conn.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            cells += [(table, n, v) for row in cursor for n, v in zip(names, row)]
        return cells
    finally:
        conn.close()


def test_delete_after_an_interview_a_checkin_and_a_digest_leaves_nothing(tmp_path):
    database = tmp_path / "coach.db"
    with FakeSlack() as fake:
        app = SlackProcess(fake, database, COACH_LOG_LEVEL="DEBUG").wait_listening()
        try:
            alice, bob = (SlackUser(fake, app.url, "T0ACME", u) for u in ("U0ALICE", "U0BOB"))
            alice.command()
            fake.wait_for_text(alice.dm, "objectif principal")
            events = [f"EvAlice{n}" for n in range(len(FULL_INTERVIEW))]
            for answer, event in zip(FULL_INTERVIEW, events):  # each once its question came
                assert alice.say(answer, event_id=event)[0] == 200
                fake.wait_for(lambda: replies_sent(database, "slack", event),
                              what="the next question")
            alice.press(fake.wait_for_text(alice.dm, "Votre stratégie", timeout=30),
                        "Valider le plan")
            fake.wait_for_text(alice.dm, "Plan validé")
            for answer, expected in [("point", "Faisons le point"), ("3", "se répartissent"),
                                     ("passer", "Combien de demandes"),
                                     ("1", "chiffre d'affaires"), ("0", "Verdict")]:
                alice.say(answer, event_id=f"EvAlice-{answer}")
                fake.wait_for(lambda: replies_sent(database, "slack", f"EvAlice-{answer}"),
                              what="the next question")  # seen before the next answer
                fake.wait_for_text(alice.dm, expected)
            assert alice.command("digest")[0] == 200  # in #general: she sets it up
            assert alice.command("digest oui")[0] == 200
            bob.command()
            fake.wait_for_text(bob.dm, "objectif principal")
            assert FULL_INTERVIEW[3].encode() in file_bytes(database)  # before the delete
            alice.say("supprimer", event_id="EvAlice-delete")
            alice.press(fake.wait_for_text(alice.dm, "Supprimer définitivement"), "Oui")
            fake.wait_for_text(alice.dm, "tout ce que je gardais sur vous est supprimé")
            fake.wait_for(lambda: replies_sent(database, "slack", None),
                          what="the farewell sent, then forgotten")

            data = file_bytes(database)  # the bot still runs
            for answer in PRIVATE:
                assert answer.encode() not in data, f"{answer!r} is still in the files"
            cells = every_cell(database)
            left = [c for c in cells if "U0ALICE" in str(c[2]) or "EvAlice" in str(c[2])]
            assert left == [], left
            assert [c for c in cells if c[:2] == ("digests", "channel")] == [
                ("digests", "channel", "C0GENERAL")]  # the team's digest goes on
            assert any("U0BOB" in str(c[2]) for c in cells)  # Bob's data stays
        finally:
            app.stop()
    log = app.log_path.read_text()
    assert " DEBUG " in log and "xoxb-" not in log
    assert not [line for line in log.splitlines()  # bolt's print whole bodies
                if " DEBUG slack" in line or " DEBUG aiohttp" in line], log
    assert SIGNING_SECRET not in log and "Traceback" not in log, log
    for answer in PRIVATE:
        assert answer not in log


def test_the_http_server_listens_on_host_only(tmp_path):
    with FakeSlack() as fake:
        app = SlackProcess(fake, tmp_path / "coach.db", HOST="127.0.0.2")
        try:
            deadline = time.monotonic() + 20
            while True:  # until it listens on 127.0.0.2
                assert app.process.poll() is None, app.log_path.read_text()
                try:
                    with urllib.request.urlopen(f"http://127.0.0.2:{app.port}/healthz",
                                                timeout=2) as response:
                        assert response.status == 200
                    break
                except OSError:
                    assert time.monotonic() < deadline, "never listened on 127.0.0.2"
                    time.sleep(0.1)
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", app.port), timeout=2).close()
        finally:
            app.stop()


def test_with_an_encryption_key_the_oauth_tokens_are_in_no_file(tmp_path):
    from tests.bot.fake_slack import CLIENT_ID, CLIENT_SECRET
    from tests.bot.test_slack_e2e import install
    database = tmp_path / "coach.db"
    key = "hV2Xw0hYcJzQ9o7oD3hU4c1m0bQpVb3tq3m8y2C6k3A="
    with FakeSlack() as fake:
        app = SlackProcess(fake, database, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID=CLIENT_ID,
                           SLACK_CLIENT_SECRET=CLIENT_SECRET, SLACK_STATE_SECRET="state-s",
                           COACH_ENCRYPTION_KEY=key).wait_listening()
        try:
            fake.tokens.clear()
            fake.codes["the-code"] = "T0ACME"
            assert install(f"http://127.0.0.1:{app.port}")[0] == 200
            alice = SlackUser(fake, app.url, "T0ACME", "U0ALICE")
            alice.command()  # answered with the installation's token, decrypted
            fake.wait_for_text(alice.dm, "objectif principal")
            data = file_bytes(database)
            assert b"slack_bots" in data and b"fernet:" in data
            assert fake.tokens  # the installation's bot token
            assert [t for t in fake.tokens if t.encode() in data] == []
        finally:
            app.stop()
    log = app.log_path.read_text()
    assert key not in log and not [t for t in fake.tokens if t in log]
