"""Settings from environment variables, checked at start so a mistake fails fast."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Mapping, MutableMapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.i18n import LANGUAGES


SLACK_OAUTH = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAKE_KEY = ('python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"')
MAKE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


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
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_state_secret: str | None = None
    host: str = "0.0.0.0"
    port: int = 3000
    port_given: bool = False  # PORT set: serve /healthz even when no platform needs HTTP
    log_level: str | None = None  # None: INFO, WARNING in the terminal chat
    encryption_key: str | None = None  # Fernet key for the Slack installations' tokens

    def __repr__(self) -> str:
        database = self.database
        for secret in self.secrets:
            database = database.replace(secret, "***")
        return (f"Settings(database={database!r}, language={self.language!r}, "
                f"timezone={self.timezone!r}, telegram={bool(self.telegram_token)}, "
                f"slack={self.has_slack}, slack_oauth={self.slack_oauth}, "
                f"host={self.host!r}, port={self.port}, log_level={self.log_level!r})")

    @property
    def secrets(self) -> tuple[str, ...]:
        """Return every secret value configured, for the logs' redaction: tokens, the
        signing, client, state and webhook secrets, the encryption key, the database
        URL's password."""
        password = urlsplit(self.database).password if "://" in self.database else None
        values = (self.telegram_token, self.telegram_webhook_secret, self.slack_bot_token,
                  self.slack_signing_secret, self.slack_app_token, self.slack_client_secret,
                  self.slack_state_secret, self.encryption_key, password)
        return tuple(v for v in values if v)

    @property
    def has_telegram(self) -> bool:
        return bool(self.telegram_token)

    @property
    def has_slack(self) -> bool:
        return bool(self.slack_bot_token or self.slack_client_id)

    @property
    def slack_oauth(self) -> bool:
        """True when the app installs into many workspaces through Slack's OAuth flow."""
        return bool(self.slack_client_id)


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
    log_level = (get("COACH_LOG_LEVEL") or "").upper() or None
    if log_level is not None and log_level not in LOG_LEVELS:
        raise ConfigError(f"COACH_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, "
                          f"not {log_level!r}")
    port = get("PORT", "3000")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"PORT must be a TCP port number, not {port!r}")
    slack_oauth = [get(n) for n in SLACK_OAUTH]
    if any(slack_oauth) and not all(slack_oauth):
        missing = [n for n, v in zip(SLACK_OAUTH, slack_oauth) if not v]
        raise ConfigError(f"{', '.join(missing)} must be set too: the Slack OAuth install "
                          f"needs {', '.join(SLACK_OAUTH)}")
    settings = Settings(
        database=get("COACH_DATABASE", "coach.db"), language=language, timezone=timezone,
        telegram_token=get("TELEGRAM_BOT_TOKEN"),
        telegram_api_url=get("TELEGRAM_API_URL", "https://api.telegram.org/bot"),
        telegram_webhook_url=get("TELEGRAM_WEBHOOK_URL"),
        telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
        slack_bot_token=get("SLACK_BOT_TOKEN"), slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_app_token=get("SLACK_APP_TOKEN"),
        slack_api_url=get("SLACK_API_URL", "https://slack.com/api/"),
        slack_client_id=slack_oauth[0], slack_client_secret=slack_oauth[1],
        slack_state_secret=slack_oauth[2], host=get("HOST", "0.0.0.0"), port=int(port),
        port_given=bool(get("PORT")), log_level=log_level,
        encryption_key=get("COACH_ENCRYPTION_KEY"),
    )
    if settings.encryption_key and not is_fernet_key(settings.encryption_key):
        raise ConfigError("COACH_ENCRYPTION_KEY is not a Fernet key (32 bytes in url-safe "
                          "base64). Make one with  " + MAKE_KEY)
    if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET is not set: webhook mode "
                          "(TELEGRAM_WEBHOOK_URL) needs it, or anyone who finds the URL "
                          "could act as any user. Make one with  " + MAKE_SECRET)
    if settings.telegram_webhook_secret and not WEBHOOK_SECRET.fullmatch(
            settings.telegram_webhook_secret):
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET may hold only letters, digits, _ and -, "
                          "1 to 256 of them (Telegram's rule). Make one with  " + MAKE_SECRET)
    if not settings.slack_api_url.endswith("/"):
        raise ConfigError("SLACK_API_URL must end with a slash, like https://slack.com/api/")
    if settings.has_slack:
        check_slack(settings)
    return settings


def is_fernet_key(key: str) -> bool:
    """Tell whether `key` is a Fernet key: 32 bytes in url-safe base64."""
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (ValueError, binascii.Error):
        return False


def forget_credentials(environ: MutableMapping[str, str]) -> None:
    """Drop the platform variables from `environ` once the settings are read.

    slack-bolt reads SLACK_CLIENT_ID and SLACK_CLIENT_SECRET from the environment on its
    own and turns on a file-based OAuth flow when they exist, even empty (as in a copy of
    .env.example). Settings are passed explicitly; nothing else should read them.
    """
    for name in [n for n in environ if n.startswith(("SLACK_", "TELEGRAM_"))
                 or n == "COACH_ENCRYPTION_KEY"]:
        del environ[name]


def check_slack(settings: Settings) -> None:
    """Raise ConfigError unless the Slack settings make one working mode."""
    if settings.slack_app_token:
        if settings.slack_oauth:
            raise ConfigError("SLACK_CLIENT_ID (OAuth install) needs HTTP mode: "
                              "leave SLACK_APP_TOKEN empty")
        if not settings.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is not set (Socket Mode needs it with "
                              "SLACK_APP_TOKEN)")
    elif not settings.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET is not set (HTTP mode needs it to check "
                          "that requests come from Slack; or set SLACK_APP_TOKEN for "
                          "Socket Mode)")
