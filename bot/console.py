"""The terminal chat: no account needed. Options are numbered; answers are typed."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, TextIO

from bot.scheduler import Scheduler
from flows.coach import Coach
from flows.i18n import t
from flows.messages import Inbound, Reply, made

logger = logging.getLogger(__name__)

PLATFORM = "console"
PROMPT = "> "
CHART = "coach-chart.png"  # saved beside the database
PLAN_DOCUMENT = "coach-plan.pdf"  # likewise, on `plan pdf`


def render(reply: Reply, language: str) -> str:
    """Return a reply as terminal text: the message, then numbered options."""
    lines = [reply.text]
    if reply.options:
        lines.append("")
        for number, option in enumerate(reply.options, start=1):
            mark = "[x] " if option.value in reply.selected else ""
            lines.append(f"  {number}. {mark}{option.label}")
        lines.append(t(language, "hint.numbers_multi" if reply.multi else "hint.numbers"))
    if reply.document is not None and reply.document.mime_type == "application/json":
        lines += ["", reply.document.content.decode()]
    return "\n".join(lines)


def write_owner_only(path: Path, content: bytes) -> None:
    """Write a file for the user that nobody else on the machine can read (mode 0600,
    an existing file's mode included)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        os.fchmod(fd, 0o600)
        file.write(content)


def forget_files(coach: Coach, user_id: str, files: tuple[Path, ...]) -> None:
    """Remove the files written for the user once they have deleted their data."""
    written = [path for path in files if path.exists()]
    if not written or coach.store.load_user(PLATFORM, user_id) is not None:
        return
    for path in written:
        path.unlink(missing_ok=True)
        logger.info("removed %s after the user deleted their data", path.name)


@contextmanager
def interrupts_held():
    """Hold Ctrl-C while the chat starts (a message, an event loop), so that it lands at a
    clean point afterwards instead of inside asyncio's teardown."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def run_console(coach: Coach, user_id: str, read: Callable[[str], str] = input,
                out: TextIO | None = None, chart: Path = Path(CHART)) -> None:
    """Chat in the terminal until end of input (Ctrl-D) or Ctrl-C; charts go to `chart`,
    the plan's PDF beside it."""
    document = chart.with_name(PLAN_DOCUMENT)

    def save(path: Path, content: bytes, language: str, key: str) -> None:
        write_owner_only(path, content)
        print(t(language, key, path=path.resolve()) + "\n", file=out, flush=True)

    def show(replies: list[Reply]) -> None:
        language = coach.language_of(PLATFORM, user_id)
        for reply in map(made, replies):
            print(render(reply, language) + "\n", file=out, flush=True)
            if reply.image is not None:
                save(chart, reply.image, language, "console.chart")
            if reply.document is not None and reply.document.mime_type == "application/pdf":
                save(document, reply.document.content, language, "console.document")

    def send(text: str | None) -> None:
        try:
            replies = coach.handle(Inbound(PLATFORM, user_id, text=text))
        except Exception:
            logger.exception("console message from user %s failed", user_id)
            print(t(coach.language_of(PLATFORM, user_id), "error.generic"), file=out,
                  flush=True)
            return
        show(replies)
        forget_files(coach, user_id, (chart, document))

    async def deliver(_: str, replies: list[Reply]) -> None:
        show(replies)

    try:
        with interrupts_held():
            send("/start")
            # a check-in that fell due while the terminal was closed is shown now
            asyncio.run(Scheduler(coach, {PLATFORM: deliver}).tick(only=(PLATFORM, user_id)))
        while True:
            send(read(PROMPT))
    except (EOFError, KeyboardInterrupt):  # Ctrl-D, or Ctrl-C at any moment
        print("\n" + t(coach.language_of(PLATFORM, user_id), "console.goodbye"),
              file=out, flush=True)
