"""Opening the database: WAL mode, a busy timeout, and every pending migration applied."""

from __future__ import annotations

import logging

from sqlite_utils import Database, Migrations

logger = logging.getLogger(__name__)

MIGRATIONS = Migrations("coach")


@MIGRATIONS()
def m001_users_and_answers(db: Database) -> None:
    """Create users, keyed by platform and platform user id, and their answers."""
    db["users"].create({
        "id": int, "platform": str, "platform_user_id": str, "language": str,
        "language_chosen": int, "state": str, "editing": str, "pending": str,
        "created_at": str, "updated_at": str,
    }, pk="id", not_null={"platform", "platform_user_id", "language"},
        defaults={"language_chosen": 0})
    db["users"].create_index(["platform", "platform_user_id"], unique=True)
    db["answers"].create({"user_id": int, "question": str, "value": str, "updated_at": str},
                         pk=("user_id", "question"), foreign_keys=[("user_id", "users", "id")])


@MIGRATIONS()
def m002_processed_updates(db: Database) -> None:
    """Remember the platform updates already handled, so a redelivery changes nothing."""
    db["processed_updates"].create({"platform": str, "update_id": str, "processed_at": str},
                                   pk=("platform", "update_id"))


def open_database(path: str | None = None) -> Database:
    """Open (or create) the database at `path`, in memory when None, and migrate it."""
    db = Database(path) if path else Database(memory=True)
    if path:
        db.enable_wal()
        db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=5000")
    db.execute("PRAGMA foreign_keys=ON")
    MIGRATIONS.apply(db)
    logger.debug("database ready: %s", path or ":memory:")
    return db
