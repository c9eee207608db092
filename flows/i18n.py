"""Message catalogues: gettext .po files read with Babel, French by default.

The msgids are symbolic keys ("q.objective.text"), so no sentence meant for the user
lives in the code and both catalogues are complete translations. The .po files are
read directly (no compile step, nothing generated to keep in sync).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "coach"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


@dataclass(frozen=True)
class Money:
    """An amount in a currency, as a catalogue parameter: `t` formats it for the language."""

    amount: float
    currency: str = "EUR"


class MissingMessage(KeyError):
    """A key that one catalogue does not define."""


@functools.cache
def catalogue(language: str) -> dict[str, str | tuple[str, ...]]:
    """Return the key → text mapping of one language; a text with plural forms is a
    tuple of them (gettext's msgstr[0], msgstr[1], ...)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        parsed = read_po(po, locale=language)
    return {(m.id[0] if m.pluralizable else m.id): m.string for m in parsed
            if m.id and m.string}


def plural_index(language: str, n: float) -> int:
    """Return which plural form fits `n`: CLDR's rules through Babel (in French 0 and
    1,5 take the singular, in English only 1 does)."""
    return 0 if Locale.parse(language).plural_form(abs(n)) == "one" else 1


def supported(language: str | None) -> str | None:
    """Map a platform language tag ("fr-CA", "en_US") to a supported one, or None."""
    if not language:
        return None
    base = language.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def t(language: str, key: str, n: float | None = None, **params: object) -> str:
    """Return the text of `key` in `language`, with `params` filled in.

    A text with plural forms takes the form that fits the count `n`, also shown as {n}.
    """
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    try:
        text = catalogue(language)[key]
    except KeyError:
        raise MissingMessage(f"{language}:{key}") from None
    if isinstance(text, tuple):
        if n is None:
            raise MissingMessage(f"{language}:{key} needs a count (n=)")
        text = text[plural_index(language, n)]
        params = {"n": n if n != int(n) else int(n), **params}
    if not params:
        return text
    return text.format(**{name: _shown(language, value) for name, value in params.items()})


def _shown(language: str, value: object) -> object:
    """Format a typed parameter for `language`: Money, a float, a date; others as they are."""
    if isinstance(value, Money):
        return money(language, value.amount, value.currency)
    if isinstance(value, float):
        return number(language, value)
    if isinstance(value, date):
        return format_day(language, value)
    return value


def in_currency(params: dict, currency: str) -> dict:
    """Return `params` with amounts in euros shown in the user's own currency, when they
    confirmed another one: a parser that saw no currency sign says euros."""
    if currency == "EUR":
        return params
    return {name: Money(value.amount, currency) if isinstance(value, Money)
            and value.currency == "EUR" else value for name, value in params.items()}


def format_day(language: str, day: date, today: date | None = None) -> str:
    """Return a date in words ("24 décembre", "24 December 2027" in another year)."""
    same_year = today is None or day.year == today.year
    return format_date(day, "d MMMM" if same_year else "d MMMM y", locale=language)


def number(language: str, value: float) -> str:
    """Format a number for `language`, with at most one decimal."""
    return format_decimal(round(value, 1), locale=language)


@functools.cache
def _whole_currency_pattern(language: str) -> str:
    pattern = Locale.parse(language).currency_formats["standard"].pattern
    return pattern.split(";")[0].replace(".00", "")


def money(language: str, value: float, currency: str = "EUR") -> str:
    """Format an amount for `language`, without cents ("15 000 €", "1 500 CHF")."""
    return format_currency(
        round(value), currency, format=_whole_currency_pattern(language), locale=language,
        currency_digits=False,
    )
