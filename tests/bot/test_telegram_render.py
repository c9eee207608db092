"""Telegram rendering: keyboards within Telegram's limits."""

from bot.telegram import CHECK, checked, keyboard, toggled
from flows import plan, render
from flows.i18n import LANGUAGES
from flows.messages import Option, Reply
from flows.questions import QUESTIONS


def test_callback_data_stays_under_64_bytes_for_every_prompt():
    replies = [render.question_reply(lang, q, {}) for lang in LANGUAGES for q in QUESTIONS]
    replies += [reply for lang in LANGUAGES for confirmed in (False, True)
                for reply in (plan.plan_reply(lang, {}, confirmed),
                              plan.details_reply(lang, {}, confirmed),
                              plan.waiting_reply(lang, confirmed))]
    replies += [render.confirmation_reply("fr", "confirm_restart", "?"),
                render.language_reply("fr")]
    buttons = 0
    for reply in (r for r in replies if r.options):
        for row in keyboard(reply, "fr").inline_keyboard:
            buttons += len(row)
            for button in row:
                assert len(button.callback_data.encode()) <= 64, button.callback_data
    assert buttons > 50


def test_multi_select_toggles_check_marks_and_collects_them():
    reply = Reply("?", prompt="networks", multi=True, selected=("x",),
                  options=(Option("linkedin", "LinkedIn"), Option("x", "X")))
    markup = keyboard(reply, "en")
    assert markup.inline_keyboard[1][0].text == CHECK + "X"
    assert markup.inline_keyboard[-1][0].text == "Done"
    markup = toggled(markup, "t|networks|linkedin")
    markup = toggled(markup, "t|networks|x")
    assert checked(markup) == (("linkedin",), ["LinkedIn"])
