"""Where a user's data lives: the one list that `delete_user` and `export_user` follow.

Every table with a column that identifies a user is listed in `PERSONAL`, with that
column and what it holds: the user's row id (`ID`), their key (`KEY`, "platform:platform
user id", as in `Store.transaction(key)`: "telegram:42", "slack:T1:U1"), their platform
user id beside a `platform` column (`PLATFORM_ID`: "42", "T1:U1"), or, for a Slack
member, their member id beside a `team` column (`TEAM_MEMBER`: "U1" in team "T1"). Delete removes the matching rows (or, for a row that belongs to others
too, forgets the user in it); export returns the same rows. A new table that holds a
user id goes here: tests/storage/test_personal.py reads both databases' schemas and
fails on a user column this list does not name (or `NOT_PERSONAL` does not explain).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

ID, KEY, PLATFORM_ID, TEAM_MEMBER = "id", "key", "platform_id", "team_member"
DELETE, FORGET = "delete", "forget"  # delete the row, or set the column to NULL


@dataclass(frozen=True)
class Holding:
    """A table that holds users' data, and how delete and export treat it."""

    table: str
    column: str  # the column that identifies the user
    holds: str  # what the column holds: ID, KEY, PLATFORM_ID or TEAM_MEMBER
    export: str  # its key in the export
    shape: str = "rows"  # "rows" (a list), "one" (a row or None), "answers"
    order: str = ""  # ORDER BY of the exported rows
    json: tuple[str, ...] = ()  # columns stored as JSON
    on_delete: str = DELETE
    omit: tuple[str, ...] = ()  # columns left out of the export (bytes: a chart, a PDF)


PERSONAL: tuple[Holding, ...] = (
    Holding("answers", "user_id", ID, "answers", "answers", "question", ("value",)),
    Holding("schedules", "user_id", ID, "schedule", "one", json=("days_off",)),
    Holding("checkins", "user_id", ID, "checkins", "rows", "week",
            ("hours_split", "results_split")),
    # sharing their line in the Slack team digest
    Holding("digest_members", "user_id", ID, "digest_membership", "one"),
    # a team digest they set up keeps being posted, for the workspace: only their id goes
    Holding("digests", "set_by", TEAM_MEMBER, "digests_set_up", "rows", "team",
            on_delete=FORGET),
    Holding("processed_updates", "user_key", KEY, "processed_updates", "rows",
            "processed_at, update_id"),
    # the replies sent or to send to them (storage/outbox.py), and the updates they sent
    # as received (storage/inbox.py); a reply's chart and document bytes are not exported
    Holding("outbox", "chat", PLATFORM_ID, "outbox", "rows", "id", ("reply",),
            omit=("image", "document")),
    Holding("inbox", "chat", PLATFORM_ID, "inbox", "rows", "id", ("payload",)),
    # which uploaded picture shows their chart on their home page (Slack's App Home)
    Holding("home_charts", "user_id", ID, "home_chart", "one"),
    Holding("users", "id", ID, "user", "one", json=("pending_value",)),  # last: referred to
)

# Columns that look like a user's id but are covered otherwise, each with the reason.
NOT_PERSONAL: dict[tuple[str, str], str] = {
    ("users", "platform_user_id"): "in the user's own row, deleted by its id",
    ("outbox", "user_id"): "the same user as its chat, by which it is deleted and exported",
    # Slack OAuth installations (storage/slack_installations.py) belong to the workspace:
    # removed when it uninstalls the app, never exported to a member (they hold its
    # bot token).
    ("slack_installations", "user_id"): "the member who installed the app: kept with "
                                        "the workspace's installation, which needs it",
    ("slack_installations", "bot_user_id"): "the app's own bot user, not a person",
    ("slack_bots", "bot_user_id"): "the app's own bot user, not a person",
    ("slack_installations", "user_token"): "the app asks for no user scope: always empty",
    ("slack_installations", "user_scopes"): "the app asks for no user scope: always empty",
    ("slack_installations", "user_refresh_token"): "no user scope: always empty",
    ("slack_installations", "user_token_expires_at"): "no user scope: always empty",
}


@dataclass(frozen=True)
class Who:
    """The user whose rows are looked for."""

    id: int
    platform: str
    platform_user_id: str

    @property
    def key(self) -> str:
        return user_key(self.platform, self.platform_user_id)


def where(holding: Holding, who: Who) -> tuple[str, list[object]]:
    """Return the condition (with `?` placeholders) and values that pick the user's rows
    in `holding`."""
    if holding.holds == ID:
        return f"{holding.column} = ?", [who.id]
    if holding.holds == KEY:
        return f"{holding.column} = ?", [who.key]
    if holding.holds == PLATFORM_ID:
        return f"platform = ? AND {holding.column} = ?", [who.platform, who.platform_user_id]
    team, _, member = who.platform_user_id.partition(":")  # Slack users are "T1:U1"
    if who.platform != "slack" or not member:
        return "1 = 0", []  # no Slack member: nothing of theirs here
    return f"team = ? AND {holding.column} = ?", [team, member]


def statements(who: Who) -> list[tuple[str, list[object]]]:
    """Return the statements (with `?` placeholders) that delete the user: the files of
    theirs kept on the platform left for the adapter to delete there (the workspace and
    the file id only), then each holding's rows deleted, or the user forgotten in them,
    the users row last."""
    team, member_of, _ = who.platform_user_id.partition(":")
    place = team if member_of else ""  # a Slack workspace ("T1"), never a user id
    done = [("INSERT INTO forgotten_files (platform, place, file_id) SELECT ?, ?, file_id "
             "FROM home_charts WHERE user_id = ?", [who.platform, place, who.id])]
    for holding in PERSONAL:
        condition, values = where(holding, who)
        if holding.on_delete == FORGET:
            done.append((f"UPDATE {holding.table} SET {holding.column} = NULL "
                         f"WHERE {condition}", values))
        else:
            done.append((f"DELETE FROM {holding.table} WHERE {condition}", values))
    return done


def user_key(platform: str, platform_user_id: str) -> str:
    """Return the key of a user: "telegram:42", "slack:T1:U1"."""
    return f"{platform}:{platform_user_id}"


def shaped(rows: dict[str, list[dict]]) -> dict[str, object]:
    """Return the export from each holding's rows (by table), in SQLite's shapes (JSON
    columns as JSON text, instants as ISO text): `answers` by question, with values
    decoded; `one` holdings as a row or None."""
    export: dict[str, object] = {}
    for holding in sorted(PERSONAL, key=lambda h: h.export != "user"):  # the user first
        found = [{k: v for k, v in row.items() if k not in holding.omit}
                 for row in rows[holding.table]]
        if holding.shape == "answers":
            export[holding.export] = {a["question"]: {"value": json.loads(a["value"]),
                                                      "updated_at": a["updated_at"]}
                                      for a in found}
        elif holding.shape == "one":
            export[holding.export] = found[0] if found else None
        else:
            export[holding.export] = found
    return export
