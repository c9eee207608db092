"""Parsers that turn what a user typed into a stored value, or say what is wrong.

Each parser returns the value or raises `InvalidAnswer` with the catalogue key of a
clear re-ask and its parameters. Amounts are read from what people really type:
"15 000 €", "15k", "1,5 k€", "2000 euros par an", "200/mois".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flows import vocabulary as words

MAX_TEXT = 300
MAX_HOURS = 70  # a week of social networks beyond this is not a plan
MAX_BUDGET = 10_000_000
MAX_HOURLY_COST = 1_000


class InvalidAnswer(ValueError):
    """An answer that cannot be accepted; `key` names the re-ask in the catalogue."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class Unsure(Exception):
    """An answer understood but surprising ("500 balles" an hour, "1500 CHF"): the coach
    asks the catalogue's `key` as a yes/no question and stores `value` only on yes.

    `also` holds other answers to store with it on yes, such as {"currency": "CHF"}.
    """

    def __init__(self, key: str, value: object, also: dict | None = None,
                 **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.value = value
        self.also = dict(also or {})
        self.params = params


@dataclass(frozen=True)
class Noted:
    """A parsed value and what the coach understood, to say back in one sentence:
    "200 € par mois, soit 2 400 € par an", "1 à 2 h : je retiens 1,5 h"."""

    value: object
    key: str
    params: dict = field(default_factory=dict)


def unwrap(parsed: object) -> object:
    """Return the value to store from what a parser returned (a value or a `Noted`)."""
    return parsed.value if isinstance(parsed, Noted) else parsed


@dataclass(frozen=True)
class Amount:
    """A yearly amount in euros, and the monthly figure it came from, if any."""

    yearly: float
    monthly: float | None = None


def clean_text(text: str | None, max_length: int = MAX_TEXT) -> str:
    """Return `text` stripped, or raise when it is empty, wordless or too long."""
    value = (text or "").strip()
    if not value:
        raise InvalidAnswer("problem.empty")
    if not any(c.isalnum() for c in value):
        raise InvalidAnswer("problem.no_words")
    if len(value) > max_length:
        raise InvalidAnswer("problem.too_long", max=max_length, length=len(value))
    return re.sub(r"\s+", " ", value)


def choice_indexes(text: str) -> list[int] | None:
    """Return the 1-based numbers in "1,3" or "1 3", or None when it is not numbers."""
    parts = [p for p in re.split(r"\s*[,;/+&]\s*|\s+(?:et|and)\s+|\s+", text.strip()) if p]
    if parts and all(p.lstrip("-").isdigit() for p in parts):
        return [int(p) for p in parts]
    return None


def parse_choices(text: str, values: tuple[str, ...], aliases: dict[str, str],
                  multi: bool) -> tuple[str, ...]:
    """Return the option values chosen by number ("1,3", "1 3") or by label in `text`.

    `aliases` maps a normalised label, in any language, to its option value.
    """
    value = clean_text(text)
    indexes = choice_indexes(value)
    if indexes is not None:
        if any(not 1 <= i <= len(values) for i in indexes):
            raise InvalidAnswer("problem.unknown_option", count=len(values))
        chosen = [values[i - 1] for i in indexes]
    else:
        pieces = [value] if not multi else re.split(r"\s*[,;]\s*|\s+(?:et|and)\s+", value)
        chosen = []
        for piece in pieces:
            match = aliases.get(words.normalize(piece))
            if match is None:
                raise InvalidAnswer("problem.unknown_option", count=len(values))
            chosen.append(match)
    unique = tuple(dict.fromkeys(chosen))
    if not multi and len(unique) > 1:
        raise InvalidAnswer("problem.single_choice")
    return unique


def _decimal(number: str) -> Decimal:
    """Read one number typed with French or English separators."""
    digits = re.sub(r"(?<=\d)[\s\u00a0\u202f']+(?=\d)", "", number)
    if re.fullmatch(r"\d{1,3}([.,])\d{3}(\1\d{3})*", digits):
        digits = re.sub(r"[.,]", "", digits)  # "15,000" or "15.000": grouping
    elif re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+", digits):
        digits = digits.replace(",", "")  # "1,500.50"
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", digits):
        digits = digits.replace(".", "").replace(",", ".")  # "1.500,50"
    else:
        digits = digits.replace(",", ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise InvalidAnswer("problem.not_an_amount") from None


NUMBER = r"-?\d[\d\s\u00a0\u202f'.,]*"


def parse_amount(text: str, monthly_allowed: bool = True) -> Amount:
    """Return the yearly amount in euros typed in `text`; monthly amounts become yearly."""
    value = clean_text(text)
    plain = words.normalize(value)
    if plain in words.ZERO_BUDGET:
        return Amount(0.0)
    found = re.search(NUMBER, plain)
    if not found:
        raise InvalidAnswer("problem.not_an_amount")
    if found.group().startswith("-"):
        raise InvalidAnswer("problem.negative")
    amount = _decimal(found.group().strip(" .,"))
    rest = plain[found.end():]
    if re.match(r"\s*(k|ke|keur|k€)\b|\s*k", rest):
        amount *= 1000
    elif re.match(r"\s*(m|millions?)\b", rest) and not re.match(r"\s*mois", rest):
        amount *= 1_000_000
    monthly = monthly_allowed and words.matches_any(rest, words.MONTHLY)
    yearly = float(amount * 12 if monthly else amount)
    if yearly > MAX_BUDGET:
        raise InvalidAnswer("problem.amount_too_big", max=MAX_BUDGET)
    return Amount(yearly, float(amount) if monthly else None)


def parse_budget(text: str) -> dict[str, float]:
    """Return the yearly budget to store, with the monthly figure when one was typed."""
    amount = parse_amount(text)
    stored = {"yearly": amount.yearly}
    if amount.monthly is not None:
        stored["monthly"] = amount.monthly
    return stored


def parse_hourly_cost(text: str) -> float:
    """Return the cost of one hour in euros ("35", "35 €/h", "40 euros de l'heure")."""
    value = parse_amount(text, monthly_allowed=False).yearly
    if not 1 <= value <= MAX_HOURLY_COST:
        raise InvalidAnswer("problem.rate_out_of_range", max=MAX_HOURLY_COST)
    return value


def parse_hours(text: str) -> float:
    """Return hours a week from "3", "2,5", "3h", "1h30", "90 min" or "2 heures"."""
    plain = words.normalize(clean_text(text))
    if re.match(r"^\s*-\s*\d", plain):
        raise InvalidAnswer("problem.negative")
    found = re.search(r"(\d+(?:[.,]\d+)?)\s*(h|heures?|hours?|hrs?|min|minutes?)?\s*(\d{1,2})?",
                      plain)
    if not found:
        raise InvalidAnswer("problem.not_a_number")
    number, unit, minutes = found.groups()
    hours = float(number.replace(",", "."))
    if unit and unit.startswith("min"):
        hours /= 60
    elif minutes:
        hours += int(minutes) / 60
    if hours <= 0:
        raise InvalidAnswer("problem.zero_hours")
    if hours > MAX_HOURS:
        raise InvalidAnswer("problem.too_many_hours", hours=round(hours), max=MAX_HOURS)
    return round(hours, 2)


def parse_target(text: str) -> dict[str, object]:
    """Return a measurable target: its text, first number and period, if any."""
    value = clean_text(text)
    found = re.search(r"\d+(?:[.,]\d+)?", value)
    if not found:
        raise InvalidAnswer("problem.target_needs_number")
    period = next((name for name, patterns in words.TARGET_PERIODS.items()
                   if words.matches_any(value, patterns)), None)
    return {
        "text": value,
        "number": float(found.group().replace(",", ".")),
        "period": period,
        "horizon": words.matches_any(value, words.HORIZON),
    }


def parse_champion(text: str) -> str:
    """Return the champion's name or role; "everybody" is nobody."""
    value = clean_text(text, max_length=120)
    if words.matches_any(value, words.EVERYBODY):
        raise InvalidAnswer("problem.everybody")
    return value


def parse_reason(text: str) -> str:
    """Return a typed objective; "everybody is there" is not one."""
    value = clean_text(text)
    if words.matches_any(value, words.BAD_REASONS):
        raise InvalidAnswer("problem.bad_reason")
    return value


MAX_RESULTS = 100_000


def _number_in(text: str) -> float | None:
    found = re.search(r"-?\d+(?:[.,]\d+)?", text)
    return float(found.group().replace(",", ".")) if found else None


def _network_in(part: str, aliases: dict[str, str]) -> str | None:
    """Return the network named in `part`, the longest alias first."""
    for alias in sorted(aliases, key=len, reverse=True):
        if alias and re.search(rf"(?<![a-z]){re.escape(alias)}(?![a-z])", part):
            return aliases[alias]
    return None


def parse_split(text: str, aliases: dict[str, str], read) -> dict[str, float] | None:
    """Return figures per network from "LinkedIn 2, Instagram 1h30", or None when the
    text names no network. `read` turns each part's figure into a number."""
    plain = words.normalize(clean_text(text))
    parts = [p for p in re.split(r"\s*[,;/+\n]\s*|\s+(?:et|and)\s+", plain) if p.strip()]
    named = [(part, _network_in(part, aliases)) for part in parts]
    if not any(network for _, network in named):
        return None
    split: dict[str, float] = {}
    for part, network in named:
        if network is None:
            raise InvalidAnswer("checkin.problem.which_network", part=part)
        split[network] = split.get(network, 0.0) + read(part)
    return split


def parse_week_hours(text: str) -> float:
    """Return the hours of a week: like `parse_hours`, and "0" or "aucune" is allowed."""
    if words.normalize(clean_text(text)) in words.NOTHING:
        return 0.0
    return parse_hours(text)


def parse_count(text: str) -> float:
    """Return a number of results; likes and followers are refused (seeds 001, 002)."""
    plain = words.normalize(clean_text(text))
    if words.matches_any(plain, words.VANITY):
        raise InvalidAnswer("checkin.problem.vanity")
    if plain in words.NOTHING:
        return 0.0
    number = _number_in(plain)
    if number is None:
        raise InvalidAnswer("checkin.problem.not_a_count")
    if number < 0:
        raise InvalidAnswer("problem.negative")
    if number > MAX_RESULTS:
        raise InvalidAnswer("checkin.problem.too_many", max=MAX_RESULTS)
    return number


def parse_revenue(text: str) -> float:
    """Return the revenue of a week in euros; "0" or "rien" is zero."""
    if words.normalize(clean_text(text)) in words.NOTHING:
        return 0.0
    return parse_amount(text, monthly_allowed=False).yearly
