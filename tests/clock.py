"""An injected clock for tests: `clock.now` is what the code under test sees."""

from __future__ import annotations

from datetime import datetime


class Clock:
    """A callable that returns `now`, which tests move forward by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
