"""The outbox: the replies to send, written in the transaction that decided them.

A message's replies (and a nudge's) are rows of `outbox`, committed with the user's new
state, so a crash after the commit loses none: a sender (bot/outbox.py) sends them in
order per chat, marks each one sent, retries the failed ones later, and at start sends
what was left unsent. A row is taken with a lease (`claimed_until`), only when it is the
first unsent row of its chat, so a chat's replies go out in order and, across workers,
one sender takes a row. A crash between the send and the mark sends that row twice. A
reply sent as several parts (a long text is several messages, then its file or chart)
keeps how many went out (`parts_sent`), so a retry sends only the parts left.

Rich replies survive: the reply's text, options and prompt are JSON, its image and its
document's bytes are columns of their own (a chart or a PDF still to be drawn is kept
as what to draw, `Deferred.dumps`, and drawn by the sender just before its send); a
nudge's rows (delivery NUDGE) are claimed after the users' replies; a row for no user (the farewell to one who
deleted their data) is removed once sent. `expects` is the prompt the coach waits for
after the row (kept on the last reply of a message): the coach takes a typed answer only
when the latest such row was sent and asks what it waits for.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields as dataclass_fields
from datetime import datetime

from sqlite_utils import Database

from flows.messages import NUDGE, Deferred, Document, Option, Reply
from storage.users import in_transaction, rows

SENT, DROPPED = "sent", "dropped"  # what became of a row that is no longer to send
SUPERSEDED = "superseded"  # a question not known to have arrived, replaced by its re-ask
# The claims' order: the users' replies first, then nudges (bulk sends, paced by
# bot/pacing.py), each by due time; the same SQL in both databases
IS_NUDGE = f"(COALESCE(o.delivery, '') = '{NUDGE}')"
HEADS_ORDER = f"{IS_NUDGE}, o.next_attempt_at, o.id"


def of_kind(bulk: bool | None, drawing: bool | None = None, true: str = "1") -> str:
    """Return the condition on a claim's rows: any (None), nudges only, replies only;
    and any (None), only those with a drawing to make, only those without (`true`: the
    database's true, "1" on SQLite, whose partial index idx_outbox_drawing is used only
    for "drawing = 1")."""
    kind = "" if bulk is None else f" AND {'' if bulk else 'NOT '}{IS_NUDGE}"
    return kind + ("" if drawing is None else
                   f" AND o.drawing {'=' if drawing else '<>'} {true}")


@dataclass(frozen=True)
class OutboxItem:
    """One reply to send, as claimed from the outbox."""

    id: int
    platform: str
    chat: str  # the platform's user id, where the reply goes (their private chat, DM)
    reply: Reply
    attempts: int
    created_at: datetime
    delivery: str | None = None  # the update it answers, or NUDGE
    parts_sent: int = 0  # parts of the reply already sent (several messages, a file)

    @property
    def bulk(self) -> bool:
        """Tell whether it is a nudge (sent after replies, at the bulk pace)."""
        return self.delivery == NUDGE


def claimed_order(item: OutboxItem) -> tuple:
    """The order in which claimed rows are sent: replies first, then the oldest due."""
    return item.bulk, item.id


@dataclass(frozen=True)
class Asked:
    """The latest prompt the coach waited for in a chat, whether it was sent, and until
    when a sender holds it (being sent now, if that is still to come)."""

    prompt: str
    sent: bool
    claimed_until: datetime | None = None
    attempts: int = 0  # failed sends
    done: bool = False  # sent, dropped or superseded
    id: int | None = None  # its outbox row
    text: str | None = None  # the text of its reply
    ref: str | None = None  # the platform's id of the message, once sent (when known)
    again: bool = False  # it asks again a question an answer came too early for

    def in_flight(self, now: datetime) -> bool:
        """Tell whether a sender is sending it now: its outcome is not known yet."""
        return not self.sent and self.claimed_until is not None and self.claimed_until > now

    def pending(self) -> bool:
        """Tell whether its first send is still to come or under way (no failure yet):
        the rows before it in its chat may be going out."""
        return not self.done and self.attempts == 0


def reply_columns(reply: Reply) -> tuple[str, bytes | None, bytes | None]:
    """Return a reply as stored: JSON of its fields, its image, its document's bytes (a
    chart or a PDF still to be drawn: the drawing's description, said so in the JSON)."""
    fields = asdict(reply)
    fields.pop("image")
    document = fields.pop("document")
    if document is not None:
        document.pop("content")
    fields["document"] = document
    image, content = reply.image, reply.document.content if reply.document else None
    if isinstance(image, Deferred):
        fields["image_deferred"], image = True, image.dumps()
    if isinstance(content, Deferred):
        fields["document_deferred"], content = True, content.dumps()
    return json.dumps(fields, ensure_ascii=False), image, content


def reply_of(data: str | dict, image: bytes | None, content: bytes | None) -> Reply:
    """Return the reply stored as `reply_columns` gave it."""
    fields = json.loads(data) if isinstance(data, str) else dict(data)
    document = fields.pop("document", None)
    image = _bytes(image, fields.pop("image_deferred", False))
    content = _bytes(content, fields.pop("document_deferred", False))
    known = {f.name for f in dataclass_fields(Reply)}  # a field added later: its default
    fields = {k: v for k, v in fields.items() if k in known}
    fields["options"] = tuple(Option(**o) for o in fields.get("options", ()))
    fields["selected"] = tuple(fields.get("selected", ()))
    return Reply(**fields, image=image,
                 document=Document(document["filename"], content if content is not None
                                   else b"", document["mime_type"])
                 if document is not None else None)


def _bytes(column: bytes | None, deferred: bool) -> bytes | Deferred | None:
    if column is None:
        return None
    return Deferred.loads(bytes(column)) if deferred else bytes(column)


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat(timespec="microseconds") if instant else None


def enqueue(db: Database, platform: str, chat: str, replies: list[Reply],
            expects: str | None, now: datetime, user_id: int | None = None,
            delivery: str | None = None) -> list[int]:
    """Add replies to a chat's outbox, `expects` on the last one; return their ids."""
    ids = []
    with in_transaction(db):
        for number, reply in enumerate(replies, start=1):
            data, image, content = reply_columns(reply)
            cursor = db.execute(
                "INSERT INTO outbox (platform, chat, user_id, delivery, reply, image, "
                "document, expects, created_at, next_attempt_at, attempts, drawing) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                [platform, chat, user_id, delivery, data, image, content,
                 expects if number == len(replies) else None, _iso(now), _iso(now),
                 int(reply.deferred)])
            ids.append(cursor.lastrowid)
    return ids


def _item(row: dict) -> OutboxItem:
    return OutboxItem(row["id"], row["platform"], row["chat"],
                      reply_of(row["reply"], row["image"], row["document"]),
                      row["attempts"], datetime.fromisoformat(row["created_at"]),
                      row["delivery"], row["parts_sent"])


def claim_sql(where: str, bulk: bool | None, drawing: bool | None) -> str:
    """Return the statement of a claim on SQLite: lease (claimed_until, then the
    parameters of `where`, now twice, the limit) the due head of each chat of `where`."""
    return ("UPDATE outbox SET claimed_until = ? WHERE id IN (SELECT o.id FROM outbox o "
            f"WHERE o.sent_at IS NULL AND {where} "
            "AND o.id = (SELECT MIN(f.id) FROM outbox f WHERE f.sent_at IS NULL "
            "AND f.platform = o.platform AND f.chat = o.chat) "
            "AND o.next_attempt_at <= ? AND (o.claimed_until IS NULL OR o.claimed_until < ?)"
            f"{of_kind(bulk, drawing)} ORDER BY {HEADS_ORDER} LIMIT ?) RETURNING *")


def claim(db: Database, platforms: tuple[str, ...], now: datetime, lease_until: datetime,
          limit: int = 50, chat: tuple[str, str] | None = None,
          bulk: bool | None = None, drawing: bool | None = None) -> list[OutboxItem]:
    """Take the first unsent row of each chat that is due and not leased (of one chat
    when `chat` is (platform, chat)), leased until `lease_until`; replies first, then
    nudges (only nudges when `bulk`, only replies when `bulk` is False), oldest due
    first; only rows with a drawing to make when `drawing`, only others when False."""
    if not platforms and chat is None:
        return []
    where, params = ("o.platform = ? AND o.chat = ?", list(chat)) if chat else (
        "o.platform IN (" + ", ".join("?" * len(platforms)) + ")", list(platforms))
    # One statement, so it takes the write lock (and waits for it) before it reads: a
    # read turned into a write could fail at once on another connection's commit.
    with in_transaction(db):
        cursor = db.execute(claim_sql(where, bulk, drawing),
                            [_iso(lease_until), *params, _iso(now), _iso(now), limit])
        columns = [c[0] for c in cursor.description]
        claimed = [dict(zip(columns, row)) for row in cursor.fetchall()]
    return sorted((_item(r) for r in claimed), key=claimed_order)


def mark_sent(db: Database, item_id: int, now: datetime, outcome: str = SENT,
              ref: str | None = None) -> None:
    """Record a row as sent (or dropped, when it can never be sent), with the platform's
    id of its message when known; a row for no user (the farewell to one who deleted
    their data) is removed instead."""
    with in_transaction(db):
        db.execute("DELETE FROM outbox WHERE id = ? AND user_id IS NULL", [item_id])
        db.execute("UPDATE outbox SET sent_at = ?, outcome = ?, claimed_until = NULL, "
                   "image = NULL, document = NULL, sent_ref = COALESCE(?, sent_ref) "
                   "WHERE id = ?", [_iso(now), outcome, ref, item_id])


def mark_progress(db: Database, item_id: int, parts_sent: int) -> None:
    """Record how many parts of a row went out, so a retry sends only the rest."""
    with in_transaction(db):
        db.execute("UPDATE outbox SET parts_sent = ? WHERE id = ?", [parts_sent, item_id])


def mark_failed(db: Database, item_id: int, retry_at: datetime, error: str) -> None:
    """Record a failed send: the row is tried again from `retry_at`."""
    with in_transaction(db):
        db.execute("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, "
                   "claimed_until = NULL, error = ? WHERE id = ?",
                   [_iso(retry_at), error, item_id])


LAST_ASKED = ("SELECT id, expects, outcome, claimed_until, attempts, sent_ref, reply FROM outbox "
              "WHERE platform = ? AND chat = ? AND expects IS NOT NULL ORDER BY id DESC "
              "LIMIT 1")


def asked_of(row: dict) -> Asked:
    """Return the Asked of a row of LAST_ASKED (either database's)."""
    claimed = row["claimed_until"]
    if isinstance(claimed, str):
        claimed = datetime.fromisoformat(claimed)
    reply = row["reply"]
    fields = json.loads(reply) if isinstance(reply, str) else reply
    return Asked(row["expects"], row["outcome"] == SENT, claimed, row["attempts"],
                 row["outcome"] is not None, row["id"], fields.get("text"), row["sent_ref"],
                 bool(fields.get("again")))


def last_asked(db: Database, platform: str, chat: str) -> Asked | None:
    """Return the latest prompt the coach waited for in a chat, or None if none is kept."""
    found = rows(db, LAST_ASKED, [platform, chat])  # no savepoint: one statement
    return asked_of(found[0]) if found else None


def unsent(db: Database, platforms: tuple[str, ...]) -> int:
    """Return how many rows wait to be sent on `platforms`."""
    marks = ", ".join("?" * len(platforms))
    return db.execute(f"SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND platform IN "
                      f"({marks})", list(platforms)).fetchone()[0]


def forget_chat(db: Database, platform: str, chat: str) -> None:
    """Remove a chat's rows (its user deleted their data)."""
    with in_transaction(db):
        db.execute("DELETE FROM outbox WHERE platform = ? AND chat = ?", [platform, chat])


def prune(db: Database, before: datetime) -> int:
    """Remove the rows sent (or dropped) before `before`; return how many."""
    with in_transaction(db):
        cursor = db.execute("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?",
                            [_iso(before)])
    return cursor.rowcount
