"""What else Slack sends, end to end: recorded payloads (tests/bot/payloads/slack/, in the
shapes Slack documents) signed and posted to `python bot.py slack` in HTTP mode.

A first contact by `/coach <text>`, a retried command and a retried button press,
messages the coach must not read (edits, bots, files, assistant threads), and every other
kind of event, action, shortcut, view and command. One app for the module (each test is
its own member); at the end its log must hold no failure and no "unhandled request".
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

import storage
from tests.bot.fake_server import replies_sent
from tests.bot.fake_slack import SIGNING_SECRET, FakeSlack, SlackUser
from tests.bot.test_slack_e2e import TEAM, SlackProcess

PAYLOADS = Path(__file__).parent / "payloads" / "slack"
RECORDED_USER = "U0ALICE"  # the member in the payload files
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
_responses = itertools.count(1)


@pytest.fixture(scope="module")
def fake():
    with FakeSlack() as server:
        yield server


@pytest.fixture(scope="module")
def app(fake, tmp_path_factory):
    folder = tmp_path_factory.mktemp("slack-payloads")
    process = SlackProcess(fake, folder / "coach.db").wait_listening()
    process.folder = folder
    yield process
    process.stop()
    log = process.log_path.read_text()
    assert "xoxb-" not in log and SIGNING_SECRET not in log
    assert "Traceback" not in log and "failed" not in log, log
    assert "nhandled" not in log, log


def member(fake, app, user: str) -> SlackUser:
    return SlackUser(fake, app.url, TEAM, user)


def payload(fake, name: str, user: str, **fields) -> dict:
    """Return a recorded payload from `user`, with its own response_url and event_id."""
    text = (PAYLOADS / f"{name}.json").read_text(encoding="utf-8")
    text = text.replace(RECORDED_USER, user).replace(
        "__RESPONSE_URL__", f"{fake.base}/response/{TEAM}-p{next(_responses)}")
    body = json.loads(text)
    if "event_id" in body:
        body["event_id"] += user
    for key, value in fields.items():
        for place in (body, body.get("container") or {}):
            if place.get(key) == f"__{key.upper()}__":
                place[key] = value
    return body


def stored(app, key: str):
    db = storage.open_database(str(app.folder / "coach.db"))
    return storage.load_user(db, "slack", f"{TEAM}:{key}")


def dm_texts(fake, who: SlackUser) -> list[str]:
    return [m["text"] for m in fake.sent("chat.postMessage") if m.get("channel") == who.dm]


def test_a_first_contact_by_command_welcomes_and_asks_the_first_question(fake, app):
    who = member(fake, app, "U0FIRST")
    status, _ = who.form(payload(fake, "command_first_contact", who.user))
    assert status == 200
    question = fake.wait_for_text(who.dm, "objectif principal")
    assert question["text"].startswith("Bonjour")
    record = stored(app, who.user)
    assert (record.state, record.answers) == ("asking_objective", {})  # "Hi" is no answer


def test_a_retried_command_is_handled_once(fake, app):
    who = member(fake, app, "U0RETRY")
    who.command()
    fake.wait_for_text(who.dm, "objectif principal")
    for n, answer in enumerate(["2", "passer", "1", "Des gérants de restaurants", "passer"]):
        who.say(answer, event_id=f"EvRetry{n}")  # each once its question arrived
        fake.wait_for(lambda: replies_sent(app.folder / "coach.db", "slack", f"EvRetry{n}"),
                      what="the next question")
    fake.wait_for_text(who.dm, "Où vos clients passent-ils")
    command = payload(fake, "command_answer_retried", who.user)  # `/coach 3`: LinkedIn
    assert who.form(command)[0] == 200
    fake.wait_for_text(who.dm, "Quel genre d'activité")
    # Slack tries again: handled twice, "3" would be the kind of business too
    assert who.form(command, headers=RETRY)[0] == 200
    who.say("aide")
    fake.wait_for(lambda: len([t for t in dm_texts(fake, who) if "Quel genre d'activité" in t])
                  == 2, what="the help, with the question")
    record = stored(app, who.user)
    assert record.answers["audience_networks"] == ["linkedin"]
    assert "business_kind" not in record.answers and record.state == "asking_business_kind"


def test_a_retried_button_press_is_handled_once(fake, app):
    who = member(fake, app, "U0PRESS")
    who.command()
    question = fake.wait_for_text(who.dm, "objectif principal")
    press = payload(fake, "block_actions_choice", who.user, message=question,
                    message_ts=question["ts"])
    assert who.interaction(press)[0] == 200
    fake.wait_for_text(who.dm, "Quel résultat chiffré")
    assert who.interaction(press, headers=RETRY)[0] == 200
    who.say("aide")
    fake.wait_for_text(who.dm, "Pas de stratégie sans objectif")
    assert len([t for t in dm_texts(fake, who) if t.startswith("1/5 · POURQUOI\nQuel "
                                                                "résultat chiffré")]) == 1
    assert not [m for m in fake.sent("chat.postEphemeral") if m.get("user") == who.user]
    assert stored(app, who.user).answers == {"objective": {"choice": "recruiting"}}


IGNORED_MESSAGES = ["event_message_changed", "event_bot_message",
                    "event_message_from_a_bot_user", "event_assistant_thread_message",
                    "event_file_share"]


def test_messages_with_a_subtype_from_a_bot_or_in_an_assistant_thread_are_ignored(fake, app):
    who = member(fake, app, "U0QUIET")
    who.command()
    fake.wait_for_text(who.dm, "objectif principal")
    for name in IGNORED_MESSAGES:
        assert who.event(payload(fake, name, who.user))[0] == 200
    who.say("aide")
    fake.wait_for_text(who.dm, "Partez du pourquoi")
    assert len(dm_texts(fake, who)) == 2  # the question and the help: nothing else
    assert stored(app, who.user).answers == {}


OTHER_KINDS = {
    "event_app_home_opened": "event", "event_app_uninstalled": "event",
    "event_tokens_revoked": "event", "event_assistant_thread_started": "event",
    "event_reaction_added": "event", "event_member_joined_channel": "event",
    "block_actions_unknown_action": "interaction", "block_actions_from_view": "interaction",
    "block_actions_choice_without_value": "interaction",
    "shortcut_global": "interaction", "message_action": "interaction",
    "view_submission": "interaction", "view_closed": "interaction",
    "block_suggestion": "interaction", "command_other": "form",
}


@pytest.mark.parametrize("name", sorted(OTHER_KINDS))
def test_every_other_kind_is_acknowledged_quietly_and_changes_nothing(fake, app, name):
    who = member(fake, app, f"U0OTHER{sorted(OTHER_KINDS).index(name)}")
    status, _ = getattr(who, OTHER_KINDS[name])(payload(fake, name, who.user))
    assert status == 200
    who.say("aide")  # after it, in the same member's order
    fake.wait_for_text(who.dm, "Partez du pourquoi")
    assert len(dm_texts(fake, who)) == 1  # the help only: no error, no question asked


def test_a_retried_home_tab_button_is_handled_once(fake, app):
    who = member(fake, app, "U0HOME")
    press = payload(fake, "block_actions_home_start", who.user)
    assert who.interaction(press)[0] == 200
    fake.wait_for_text(who.dm, "objectif principal")
    assert who.interaction(press, headers=RETRY)[0] == 200
    who.say("aide")
    fake.wait_for_text(who.dm, "Partez du pourquoi")
    assert len([t for t in dm_texts(fake, who) if t.startswith("Bonjour")]) == 1
