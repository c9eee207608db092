"""Settings from environment variables, checked at start so a mistake fails fast."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.i18n import LANGUAGES


class ConfigError(ValueError):
    """A setting is missing or wrong; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the coach is configured with. Secrets are excluded from repr."""

    database: str = "coach.db"
    language: str = "fr"
    timezone: str = "Europe/Paris"
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    port: int = 3000

    def __repr__(self) -> str:
        return (f"Settings(database={self.database!r}, language={self.language!r}, "
                f"timezone={self.timezone!r}, telegram={bool(self.telegram_token)}, "
                f"slack={bool(self.slack_bot_token)}, port={self.port})")

    @property
    def has_telegram(self) -> bool:
        return bool(self.telegram_token)

    @property
    def has_slack(self) -> bool:
        return bool(self.slack_bot_token)


def load_settings(env: Mapping[str, str]) -> Settings:
    """Return the settings read from `env`, or raise ConfigError naming the bad variable."""
    def get(name: str, default: str | None = None) -> str | None:
        value = env.get(name, "").strip()
        return value or default

    language = get("COACH_LANGUAGE", "fr")
    if language not in LANGUAGES:
        raise ConfigError(f"COACH_LANGUAGE must be one of {', '.join(LANGUAGES)}, "
                          f"not {language!r}")
    timezone = get("COACH_TIMEZONE", "Europe/Paris")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"COACH_TIMEZONE is not a known time zone: {timezone!r}") from None
    port = get("PORT", "3000")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"PORT must be a TCP port number, not {port!r}")
    return Settings(
        database=get("COACH_DATABASE", "coach.db"), language=language, timezone=timezone,
        telegram_token=get("TELEGRAM_BOT_TOKEN"),
        telegram_api_url=get("TELEGRAM_API_URL", "https://api.telegram.org/bot"),
        telegram_webhook_url=get("TELEGRAM_WEBHOOK_URL"),
        telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
        slack_bot_token=get("SLACK_BOT_TOKEN"), slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_app_token=get("SLACK_APP_TOKEN"),
        slack_api_url=get("SLACK_API_URL", "https://slack.com/api/"), port=int(port),
    )
