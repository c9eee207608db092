"""Platform adapters (terminal, Telegram, Slack) and the settings they are wired with."""
