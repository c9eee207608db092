"""Telegram adapter: updates become neutral messages, replies become HTML and inline keyboards.

Buttons carry `c|<prompt>|<value>` (a choice), `t|<prompt>|<value>` (toggle a check mark
in a multi-select, kept in the message's own keyboard) and `d|<prompt>` (done: the
checked values are sent). Every update is recorded as handled in the transaction that
handles it, so a redelivered update_id changes nothing; a choice is recorded by its
message and button, so a double tap, or the same button pressed again on another
device, gets a toast and changes nothing. One user's updates run in
order, different users' concurrently.

What else Telegram may send: `/start <payload>` (a deep link) starts or resumes, its
payload kept on the user; a photo, a voice note, a sticker... gets a line asking for
text and the question again; an edited message gets one line saying the original is
kept; a button with no message, no keyboard or data that is not on its keyboard gets a
toast; channel posts, group service messages and anything else are ignored.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from functools import partial
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram import (Bot, BotCommand, BotCommandScopeDefault, CallbackQuery, ChatMember,
                      ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputFile,
                      MenuButtonCommands, Message, Update)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import (BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError,
                            RetryAfter, TelegramError, TimedOut)
from telegram.ext import (Application, ApplicationBuilder, BaseRateLimiter,
                          BaseUpdateProcessor, CallbackQueryHandler, ChatMemberHandler,
                          ContextTypes, MessageHandler, filters)

from bot.config import ConfigError, Settings
from bot.offload import Offload, offload_of
from bot.ordering import KeyedLocks
from bot.pacing import Pacer
from bot.outbox import OutboxSender, Retry, Undeliverable
from bot.scheduler import Sender
from bot.text import split_text
from flows.coach import Coach
from flows.i18n import LANGUAGES, supported, t
from flows.messages import Choice, Deferred, Inbound, Reply

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
PLACEHOLDER_LIMIT = 64  # characters Telegram shows in the input field
GROUP_PAYLOAD = "group"  # the start payload of the invitation sent in a group
MAX_TEXT = 4096
CHECK = "✅ "
# The update types subscribed to (allowed_updates), each handled in `build_application`:
# nothing else is asked for, and whatever else comes is ignored.
UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
# What a private message may hold instead of text: each gets a line asking for text.
NOT_TEXT = ("photo", "voice", "sticker", "document", "location", "contact", "video",
            "audio", "animation", "video_note", "venue", "poll", "dice")
# `/start`, `/start@CoachBot`, `/start <payload>`: a deep link's payload is 1-64 of these
START = re.compile(r"^/start(?:@\w+)?(?:\s+(.*?))?\s*$", re.IGNORECASE | re.DOTALL)
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
POLL_TIMEOUT = 10  # seconds a getUpdates call is held open by Telegram
FLUSH_TIMEOUT = 10.0  # seconds to send what is left in the outbox when stopping
MARK_AFTER = 0.05  # seconds the updates handled wait to be marked in the inbox together
# HTTP connections to the Bot API. PTB's default, 256, lets concurrent sends open
# dozens, and httpcore scans every connection for every queued request (quadratic:
# most of the bot's CPU under load: 4.7 of 9 CPU seconds for 1,400 requests, profiled); a
# few carry Telegram's 30 messages a second.
CONNECTIONS = 8
PACE = 28.0  # messages a second overall: Telegram allows about 30, the rest is margin
PER_CHAT = 1.0  # seconds between two nudges to one chat
BULK = "bulk"  # the rate_limit_args of a nudge's sends: they queue behind one another
TYPING_AFTER = 0.5  # seconds a turn may take before "typing…" shows
COMMANDS = ("start", "plan", "pdf", "checkin", "report", "settings", "back", "help",
            "restart", "language", "export", "delete")


def _seconds(value: object) -> float:
    """Return a retry_after (seconds, or a timedelta) as seconds."""
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


class PerUserOrder(BaseUpdateProcessor):
    """Process different users' updates concurrently and each user's in arrival order."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks = KeyedLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        user = getattr(update, "effective_user", None)
        async with self._locks.hold(user.id if user else None):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


class PacedLimiter(BaseRateLimiter):
    """Every call that sends to a chat waits for its slot in the bot's Pacer (replies
    ahead, nudges spread at PACE, one a second to a chat); a 429 holds that chat only,
    for its retry_after, and the call is tried again (at most `max_retries` times, then
    the outbox retries the row)."""

    def __init__(self, pacer: Pacer | None = None, max_retries: int = 3) -> None:
        self.pacer = pacer or Pacer(PACE, PER_CHAT)
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]],
                              args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: str | None) -> Any:
        chat = data.get("chat_id")
        paced = chat is not None and endpoint != "sendChatAction"
        for attempt in range(self.max_retries + 1):
            if paced:
                await self.pacer.wait(chat, bulk=rate_limit_args == BULK)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == self.max_retries:
                    raise
                seconds = _seconds(error.retry_after)
                logger.info("%s to chat %s refused (429): tried again in %.1f s", endpoint,
                            chat, seconds)
                self.pacer.refused(chat, seconds)
        raise AssertionError("unreachable")  # pragma: no cover


def keyboard(reply: Reply, language: str) -> InlineKeyboardMarkup | ForceReply | None:
    """Return the inline keyboard of a reply's options; for a question answered by
    typing, a ForceReply whose input field shows an example answer; else None."""
    if not reply.options:
        if reply.placeholder:
            return ForceReply(input_field_placeholder=reply.placeholder[:PLACEHOLDER_LIMIT])
        return None
    if reply.multi:
        rows = [[InlineKeyboardButton(
            (CHECK if o.value in reply.selected else "") + o.label,
            callback_data=f"t|{reply.prompt}|{o.value}")] for o in reply.options]
        rows.append([InlineKeyboardButton(t(language, "option.done"),
                                          callback_data=f"d|{reply.prompt}")])
        return InlineKeyboardMarkup(rows)
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        o.label, callback_data=f"c|{reply.prompt}|{o.value}")] for o in reply.options])


def toggled(markup: InlineKeyboardMarkup, data: str) -> InlineKeyboardMarkup:
    """Return `markup` with the check mark of the button carrying `data` flipped."""
    rows = []
    for row in markup.inline_keyboard:
        buttons = []
        for button in row:
            text = button.text
            if button.callback_data == data:
                text = text[len(CHECK):] if text.startswith(CHECK) else CHECK + text
            buttons.append(InlineKeyboardButton(text, callback_data=button.callback_data))
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


def checked(markup: InlineKeyboardMarkup | None) -> tuple[tuple[str, ...], list[str]]:
    """Return the values and labels of the checked buttons of a multi-select."""
    values, labels = [], []
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.text.startswith(CHECK) and str(button.callback_data).startswith("t|"):
                values.append(str(button.callback_data).split("|", 2)[2])
                labels.append(button.text[len(CHECK):])
    return tuple(values), labels


def pressed_labels(markup: InlineKeyboardMarkup | None, data: object) -> list[str] | None:
    """Return the label of the button carrying `data` on `markup` (in a list), or None
    when no button there carries it (no keyboard, foreign or forged data)."""
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if data is not None and button.callback_data == data:
                return [button.text]
    return None


def start_command(text: str) -> tuple[str, str | None]:
    """Return the text for the coach and a deep link's payload: `/start abc` and
    `/start@CoachBot abc` are `/start` with "abc" kept aside, never an answer."""
    found = START.match(text)
    if found is None:
        return text, None
    payload = found.group(1) or ""
    return "/start", payload if PAYLOAD.match(payload) else None


class TelegramAdapter:
    """Handlers that connect one Telegram bot to the coach. With an outbox sender, the
    coach's replies are rows committed with the message, and the adapter only wakes the
    sender; without one (tests of the adapter alone), it sends them itself."""

    def __init__(self, coach: Coach, outbox: OutboxSender | None = None,
                 work: Offload | None = None) -> None:
        self.coach = coach
        self.outbox = outbox
        self.work = work or offload_of(coach.store)

    def queued(self) -> bool:
        return self.outbox is not None and self.coach.queues(PLATFORM)

    async def handle(self, inbound: Inbound, bot: Bot | None = None,
                     chat_id: int | None = None) -> list[Reply]:
        """Pass one message to the coach, on the store's thread; "typing…" shows in the
        chat when the turn takes longer than TYPING_AFTER."""
        turn = asyncio.ensure_future(self.work.run(self.coach.handle, inbound))
        if bot is not None and chat_id is not None:
            done, _ = await asyncio.wait([turn], timeout=TYPING_AFTER)
            if not done:
                try:
                    await bot.send_chat_action(chat_id, ChatAction.TYPING)
                except TelegramError as error:
                    logger.info("typing not shown: %s", type(error).__name__)
        return await turn

    async def reply(self, bot: Bot, chat_id: int, user_id: str, replies: list[Reply]) -> None:
        """Have the coach's replies sent: the outbox's rows, or sent here and now."""
        if self.queued():
            self.outbox.kick()
        elif replies:
            await self.send(bot, chat_id, user_id, replies)

    async def language(self, user_id: str) -> str:
        return await self.work.run(self.coach.language_of, PLATFORM, user_id)

    async def first_time(self, update: Update) -> bool:
        """Record an update that does not reach the coach (a check mark, a group message);
        False when it was seen before. Updates for the coach are recorded by the coach, in
        the transaction that handles them."""
        user = update.effective_user
        key = f"{PLATFORM}:{user.id}" if user else None
        if await self.work.run(self.coach.store.record_update, PLATFORM, update.update_id,
                               key):
            return True
        logger.info("update %s already processed", update.update_id)
        return False

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle typed text; in a group, invite the user to a private chat."""
        message, user = update.effective_message, update.effective_user
        if update.effective_chat.type != ChatType.PRIVATE:
            if user is None or not await self.first_time(update):
                return
            # a deep link: it opens the private chat, whose Start sends "/start group"
            link = f"https://t.me/{context.bot.username}?start={GROUP_PAYLOAD}"
            language = supported(user.language_code) or self.coach.default_language
            await message.reply_text(t(language, "private_only", link=link))
            return
        text, payload = start_command(message.text)
        inbound = Inbound(PLATFORM, str(user.id), text=text, language=user.language_code,
                          delivery=str(update.update_id), start_payload=payload,
                          order=str(message.message_id))
        if self.queued():  # the question it answers may be on its way still
            await self.outbox.settled(PLATFORM, str(user.id))
        chat = update.effective_chat.id
        await self.reply(context.bot, chat, str(user.id),
                         await self.handle(inbound, context.bot, chat))

    async def on_not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a photo, a voice note, a sticker... in a private chat: a line asking for
        text, then the question again; nothing else changes."""
        message, user = update.effective_message, update.effective_user
        kind = next((k for k in NOT_TEXT if getattr(message, k, None)), "other")
        inbound = Inbound(PLATFORM, str(user.id), language=user.language_code,
                          delivery=str(update.update_id), not_text=kind)
        await self.reply(context.bot, update.effective_chat.id, str(user.id),
                         await self.handle(inbound))

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer an edited message once (however often it is edited): the original is
        kept, nothing changes."""
        message, user = update.effective_message, update.effective_user
        if not await self.work.run(self.coach.store.record_update, PLATFORM,
                                   f"edited:{message.chat.id}:{message.message_id}"):
            return
        await self.send(context.bot, message.chat.id, str(user.id),
                        [Reply(t(await self.language(str(user.id)), "edited"))])

    async def on_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The user blocked the bot (kicked) or deleted the chat: pause their nudges;
        unblocked it (member): start them again. Only private chats: a group adding or
        removing the bot says nothing about one user."""
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        status = change.new_chat_member.status
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            await self.work.run(self.coach.set_reachable, PLATFORM, str(change.chat.id),
                                False)
        elif status == ChatMember.MEMBER:
            await self.work.run(self.coach.set_reachable, PLATFORM, str(change.chat.id),
                                True)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle a pressed button: toggle a check mark, or send the choice to the coach.

        A button with no message (an inline message, or one too old to be shown), no
        keyboard, or data that is not on its message's keyboard gets a toast."""
        query, user = update.callback_query, update.effective_user
        message = query.message if isinstance(query.message, Message) else None
        markup = message.reply_markup if message is not None else None
        labels = pressed_labels(markup, query.data)
        kind, _, rest = str(query.data or "").partition("|")
        if labels is None or kind not in ("c", "t", "d"):
            logger.info("update %s: a button that is not the coach's", update.update_id)
            await self.toast(query, t(await self.language(str(user.id)), "button.unknown"))
            return
        if kind == "t":
            if not await self.first_time(update):
                return
            await self.toast(query)
            await self.edited(query.edit_message_reply_markup(toggled(markup, query.data)))
            return
        if kind == "d":
            prompt = rest
            values, labels = checked(markup)
        else:
            prompt, _, value = rest.partition("|")
            values = (value,)
        # recorded by its message and button: a second tap on it is not handled again (the
        # coach tells a stale question's other buttons; a settings button works twice)
        replies = await self.handle(Inbound(
            PLATFORM, str(user.id), choice=Choice(prompt, values), language=user.language_code,
            delivery=f"button:{message.chat.id}:{message.message_id}:{query.data}"),
            context.bot, message.chat.id)
        if not replies:  # a double tap, or a redelivery: handled before (its unsent
            if self.queued():  # replies are the outbox's)
                self.outbox.kick()
            await self.toast(query, t(await self.language(str(user.id)), "already_answered"))
            return
        if replies[0].notice:
            await self.toast(query, replies[0].text)
            return
        if self.queued():  # committed: whatever happens to the edit, the replies go out
            self.outbox.kick()
        try:
            await self.toast(query)
            shown = html.escape(message.text or "", quote=False)
            if labels:
                shown += "\n\n<b>→ " + html.escape(", ".join(labels), quote=False) + "</b>"
            await self.edited(query.edit_message_text(shown[:MAX_TEXT],
                                                      parse_mode=ParseMode.HTML))
        except TelegramError as error:  # the answer is kept: only the old message is stale
            logger.warning("update %s: the pressed message was not updated (%s)",
                           update.update_id, type(error).__name__)
        if not self.queued():
            await self.send(context.bot, message.chat.id, str(user.id), replies)

    @staticmethod
    async def toast(query: CallbackQuery, text: str | None = None) -> None:
        """Answer a callback query (a toast when `text`); one too old to answer is let go."""
        try:
            await query.answer(text, show_alert=False)
        except BadRequest as error:
            logger.info("callback query not answered: %s", error.message)

    @staticmethod
    async def edited(edit: Awaitable) -> None:
        """Edit a message; one already as asked (a double tap) or gone is let go."""
        try:
            await edit
        except BadRequest as error:
            logger.info("message not edited: %s", error.message)

    async def send(self, bot: Bot, chat_id: int, user_id: str, replies: list[Reply],
                   bulk: bool = False, skip: int = 0,
                   progress: Callable[[int], Awaitable[None]] | None = None) -> str | None:
        """Send neutral replies: HTML text split under 4,096 characters, keyboards, files
        (a chart or a PDF drawn off the loop once the text before it is sent, "sending a
        photo…" showing meanwhile); `bulk` for a nudge, which waits behind the users'
        replies at the pacer. For one reply, `skip` parts (messages, then the file, then
        the chart) already went out, and `progress(parts sent)` is awaited after each
        part but the last. Return the message_id of the last text sent: where the last
        question stands in the chat (None when no text went this time)."""
        language, last = None, None
        for reply in replies:
            language = reply.language or language or await self.language(user_id)
            parts, texts = self.parts(bot, chat_id, reply, language, bulk)
            for number, part in enumerate(parts[skip:], start=skip + 1):
                sent = await part()
                if number <= texts:
                    last = sent
                if progress is not None and number < len(parts):
                    await progress(number)
        return str(last.message_id) if last is not None else None

    def parts(self, bot: Bot, chat_id: int, reply: Reply, language: str,
              bulk: bool = False) -> tuple[list[Callable[[], Awaitable[object]]], int]:
        """Return the sends of one reply, in order (its text's messages, its file, its
        chart, each file after its 'sending…' action and drawn then, off the loop), and
        how many of them are text."""
        pace = {"rate_limit_args": BULK} if bulk else {}  # (ExtBot's; replies: none)
        chunks = split_text(html.escape(reply.text, quote=False), MAX_TEXT)
        parts = [partial(bot.send_message, chat_id, chunk, parse_mode=ParseMode.HTML,
                         reply_markup=keyboard(reply, language) if number == len(chunks)
                         else None, **pace)
                 for number, chunk in enumerate(chunks, start=1)]

        async def document() -> Message:
            await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
            content = reply.document.content
            if isinstance(content, Deferred):
                content = await self.work.draw(content)
            return await bot.send_document(chat_id, InputFile(
                content, filename=reply.document.filename), **pace)

        async def image() -> Message:
            await bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
            picture = reply.image
            if isinstance(picture, Deferred):
                picture = await self.work.draw(picture)
            return await bot.send_photo(chat_id, picture, **pace)
        return parts + [document] * (reply.document is not None) + [image] * (
            reply.image is not None), len(chunks)

    async def deliver(self, bot: Bot, chat: str, reply: Reply, bulk: bool = False,
                      skip: int = 0,
                      progress: Callable[[int], Awaitable[None]] | None = None
                      ) -> str | None:
        """Send one outbox row (after its `skip` parts already sent) and return its
        message_id, the failure said in the outbox's terms: Retry (429, 5xx, timeouts,
        resets) or Undeliverable (blocked, a bad request)."""
        try:
            return await self.send(bot, int(chat), chat, [reply], bulk, skip, progress)
        except RetryAfter as error:
            raise Retry("RetryAfter", _seconds(error.retry_after)) from None
        except Forbidden as error:  # blocked, or the account deleted
            raise Undeliverable(type(error).__name__, unreachable=True) from None
        except (BadRequest, InvalidToken, ChatMigrated) as error:
            raise Undeliverable(type(error).__name__) from None
        except NetworkError as error:  # TimedOut, a reset, a 5xx
            raise Retry(type(error).__name__) from None

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure with its update id and tell the user something kind, with the
        question they are at (nothing of the failed message was kept), in a private chat
        only (never in a group or a channel)."""
        update_id = getattr(update, "update_id", None)
        logger.error("update %s failed", update_id, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat and update.effective_user \
                and update.effective_chat.type == ChatType.PRIVATE:
            user_id = str(update.effective_user.id)
            try:
                language = await self.language(user_id)
                replies = await self.work.run(self.coach.again, PLATFORM, user_id,
                                              t(language, "error.again"))
            except Exception:
                logger.warning("could not show user %s their question again", user_id)
                replies = [Reply(t(self.coach.default_language, "error.generic"))]
            try:
                await self.send(context.bot, update.effective_chat.id, user_id, replies)
            except Exception:
                logger.warning("could not tell user about update %s failing", update_id)


async def set_commands(application: Application) -> None:
    """Register the command menu in French and English, shown by the menu button."""
    for language in LANGUAGES:
        commands = [BotCommand(c, t(language, f"command.{c}")) for c in COMMANDS]
        await application.bot.set_my_commands(commands, scope=BotCommandScopeDefault(),
                                              language_code=language)
    # the button beside the input field opens that menu, in every private chat
    await application.bot.set_chat_menu_button(menu_button=MenuButtonCommands())


def build_application(settings: Settings, coach: Coach,
                      adapter: TelegramAdapter | None = None) -> Application:
    """Return the Telegram application wired to the coach."""
    adapter = adapter or TelegramAdapter(coach)
    application = (
        ApplicationBuilder().token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_api_url.replace("/bot", "/file/bot"))
        .rate_limiter(PacedLimiter())
        .connection_pool_size(CONNECTIONS)
        .concurrent_updates(PerUserOrder())
        .build()
    )
    # one handler for each type in UPDATES; channel posts, service messages, a group's
    # photos and edits have none, and are ignored
    private, new = filters.ChatType.PRIVATE, filters.UpdateType.MESSAGE
    not_text = (filters.PHOTO | filters.VOICE | filters.Sticker.ALL | filters.Document.ALL
                | filters.LOCATION | filters.CONTACT | filters.VIDEO | filters.AUDIO
                | filters.ANIMATION | filters.VIDEO_NOTE | filters.VENUE | filters.POLL
                | filters.Dice.ALL)
    application.add_handler(MessageHandler(new & filters.TEXT, adapter.on_text))
    application.add_handler(MessageHandler(new & private & not_text, adapter.on_not_text))
    application.add_handler(MessageHandler(
        filters.UpdateType.EDITED_MESSAGE & private, adapter.on_edited))
    application.add_handler(CallbackQueryHandler(adapter.on_button))
    application.add_handler(ChatMemberHandler(adapter.on_member,
                                              ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(adapter.on_error)
    return application


def webhook_handler(application: Application, secret: str | None):
    """Return the handler of Telegram's webhook calls: the secret header checked (403
    without it, and for every call when no secret is configured), the update handled (in
    each user's order), then 200."""
    async def on_update(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return web.Response(status=400)
        # handled before the answer: a worker that dies first leaves Telegram to redeliver
        await application.update_processor.process_update(
            update, application.process_update(update))
        return web.Response()
    return on_update


class PollingTaken(ConfigError):
    """Another worker already long-polls this bot's updates."""


async def initialize(application: Application) -> None:
    """Initialize the bot (getMe), rephrasing a refused token or an unreachable Bot API
    as a ConfigError that names the setting and never holds the token (the library's
    own message prints it)."""
    try:
        await application.initialize()
    except InvalidToken:
        raise ConfigError("the Telegram token was refused: check TELEGRAM_BOT_TOKEN (and "
                          "TELEGRAM_API_URL, if you set one)") from None
    except NetworkError as error:
        raise ConfigError(f"the Telegram Bot API could not be reached "
                          f"({type(error).__name__}): check the network and "
                          f"TELEGRAM_API_URL") from None


def chat_of(update: Update) -> str | None:
    """Return the user an update is from, as the coach keys them."""
    user = update.effective_user
    return str(user.id) if user else None


class Poller:
    """Long polling that loses nothing: each batch of updates is stored in the inbox
    before the next getUpdates confirms its offset, then handled in each user's order
    and marked handled. At start, the updates stored and not handled (the process died)
    are handled first, in the order they came; those Telegram sends again are handled
    once (the coach records each update in the transaction that handles it)."""

    def __init__(self, application: Application, coach: Coach,
                 timeout: int = POLL_TIMEOUT) -> None:
        self.application, self.coach, self.timeout = application, coach, timeout
        self.store = coach.store
        self.work = offload_of(coach.store)
        self._tasks: set[asyncio.Task] = set()
        self._polling: asyncio.Task | None = None
        self._handled: list[str] = []  # updates handled, to mark in the inbox together
        self._marking: asyncio.Task | None = None

    async def start(self) -> None:
        await self.replay()
        self._polling = asyncio.create_task(self._poll())

    async def replay(self) -> int:
        """Handle the updates stored and not handled yet; return how many."""
        kept = await self.work.run(self.store.unhandled, PLATFORM)
        for row in kept:
            self._handle(Update.de_json(row.payload, self.application.bot))
        if kept:
            logger.info("telegram: %s updates left unhandled are handled first", len(kept))
        return len(kept)

    async def stop(self, timeout: float = 20.0) -> None:
        """Stop taking updates, and finish those in flight (each one's commit)."""
        if self._polling is not None:
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
        if self._marking is not None:
            await asyncio.gather(self._marking, return_exceptions=True)
        await self._mark()

    async def _poll(self) -> None:
        offset, failures = None, 0
        bot = self.application.bot
        await bot.delete_webhook()
        while True:
            try:
                updates = await bot.get_updates(offset=offset, timeout=self.timeout,
                                                allowed_updates=UPDATES)
                failures = 0
            except RetryAfter as error:
                await asyncio.sleep(_seconds(error.retry_after))
                continue
            except TimedOut:
                continue
            except TelegramError as error:  # a network error, a 5xx, a 409 Conflict
                failures += 1
                logger.warning("telegram: getUpdates failed (%s)", type(error).__name__)
                await asyncio.sleep(min(30.0, 0.5 * 2 ** failures))
                continue
            if not updates:
                continue
            now = self.coach.clock()
            await self.work.run(self.store.receive, PLATFORM, [
                (str(u.update_id), chat_of(u), u.to_dict()) for u in updates], now)
            offset = updates[-1].update_id + 1  # confirmed by the next call: stored now
            for update in updates:
                self._handle(update)

    def _handle(self, update: Update) -> None:
        task = asyncio.create_task(self._process(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, update: Update) -> None:
        application = self.application
        try:
            await application.update_processor.process_update(
                update, application.process_update(update))
        except Exception:
            logger.exception("update %s failed", update.update_id)
        # marked with the others handled meanwhile, in one transaction: one a few ms
        # late is handled again at a restart, and the coach knows it did (its update
        # is recorded in the transaction that handled it)
        self._handled.append(str(update.update_id))
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._mark(MARK_AFTER))

    async def _mark(self, after: float = 0.0) -> None:
        """Mark the updates handled since the last time, in one transaction."""
        if after:
            await asyncio.sleep(after)
        handled, self._handled = self._handled, []
        if handled:
            await self.work.run(self._mark_all, handled, self.coach.clock())

    def _mark_all(self, handled: list[str], now) -> None:
        with self.store.transaction():
            for delivery in handled:
                self.store.mark_handled(PLATFORM, delivery, now)


@asynccontextmanager
async def running(settings: Settings, coach: Coach, web_app: web.Application | None = None,
                  outbox: OutboxSender | None = None) -> AsyncIterator[Sender]:
    """Run the bot for the duration of the block (a webhook route on `web_app` when
    TELEGRAM_WEBHOOK_URL is set, our long polling otherwise); yield what sends a nudge
    directly (the outbox sends them when the coach queues Telegram's replies).

    Only one process may long-poll a bot token: a second one, on a shared database,
    stops at start and says to use webhook mode. On the way out: no more updates are
    taken, those in flight are finished, and the outbox is flushed."""
    adapter = TelegramAdapter(coach, outbox)
    application = build_application(settings, coach, adapter)
    webhook = settings.telegram_webhook_url
    if not webhook and not await adapter.work.run(coach.store.claim_leadership,
                                                  "telegram-polling"):
        raise PollingTaken("another worker is already long-polling this Telegram bot: "
                           "with several workers, set TELEGRAM_WEBHOOK_URL (webhook mode)")
    await initialize(application)
    poller = None
    async with application:
        if outbox is not None:
            outbox.add(PLATFORM, partial(adapter.deliver, application.bot), parts=True)
        await set_commands(application)
        if webhook:
            path = "/" + urlparse(webhook).path.lstrip("/")
            web_app.router.add_post(path, webhook_handler(
                application, settings.telegram_webhook_secret))
            await application.bot.set_webhook(
                url=webhook, secret_token=settings.telegram_webhook_secret,
                allowed_updates=UPDATES)
        await application.start()
        if not webhook:
            poller = Poller(application, coach)
            await poller.start()
        logger.info("telegram: running (%s)", "webhook" if webhook else "long polling")

        async def send(user_id: str, replies: list[Reply]) -> None:
            await adapter.send(application.bot, int(user_id), user_id, replies, bulk=True)
        try:
            yield send
        finally:
            if poller is not None:
                await poller.stop()
            if outbox is not None:
                await outbox.flush(timeout=FLUSH_TIMEOUT)
            await application.stop()
