#!/usr/bin/env python3
"""Baseline for `make bench`: a bare python-telegram-bot echo bot, long polling.

The least a bot can do per update: it answers every text with the same text. Reads
TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL like the coach; PTB's defaults otherwise.
"""

import logging
import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(update.message.text)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    application = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
                   .base_url(os.environ["TELEGRAM_API_URL"]).build())
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=["message"])


if __name__ == "__main__":
    main()
