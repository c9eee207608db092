"""What else Telegram sends, end to end: recorded payloads (tests/bot/payloads/telegram/,
in the Bot API's documented shapes) pushed to `python bot.py telegram` over the fake Bot
API. Deep links, buttons with no message, no keyboard or foreign data, double taps,
edits, photos and voice notes, channel posts and group service messages.

One bot for the module (each test is its own user); at the end, its log must hold no
failure and nothing may have been sent to a group or a channel.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storage
from bot.telegram import UPDATES, start_command
from tests.bot.fake_server import BotProcess, free_port
from tests.bot.fake_telegram import TOKEN, FakeTelegram
from tests.bot.test_telegram_e2e import telegram_bot
from tests.bot.test_telegram_webhook import SECRET, post

PAYLOADS = Path(__file__).parent / "payloads" / "telegram"
RECORDED_USER = 424242  # the user id in the payload files
GROUP, CHANNEL = -1001234567890, -1009876543210
UNKNOWN_BUTTON = "Ce bouton ne fonctionne plus : rien n'a changé."


def payload(name: str, user: int) -> dict:
    """Return a recorded update from `user`, with a fresh update_id."""
    text = (PAYLOADS / f"{name}.json").read_text(encoding="utf-8")
    update = json.loads(text.replace(str(RECORDED_USER), str(user)))
    update.pop("update_id")
    return update


@pytest.fixture(scope="module")
def fake():
    with FakeTelegram() as server:
        yield server


@pytest.fixture(scope="module")
def bot(fake, tmp_path_factory):
    folder = tmp_path_factory.mktemp("telegram-payloads")
    process = telegram_bot(fake, folder / "coach.db")
    process.folder = folder
    yield process
    process.stop()
    log = (folder / "coach.log").read_text()
    assert TOKEN not in log
    assert "Traceback" not in log and "failed" not in log, log
    assert not fake.sent("sendMessage", GROUP) and not fake.sent("sendMessage", CHANNEL)


def stored(bot, user: int):
    return storage.load_user(storage.open_database(str(bot.folder / "coach.db")), "telegram",
                             str(user))


def toasts(fake, query_id: str) -> list[dict]:
    return [c for c in fake.sent("answerCallbackQuery") if c["callback_query_id"] == query_id]


def test_the_subscribed_update_types_are_the_handled_ones(fake, bot):
    assert UPDATES == ["message", "edited_message", "callback_query", "my_chat_member"]
    fake.wait_for(lambda: fake.allowed_updates, what="getUpdates")
    assert fake.allowed_updates == UPDATES


def test_a_deep_link_starts_and_keeps_its_payload_not_as_an_answer(fake, bot):
    user = 501
    fake.push(payload("start_deep_link", user))
    question = fake.wait_for_text(user, "objectif principal")
    assert question["text"].startswith("Bonjour")
    record = stored(bot, user)
    assert record.start_payload == "ref-newsletter_2026"
    assert (record.state, record.answers) == ("asking_objective", {})


def test_start_with_the_bots_name_resumes_with_or_without_a_payload(fake, bot):
    user = 502
    fake.push(payload("start_at_bot", user))
    fake.wait_for_text(user, "objectif principal")
    fake.type(user, "2")
    fake.wait_for_text(user, "Quel résultat chiffré")
    fake.push(payload("start_at_bot_with_payload", user))
    fake.wait_for(lambda: len([m for m in fake.sent("sendMessage", user)
                               if "Quel résultat chiffré" in m["text"]]) == 2, what="resumed")
    record = stored(bot, user)
    assert record.start_payload == "partner_42"
    assert record.state == "asking_target" and "target" not in record.answers


@pytest.mark.parametrize("name", ["callback_without_message", "callback_inaccessible_message",
                                  "callback_without_keyboard", "callback_foreign_data",
                                  "callback_game"])
def test_a_button_that_is_not_the_coachs_gets_a_toast_and_changes_nothing(fake, bot, name):
    user = 600 + len(name)  # one user per payload (the names' lengths differ)
    fake.type(user, "/start")
    fake.wait_for_text(user, "objectif principal")
    update = payload(name, user)
    fake.push(update)
    [toast] = fake.wait_for(lambda: toasts(fake, update["callback_query"]["id"]),
                            what="the toast")
    assert toast["text"] == UNKNOWN_BUTTON
    record = stored(bot, user)
    assert (record.state, record.answers) == ("asking_objective", {})
    assert len(fake.sent("sendMessage", user)) == 1  # the question, nothing after


def test_a_double_tap_is_handled_once_and_the_second_tap_gets_a_toast(fake, bot):
    user = 701
    fake.type(user, "/start")
    question = fake.wait_for_text(user, "objectif principal")
    fake.press(user, question, "Recruter", query_id="tap-701-1")
    fake.press(user, question, "Recruter", query_id="tap-701-2")  # the same keyboard, again
    [toast] = fake.wait_for(lambda: toasts(fake, "tap-701-2"), what="the second tap's toast")
    assert toast["text"] == "Cette question a déjà sa réponse : rien n'a changé."
    assert "text" not in toasts(fake, "tap-701-1")[0]
    fake.type(user, "/help")
    fake.wait_for_text(user, "Pas de stratégie sans objectif")
    assert len([m for m in fake.sent("sendMessage", user) if "Quel résultat chiffré" in
                m["text"] and "Pas de stratégie" not in m["text"]]) == 1  # not the help's
    assert stored(bot, user).answers == {"objective": {"choice": "recruiting"}}


def test_a_double_tap_on_done_sends_the_ticked_networks_once(fake, bot):
    user = 702
    fake.type(user, "/start")
    for shown, answer in enumerate(["2", "passer", "1", "Des gérants de restaurants",
                                    "passer"], start=1):
        fake.wait_for(lambda: len(fake.sent("sendMessage", user)) >= shown,
                      what="the question")  # each answer once its question came
        fake.type(user, answer)
    networks = fake.wait_for_text(user, "Où vos clients passent-ils")
    fake.press(user, networks, "LinkedIn")
    fake.wait_for(lambda: "✅ LinkedIn" in json.dumps(
        fake.messages[networks["message_id"]].get("reply_markup", {}), ensure_ascii=False),
        what="a check mark")
    ticked = dict(fake.messages[networks["message_id"]])
    fake.press(user, ticked, "Valider", query_id="done-702-1")
    fake.press(user, ticked, "Valider", query_id="done-702-2")
    fake.wait_for(lambda: toasts(fake, "done-702-2"), what="the second tap's toast")
    fake.wait_for_text(user, "Quel genre d'activité")
    assert len([m for m in fake.sent("sendMessage", user)
                if "Quel genre d'activité" in m["text"]]) == 1
    record = stored(bot, user)
    assert record.answers["audience_networks"] == ["linkedin"]
    assert record.state == "asking_business_kind"


def test_an_edited_message_gets_one_line_and_changes_nothing(fake, bot):
    user = 801
    fake.type(user, "/start")
    fake.wait_for_text(user, "objectif principal")
    fake.push(payload("edited_message", user))
    fake.wait_for_text(user, "J'ai bien reçu la modification, mais je garde le message "
                             "d'origine : retapez la réponse si besoin")
    fake.push(payload("edited_message", user))  # edited again: no second line
    fake.type(user, "/help")
    fake.wait_for_text(user, "Partez du pourquoi")
    assert len([m for m in fake.sent("sendMessage", user)
                if "modification" in m["text"]]) == 1
    record = stored(bot, user)
    assert (record.state, record.answers) == ("asking_objective", {})


NOT_TEXT = {"photo": 901, "voice": 902, "sticker": 903, "document": 904, "location": 905,
            "contact": 906}


@pytest.mark.parametrize("name", sorted(NOT_TEXT))
def test_what_is_not_text_gets_a_line_asking_for_text_and_the_question(fake, bot, name):
    user = NOT_TEXT[name]
    fake.type(user, "/start")
    fake.wait_for_text(user, "objectif principal")
    fake.type(user, "2")
    fake.wait_for_text(user, "Quel résultat chiffré")
    fake.push(payload(name, user))
    reply = fake.wait_for_text(user, "Je ne lis que le texte")
    assert reply["text"].startswith("Je ne lis que le texte : tapez votre réponse")
    assert "Quel résultat chiffré" in reply["text"]
    record = stored(bot, user)
    assert record.state == "asking_target" and "target" not in record.answers


def test_channel_posts_group_service_and_business_messages_are_ignored_silently(fake, bot):
    user = 1001
    for name in ["channel_post", "group_new_members", "group_pinned_message", "group_photo",
                 "business_message"]:
        fake.push(payload(name, user))
    fake.type(user, "/start")  # the same user, in private, after them
    fake.wait_for_text(user, "objectif principal")
    assert stored(bot, user).answers == {}  # the business chat's "3" is no answer
    assert len(fake.sent("sendMessage", user)) == 1
    # nothing to the group or the channel, and no failure: checked when the bot stops


def test_the_webhook_takes_the_same_payloads_and_subscribes_to_the_same_types(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    with FakeTelegram() as fake:
        process = BotProcess("telegram", tmp_path / "coach.db", {
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url,
            "TELEGRAM_WEBHOOK_URL": url, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "PORT": str(port)}).wait_listening(port)
        try:
            [webhook] = fake.wait_for(lambda: fake.sent("setWebhook"), what="setWebhook")
            assert json.loads(webhook["allowed_updates"]) == UPDATES
            user = 1101
            for number, name in enumerate(["channel_post", "group_new_members", "photo",
                                           "callback_without_message", "edited_message"]):
                update = {"update_id": 5000 + number, **payload(name, user)}
                assert post(url, update, SECRET) == 200
            fake.wait_for_text(user, "Je ne lis que le texte")
            fake.wait_for_text(user, "J'ai bien reçu la modification")
            [toast] = fake.wait_for(lambda: fake.sent("answerCallbackQuery"), what="a toast")
            assert toast["text"] == UNKNOWN_BUTTON
        finally:
            process.stop()
        log = process.log_path.read_text()
        assert "Traceback" not in log and "failed" not in log, log
        assert not fake.sent("sendMessage", GROUP) and not fake.sent("sendMessage", CHANNEL)


@pytest.mark.parametrize("typed, expected", [
    ("/start", ("/start", None)), ("/start ref_1-a", ("/start", "ref_1-a")),
    ("/start@coach_test_bot ref", ("/start", "ref")), ("/START", ("/start", None)),
    ("/start hello world", ("/start", None)),  # typed by hand: a start, no payload
    ("/start " + "a" * 65, ("/start", None)), ("/startup", ("/startup", None)),
    ("start something", ("start something", None))])
def test_start_is_read_with_its_payload_apart(typed, expected):
    assert start_command(typed) == expected
