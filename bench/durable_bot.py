#!/usr/bin/env python3
"""Baseline for `make bench`: the least a bot that keeps what it is told must do.

It asks the same five sections as bench/conversation_bot.py, but each answer and the
question reached are committed to SQLite (WAL, synchronous=NORMAL, as the coach's
database) before the reply is sent: one transaction per message, on the event loop, with
no inbox, no outbox and no parsing. What it costs over the echo bot is the price of
durability alone, which no bot that loses nothing on a crash avoids. Reads
TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL and COACH_DATABASE (its file) like the coach.
"""

import logging
import os
import sqlite3

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

QUESTIONS = ["Pourquoi voulez-vous être sur les réseaux sociaux ?",
             "Qui sont vos clients ?", "Sur quels réseaux sont-ils ?",
             "Qui s'en occupe, et combien d'heures par semaine ?", "Quel budget par an ?"]


def open_database(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, step INTEGER)")
    db.execute("CREATE TABLE IF NOT EXISTS answers (user_id INTEGER, step INTEGER, "
               "value TEXT, PRIMARY KEY (user_id, step))")
    return db


def answer(db: sqlite3.Connection, user: int, text: str) -> str:
    """Keep one message in one transaction; return the reply to send."""
    db.execute("BEGIN IMMEDIATE")
    try:
        row = db.execute("SELECT step FROM users WHERE id = ?", (user,)).fetchone()
        if text.startswith("/start") or row is None:
            step = 0
        else:
            step = row[0]
            db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", (user, step, text))
            step += 1
        db.execute("INSERT OR REPLACE INTO users VALUES (?, ?)", (user, step))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return QUESTIONS[step] if step < len(QUESTIONS) else "Merci, votre plan est noté."


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    db = open_database(os.environ.get("COACH_DATABASE", "durable.db"))

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(answer(db, update.effective_user.id,
                                               update.message.text))

    application = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
                   .base_url(os.environ["TELEGRAM_API_URL"]).build())
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.run_polling(allowed_updates=["message"])


if __name__ == "__main__":
    main()
