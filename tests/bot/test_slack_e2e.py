"""The Slack app as a real subprocess (`python bot.py slack`), over real HTTP.

Signed slash commands, button presses and direct-message events are posted to the app;
its Web API client talks to a fake Slack on 127.0.0.1.
"""

from __future__ import annotations

import json
import sqlite3
import re
import signal
from datetime import datetime, timezone
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import storage
from tests.bot.fake_slack import (APP_TOKEN, CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET,
                                  FakeSlack, SlackUser, sign)
from tests.bot.fake_server import BotProcess, free_port, replies_sent

TEAM, OTHER_TEAM = "T0ACME", "T0BETA"
ALICE = "U0ALICE"


class SlackProcess(BotProcess):
    """`python bot.py slack` with its Web API pointed at the fake."""

    def __init__(self, fake: FakeSlack, database: Path, **env) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/slack/events"
        super().__init__("slack", database, {
            "SLACK_BOT_TOKEN": fake.add_team(TEAM), "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.url, "SLACK_APP_TOKEN": "", "SLACK_CLIENT_SECRET": "",
            "SLACK_STATE_SECRET": "", "PORT": str(self.port), **env})

    def wait_listening(self) -> "SlackProcess":
        super().wait_listening(self.port)
        return self


@pytest.fixture
def fake():
    with FakeSlack() as server:
        yield server


@pytest.fixture
def app(fake, tmp_path):
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    yield process
    if process.process.poll() is None:
        process.stop()
    log = process.log_path.read_text()
    assert "xoxb-" not in log and SIGNING_SECRET not in log, "a secret leaked into the log"
    assert "Traceback" not in log, log


@pytest.fixture
def alice(fake, app):
    return SlackUser(fake, app.url, TEAM, ALICE)


def load(tmp_path: Path, key: str):
    return storage.load_user(storage.open_database(str(tmp_path / "coach.db")), "slack", key)


def test_a_whole_interview_by_slash_command_buttons_and_dm_text(fake, alice, tmp_path):
    fake.timezones[ALICE] = "America/Montreal"  # her Slack profile's time zone
    assert alice.command()[0] == 200
    question = fake.wait_for_text(alice.dm, "Quel est votre objectif principal")
    assert "1/5 · POURQUOI" in question["text"]
    note = fake.wait_for(lambda: fake.responses, what="the ephemeral answer")[0]
    assert note["response_type"] == "ephemeral"
    assert f"slack://channel?team={TEAM}&id={alice.dm}" in note["text"]

    assert alice.press(question, "Trouver des clients (contacts, ventes)")[0] == 200
    fake.wait_for_text(alice.dm, "Quel résultat chiffré")
    edited = fake.messages[(alice.dm, question["ts"])]
    assert "→ Trouver des clients (contacts, ventes)" in json.dumps(edited["blocks"],
                                                                     ensure_ascii=False)
    assert not [b for b in edited["blocks"] if b["type"] == "actions"]  # buttons gone

    alice.say("10 devis par mois d'ici 3 mois")
    alice.press(fake.wait_for_text(alice.dm, "Qui sont vos clients ?"), "Des entreprises")
    fake.wait_for_text(alice.dm, "client idéal")
    alice.say("Restaurants &lt;b&gt;indépendants&lt;/b&gt; &amp; bistrots")  # as Slack sends
    fake.wait_for_text(alice.dm, "principal problème")
    alice.say("passer")
    audience = fake.wait_for_text(alice.dm, "Où vos clients passent-ils")
    alice.tick_and_submit(audience, ["LinkedIn", "Facebook"], "Valider")
    kind = fake.wait_for_text(alice.dm, "Quel genre d'activité")
    alice.press(kind, "Services aux entreprises (conseil, agence…)")
    where = fake.wait_for_text(alice.dm, "Sur quels réseaux")
    alice.tick_and_submit(where, ["LinkedIn"], "Valider")
    fake.wait_for_text(alice.dm, "Qui sera responsable")
    alice.command("Julie")  # an answer typed as `/coach <answer>`
    for answer, next_text in [("4", "Combien coûte une heure"), ("45", "Quel budget annuel"),
                              ("3k", "combien vous rapporte"), ("passer", "Votre stratégie")]:
        assert alice.say(answer)[0] == 200
        fake.wait_for_text(alice.dm, next_text)
    plan = fake.wait_for_text(alice.dm, "Votre stratégie")
    shown = json.dumps(plan["blocks"], ensure_ascii=False)
    assert "Restaurants &lt;b&gt;indépendants&lt;/b&gt; &amp; bistrots" in shown
    alice.press(plan, "Valider le plan")
    confirmed = fake.wait_for_text(alice.dm, "Plan validé")
    assert "chaque lundi à 09:00 (America/Montreal)" in confirmed["text"]
    assert "fuseau horaire de votre profil (America/Montreal)" in confirmed["text"]

    user = load(tmp_path, f"{TEAM}:{ALICE}")
    assert user.state == "plan_confirmed"
    assert user.answers["customer"] == "Restaurants <b>indépendants</b> & bistrots"
    assert sorted(user.answers["audience_networks"]) == ["facebook", "linkedin"]
    assert user.answers["champion"] == "Julie"
    assert user.answers["budget"] == {"yearly": 3000.0}
    db = storage.open_database(str(tmp_path / "coach.db"))
    assert storage.checkins.load_schedule(db, user.id)[0].timezone == "America/Montreal"


def test_commands_work_as_slash_command_arguments(fake, alice, tmp_path):
    alice.command()
    fake.wait_for_text(alice.dm, "objectif principal")
    alice.command("plan")
    fake.wait_for_text(alice.dm, "Encore")
    alice.command("language en")
    fake.wait_for_text(alice.dm, "What is your main objective")
    alice.command("aide")
    fake.wait_for_text(alice.dm, "What you can type at any time")
    alice.command("export")
    export = fake.wait_for(lambda: [f for f in fake.files.values() if "channel" in f],
                           what="an uploaded export")[0]
    assert export["channel"] == alice.dm and export["filename"].endswith(".json")
    assert json.loads(export["content"])["user"]["language"] == "en"
    alice.command("delete")
    confirm = fake.wait_for_text(alice.dm, "Delete everything I keep")
    alice.press(confirm, "Yes")
    fake.wait_for_text(alice.dm, "everything I kept about you is deleted")
    assert load(tmp_path, f"{TEAM}:{ALICE}") is None


def test_the_language_follows_the_slack_locale(fake, app):
    fake.locales["U0BOB"] = "en-GB"
    bob = SlackUser(fake, app.url, TEAM, "U0BOB")
    bob.command()
    fake.wait_for_text(bob.dm, "What is your main objective")
    note = fake.wait_for(lambda: fake.responses, what="the ephemeral answer")[0]
    assert note["text"].startswith("We carry on in our direct messages")


def test_a_stale_button_gets_already_answered_and_changes_nothing(fake, alice, tmp_path):
    alice.command()
    question = fake.wait_for_text(alice.dm, "objectif principal")
    alice.press(question, "Recruter")
    fake.wait_for_text(alice.dm, "Quel résultat chiffré")
    alice.press(question, "Me faire connaître (notoriété)")  # the old buttons
    stale = fake.wait_for(lambda: fake.ephemeral, what="an ephemeral notice")[0]
    assert stale["text"] == "Cette question a déjà sa réponse : rien n'a changé."
    assert stale["user"] == ALICE and stale["channel"] == alice.dm
    assert load(tmp_path, f"{TEAM}:{ALICE}").answers["objective"] == {"choice": "recruiting"}


def test_forged_and_stale_requests_are_refused_and_change_nothing(fake, alice, tmp_path):
    body = alice.command_body()
    now = int(time.time())
    forged = sign(body, now, secret="not-the-secret")
    assert alice.post(body, "application/x-www-form-urlencoded", now, forged)[0] == 401
    stale = now - 600
    assert alice.post(body, "application/x-www-form-urlencoded", stale,
                      sign(body, stale))[0] == 401
    time.sleep(0.5)
    assert not fake.sent("chat.postMessage") and not fake.responses
    assert load(tmp_path, f"{TEAM}:{ALICE}") is None


def test_a_retried_event_is_acknowledged_and_handled_once(fake, alice):
    alice.command()
    fake.wait_for_text(alice.dm, "objectif principal")
    before = len(fake.sent("chat.postMessage"))
    assert alice.say("aide", event_id="Ev0RETRY")[0] == 200
    fake.wait_for(lambda: len(fake.sent("chat.postMessage")) > before, what="the help")
    status, _ = alice.say("aide", event_id="Ev0RETRY",
                          headers={"X-Slack-Retry-Num": "1",
                                   "X-Slack-Retry-Reason": "http_timeout"})
    assert status == 200
    time.sleep(1)
    assert len(fake.sent("chat.postMessage")) == before + 1


def test_the_apps_own_messages_and_other_channels_are_ignored(fake, alice):
    alice.command()
    fake.wait_for_text(alice.dm, "objectif principal")
    before = len(fake.sent("chat.postMessage"))
    body = json.loads(alice.event_body("Recruter"))
    body["event"]["bot_id"] = "BCOACH"
    body["event"]["user"] = "UBOTCOACH"
    assert alice.post(json.dumps(body).encode(), "application/json")[0] == 200
    body = json.loads(alice.event_body("Recruter"))
    body["event"]["channel_type"], body["event"]["channel"] = "channel", "C0GENERAL"
    assert alice.post(json.dumps(body).encode(), "application/json")[0] == 200
    time.sleep(1)
    assert len(fake.sent("chat.postMessage")) == before


def queued(tmp_path, text: str) -> bool:
    """Tell whether a reply containing `text` was written to the outbox."""
    with sqlite3.connect(tmp_path / "coach.db") as conn:
        return any(text in row[0] for row in conn.execute("SELECT reply FROM outbox"))


def test_two_members_at_once_each_answers_filed_under_their_questions(fake, app, alice,
                                                                      tmp_path):
    bob = SlackUser(fake, app.url, TEAM, "U0BOB")
    alice.command()
    bob.command()
    fake.wait_for_text(alice.dm, "objectif principal")
    fake.wait_for_text(bob.dm, "objectif principal")
    for text, shown in (("1", "Quel résultat chiffré"), ("10 devis par mois", "Qui sont vos"),
                        ("1", "client idéal")):
        alice.say(text)
        fake.wait_for_text(alice.dm, shown)
    assert load(tmp_path, f"{TEAM}:U0BOB").answers == {}
    assert load(tmp_path, f"{TEAM}:{ALICE}").answers["audience_type"] == "b2b"


def test_an_answer_typed_before_its_question_was_seen_is_asked_again(fake, app, alice,
                                                                     tmp_path):
    alice.command()
    fake.wait_for_text(alice.dm, "objectif principal")
    fake.throttle["chat.postMessage"] = 10_000  # 429s: the next question does not go
    alice.say("1")
    fake.wait_for(lambda: load(tmp_path, f"{TEAM}:{ALICE}").answers.get("objective"),
                  what="the objective stored")
    alice.say("10 devis par mois")  # typed before she saw « Quel résultat chiffré »
    fake.wait_for(lambda: queued(tmp_path, "pas pris votre message comme réponse"),
                  what="the question asked again")
    assert "target" not in load(tmp_path, f"{TEAM}:{ALICE}").answers
    fake.throttle["chat.postMessage"] = 0  # Slack is back: the outbox sends the re-ask
    again = fake.wait_for_text(alice.dm, "pas pris votre message comme réponse")
    assert "Quel résultat chiffré" in again["text"]
    texts = [m["text"] for m in fake.messages.values() if m["channel"] == alice.dm]
    # the re-ask replaced the question that never went out: it comes once, in the re-ask
    assert texts[-1] == again["text"]
    assert not any("Quel résultat chiffré" in text for text in texts[:-1])


def test_a_failing_slack_call_gets_a_kind_reply_and_loses_no_answer(fake, tmp_path):
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    try:
        alice = SlackUser(fake, process.url, TEAM, ALICE)
        alice.command()
        question = fake.wait_for_text(alice.dm, "objectif principal")
        fake.fail["chat.update"] = 1  # the pressed message keeps its buttons
        alice.press(question, "Recruter")
        fake.wait_for_text(alice.dm, "Quel résultat chiffré")  # the answer counted
        assert load(tmp_path, f"{TEAM}:{ALICE}").answers["objective"] == {
            "choice": "recruiting"}
        fake.fail["users.info"] = 0
        fake.fail["conversations.open"] = 1
        bob = SlackUser(fake, process.url, TEAM, "U0BOB")
        bob.command()  # fails before the coach hears it: the apology says how to start
        sorry = fake.wait_for_text("DT0ACMEU0BOB", "Désolé, un souci de mon côté")
        assert "tapez /start pour revoir la question" in sorry["text"]
    finally:
        process.stop()
    assert "slack request from U0BOB failed" in process.log_path.read_text()


def test_a_429_from_slack_is_waited_out(fake, alice):
    fake.throttle["chat.postMessage"] = 1
    alice.command()
    fake.wait_for_text(alice.dm, "objectif principal", timeout=20)
    assert [c for c in fake.calls if c[0] == "429"]


def test_a_restart_resumes_the_interview(fake, tmp_path):
    first = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    alice = SlackUser(fake, first.url, TEAM, ALICE)
    alice.command()
    alice.press(fake.wait_for_text(alice.dm, "objectif principal"), "Recruter")
    fake.wait_for_text(alice.dm, "Quel résultat chiffré")
    first.stop(signal.SIGKILL)
    second = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    try:
        alice = SlackUser(fake, second.url, TEAM, ALICE)
        alice.command()
        fake.wait_for_text(alice.dm, "On reprend où vous en étiez")
    finally:
        second.stop()


def test_socket_mode_answers_a_slash_command_over_the_websocket(fake, tmp_path):
    process = SlackProcess(fake, tmp_path / "coach.db", SLACK_APP_TOKEN=APP_TOKEN,
                           SLACK_SIGNING_SECRET="")
    try:
        fake.wait_for(lambda: fake.sent("apps.connections.open"), what="a connection")
        time.sleep(0.5)
        alice = SlackUser(fake, "", TEAM, ALICE)
        payload = dict(urllib.parse.parse_qsl(alice.command_body().decode()))
        fake.push_socket({"envelope_id": "env-1", "type": "slash_commands",
                          "accepts_response_payload": True, "payload": payload})
        ack = fake.wait_for(lambda: [a for a in fake.socket_acks
                                     if a.get("envelope_id") == "env-1"], what="the ack")
        assert ack
        fake.wait_for_text(alice.dm, "objectif principal")
    finally:
        process.stop()


def install(base: str, state_cookie: bool = True, tamper: bool = False) -> tuple[int, str]:
    """Walk Slack's OAuth install as a browser: the install page, then the redirect."""
    with urllib.request.urlopen(f"{base}/slack/install", timeout=10) as page:
        html = page.read().decode()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    state = re.search(r"state=([^&\"]+)", html).group(1)
    if tamper:
        state = state[:-1] + ("0" if state[-1] != "0" else "1")
    request = urllib.request.Request(
        f"{base}/slack/oauth_redirect?code=the-code&state={state}",
        headers={"Cookie": cookie if state_cookie else ""})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_oauth_installs_two_workspaces_that_never_share_data(fake, tmp_path):
    process = SlackProcess(fake, tmp_path / "coach.db", SLACK_BOT_TOKEN="",
                           SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                           SLACK_STATE_SECRET="state-secret").wait_listening()
    fake.tokens.clear()
    base = f"http://127.0.0.1:{process.port}"
    try:
        fake.codes["the-code"] = OTHER_TEAM
        assert install(base, tamper=True)[0] >= 400  # a forged state installs nothing
        status, page = install(base)
        assert status == 200, page
        assert fake.sent("oauth.v2.access")
        fake.codes["the-code"] = TEAM
        assert install(base)[0] == 200

        acme = SlackUser(fake, process.url, TEAM, ALICE)
        beta = SlackUser(fake, process.url, OTHER_TEAM, ALICE)  # the same user id
        fake.locales[ALICE] = "fr-FR"
        acme.command()
        beta.command("language en")
        acme.press(fake.wait_for_text(acme.dm, "objectif principal"), "Recruter")
        fake.wait_for_text(acme.dm, "Quel résultat chiffré")
        fake.wait_for_text(beta.dm, "What is your main objective")
        assert load(tmp_path, f"{TEAM}:{ALICE}").answers == {"objective": {"choice": "recruiting"}}
        other = load(tmp_path, f"{OTHER_TEAM}:{ALICE}")
        assert other.answers == {} and other.language == "en"
        # each workspace is answered with its own installation's token
        posts = [(p["channel"], team) for m, p, team in fake.calls if m == "chat.postMessage"]
        assert {(acme.dm, TEAM), (beta.dm, OTHER_TEAM)} == set(posts)
        db = storage.open_database(str(tmp_path / "coach.db"))
        assert {r["team_id"] for r in db["slack_bots"].rows} == {TEAM, OTHER_TEAM}
    finally:
        process.stop()



def test_oauth_on_postgresql_installs_through_one_worker_and_any_worker_answers(fake, tmp_path,
                                                                               pg_url):
    oauth = dict(SLACK_BOT_TOKEN="", SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                 SLACK_STATE_SECRET="state-secret", COACH_DATABASE=pg_url)
    workers = [SlackProcess(fake, tmp_path / f"worker{n}.db", **oauth) for n in (1, 2)]
    fake.tokens.clear()
    try:
        first, second = (w.wait_listening() for w in workers)
        # the install page from one worker, Slack's redirect to the other
        with urllib.request.urlopen(f"http://127.0.0.1:{first.port}/slack/install",
                                    timeout=10) as page:
            html, cookie = page.read().decode(), page.headers["Set-Cookie"].split(";")[0]
        state = re.search(r"state=([^&\"]+)", html).group(1)
        fake.codes["the-code"] = TEAM
        redirect = urllib.request.Request(
            f"http://127.0.0.1:{second.port}/slack/oauth_redirect?code=the-code&state={state}",
            headers={"Cookie": cookie})
        with urllib.request.urlopen(redirect, timeout=10) as response:
            assert response.status == 200
        alice = SlackUser(fake, first.url, TEAM, ALICE)
        alice.command()
        alice.press(fake.wait_for_text(alice.dm, "objectif principal"), "Recruter")
        fake.wait_for_text(alice.dm, "Quel résultat chiffré")
        SlackUser(fake, second.url, TEAM, ALICE).command()
        fake.wait_for_text(alice.dm, "On reprend où vous en étiez")
        from storage.postgres import open_postgres
        store = open_postgres(pg_url, min_size=1, max_size=1)
        try:
            user = store.load_user("slack", f"{TEAM}:{ALICE}")
            bots = store.slack_installations(CLIENT_ID).find_bot(enterprise_id=None,
                                                                 team_id=TEAM)
        finally:
            store.close()
        assert user.answers == {"objective": {"choice": "recruiting"}}
        assert bots is not None and bots.team_id == TEAM
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.stop()
    for worker in workers:
        log = worker.log_path.read_text()
        assert "Traceback" not in log and "xoxb-" not in log, log


def test_an_uninstalled_workspace_gets_nothing(fake, tmp_path):
    process = SlackProcess(fake, tmp_path / "coach.db", SLACK_BOT_TOKEN="",
                           SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                           SLACK_STATE_SECRET="state-secret").wait_listening()
    try:
        stranger = SlackUser(fake, process.url, "T0NOBODY", ALICE)
        status, _ = stranger.command()
        assert status == 200  # bolt answers an unknown workspace with a polite ephemeral
        time.sleep(0.5)
        assert not fake.sent("chat.postMessage")
        assert load(tmp_path, f"T0NOBODY:{ALICE}") is None
    finally:
        process.stop()


def test_a_message_acknowledged_but_not_handled_before_a_kill_is_handled_at_start(
        fake, tmp_path):
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    alice = SlackUser(fake, process.url, TEAM, ALICE)
    alice.command()
    fake.wait_for_text(alice.dm, "objectif principal")
    assert alice.say("aide", event_id="Ev0HELP")[0] == 200
    fake.wait_for_text(alice.dm, "Partez du pourquoi")
    fake.wait_for(lambda: replies_sent(tmp_path / "coach.db", "slack", "Ev0HELP"),
                  what="the question known to be shown")  # what the coach checks
    with sqlite3.connect(tmp_path / "coach.db") as conn:  # stored before the ack, handled
        assert conn.execute("SELECT handled_at IS NOT NULL FROM inbox WHERE delivery = "
                            "'Ev0HELP'").fetchone() == (1,)
    process.stop(signal.SIGKILL)
    # Slack heard 200 for « 1 » and the worker died before handling it: kept in the inbox
    store = storage.open_store(str(tmp_path / "coach.db"))
    store.receive("slack", [("Ev0KEPT", f"{TEAM}:{ALICE}", {"text": "1",
                                                            "channel": alice.dm})],
                  datetime.now(timezone.utc))
    store.close()
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    try:
        fake.wait_for_text(alice.dm, "Quel résultat chiffré")  # handled first, at start
        assert load(tmp_path, f"{TEAM}:{ALICE}").answers["objective"] == {
            "choice": "awareness"}
    finally:
        process.stop()


def test_a_command_acknowledged_but_not_handled_before_a_kill_is_handled_at_start(
        fake, tmp_path):
    import sqlite3
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    alice = SlackUser(fake, process.url, TEAM, ALICE)
    try:
        alice.command()  # kept in the inbox before its ack, marked handled after
        fake.wait_for_text(alice.dm, "objectif principal")
        fake.wait_for(lambda: replies_sent(tmp_path / "coach.db", "slack", None),
                      what="the question known to be shown")  # what the coach checks
        with sqlite3.connect(tmp_path / "coach.db") as conn:
            rows = conn.execute("SELECT delivery, handled_at IS NOT NULL FROM inbox "
                                "WHERE delivery LIKE 'command:%'").fetchall()
        assert len(rows) == 1 and rows[0][1] == 1
    finally:
        process.stop(signal.SIGKILL)
    # Slack heard 200 for « /coach 1 » and the worker died before handling it
    store = storage.open_store(str(tmp_path / "coach.db"))
    store.receive("slack", [("command:kept", f"{TEAM}:{ALICE}", {"command": "1"})],
                  datetime.now(timezone.utc))
    store.close()
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    try:
        fake.wait_for_text(alice.dm, "Quel résultat chiffré")  # handled first, at start
        assert load(tmp_path, f"{TEAM}:{ALICE}").answers["objective"] == {
            "choice": "awareness"}
    finally:
        process.stop()


def test_a_press_acknowledged_but_not_handled_before_a_kill_is_handled_at_start(
        fake, tmp_path):
    import sqlite3
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    alice = SlackUser(fake, process.url, TEAM, ALICE)
    try:
        alice.command()
        question = fake.wait_for_text(alice.dm, "objectif principal")
        alice.press(question, "Recruter")  # kept before its ack, marked handled after
        fake.wait_for_text(alice.dm, "Quel résultat chiffré")
        fake.wait_for(lambda: replies_sent(tmp_path / "coach.db", "slack", None),
                      what="the question known to be shown")  # what the coach checks
        with sqlite3.connect(tmp_path / "coach.db") as conn:
            rows = conn.execute("SELECT handled_at IS NOT NULL FROM inbox WHERE delivery "
                                "LIKE 'action:%'").fetchall()
        assert rows == [(1,)]
    finally:
        process.stop(signal.SIGKILL)
    store = storage.open_store(str(tmp_path / "coach.db"))
    store.receive("slack", [("action:kept", f"{TEAM}:{ALICE}", {
        "prompt": "target", "values": ["x"]})], datetime.now(timezone.utc))
    store.receive("slack", [("action:kept2", f"{TEAM}:{ALICE}", {  # an old question's
        "prompt": "objective", "values": ["awareness"]})], datetime.now(timezone.utc))
    store.close()
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    try:
        fake.wait_for(lambda: not storage.open_store(str(tmp_path / "coach.db")).unhandled(
            "slack"), what="the kept presses handled at start")
        assert load(tmp_path, f"{TEAM}:{ALICE}").answers["objective"] == {
            "choice": "recruiting"}  # a press on an answered question changes nothing
    finally:
        process.stop()


def test_home_buttons_and_modals_acknowledged_but_not_handled_before_a_kill_are_handled_at_start(
        fake, tmp_path):
    from flows.coach import Coach
    from tests.bot.test_nudges import confirmed_user
    key = f"{TEAM}:{ALICE}"
    coach = Coach(storage.open_store(str(tmp_path / "coach.db")), "fr", "Europe/Paris")
    confirmed_user(coach, "slack", key)
    user_id = coach.store.load_user("slack", key).id
    coach.store.close()
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    alice = SlackUser(fake, process.url, TEAM, ALICE)
    try:
        alice.open_home()
        home = fake.wait_for(lambda: fake.home.get(ALICE), what="the Home tab")
        alice.press_in_view(home, "Exporter mes données")  # kept before its ack
        fake.wait_for(lambda: [f for f in fake.files.values() if f.get("channel") ==
                               alice.dm], what="the export")
        alice.press_in_view(home, "Réglages")
        [modal] = fake.wait_for(lambda: fake.modals, what="the settings modal")
        status, body = alice.submit_view(modal, {"timezone": {"value": "Atlantide"}})
        assert json.loads(body)["response_action"] == "errors"  # checked: not kept
        fake.home.clear()
        status, body = alice.submit_view(modal, {  # checked, kept, acked, saved
            "day": {"selected_option": {"value": "1"}}, "time": {"selected_time": "08:30"},
            "timezone": {"value": "Europe/Paris"}, "active": {"selected_option": {
                "value": "on"}}})
        assert status == 200 and not body.strip()
        fake.wait_for(lambda: "mardi à 08:30" in json.dumps(fake.home.get(ALICE) or {},
                                                          ensure_ascii=False),
                      what="the refreshed Home tab")
        alice.press_in_view(home, "Faire le point")  # kept, handled once the modal opens
        checkin = fake.wait_for(lambda: fake.modals[1:], what="the check-in modal")[0]
        alice.submit_view(checkin, {"hours": {"value": "4"}, "split": {
            "value": "LinkedIn 4, TikTok 0"}, "results": {"value": "1"}})
        fake.wait_for_text(alice.dm, "Verdict")  # through the outbox
        alice.command("digest", "C0MARKETING")
        fake.wait_for(lambda: fake.responses, what="the digest set")
        with sqlite3.connect(tmp_path / "coach.db") as conn:
            rows = conn.execute("SELECT substr(delivery, 1, 5), handled_at IS NOT NULL "
                                "FROM inbox WHERE delivery NOT LIKE 'Ev%' "
                                "ORDER BY id").fetchall()
        # the buttons and the right submissions, each handled
        assert rows == [("actio", 1), ("view:", 1), ("actio", 1), ("view:", 1)]
    finally:
        process.stop(signal.SIGKILL)
    # Slack heard each ack, and the worker died before handling them
    store = storage.open_store(str(tmp_path / "coach.db"))
    now = datetime.now(timezone.utc)
    store.receive("slack", [
        ("view:kept-settings", key, {"view": "settings", "values": {
            "day": "mardi", "time": "08:30", "timezone": "Europe/Paris",
            "days_off": "samedi, dimanche",
            "pause": "", "active": "on"}}),
        ("view:kept-checkin", key, {"view": "checkin", "values": {
            "hours": "3", "split": "LinkedIn 2, TikTok 1", "results": "2", "revenue": ""}}),
        ("view:kept-digest", key, {"view": "digest", "chosen": [4, "16:00", "en"]}),
        ("action:kept-home", key, {"command": "export"})], now)
    store.close()
    exports = len(fake.files)
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    try:
        fake.wait_for(lambda: [m for m in fake.messages.values() if "Verdict" in m["text"]
                               and " : 3 h, 2 " in m["text"]],  # the live one had 4 h, 1
                      what="the kept check-in's verdict")
        fake.wait_for_text(alice.dm, "vendredi à 16:00")  # the digest's confirmation
        fake.wait_for(lambda: len(fake.files) >= exports + 2,
                      what="the verdict's chart and the export again")
        store = storage.open_store(str(tmp_path / "coach.db"))
        try:
            schedule, _ = store.load_schedule(user_id)
            assert schedule.weekday == 1 and schedule.days_off == {5, 6}
            [week] = store.history(user_id)  # the period's figures, replaced
            assert (week.hours, week.results) == (3.0, 2.0)
            digest = store.load_digest(TEAM)
            assert (digest.weekday, digest.language) == (4, "en")
            assert store.unhandled("slack") == []
        finally:
            store.close()
    finally:
        process.stop()
    log = process.log_path.read_text()
    assert "Traceback" not in log, log


def test_a_chart_whose_upload_failed_is_sent_again_without_the_text_before_it(
        fake, tmp_path):
    """A verdict's text went out, its chart's upload failed (Slack's upload server
    answered 500): the retry uploads the chart only, and the member never reads the
    verdict twice."""
    from flows.coach import Coach
    from tests.bot.test_nudges import confirmed_user
    key = f"{TEAM}:{ALICE}"
    coach = Coach(storage.open_store(str(tmp_path / "coach.db")), "fr", "Europe/Paris")
    confirmed_user(coach, "slack", key)
    coach.store.close()
    process = SlackProcess(fake, tmp_path / "coach.db").wait_listening()
    alice = SlackUser(fake, process.url, TEAM, ALICE)

    def dm() -> list[str]:
        return [m["text"] for m in list(fake.messages.values()) if m["channel"] == alice.dm]
    try:
        for answer in ("point", "3", "passer", "1"):
            before = len(dm())
            alice.say(answer)
            fake.wait_for(lambda: len(dm()) > before, what=f"the answer to {answer!r}")
        fake.fail["upload"] = 1
        alice.say("0")
        fake.wait_for_text(alice.dm, "Verdict")
        fake.wait_for(lambda: [f for f in fake.files.values() if f.get("completed")
                               and f.get("channel") == alice.dm], timeout=30,
                      what="the chart, uploaded at its second try")
        assert fake.fail["upload"] == 0  # the first try failed
        verdicts = [text for text in dm() if "Verdict" in text]
        assert len(verdicts) == 1, verdicts
    finally:
        process.stop()
