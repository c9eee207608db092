"""Parsers of figures: hours, money, counts of results, figures per network.

Each parser returns the value to store, or a `Noted` value when it converted something
the user should hear back; it raises `InvalidAnswer` with the catalogue key of a clear
re-ask, or `Unsure` when the figure is understood but surprising. Amounts are read from
what people really type: "15 000 €", "15k", "1,5 k€", "200/mois", « 2 500 € par
trimestre », « 1500 CHF », « mille euros ». The low-level readers are in flows/numbers.py;
worded answers (objective, target, champion) are in flows/answers.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from flows import numbers
from flows import vocabulary as words
from flows.i18n import Money
from flows.matching import networks_in

MAX_TEXT = 300
MAX_HOURS = 70  # a week of social networks beyond this is not a plan
MAX_BUDGET = 10_000_000
MAX_HOURLY_COST = 1_000
MAX_TARGET = 10_000_000  # a count or an amount to reach: beyond this, a slip
MIN_FIGURE = 0.01  # figures are kept to the hundredth: a smaller one would be stored as 0


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


def _decimal(number: str) -> Decimal:
    """Read one number typed with French or English separators."""
    try:
        return numbers.decimal_of(number)
    except ValueError:
        raise InvalidAnswer("problem.not_an_amount") from None


SMALL_BUDGET = 50  # a yearly budget under this is more likely a slip than a plan
LOW_RATE, HIGH_RATE = 5, 300  # hourly costs outside this deserve a second look
MANY_HOURS = 35  # a bare figure above this may well be minutes
# Hours in each period, to turn a salary or a day rate into an hourly cost.
HOURS_IN = {"hour": 1, "day": numbers.HOURS_A_DAY, "week": numbers.HOURS_A_WEEK,
            "month": numbers.HOURS_A_MONTH, "quarter": numbers.HOURS_A_YEAR / 4,
            "semester": numbers.HOURS_A_YEAR / 2, "year": numbers.HOURS_A_YEAR}
NOTHING_WORDS = re.compile(
    r"\b(?:aucune?|rien|none|nothing|nada|zero|non|nope|nil|pas de|pas d'|pas une?|"
    r"pas encore|pas eu|pas fait|not yet|not any|que dalle|no (?:budget|time|hours?|"
    r"results?|leads?|clients?|customers?|sales?|revenue|money))\b")


def _nothing(plain: str) -> bool:
    """Tell whether prepared text says zero: "0", « aucun », « rien », « pas de budget »."""
    found = numbers.figures(plain)
    if found:
        return all(figure.value == 0 for figure in found)
    return plain in words.NOTHING or plain in words.ZERO_BUDGET \
        or bool(NOTHING_WORDS.search(plain))


def _money(plain: str, refusal: str) -> numbers.Sum:
    """Return the amount typed in prepared text; refuse no figure, a negative or a huge one."""
    figure = numbers.money_in(plain)
    if figure is None:
        raise InvalidAnswer(refusal)
    if figure.amount < 0 or (figure.low is not None and figure.low < 0):
        raise InvalidAnswer("problem.negative")
    return figure


def currency_scale(currency: str | None) -> float:
    """Return how many of `currency` make about one euro, to scale the limits of amounts."""
    return numbers.PER_EURO.get(currency or "EUR", 1)


def _within_limit(amount: float, currency: str | None) -> float:
    """Return `amount`, or refuse it when it is beyond any small business's figure."""
    if amount > MAX_BUDGET * numbers.PER_EURO.get(currency or "EUR", 1):
        raise InvalidAnswer("problem.amount_too_big", max=MAX_BUDGET)
    return float(amount)


def parse_amount(text: str, monthly_allowed: bool = True) -> Amount:
    """Return the yearly amount typed in `text`; per-period amounts become yearly
    (only a monthly one when `monthly_allowed` is false: then it is kept as typed)."""
    plain = numbers.prepare(clean_text(text))
    if _nothing(plain):
        return Amount(0.0)
    figure = _money(plain, "problem.not_an_amount")
    period = figure.period if figure.period in numbers.PER_YEAR else "year"
    if not monthly_allowed:
        period = "year"
    yearly = _within_limit(figure.amount * numbers.PER_YEAR[period], figure.currency)
    return Amount(yearly, float(figure.amount) if period == "month" else None)


def parse_budget(text: str) -> dict | Noted:
    """Return the yearly budget to store: {"yearly": euros}, with "monthly" for a monthly
    figure, "period" and "per_period" for another period, "currency" when not euros.

    A period is converted to a year and said back (`Noted`); another currency, or a
    budget under 50 € a year, is asked back (`Unsure`).
    """
    plain = numbers.prepare(clean_text(text))
    if _nothing(plain):
        return {"yearly": 0.0}
    figure = _money(plain, "problem.budget.not_an_amount")
    if figure.period == "hour":
        raise InvalidAnswer("problem.budget.hourly")
    period = figure.period or "year"
    currency = figure.currency or "EUR"
    yearly = _within_limit(figure.amount * numbers.PER_YEAR[period], currency)
    stored: dict = {"yearly": yearly}
    if period == "month":
        stored["monthly"] = float(figure.amount)
    elif period != "year":
        stored.update(period=period, per_period=float(figure.amount))
    if currency != "EUR":
        stored["currency"] = currency
        typed = Money(figure.amount, currency)
        if period == "year":
            raise Unsure("unsure.currency", stored, also={"currency": currency}, amount=typed)
        raise Unsure("unsure.currency.yearly", stored, also={"currency": currency},
                     amount=typed, yearly=Money(yearly, currency))
    if 0 < yearly < SMALL_BUDGET:
        raise Unsure("unsure.small_budget", stored, amount=Money(yearly))
    if period == "month":
        return Noted(stored, "notice.monthly", {"monthly": Money(figure.amount),
                                                "yearly": Money(yearly)})
    if period != "year":
        return Noted(stored, f"noted.budget.{period}", {"amount": Money(figure.amount),
                                                        "yearly": Money(yearly)})
    if figure.low is not None:
        return Noted(stored, "noted.budget.range", {
            "low": Money(figure.low), "high": Money(figure.high), "amount": Money(yearly)})
    return stored


def parse_hourly_cost(text: str) -> float | Noted:
    """Return the cost of one hour in euros ("35", "35 €/h", "40 euros de l'heure").

    A day or week rate is converted and said back; a monthly or yearly salary, another
    currency, or under 5 € or over 300 € an hour is asked back (`Unsure`).
    """
    plain = numbers.prepare(clean_text(text))
    figure = _money(plain, "problem.hourly_cost.not_an_amount")
    if figure.amount == 0:
        raise InvalidAnswer("problem.hourly_cost.zero")
    currency = figure.currency or "EUR"
    period = figure.period or "hour"
    rate = round(figure.amount / HOURS_IN[period], 2)
    if rate <= 0:  # « 0,001 €/h »: less than a cent
        raise InvalidAnswer("problem.hourly_cost.zero")
    if rate > MAX_HOURLY_COST * currency_scale(currency):  # a day rate too
        raise InvalidAnswer("problem.rate_out_of_range", max=MAX_HOURLY_COST)
    _within_limit(figure.amount, currency)
    if currency != "EUR":
        raise Unsure("unsure.currency", rate, also={"currency": currency},
                     amount=Money(rate, currency))
    if period in ("month", "quarter", "semester", "year"):
        key = "unsure.hourly_cost.month" if period == "month" else "unsure.hourly_cost.year"
        typed = figure.amount if period == "month" else \
            figure.amount * numbers.PER_YEAR[period]
        raise Unsure(key, rate, amount=Money(typed), rate=Money(rate))
    if not LOW_RATE <= rate <= HIGH_RATE:
        raise Unsure("unsure.hourly_cost", rate, amount=Money(rate))
    if period in ("day", "week"):
        return Noted(rate, f"noted.hourly_cost.{period}", {"amount": Money(figure.amount),
                                                           "rate": Money(rate)})
    if figure.low is not None:
        return Noted(rate, "noted.hourly_cost.range", {
            "low": Money(figure.low), "high": Money(figure.high), "amount": Money(rate)})
    return rate


def _networks_total(value: str, plain: str, read) -> Noted | float | None:
    """Return the sum of per-network figures when two networks or more are named; a
    doubt about one figure is asked about the total."""
    spans = _network_spans(plain, {})
    if len(spans) < 2:
        return None
    try:
        split, doubt = parse_split(value, {}, read), None
    except Unsure as unsure:
        split, doubt = unsure.value, unsure
    total = round(sum(split.values()), 2)
    if total > MAX_HOURS:  # « facebook 60, instagram 60 »
        raise InvalidAnswer("problem.too_many_hours", hours=round(total), max=MAX_HOURS)
    if doubt is not None:
        raise Unsure(doubt.key, total, doubt.also, **{**doubt.params, "hours": total})
    return Noted(total, "noted.hours.total", {"hours": float(total)})


def _weekly(duration: numbers.Duration) -> float:
    """Return the hours a week of a duration typed per day, week, month or year."""
    factor = {"day": numbers.WORKING_DAYS_A_WEEK, "month": 1 / numbers.WEEKS_A_MONTH,
              "year": 1 / 52}.get(duration.period, 1)
    return duration.hours * factor


def _hours(text: str, allow_zero: bool) -> float | Noted:
    """Return hours a week, refusing zero unless `allow_zero`; see `parse_hours`."""
    value = clean_text(text)
    plain = numbers.prepare(value)
    if _nothing(plain):
        if allow_zero:
            return 0.0
        raise InvalidAnswer("problem.zero_hours")
    if numbers.negative(plain):
        raise InvalidAnswer("problem.negative")
    total = _networks_total(value, plain, parse_week_hours if allow_zero else parse_hours)
    if total is not None:
        return total
    duration = numbers.duration_in(plain)
    if duration is None:
        raise InvalidAnswer("problem.hours.not_a_number")
    weekly = round(_weekly(duration), 2)
    if weekly <= 0 < duration.hours:  # « 0,001 »: not nothing, but less than a minute
        raise InvalidAnswer("problem.hours.too_small")
    if weekly <= 0:
        if allow_zero:
            return 0.0
        raise InvalidAnswer("problem.zero_hours")
    if weekly > MAX_HOURS:
        raise InvalidAnswer("problem.too_many_hours", hours=round(weekly), max=MAX_HOURS)
    if not duration.unit and duration.period is None and weekly > MANY_HOURS:
        raise Unsure("unsure.many_hours", weekly, hours=weekly)
    if duration.period in ("day", "month", "year"):
        return Noted(weekly, f"noted.hours.{duration.period}",
                     {"hours": round(duration.hours, 2), "weekly": weekly})
    if duration.low is not None:
        return Noted(weekly, "noted.hours.range", {"low": round(duration.low, 2),
                                                   "high": round(duration.high, 2),
                                                   "hours": weekly})
    if duration.days is not None:
        return Noted(weekly, "noted.hours.days", {"n": duration.days, "days": duration.days,
                                                   "hours": weekly})
    return weekly


def parse_hours(text: str) -> float | Noted:
    """Return hours a week from "3", « 2,5 », "1h30", "1:30", "90 min", « 2 heures »,
    « une demi-heure », "two hours"; a range (« 1 à 2 h ») keeps its middle, and hours per
    day (5 working days), month or year become a week's: both are said back (`Noted`)."""
    return _hours(text, allow_zero=False)


MAX_RESULTS = 100_000


def _number_in(text: str) -> float | None:
    """Return the first figure in `text` (number words included), or None."""
    found = numbers.figures(numbers.prepare(text))
    return found[0].value if found else None


def _network_in(part: str, aliases: dict[str, str]) -> str | None:
    """Return the first network named in `part`, typos and abbreviations allowed."""
    spans = _network_spans(numbers.prepare(words.normalize(part)), aliases)
    return spans[0][0] if spans else None


SEPARATORS = re.compile(r"\s*(?:[;/+|\n]|,(?!\d)|(?<!\d),|\bet\b|\band\b|\bpuis\b|"
                        r"\bthen\b|\bplus\b)\s*")
# What may stand between two figures of one network's part: « 1 h 30 », « 1 à 2 ».
FIGURE_GLUE = re.compile(r"[\s:.,'-]*(?:(?:h|heures?|hours?|hrs?|min|minutes?|mn|m|et|and|a|"
                         r"to|ou|or)\b[\s:.,'-]*)*")


UNIT_AFTER_FIGURE = re.compile(r"(?<=\d)[a-z]+|(?<=\d)(\s+)(?:h|hrs?|heures?|hours?|min|mins|"
                               r"minutes?|mn|m|k|e|eur|euros?|balles)\b")


def _network_spans(plain: str, aliases: dict[str, str]) -> list[tuple[str, int, int]]:
    """Return the networks named in prepared text; units after figures ("1h30", « 2 h »)
    are hidden first, so that "instagram 1h30" is not read as "instagram h"."""
    masked = UNIT_AFTER_FIGURE.sub(lambda m: (m.group(1) or "") + "#" * (
        len(m.group()) - len(m.group(1) or "")), plain)
    return networks_in(masked, aliases)


def _stray(piece: str) -> str | None:
    """Return the tail of `piece` that holds a second, unexplained figure, if any."""
    found = numbers.figures(piece)
    for first, second in zip(found, found[1:]):
        if not FIGURE_GLUE.fullmatch(piece[first.end:second.start]):
            return piece[first.end:].strip(" ,;:/-")
    return None


def _pieces(plain: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, str]]:
    """Return (network, the text of its figure) for each network named in `plain`.

    The figure follows its network ("Facebook 0,5 Instagram 2", « FB: 1 / Insta: 2 ») or,
    when nothing with a figure follows the last network, precedes it (« 2 sur linkedin et
    1 sur facebook »). A figure that belongs to no known network is refused, named back.
    """
    before, after = plain[:spans[0][1]], plain[spans[-1][2]:]
    figure_first = not numbers.has_number(after) and numbers.has_number(before)
    chunks = []
    for index, (network, start, end) in enumerate(spans):
        if figure_first:
            chunk = plain[spans[index - 1][2] if index else 0:start]
        else:
            chunk = plain[end:spans[index + 1][1] if index + 1 < len(spans) else len(plain)]
        chunks.append((network, plain[start:end], chunk))
    stray = after if figure_first else before
    if numbers.has_number(stray):
        raise InvalidAnswer("checkin.problem.which_network", part=stray.strip(" ,;:/-"))
    pieces = []
    for network, name, chunk in chunks:
        parts = [p.strip(" :=") for p in SEPARATORS.split(chunk)]
        figured = [p for p in parts if numbers.has_number(p) or NOTHING_WORDS.search(p)]
        if not figured:
            raise InvalidAnswer("checkin.problem.missing_figure", part=name)
        own = figured[-1] if figure_first else figured[0]
        others = [p for p in figured if p is not own]
        unexplained = others[0] if others else _stray(own)
        if unexplained:
            raise InvalidAnswer("checkin.problem.which_network", part=unexplained)
        pieces.append((network, own))
    return pieces


def parse_split(text: str, aliases: dict[str, str], read) -> dict[str, float] | None:
    """Return figures per network from "LinkedIn 2, Instagram 1h30", « Facebook 0,5
    Instagram 2 », « 2 sur linkedin et 1 sur facebook », or None when the text names no
    network. `read` turns each network's figure into a number (its `Noted` is dropped);
    an `Unsure` from one figure is raised again with the whole split as its value."""
    plain = numbers.spell_durations(numbers.prepare(clean_text(text)))
    plain = re.sub(r"\b(h|heures?|hours?)\s+(?:et|and)\s+(?=\d+\s*(?:min|mn))", r"\1 ", plain)
    spans = _network_spans(plain, aliases)
    if not spans:
        return None
    split: dict[str, float] = {}
    doubt: Unsure | None = None
    for network, piece in _pieces(plain, spans):
        try:
            figure = unwrap(read(piece))
        except Unsure as unsure:
            figure, doubt = unsure.value, doubt or unsure
        split[network] = round(split.get(network, 0.0) + float(figure), 2)
    if doubt is not None:
        raise Unsure(doubt.key, split, doubt.also, **doubt.params)
    return split


def parse_week_hours(text: str) -> float | Noted:
    """Return the hours of a week: like `parse_hours`, and 0, « aucune », « rien » or
    "none" is allowed."""
    return _hours(text, allow_zero=True)


def _right_after(plain: str, figure: numbers.Figure, pattern: str) -> bool:
    """Tell whether `pattern` is typed right after `figure`."""
    return bool(re.compile(rf"\s*(?:{pattern})").match(plain, figure.end))


def parse_count(text: str) -> float | Noted:
    """Return a number of results: "3 devis", « vingt devis », « 1 000 », « un client »,
    « aucun »; likes and followers are refused (seeds 001, 002), so are hours and euros."""
    plain = numbers.prepare(clean_text(text))
    if words.matches_any(plain, words.VANITY):
        raise InvalidAnswer("checkin.problem.vanity")
    if _nothing(plain):
        return 0.0
    if numbers.negative(plain):
        raise InvalidAnswer("problem.negative")
    found = numbers.figures(plain)
    if not found:
        raise InvalidAnswer("checkin.problem.not_a_count")
    first = found[0]
    if _right_after(plain, first, r"(?:h|heures?|hours?|hrs?|min|minutes?|mn)(?![a-z])|:\d"):
        raise InvalidAnswer("checkin.problem.count_not_hours")
    if _right_after(plain, first, r"k?\s*(?:€|\$|£|eur(?:os?)?\b|balles\b|dollars?\b|chf\b|"
                                  r"f?cfa\b)"):
        raise InvalidAnswer("checkin.problem.count_not_money")
    if len(found) > 1 and numbers.range_of(plain, first, found[1]) \
            and first.value < found[1].value:
        middle = (first.value + found[1].value) / 2
        if middle > MAX_RESULTS:
            raise InvalidAnswer("checkin.problem.too_many", max=MAX_RESULTS)
        return Noted(middle, "noted.count.range", {"low": first.value,
                                                   "high": found[1].value,
                                                   "count": middle})
    if first.value > MAX_RESULTS:
        raise InvalidAnswer("checkin.problem.too_many", max=MAX_RESULTS)
    return float(first.value)


def _revenue_of(plain: str) -> tuple[float, numbers.Sum]:
    """Return the revenue of a week in the typed currency and the amount it came from."""
    figure = _money(plain, "problem.revenue.not_an_amount")
    if figure.period == "hour":
        raise InvalidAnswer("problem.revenue.not_an_amount")
    if figure.period == "day":
        weekly = figure.amount * numbers.WORKING_DAYS_A_WEEK
    else:
        weekly = figure.amount * numbers.PER_YEAR.get(figure.period or "week", 52) / 52
    return _within_limit(round(weekly, 2), figure.currency), figure


def _revenue_piece(text: str) -> float:
    """Return one network's revenue of the week, in the typed currency."""
    plain = numbers.prepare(clean_text(text))
    if _nothing(plain):
        return 0.0
    weekly, figure = _revenue_of(plain)
    currency = figure.currency or "EUR"
    if currency != "EUR":
        raise Unsure("unsure.currency", weekly, also={"currency": currency},
                     amount=Money(weekly, currency))
    return weekly


def parse_revenue(text: str) -> float | Noted:
    """Return the revenue of a week in euros; « 0 » or « rien » is zero.

    A monthly (or daily, yearly) figure becomes a week's, said back; per-network amounts
    are added up; hours ("Facebook 1h, Instagram 1h30") are refused: revenue is money.
    """
    value = clean_text(text)
    plain = numbers.prepare(value)
    if _nothing(plain):
        return 0.0
    if numbers.duration_units(plain) and numbers.currency_in(plain) is None:
        raise InvalidAnswer("problem.revenue.not_hours")
    if _network_spans(plain, {}):
        try:
            total = round(sum(parse_split(value, {}, _revenue_piece).values()), 2)
        except Unsure as unsure:
            raise Unsure(unsure.key, round(sum(unsure.value.values()), 2), unsure.also,
                         amount=Money(sum(unsure.value.values()),
                                      unsure.also.get("currency", "EUR"))) from None
        return Noted(total, "noted.revenue.total", {"amount": Money(total)})
    weekly, figure = _revenue_of(plain)
    currency = figure.currency or "EUR"
    if currency != "EUR":
        raise Unsure("unsure.currency", weekly, also={"currency": currency},
                     amount=Money(figure.amount, currency))
    if figure.period not in (None, "week"):
        return Noted(weekly, f"noted.revenue.{figure.period}",
                     {"amount": Money(figure.amount), "weekly": Money(weekly)})
    if figure.low is not None:
        return Noted(weekly, "noted.revenue.range", {
            "low": Money(figure.low), "high": Money(figure.high), "amount": Money(weekly)})
    return weekly


MAX_RESULT_VALUE = 1_000_000


def parse_result_value(text: str) -> float | Noted:
    """Return what one result (a new customer, an order, a hire) brings on average:
    « 300 € », « 1 500 », « 2k », « 40 euros par commande ». Another currency is asked
    back (`Unsure`); a range keeps its middle, said back."""
    plain = numbers.prepare(clean_text(text))
    figure = _money(plain, "problem.result_value.not_an_amount")
    if round(figure.amount, 2) == 0:  # « 0,001 »: less than a cent is nothing
        raise InvalidAnswer("problem.result_value.zero")
    if figure.amount > MAX_RESULT_VALUE * numbers.PER_EURO.get(figure.currency or "EUR", 1):
        raise InvalidAnswer("problem.amount_too_big", max=MAX_RESULT_VALUE)
    value = float(figure.amount)
    currency = figure.currency or "EUR"
    if currency != "EUR":
        raise Unsure("unsure.currency", value, also={"currency": currency},
                     amount=Money(value, currency))
    if figure.low is not None:
        return Noted(value, "noted.result_value.range", {
            "low": Money(figure.low), "high": Money(figure.high), "amount": Money(value)})
    return value
