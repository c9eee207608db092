"""`python bot.py` with Telegram and Slack credentials runs both in one process."""

from __future__ import annotations

import urllib.request

from tests.bot.fake_server import BotProcess, free_port
from tests.bot.fake_slack import SIGNING_SECRET, FakeSlack, SlackUser
from tests.bot.fake_telegram import TOKEN, FakeTelegram
from tests.bot.test_telegram_webhook import SECRET, message, post


def test_one_process_answers_on_telegram_and_on_slack(tmp_path):
    with FakeTelegram() as telegram, FakeSlack() as slack:
        port = free_port()
        process = BotProcess(None, tmp_path / "coach.db", {
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": telegram.url,
            "TELEGRAM_WEBHOOK_URL": "", "SLACK_BOT_TOKEN": slack.add_team("T0ACME"),
            "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.url,
            "SLACK_APP_TOKEN": "", "PORT": str(port)})
        try:
            process.wait_listening(port)
            telegram.type(111, "/start")
            telegram.wait_for_text(111, "objectif principal")
            alice = SlackUser(slack, f"http://127.0.0.1:{port}/slack/events", "T0ACME",
                              "U0ALICE")
            assert alice.command()[0] == 200
            slack.wait_for_text(alice.dm, "objectif principal")
        finally:
            process.stop()
        log = process.log_path.read_text()
        assert "telegram: running (long polling)" in log and "/slack/events" in log
        assert "Traceback" not in log


def test_the_telegram_webhook_slack_and_healthz_share_one_port(tmp_path):
    with FakeTelegram() as telegram, FakeSlack() as slack:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = BotProcess(None, tmp_path / "coach.db", {
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": telegram.url,
            "TELEGRAM_WEBHOOK_URL": f"{base}/telegram", "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "SLACK_BOT_TOKEN": slack.add_team("T0ACME"), "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.url, "SLACK_APP_TOKEN": "", "PORT": str(port)})
        try:
            process.wait_listening(port)
            with urllib.request.urlopen(f"{base}/healthz", timeout=10) as health:
                assert (health.status, health.read()) == (200, b"ok")
            assert post(f"{base}/telegram", message(1, "/start"), "wrong") == 403
            assert post(f"{base}/telegram", message(2, "/start"), SECRET) == 200
            telegram.wait_for_text(7, "objectif principal")
            alice = SlackUser(slack, f"{base}/slack/events", "T0ACME", "U0ALICE")
            assert alice.command()[0] == 200
            slack.wait_for_text(alice.dm, "objectif principal")
        finally:
            process.stop()
        assert "Traceback" not in process.log_path.read_text()
