"""The terminal chat: no account needed. Options are numbered; answers are typed."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Callable, TextIO

from bot.scheduler import Scheduler
from flows.coach import Coach
from flows.i18n import t
from flows.messages import Inbound, Reply

logger = logging.getLogger(__name__)

PLATFORM = "console"
PROMPT = "> "
CHART = "coach-chart.png"  # saved beside the database


def render(reply: Reply, language: str) -> str:
    """Return a reply as terminal text: the message, then numbered options."""
    lines = [reply.text]
    if reply.options:
        lines.append("")
        for number, option in enumerate(reply.options, start=1):
            mark = "[x] " if option.value in reply.selected else ""
            lines.append(f"  {number}. {mark}{option.label}")
        lines.append(t(language, "hint.numbers_multi" if reply.multi else "hint.numbers"))
    if reply.document is not None:
        lines += ["", reply.document.content.decode()]
    return "\n".join(lines)


def run_console(coach: Coach, user_id: str, read: Callable[[str], str] = input,
                out: TextIO | None = None, chart: Path = Path(CHART)) -> None:
    """Chat in the terminal until end of input (Ctrl-D) or Ctrl-C; charts go to `chart`."""
    def show(replies: list[Reply]) -> None:
        language = coach.language_of(PLATFORM, user_id)
        for reply in replies:
            print(render(reply, language) + "\n", file=out, flush=True)
            if reply.image is not None:
                chart.write_bytes(reply.image)
                print(t(language, "console.chart", path=chart.resolve()) + "\n", file=out,
                      flush=True)

    def send(text: str | None) -> None:
        try:
            replies = coach.handle(Inbound(PLATFORM, user_id, text=text))
        except Exception:
            logger.exception("console message from user %s failed", user_id)
            print(t(coach.language_of(PLATFORM, user_id), "error.generic"), file=out,
                  flush=True)
            return
        show(replies)

    async def deliver(_: str, replies: list[Reply]) -> None:
        show(replies)

    try:
        send("/start")
        # a check-in that fell due while the terminal was closed is shown now
        asyncio.run(Scheduler(coach, {PLATFORM: deliver}).tick(only=(PLATFORM, user_id)))
        while True:
            send(read(PROMPT))
    except (EOFError, KeyboardInterrupt):  # Ctrl-D, or Ctrl-C at any moment
        print("\n" + t(coach.language_of(PLATFORM, user_id), "console.goodbye"),
              file=out, flush=True)
