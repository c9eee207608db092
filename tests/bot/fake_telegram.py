"""A fake Telegram Bot API on 127.0.0.1, for end-to-end tests over real HTTP.

One route, `POST /bot{token}/{method}`, and the handful of methods the bot uses.
Tests push updates (a typed message, a pressed button) and wait for what the bot sent.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time

from aiohttp import web

from tests.bot.fake_server import FakeServer

TOKEN = "123456:AAH-fake_token-for-tests-0123456789abc"  # the shape of a real one
BOT = {"id": 999, "is_bot": True, "first_name": "Coach", "username": "coach_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": False,
       "supports_inline_queries": False}


def returned(message: dict) -> dict:
    """Return a sent message as the Bot API returns it: with its inline keyboard, never
    a ForceReply (which PTB would fail to read as a keyboard)."""
    shown = dict(message)
    if "inline_keyboard" not in shown.get("reply_markup", {"inline_keyboard": ()}):
        shown.pop("reply_markup")
    return shown


class FakeTelegram(FakeServer):
    """The fake server, its updates queue and the log of every call the bot made."""

    def __init__(self) -> None:
        super().__init__()
        self.url = f"http://127.0.0.1:{self.port}/bot"
        self.messages: dict[int, dict] = {}  # message_id -> message as the bot left it
        self._updates: list[dict] = []
        self.throttle_sends = 0  # answer this many sendMessage calls with a 429
        # what the next sends (sendMessage, sendPhoto, sendDocument) get, in order: None
        # to be sent, a status (500, 502...) to fail with it
        self.send_faults: list[int | None] = []
        self.blocked: set[int] = set()  # chats whose user blocked the bot: sends get a 403
        self.refusal = 401  # the status a wrong token gets (404 for a malformed one)
        self.allowed_updates: list[str] | None = None  # as the last getUpdates asked
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._renumbered: dict[int, int] = {}  # a recorded message_id -> the one given

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._handle)

    # the Bot API
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            description = "Unauthorized" if self.refusal == 401 else "Not Found"
            with self._lock:
                self.calls.append(("refused", {"method": request.match_info["method"]}))
            return web.json_response({"ok": False, "error_code": self.refusal,
                                      "description": description}, status=self.refusal)
        method = request.match_info["method"]
        params = dict(await request.post()) if request.can_read_body else {}
        params = {k: (v if isinstance(v, str) else v.file.read()) for k, v in params.items()}
        if method.startswith("send") and int(params.get("chat_id") or 0) in self.blocked:
            with self._lock:
                self.calls.append(("403", params))
            return web.json_response({"ok": False, "error_code": 403, "description":
                                      "Forbidden: bot was blocked by the user"}, status=403)
        if method in ("sendMessage", "sendPhoto", "sendDocument") and self.send_faults:
            with self._lock:
                status = self.send_faults.pop(0)
                if status is not None:
                    self.calls.append((str(status), params))
            if status is not None:
                return web.json_response({"ok": False, "error_code": status,
                                          "description": "Internal Server Error"},
                                         status=status)
        if method == "sendMessage" and self.throttle_sends > 0:
            self.throttle_sends -= 1
            with self._lock:
                self.calls.append(("429", params))
            return web.json_response({"ok": False, "error_code": 429,
                                      "description": "Too Many Requests: retry after 1",
                                      "parameters": {"retry_after": 1}}, status=429)
        if method != "getUpdates":
            with self._lock:
                self.calls.append((method, params))
        handler = getattr(self, f"_{method}", None)
        result = await handler(params) if handler else True
        return web.json_response({"ok": True, "result": result})

    async def _getMe(self, params):
        return BOT

    async def _getUpdates(self, params):
        offset = int(params.get("offset", 0) or 0)
        if params.get("allowed_updates"):
            self.allowed_updates = json.loads(params["allowed_updates"])
        # Hold the long poll at most 1 s: answering early with nothing is allowed, and a
        # stopping bot then waits 1 s for its last getUpdates instead of 10.
        deadline = time.monotonic() + min(float(params.get("timeout", 0) or 0), 1.0)
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                pending = list(self._updates)
            if pending or time.monotonic() >= deadline:
                return pending
            await asyncio.sleep(0.05)

    def _message(self, params, **extra) -> dict:
        chat_id = int(params["chat_id"])
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private"}, "from": BOT, **extra}
        markup = json.loads(params.get("reply_markup") or "{}")
        if "inline_keyboard" in markup:  # a message keeps only an inline keyboard, as
            message["reply_markup"] = markup  # Telegram's do (a ForceReply is not kept)
        elif markup:
            message["force_reply"] = markup  # for tests: what the input field showed
        with self._lock:
            self.messages[message["message_id"]] = message
        return returned(message)

    async def _sendMessage(self, params):
        return self._message(params, text=params["text"])

    async def _sendDocument(self, params):
        return self._message(params, document={"file_id": "f1", "file_unique_id": "u1"})

    async def _sendPhoto(self, params):
        return self._message(params, photo=[{"file_id": "p1", "file_unique_id": "p1",
                                            "width": 1, "height": 1}])

    async def _edit(self, params, **changes):
        with self._lock:
            message = self.messages[int(params["message_id"])]
            message.update(changes)
            if params.get("reply_markup"):
                message["reply_markup"] = json.loads(params["reply_markup"])
            else:
                message.pop("reply_markup", None)
            return returned(message)

    async def _editMessageText(self, params):
        return await self._edit(params, text=params["text"])

    async def _editMessageReplyMarkup(self, params):
        return await self._edit(params)

    # what tests do
    def push(self, update: dict) -> int:
        """Deliver an update as given (a recorded payload); return its update_id. A new
        message gets the chat's next message_id, as Telegram numbers them (the coach
        reads their order beside its own messages'); an edit keeps pointing at it."""
        for kind in ("message", "edited_message"):
            message = update.get(kind)
            if isinstance(message, dict) and isinstance(message.get("message_id"), int):
                recorded = message["message_id"]
                with self._lock:
                    if kind == "message":
                        self._renumbered[recorded] = next(self._message_ids)
                    message["message_id"] = self._renumbered.get(recorded, recorded)
        return self._push(update)

    def _push(self, update: dict) -> int:
        with self._lock:
            update["update_id"] = update.get("update_id") or next(self._update_ids)
            self._updates.append(update)
        return update["update_id"]

    def type(self, user_id: int, text: str, language: str = "fr",
             chat_type: str = "private", update_id: int | None = None) -> int:
        """Deliver a typed message from a user; return its update_id."""
        chat = {"id": user_id if chat_type == "private" else -user_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Team"
        return self._push({"update_id": update_id, "message": {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "U",
                     "language_code": language}, "text": text}})

    def membership(self, user_id: int, status: str) -> int:
        """Deliver a my_chat_member update: the user blocked ("kicked") or unblocked
        ("member") the bot in their private chat."""
        chat = {"id": user_id, "type": "private", "first_name": "U"}
        before = "kicked" if status == "member" else "member"
        return self._push({"my_chat_member": {
            "chat": chat, "from": {"id": user_id, "is_bot": False, "first_name": "U"},
            "date": int(time.time()),
            "old_chat_member": {"user": BOT, "status": before, **(
                {"until_date": 0} if before == "kicked" else {})},
            "new_chat_member": {"user": BOT, "status": status, **(
                {"until_date": 0} if status == "kicked" else {})}}})

    def press(self, user_id: int, message: dict, label: str, language: str = "fr",
              query_id: str | None = None) -> int:
        """Press the button labelled `label` (its visible text) on a message the bot sent."""
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        button = next(b for b in buttons if b["text"] == label)
        return self._push({"callback_query": {
            "id": query_id or str(next(self._message_ids)), "chat_instance": "ci",
            "from": {"id": user_id, "is_bot": False, "first_name": "U",
                     "language_code": language},
            "message": dict(message), "data": button["callback_data"]}})

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict]:
        with self._lock:
            return [p for m, p in self.calls if m == method
                    and (chat_id is None or int(p.get("chat_id", 0)) == chat_id)]

    def wait_for_text(self, chat_id: int, text: str, timeout: float = 15) -> dict:
        """Wait for a message to `chat_id` containing `text`; return a snapshot of it.

        The snapshot keeps its keyboard even after the bot edits the message, as an
        old message still open on another device would.
        """
        def find():
            with self._lock:
                return next((copy.deepcopy(m) for m in reversed(self.messages.values())
                             if m["chat"]["id"] == chat_id and text in m.get("text", "")),
                            None)
        return self.wait_for(find, timeout, f"{text!r} to {chat_id}")
