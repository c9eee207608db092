#!/usr/bin/env python3
"""Run the social-media coach: `python bot.py [console|telegram|slack]`.

The one place that reads settings and wires everything: settings, database, coach,
adapters. With no platform named, every platform whose credentials are set runs, and
the terminal chat when none is.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys

from dotenv import load_dotenv

from bot.config import ConfigError, load_settings
from bot.console import run_console
from flows.coach import Coach
from storage import open_database

logger = logging.getLogger("bot")

PLATFORMS = ("console", "telegram", "slack")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Social-media coach")
    parser.add_argument("platform", nargs="?", choices=PLATFORMS,
                        help="run only this platform (default: every configured one, "
                             "or the terminal chat when none is)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    load_dotenv()
    args = parse_args(argv)
    try:
        settings = load_settings(os.environ)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    platform = args.platform or ("telegram" if settings.has_telegram else
                                 "slack" if settings.has_slack else "console")
    logging.basicConfig(
        level=logging.WARNING if platform == "console" else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its lines carry the bot token
    if platform == "slack":
        print("Slack is not available yet: run `python bot.py console` or "
              "`python bot.py telegram`.", file=sys.stderr)
        return 2
    if platform == "telegram" and not settings.has_telegram:
        print("Configuration error: TELEGRAM_BOT_TOKEN is not set.", file=sys.stderr)
        return 2
    coach = Coach(open_database(settings.database), settings.language)
    if platform == "telegram":
        from bot.telegram import run_telegram
        run_telegram(settings, coach)
    else:
        run_console(coach, getpass.getuser())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
