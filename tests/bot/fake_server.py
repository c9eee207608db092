"""What the fake platform servers share: an aiohttp server on 127.0.0.1 in its own thread,
and the bot under test as a real subprocess."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeServer:
    """An aiohttp app on a free port of 127.0.0.1, served from a thread while in `with`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.calls: list = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def routes(self, app: web.Application) -> None:
        """Add the platform's routes to `app`."""
        raise NotImplementedError

    def __enter__(self):
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        self.routes(app)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def wait_for(self, predicate, timeout: float = 15, what: str = "a call"):
        """Wait until `predicate()` returns something truthy, and return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = predicate()
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; calls: {self.calls[-6:]}")


class BotProcess:
    """`python bot.py [platform]` with `env` on top of ours, logging beside the database."""

    def __init__(self, platform: str | None, database: Path, env: dict[str, str]) -> None:
        env = {**os.environ, "COACH_DATABASE": str(database), "PYTHONUNBUFFERED": "1",
               "TELEGRAM_BOT_TOKEN": "", "SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": "",
               **env}
        self.log_path = database.with_suffix(".log")
        self.log = open(self.log_path, "a")
        command = [sys.executable, "bot.py"] + ([platform] if platform else [])
        self.process = subprocess.Popen(command, cwd=ROOT,
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_listening(self, port: int, timeout: float = 20) -> "BotProcess":
        """Wait until the bot accepts connections on `port`; fail early if it died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_path.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"the bot never listened on port {port}")

    def stop(self, sig=signal.SIGTERM) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=20)
        self.log.close()


def replies_sent(database: Path, platform: str, delivery: object | None) -> bool:
    """Tell whether the bot on `database` handled a delivery (any, when None) and sent
    every reply it queued: what a user waits for before typing the next answer (the
    coach takes a typed answer only for the question the user saw)."""
    import sqlite3
    with sqlite3.connect(database, timeout=30) as conn:
        handled = delivery is None or conn.execute(
            "SELECT 1 FROM processed_updates WHERE platform = ? AND update_id = ?",
            [platform, str(delivery)]).fetchone()
        unsent = conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"
                              ).fetchone()[0]
    return bool(handled) and unsent == 0
