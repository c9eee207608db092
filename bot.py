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
    platform = args.platform
    if platform is None:
        platform = "console" if not (settings.has_telegram or settings.has_slack) else None
    logging.basicConfig(
        level=logging.WARNING if platform == "console" else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if platform != "console":
        print("Telegram and Slack are not available yet: run `python bot.py console`, "
              "or unset TELEGRAM_BOT_TOKEN and SLACK_BOT_TOKEN.", file=sys.stderr)
        return 2
    coach = Coach(open_database(settings.database), settings.language)
    run_console(coach, getpass.getuser())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
