"""A fast fake Telegram Bot API on 127.0.0.1 for `make bench`, in the driver's event loop.

Long polls wake on an event (no polling sleep), every send is timed and counted per chat,
and two optional behaviours model the real platform: `rtt` seconds of round trip per call,
and Telegram's limits (`limits`: at most `overall` sends in any second, one per chat per
second), answered above them with a 429 and `retry_after`, as Telegram does.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import time

from aiohttp import web

TOKEN = "123456:BENCH-token"
BOT = {"id": 999, "is_bot": True, "first_name": "Coach", "username": "coach_bench_bot",
       "can_join_groups": True, "can_read_all_group_messages": False,
       "supports_inline_queries": False}
SENDS = {"sendMessage", "sendPhoto", "sendDocument"}
ANSWERS = SENDS | {"editMessageText"}  # what counts as the bot's reply to a user


class FakeBotApi:
    """The fake server: updates in, timed sends out."""

    def __init__(self, rtt: float = 0.0, limits: bool = False, overall: int = 30,
                 per_chat: float = 1.0, retry_after: int = 1) -> None:
        self.rtt, self.limits, self.overall, self.per_chat = rtt, limits, overall, per_chat
        self.retry_after = retry_after
        self.updates: list[dict] = []
        self.arrived = asyncio.Event()
        self.served: dict[int, float] = {}  # update_id -> when getUpdates handed it out
        self.sends: dict[int, list[tuple[float, str, str]]] = collections.defaultdict(list)
        self.refused = 0  # 429s answered
        self.polls = 0
        self._window: collections.deque[float] = collections.deque()
        self._last_to: dict[int, float] = {}
        self._waiters: dict[int, list[asyncio.Future]] = collections.defaultdict(list)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self.runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    # the Bot API
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(await request.post()) if request.can_read_body else {}
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        if self.rtt:
            await asyncio.sleep(self.rtt)
        if method in SENDS and self.limits and not self._admit(int(params["chat_id"])):
            self.refused += 1
            return web.json_response({
                "ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {self.retry_after}",
                "parameters": {"retry_after": self.retry_after}}, status=429)
        if method == "getMe":
            return web.json_response({"ok": True, "result": BOT})
        if method in ANSWERS:
            chat_id = int(params["chat_id"])
            text = params.get("text") if isinstance(params.get("text"), str) else ""
            self.sends[chat_id].append((time.monotonic(), method, text))
            for waiter in self._waiters.pop(chat_id, ()):
                if not waiter.done():
                    waiter.set_result(None)
            message = {"message_id": next(self._message_ids), "date": int(time.time()),
                       "chat": {"id": chat_id, "type": "private"}, "from": BOT,
                       "text": text or ""}
            markup = params.get("reply_markup")
            if isinstance(markup, str) and "inline_keyboard" in markup:  # as Telegram:
                message["reply_markup"] = json.loads(markup)  # not a ForceReply
            return web.json_response({"ok": True, "result": message})
        return web.json_response({"ok": True, "result": True})

    def _admit(self, chat_id: int) -> bool:
        """Tell whether a send is within the limits, and count it if it is."""
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.overall:
            return False
        if now - self._last_to.get(chat_id, -10.0) < self.per_chat:
            return False
        self._window.append(now)
        self._last_to[chat_id] = now
        return True

    async def _get_updates(self, params) -> list[dict]:
        self.polls += 1
        offset = int(params.get("offset", 0) or 0)
        timeout = min(float(params.get("timeout", 0) or 0), 1.0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and timeout:
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), timeout)
            except asyncio.TimeoutError:
                pass
        handed = [u for u in self.updates if u["update_id"] >= offset][:100]
        now = time.monotonic()
        for update in handed:
            self.served.setdefault(update["update_id"], now)
        return handed

    # what the driver does
    def type(self, user_id: int, text: str, language: str = "fr") -> int:
        """Deliver a typed message from a user; return its update_id."""
        update_id = next(self._update_ids)
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": user_id, "type": "private"},
                   "from": {"id": user_id, "is_bot": False, "first_name": "U",
                            "language_code": language}, "text": text}
        if text.startswith("/"):  # as Telegram marks a command
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        self.updates.append({"update_id": update_id, "message": message})
        self.arrived.set()
        return update_id

    async def reply_to(self, user_id: int, update_id: int, timeout: float = 60.0) -> float:
        """Wait for the bot's first answer to chat `user_id` sent after update
        `update_id` was handed out; return when it came. (An answer that is the second
        message of an earlier turn can arrive after that: it counts as this one's, so a
        reply of two messages is measured by its first.)"""
        deadline = time.monotonic() + timeout
        while True:
            served = self.served.get(update_id)
            if served is not None:
                after = [t for t, _, _ in self.sends[user_id] if t >= served]
                if after:
                    return after[0]
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer to {user_id}")
            waiter = asyncio.get_running_loop().create_future()
            self._waiters[user_id].append(waiter)
            try:
                await asyncio.wait_for(waiter, min(left, 0.05))
            except asyncio.TimeoutError:
                pass  # handed out meanwhile: look again
