"""Neutral messages exchanged between the coach and the platform adapters.

Designed from Telegram, Slack and the terminal at once: an inbound message is either
typed text or a pressed button (a choice that names the prompt it belongs to, so a
stale button can be recognised); a reply is text with optional options, a document
or an image. Adapters render options as inline keyboards, Block Kit buttons or a
numbered list.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
