"""Users, their interview state and their answers, saved together in one transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlite_utils import Database


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
    answers: dict[str, object] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def load_user(db: Database, platform: str, platform_user_id: str) -> UserRecord | None:
    """Return the stored user with their answers, or None if unknown."""
    rows = list(db["users"].rows_where("platform = ? and platform_user_id = ?",
                                       [platform, platform_user_id], limit=1))
    if not rows:
        return None
    row = rows[0]
    answers = {a["question"]: json.loads(a["value"])
               for a in db["answers"].rows_where("user_id = ?", [row["id"]])}
    return UserRecord(id=row["id"], platform=row["platform"],
                      platform_user_id=row["platform_user_id"], language=row["language"],
                      language_chosen=bool(row["language_chosen"]), state=row["state"],
                      editing=row["editing"], pending=row["pending"],
                      pending_value=json.loads(row["pending_value"])
                      if row.get("pending_value") else None, answers=answers)


def create_user(db: Database, platform: str, platform_user_id: str, language: str,
                language_chosen: bool = False) -> UserRecord:
    """Store a new user and return them."""
    now = _now()
    with db.atomic():
        table = db["users"].insert({
            "platform": platform, "platform_user_id": platform_user_id, "language": language,
            "language_chosen": int(language_chosen), "created_at": now, "updated_at": now,
        })
    return UserRecord(id=table.last_pk, platform=platform, platform_user_id=platform_user_id,
                      language=language, language_chosen=language_chosen)


def save_user(db: Database, user: UserRecord, previous_answers: dict[str, object]) -> None:
    """Save the user's state and changed answers atomically: all of it or none of it."""
    now = _now()
    changed = {q: v for q, v in user.answers.items()
               if q not in previous_answers or previous_answers[q] != v}
    removed = [q for q in previous_answers if q not in user.answers]
    with db.atomic():
        db["users"].update(user.id, {
            "language": user.language, "language_chosen": int(user.language_chosen),
            "state": user.state, "editing": user.editing, "pending": user.pending,
            "pending_value": json.dumps(user.pending_value, ensure_ascii=False)
            if user.pending is not None and user.pending_value is not None else None,
            "updated_at": now,
        })
        if changed:
            db["answers"].upsert_all(
                [{"user_id": user.id, "question": q, "value": json.dumps(v, ensure_ascii=False),
                  "updated_at": now} for q, v in changed.items()],
                pk=("user_id", "question"))
        for question in removed:
            db["answers"].delete((user.id, question))


def delete_user(db: Database, user_id: int) -> None:
    """Remove the user and everything stored about them."""
    with db.atomic():
        for table in ("answers", "checkins", "schedules", "digest_members"):
            db[table].delete_where("user_id = ?", [user_id])
        db["users"].delete(user_id)


def export_user(db: Database, user_id: int) -> dict[str, object]:
    """Return everything stored about the user, ready for JSON."""
    user = db["users"].get(user_id)
    answers = {a["question"]: {"value": json.loads(a["value"]), "updated_at": a["updated_at"]}
               for a in db["answers"].rows_where("user_id = ?", [user_id], order_by="question")}
    schedules = list(db["schedules"].rows_where("user_id = ?", [user_id]))
    checkins = list(db["checkins"].rows_where("user_id = ?", [user_id], order_by="week"))
    return {"user": user, "answers": answers,
            "schedule": schedules[0] if schedules else None, "checkins": checkins}


def record_update(db: Database, platform: str, update_id: object) -> bool:
    """Record a platform update as processed; False if it already was."""
    with db.atomic():
        cursor = db.execute(
            "INSERT OR IGNORE INTO processed_updates (platform, update_id, processed_at) "
            "VALUES (?, ?, ?)", [platform, str(update_id), _now()])
    return cursor.rowcount == 1
