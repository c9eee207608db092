"""Shared fixtures: a store on each database (SQLite in memory, PostgreSQL on a test
server), and a coach on it.

Every test that takes `store` (or `coach`) runs on both: ids "sqlite" and "postgres"
(but for the later cases of the flows tables, see `pytest_collection_modifyitems`). A
test about SQLite itself is marked `@pytest.mark.sqlite_only`; `fresh_db` is the raw
sqlite-utils database for SQLite-only tests.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from flows.coach import Coach
from storage import SqliteStore, open_database

STORES = ["sqlite", "postgres"]


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test is about SQLite itself: "
                                       "its `store` runs on SQLite only")


def pytest_collection_modifyitems(config, items):
    """Leave out the PostgreSQL run of the tests marked sqlite_only, and of the cases of
    the flows tables after the first: a flows test parametrized over typed texts or
    personas runs every case on SQLite and its first one on PostgreSQL (the cases vary
    the parsing and the wording, not the storage path)."""
    kept, left = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("store") == "postgres"
        later_case = on_postgres and item.nodeid.startswith("tests/flows/") and any(
            index for name, index in callspec.indices.items() if name != "store")
        (left if on_postgres and (later_case or item.get_closest_marker("sqlite_only"))
         else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole session, stopped (its data removed) at its
    end. Its folder is a temporary one of its own, not under pytest's numbered ones: a
    second pytest session starting meanwhile removes the oldest of those, and with it
    the data of a server still running."""
    from tests.pg import TestServer
    server = TestServer(Path(tempfile.mkdtemp(prefix="coach-test-postgres-")))
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """The URL of a fresh, migrated PostgreSQL database (the tests' one, reset)."""
    return pg_server.reset_database()


@pytest.fixture
def fresh_db():
    return open_database(None)


@pytest.fixture(params=STORES)
def store(request):
    """The storage port on a fresh database: SQLite in memory, or PostgreSQL."""
    if request.param == "sqlite":
        yield SqliteStore(request.getfixturevalue("fresh_db"))
        return
    from storage.postgres import open_postgres
    opened = open_postgres(request.getfixturevalue("pg_url"), min_size=1, max_size=4)
    yield opened
    opened.close()


@pytest.fixture
def coach(store):
    return Coach(store)
