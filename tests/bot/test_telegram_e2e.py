"""The Telegram bot as a real subprocess (`python bot.py telegram`) against a fake Bot API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storage
from tests.bot.fake_server import BotProcess
from tests.bot.fake_telegram import TOKEN, FakeTelegram

ALICE, BOB = 111, 222


def telegram_bot(fake: FakeTelegram, database: Path) -> BotProcess:
    """`python bot.py telegram` with its Bot API pointed at the fake."""
    return BotProcess("telegram", database, {"TELEGRAM_BOT_TOKEN": TOKEN,
                                             "TELEGRAM_API_URL": fake.url,
                                             "TELEGRAM_WEBHOOK_URL": ""})


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def bot(fake, tmp_path):
    process = telegram_bot(fake, tmp_path / "coach.db")
    yield process
    if process.process.poll() is None:
        process.stop()
    log = (tmp_path / "coach.log").read_text()
    assert TOKEN not in log, "the bot token leaked into the log"


def test_commands_are_registered_in_french_and_english(fake, bot):
    calls = fake.wait_for(lambda: len(fake.sent("setMyCommands")) >= 2 and
                          fake.sent("setMyCommands"), what="setMyCommands")
    by_language = {c["language_code"]: json.loads(c["commands"]) for c in calls}
    assert {c["command"] for c in by_language["fr"]} >= {"start", "plan", "back", "help",
                                                         "restart", "language", "export",
                                                         "delete"}
    assert by_language["en"][0]["description"] == "Start or resume"
    [menu] = fake.wait_for(lambda: fake.sent("setChatMenuButton"), what="the menu button")
    assert json.loads(menu["menu_button"]) == {"type": "commands"}
    assert "chat_id" not in menu  # every private chat's default


def test_a_whole_interview_by_buttons_and_typing(fake, bot, tmp_path):
    fake.type(ALICE, "/start")
    question = fake.wait_for_text(ALICE, "Quel est votre objectif principal")
    assert "1/5 · POURQUOI" in question["text"]
    fake.press(ALICE, question, "Trouver des clients (contacts, ventes)")
    fake.wait_for_text(ALICE, "Quel résultat chiffré")
    edited = fake.messages[question["message_id"]]
    assert "→ Trouver des clients (contacts, ventes)" in edited["text"]
    assert "reply_markup" not in edited  # the choice is shown, the buttons are gone

    fake.type(ALICE, "10 devis par mois d'ici 3 mois")
    fake.press(ALICE, fake.wait_for_text(ALICE, "Qui sont vos clients ?"), "Des entreprises")
    typed = fake.wait_for_text(ALICE, "client idéal")  # answered by typing: an example
    assert typed["force_reply"] == {  # sent as reply_markup; a message keeps none of it
        "force_reply": True, "input_field_placeholder": "Ex. : gérants de restaurants à Lyon"}
    fake.type(ALICE, "Restaurants <b>indépendants</b> & bistrots")
    fake.type(ALICE, "/skip")
    networks = fake.wait_for_text(ALICE, "Où vos clients passent-ils")
    fake.press(ALICE, networks, "LinkedIn")
    toggled = fake.wait_for(lambda: "✅ LinkedIn" in json.dumps(
        fake.messages[networks["message_id"]].get("reply_markup", {}), ensure_ascii=False),
        what="a check mark on LinkedIn")
    assert toggled
    fake.press(ALICE, fake.messages[networks["message_id"]], "Valider")
    kind = fake.wait_for_text(ALICE, "Quel genre d'activité")
    fake.press(ALICE, kind, "Services aux entreprises (conseil, agence…)")
    where = fake.wait_for_text(ALICE, "Sur quels réseaux")
    fake.press(ALICE, where, "LinkedIn")
    fake.wait_for(lambda: "✅" in json.dumps(fake.messages[where["message_id"]],
                                             ensure_ascii=False), what="check mark")
    fake.press(ALICE, fake.messages[where["message_id"]], "Valider")
    fake.wait_for_text(ALICE, "Qui sera responsable")
    for answer, next_text in [("Julie", "Combien d'heures"), ("4", "Combien coûte une heure"),
                              ("45", "Quel budget annuel"), ("3k", "combien vous rapporte"),
                              ("2 000 €", "Votre stratégie")]:
        fake.type(ALICE, answer)
        fake.wait_for_text(ALICE, next_text)
    plan = fake.wait_for_text(ALICE, "Votre stratégie")
    assert "Restaurants &lt;b&gt;indépendants&lt;/b&gt; &amp; bistrots" in plan["text"]
    assert fake.sent("sendMessage")[-1]["parse_mode"] == "HTML"
    fake.press(ALICE, plan, "Valider le plan")
    fake.wait_for_text(ALICE, "Plan validé")

    db = storage.open_database(str(tmp_path / "coach.db"))
    user = storage.load_user(db, "telegram", str(ALICE))
    assert user.state == "plan_confirmed"
    assert user.answers["networks"] == ["linkedin"]
    assert user.answers["budget"] == {"yearly": 3000.0}
    assert (user.answers["business_kind"], user.answers["result_value"]) == ("b2b", 2000)


def test_a_stale_button_gets_already_answered_and_changes_nothing(fake, bot, tmp_path):
    fake.type(ALICE, "/start")
    question = fake.wait_for_text(ALICE, "objectif principal")
    fake.press(ALICE, question, "Recruter")
    fake.wait_for_text(ALICE, "Quel résultat chiffré")
    fake.press(ALICE, question, "Me faire connaître (notoriété)")  # the old keyboard
    answer = fake.wait_for(lambda: [c for c in fake.sent("answerCallbackQuery")
                                    if "déjà" in c.get("text", "")], what="already answered")
    assert answer[0]["text"] == "Cette question a déjà sa réponse : rien n'a changé."
    db = storage.open_database(str(tmp_path / "coach.db"))
    assert storage.load_user(db, "telegram", str(ALICE)).answers["objective"] == {
        "choice": "recruiting"}


def test_a_redelivered_update_is_processed_once(fake, bot, tmp_path):
    fake.type(ALICE, "/start", update_id=50)
    fake.wait_for_text(ALICE, "objectif principal")
    fake.type(ALICE, "2", update_id=51)
    fake.wait_for_text(ALICE, "Quel résultat chiffré")
    fake.type(ALICE, "2", update_id=51)  # Telegram delivers the same update again
    fake.type(ALICE, "/help", update_id=52)
    fake.wait_for_text(ALICE, "Pas de stratégie sans objectif")
    db = storage.open_database(str(tmp_path / "coach.db"))
    assert storage.load_user(db, "telegram", str(ALICE)).state == "asking_target"
    assert len([m for m in fake.sent("sendMessage", ALICE) if "Quel résultat" in m["text"]]) == 2


def test_two_users_at_once_and_an_english_user(fake, bot):
    fake.type(ALICE, "/start")
    fake.type(BOB, "/start", language="en")
    fake.wait_for_text(ALICE, "objectif principal")
    fake.wait_for_text(BOB, "What is your main objective?")
    for _ in range(3):
        fake.type(ALICE, "aide")
    fake.type(BOB, "2", language="en")
    fake.wait_for_text(BOB, "What figure are you aiming for")
    fake.wait_for(lambda: len([m for m in fake.sent("sendMessage", ALICE)
                               if "Partez du pourquoi" in m["text"]]) == 3, what="3 helps")


def test_restart_of_the_bot_mid_interview_resumes(fake, bot, tmp_path):
    fake.type(ALICE, "/start")
    fake.press(ALICE, fake.wait_for_text(ALICE, "objectif principal"), "Recruter")
    fake.wait_for_text(ALICE, "Quel résultat chiffré")
    bot.stop()
    again = telegram_bot(fake, tmp_path / "coach.db")
    try:
        fake.type(ALICE, "/start")
        resumed = fake.wait_for_text(ALICE, "Re-bonjour")
        assert "Quel résultat chiffré" in resumed["text"]
    finally:
        again.stop()


def test_in_a_group_the_bot_invites_by_a_deep_link_that_starts_in_private(fake, bot,
                                                                          tmp_path):
    fake.type(ALICE, "/start", chat_type="group")
    invite = fake.wait_for_text(-ALICE, "conversation privée")
    assert "https://t.me/coach_test_bot?start=group" in invite["text"]
    fake.type(ALICE, "/start group")  # what Telegram sends when Start is pressed there
    fake.wait_for_text(ALICE, "objectif principal")
    db = storage.open_database(str(tmp_path / "coach.db"))
    assert storage.load_user(db, "telegram", str(ALICE)).start_payload == "group"


def test_export_is_sent_as_a_json_document(fake, bot):
    fake.type(ALICE, "/start")
    fake.wait_for_text(ALICE, "objectif principal")
    fake.type(ALICE, "/export")
    document = fake.wait_for(lambda: fake.sent("sendDocument", ALICE), what="sendDocument")
    actions = fake.sent("sendChatAction", ALICE)
    assert actions and actions[-1]["action"] == "upload_document"  # shown while it uploads
    data = json.loads(document[0]["document"])
    assert data["user"]["platform_user_id"] == str(ALICE)


def test_delete_asks_with_buttons(fake, bot, tmp_path):
    fake.type(ALICE, "/start")
    fake.wait_for_text(ALICE, "objectif principal")
    fake.type(ALICE, "/delete")
    confirm = fake.wait_for_text(ALICE, "Supprimer définitivement")
    fake.press(ALICE, confirm, "Oui")
    fake.wait_for_text(ALICE, "tout ce que je gardais sur vous est supprimé")
    db = storage.open_database(str(tmp_path / "coach.db"))
    assert storage.load_user(db, "telegram", str(ALICE)) is None


def test_a_429_is_waited_out_and_the_message_still_arrives(fake, bot):
    fake.type(ALICE, "/start")
    fake.wait_for_text(ALICE, "objectif principal")
    fake.throttle_sends = 1
    fake.type(ALICE, "aide")
    fake.wait_for_text(ALICE, "Partez du pourquoi")
    assert len(fake.sent("429")) == 1


def test_settings_change_by_buttons_one_tap_each(fake, tmp_path):
    from flows.coach import Coach
    from tests.bot.test_nudges import confirmed_user
    database = tmp_path / "coach.db"
    store = storage.open_store(str(database))
    confirmed_user(Coach(store), "telegram", str(ALICE))  # a plan confirmed earlier
    store.close()
    process = telegram_bot(fake, database)
    try:
        fake.type(ALICE, "/settings")
        shown = fake.wait_for_text(ALICE, "Jours sans message")
        labels = [b["text"] for row in shown["reply_markup"]["inline_keyboard"] for b in row]
        assert labels == ["Le mardi", "Plus tôt : 08:30", "Plus tard : 09:30",
                          "Pause d'une semaine", "Arrêter le point"]
        fake.press(ALICE, shown, "Plus tard : 09:30")
        again = fake.wait_for_text(ALICE, "chaque lundi à 09:30")
        assert "C'est noté" in again["text"]
        fake.press(ALICE, again, "Arrêter le point")
        stopped = fake.wait_for_text(ALICE, "Le point hebdomadaire est arrêté")
        assert "Reprendre le point" in json.dumps(stopped["reply_markup"], ensure_ascii=False)
        fake.press(ALICE, shown, "Le mardi")  # an old keyboard sets what its label says
        fake.wait_for_text(ALICE, "chaque mardi à 09:30")
    finally:
        process.stop()
    db = storage.open_database(str(database))
    user = storage.load_user(db, "telegram", str(ALICE))
    schedule, _ = storage.checkins.load_schedule(db, user.id)
    assert (schedule.weekday, schedule.at.strftime("%H:%M"), schedule.stopped) == (
        1, "09:30", True)


def test_a_user_who_blocks_the_bot_gets_no_nudges_until_they_come_back(fake, tmp_path):
    import time
    from flows.coach import Coach
    from tests.bot.test_nudges import confirmed_user
    database = tmp_path / "coach.db"
    store = storage.open_store(str(database))
    confirmed_user(Coach(store), "telegram", str(ALICE))
    user_id = store.load_user("telegram", str(ALICE)).id
    store.close()

    def next_checkin():
        db = storage.open_database(str(database))
        try:
            return storage.checkins.load_schedule(db, user_id)[1]
        finally:
            db.close()

    def eventually(predicate, what):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")
    assert next_checkin() is not None
    process = telegram_bot(fake, database)
    try:
        fake.membership(ALICE, "kicked")  # Telegram says: blocked
        eventually(lambda: next_checkin() is None, "the nudges paused")
        fake.membership(ALICE, "member")  # unblocked
        eventually(lambda: next_checkin() is not None, "the nudges resumed")
        fake.blocked.add(ALICE)  # blocked, and Telegram's update never came: a send says so
        fake.type(ALICE, "/settings")
        fake.wait_for(lambda: [c for m, c in fake.calls if m == "403"], what="the 403")
        eventually(lambda: next_checkin() is None, "the nudges paused after a 403")
        fake.blocked.clear()
        fake.type(ALICE, "/settings")  # they write again: reachable
        fake.wait_for_text(ALICE, "Jours sans message")
        eventually(lambda: next_checkin() is not None, "the nudges back")
    finally:
        process.stop()
    log = (tmp_path / "coach.log").read_text()
    assert "Traceback" not in log, log
