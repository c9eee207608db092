"""Personal data: the one list delete and export follow covers every table of both
schemas; on SQLite, deleted rows leave no trace in the files and the files are the
owner's only."""

from __future__ import annotations

import logging
import re
import stat

import psycopg
import pytest
from sqlite_utils import Database

import storage
from storage.personal import NOT_PERSONAL, PERSONAL

# A column name that may hold who a row is about: a user, a chat, a member...
USER_COLUMN = re.compile(r"user|chat|member|recipient|sender|author|owner|installer|"
                         r"set_by|_by$")
LISTED = {(h.table, h.column) for h in PERSONAL}


def user_columns(schema: dict[str, dict[str, str | None]]) -> set[tuple[str, str]]:
    """(table, column) of the columns that look like a user's: by name, or by a
    foreign key to users."""
    return {(table, column) for table, columns in schema.items()
            for column, refers_to in columns.items()
            if USER_COLUMN.search(column) or refers_to == "users"}


def sqlite_schema(db: Database) -> dict[str, dict[str, str | None]]:
    schema = {}
    for table in db.tables:
        foreign = {f.column: f.other_table for f in table.foreign_keys}
        schema[table.name] = {c.name: foreign.get(c.name) for c in table.columns}
    return schema


def postgres_schema(url: str) -> dict[str, dict[str, str | None]]:
    schema: dict[str, dict[str, str | None]] = {}
    with psycopg.connect(url) as conn:
        for table, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"):
            schema.setdefault(table, {})[column] = None
        for table, column, other in conn.execute(
                "SELECT kcu.table_name, kcu.column_name, ccu.table_name FROM "
                "information_schema.table_constraints tc JOIN information_schema."
                "key_column_usage kcu USING (constraint_name) JOIN information_schema."
                "constraint_column_usage ccu USING (constraint_name) WHERE "
                "tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'"):
            schema[table][column] = other
    return schema


def check_covered(schema: dict[str, dict[str, str | None]], database: str) -> None:
    missing = user_columns(schema) - LISTED - set(NOT_PERSONAL)
    assert not missing, (
        f"{database}: {sorted(missing)} may hold a user's id but storage/personal.py "
        "does not say so: add a Holding to PERSONAL (delete and export then cover it), "
        "or a reason to NOT_PERSONAL")
    for table, column in LISTED:
        assert column in schema.get(table, {}), f"{database}: no column {table}.{column}"


def test_every_table_holding_a_user_id_is_in_the_list_on_sqlite(fresh_db):
    check_covered(sqlite_schema(fresh_db), "SQLite")


def test_every_table_holding_a_user_id_is_in_the_list_on_postgres(pg_url):
    check_covered(postgres_schema(pg_url), "PostgreSQL")


def test_the_check_sees_a_new_table_with_a_user_column(fresh_db):
    fresh_db["mailbag"].create({"id": int, "recipient": str, "text": str}, pk="id")
    fresh_db["postbag"].create({"id": int, "user_id": int}, pk="id",
                               foreign_keys=[("user_id", "users", "id")])
    with pytest.raises(AssertionError, match=r"mailbag.*recipient"):
        check_covered(sqlite_schema(fresh_db), "SQLite")


# SQLite's files
def file_bytes(path) -> bytes:
    return b"".join(f.read_bytes() for f in (path, path.with_name(path.name + "-wal"),
                                               path.with_name(path.name + "-shm"))
                    if f.exists())


@pytest.mark.sqlite_only
def test_deleted_answers_are_in_none_of_the_files_while_the_database_is_open(tmp_path):
    path = tmp_path / "coach.db"
    store = storage.SqliteStore(storage.open_database(str(path)))
    distinctive = "Boulangerie Zéphyrine-Quartz à Besançon"
    for name in ("gone", "kept"):
        with store.transaction(f"telegram:{name}"):
            user = store.create_user("telegram", name, "fr")
            user.answers = {"customer": f"{distinctive} ({name})"}
            store.save_user(user, {})
    gone = store.load_user("telegram", "gone").id
    assert f"{distinctive} (gone)".encode() in file_bytes(path)
    with store.transaction("telegram:gone"):  # as a message does
        store.delete_user(gone)
    data = file_bytes(path)
    assert f"{distinctive} (gone)".encode() not in data
    assert f"{distinctive} (kept)".encode() in data
    assert store.load_user("telegram", "kept").answers["customer"].endswith("(kept)")
    store.close()


@pytest.mark.sqlite_only
def test_the_database_and_its_companions_are_created_for_the_owner_only(tmp_path):
    path = tmp_path / "coach.db"
    db = storage.open_database(str(path))
    db.execute("INSERT INTO processed_updates (platform, update_id) VALUES ('t', '1')")
    files = [path, path.with_name("coach.db-wal"), path.with_name("coach.db-shm")]
    assert all(f.exists() for f in files)
    assert {oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {"0o600"}


@pytest.mark.sqlite_only
def test_a_database_others_can_read_is_reported_with_the_fix(tmp_path, caplog):
    path = tmp_path / "coach.db"
    storage.open_database(str(path)).close()
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="storage.db"):
        storage.open_database(str(path)).close()
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "can be read by other users" in warning and f"chmod 600 {path}" in warning
    path.chmod(0o600)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="storage.db"):
        storage.open_database(str(path)).close()
    assert caplog.records == []
