"""Users, their interview state and their answers, saved together in one transaction."""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlite_utils import Database

from storage import personal


@dataclass
class UserRecord:
    """One user as stored: who they are, where they are in the interview, their answers."""

    id: int
    platform: str
    platform_user_id: str
    language: str
    language_chosen: bool = False
    state: str | None = None
    editing: str | None = None
    pending: str | None = None
    pending_value: dict | None = None  # what the pending question is about (JSON)
    start_payload: str | None = None  # the parameter of the link they came by, if any
    answers: dict[str, object] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def in_transaction(db: Database):
    """Return a context for a block of writes: the caller's transaction when there is one
    (a message's), else a transaction of its own. No savepoint: a message fails whole."""
    return nullcontext() if db.conn.in_transaction else db.atomic()


def rows(db: Database, sql: str, params: list | tuple = ()) -> list[dict]:
    """Return the rows of a query as dicts: one statement (sqlite-utils' `query` wraps
    each in a savepoint, two more statements on the per-message path)."""
    cursor = db.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


# Plain SQL on the per-message path: sqlite-utils' table helpers read the schema on
# every call (14 sqlite_master lookups per message, see PLATFORM-NOTES).
def load_user(db: Database, platform: str, platform_user_id: str) -> UserRecord | None:
    """Return the stored user with their answers, or None if unknown."""
    found = rows(db, "SELECT * FROM users WHERE platform = ? AND platform_user_id = ? "
                     "LIMIT 1", [platform, platform_user_id])
    if not found:
        return None
    row = found[0]
    answers = {question: json.loads(value) for question, value in db.execute(
        "SELECT question, value FROM answers WHERE user_id = ?", [row["id"]]).fetchall()}
    return UserRecord(id=row["id"], platform=row["platform"],
                      platform_user_id=row["platform_user_id"], language=row["language"],
                      language_chosen=bool(row["language_chosen"]), state=row["state"],
                      editing=row["editing"], pending=row["pending"],
                      pending_value=json.loads(row["pending_value"])
                      if row.get("pending_value") else None,
                      start_payload=row.get("start_payload"), answers=answers)


def create_user(db: Database, platform: str, platform_user_id: str, language: str,
                language_chosen: bool = False) -> UserRecord:
    """Store a new user and return them."""
    now = _now()
    with in_transaction(db):
        cursor = db.execute(
            "INSERT INTO users (platform, platform_user_id, language, language_chosen, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [platform, platform_user_id, language, int(language_chosen), now, now])
    return UserRecord(id=cursor.lastrowid, platform=platform,
                      platform_user_id=platform_user_id, language=language,
                      language_chosen=language_chosen)


def save_user(db: Database, user: UserRecord, previous_answers: dict[str, object]) -> None:
    """Save the user's state and changed answers atomically: all of it or none of it."""
    now = _now()
    changed = {q: v for q, v in user.answers.items()
               if q not in previous_answers or previous_answers[q] != v}
    removed = [q for q in previous_answers if q not in user.answers]
    pending_value = json.dumps(user.pending_value, ensure_ascii=False) \
        if user.pending is not None and user.pending_value is not None else None
    with in_transaction(db):
        db.execute("UPDATE users SET language = ?, language_chosen = ?, state = ?, "
                   "editing = ?, pending = ?, pending_value = ?, start_payload = ?, "
                   "updated_at = ? WHERE id = ?",
                   [user.language, int(user.language_chosen), user.state, user.editing,
                    user.pending, pending_value, user.start_payload, now, user.id])
        if changed:
            upsert_answers(db, user.id, changed, now)
        for question in removed:
            db.execute("DELETE FROM answers WHERE user_id = ? AND question = ?",
                       [user.id, question])


def upsert_answers(db: Database, user_id: int, answers: dict[str, object], now: str) -> None:
    """Store (or replace) some of a user's answers."""
    db.conn.executemany(
        "INSERT INTO answers (user_id, question, value, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_id, question) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at",
        [(user_id, q, json.dumps(v, ensure_ascii=False), now) for q, v in answers.items()])


def delete_user(db: Database, user_id: int) -> None:
    """Remove the user and everything stored about them, following storage/personal.py
    (LookupError if unknown, nothing removed)."""
    with in_transaction(db):
        for sql, values in personal.statements(_who(db, user_id)):
            db.execute(sql, values)


def export_user(db: Database, user_id: int) -> dict[str, object]:
    """Return everything stored about the user, ready for JSON: every row that
    `delete_user` removes or changes (LookupError if unknown)."""
    who = _who(db, user_id)
    rows = {}
    for holding in personal.PERSONAL:
        condition, values = personal.where(holding, who)
        order = f" ORDER BY {holding.order}" if holding.order else ""
        rows[holding.table] = list(db.query(
            f"SELECT * FROM {holding.table} WHERE {condition}{order}", values))
    return personal.shaped(rows)


def _who(db: Database, user_id: int) -> personal.Who:
    """Return who the user is, or raise LookupError."""
    found = db.execute("SELECT platform, platform_user_id FROM users WHERE id = ?",
                       [user_id]).fetchone()
    if found is None:
        raise LookupError(f"no user {user_id}")
    return personal.Who(user_id, *found)


def record_update(db: Database, platform: str, update_id: object,
                  user_key: str | None = None) -> bool:
    """Record a platform update as processed, with the key of the user who sent it
    ("telegram:42") when known, so that deleting the user removes it; False if it
    already was."""
    with in_transaction(db):
        cursor = db.execute(
            "INSERT OR IGNORE INTO processed_updates (platform, update_id, processed_at, "
            "user_key) VALUES (?, ?, ?, ?)", [platform, str(update_id), _now(), user_key])
    return cursor.rowcount == 1


def prune(db: Database, before: datetime) -> int:
    """Delete the records kept only for a while (processed updates, used OAuth states)
    older than `before`; return how many rows went."""
    with in_transaction(db):
        cursor = db.execute("DELETE FROM processed_updates WHERE processed_at < ?",
                            [before.astimezone(timezone.utc).isoformat(timespec="seconds")])
    return cursor.rowcount
