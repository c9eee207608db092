"""Settings fail fast with the variable's name, and never print secrets."""

import pytest

from bot.config import ConfigError, load_settings


def test_defaults_from_the_contract():
    settings = load_settings({})
    assert (settings.database, settings.language, settings.timezone, settings.port) == \
        ("coach.db", "fr", "Europe/Paris", 3000)
    assert not settings.has_telegram and not settings.has_slack


@pytest.mark.parametrize("env, name", [
    ({"COACH_LANGUAGE": "de"}, "COACH_LANGUAGE"),
    ({"COACH_TIMEZONE": "Mars/Olympus"}, "COACH_TIMEZONE"),
    ({"PORT": "http"}, "PORT"),
    ({"SLACK_API_URL": "https://slack.com/api"}, "SLACK_API_URL"),
    ({"COACH_LOG_LEVEL": "verbose"}, "COACH_LOG_LEVEL"),
    ({"COACH_ENCRYPTION_KEY": "not-a-key"}, "COACH_ENCRYPTION_KEY"),
    ({"TELEGRAM_WEBHOOK_URL": "https://x/t", "TELEGRAM_WEBHOOK_SECRET": "a b"},
     "TELEGRAM_WEBHOOK_SECRET"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1",
      "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_STATE_SECRET": "s"},
     "SLACK_APP_TOKEN"),
    ({"SLACK_APP_TOKEN": "xapp-1", "SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET"),
    ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}, "SLACK_STATE_SECRET"),
])
def test_bad_settings_name_the_variable(env, name):
    with pytest.raises(ConfigError, match=name):
        load_settings(env)


def test_host_and_log_level_have_defaults_and_can_be_set():
    settings = load_settings({})
    assert (settings.host, settings.log_level) == ("0.0.0.0", None)  # None: INFO
    settings = load_settings({"HOST": "127.0.0.1", "COACH_LOG_LEVEL": "debug"})
    assert (settings.host, settings.log_level) == ("127.0.0.1", "DEBUG")


def test_webhook_mode_without_a_secret_says_which_variable_and_how_to_make_one():
    with pytest.raises(ConfigError) as refused:
        load_settings({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://x/t"})
    assert "TELEGRAM_WEBHOOK_SECRET is not set" in str(refused.value)
    assert "secrets.token_urlsafe(32)" in str(refused.value)


def test_every_secret_is_known_for_redaction_and_the_database_password_hidden():
    settings = load_settings({
        "TELEGRAM_BOT_TOKEN": "1:tg", "TELEGRAM_WEBHOOK_URL": "https://x/t",
        "TELEGRAM_WEBHOOK_SECRET": "hook", "SLACK_BOT_TOKEN": "xoxb-s",
        "SLACK_SIGNING_SECRET": "sign", "COACH_DATABASE": "postgresql://u:pw-9@h/db"})
    assert set(settings.secrets) == {"1:tg", "hook", "xoxb-s", "sign", "pw-9"}
    assert "pw-9" not in repr(settings) and "postgresql://u:***@h/db" in repr(settings)


def test_secrets_never_appear_in_repr():
    settings = load_settings({
        "TELEGRAM_BOT_TOKEN": "123:secret", "SLACK_BOT_TOKEN": "xoxb-s",
        "SLACK_SIGNING_SECRET": "sign-secret", "SLACK_CLIENT_ID": "1.2",
        "SLACK_CLIENT_SECRET": "client-secret", "SLACK_STATE_SECRET": "state-secret"})
    assert "secret" not in repr(settings) and "xoxb" not in repr(settings)


def test_slack_runs_in_socket_mode_with_an_app_token_and_no_signing_secret():
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.has_slack and not settings.slack_oauth


def test_slack_oauth_needs_no_bot_token():
    settings = load_settings({"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2",
                              "SLACK_CLIENT_SECRET": "c", "SLACK_STATE_SECRET": "st"})
    assert settings.has_slack and settings.slack_oauth
