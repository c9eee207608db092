"""A fake Slack on 127.0.0.1, for end-to-end tests over real HTTP.

`FakeSlack` serves the Web API methods the app calls (`/api/{method}`), the file upload
URLs, the `response_url`s of slash commands and interactions, and a Socket Mode
websocket. `SlackUser` plays a member: it posts signed slash commands, button presses
and direct-message events to the app, the way Slack does.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from aiohttp import web

from tests.bot.fake_server import FakeServer

_last_ts = [0.0]
_ts_lock = threading.Lock()


def message_ts() -> str:
    """Return a message ts as Slack makes them: the time in microseconds, increasing
    (the members' messages and the bot's in one order, as in a real channel)."""
    with _ts_lock:
        _last_ts[0] = max(time.time(), _last_ts[0] + 0.000001)
        return f"{_last_ts[0]:.6f}"

SIGNING_SECRET = "test-signing-secret"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"
APP_TOKEN = "xapp-1-test"
BOT_USER = "UBOTCOACH"


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Return Slack's request signature for `body` sent at `timestamp`."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class FakeSlack(FakeServer):
    """The fake server and the log of everything the app sent."""

    def __init__(self) -> None:
        super().__init__()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/api/"
        self.tokens: dict[str, str] = {}  # bot token -> team id
        self.codes: dict[str, str] = {}  # OAuth code -> team id
        self.locales: dict[str, str] = {}  # user id -> Slack locale
        self.timezones: dict[str, str] = {}  # user id -> profile time zone (IANA)
        self.messages: dict[tuple[str, str], dict] = {}  # (channel, ts) -> message
        self.ephemeral: list[dict] = []
        self.responses: list[dict] = []  # what was posted to response_urls
        self.files: dict[str, dict] = {}
        self.throttle: dict[str, int] = {}  # method -> how many calls get a 429
        self.fail: dict[str, int] = {}  # method -> how many calls get an internal_error
        # ("upload": how many POSTs of a file's bytes get a 500)
        self.socket_inbox: asyncio.Queue | None = None  # envelopes to push over Socket Mode
        self.socket_acks: list[dict] = []
        self.home: dict[str, dict] = {}  # user id -> the Home tab last published
        self.modals: list[dict] = []  # the views opened, in order
        self._ts = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        self.socket_inbox = asyncio.Queue()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{id}", self._response)
        app.router.add_get("/socket", self._socket)

    def add_team(self, team: str) -> str:
        """Install the app in a workspace by hand; return its bot token."""
        token = f"xoxb-{team}"
        self.tokens[token] = team
        return token

    # the Web API
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(dict(await request.post()))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or \
            params.get("token")
        team = self.tokens.get(token)
        with self._lock:
            if self.throttle.get(method, 0) > 0:
                self.throttle[method] -= 1
                self.calls.append(("429", {"method": method}, team))
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": "1"})
            self.calls.append((method, params, team))
            if self.fail.get(method, 0) > 0:
                self.fail[method] -= 1
                return web.json_response({"ok": False, "error": "internal_error"})
        if method == "oauth.v2.access":
            return web.json_response(self._oauth(request, params))
        if method == "apps.connections.open":
            ok = token == APP_TOKEN
            return web.json_response({"ok": ok, "url": f"ws://127.0.0.1:{self.port}/socket"}
                                     if ok else {"ok": False, "error": "invalid_auth"})
        if team is None:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        result = handler(params, team) if handler else {}
        return web.json_response({"ok": True, **result})

    def _auth_test(self, params, team):
        return {"url": "https://team.slack.com/", "team": "Team", "user": "coach",
                "team_id": team, "user_id": BOT_USER, "bot_id": "BCOACH",
                "is_enterprise_install": False}

    def _conversations_open(self, params, team):
        return {"channel": {"id": f"D{team}{params['users']}"}}

    def _users_info(self, params, team):
        user = params["user"]
        return {"user": {"id": user, "team_id": team, "name": user,
                         "locale": self.locales.get(user, "fr-FR"),
                         "tz": self.timezones.get(user, "Europe/Paris")}}

    def _chat_postMessage(self, params, team):
        ts = message_ts()
        blocks = params.get("blocks")
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks or []
        message = {"type": "message", "ts": ts, "channel": params["channel"], "team": team,
                   "text": params.get("text", ""), "blocks": blocks, "bot_id": "BCOACH"}
        with self._lock:
            self.messages[(params["channel"], ts)] = message
        return {"channel": params["channel"], "ts": ts, "message": message}

    def _chat_update(self, params, team):
        blocks = params.get("blocks")
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks or []
        with self._lock:
            message = self.messages[(params["channel"], params["ts"])]
            message.update(text=params.get("text", ""), blocks=blocks)
        return {"channel": params["channel"], "ts": params["ts"]}

    def _views_publish(self, params, team):
        view = params["view"]
        view = json.loads(view) if isinstance(view, str) else view
        with self._lock:
            refused = self._unknown_images(view, team)
            if refused:  # as Slack answers a slack_file it cannot show
                return {"ok": False, "error": "invalid_blocks", "errors": [
                    f"invalid slack file [json-pointer:/view/blocks/{n}/slack_file]"
                    for n in refused]}
            self.home[params["user_id"]] = view
        return {"view": {"id": f"V{next(self._ts)}", **view}}

    def _views_open(self, params, team):
        view = params["view"]
        view = json.loads(view) if isinstance(view, str) else view
        with self._lock:
            self.modals.append(view)
        return {"view": {"id": f"V{next(self._ts)}", **view}}

    def _chat_postEphemeral(self, params, team):
        with self._lock:
            self.ephemeral.append({**params, "team": team})
        return {"message_ts": f"{time.time():.6f}"}

    def _unknown_images(self, view: dict, team: str) -> list[int]:
        """Return the blocks whose image is a Slack file this team does not hold,
        uploaded and completed (never a deleted one)."""
        refused = []
        for n, block in enumerate(view.get("blocks", [])):
            file_id = (block.get("slack_file") or {}).get("id")
            if block.get("type") != "image" or "slack_file" not in block:
                continue
            held = self.files.get(file_id) or {}
            if not (held.get("team") == team and held.get("completed") and "content" in held
                    and not held.get("deleted")):
                refused.append(n)
        return refused

    def _files_delete(self, params, team):
        with self._lock:
            held = self.files.get(params.get("file", ""))
            if held is None or held["team"] != team:
                return {"ok": False, "error": "file_not_found"}
            held["deleted"] = True
        return {}

    def _files_getUploadURLExternal(self, params, team):
        file_id = f"F{next(self._ts)}"
        with self._lock:
            self.files[file_id] = {"filename": params["filename"], "team": team,
                                   "alt_txt": params.get("alt_txt")}
        return {"upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, params, team):
        files = params["files"]
        files = json.loads(files) if isinstance(files, str) else files
        with self._lock:
            for entry in files:
                self.files[entry["id"]].update(channel=params.get("channel_id"),
                                               title=entry.get("title"), completed=True)
        return {"files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def _oauth(self, request: web.Request, params: dict) -> dict:
        auth = request.headers.get("Authorization", "")
        credentials = f"{CLIENT_ID}:{CLIENT_SECRET}"
        if auth != "Basic " + base64.b64encode(credentials.encode()).decode() and (
                params.get("client_id"), params.get("client_secret")) != (CLIENT_ID,
                                                                          CLIENT_SECRET):
            return {"ok": False, "error": "invalid_client_id"}
        team = self.codes.pop(params.get("code", ""), None)
        if team is None:
            return {"ok": False, "error": "invalid_code"}
        token = self.add_team(team)
        return {"ok": True, "app_id": "ACOACH", "authed_user": {"id": "UADMIN"},
                "scope": "commands,chat:write", "token_type": "bot", "access_token": token,
                "bot_user_id": BOT_USER, "team": {"id": team, "name": f"Team {team}"},
                "enterprise": None, "is_enterprise_install": False}

    async def _upload(self, request: web.Request) -> web.Response:
        body = await request.read()
        with self._lock:
            if self.fail.get("upload", 0) > 0:  # the upload URL's server fails
                self.fail["upload"] -= 1
                return web.Response(status=500, text="upload failed")
        form = await request.post() if request.content_type.startswith("multipart") else None
        content = form["file"].file.read() if form and "file" in form else body
        with self._lock:
            self.files[request.match_info["file_id"]]["content"] = content
        return web.Response(text=f"OK - {len(content)}")

    async def _response(self, request: web.Request) -> web.Response:
        with self._lock:
            self.responses.append({"id": request.match_info["id"], **await request.json()})
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1})

        async def pump():
            while True:
                await socket.send_json(await self.socket_inbox.get())
        pumping = asyncio.ensure_future(pump())
        try:
            async for message in socket:
                with self._lock:
                    self.socket_acks.append(json.loads(message.data))
        finally:
            pumping.cancel()
        return socket

    def push_socket(self, envelope: dict) -> None:
        """Deliver an envelope to the app over Socket Mode."""
        self._loop.call_soon_threadsafe(self.socket_inbox.put_nowait, envelope)

    # what tests read
    def sent(self, method: str, team: str | None = None) -> list[dict]:
        """Return the parameters of every call to `method` (for `team` if given)."""
        with self._lock:
            return [p for m, p, t in self.calls if m == method and (team is None or t == team)]

    def wait_for_text(self, channel: str, text: str, timeout: float = 15) -> dict:
        """Wait for a message in `channel` containing `text`; return a snapshot of it."""
        def find():
            with self._lock:
                return next((copy.deepcopy(m) for m in reversed(self.messages.values())
                             if m["channel"] == channel and text in m["text"]), None)
        return self.wait_for(find, timeout, f"{text!r} in {channel}")


class SlackUser:
    """One workspace member, talking to the app at `app_url` as Slack would."""

    def __init__(self, fake: FakeSlack, app_url: str, team: str, user: str,
                 secret: str = SIGNING_SECRET) -> None:
        self.fake, self.app_url, self.team, self.user = fake, app_url, team, user
        self.secret = secret
        self.dm = f"D{team}{user}"
        self._ids = itertools.count(1)

    def post(self, body: bytes, content_type: str, timestamp: int | None = None,
             signature: str | None = None, headers: dict | None = None) -> tuple[int, str]:
        """POST a signed request to the app; return its status and body."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        request = urllib.request.Request(self.app_url, data=body, method="POST", headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature or sign(body, timestamp, self.secret),
            **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def trigger(self) -> str:
        """Return a new trigger_id: Slack gives one to each command and each press."""
        return f"{next(self._ids)}.{time.time_ns()}.{self.user.lower()}"

    def command_body(self, text: str = "", channel: str = "C0GENERAL",
                     trigger_id: str | None = None) -> bytes:
        return urllib.parse.urlencode({
            "token": "legacy", "team_id": self.team, "team_domain": "team",
            "channel_id": channel, "channel_name": "general", "user_id": self.user,
            "user_name": self.user.lower(), "command": "/coach", "text": text,
            "api_app_id": "ACOACH", "is_enterprise_install": "false",
            "response_url": f"{self.fake.base}/response/{self.team}-{next(self._ids)}",
            "trigger_id": trigger_id or self.trigger()}).encode()

    def command(self, text: str = "", channel: str = "C0GENERAL") -> tuple[int, str]:
        """Type `/coach <text>` in a channel."""
        return self.post(self.command_body(text, channel), "application/x-www-form-urlencoded")

    def form(self, fields: dict, headers: dict | None = None) -> tuple[int, str]:
        """POST form fields as given (a recorded slash command)."""
        return self.post(urllib.parse.urlencode(fields).encode(),
                         "application/x-www-form-urlencoded", headers=headers)

    def interaction(self, payload: dict, headers: dict | None = None) -> tuple[int, str]:
        """POST an interactive payload as given (a recorded button press, a shortcut)."""
        return self.form({"payload": json.dumps(payload)}, headers)

    def event(self, envelope: dict, headers: dict | None = None) -> tuple[int, str]:
        """POST an Events API envelope as given (a recorded event)."""
        return self.post(json.dumps(envelope).encode(), "application/json", headers=headers)

    def event_body(self, text: str, event_id: str | None = None) -> bytes:
        event_id = event_id or f"Ev{self.team}{self.user}{next(self._ids)}{time.time_ns()}"
        return json.dumps({
            "token": "legacy", "team_id": self.team, "api_app_id": "ACOACH",
            "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": self.team, "user_id": BOT_USER, "is_bot": True,
                                "enterprise_id": None, "is_enterprise_install": False}],
            "event": {"type": "message", "channel_type": "im", "channel": self.dm,
                      "user": self.user, "text": text, "team": self.team,
                      "ts": message_ts()}}).encode()

    def say(self, text: str, event_id: str | None = None,
            headers: dict | None = None) -> tuple[int, str]:
        """Type `text` in the app's direct messages."""
        return self.post(self.event_body(text, event_id), "application/json",
                         headers=headers)

    def _actions(self, message: dict, action: dict, ticked: list[dict] = ()) -> bytes:
        state = {}
        for block in message["blocks"]:
            for element in block.get("elements", []):
                if element.get("type") == "checkboxes":
                    chosen = [o for o in element["options"] if o in ticked]
                    state.setdefault(block["block_id"], {})[element["action_id"]] = {
                        "type": "checkboxes", "selected_options": chosen}
        payload = {
            "type": "block_actions", "api_app_id": "ACOACH", "token": "legacy",
            "team": {"id": self.team, "domain": "team"},
            "user": {"id": self.user, "team_id": self.team, "username": self.user.lower()},
            "container": {"type": "message", "message_ts": message["ts"],
                          "channel_id": message["channel"], "is_ephemeral": False},
            "channel": {"id": message["channel"], "name": "directmessage"},
            "message": message, "state": {"values": state},
            "response_url": f"{self.fake.base}/response/{self.team}-{next(self._ids)}",
            "trigger_id": self.trigger(),
            "actions": [{**action, "action_ts": f"{time.time():.6f}{next(self._ids)}"}]}
        return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()

    def press(self, message: dict, label: str) -> tuple[int, str]:
        """Press the button labelled `label` on a message the app sent."""
        for block in message["blocks"]:
            for element in block.get("elements", []):
                if element.get("type") == "button" and element["text"]["text"] == label:
                    action = {"type": "button", "block_id": block["block_id"],
                              "action_id": element["action_id"], "text": element["text"],
                              "value": element.get("value", "")}
                    return self.post(self._actions(message, action),
                                     "application/x-www-form-urlencoded")
        raise AssertionError(f"no button {label!r} in {message['blocks']}")

    def open_home(self) -> tuple[int, str]:
        """Open the app's Home tab (Slack sends app_home_opened)."""
        return self.post(json.dumps({
            "token": "legacy", "team_id": self.team, "api_app_id": "ACOACH",
            "type": "event_callback", "event_id": f"EvHome{next(self._ids)}{time.time_ns()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": self.team, "user_id": BOT_USER, "is_bot": True,
                                "enterprise_id": None, "is_enterprise_install": False}],
            "event": {"type": "app_home_opened", "user": self.user, "channel": self.dm,
                      "tab": "home", "event_ts": f"{time.time():.6f}"}}).encode(),
            "application/json")

    def _interaction(self, payload: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def _who(self) -> dict:
        return {"api_app_id": "ACOACH", "token": "legacy",
                "team": {"id": self.team, "domain": "team"},
                "user": {"id": self.user, "team_id": self.team,
                         "username": self.user.lower()},
                "trigger_id": f"{next(self._ids)}.{time.time_ns()}.trigger"}

    def press_in_view(self, view: dict, label: str) -> tuple[int, str]:
        """Press the button labelled `label` on the Home tab (or a view) last shown."""
        for block in view["blocks"]:
            for element in block.get("elements", []):
                if element.get("type") == "button" and element["text"]["text"] == label:
                    return self._interaction({
                        "type": "block_actions", **self._who(),
                        "container": {"type": "view", "view_id": "VHOME"},
                        "view": {"id": "VHOME", **view},
                        "actions": [{"type": "button", "block_id": block.get("block_id"),
                                     "action_id": element["action_id"],
                                     "text": element["text"],
                                     "value": element.get("value", ""),
                                     "action_ts": f"{time.time():.6f}"}]})
        raise AssertionError(f"no button {label!r} in {view['blocks']}")

    def submit_view(self, view: dict, values: dict[str, dict]) -> tuple[int, str]:
        """Submit a modal with `values` ({block_id: the element's state}), each under
        the element's action id, as Slack sends a view_submission."""
        state = {}
        for block in view["blocks"]:
            if block.get("type") == "input" and block["block_id"] in values:
                element = block["element"]
                state[block["block_id"]] = {element["action_id"]: {
                    "type": element["type"], **values[block["block_id"]]}}
        return self._interaction({
            "type": "view_submission", **self._who(),
            "view": {"id": "VMODAL", "type": "modal", **view, "state": {"values": state}}})

    def tick_and_submit(self, message: dict, labels: list[str], done: str) -> tuple[int, str]:
        """Tick the checkboxes labelled `labels`, then press the `done` button."""
        options = [o for block in message["blocks"] for e in block.get("elements", [])
                   if e.get("type") == "checkboxes" for o in e["options"]]
        chosen = [o for o in options if o["text"]["text"] in labels]
        assert len(chosen) == len(labels), f"missing checkboxes among {labels}"
        button = next(e for block in message["blocks"] for e in block.get("elements", [])
                      if e.get("type") == "button" and e["text"]["text"] == done)
        action = {"type": "button", "block_id": "done", "action_id": button["action_id"],
                  "text": button["text"], "value": button["value"]}
        return self.post(self._actions(message, action, chosen),
                         "application/x-www-form-urlencoded")
