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
])
def test_bad_settings_name_the_variable(env, name):
    with pytest.raises(ConfigError, match=name):
        load_settings(env)


def test_secrets_never_appear_in_repr():
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123:secret", "SLACK_BOT_TOKEN": "xoxb-s"})
    assert "secret" not in repr(settings) and "xoxb" not in repr(settings)
