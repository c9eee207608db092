"""The picture of each user's chart on their home page (Slack's App Home tab): which
uploaded file shows which figures, so the chart is drawn and uploaded once per change
of the figures, not at every visit.

Deleting a user moves their picture's file id (and the workspace it is in, nothing
that names the user) to `forgotten_files` (storage/personal.py), in the deletion's
transaction; the adapter deletes the file on the platform, then the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlite_utils import Database

from storage.users import in_transaction, rows


@dataclass(frozen=True)
class ForgottenFile:
    """A deleted user's file, still to delete on the platform."""

    id: int
    place: str  # where it is: a Slack workspace, "T0123"
    file_id: str


@dataclass(frozen=True)
class ChartFile:
    """An uploaded picture of a user's chart."""

    figures: str  # the fingerprint of what it shows (flows/chart.py `Chart.key`)
    file_id: str  # the platform's id of the file: Slack's "F0123ABCD"
    uploaded_at: datetime


def load_home_chart(db: Database, user_id: int) -> ChartFile | None:
    """Return the picture uploaded for the user's home page, or None."""
    found = rows(db, "SELECT figures, file_id, uploaded_at FROM home_charts "
                     "WHERE user_id = ?", [user_id])
    if not found:
        return None
    row = found[0]
    return ChartFile(row["figures"], row["file_id"],
                     datetime.fromisoformat(row["uploaded_at"]))


def save_home_chart(db: Database, user_id: int, chart: ChartFile | None) -> None:
    """Keep the picture now on the user's home page (None: forget it)."""
    with in_transaction(db):
        if chart is None:
            db.execute("DELETE FROM home_charts WHERE user_id = ?", [user_id])
            return
        db.execute("INSERT INTO home_charts (user_id, figures, file_id, uploaded_at) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                   "figures = excluded.figures, file_id = excluded.file_id, "
                   "uploaded_at = excluded.uploaded_at",
                   [user_id, chart.figures, chart.file_id,
                    chart.uploaded_at.astimezone(timezone.utc).isoformat()])


def forgotten_files(db: Database, platform: str, limit: int = 100) -> list[ForgottenFile]:
    """Return the deleted users' files still to delete on `platform`, oldest first."""
    return [ForgottenFile(r["id"], r["place"], r["file_id"]) for r in rows(
        db, "SELECT id, place, file_id FROM forgotten_files WHERE platform = ? "
            "ORDER BY id LIMIT ?", [platform, limit])]


def file_deleted(db: Database, forgotten_id: int) -> None:
    """Forget a file once deleted on its platform."""
    with in_transaction(db):
        db.execute("DELETE FROM forgotten_files WHERE id = ?", [forgotten_id])
