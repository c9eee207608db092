"""Neutral messages exchanged between the coach and the platform adapters.

Designed from Telegram, Slack and the terminal at once: an inbound message is either
typed text or a pressed button (a choice that names the prompt it belongs to, so a
stale button can be recognised); a reply is text with optional options, a document
or an image. Adapters render options as inline keyboards, Block Kit buttons or a
numbered list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime

# What no database stores and no chat shows: control characters (but tabs and new
# lines), lone surrogates (half of an emoji, from a broken client), non-characters.
MAX_PAYLOAD = 64  # a Telegram deep link's parameter: 64 characters at most
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Choice:
    """A pressed button: the prompt it was offered for and the chosen values."""

    prompt: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Inbound:
    """One message from a user, whatever the platform."""

    platform: str
    user_id: str
    text: str | None = None
    choice: Choice | None = None
    language: str | None = None  # the platform's language hint, e.g. "fr-FR"
    timezone: str | None = None  # the platform's time zone hint (IANA), e.g. Slack's tz
    delivery: str | None = None  # the platform's id of this delivery, to handle it once
    start_payload: str | None = None  # the parameter of the link the user came by
    not_text: str | None = None  # what came instead of text: "photo", "voice", "sticker"...
    # when the user wrote it, by the platform's clock (Telegram: the message's date, to
    # the second); compared with when the question it may answer was shown
    written_at: datetime | None = None


@dataclass(frozen=True)
class Option:
    """One choice offered to the user: the value sent back and its label."""

    value: str
    label: str


@dataclass(frozen=True)
class Document:
    """A file to send, such as the JSON export."""

    filename: str
    content: bytes
    mime_type: str = "application/json"


@dataclass(frozen=True)
class Reply:
    """One message from the coach to the user."""

    text: str
    prompt: str | None = None  # the id a pressed option must carry back
    options: tuple[Option, ...] = ()
    multi: bool = False  # several options may be chosen, then "done"
    selected: tuple[str, ...] = field(default=())  # options already chosen (multi)
    document: Document | None = None
    image: bytes | None = None
    notice: bool = False  # a passing remark (stale button): a toast or ephemeral message
    placeholder: str | None = None  # an example answer, for the input field (typed answers)


def storable(text: str) -> str:
    """Return `text` as the coach may store and show it: carriage returns as new lines,
    control characters and lone surrogates dropped, composed (NFC)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNSTORABLE.sub("", text)
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def sanitized(inbound: Inbound) -> Inbound:
    """Return the message with its text and pressed values made storable: done once,
    where a message enters the coach, so no parser meets what cannot be stored."""
    choice = inbound.choice
    if choice is not None:
        choice = Choice(storable(str(choice.prompt)),
                        tuple(storable(str(v)) for v in choice.values))
    text = storable(inbound.text) if inbound.text is not None else None
    payload = storable(inbound.start_payload)[:MAX_PAYLOAD] if inbound.start_payload else None
    return replace(inbound, text=text, choice=choice, start_payload=payload)
