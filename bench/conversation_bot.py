#!/usr/bin/env python3
"""Baseline for `make bench`: the conventional way, a ConversationHandler asking the five
sections (why, who, where, resources, budget) with PicklePersistence, long polling.

Each answer is kept in `user_data` and the conversation's state in the pickle file
(PERSISTENCE, beside the working folder), as PTB's conversationbot example does; PTB's
defaults otherwise. Reads TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL like the coach.
"""

import logging
import os

from telegram import Update
from telegram.ext import (ApplicationBuilder, CommandHandler, ContextTypes,
                          ConversationHandler, MessageHandler, PicklePersistence, filters)

WHY, WHO, WHERE, RESOURCE, BUDGET = range(5)
QUESTIONS = {
    WHY: "Pourquoi voulez-vous être sur les réseaux sociaux ?",
    WHO: "Qui sont vos clients ?",
    WHERE: "Sur quels réseaux sont-ils ?",
    RESOURCE: "Qui s'en occupe, et combien d'heures par semaine ?",
    BUDGET: "Quel budget par an ?",
}
KEYS = {WHY: "why", WHO: "who", WHERE: "where", RESOURCE: "resource", BUDGET: "budget"}


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await update.message.reply_text("Bonjour ! " + QUESTIONS[WHY])
    return WHY


def asker(state: int):
    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        context.user_data[KEYS[state]] = update.message.text
        if state == BUDGET:
            summary = "\n".join(f"{KEYS[s]}: {context.user_data.get(KEYS[s])}"
                                for s in QUESTIONS)
            await update.message.reply_text("Votre plan :\n" + summary)
            return ConversationHandler.END
        await update.message.reply_text(QUESTIONS[state + 1])
        return state + 1
    return answer


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    persistence = PicklePersistence(os.environ.get("PERSISTENCE", "conversation.pickle"))
    application = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
                   .base_url(os.environ["TELEGRAM_API_URL"]).persistence(persistence)
                   .build())
    text = filters.TEXT & ~filters.COMMAND
    application.add_handler(ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={state: [MessageHandler(text, asker(state))] for state in QUESTIONS},
        fallbacks=[CommandHandler("start", start)], name="interview", persistent=True))
    application.run_polling(allowed_updates=["message"])


if __name__ == "__main__":
    main()
