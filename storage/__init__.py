"""SQLite storage through sqlite-utils: schema, migrations and the functions the flows need."""

from storage.db import open_database
from storage.users import (UserRecord, create_user, delete_user, export_user, load_user,
                           record_update, save_user)

__all__ = ["UserRecord", "create_user", "delete_user", "export_user", "load_user",
           "open_database", "record_update", "save_user"]
