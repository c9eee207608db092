"""The Slack OAuth installation store each database gives (`store.slack_installations`):
slack_sdk's own SQLite store on SQLite, storage/slack_installations.py on PostgreSQL.
The same tests run on both, so a workspace installed through either behaves alike."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation

from storage import SqliteStore, open_database

CLIENT = "1111.2222"
EARLY = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc).timestamp()
LATER = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc).timestamp()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    if request.param == "sqlite":
        opened = SqliteStore(open_database(str(tmp_path / "coach.db")))
    else:
        from storage.postgres import open_postgres
        opened = open_postgres(request.getfixturevalue("pg_url"), min_size=1, max_size=2)
    yield opened
    opened.close()


def installation(team="T1", token="xoxb-1", user="U1", at=EARLY, **more) -> Installation:
    return Installation(app_id="A1", team_id=team, team_name=f"Team {team}", bot_token=token,
                        bot_id="B1", bot_user_id="UBOT", bot_scopes=["commands", "chat:write"],
                        user_id=user, installed_at=at, **more)


async def test_an_installed_workspace_is_found_with_its_bot_token(database):
    installs = database.slack_installations(CLIENT)
    assert await installs.async_find_bot(enterprise_id=None, team_id="T1") is None
    await installs.async_save(installation())
    bot = await installs.async_find_bot(enterprise_id=None, team_id="T1")
    assert (bot.bot_token, bot.bot_id, bot.team_name, bot.bot_scopes) == (
        "xoxb-1", "B1", "Team T1", ["commands", "chat:write"])
    assert bot.installed_at == pytest.approx(EARLY)
    found = await installs.async_find_installation(enterprise_id=None, team_id="T1")
    assert (found.user_id, found.bot_token, found.app_id) == ("U1", "xoxb-1", "A1")


async def test_a_reinstall_wins_and_workspaces_and_apps_stay_apart(database):
    installs = database.slack_installations(CLIENT)
    await installs.async_save(installation(token="xoxb-old"))
    await installs.async_save(installation(token="xoxb-new", user="U2", at=LATER))
    await installs.async_save(installation(team="T2", token="xoxb-two"))
    assert (await installs.async_find_bot(enterprise_id=None, team_id="T1")).bot_token == \
        "xoxb-new"
    assert (await installs.async_find_bot(enterprise_id=None, team_id="T2")).bot_token == \
        "xoxb-two"
    # the installation by one user, with the workspace's newest bot token
    by_first = await installs.async_find_installation(enterprise_id=None, team_id="T1",
                                                      user_id="U1")
    assert (by_first.user_id, by_first.bot_token) == ("U1", "xoxb-new")
    other_app = database.slack_installations("9999.0000")
    assert await other_app.async_find_bot(enterprise_id=None, team_id="T1") is None


async def test_an_uninstalled_workspace_is_forgotten_and_others_kept(database):
    installs = database.slack_installations(CLIENT)
    await installs.async_save(installation())
    await installs.async_save(installation(team="T2", token="xoxb-two"))
    await installs.async_delete_all(enterprise_id=None, team_id="T1")
    assert await installs.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await installs.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert (await installs.async_find_bot(enterprise_id=None, team_id="T2")).bot_token == \
        "xoxb-two"


async def test_an_enterprise_grid_install_is_found_by_its_organisation(database):
    installs = database.slack_installations(CLIENT)
    await installs.async_save(installation(team=None, token="xoxb-org", enterprise_id="E1",
                                           is_enterprise_install=True))
    bot = await installs.async_find_bot(enterprise_id="E1", team_id="T7",
                                        is_enterprise_install=True)
    assert bot.bot_token == "xoxb-org" and bot.is_enterprise_install
    assert await installs.async_find_bot(enterprise_id="E2", team_id=None,
                                         is_enterprise_install=True) is None


def test_the_sqlite_store_keeps_installations_in_the_coach_file(tmp_path):
    opened = SqliteStore(open_database(str(tmp_path / "coach.db")))
    opened.slack_installations(CLIENT).save(installation())
    opened.close()
    again = open_database(str(tmp_path / "coach.db"))
    assert [r["team_id"] for r in again["slack_bots"].rows] == ["T1"]


def test_installations_slack_sdk_stored_in_the_file_before_are_still_found(tmp_path):
    from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore
    path = str(tmp_path / "coach.db")
    SQLite3InstallationStore(database=path, client_id=CLIENT).save(
        installation(bot_token_expires_in=3600))  # what earlier versions of the coach did
    opened = SqliteStore(open_database(path))
    bot = opened.slack_installations(CLIENT).find_bot(enterprise_id=None, team_id="T1")
    assert (bot.bot_token, bot.bot_scopes) == ("xoxb-1", ["commands", "chat:write"])
    assert bot.bot_token_expires_at > datetime.now(timezone.utc).timestamp()
    opened.close()


# tokens encrypted at rest (COACH_ENCRYPTION_KEY)
KEY = "hV2Xw0hYcJzQ9o7oD3hU4c1m0bQpVb3tq3m8y2C6k3A="  # a Fernet key: 32 bytes, base64


def raw_tokens(database) -> list[str]:
    """Every token column of both tables, as stored."""
    sql = ("SELECT bot_token, bot_refresh_token, user_token, user_refresh_token FROM "
           "slack_installations UNION ALL SELECT bot_token, bot_refresh_token, NULL, NULL "
           "FROM slack_bots")
    if hasattr(database, "db"):
        rows = database.db.execute(sql).fetchall()
    else:
        with database.pool.connection() as conn:
            rows = [tuple(r.values()) for r in conn.execute(sql).fetchall()]
    return [value for row in rows for value in row if value]


async def test_with_a_key_the_tokens_are_stored_encrypted_and_read_back(database):
    from storage.slack_installations import TokenCipher
    installs = database.slack_installations(CLIENT, TokenCipher(KEY))
    await installs.async_save(installation(token="xoxb-secret-1", bot_refresh_token="r-1"))
    stored = raw_tokens(database)
    assert len(stored) == 4 and all(v.startswith("fernet:") for v in stored)
    assert not any("xoxb-secret-1" in v or "r-1" == v for v in stored)
    bot = await installs.async_find_bot(enterprise_id=None, team_id="T1")
    assert (bot.bot_token, bot.bot_refresh_token) == ("xoxb-secret-1", "r-1")
    found = await installs.async_find_installation(enterprise_id=None, team_id="T1",
                                                   user_id="U1")
    assert found.bot_token == "xoxb-secret-1"


async def test_tokens_stored_in_clear_are_encrypted_at_start_and_a_wrong_key_refused(
        database):
    from cryptography.fernet import Fernet

    from storage.slack_installations import TokenCipher, WrongKey
    await database.slack_installations(CLIENT).async_save(installation(token="xoxb-old"))
    assert "xoxb-old" in raw_tokens(database)
    installs = database.slack_installations(CLIENT, TokenCipher(KEY))
    assert installs.prepare() == 2  # the installation and its bot
    assert installs.prepare() == 0
    assert all(v.startswith("fernet:") for v in raw_tokens(database))
    assert (await installs.async_find_bot(enterprise_id=None, team_id="T1")).bot_token == \
        "xoxb-old"
    with pytest.raises(WrongKey, match="set COACH_ENCRYPTION_KEY"):
        database.slack_installations(CLIENT).prepare()
    other = TokenCipher(Fernet.generate_key().decode())
    with pytest.raises(WrongKey, match="not the key"):
        database.slack_installations(CLIENT, other).prepare()
