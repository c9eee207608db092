"""Slack adapter: `/coach`, buttons and direct messages become neutral messages.

The slash command is acknowledged at once, answered ephemerally where it was typed,
and the conversation carries on in the app's direct messages with Block Kit: buttons
carry `<prompt>|<value>`, a multi-select is a set of checkboxes with a Done button
whose value is the prompt (Slack keeps the ticks in the message's state). Users are
keyed `<team>:<user>`, so two workspaces never share data. Each event_id is handled
once, and so is each slash command and button press (keyed by the workspace, the member,
the request's trigger_id or action_ts and what it carries), recorded in the transaction
that handles it, so a retried request changes nothing; one user's requests run in
order, different users' concurrently.

A `/coach <text>` from someone the coach has never met welcomes them and asks the first
question (the text is not an answer; a command such as `/coach language en` is run).
Messages with a subtype, from a bot or in an assistant thread are ignored; every other
event, action, shortcut, view or command is acknowledged quietly.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from functools import partial
from datetime import time as clock_time

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (AsyncConnectionErrorRetryHandler,
                                                         AsyncRateLimitErrorRetryHandler)
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import ConfigError, Settings
from bot.offload import Offload, offload_of
from bot.pacing import Pacer
from bot.ordering import KeyedLocks
from bot.outbox import OutboxSender, Retry, Undeliverable
from bot.scheduler import Sender
from bot.slack_home import (CHECKIN_VIEW, DIGEST_VIEW, HOME_ACTION, SETTINGS_VIEW,
                            checkin_modal, digest_modal, home_view, settings_modal,
                            submitted_checkin, submitted_digest, submitted_settings)
from bot.text import split_text
from flows import home
from flows.chart import Chart
from flows import vocabulary as words
from flows.checkin import day_name, drawing, period_name
from flows.coach import Coach
from flows.i18n import number, t
from flows.messages import Choice, Inbound, Reply
from flows.render import PLAN_PROMPT
from flows.schedule import Schedule, checkin_days, local_day, next_due
from flows.verdict import WeekReport
# Mondays at 10:00 (COACH_TIMEZONE) about the week just finished, until whoever set the
# digest chooses another day, time or language in its modal
from storage.digests import DIGEST_DAY, DIGEST_TIME as DIGEST_AT
from storage.home_charts import ChartFile
from storage.port import Store
from storage.slack_installations import TokenCipher, WrongKey

logger = logging.getLogger(__name__)

PLATFORM = "slack"
EVENTS_PATH = "/slack/events"
SECTION_LIMIT = 3000  # characters in a section block's text
MAX_SECTIONS = 45  # a message holds at most 50 blocks; keep room for the options
CHECKBOX_LIMIT = 10  # options in one checkboxes element
BOT_SCOPES = ("commands", "chat:write", "chat:write.public", "im:history", "im:write",
              "users:read", "files:write")
DIGEST_INTERVAL = 30.0  # seconds between looks for due digests
# How long Slack may take to process an uploaded file before blocks may show it
CHART_PROCESSING = timedelta(minutes=1)
CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>")
STATE_LIFETIME = 600  # seconds an OAuth state stays valid
# How fast nudges go, per workspace and method: (a second overall, seconds between two
# to one channel). chat.postMessage allows about one a second per channel (docs; its
# workspace limit is unpublished: 20 a second assumed); conversations.open is Tier 3,
# 50 a minute. Replies are not paced: a 429 is waited out by that request alone.
NUDGE_PACES = {"chat.postMessage": (20.0, 1.0), "conversations.open": (50 / 60, 0.0)}
RETRIED_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                  "request_timeout"}  # Web API errors worth another try
# Web API errors that say the member cannot be reached any more: their nudges pause
UNREACHABLE_ERRORS = {"account_inactive", "user_not_found", "channel_not_found",
                      "token_revoked", "invalid_auth", "user_disabled", "team_not_found"}


def dm_text(event: dict) -> bool:
    """Tell whether an event is text a member typed in the app's direct messages."""
    return (event.get("type") == "message" and event.get("channel_type") == "im"
            and not event.get("subtype") and not event.get("bot_id")
            and bool(event.get("user"))
            and not event.get("thread_ts"))  # a thread in the DM: the assistant's


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn gives a meaning to."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Return the text a user typed, as Slack escapes it in payloads."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def user_key(context: AsyncBoltContext) -> str:
    """Return the stored user id: the workspace and the member, `T123:U456`."""
    return f"{context.team_id or context.enterprise_id}:{context.user_id}"


def dm_link(team_id: str | None, channel: str) -> str:
    """Return a link that opens the app's direct messages in the Slack client."""
    return f"<slack://channel?team={team_id}&id={channel}|Coach>"


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def option_blocks(reply: Reply, language: str) -> list[dict]:
    """Return the blocks of a reply's options: buttons, or checkboxes and Done."""
    if not reply.options:
        return []
    if not reply.multi:
        buttons = [{"type": "button", "action_id": f"choice|{n}", "text": _plain(o.label),
                    "value": f"{reply.prompt}|{o.value}"}
                   for n, o in enumerate(reply.options)]
        return [{"type": "actions", "block_id": f"choices|{n // 25}",
                 "elements": buttons[n:n + 25]} for n in range(0, len(buttons), 25)]
    blocks = []
    for n in range(0, len(reply.options), CHECKBOX_LIMIT):
        options = [{"text": _plain(o.label), "value": o.value}
                   for o in reply.options[n:n + CHECKBOX_LIMIT]]
        element = {"type": "checkboxes", "action_id": "tick", "options": options}
        ticked = [o for o in options if o["value"] in reply.selected]
        if ticked:
            element["initial_options"] = ticked
        blocks.append({"type": "actions", "block_id": f"pick|{n}", "elements": [element]})
    blocks.append({"type": "actions", "block_id": "done", "elements": [{
        "type": "button", "action_id": "done", "style": "primary",
        "text": _plain(t(language, "option.done")), "value": reply.prompt}]})
    return blocks


def messages(reply: Reply, language: str) -> list[list[dict]]:
    """Return the Block Kit messages of one reply: text sections, options in the last."""
    sections = [_section(chunk) for chunk in split_text(escape(reply.text), SECTION_LIMIT)]
    groups = [sections[n:n + MAX_SECTIONS] for n in range(0, len(sections), MAX_SECTIONS)]
    groups = groups or [[]]
    groups[-1] = groups[-1] + option_blocks(reply, language)
    return groups


def ticked(state_values: dict) -> tuple[tuple[str, ...], list[str]]:
    """Return the values and labels ticked in a multi-select, from the message state."""
    values, labels = [], []
    for block_id, elements in state_values.items():
        if not block_id.startswith("pick|"):
            continue
        for element in elements.values():
            for option in element.get("selected_options") or ():
                values.append(option["value"])
                labels.append(option["text"]["text"])
    return tuple(values), labels


def answered(blocks: list[dict], labels: list[str]) -> list[dict]:
    """Return a question's blocks with the buttons replaced by the chosen answer."""
    kept = [b for b in blocks if b.get("type") == "section"]
    if labels:
        kept.append(_section("*→ " + escape(", ".join(labels)) + "*"))
    return kept


class SignedStateStore(AsyncOAuthStateStore):
    """OAuth `state` values signed with SLACK_STATE_SECRET, each usable once."""

    def __init__(self, secret: str, store, lifetime: int = STATE_LIFETIME) -> None:
        self._secret = secret.encode()
        self._store = store
        self._work = offload_of(store)
        self._lifetime = lifetime

    @property
    def logger(self) -> logging.Logger:
        return logger

    def _sign(self, payload: str) -> str:
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()

    async def async_issue(self, *args, **kwargs) -> str:
        payload = f"{int(time.time())}.{secrets.token_urlsafe(16)}"
        return f"{payload}.{self._sign(payload)}"

    async def async_consume(self, state: str) -> bool:
        payload, _, signature = state.rpartition(".")
        issued, _, nonce = payload.partition(".")
        if not (issued.isdigit() and hmac.compare_digest(signature, self._sign(payload))):
            return False
        if time.time() - int(issued) > self._lifetime:
            return False
        return await self._work.run(self._store.record_update, "slack_oauth_state", nonce)


class SlackAdapter:
    """Listeners that connect one Slack app to the coach."""

    def __init__(self, coach: Coach, outbox: OutboxSender | None = None,
                 work: Offload | None = None) -> None:
        self.coach = coach
        self.outbox = outbox  # with it, replies are outbox rows and the sender is woken
        self.work = work or offload_of(coach.store)  # every store call, on its thread
        self._pacers: dict[tuple[str, str], Pacer] = {}
        self._locks = KeyedLocks()
        self._charts = KeyedLocks()  # one upload of a member's Home chart at a time
        self._profiles: dict[str, tuple[str | None, str | None]] = {}
        self._channels: dict[str, str] = {}
        self._installations = None  # the OAuth installation store, once registered

    def register(self, app: AsyncApp) -> None:
        """Attach the listeners to a bolt app (bolt runs the first that matches: the
        quiet acknowledgements of everything else come last)."""
        self._installations = app.installation_store  # None with one workspace's token
        app.middleware(self.keep_message)
        app.command("/coach")(self.on_command)
        app.action(re.compile(r"^choice\|"))(self.on_choice)
        app.action("tick")(self.on_tick)
        app.action("done")(self.on_done)
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home_opened)
        app.action(re.compile("^" + re.escape(HOME_ACTION)))(self.on_home_action)
        app.view(SETTINGS_VIEW)(self.on_settings_submitted)
        app.view(CHECKIN_VIEW)(self.on_checkin_submitted)
        app.view(DIGEST_VIEW)(self.on_digest_submitted)
        app.event("app_uninstalled")(self.on_removed)
        app.event("tokens_revoked")(self.on_removed)
        app.error(self.on_error)
        acknowledge_the_rest(app)

    # what Slack sends
    async def on_command(self, ack, command: dict, client: AsyncWebClient,
                         context: AsyncBoltContext, respond) -> None:
        """Handle `/coach [text]`: answer where it was typed, carry on in the DM."""
        await ack()
        key = user_key(context)
        raw = (command.get("text") or "").strip()
        if words.normalize(raw).split(" ")[0] in words.DIGEST:
            if words.normalize(raw).partition(" ")[2].strip() in words.DIGEST_SETTINGS:
                answer = await self.open_digest_settings(client, command, context)
            else:
                answer = await self.work.run(self.digest_command, raw, command, context)
            if answer:
                await respond(text=answer, response_type="ephemeral")
            return
        async with self._locks.hold(key):
            channel = await self.dm_channel(client, context.user_id, key)
            delivery = command_key(context, command)
            text = await self.work.run(self.command_text, raw, key)
            replies = await self.handle(client, context, text=text, delivery=delivery)
            if self.queued() and delivery:
                await self.mark(delivery)
            if not replies:  # a retried command, handled before: its unsent replies go
                if self.queued():
                    self.outbox.kick()
                return
            if command.get("channel_id") != channel:
                language = await self.language(key, replies)
                await respond(text=t(language, "slack.continued",
                                     link=dm_link(context.team_id, channel)),
                              response_type="ephemeral")
            await self.reply(client, channel, key, replies)

    def command_text(self, raw: str, key: str) -> str:
        """Return what a `/coach <text>` says to the coach: a first contact is welcomed
        (a command works, an answer is not taken before the first question)."""
        text = unescape(raw) or "start"
        if words.command_of(text) is None and self.coach.store.load_user(PLATFORM,
                                                                         key) is None:
            return "start"
        return text

    async def keep_message(self, body: dict, context: AsyncBoltContext, next) -> None:
        """Store a direct message's event, a `/coach` command for the coach, a press
        of a question's button or of a Home tab button that runs a command, in the inbox
        before bolt acknowledges it (events are acked before their listener runs,
        commands and presses by the listener's first step): a worker killed after the
        ack handles it at its next start (`replay`). Modal submissions are kept by
        their listeners, once checked (`keep_submission`)."""
        event, kept = body.get("event") or {}, None
        if (self.queued() and body.get("type") == "event_callback" and body.get("event_id")
                and dm_text(event)):
            kept = (body["event_id"], {"text": unescape(event.get("text") or ""),
                                       "channel": event["channel"], "ts": event.get("ts")})
        press = self.pressed(body) if self.queued() else None
        delivery = action_key(context, body) if press else None
        if press and delivery:
            choice, _ = press
            kept = (delivery, {"prompt": choice.prompt, "values": list(choice.values)})
        command = self.home_command(body) if self.queued() else None
        delivery = action_key(context, body) if command else None
        if command and delivery:  # a Home tab button that runs a command in the DM
            kept = (delivery, {"command": command})
        raw = (body.get("text") or "").strip()
        if (self.queued() and body.get("command") == "/coach"
                and words.normalize(raw).split(" ")[0] not in words.DIGEST):
            delivery = command_key(context, body)
            if delivery:
                kept = (delivery, {"command": raw})
        if kept is not None:
            await self.work.run(self.coach.store.receive, PLATFORM, [
                (kept[0], user_key(context), kept[1])], self.coach.clock())
        await next()

    async def mark(self, delivery: str | None) -> None:
        """Mark an inbox row handled (its message was handled, or found handled), on the
        store's thread."""
        await self.work.run(self.handled, delivery)

    async def replay(self) -> int:
        """Handle what was stored and not handled (see `replayed`), on the store's
        thread."""
        replayed = await self.work.run(self.replayed)
        if replayed:
            self.outbox.kick()
        return replayed

    def replayed(self) -> int:
        """Handle the direct messages, commands, presses and modal submissions stored and
        not handled (a worker died after Slack's ack), in the order they came; their
        replies go to the outbox."""
        kept = self.coach.store.unhandled(PLATFORM)
        for row in kept:
            if "view" in row.payload:  # a modal submitted: saved, what follows queued
                self.apply_submission(row.chat, row.payload, row.delivery)
                continue
            if row.payload.get("channel"):
                self._channels.setdefault(row.chat, row.payload["channel"])
            if "prompt" in row.payload:  # a button pressed
                choice = Choice(row.payload["prompt"], tuple(row.payload.get("values", ())))
                self.coach.handle(Inbound(PLATFORM, row.chat, choice=choice,
                                          delivery=row.delivery))
            else:
                text = (self.command_text(row.payload["command"], row.chat)
                        if "command" in row.payload else row.payload.get("text", ""))
                self.coach.handle(Inbound(PLATFORM, row.chat, text=text,
                                          delivery=row.delivery,
                                          order=row.payload.get("ts")))
            self.coach.store.mark_handled(PLATFORM, row.delivery, self.coach.clock())
        if kept:
            logger.info("slack: %s messages left unhandled are handled first", len(kept))
        return len(kept)

    async def on_message(self, event: dict, body: dict, client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
        """Handle text typed in the app's direct messages, once per event_id (a retried
        event is recorded with its first handling, in its transaction); ignore every
        other message."""
        if not dm_text(event):
            return
        key = user_key(context)
        async with self._locks.hold(key):
            self._channels[key] = event["channel"]
            replies = await self.handle(client, context, text=unescape(event.get("text") or ""),
                                        delivery=body.get("event_id"), order=event.get("ts"))
            if self.queued() and body.get("event_id"):
                await self.mark(body["event_id"])
            await self.reply(client, event["channel"], key, replies)

    @staticmethod
    def pressed(body: dict) -> tuple[Choice, list[str]] | None:
        """Return the coach's choice a button press carries on a message (a button of
        the DM's question, or Done under its checkboxes) with its labels, else None."""
        action = (body.get("actions") or [{}])[0]
        container = body.get("container") or {}
        if body.get("type") != "block_actions" or not container.get("message_ts"):
            return None
        action_id = str(action.get("action_id") or "")
        if action_id == "done":
            values, labels = ticked((body.get("state") or {}).get("values") or {})
            return Choice(str(action.get("value") or ""), values), labels
        prompt, _, value = str(action.get("value") or "").partition("|")
        if not action_id.startswith("choice|") or not value:
            return None
        return Choice(prompt, (value,)), [(action.get("text") or {}).get("text") or value]

    @staticmethod
    def home_command(body: dict) -> str | None:
        """Return the command a Home tab button runs in the DM ("start", "checkin",
        "export", "delete"), else None (Settings opens a modal: nothing to keep)."""
        action = (body.get("actions") or [{}])[0]
        if body.get("type") != "block_actions" or not str(
                action.get("action_id") or "").startswith(HOME_ACTION):
            return None
        return HOME_COMMANDS.get(str(action.get("value") or ""))

    async def on_choice(self, ack, body: dict, action: dict, client: AsyncWebClient,
                        context: AsyncBoltContext) -> None:
        """Handle a pressed button (one with no value, not the coach's, is let go)."""
        await ack()
        prompt, _, value = str(action.get("value") or "").partition("|")
        if not value:
            logger.info("slack: a button of %s with no value, ignored", context.user_id)
            return
        label = (action.get("text") or {}).get("text") or value
        await self.answer_choice(body, client, context, Choice(prompt, (value,)), [label])

    async def on_tick(self, ack) -> None:
        """Acknowledge a ticked checkbox: Slack keeps it in the message until Done."""
        await ack()

    async def on_done(self, ack, body: dict, action: dict, client: AsyncWebClient,
                      context: AsyncBoltContext) -> None:
        """Handle Done under a multi-select: send the ticked values."""
        await ack()
        values, labels = ticked((body.get("state") or {}).get("values") or {})
        await self.answer_choice(body, client, context,
                                 Choice(str(action.get("value") or ""), values), labels)

    async def answer_choice(self, body: dict, client: AsyncWebClient,
                            context: AsyncBoltContext, choice: Choice,
                            labels: list[str]) -> None:
        """Send a choice to the coach; show it in place of the buttons, or say it is stale.

        A press on no message (in a modal or the app's home) is not the coach's: ignored;
        a retried one is handled once."""
        key = user_key(context)
        container = body.get("container") or {}
        channel, ts = container.get("channel_id"), container.get("message_ts")
        if not channel or not ts:
            logger.info("slack: a button of %s on no message, ignored", context.user_id)
            return
        async with self._locks.hold(key):
            delivery = action_key(context, body)
            replies = await self.handle(client, context, choice=choice, delivery=delivery)
            if self.queued() and delivery:
                await self.mark(delivery)
            if not replies:  # a retried press, handled before: its unsent replies go
                if self.queued():
                    self.outbox.kick()
                return
            if replies[0].notice:
                await client.chat_postEphemeral(channel=channel, user=context.user_id,
                                                text=replies[0].text)
                return
            if self.queued():  # committed: whatever happens to the update, they go out
                self.outbox.kick()
            message = body.get("message", {})
            try:
                await client.chat_update(channel=channel, ts=ts,
                                         text=message.get("text", ""),
                                         blocks=answered(message.get("blocks", []), labels))
            except SlackApiError as error:  # the answer is kept: the old message is stale
                logger.warning("%s: the pressed message was not updated (%s)", key,
                               error.response.get("error"))
            if not self.queued():
                await self.send(client, channel, key, replies)

    # the app removed from a workspace
    async def on_removed(self, event: dict, context: AsyncBoltContext) -> None:
        """The app was uninstalled, or its bot token revoked: every member's nudges
        pause (a member who writes again resumes them), and the workspace's installation
        is forgotten (its token no longer works)."""
        if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get(
                "bot"):
            return  # only user tokens revoked: the bot still reaches the members
        team = context.team_id
        paused = await self.work.run(self.pause_team, team)
        logger.info("slack: the app was removed from %s: %s members' nudges paused", team,
                    paused)
        installations = self._installations
        if installations is not None:
            await installations.async_delete_all(enterprise_id=context.enterprise_id,
                                                  team_id=team)

    def pause_team(self, team: str) -> int:
        """Pause the nudges of every member of a workspace; return how many changed."""
        return sum(self.coach.set_reachable(PLATFORM, key, False)
                   for key in self.coach.store.team_users(PLATFORM, team))

    # the App Home tab and the settings modal
    async def on_home_opened(self, event: dict, client: AsyncWebClient,
                             context: AsyncBoltContext) -> None:
        """Show the member's Home tab when they open it (not the Messages tab)."""
        if event.get("tab", "home") != "home":
            return
        await self.publish_home(client, context)

    async def publish_home(self, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        """Publish the member's Home tab, with the chart of their weeks once they have
        some; without it when its upload failed or Slack refuses the picture."""
        key = user_key(context)
        view = await self.work.run(home.overview, self.coach, PLATFORM, key)
        picture = await self.home_chart(client, key, view) if view.chart else None
        try:
            await client.views_publish(user_id=context.user_id, view=home_view(view, picture))
        except SlackApiError as error:
            if picture is None or error.response.get("error") != "invalid_blocks":
                raise
            logger.warning("%s: the Home tab's chart was refused (%s), shown without it",
                           key, error.response.get("errors") or "invalid_blocks")
            await self.work.run(self.forget_refused_chart, key)
            await client.views_publish(user_id=context.user_id, view=home_view(view))

    async def home_chart(self, client: AsyncWebClient, key: str,
                         view: home.Overview) -> str | None:
        """Return the id of the Slack file showing the member's chart: the one uploaded
        for these figures, else a new one (drawn off the event loop, uploaded to no
        channel, the one it replaces deleted); None when the upload failed."""
        store, figures, run = self.coach.store, view.chart.key(), self.work.run
        async with self._charts.hold(key):
            user_id = await run(self._user_id, key)
            kept = await run(store.home_chart, user_id)
            if kept is not None and kept.figures == figures:
                return kept.file_id
            png = await self.work.draw(drawing(view.chart))  # in the render process
            try:
                response = await client.files_upload_v2(
                    content=png, filename="chart.png", alt_txt=view.chart_alt[:1000],
                    title=t(view.language, "home.chart_title"))
                file_id = response["file"]["id"]
            except (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError, OSError,
                    KeyError, TypeError) as error:
                logger.warning("%s: the Home tab's chart was not uploaded (%s)", key,
                               type(error).__name__)
                return None
            await run(store.save_home_chart, user_id,
                      ChartFile(figures, file_id, self.coach.clock()))
        if kept is not None:
            try:  # the old picture showed figures that are not theirs any more
                await client.files_delete(file=kept.file_id)
            except (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError,
                    OSError) as error:
                logger.info("%s: an old chart was not deleted (%s)", key,
                            type(error).__name__)
        return file_id

    def forget_refused_chart(self, key: str) -> None:
        """Forget a picture Slack refused, unless it was just uploaded (Slack may still
        be processing it): the next visit uploads a new one."""
        user_id = self._user_id(key)
        kept = self.coach.store.home_chart(user_id)
        if kept is not None and self.coach.clock() - kept.uploaded_at > CHART_PROCESSING:
            self.coach.store.save_home_chart(user_id, None)

    async def on_home_action(self, ack, action: dict, body: dict, client: AsyncWebClient,
                             context: AsyncBoltContext) -> None:
        """A Home tab button: open the settings modal, or do in the DM what the typed
        command does (start, resume, check-in, export, delete), then refresh the tab."""
        await ack()
        what = action.get("value", "")
        key = user_key(context)
        if what == "settings":
            schedule, language = await self.work.run(self._settings_of, key)
            _, zone = await self.profile(client, context.user_id, key)
            await client.views_open(trigger_id=body["trigger_id"], view=settings_modal(
                language, schedule, self.coach.checkins.default_timezone, zone))
            return
        command = HOME_COMMANDS.get(what)
        delivery = action_key(context, body) if command else None  # kept: keep_message
        if what == "checkin":
            form = await self.work.run(home.checkin_form, self.coach, PLATFORM, key)
            if form is not None:
                await client.views_open(trigger_id=body["trigger_id"],
                                        view=checkin_modal(form))
                await self.mark(delivery)  # the modal is open: nothing left for a restart
                return
        if command is None:
            return  # a button of an older Home tab: nothing to do
        async with self._locks.hold(key):
            channel = await self.dm_channel(client, context.user_id, key)
            replies = await self.handle(client, context, text=command, delivery=delivery)
            await self.mark(delivery)
            if not replies:  # a retried press, handled before
                if self.queued():
                    self.outbox.kick()
                return
            await self.reply(client, channel, key, replies)
        await self.publish_home(client, context)

    def _user_id(self, key: str) -> int:
        user = self.coach.store.load_user(PLATFORM, key)
        return user.id if user else 0

    def _settings_of(self, key: str) -> tuple[object, str]:
        """Return a member's schedule and language (for the settings modal)."""
        user = self.coach.store.load_user(PLATFORM, key)
        schedule, _ = self.coach.checkins.schedule_of(user.id if user else 0)
        return schedule, user.language if user else self.coach.default_language

    async def on_settings_submitted(self, ack, body: dict, view: dict,
                                    client: AsyncWebClient,
                                    context: AsyncBoltContext) -> None:
        """Save the settings modal, or show each wrong field's error in the modal."""
        key = user_key(context)
        language = await self.language(key)
        values = submitted_settings(language, view.get("state", {}).get("values", {}))
        errors = await self.work.run(partial(home.save_settings, save=False), self.coach,
                                     PLATFORM, key, values)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        payload = {"view": SETTINGS_VIEW, "values": values}
        delivery = await self.work.run(self.keep_submission, context, body, payload)
        await ack()
        async with self._locks.hold(key):
            await self.work.run(self.apply_submission, key, payload, delivery)
        await self.publish_home(client, context)

    async def on_checkin_submitted(self, ack, body: dict, view: dict,
                                   client: AsyncWebClient,
                                   context: AsyncBoltContext) -> None:
        """Store the check-in modal, or show each wrong figure's error in the modal; once
        stored, the verdict and its chart come in the DM, as after a check-in typed there."""
        key = user_key(context)
        values = submitted_checkin(view.get("state", {}).get("values", {}))
        async with self._locks.hold(key):
            errors = await self.work.run(partial(home.save_checkin, save=False), self.coach,
                                         PLATFORM, key, values)
            if errors:
                await ack(response_action="errors", errors=errors)
                return
            payload = {"view": CHECKIN_VIEW, "values": values}
            delivery = await self.work.run(self.keep_submission, context, body, payload)
            await ack()
            # the verdict, its chart still to draw (by the sender, in the render process)
            replies = await self.work.run(self.apply_submission, key, payload, delivery)
            channel = await self.dm_channel(client, context.user_id, key)
            await self.reply(client, channel, key, replies)
        await self.publish_home(client, context)

    def keep_submission(self, context: AsyncBoltContext, body: dict,
                        payload: dict) -> str | None:
        """Store a checked modal submission in the inbox before its ack (a worker killed
        after the ack applies it at its next start, `replay`); return its delivery key."""
        delivery = view_key(context, body) if self.queued() else None
        if delivery:
            self.coach.store.receive(PLATFORM, [(delivery, user_key(context), payload)],
                                     self.coach.clock())
        return delivery

    def apply_submission(self, key: str, payload: dict, delivery: str | None) -> list[Reply]:
        """Save a submitted modal (settings, check-in, team digest) and return what
        follows it (the check-in's verdict and chart, the digest's confirmation), queued
        as `queue_after` says; the chart goes as a drawing (made just before its send).
        On the store's thread."""
        replies, chart, expects = self.save_submission(key, payload)
        if chart is not None:
            replies = home.with_chart(replies, drawing(chart))
        return self.queue_after(key, replies, expects, delivery)

    def save_submission(self, key: str,
                        payload: dict) -> tuple[list[Reply], Chart | None, str | None]:
        """Save a submitted modal; return what follows it, its chart still to draw, and
        the prompt the member is left at."""
        kind, values = payload.get("view"), payload.get("values") or {}
        replies, chart, expects = [], None, None
        if kind == SETTINGS_VIEW:
            errors = home.save_settings(self.coach, PLATFORM, key, values)
        elif kind == CHECKIN_VIEW:
            errors = home.save_checkin(self.coach, PLATFORM, key, values)
            if not errors:
                replies, chart = home.undrawn_verdict(self.coach, PLATFORM, key)
                expects = PLAN_PROMPT  # the verdict leaves the member at their plan
        elif kind == DIGEST_VIEW:
            errors, replies = self.save_digest(key, payload)
        else:
            errors = {"view": "unknown"}
        if errors:  # changed since it was checked (or an unknown kind): nothing saved
            logger.warning("%s: a %s form could not be saved any more (%s)", key, kind,
                           ", ".join(sorted(errors)))
        return replies, chart, expects

    def queue_after(self, key: str, replies: list[Reply], expects: str | None,
                    delivery: str | None) -> list[Reply]:
        """With the outbox, write the replies that follow a submission to it, with its
        kept `delivery` marked handled, in one transaction, for the sender to send;
        return the replies."""
        store, now = self.coach.store, self.coach.clock()
        if not self.queued():
            return replies
        user = store.load_user(PLATFORM, key)
        with store.transaction(f"{PLATFORM}:{key}"):
            if replies:
                store.enqueue(PLATFORM, key, replies, expects, now,
                              user.id if user else None, delivery)
            if delivery:
                store.mark_handled(PLATFORM, delivery, now)
        return replies

    def handled(self, delivery: str | None) -> None:
        """Record a kept delivery as handled (with the outbox only: it is kept then)."""
        if self.queued() and delivery:
            self.coach.store.mark_handled(PLATFORM, delivery, self.coach.clock())

    async def on_error(self, error: Exception, context: AsyncBoltContext,
                       client: AsyncWebClient) -> None:
        """Log the failure with the user id and tell the user something kind, with the
        question they are at (nothing of the failed message was kept)."""
        logger.error("slack request from %s failed", context.user_id, exc_info=error)
        if not context.user_id or not client.token:
            return
        key = user_key(context)
        try:
            replies = await self.work.run(self.coach.again, PLATFORM, key, t(
                await self.language(key), "error.again"))
        except Exception:
            logger.warning("could not show %s their question again", context.user_id)
            replies = [Reply(t(self.coach.default_language, "error.generic"))]
        try:
            channel = await self.dm_channel(client, context.user_id, key)
            await self.send(client, channel, key, replies)
        except Exception:
            logger.warning("could not tell %s about the failure", context.user_id)

    def queued(self) -> bool:
        return self.outbox is not None and self.coach.queues(PLATFORM)

    async def reply(self, client: AsyncWebClient, channel: str, key: str,
                    replies: list[Reply]) -> None:
        """Have the coach's replies sent: the outbox's rows, or sent here and now."""
        if self.queued():
            self.outbox.kick()
        elif replies:
            await self.send(client, channel, key, replies)

    async def deliver_row(self, app: AsyncApp, key: str, reply: Reply,
                          bulk: bool = False, skip: int = 0,
                          progress: Callable[[int], Awaitable[None]] | None = None
                          ) -> str | None:
        """Send one outbox row in the member's DM (a nudge when `bulk`: paced), after its
        `skip` parts already posted (`progress(parts posted)` after each but the last),
        the failure said in the outbox's terms: Retry (429, 5xx, timeouts, resets) or
        Undeliverable."""
        try:  # not under the member's lock: a message waiting for this row holds it
            return await self.post(app, key, [reply], bulk, skip, progress)
        except SlackApiError as error:
            code = error.response.get("error") or ""
            status = error.response.status_code
            if status == 429 or code == "ratelimited":
                after = error.response.headers.get("Retry-After")
                raise Retry("ratelimited", float(after) if after else None) from None
            if status >= 500 or code in RETRIED_ERRORS:
                raise Retry(code or str(status)) from None
            raise Undeliverable(code or str(status),
                                unreachable=code in UNREACHABLE_ERRORS) from None
        except LookupError:  # the app is no longer installed in that workspace
            raise Undeliverable("not_installed", unreachable=True) from None
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise Retry(type(error).__name__) from None

    async def deliver(self, app: AsyncApp, key: str, replies: list[Reply],
                      bulk: bool = True) -> None:
        """Send replies in the app's DM with a member: a nudge they did not ask for when
        `bulk`, paced per workspace at NUDGE_PACES."""
        async with self._locks.hold(key):
            await self.post(app, key, replies, bulk)

    async def post(self, app: AsyncApp, key: str, replies: list[Reply], bulk: bool,
                   skip: int = 0,
                   progress: Callable[[int], Awaitable[None]] | None = None
                   ) -> str | None:
        """Post replies in the app's DM with a member (paced when `bulk`; for one reply,
        after its `skip` parts already posted); return the ts of the last message."""
        team, _, user = key.partition(":")
        client = await client_for(app, team)
        if bulk and key not in self._channels:
            await self.pace(team, "conversations.open", None)
        channel = await self.dm_channel(client, user, key)
        return await self.send(client, channel, key, replies,
                               nudging=team if bulk else None, skip=skip,
                               progress=progress)

    async def pace(self, team: str, method: str, channel: str | None) -> None:
        """Wait for the slot of one nudge's call to `method` in workspace `team`."""
        rate, per_channel = NUDGE_PACES[method]
        pacer = self._pacers.get((team, method))
        if pacer is None:
            pacer = self._pacers[team, method] = Pacer(rate, per_channel)
        await pacer.wait(channel, bulk=True)

    # the team digest
    def digest_command(self, raw: str, command: dict, context: AsyncBoltContext) -> str:
        """Set the digest channel, stop it, or share (or not) one's line; return the answer."""
        key, store = user_key(context), self.coach.store
        language = self.coach.language_of(PLATFORM, key)
        rest = words.normalize(raw).partition(" ")[2].strip()
        if rest in words.DIGEST_STOP:
            store.stop_digest(context.team_id)
            return t(language, "digest.stopped")
        if rest in words.DIGEST_JOIN or rest in words.DIGEST_LEAVE:
            user = store.load_user(PLATFORM, key)
            if user is None:
                return t(language, "digest.no_user")
            store.set_member(user.id, rest in words.DIGEST_JOIN)
            return t(language, "digest.joined" if rest in words.DIGEST_JOIN else "digest.left")
        found = CHANNEL.search(raw)
        channel = found.group(1) if found else command.get("channel_id", "")
        if not channel.startswith(("C", "G")):
            return t(language, "digest.pick_channel")
        before = store.load_digest(context.team_id)
        zone = before.timezone if before else self.coach.checkins.default_timezone
        weekday, at = (before.weekday, before.at) if before else (DIGEST_DAY, DIGEST_AT)
        due = next_due(Schedule(weekday=weekday, at=at, timezone=zone), self.coach.clock())
        store.set_digest(context.team_id, channel, zone, due, context.user_id)
        return t(language, "digest.set", channel=f"<#{channel}>",
                 day=day_name(language, weekday), time=at.strftime("%H:%M"))

    async def open_digest_settings(self, client: AsyncWebClient, command: dict,
                                   context: AsyncBoltContext) -> str | None:
        """Open the digest's modal for whoever set it; else return why not."""
        language = await self.language(user_key(context))
        digest = await self.work.run(self.coach.store.load_digest, context.team_id)
        if digest is None:
            return t(language, "digest.pick_channel")
        if digest.set_by and digest.set_by != context.user_id:
            return t(language, "digest.not_yours", who=f"<@{digest.set_by}>")
        await client.views_open(trigger_id=command["trigger_id"], view=digest_modal(
            language, digest.weekday, digest.at.strftime("%H:%M"),
            digest.language or self.coach.default_language))
        return None

    async def on_digest_submitted(self, ack, body: dict, view: dict,
                                  client: AsyncWebClient,
                                  context: AsyncBoltContext) -> None:
        """Save the digest's day, time and language; confirm in the setter's DM."""
        key, run = user_key(context), self.work.run
        chosen = submitted_digest(view.get("state", {}).get("values", {}))
        payload = {"view": DIGEST_VIEW, "chosen": list(chosen) if chosen else None}
        errors, _ = await run(partial(self.save_digest, save=False), key, payload)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        delivery = await run(self.keep_submission, context, body, payload)
        await ack()
        async with self._locks.hold(key):
            _, replies = await run(self.save_digest, key, payload)
            channel = await self.dm_channel(client, context.user_id, key)
            for reply in replies:  # as typed, with its link to the channel
                await client.chat_postMessage(channel=channel, text=reply.text)
            await self.mark(delivery)

    def save_digest(self, key: str, payload: dict,
                    save: bool = True) -> tuple[dict[str, str], list[Reply]]:
        """Set the team digest's day, time and language (`payload["chosen"]`: weekday,
        "HH:MM", language) if `key` ("T1:U1") may; return the errors for the modal's
        fields, and the confirmation for the setter's DM."""
        team, _, member = key.partition(":")
        store, language = self.coach.store, self.coach.language_of(PLATFORM, key)
        digest = store.load_digest(team)
        if digest is None or (digest.set_by and digest.set_by != member):
            return {"day": t(language, "digest.not_yours", who=f"<@{digest.set_by}>")
                    if digest else t(language, "digest.pick_channel")}, []
        if not payload.get("chosen"):
            return {"time": t(language, "settings.bad_time")}, []
        weekday, at, digest_language = payload["chosen"]
        if not save:
            return {}, []
        moment = clock_time.fromisoformat(at)
        due = next_due(Schedule(weekday=weekday, at=moment, timezone=digest.timezone),
                       self.coach.clock())
        store.schedule_digest(team, weekday, moment, digest_language, due)
        return {}, [Reply(t(language, "digest.set", channel=f"<#{digest.channel}>",
                            day=day_name(language, weekday), time=at) + " " + t(
            language, "digest.in_language", name=t(language,
                                                   f"language.name.{digest_language}")))]

    async def post_due_digests(self, app: AsyncApp) -> int:
        """Post every due team digest about the week just finished; return how many."""
        store, now, posted = self.coach.store, self.coach.clock(), 0
        run = self.work.run
        for digest in await run(store.due_digests, now):
            language = digest.language or self.coach.default_language
            schedule = Schedule(weekday=digest.weekday, at=digest.at, timezone=digest.timezone)
            if not await run(store.claim_digest, digest, next_due(schedule, now)):
                continue
            day = local_day(digest.due, digest.timezone)
            shared = await run(store.shared_week, PLATFORM, digest.team, day)
            if not shared:
                continue  # nobody shared a check-in: nothing to post
            week = period_name(language, *checkin_days(last_sunday(day)
                                                        + timedelta(days=1)))
            try:
                client = await client_for(app, digest.team)
                await client.chat_postMessage(channel=digest.channel,
                                              text=digest_text(language, week, shared))
                posted += 1
            except (SlackApiError, LookupError):
                logger.exception("team %s: digest not posted", digest.team)
        return posted

    async def delete_forgotten_files(self, app: AsyncApp) -> int:
        """Delete in Slack the Home tab pictures of members who deleted their data (kept
        by `delete_user` as their workspace and file id); return how many went. One that
        fails for a passing reason is tried again next round."""
        store, deleted, run = self.coach.store, 0, self.work.run
        for forgotten in await run(store.forgotten_files, PLATFORM):
            try:
                client = await client_for(app, forgotten.place)
                await client.files_delete(file=forgotten.file_id)
            except LookupError:  # the app left the workspace: nothing to delete with
                pass
            except SlackApiError as error:
                if error.response.get("error") not in ("file_not_found", "file_deleted"):
                    logger.warning("a deleted member's picture was not deleted (%s)",
                                   error.response.get("error"))
                    continue
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                logger.warning("a deleted member's picture was not deleted (%s)",
                               type(error).__name__)
                continue
            await run(store.file_deleted, forgotten.id)
            deleted += 1
        return deleted

    # talking to the coach and to Slack
    async def handle(self, client: AsyncWebClient, context: AsyncBoltContext,
                     text: str | None = None, choice: Choice | None = None,
                     delivery: str | None = None, order: str | None = None) -> list[Reply]:
        """Pass one message to the coach, with the member's Slack locale and profile time
        zone as hints."""
        key = user_key(context)
        locale, zone = await self.profile(client, context.user_id, key)
        if text is not None and self.queued():  # its question may be on its way still
            await self.outbox.settled(PLATFORM, key)
        return await self.work.run(self.coach.handle, Inbound(
            PLATFORM, key, text=text, choice=choice, language=locale, timezone=zone,
            delivery=delivery, order=order))

    async def language(self, key: str, replies: list[Reply] = ()) -> str:
        """Return the language a member reads: the replies', else the stored one."""
        for reply in replies:
            if reply.language:
                return reply.language
        return await self.work.run(self.coach.language_of, PLATFORM, key)

    async def profile(self, client: AsyncWebClient, user_id: str,
                      key: str) -> tuple[str | None, str | None]:
        """Return the member's Slack locale ("fr-FR") and time zone ("Europe/Paris"),
        asked once per process."""
        if key not in self._profiles:
            try:
                response = await client.users_info(user=user_id, include_locale=True)
            except SlackApiError as error:
                logger.warning("users.info failed for %s: %s", user_id,
                               error.response.get("error"))
                return None, None
            member = response["user"]
            self._profiles[key] = (member.get("locale"), member.get("tz"))
        return self._profiles[key]

    async def dm_channel(self, client: AsyncWebClient, user_id: str, key: str) -> str:
        """Return the id of the app's direct-message channel with a member."""
        if key not in self._channels:
            response = await client.conversations_open(users=user_id)
            self._channels[key] = response["channel"]["id"]
        return self._channels[key]

    async def send(self, client: AsyncWebClient, channel: str, key: str,
                   replies: list[Reply], nudging: str | None = None, skip: int = 0,
                   progress: Callable[[int], Awaitable[None]] | None = None
                   ) -> str | None:
        """Post neutral replies as Block Kit messages, then any file (a chart or a PDF
        drawn off the loop once the text before it is posted); a nudge to a member of
        workspace `nudging` is paced at NUDGE_PACES. For one reply, `skip` parts (its
        messages, then its file, then its chart) already went out, and `progress(parts
        posted)` is awaited after each part but the last: a chart whose upload failed is
        sent again alone, never with the text before it. Return the ts of the last
        message posted: where the last question stands in the DM (None when no text went
        this time)."""
        language = await self.language(key, replies) if replies else None
        last = None
        for reply in replies:
            texts = messages(reply, reply.language or language)
            files = (reply.document is not None) + (reply.image is not None)
            parts = len(texts) + files
            number = 0

            async def sent() -> None:
                if progress is not None and number < parts:
                    await progress(number)
            for number, blocks in enumerate(texts, start=1):
                if number <= skip:
                    continue
                if nudging is not None:
                    await self.pace(nudging, "chat.postMessage", channel)
                posted = await client.chat_postMessage(
                    channel=channel, text=reply.text[:SECTION_LIMIT], blocks=blocks)
                last = posted.get("ts") or last
                await sent()
            number = len(texts)
            if not files or skip >= parts:
                continue
            reply = await self.work.made(reply)  # drawn only when a file is still to go
            if reply.document is not None:
                number += 1
                if number > skip:
                    await client.files_upload_v2(
                        channel=channel, content=reply.document.content,
                        filename=reply.document.filename, title=reply.document.filename)
                    await sent()
            if reply.image is not None:
                number += 1
                if number > skip:
                    await client.files_upload_v2(channel=channel, content=reply.image,
                                                 filename="chart.png", title="chart.png")
        return last


def last_sunday(day: date) -> date:
    """Return the Sunday that ended the last full week before `day`: a digest posted on
    any day is about the last Monday-to-Sunday week, as Monday check-ins are."""
    return day - timedelta(days=day.weekday() + 1)


# What a Home tab button does, as the command the member could type in the DM.
HOME_COMMANDS = {"start": "start", "resume": "start", "checkin": "checkin",
                 "export": "export", "delete": "delete"}


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:24]


def command_key(context: AsyncBoltContext, command: dict) -> str | None:
    """Return the key that makes a slash command handled once: the workspace, the member,
    its trigger_id (one per command typed) and its text; None without a trigger_id."""
    trigger = command.get("trigger_id")
    if not trigger:
        return None
    return "command:" + _digest(context.team_id or context.enterprise_id, context.user_id,
                                trigger, command.get("command"), command.get("text"))


def action_key(context: AsyncBoltContext, body: dict) -> str | None:
    """Return the key that makes a button press handled once: the workspace, the member,
    its action_ts (one per press; else its trigger_id) and what it carries."""
    action = (body.get("actions") or [{}])[0]
    moment = action.get("action_ts") or body.get("trigger_id")
    if not moment:
        return None
    container = body.get("container") or {}
    return "action:" + _digest(context.team_id or context.enterprise_id, context.user_id,
                               moment, action.get("action_id"), action.get("value"),
                               container.get("message_ts"),
                               json.dumps(body.get("state"), sort_keys=True))


def view_key(context: AsyncBoltContext, body: dict) -> str | None:
    """Return the key that makes a modal submission handled once: the workspace, the
    member, its trigger_id (one per submission), the modal and what it holds."""
    trigger = body.get("trigger_id")
    if not trigger:
        return None
    view = body.get("view") or {}
    return "view:" + _digest(context.team_id or context.enterprise_id, context.user_id,
                             trigger, view.get("id"), view.get("callback_id"),
                             json.dumps(view.get("state"), sort_keys=True))


def acknowledge_the_rest(app: AsyncApp) -> None:
    """Acknowledge, quietly, every event, action, shortcut, view, options request and
    command no listener before took (bolt would answer 404 and log "unhandled
    request"): app_home_opened, reactions, a modal closed... Register these last."""
    anything = re.compile(".*")

    async def ignore_event(event: dict) -> None:
        logger.debug("slack: event %s ignored", event.get("type"))

    async def acknowledge(ack, body: dict) -> None:
        await ack()
        logger.debug("slack: %s ignored", body.get("type"))

    app.event(anything)(ignore_event)
    for register in (app.action, app.shortcut, app.view_submission, app.view_closed,
                     app.options, app.command):
        register(anything)(acknowledge)


async def client_for(app: AsyncApp, team: str) -> AsyncWebClient:
    """Return a Web API client with the bot token of `team`."""
    if app.installation_store is None:  # one workspace: the configured token
        return app.client
    bot = await app.installation_store.async_find_bot(enterprise_id=None, team_id=team)
    if bot is None:
        raise LookupError(f"the app is not installed in {team}")
    return AsyncWebClient(token=bot.bot_token, base_url=app.client.base_url,
                          retry_handlers=app.client.retry_handlers)


def digest_text(language: str, week: str, shared: list[tuple[str, WeekReport]]) -> str:
    """Return the team digest of `week` (its name: "semaine du 16 au 22 novembre"): the
    sharing members' totals, then a line each."""
    hours = sum(report.hours for _, report in shared)
    results = sum(report.results for _, report in shared)
    lines = [t(language, "digest.title", n=results, week=week, hours=number(language, hours),
               results=number(language, results))
             + " " + t(language, "digest.members", n=len(shared))]
    lines += [t(language, "digest.line", n=report.results, name=f"<@{user}>",
                hours=number(language, report.hours),
                results=number(language, report.results)) for user, report in shared]
    return "\n".join(lines)


async def digest_loop(adapter: SlackAdapter, app: AsyncApp) -> None:
    """Post due digests, and delete the pictures of members who deleted their data,
    every DIGEST_INTERVAL seconds until cancelled."""
    while True:
        try:
            await adapter.post_due_digests(app)
            await adapter.delete_forgotten_files(app)
        except Exception:
            logger.exception("digest round failed")
        await asyncio.sleep(DIGEST_INTERVAL)


def installations(settings: Settings, store: Store):
    """Return the OAuth installation store, its tokens encrypted at rest when
    COACH_ENCRYPTION_KEY is set."""
    cipher = TokenCipher(settings.encryption_key) if settings.encryption_key else None
    return store.slack_installations(settings.slack_client_id, cipher)


def prepare_installations(settings: Settings, store: Store) -> None:
    """At start, before the event loop: check the stored tokens can be read with the
    configured key (or none) and encrypt those kept in clear; ConfigError otherwise."""
    try:
        installations(settings, store).prepare()
    except WrongKey as error:
        raise ConfigError(str(error)) from None


def build_app(settings: Settings, coach: Coach,
              adapter: SlackAdapter | None = None) -> AsyncApp:
    """Return the bolt app wired to the coach: one workspace, or many through OAuth."""
    client = AsyncWebClient(
        token=None if settings.slack_oauth else settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[AsyncConnectionErrorRetryHandler(),
                        AsyncRateLimitErrorRetryHandler(max_retry_count=3)])
    oauth = None
    if settings.slack_oauth:
        oauth = AsyncOAuthSettings(
            client_id=settings.slack_client_id, client_secret=settings.slack_client_secret,
            scopes=list(BOT_SCOPES), user_scopes=[],
            installation_store=installations(settings, coach.store),
            state_store=SignedStateStore(settings.slack_state_secret, coach.store))
    app = AsyncApp(name="coach", client=client, oauth_settings=oauth,
                   signing_secret=settings.slack_signing_secret or "",
                   request_verification_enabled=not settings.slack_app_token)
    (adapter or SlackAdapter(coach)).register(app)
    return app


def slack_routes(settings: Settings, app: AsyncApp) -> web.Application | None:
    """Return bolt's aiohttp application (POST /slack/events, and the OAuth install and
    redirect pages when configured) to serve on PORT, or None in Socket Mode."""
    if settings.slack_app_token:
        return None
    return app.web_app(path=EVENTS_PATH, port=settings.port)


@asynccontextmanager
async def running(settings: Settings, coach: Coach, app: AsyncApp,
                  adapter: SlackAdapter) -> AsyncIterator[Sender]:
    """Run the Slack app for the duration of the block (its HTTP routes are served by the
    caller, on PORT; Socket Mode connects here); yield what sends a nudge to a member
    directly (the adapter's outbox sends them when the coach queues Slack's replies)."""
    async def send(key: str, replies: list[Reply]) -> None:
        await adapter.deliver(app, key, replies)
    if adapter.outbox is not None:
        adapter.outbox.add(PLATFORM, partial(adapter.deliver_row, app), parts=True)
        if adapter.queued():
            await adapter.replay()  # what a killed worker had acknowledged and not handled
    digesting = asyncio.create_task(digest_loop(adapter, app))
    handler = None
    if settings.slack_app_token:
        handler = AsyncSocketModeHandler(app, settings.slack_app_token)
        try:
            await handler.connect_async()
        except SlackApiError as error:
            digesting.cancel()
            raise ConfigError(f"Slack refused the Socket Mode connection "
                              f"({error.response.get('error')}): check SLACK_APP_TOKEN"
                              ) from None
        logger.info("slack: socket mode connected")
    try:
        yield send
    finally:
        digesting.cancel()
        if adapter.outbox is not None:
            await adapter.outbox.flush(timeout=10.0)
        if handler is not None:
            await handler.close_async()
