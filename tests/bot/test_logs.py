"""The log: tokens and configured secrets redacted at every level, whatever logs them;
the platform libraries, which print payloads at DEBUG, never below INFO."""

from __future__ import annotations

import io
import logging

import pytest

from bot import logs

TELEGRAM_TOKEN = "7012345678:AAHf3w-zq_0123456789abcdefghijklmnopq"
SLACK_TOKENS = ("xoxb-1234-5678-abcdef", "xoxp-9-8-7", "xapp-1-A0-123-abc")


@pytest.fixture
def captured():
    """A root handler configured by logs.configure at DEBUG, writing into a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    levels = {n: logging.getLogger(n).level for n in logs.PAYLOAD_LOGGERS + logs.QUIET_LOGGERS}
    buffer = io.StringIO()
    root.handlers = [logging.StreamHandler(buffer)]
    logs.configure("DEBUG", ["sign-secret-value", "state-secret-value"])
    yield buffer
    root.handlers, root.level = saved
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_tokens_and_secrets_are_redacted_in_messages_arguments_and_tracebacks(captured):
    library = logging.getLogger("telegram.ext.Application")
    library.warning("call to https://api.telegram.org/bot%s/getMe failed", TELEGRAM_TOKEN)
    logging.getLogger("slack_bolt.App").error("tokens %s", " ".join(SLACK_TOKENS))
    try:
        raise ValueError(f"The token `{TELEGRAM_TOKEN}` was rejected; sign-secret-value")
    except ValueError:
        logging.getLogger("bot").exception("start failed with state-secret-value")
    logging.getLogger("flows.coach").debug("user %s: %s", 42, "asking_target")
    out = captured.getvalue()
    for secret in (TELEGRAM_TOKEN, *SLACK_TOKENS, "sign-secret-value", "state-secret-value",
                   "AAHf3w"):
        assert secret not in out
    assert out.count(logs.REDACTED) >= 7
    assert "ValueError: The token `[redacted]` was rejected" in out  # the traceback kept
    assert "user 42: asking_target" in out  # the coach's own debug lines show


def test_the_platform_libraries_stay_at_info_when_the_coach_logs_at_debug(captured):
    logging.getLogger("telegram.ext.Application").debug("Processing update %s",
                                                        {"text": "mon chiffre d'affaires"})
    bolt = logging.getLogger("slack_bolt.AsyncApp")
    bolt.setLevel(logging.DEBUG)  # as bolt does, from the root's level
    bolt.debug("payload %s", {"text": "mes clients"})
    bolt.setLevel(logging.NOTSET)
    logging.getLogger("httpx").info("HTTP Request: POST /sendMessage")
    out = captured.getvalue()
    assert "chiffre" not in out and "clients" not in out
    assert "HTTP Request" in out  # at DEBUG, the one line per API call is shown
