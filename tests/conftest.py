"""Shared fixtures: a fresh in-memory database and a coach on it."""

from __future__ import annotations

import pytest

from flows.coach import Coach
from storage import SqliteStore, open_database


@pytest.fixture
def fresh_db():
    return open_database(None)


@pytest.fixture
def store(fresh_db):
    """The storage port on a fresh in-memory database."""
    return SqliteStore(fresh_db)


@pytest.fixture
def coach(store):
    return Coach(store)
