"""Neutral messages exchanged between the coach and the platform adapters.

Designed from Telegram, Slack and the terminal at once: an inbound message is either
typed text or a pressed button (a choice that names the prompt it belongs to, so a
stale button can be recognised); a reply is text with optional options, a document
or an image. Adapters render options as inline keyboards, Block Kit buttons or a
numbered list.
"""

from __future__ import annotations

import importlib
import io
import pickle
import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

# The delivery of a nudge's replies (a weekly check-in, a reminder): not the answer to a
# message, a bulk send that waits behind the users' replies
NUDGE = "nudge"

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
    # where the message stands in its chat, beside the coach's own messages: Telegram's
    # message_id, Slack's ts (None where the platform has none: commands, the terminal)
    order: str | None = None


@dataclass(frozen=True)
class Option:
    """One choice offered to the user: the value sent back and its label."""

    value: str
    label: str


@dataclass(frozen=True)
class Deferred:
    """Bytes still to be made by a pure function (a chart, a PDF): the coach decides
    what to draw inside the message's transaction, and the bytes are made afterwards,
    off the event loop, just before the send (`made`). The function is named
    ("flows.checkin:chart_png", looked up when drawing) and its arguments are plain
    values and the flows' dataclasses, so a deferred drawing can be kept in the outbox
    (`dumps`/`loads`) and drawn by whichever worker sends it, in a render process."""

    make: str  # "module:function", a function of the flows
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.make.startswith("flows."):
            raise ValueError(f"not a drawing of the flows: {self.make}")

    def __call__(self) -> bytes:
        module, _, name = self.make.partition(":")
        return getattr(importlib.import_module(module), name)(*self.args, **self.kwargs)

    def dumps(self) -> bytes:
        """Return the drawing to make as bytes to store (`loads` reads them back)."""
        return pickle.dumps((self.make, self.args, self.kwargs), protocol=5)

    @staticmethod
    def loads(data: bytes) -> "Deferred":
        """Return the drawing `dumps` stored. Only the flows' own classes (and plain
        values) are read back: stored bytes can never name another function to run."""
        make, args, kwargs = _FlowsOnly(io.BytesIO(data)).load()
        return Deferred(make, tuple(args), dict(kwargs))


class _FlowsOnly(pickle.Unpickler):
    """An unpickler that makes nothing but plain values and the flows' dataclasses."""

    def find_class(self, module: str, name: str):
        if module.startswith("flows.") and isinstance(
                getattr(importlib.import_module(module), name, None), type):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not a class of the flows: {module}.{name}")


@dataclass(frozen=True)
class Document:
    """A file to send, such as the JSON export."""

    filename: str
    content: bytes | Deferred
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
    image: bytes | Deferred | None = None
    notice: bool = False  # a passing remark (stale button): a toast or ephemeral message
    placeholder: str | None = None  # an example answer, for the input field (typed answers)
    language: str | None = None  # the language it is written in (for the adapters' labels)
    again: bool = False  # it asks again a question an answer came too early for

    @property
    def deferred(self) -> bool:
        """Tell whether some of the reply's bytes are still to be made."""
        return isinstance(self.image, Deferred) or (
            self.document is not None and isinstance(self.document.content, Deferred))


def came_before(order: str | None, ref: str | None) -> bool:
    """Tell whether a user's message (its `order` in the chat) came before the coach's
    message `ref` there: typed before that message reached the chat. False when either
    is unknown."""
    if not order or not ref:
        return False
    try:
        return Decimal(order) < Decimal(ref)
    except InvalidOperation:
        return False


def made(reply: Reply) -> Reply:
    """Return the reply with its chart and document made (slow: call it off the loop)."""
    if isinstance(reply.image, Deferred):
        reply = replace(reply, image=reply.image())
    if reply.document is not None and isinstance(reply.document.content, Deferred):
        reply = replace(reply, document=replace(reply.document,
                                                content=reply.document.content()))
    return reply


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
