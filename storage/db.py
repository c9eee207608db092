"""Opening the database: WAL mode, a busy timeout, and every pending migration applied."""

from __future__ import annotations

import logging
import os
import shlex
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlite_utils import Database, Migrations

logger = logging.getLogger(__name__)

MIGRATIONS = Migrations("coach")
# the rows m017 finds with a drawing to make: reply_columns says so in the reply's JSON
DEFERRED_LIKE = ("reply LIKE '%\"image_deferred\": true%' "
                 "OR reply LIKE '%\"document_deferred\": true%'")


@MIGRATIONS()
def m001_users_and_answers(db: Database) -> None:
    """Create users, keyed by platform and platform user id, and their answers."""
    db["users"].create({
        "id": int, "platform": str, "platform_user_id": str, "language": str,
        "language_chosen": int, "state": str, "editing": str, "pending": str,
        "created_at": str, "updated_at": str,
    }, pk="id", not_null={"platform", "platform_user_id", "language"},
        defaults={"language_chosen": 0})
    db["users"].create_index(["platform", "platform_user_id"], unique=True)
    db["answers"].create({"user_id": int, "question": str, "value": str, "updated_at": str},
                         pk=("user_id", "question"), foreign_keys=[("user_id", "users", "id")])


@MIGRATIONS()
def m002_processed_updates(db: Database) -> None:
    """Remember the platform updates already handled, so a redelivery changes nothing."""
    db["processed_updates"].create({"platform": str, "update_id": str, "processed_at": str},
                                   pk=("platform", "update_id"))


@MIGRATIONS()
def m003_checkins(db: Database) -> None:
    """Create the weekly check-in schedules and the check-ins, one a user and week."""
    db["schedules"].create({
        "user_id": int, "weekday": int, "local_time": str, "timezone": str,
        "days_off": str, "paused_until": str, "stopped": int, "next_due": str,
    }, pk="user_id", foreign_keys=[("user_id", "users", "id")], not_null={
        "weekday", "local_time", "timezone"}, defaults={"days_off": "[]", "stopped": 0})
    db["schedules"].create_index(["next_due"])
    db["checkins"].create({
        "user_id": int, "week": str, "step": str, "sent_at": str, "remind_at": str,
        "reminded_at": str, "answered_at": str, "hours": float, "hours_split": str,
        "results": float, "results_split": str, "revenue": float,
    }, pk=("user_id", "week"), foreign_keys=[("user_id", "users", "id")])
    db["checkins"].create_index(["remind_at"])


@MIGRATIONS()
def m004_team_digests(db: Database) -> None:
    """Create Slack team digests (one channel a workspace) and the members who opt in."""
    db["digests"].create({"team": str, "channel": str, "timezone": str, "next_due": str,
                          "set_by": str}, pk="team", not_null={"channel", "timezone"})
    db["digest_members"].create({"user_id": int}, pk="user_id",
                                foreign_keys=[("user_id", "users", "id")])


@MIGRATIONS()
def m005_pending_value(db: Database) -> None:
    """Keep what a pending yes/no question is about ("did you mean 'retour'?", "500 € an
    hour?"), so the answer is stored only on yes, even after a restart."""
    db["users"].add_column("pending_value", str)


@MIGRATIONS()
def m006_checkin_periods(db: Database) -> None:
    """Store the seven days each check-in is about, and key it by the last day of its
    period instead of the ISO week it was sent in (a Monday check-in is about the week
    just ended). Old rows get the seven days before the day they were sent."""
    db["checkins"].add_column("first_day", str)
    db["checkins"].add_column("last_day", str)
    zones = {row["user_id"]: row["timezone"] for row in db["schedules"].rows}
    for row in list(db["checkins"].rows):
        sent = _sent_day(row, zones.get(row["user_id"]))
        if sent is None:
            continue
        last = sent - timedelta(days=1)
        days = [(last - timedelta(days=6)).isoformat(), last.isoformat()]
        try:
            db.execute("UPDATE checkins SET week = ?, first_day = ?, last_day = ? "
                       "WHERE user_id = ? AND week = ?",
                       [last.isoformat(), *days, row["user_id"], row["week"]])
        except sqlite3.IntegrityError:  # that key is taken: keep the old one
            db.execute("UPDATE checkins SET first_day = ?, last_day = ? WHERE user_id = ? "
                       "AND week = ?", [*days, row["user_id"], row["week"]])
    db["checkins"].create_index(["user_id", "last_day"])


@MIGRATIONS()
def m007_personal_data(db: Database) -> None:
    """Record who sent each processed update (the user's key, "telegram:42"), so that
    deleting a user removes their updates, with indexes for that and for pruning."""
    db["processed_updates"].add_column("user_key", str)
    db["processed_updates"].create_index(["user_key"])
    db["processed_updates"].create_index(["processed_at"])


@MIGRATIONS()
def m008_slack_installations(db: Database) -> None:
    """Keep the Slack OAuth installations (storage/slack_installations.py) in slack_sdk's
    own two tables, as its SQLite store created them in this file before, plus the
    installations' custom values."""
    for table, sql in SLACK_TABLES.items():
        if not db[table].exists():
            db.execute(sql)
        if "custom_values" not in db[table].columns_dict:
            db[table].add_column("custom_values", str)
    db.execute("CREATE INDEX IF NOT EXISTS slack_installations_idx ON slack_installations "
               "(client_id, enterprise_id, team_id, user_id, installed_at)")
    db.execute("CREATE INDEX IF NOT EXISTS slack_bots_idx ON slack_bots "
               "(client_id, enterprise_id, team_id, installed_at)")


@MIGRATIONS()
def m009_start_payload(db: Database) -> None:
    """Keep the parameter of the link a user came by (Telegram's `/start <payload>`), for
    later use such as linking accounts; it is never an answer."""
    db["users"].add_column("start_payload", str)


@MIGRATIONS()
def m010_outbox(db: Database) -> None:
    """Keep the replies to send as rows written with the message that decided them, sent
    in order per chat, each marked once sent (storage/outbox.py)."""
    db.execute("""CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL, chat TEXT NOT NULL, user_id INTEGER, delivery TEXT,
        reply TEXT NOT NULL, image BLOB, document BLOB, expects TEXT,
        created_at TEXT NOT NULL, next_attempt_at TEXT NOT NULL, claimed_until TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, error TEXT, sent_at TEXT, outcome TEXT)""")
    db.execute("CREATE INDEX idx_outbox_unsent ON outbox (platform, chat, id) "
               "WHERE sent_at IS NULL")
    db.execute("CREATE INDEX idx_outbox_asked ON outbox (platform, chat, id) "
               "WHERE expects IS NOT NULL")
    db.execute("CREATE INDEX idx_outbox_sent_at ON outbox (sent_at) "
               "WHERE sent_at IS NOT NULL")


@MIGRATIONS()
def m011_inbox(db: Database) -> None:
    """Keep each platform update as received, before the platform is told it arrived,
    until it is handled (bot/telegram.py's polling loop, Slack's acks)."""
    db.execute("""CREATE TABLE inbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL, delivery TEXT NOT NULL, chat TEXT, payload TEXT NOT NULL,
        received_at TEXT NOT NULL, handled_at TEXT)""")
    db.execute("CREATE UNIQUE INDEX idx_inbox_delivery ON inbox (platform, delivery)")
    db.execute("CREATE INDEX idx_inbox_unhandled ON inbox (platform, id) "
               "WHERE handled_at IS NULL")


@MIGRATIONS()
def m012_pending_nudge_indexes(db: Database) -> None:
    """Index only the nudges still to send, the scheduler's every-round scans: schedules
    with a check-in to come, check-ins whose one reminder is still due (a few rows among
    a million). They replace the full indexes on next_due and remind_at, which the
    planner left unused."""
    db.execute("DROP INDEX IF EXISTS idx_schedules_next_due")
    db.execute("DROP INDEX IF EXISTS idx_checkins_remind_at")
    db.execute("CREATE INDEX idx_schedules_due ON schedules (next_due, user_id) "
               "WHERE stopped = 0 AND next_due IS NOT NULL")
    db.execute("CREATE INDEX idx_checkins_reminder_due ON checkins (remind_at, user_id) "
               "WHERE reminded_at IS NULL AND answered_at IS NULL AND remind_at IS NOT NULL")


@MIGRATIONS()
def m013_digest_schedule(db: Database) -> None:
    """Let whoever set the team digest choose its day, time and language (Mondays at
    10:00 in the coach's language until then)."""
    db["digests"].add_column("weekday", int)
    db["digests"].add_column("local_time", str)
    db["digests"].add_column("language", str)


@MIGRATIONS()
def m014_home_charts(db: Database) -> None:
    """Remember which uploaded picture shows each user's chart on their home page
    (storage/home_charts.py), so it is uploaded again only when the figures change; and
    the pictures of deleted users, until the adapter has deleted them on the platform."""
    db["home_charts"].create({"user_id": int, "figures": str, "file_id": str,
                              "uploaded_at": str}, pk="user_id",
                             foreign_keys=[("user_id", "users", "id")],
                             not_null={"figures", "file_id", "uploaded_at"})
    db.execute("""CREATE TABLE forgotten_files (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL, place TEXT NOT NULL, file_id TEXT NOT NULL)""")


@MIGRATIONS()
def m015_outbox_parts(db: Database) -> None:
    """Keep how many parts of a row went out (a long text is several messages, then
    its file or chart), so a retry sends only the parts left."""
    db["outbox"].add_column("parts_sent", int, not_null_default=0)


@MIGRATIONS()
def m016_outbox_sent_ref(db: Database) -> None:
    """Keep the platform's id of each message sent (Telegram's message_id, Slack's ts):
    an answer typed before its question reached the chat comes before it there."""
    db["outbox"].add_column("sent_ref", str)


@MIGRATIONS()
def m017_outbox_drawing(db: Database) -> None:
    """Tell the rows with a chart or a PDF still to draw (they wait for the render
    process in slots of their own), so a claim takes the replies behind them at once."""
    db["outbox"].add_column("drawing", int, not_null_default=0)
    db.execute(f"UPDATE outbox SET drawing = 1 WHERE sent_at IS NULL AND ({DEFERRED_LIKE})")
    # each round of the sender looks for them: with none waiting, a look costs nothing
    db.execute("CREATE INDEX idx_outbox_drawing ON outbox (platform, chat, id) "
               "WHERE sent_at IS NULL AND drawing = 1")

# slack_sdk 3's SQLite3InstallationStore schema, so files it filled need no conversion.
SLACK_TABLES = {
    "slack_installations": """CREATE TABLE slack_installations (
        id integer PRIMARY KEY AUTOINCREMENT, client_id text NOT NULL,
        app_id text NOT NULL, enterprise_id text NOT NULL DEFAULT '',
        enterprise_name text, enterprise_url text, team_id text NOT NULL DEFAULT '',
        team_name text, bot_token text, bot_id text, bot_user_id text, bot_scopes text,
        bot_refresh_token text, bot_token_expires_at datetime, user_id text NOT NULL,
        user_token text, user_scopes text, user_refresh_token text,
        user_token_expires_at datetime, incoming_webhook_url text,
        incoming_webhook_channel text, incoming_webhook_channel_id text,
        incoming_webhook_configuration_url text,
        is_enterprise_install boolean NOT NULL DEFAULT 0, token_type text,
        installed_at datetime NOT NULL DEFAULT current_timestamp)""",
    "slack_bots": """CREATE TABLE slack_bots (
        id integer PRIMARY KEY AUTOINCREMENT, client_id text NOT NULL,
        app_id text NOT NULL, enterprise_id text NOT NULL DEFAULT '',
        enterprise_name text, team_id text NOT NULL DEFAULT '', team_name text,
        bot_token text NOT NULL, bot_id text NOT NULL, bot_user_id text NOT NULL,
        bot_scopes text, bot_refresh_token text, bot_token_expires_at datetime,
        is_enterprise_install boolean NOT NULL DEFAULT 0,
        installed_at datetime NOT NULL DEFAULT current_timestamp)""",
}


def _sent_day(row: dict, zone: str | None) -> date | None:
    """Return the local day an old check-in was sent, else the Monday of its ISO week."""
    try:
        sent = datetime.fromisoformat(row["sent_at"])
        return sent.astimezone(ZoneInfo(zone or "UTC")).date()
    except (TypeError, ValueError, ZoneInfoNotFoundError):
        pass
    try:
        year, week = str(row["week"]).split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


OWNER_ONLY = 0o600  # the database and its -wal and -shm: nobody else on the machine
COMPANIONS = ("-wal", "-shm")


def open_database(path: str | None = None) -> Database:
    """Open (or create, readable by its owner only) the database at `path`, in memory
    when None, and migrate it. Deleted rows are overwritten (`secure_delete`), so that
    a checkpoint (`scrub`) leaves no trace of them in the files. An existing file that
    others may read is reported, with the command that fixes it."""
    if path:
        _create_owner_only(Path(path))
        warn_if_readable(Path(path))
    # used by one thread at a time, not always the one that opened it (bot/offload.py)
    db = Database(sqlite3.connect(path or ":memory:", check_same_thread=False))
    if path:
        db.enable_wal()
        db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=5000")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA secure_delete=ON")
    MIGRATIONS.apply(db)
    logger.debug("database ready: %s", path or ":memory:")
    return db


def _create_owner_only(path: Path) -> None:
    """Create an empty database file with mode 0600 (SQLite gives its -wal and -shm
    the same mode), unless it exists."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY))
    except FileExistsError:
        return
    os.chmod(path, OWNER_ONLY)  # whatever the umask


def readable_by_others(path: Path) -> list[Path]:
    """Return the database file and companions that group or others may access."""
    files = [path] + [path.with_name(path.name + suffix) for suffix in COMPANIONS]
    return [f for f in files if f.exists() and f.stat().st_mode & 0o077]


def warn_if_readable(path: Path) -> None:
    """Log a warning naming the database files others may read, and the fix."""
    loose = readable_by_others(path)
    if loose:  # the -wal and -shm SQLite makes next take the database's mode: all of them
        logger.warning("%s can be read by other users of this machine (mode %s): "
                       "run  chmod 600 %s*", loose[0], oct(loose[0].stat().st_mode & 0o777),
                       shlex.quote(str(path)))


def scrub(db: Database) -> bool:
    """Move every committed change into the database file and empty the -wal, so that
    rows just deleted (overwritten with zeros by `secure_delete`) are in none of the
    files. Call it outside a transaction; False when a reader kept it from finishing."""
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        logger.warning("the checkpoint after a delete could not finish (a reader): the "
                       "deleted rows stay in the -wal file until the next checkpoint")
    return not busy
