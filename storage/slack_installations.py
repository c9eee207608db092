"""Slack installations (the OAuth install into many workspaces), in the coach's database.

slack_sdk's installation store interface on both databases, with slack_sdk's own two
tables (`slack_installations`, `slack_bots`, the schema of its SQLite store, so a SQLite
file it filled keeps working) and its semantics: the newest row wins; an installation
by a user comes with the workspace's newest bot token. Written here rather than taken
from slack_sdk: its SQLite store has no async delete (bolt's uninstall cleanup raises
NotImplementedError), ignores the installation's time, and its SQLAlchemy store would
add SQLAlchemy and a second pool of connections for a handful of queries.

With COACH_ENCRYPTION_KEY, the tokens are stored encrypted (Fernet, `fernet:` before
them); `prepare()` at start encrypts those stored in clear before, and refuses a key
that cannot read them. The tables come from the migrations: storage/db.py's m008 on SQLite, storage/postgres.py's
m008 on PostgreSQL. The async methods run the queries in a thread: the event loop never
waits on the database.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from typing import Any, Optional

from slack_sdk.oauth.installation_store.async_installation_store import \
    AsyncInstallationStore
from slack_sdk.oauth.installation_store.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation

logger = logging.getLogger(__name__)

# The columns slack_sdk's models export (`_to_standard_value_dict`), in table order.
INSTALLATION_COLUMNS = (
    "app_id", "enterprise_id", "enterprise_name", "enterprise_url", "team_id", "team_name",
    "bot_token", "bot_id", "bot_user_id", "bot_scopes", "bot_refresh_token",
    "bot_token_expires_at", "user_id", "user_token", "user_scopes", "user_refresh_token",
    "user_token_expires_at", "incoming_webhook_url", "incoming_webhook_channel",
    "incoming_webhook_channel_id", "incoming_webhook_configuration_url",
    "is_enterprise_install", "token_type", "installed_at")
BOT_COLUMNS = (
    "app_id", "enterprise_id", "enterprise_name", "team_id", "team_name", "bot_token",
    "bot_id", "bot_user_id", "bot_scopes", "bot_refresh_token", "bot_token_expires_at",
    "is_enterprise_install", "installed_at")
KEYS = ("enterprise_id", "team_id")  # stored as '' when absent, as slack_sdk does
TOKENS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
SEALED = "fernet:"  # the prefix of a token stored encrypted


class WrongKey(ValueError):
    """The stored tokens cannot be read with the encryption key given (or none)."""


class TokenCipher:
    """Encrypt the tokens at rest with a Fernet key (COACH_ENCRYPTION_KEY)."""

    def __init__(self, key: str) -> None:
        from cryptography.fernet import Fernet  # only when a key is configured
        self._fernet = Fernet(key.encode())

    def seal(self, token: str) -> str:
        return SEALED + self._fernet.encrypt(token.encode()).decode()

    def open(self, sealed: str) -> str:
        from cryptography.fernet import InvalidToken
        try:
            return self._fernet.decrypt(sealed[len(SEALED):].encode()).decode()
        except InvalidToken:
            raise WrongKey("COACH_ENCRYPTION_KEY is not the key the Slack installations' "
                           "tokens were encrypted with") from None


def _row(model: Installation | Bot, columns: tuple[str, ...]) -> dict[str, Any]:
    values = model._to_standard_value_dict()  # slack_sdk's own columns (its stores use it)
    row = {column: values.get(column) for column in columns}
    for key in KEYS:
        row[key] = row[key] or ""
    return row


def _model(kind, row: dict[str, Any] | None):
    if row is None:
        return None
    values = {k: v for k, v in row.items() if k not in ("id", "client_id", "custom_values")}
    for key in KEYS:
        values[key] = values[key] or None
    return kind(**values, custom_values=row.get("custom_values") or {})


class SqlInstallationStore(InstallationStore, AsyncInstallationStore, ABC):
    """The queries, written once with `%s` placeholders; a subclass runs them."""

    def __init__(self, client_id: str, cipher: TokenCipher | None = None) -> None:
        self.client_id = client_id
        self.cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        return logger

    @abstractmethod
    def _run(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        """Run one statement in a transaction of its own; return its rows as dicts."""

    def _sealed(self, row: dict[str, Any]) -> dict[str, Any]:
        """Return the row with its tokens encrypted, when there is a key."""
        if self.cipher is None:
            return row
        return {column: self.cipher.seal(value) if column in TOKENS and value else value
                for column, value in row.items()}

    def _opened(self, row: dict[str, Any]) -> dict[str, Any]:
        """Return the row with its tokens decrypted (WrongKey without the right key)."""
        for column in TOKENS:
            value = row.get(column)
            if isinstance(value, str) and value.startswith(SEALED):
                if self.cipher is None:
                    raise WrongKey("the Slack installations' tokens are encrypted: set "
                                   "COACH_ENCRYPTION_KEY to the key they were encrypted with")
                row[column] = self.cipher.open(value)
        return row

    def prepare(self) -> int:
        """Check at start that the stored tokens can be read with this store's key (or
        lack of one), and encrypt those stored in clear while there was none; return how
        many rows were encrypted. Raises WrongKey."""
        sealed = 0
        for table in ("slack_installations", "slack_bots"):
            columns = [c for c in TOKENS if table == "slack_installations" or
                       c.startswith("bot_")]
            for row in self._run(f"SELECT id, {', '.join(columns)} FROM {table} "
                                 "WHERE client_id = %s", [self.client_id]):
                self._opened(dict(row))  # readable with this key, or WrongKey
                clear = [c for c in columns if row[c] and not str(row[c]).startswith(SEALED)]
                if self.cipher is None or not clear:
                    continue
                self._run(f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in clear)} "
                          "WHERE id = %s", [*(self.cipher.seal(row[c]) for c in clear),
                                            row["id"]])
                sealed += 1
        if sealed:
            logger.info("encrypted the tokens of %s stored Slack installation rows", sealed)
        return sealed

    def _insert(self, table: str, row: dict[str, Any], custom: dict[str, Any]) -> None:
        row = self._sealed(row)
        columns = ["client_id", *row, "custom_values"]
        self._run(f"INSERT INTO {table} ({', '.join(columns)}) "
                  f"VALUES ({', '.join(['%s'] * len(columns))})",
                  [self.client_id, *row.values(), custom or {}])

    def _first(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        rows = self._run(sql, params)
        return self._opened(rows[0]) if rows else None

    def save(self, installation: Installation) -> None:
        self._insert("slack_installations", _row(installation, INSTALLATION_COLUMNS),
                     installation.custom_values)
        self.save_bot(installation.to_bot())

    def save_bot(self, bot: Bot) -> None:
        if bot.bot_token is None:  # a user-only installation has no bot to keep
            return
        self._insert("slack_bots", _row(bot, BOT_COLUMNS), bot.custom_values)

    def find_bot(self, *, enterprise_id: Optional[str], team_id: Optional[str],
                 is_enterprise_install: Optional[bool] = False) -> Optional[Bot]:
        if is_enterprise_install or team_id is None:
            team_id = ""
        row = self._first(
            "SELECT * FROM slack_bots WHERE client_id = %s AND enterprise_id = %s "
            "AND team_id = %s ORDER BY installed_at DESC, id DESC LIMIT 1",
            [self.client_id, enterprise_id or "", team_id])
        return _model(Bot, row)

    def find_installation(self, *, enterprise_id: Optional[str], team_id: Optional[str],
                          user_id: Optional[str] = None,
                          is_enterprise_install: Optional[bool] = False
                          ) -> Optional[Installation]:
        if is_enterprise_install or team_id is None:
            team_id = ""
        where = "client_id = %s AND enterprise_id = %s AND team_id = %s"
        params = [self.client_id, enterprise_id or "", team_id]
        by_user = ""
        if user_id is not None:
            by_user, params = " AND user_id = %s", [*params, user_id]
        row = self._first(f"SELECT * FROM slack_installations WHERE {where}{by_user} "
                          "ORDER BY installed_at DESC, id DESC LIMIT 1", params)
        installation = _model(Installation, row)
        if installation is not None and (user_id is not None
                                         or installation.bot_token is None):
            # the workspace's newest bot token, as slack_sdk's stores do (bolt #664)
            bot = self._first(
                f"SELECT bot_token, bot_id, bot_user_id, bot_scopes, bot_refresh_token, "
                f"bot_token_expires_at FROM slack_installations WHERE {where} "
                f"AND bot_token IS NOT NULL ORDER BY installed_at DESC, id DESC LIMIT 1",
                params[:3])
            if bot is not None:
                fresh = Installation(user_id=installation.user_id, **bot)
                for name in ("bot_token", "bot_id", "bot_user_id", "bot_scopes",
                             "bot_refresh_token", "bot_token_expires_at"):
                    setattr(installation, name, getattr(fresh, name))
        return installation

    def delete_bot(self, *, enterprise_id: Optional[str], team_id: Optional[str]) -> None:
        self._run("DELETE FROM slack_bots WHERE client_id = %s AND enterprise_id = %s "
                  "AND team_id = %s", [self.client_id, enterprise_id or "", team_id or ""])

    def delete_installation(self, *, enterprise_id: Optional[str], team_id: Optional[str],
                            user_id: Optional[str] = None) -> None:
        sql = ("DELETE FROM slack_installations WHERE client_id = %s AND enterprise_id = %s "
               "AND team_id = %s")
        params = [self.client_id, enterprise_id or "", team_id or ""]
        if user_id is not None:
            sql, params = sql + " AND user_id = %s", [*params, user_id]
        self._run(sql, params)

    # the async interface bolt's AsyncApp uses: the same queries, off the event loop
    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.save_bot, bot)

    async def async_find_bot(self, *, enterprise_id: Optional[str], team_id: Optional[str],
                             is_enterprise_install: Optional[bool] = False) -> Optional[Bot]:
        return await asyncio.to_thread(self.find_bot, enterprise_id=enterprise_id,
                                       team_id=team_id,
                                       is_enterprise_install=is_enterprise_install)

    async def async_find_installation(self, *, enterprise_id: Optional[str],
                                      team_id: Optional[str], user_id: Optional[str] = None,
                                      is_enterprise_install: Optional[bool] = False
                                      ) -> Optional[Installation]:
        return await asyncio.to_thread(self.find_installation, enterprise_id=enterprise_id,
                                       team_id=team_id, user_id=user_id,
                                       is_enterprise_install=is_enterprise_install)

    async def async_delete_bot(self, *, enterprise_id: Optional[str],
                               team_id: Optional[str]) -> None:
        await asyncio.to_thread(self.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(self, *, enterprise_id: Optional[str],
                                        team_id: Optional[str],
                                        user_id: Optional[str] = None) -> None:
        await asyncio.to_thread(self.delete_installation, enterprise_id=enterprise_id,
                                team_id=team_id, user_id=user_id)

    async def async_delete_all(self, *, enterprise_id: Optional[str],
                               team_id: Optional[str]) -> None:
        await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class PostgresInstallationStore(SqlInstallationStore):
    """On the coach's psycopg pool: instants are timestamptz, custom values JSONB."""

    def __init__(self, pool, client_id: str, cipher: TokenCipher | None = None) -> None:
        super().__init__(client_id, cipher)
        self.pool = pool

    def _run(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        from psycopg.rows import dict_row
        from psycopg.types.json import Jsonb
        params = [Jsonb(p) if isinstance(p, dict) else p for p in params]
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


class SqliteInstallationStore(SqlInstallationStore):
    """In the coach's SQLite file, a connection per call (the calls run in threads):
    instants as ISO text in UTC, custom values as JSON text."""

    def __init__(self, path: str, client_id: str, cipher: TokenCipher | None = None) -> None:
        super().__init__(client_id, cipher)
        self.path = path

    def _run(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        params = [_sqlite_value(p) for p in params]
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            conn.row_factory = sqlite3.Row
            with conn:
                rows = conn.execute(sql.replace("%s", "?"), params).fetchall()
            return [_from_sqlite(dict(row)) for row in rows]
        finally:
            conn.close()


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _from_sqlite(row: dict[str, Any]) -> dict[str, Any]:
    """A row as PostgreSQL gives it: instants aware, custom values a dict."""
    for column in ("installed_at", "bot_token_expires_at", "user_token_expires_at"):
        value = row.get(column)
        if isinstance(value, str):  # slack_sdk's own rows hold epoch integers or text
            row[column] = datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    if "custom_values" in row:
        row["custom_values"] = json.loads(row["custom_values"] or "{}")
    if "is_enterprise_install" in row:
        row["is_enterprise_install"] = bool(row["is_enterprise_install"])
    return row
