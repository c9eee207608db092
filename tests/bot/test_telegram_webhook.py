"""Webhook mode: the bot listens on PORT and refuses requests without the secret."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.bot.fake_server import free_port
from tests.bot.fake_telegram import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-Token_1"


def post(url: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def message(update_id: int, text: str) -> dict:
    user = {"id": 7, "is_bot": False, "first_name": "W", "language_code": "fr"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "chat": {"id": 7, "type": "private"},
        "from": user, "text": text}}


def test_webhook_mode_checks_the_secret(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    with FakeTelegram() as fake:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url,
               "TELEGRAM_WEBHOOK_URL": url, "TELEGRAM_WEBHOOK_SECRET": SECRET,
               "PORT": str(port), "COACH_DATABASE": str(tmp_path / "coach.db")}
        bot = subprocess.Popen([sys.executable, "bot.py", "telegram"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            set_webhook = fake.wait_for(lambda: fake.sent("setWebhook"), what="setWebhook")
            assert set_webhook[0]["url"] == url
            assert set_webhook[0]["secret_token"] == SECRET
            deadline = time.monotonic() + 15
            while post(url, message(1, "/start"), None) != 403:  # until it listens
                assert time.monotonic() < deadline, "webhook server never came up"
                time.sleep(0.2)
            assert post(url, message(2, "/start"), "wrong") == 403
            time.sleep(0.5)
            assert fake.sent("sendMessage", 7) == []

            assert post(url, message(3, "/start"), SECRET) == 200
            # answered once handled: its reply is committed to the outbox, then sent
            fake.wait_for(lambda: any("objectif principal" in m["text"]
                                      for m in fake.sent("sendMessage", 7)), what="reply")
            assert post(url, message(3, "/start"), SECRET) == 200  # a redelivery
            time.sleep(0.5)
            assert len(fake.sent("sendMessage", 7)) == 1
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=20)


async def test_a_call_without_the_right_secret_is_refused_whatever_its_header():
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot import telegram
    for secret in (None, SECRET):  # with none configured, every call is refused
        app = web.Application()
        app.router.add_post("/t", telegram.webhook_handler(None, secret))
        async with TestClient(TestServer(app)) as client:
            for given in ("", "wrong", "é-ü", SECRET + "é"):
                header = given.encode().decode("latin-1")  # as the bytes arrive
                response = await client.post(
                    "/t", json=message(1, "/start"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": header})
                assert response.status == 403, (secret, given)
