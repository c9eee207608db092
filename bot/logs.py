"""Logging set up once at start: the level from COACH_LOG_LEVEL, and nothing secret in
any line.

A filter on the root handlers redacts, in every record whatever its logger and level
(message, arguments, traceback), anything shaped like a Telegram bot token or a Slack
token, and every secret value configured. The platform libraries log whole payloads
(the users' messages) at DEBUG, so they never go below INFO: COACH_LOG_LEVEL=DEBUG is
the coach's own debug lines, which carry ids, states and counts, never a text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"
TOKEN_SHAPES = re.compile(
    r"\d+:[A-Za-z0-9_-]{30,}"  # Telegram bot token
    r"|xox[abposr]-[A-Za-z0-9-]+"  # Slack bot, user, app-configuration tokens
    r"|xapp-[A-Za-z0-9-]+")  # Slack app-level token
# Loggers that print payloads (message texts, form bodies) at DEBUG.
PAYLOAD_LOGGERS = ("telegram", "httpx", "httpcore", "slack_bolt", "slack_sdk", "aiohttp",
                   "websockets", "asyncio", "psycopg", "hpack", "matplotlib", "PIL")
# Loggers too chatty at INFO: a line per API call or per state machine callback.
QUIET_LOGGERS = ("httpx", "slack_sdk", "transitions")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Replace tokens and configured secrets in a record by REDACTED; drop the platform
    libraries' DEBUG records."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # longest first, so a secret that contains another is replaced whole
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_SHAPES.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO and record.name.split(".")[0] in PAYLOAD_LOGGERS:
            return False  # whatever level the library set on its own logger (bolt does)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what can be shown
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure(level: str, secrets: Iterable[str] = ()) -> RedactingFilter:
    """Log at `level` to stderr through the redacting filter; the payload-printing
    libraries at INFO at most, the chatty ones at WARNING unless `level` is DEBUG."""
    logging.basicConfig(format=FORMAT)  # a stderr handler, unless there is one already
    logging.getLogger().setLevel(level)
    redacting = RedactingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redacting)
    numeric = logging.getLevelName(level)
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(max(numeric, logging.INFO))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if numeric <= logging.DEBUG
                                         else max(numeric, logging.WARNING))
    return redacting
