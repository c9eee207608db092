#!/usr/bin/env python3
"""Run the social-media coach: `python bot.py [console|telegram|slack]`.

The one place that reads settings and wires everything: settings, database, coach,
adapters. With no platform named, every platform whose credentials are set runs in one
event loop, and the terminal chat when none is.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
from contextlib import AsyncExitStack
from pathlib import Path

from dotenv import load_dotenv

from bot import logs
from bot.config import ConfigError, Settings, forget_credentials, load_settings
from bot.console import CHART, run_console
from bot import web
from bot.offload import charts_likely, drawing_process, offload_of
from bot.outbox import OutboxSender
from bot.scheduler import Scheduler
from flows.coach import Coach
from storage import POSTGRES_SCHEMES, open_store

logger = logging.getLogger("bot")

PLATFORMS = ("console", "telegram", "slack")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Social-media coach")
    parser.add_argument("platform", nargs="?", choices=PLATFORMS,
                        help="run only this platform (default: every configured one, "
                             "or the terminal chat when none is)")
    return parser.parse_args(argv)


def choose_platforms(settings: Settings, named: str | None) -> list[str]:
    """Return the platforms to run, or raise ConfigError when one cannot run."""
    if named == "telegram" and not settings.has_telegram:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set.")
    if named == "slack" and not settings.has_slack:
        raise ConfigError("SLACK_BOT_TOKEN (or the SLACK_CLIENT_ID OAuth settings) "
                          "is not set.")
    platforms = [named] if named else [p for p, on in (("telegram", settings.has_telegram),
                                                        ("slack", settings.has_slack)) if on]
    return platforms or ["console"]


def files_folder(settings: Settings) -> Path:
    """Return where the terminal saves charts and PDFs: beside the SQLite file, or in
    the current folder with a server database."""
    if settings.database.startswith(POSTGRES_SCHEMES):
        return Path.cwd()
    return Path(settings.database).resolve().parent


def needs_http(settings: Settings, platforms: list[str]) -> bool:
    """Tell whether to listen on PORT: for Slack's HTTP mode, the Telegram webhook, or
    /healthz alone when PORT is set (containers, load balancers)."""
    slack_http = "slack" in platforms and not settings.slack_app_token
    webhook = "telegram" in platforms and bool(settings.telegram_webhook_url)
    return slack_http or webhook or settings.port_given


async def serve(settings: Settings, coach: Coach, platforms: list[str]) -> None:
    """Run the chat platforms in one event loop until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    senders = {}
    outbox = OutboxSender(  # each platform adds its deliverer
        coach.store, {}, coach.clock,
        unreachable=lambda platform, chat: coach.set_reachable(platform, chat, False))
    sending = None
    async with AsyncExitStack() as stack:
        slack_app = routes = None
        if "slack" in platforms:
            from bot import slack
            adapter = slack.SlackAdapter(coach, outbox)
            slack_app = slack.build_app(settings, coach, adapter)
            routes = slack.slack_routes(settings, slack_app)
        http = web.new_app(coach.store, routes)  # /healthz, then each platform's routes
        stack.push_async_callback(outbox.close)  # last: after each platform's flush
        if "telegram" in platforms:
            from bot import telegram
            senders["telegram"] = await stack.enter_async_context(
                telegram.running(settings, coach, http, outbox))
        if slack_app is not None:
            senders["slack"] = await stack.enter_async_context(
                slack.running(settings, coach, slack_app, adapter))
        if needs_http(settings, platforms):
            await stack.enter_async_context(web.listening(http, settings.host, settings.port))
        if await offload_of(coach.store).run(charts_likely, coach, platforms):
            drawing_process()  # spawned now, not at the first chart of a Monday's rush
        sending = asyncio.create_task(outbox.run())  # what was left unsent goes first
        nudges = asyncio.create_task(Scheduler(coach, senders, outbox=outbox).run())
        await stop.wait()
        logger.info("stopping: no new updates; those in flight finish, the outbox is "
                    "flushed")
        nudges.cancel()
        sending.cancel()


def main(argv: list[str]) -> int:
    os.umask(0o077)  # every file the coach creates is its owner's only
    load_dotenv()
    args = parse_args(argv)
    try:
        settings = load_settings(os.environ)
        platforms = choose_platforms(settings, args.platform)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    forget_credentials(os.environ)
    # the terminal chat shares its screen with the log: warnings only, unless asked
    logs.configure(settings.log_level or ("WARNING" if platforms == ["console"] else "INFO"),
                   settings.secrets)
    try:
        run(settings, platforms)
    except ConfigError as error:  # found at start: a refused token, another poller
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    except Exception:  # logged through the redacting filter, never printed raw
        logger.exception("the coach stopped on an error")
        return 1
    return 0


def run(settings: Settings, platforms: list[str]) -> None:
    """Open the database and run the platforms until stopped."""
    store = open_store(settings.database)
    chats = tuple(p for p in platforms if p != "console")  # replies through the outbox
    coach = Coach(store, settings.language, settings.timezone, outbox=chats)
    try:
        if "slack" in platforms and settings.slack_oauth:
            from bot.slack import prepare_installations
            prepare_installations(settings, store)
        if platforms == ["console"]:
            run_console(coach, getpass.getuser(), chart=files_folder(settings) / CHART)
        else:
            asyncio.run(serve(settings, coach, platforms))
    finally:
        store.close()  # hands the roles this worker led to another at once


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
