"""Storage behind one port (storage/port.py): SQLite by default, PostgreSQL for several
workers. `open_store` picks the implementation from COACH_DATABASE."""

from storage.db import open_database
from storage.port import Store
from storage.sqlite import SqliteStore
from storage.users import (UserRecord, create_user, delete_user, export_user, load_user,
                           record_update, save_user)

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(target: str | None = None) -> Store:
    """Return the store for `target`: a `postgresql://` URL, a SQLite path, or None for
    an in-memory SQLite database."""
    if target and target.startswith(POSTGRES_SCHEMES):
        from storage.postgres import open_postgres  # psycopg: only when asked for
        return open_postgres(target)
    return SqliteStore(open_database(target))


__all__ = ["SqliteStore", "Store", "UserRecord", "create_user", "delete_user",
           "export_user", "load_user", "open_database", "open_store", "record_update",
           "save_user"]
