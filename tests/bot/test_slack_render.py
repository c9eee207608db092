"""Slack rendering within Block Kit's limits, the OAuth state, and the app manifest."""

import asyncio
import time
from pathlib import Path

import yaml

from bot.slack import (BOT_SCOPES, EVENTS_PATH, SignedStateStore, answered, escape,
                       messages, ticked, unescape)
from flows import plan, render
from flows.i18n import LANGUAGES
from flows.messages import Option, Reply
from flows.questions import QUESTIONS

ROOT = Path(__file__).resolve().parents[2]


def every_reply() -> list[Reply]:
    replies = [render.question_reply(lang, q, {}) for lang in LANGUAGES for q in QUESTIONS]
    replies += [reply for lang in LANGUAGES for confirmed in (False, True)
                for reply in (plan.plan_reply(lang, {}, confirmed),
                              plan.details_reply(lang, {}, confirmed),
                              plan.waiting_reply(lang, confirmed))]
    return replies + [render.language_reply(lang) for lang in LANGUAGES]


def elements(blocks):
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_every_prompt_fits_block_kit_limits():
    for reply in every_reply():
        for blocks in messages(reply, "fr"):
            assert len(blocks) <= 50
            assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
            for element in elements(blocks):
                if element["type"] == "button":
                    assert len(element["text"]["text"]) <= 75 and len(element["value"]) <= 2000
                else:
                    assert len(element["options"]) <= 10
                    assert all(len(o["text"]["text"]) <= 75 for o in element["options"])
            block_ids = [b["block_id"] for b in blocks if "block_id" in b]
            assert len(set(block_ids)) == len(block_ids)
            for block in (b for b in blocks if b["type"] == "actions"):
                ids = [e["action_id"] for e in block["elements"]]  # unique within a block
                assert len(block["elements"]) <= 25 and len(set(ids)) == len(ids)


def test_a_long_plan_is_cut_into_sections_with_the_buttons_last():
    reply = Reply("\n\n".join(["x" * 2000] * 5), prompt="plan",
                  options=(Option("confirm", "Valider"),))
    [blocks] = messages(reply, "fr")
    assert [b["type"] for b in blocks] == ["section"] * 5 + ["actions"]


def test_a_multi_select_keeps_its_ticks_and_has_a_done_button():
    reply = Reply("Réseaux ?", prompt="networks", multi=True, selected=("linkedin",),
                  options=tuple(Option(v, v.title()) for v in
                                ["facebook", "linkedin"] + [f"n{i}" for i in range(10)]))
    [blocks] = messages(reply, "en")
    boxes = [e for e in elements(blocks) if e["type"] == "checkboxes"]
    assert [len(b["options"]) for b in boxes] == [10, 2]
    assert boxes[0]["initial_options"] == [{"text": boxes[0]["options"][1]["text"],
                                            "value": "linkedin"}]
    done = elements(blocks)[-1]
    assert (done["text"]["text"], done["value"]) == ("Done", "networks")


def test_ticked_reads_the_state_of_every_checkbox_block():
    option = {"text": {"type": "plain_text", "text": "LinkedIn"}, "value": "linkedin"}
    state = {"pick|0": {"tick": {"type": "checkboxes", "selected_options": [option]}},
             "pick|10": {"tick": {"type": "checkboxes", "selected_options": []}},
             "other": {"x": {"type": "plain_text_input", "value": "y"}}}
    assert ticked(state) == (("linkedin",), ["LinkedIn"])


def test_an_answered_question_shows_the_choice_instead_of_buttons():
    [blocks] = messages(Reply("Objectif ?", prompt="objective",
                              options=(Option("leads", "Clients <b>"),)), "fr")
    shown = answered(blocks, ["Clients <b>"])
    assert [b["type"] for b in shown] == ["section", "section"]
    assert shown[-1]["text"]["text"] == "*→ Clients &lt;b&gt;*"


def test_user_text_is_escaped_for_mrkdwn_and_unescaped_from_payloads():
    typed = "R&D <b> > 3"
    assert escape(typed) == "R&amp;D &lt;b&gt; &gt; 3"
    assert unescape(escape(typed)) == typed


def test_the_oauth_state_is_signed_expires_and_works_once(store):
    signed = SignedStateStore("secret", store, lifetime=60)
    state = asyncio.run(signed.async_issue())
    assert asyncio.run(signed.async_consume(state))
    assert not asyncio.run(signed.async_consume(state))  # used once
    forged = SignedStateStore("other", store)
    assert not asyncio.run(signed.async_consume(asyncio.run(forged.async_issue())))
    old = f"{int(time.time()) - 120}.nonce"
    assert not asyncio.run(signed.async_consume(f"{old}.{signed._sign(old)}"))


def test_the_manifest_matches_what_the_app_serves():
    manifest = yaml.safe_load((ROOT / "slack-manifest.yml").read_text())
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/coach" and command["url"].endswith(EVENTS_PATH)
    settings = manifest["settings"]
    # the Home tab (tests/bot/test_slack_home.py) and the DMs are the events handled
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened", "message.im"]
    assert manifest["features"]["app_home"]["home_tab_enabled"]
    assert settings["event_subscriptions"]["request_url"].endswith(EVENTS_PATH)
    assert settings["interactivity"]["is_enabled"]
    assert settings["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert manifest["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    assert manifest["features"]["app_home"]["messages_tab_enabled"]
    assert not manifest["features"]["app_home"]["messages_tab_read_only_enabled"]


class Uploads:
    """A Web API client that records the messages and files posted, and fails the
    uploads it is told to."""

    def __init__(self, failing: int = 0) -> None:
        self.calls: list[str] = []
        self.failing = failing

    async def chat_postMessage(self, channel: str, text: str, blocks: list) -> dict:
        self.calls.append(f"message {len(self.calls)}")
        return {"ts": f"1.{len(self.calls)}"}

    async def files_upload_v2(self, channel: str, content: bytes, filename: str,
                              title: str) -> dict:
        if self.failing:
            self.failing -= 1
            raise ConnectionResetError("the upload server went away")
        self.calls.append(filename)
        return {"ok": True}


def test_a_reply_in_parts_is_resumed_after_the_parts_posted(tmp_path):
    """Long text (two messages), a PDF and a chart: a failure on the PDF leaves the two
    messages counted as posted, and the retry posts the PDF and the chart only; a
    failure on the chart leaves three parts posted, and the retry uploads the chart."""
    import storage
    from bot.slack import SlackAdapter
    from flows.coach import Coach
    from flows.messages import Document
    adapter = SlackAdapter(Coach(storage.open_store(str(tmp_path / "c.db")), "fr"))
    text = "\n\n".join(f"Paragraphe {n} " + "x" * 2900 for n in range(50))
    reply = Reply(text, language="fr", image=b"\x89PNG chart",
                  document=Document("plan.pdf", b"%PDF", "application/pdf"))

    def send(client, skip=0):
        progress: list[int] = []

        async def record(parts: int) -> None:
            progress.append(parts)
        try:
            asyncio.run(adapter.send(client, "D1", "T1:U1", [reply], skip=skip,
                                     progress=record))
        except ConnectionResetError:
            pass
        return progress

    client = Uploads(failing=1)
    assert send(client) == [1, 2] and client.calls == ["message 0", "message 1"]
    client = Uploads()
    assert send(client, skip=2) == [3] and client.calls == ["plan.pdf", "chart.png"]
    client = Uploads(failing=1)
    assert send(client, skip=3) == [] and client.calls == []
    client = Uploads()
    assert send(client, skip=3) == [] and client.calls == ["chart.png"]
    client = Uploads()
    assert send(client) == [1, 2, 3] and len(client.calls) == 4
