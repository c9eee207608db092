"""Shared fixtures: a fresh in-memory database and a coach on it."""

from __future__ import annotations

import pytest

from flows.coach import Coach
from storage import open_database


@pytest.fixture
def fresh_db():
    return open_database(None)


@pytest.fixture
def coach(fresh_db):
    return Coach(fresh_db)
