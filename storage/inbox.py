"""The inbox: platform updates kept as received, before the platform is told they
arrived, until they are handled.

Telegram's long polling stores each batch here, then confirms its offset; at start, the
rows not yet handled are handled first, in the order they came. Handling an update
twice changes nothing (the coach records each delivery in the transaction that handles
it), so a row handled but not yet marked is simply handled again after a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.users import in_transaction


@dataclass(frozen=True)
class Received:
    """One update kept in the inbox."""

    delivery: str
    chat: str | None
    payload: dict


def _iso(instant: datetime) -> str:
    return instant.isoformat(timespec="microseconds")


def receive(db: Database, platform: str, updates: list[tuple[str, str | None, dict]],
            now: datetime) -> int:
    """Keep (delivery, chat, payload) updates not kept yet; return how many were new."""
    added = 0
    with in_transaction(db):
        for delivery, chat, payload in updates:
            added += db.execute(
                "INSERT OR IGNORE INTO inbox (platform, delivery, chat, payload, "
                "received_at) VALUES (?, ?, ?, ?, ?)",
                [platform, str(delivery), chat, json.dumps(payload, ensure_ascii=False),
                 _iso(now)]).rowcount
    return added


def unhandled(db: Database, platform: str, limit: int = 1000) -> list[Received]:
    """Return the updates received and not handled yet, in the order they came."""
    return [Received(r["delivery"], r["chat"], json.loads(r["payload"])) for r in db.query(
        "SELECT delivery, chat, payload FROM inbox WHERE platform = ? AND handled_at IS NULL "
        "ORDER BY id LIMIT ?", [platform, limit])]


def mark_handled(db: Database, platform: str, delivery: str, now: datetime) -> None:
    """Record an update as handled; its payload is no longer needed."""
    with in_transaction(db):
        db.execute("UPDATE inbox SET handled_at = ?, payload = '{}' WHERE platform = ? AND "
                   "delivery = ?", [_iso(now), platform, str(delivery)])


def prune(db: Database, before: datetime) -> int:
    """Remove the rows handled before `before`; return how many."""
    with in_transaction(db):
        return db.execute("DELETE FROM inbox WHERE handled_at IS NOT NULL AND "
                          "handled_at < ?", [_iso(before)]).rowcount
