"""Low-level readers of the figures owners type: number words, decimals, durations, money.

Owners type fast, on a phone, in French or English: « deux heures », « 1 000 », « 0,5 »,
« 1h30 », « 30mn », « 1 à 2 h », « 2 500 € par trimestre », « 1500 CHF », "$2,000 a
year", « 500 balles ». These pure functions read such text and say what it holds; they
never decide whether a figure is acceptable nor what to tell the user (flows/parsing.py
does). Every reader takes text already passed through `prepare`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from text_to_num import alpha2digit

from flows import vocabulary as words

# How many of each period make a year (a budget) and hours in each period (a rate).
PER_YEAR = {"day": 220, "week": 52, "month": 12, "quarter": 4, "semester": 2, "year": 1}
WORKING_DAYS_A_WEEK = 5
WEEKS_A_MONTH = 52 / 12  # ≈ 4.33
HOURS_A_DAY = 7
HOURS_A_WEEK = 35
HOURS_A_MONTH = 151.67  # 35 h × 52 / 12, a French full-time month
HOURS_A_YEAR = 1607  # a French full-time year

# ---------------------------------------------------------------------------------------
# Number words

# Words that look like numbers to text2num but are not figures here.
_KEEP = (r"\bsecondes?\b", r"\bfirst\b", r"\bthird\b", r"\bpremiere?\b", r"\bdeuxieme\b",
         r"\bsecond\b", r"\bun peu\b", r"\ba bit\b", r"\bune fois\b", r"\bun moment\b",
         r"\bpas une?\b")
# "un"/"une"/"one" before a noun are articles when the text already has digits
# (« un budget de 500 »), not before a duration (« une demi-heure et 1h »).
_ARTICLES = (r"\bune?\b(?=\s+[a-z])(?!\s+(?:demi|heures?\b|quarts?\b|h\b|et\b|ou\b|a\b))",
             r"\bone\b(?=\s+[a-z])(?!\s+(?:hours?\b|hr|half|and\b|or\b|to\b))")
_SMALL = r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|one|two|three|four|five|six|" \
         r"seven|eight|nine)"
_ABOUT = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
          "quarantaine": 40, "cinquantaine": 50, "centaine": 100, "dozen": 12}


def _protected(text: str, patterns: tuple[str, ...]) -> tuple[str, list[str]]:
    """Replace what `patterns` match by letter-only tokens text2num leaves alone."""
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group())
        return f"qqkept{chr(97 + len(kept) - 1)}qq"

    for pattern in patterns:
        text = re.sub(pattern, keep, text)
    return text, kept


def _restored(text: str, kept: list[str]) -> str:
    """Put back what `_protected` replaced."""
    return re.sub(r"qqkept([a-z])qq", lambda m: kept[ord(m.group(1)) - 97], text)


def spell_out(text: str) -> str:
    """Turn number words into digits, in French then English: « vingt devis » → "20 devis".

    Digits, separators and network names are left as they are; « mille » and
    « million » after digits become the multipliers "k" and "mln" (« 15 mille » → "15k").
    """
    text = re.sub(r"(?<=\d)\s*(?:mille|thousand)\b", "k", text)
    text = re.sub(r"(?<=\d)\s*millions?\b", " mln", text)
    text = re.sub(rf"\b({_SMALL})-({_SMALL})\b", r"\1 - \2", text)  # « deux-trois heures »
    patterns = _KEEP + (_ARTICLES if re.search(r"\d", text) else ())
    text, kept = _protected(text, patterns)
    for language in ("fr", "en"):
        try:
            text = alpha2digit(text, language, threshold=0)
        except (ValueError, IndexError, KeyError):  # text2num gives up on odd input
            pass
    text = _restored(text, kept)
    text = re.sub(r"\b(?:moins|minus)\s+(?=\d)", "-", text)
    about = "|".join(_ABOUT)
    return re.sub(rf"(?:\b(\d+)\s+)?\b({about})s?\b",
                  lambda m: str(int(m.group(1) or 1) * _ABOUT[m.group(2)]), text)


def prepare(text: str) -> str:
    """Normalise `text` (case, accents, spaces, dashes) and spell its number words out."""
    plain = words.normalize(text)
    plain = plain.replace("\u2044", "/").replace("\u2013", "-").replace("\u2014", "-")
    plain = re.sub(r"(?<=\d)1/2", " 1/2", plain)  # "1½" once NFKD has split it
    return spell_out(plain)


# ---------------------------------------------------------------------------------------
# Figures

NUMBER = re.compile(r"""
    (?<![\d.,])(?P<sign>-\s?)?
    (?P<digits>
        [1-9]\d{0,2}(?:[ '\u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)  # 1 000 / 1 500,50
      | [1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?(?![\d,]\d)              # 1,000 / 1,500.50
      | [1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?(?![\d.]\d)              # 1.000 / 1.500,50
      | \d+(?:[.,]\d+)?                                          # 15000 / 2,5 / 2.5
    )(?!\d)
""", re.X)


@dataclass(frozen=True)
class Figure:
    """A number found in a text, and where."""

    value: float
    start: int
    end: int


def decimal_of(number: str) -> Decimal:
    """Read one number typed with French or English separators ("1 000", "1,5", "1.500,50")."""
    digits = re.sub(r"(?<=\d)[\s\u00a0\u202f']+(?=\d)", "", number.strip())
    if re.fullmatch(r"[1-9]\d{0,2}([.,])\d{3}(\1\d{3})*", digits):
        digits = re.sub(r"[.,]", "", digits)  # "15,000" or "15.000": grouping, not "0.001"
    elif re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+", digits):
        digits = digits.replace(",", "")  # "1,500.50"
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", digits):
        digits = digits.replace(".", "").replace(",", ".")  # "1.500,50"
    else:
        digits = digits.replace(",", ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise ValueError(number) from None


def figures(text: str) -> list[Figure]:
    """Return every number in `text`, negative when typed with a minus sign."""
    found = []
    for match in NUMBER.finditer(text):
        value = float(decimal_of(match.group("digits")))
        found.append(Figure(-value if match.group("sign") else value, match.start(),
                            match.end()))
    return found


def has_number(text: str) -> bool:
    """Tell whether `text` holds a figure."""
    return bool(NUMBER.search(text))


def range_of(text: str, low: Figure, high: Figure) -> bool:
    """Tell whether the text between two figures makes them a range (« 2 à 3 », "2-3")."""
    between = text[low.end:high.start]
    between = re.sub(r"k|€|\$|£|eur(?:os?)?|balles|dollars?|h|heures?|hours?|min|mn", "",
                     between)
    if re.fullmatch(r"\s*(?:-|a|to|ou|or)\s*", between):
        return True
    before = text[:low.start]
    return bool(re.fullmatch(r"\s*(?:et|and)\s*", between)
                and re.search(r"\b(?:entre|between)\s*$", before))


# ---------------------------------------------------------------------------------------
# Periods

_PERIODS: dict[str, tuple[str, ...]] = {
    "hour": (r"/\s*h(?:eure|r)?s?\b", r"\bheures?\b", r"\bhours?\b", r"\bhrs?\b",
             r"(?<=[\d€$£])\s*h\b", r"\bhoraire\b", r"\bhourly\b", r"/\s*hour"),
    "day": (r"\bpar j(?:our)?\b", r"/\s*j(?:our)?\b", r"\bjours?\b", r"\bjournee\b",
            r"\bquotidien", r"\bdays?\b", r"\bdaily\b", r"\btjm\b", r"/\s*d\b"),
    "week": (r"\bsemaines?\b", r"/\s*sem\b", r"\bsem\b", r"\bhebdo", r"\bweeks?\b",
             r"\bwk\b", r"/\s*s\b"),
    "month": (r"\bmois\b", r"/\s*m\b", r"\bmensuel", r"\bmonths?\b", r"\bmonthly\b",
              r"/\s*mo\b", r"\bp/m\b"),
    "quarter": (r"\btrimestr", r"\bquarter", r"/\s*trim\b", r"\btous les 3 mois\b",
                r"\bevery 3 months\b", r"\bq\b"),
    "semester": (r"\bsemestr", r"\btous les 6 mois\b", r"\bevery 6 months\b",
                 r"\bhalf[- ]?year", r"\bbiannual", r"\bsix[- ]monthly\b"),
    "year": (r"\b(?:sur|pour|over|for|in)\s+(?:12 mois|12 months|l'?\s?annee|the year|1 an)\b",
             r"\bpar an\b", r"/\s*an\b", r"\ban\b(?!\s*(?:hour|h\b|hr))", r"\bans\b",
             r"\bannees?\b", r"\bannuel", r"\byears?\b", r"\byearly\b", r"\byr\b",
             r"\bannual", r"\bper annum\b", r"/\s*a\b", r"\bpa\b"),
}


def period_in(text: str, after: int = 0,
              allowed: tuple[str, ...] = tuple(_PERIODS)) -> str | None:
    """Return the period typed after position `after` (the earliest, the longest first),
    or before it when none is after: "day", "week", "month", "quarter", "semester",
    "year" or "hour"."""
    for start, stop in ((after, len(text)), (0, after)):
        found = []
        for name in allowed:
            for pattern in _PERIODS[name]:
                match = re.compile(pattern).search(text, start, stop)
                if match:
                    found.append((match.start(), -len(match.group()), name))
        if found:
            return min(found)[2]
    return None


# ---------------------------------------------------------------------------------------
# Money

# ISO code → patterns, most specific first (Canadian dollars before dollars).
CURRENCIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("XAF", (r"\bxaf\b", r"\bbeac\b", r"\bf ?cfa beac\b")),
    ("XOF", (r"\bxof\b", r"\bf\.? ?cfa\b", r"\bcfa\b", r"\bfrancs? cfa\b")),
    ("CHF", (r"\bchf\b", r"\bfrancs? suisses?\b", r"\bswiss francs?\b", r"\bfrancs?\b",
             r"(?<=\d)\s*fr\.?(?![a-z])", r"\bsfr\b")),
    ("CAD", (r"\bcad\b", r"\$\s?ca\b", r"\bca\s?\$", r"\bc\$", r"\bdollars? canadiens?\b",
             r"\bcanadian dollars?\b")),
    ("USD", (r"\busd\b", r"\bus\s?\$", r"\$\s?us\b", r"\$", r"\bdollars?\b", r"\bbucks\b")),
    ("GBP", (r"£", r"\bgbp\b", r"\blivres?(?: sterling)?\b", r"\bpounds?(?: sterling)?\b",
             r"\bquid\b")),
    ("MAD", (r"\bmad\b", r"\bdhs?\b", r"\bdirhams?\b")),
    ("TND", (r"\btnd\b", r"\bdinars? tunisiens?\b", r"\btunisian dinars?\b", r"\bdt\b")),
    ("DZD", (r"\bdzd\b", r"(?<=\d)\s*da\b", r"\bdinars?(?: algeriens?)?\b",
             r"\balgerian dinars?\b")),
    ("EUR", (r"€", r"\beur(?:o|os)?\b", r"(?<=\d)\s*e\b", r"(?<=\dk)e\b", r"\bkeur\b",
             r"\bballes?\b")),
)
SLANG = r"\bballes?\b"
# Rough value of one euro, only to scale plausibility limits: never to convert.
PER_EURO = {"EUR": 1, "CHF": 0.95, "XOF": 656, "XAF": 656, "USD": 1.1, "CAD": 1.5,
            "GBP": 0.85, "MAD": 11, "DZD": 145, "TND": 3.4}
_THOUSAND = r"\s*(?:k(?:eur|e|€)?|grand)(?![a-z])"
_MILLION = r"\s*(?:mln|m|millions?|mio)(?![a-z])"


@dataclass(frozen=True)
class Sum:
    """An amount of money as typed: the figure, its currency, per what, and the range."""

    amount: float
    currency: str | None = None  # ISO code; None when no currency was typed
    period: str | None = None  # "hour", "day", "week", "month", "quarter", ... or None
    low: float | None = None
    high: float | None = None
    slang: bool = False  # « balles »


def currency_in(text: str) -> str | None:
    """Return the ISO code of the currency named in `text`, or None."""
    for code, patterns in CURRENCIES:
        if any(re.search(p, text) for p in patterns):
            return code
    return None


def _multiplier(text: str, at: int) -> tuple[int, int]:
    """Return the multiplier typed right after position `at` ("k", « mille », "m") and
    where it ends."""
    for factor, pattern in ((1000, _THOUSAND), (1_000_000, _MILLION)):
        match = re.compile(pattern).match(text, at)
        if match:
            return factor, match.end()
    return 1, at


def _money_figures(text: str) -> list[Figure]:
    """Return the figures that can be amounts: not « 3 » in « tous les 3 mois »."""
    periods = [m.span() for m in re.finditer(
        r"(?:tous les|toutes les|every|sur|over|pour|for)\s+\d+\s*(?:mois|months?|semaines?|"
        r"weeks?|ans?|years?)\b|\b(?:12 mois|12 months|52 semaines|52 weeks)\b", text)]
    return [f for f in figures(text) if not any(a <= f.start < b for a, b in periods)]


def _marked(text: str, figure: Figure) -> bool:
    """Tell whether a currency is typed right before or right after `figure`."""
    factor, end = _multiplier(text, figure.end)
    after = text[end:end + 20]
    before = text[max(0, figure.start - 6):figure.start]
    return currency_in(re.sub(r"^\s+", "", after).split(" ")[0] or "-") is not None \
        or bool(re.search(r"(?:€|\$|£|us\$|chf|usd|eur)\s*$", before))


def money_in(text: str) -> Sum | None:
    """Return the amount of money typed in `text`, or None when it holds no figure.

    Reads "15 000 €", "15k", « 1,5 k€ », "€15,000", "$2,000 a year", « 200/mois »,
    « entre 200 et 300 € », « 500 balles »; the multipliers are applied.
    """
    found = _money_figures(text)
    if not found:
        return None
    marked = [i for i, f in enumerate(found) if _marked(text, f)]
    index = marked[0] if marked and len(found) > 1 else 0
    first, low = found[index], None
    if index + 1 < len(found) and range_of(text, first, found[index + 1]):
        low, first = first, found[index + 1]
    elif index > 0 and range_of(text, found[index - 1], first):
        low = found[index - 1]
    factor, end = _multiplier(text, first.end)
    amount = first.value * factor
    if low is not None:
        own, _ = _multiplier(text, low.end)
        low_amount = low.value * (own if own > 1 else factor)
    currency = currency_in(text)
    period = period_in(text, end)
    slang = bool(re.search(SLANG, text))
    if low is None or low_amount >= amount:
        return Sum(amount, currency, period, slang=slang)
    return Sum((low_amount + amount) / 2, currency, period, low_amount, amount, slang)


# ---------------------------------------------------------------------------------------
# Durations

_H = r"(?:h|heures?|hours?|hrs?)"
_MIN = r"(?:min(?:utes?|s)?|mn|m)(?![a-z])"
_DAYS = r"(?:jours?|journees?|days?)\b"
_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = (
    ("clock", r"(?P<h>\d{1,2}):(?P<m>[0-5]\d)\b"),
    ("hours", rf"(?P<h>{_NUM})\s*{_H}\.?(?:\s*(?:et|and)?\s*(?P<m>\d{{1,2}})(?!\d|[.,]\d)"
              rf"(?:\s*{_MIN})?)?(?![a-z])"),
    ("minutes", rf"(?P<m>{_NUM})\s*{_MIN}"),
    ("days", rf"(?P<d>{_NUM})\s*{_DAYS}"),
    ("bare", rf"(?P<n>{_NUM})"),
)
_DUR = rf"{_NUM}(?::\d\d)?\s*(?:{_H}\.?(?:\s*\d{{1,2}}(?![\d]))?(?:\s*{_MIN})?|{_MIN})?"
_RANGE = re.compile(rf"(?:\b(?P<between>entre|between|de|from)\s+)?(?P<a>{_DUR})\s*"
                    rf"(?:-|\ba\b|\bto\b|\bou\b|\bor\b|(?P<et>\bet\b|\band\b))\s*(?P<b>{_DUR})")


@dataclass(frozen=True)
class Duration:
    """A duration as typed: hours in its period, the range it came from, the period."""

    hours: float
    period: str | None = None  # "day", "week", "month", "year" or None
    low: float | None = None
    high: float | None = None
    unit: bool = False  # typed with a unit (h, min, jours), not a bare number
    days: float | None = None  # typed in working days (« 2 jours », 7 h each)


def _g(number: float) -> str:
    """Write a number back as plain digits, with a dot for decimals."""
    return f"{number:g}"


def _number(text: str) -> float:
    """Read a plain number with a comma or a dot for decimals."""
    return float(text.replace(",", "."))


def spell_durations(text: str) -> str:
    """Write the fractions of hours as digits: « une demi-heure » → "0.5 h",
    « 1 heure et demie » → "1.5 h", "half an hour", « 2 h et quart », "1/2 h"."""
    text = re.sub(rf"\b(?:an?|one|une?|1)\s+{_H}\s+(?:and|et)\s+(?:a\s+)?half\b", "1.5 h", text)
    text = re.sub(r"\b(?:a\s+)?half\s+(?:an?\s+)?hour\b", "0.5 h", text)
    text = re.sub(rf"\b(?:an?|one|une?)\s+{_H}(?![a-z])", "1 h", text)
    text = re.sub(r"\b(?:half\s+a|a\s+half)\s+day\b", "0.5 jour", text)
    text = re.sub(rf"(?:({_NUM})\s*)?\bdemi[- ]?(heure|journee|jour)s?\b",
                  lambda m: f"{_g((_number(m.group(1)) if m.group(1) else 1) * 0.5)} "
                            f"{'h' if m.group(2) == 'heure' else 'jour'}", text)
    text = re.sub(rf"(?:({_NUM})\s*)?\bquarts?\s+d'?\s?heures?\b",
                  lambda m: f"{_g((_number(m.group(1)) if m.group(1) else 1) * 0.25)} h", text)
    text = re.sub(rf"({_NUM})\s*({_H})?\s*(?:et|and)\s+(?:a\s+)?(?:demie?|half)\b",
                  lambda m: f"{_g(_number(m.group(1)) + 0.5)} {m.group(2) or ''}", text)
    text = re.sub(rf"({_NUM})\s*({_H})\s*(?:et\s+)?1/2\b",
                  lambda m: f"{_g(_number(m.group(1)) + 0.5)} h", text)
    text = re.sub(rf"({_NUM})\s*({_H})?\s*et\s+(?:le\s+|un\s+|1\s+)?quart\b",
                  lambda m: f"{_g(_number(m.group(1)) + 0.25)} {m.group(2) or ''}", text)
    text = re.sub(rf"({_NUM})\s*({_H})?\s*moins\s+(?:le\s+|un\s+|1\s+)?quart\b",
                  lambda m: f"{_g(_number(m.group(1)) - 0.25)} {m.group(2) or ''}", text)
    fractions = {"1/2": "0.5", "1/4": "0.25", "3/4": "0.75"}
    return re.sub(r"(?<![\d/])([13]/[24])(?![\d/])",
                  lambda m: fractions.get(m.group(1), m.group(1)), text)


def _reading(text: str) -> tuple[float, str] | None:
    """Return the hours of the earliest duration in `text` and how it was typed
    ("clock", "hours", "minutes", "days" or "bare")."""
    best = None
    for rank, (kind, pattern) in enumerate(_DURATION):
        match = re.search(pattern, text)
        if match and (best is None or (match.start(), rank) < best[0]):
            best = ((match.start(), rank), kind, match)
    if best is None:
        return None
    _, kind, match = best
    found = match.groupdict()
    if kind in ("clock", "hours"):
        hours = _number(found["h"]) + (int(found["m"]) / 60 if found["m"] else 0)
    elif kind == "minutes":
        hours = _number(found["m"]) / 60
    elif kind == "days":
        hours = _number(found["d"]) * HOURS_A_DAY
    else:
        hours = _number(found["n"])
    return hours, kind


def _unit_of(text: str) -> str:
    """Return the unit typed after the last figure of `text` ("h", "min"), or ""."""
    match = re.search(rf"({_H}|{_MIN})\s*$", text.strip())
    return match.group(1) if match else ""


def _range_in(text: str) -> tuple[float, float] | None:
    """Return (low, high) hours of a range of durations (« 1 à 2 h », "1-2h",
    « entre 2 et 3 heures », "30 à 45 min"), or None."""
    for match in _RANGE.finditer(text):
        if match.group("et") and not match.group("between"):
            continue
        low_text, high_text = match.group("a"), match.group("b")
        if _unit_of(low_text) == "" and not re.search(r"[:a-z]", low_text):
            low_text = f"{low_text} {_unit_of(high_text)}"
        low, high = _reading(low_text), _reading(high_text)
        if low and high and 0 <= low[0] < high[0]:
            return low[0], high[0]
    return None


def negative(text: str) -> bool:
    """Tell whether the first figure of `text` is typed with a minus sign."""
    found = figures(text)
    return bool(found) and found[0].value < 0


def duration_in(text: str) -> Duration | None:
    """Return the duration typed in `text` (hours in its period), or None without a figure.

    Reads "3", "3h", « 2,5 », "1h30", « 1 h 30 », "1:30", "90 min", "30mn", "2hrs",
    « une demi-heure », « 1 à 2 h », « entre 2 et 3 heures », « 2h par jour »,
    « 2 jours par semaine ».
    """
    text = spell_durations(text)
    reading = _reading(text)
    if reading is None:
        return None
    hours, kind = reading
    period = period_in(text, 0, ("day", "week", "month", "year")) if kind != "days" else \
        period_in(re.sub(rf"{_NUM}\s*{_DAYS}", " ", text), 0, ("week", "month", "year"))
    span = _range_in(text)
    days = hours / HOURS_A_DAY if kind == "days" else None
    if span is not None:
        low, high = span
        return Duration((low + high) / 2, period, low, high, True)
    return Duration(hours, period, unit=kind != "bare", days=days)


def duration_units(text: str) -> bool:
    """Tell whether `text` gives a figure as a duration ("1h", "30 min", "1:30")."""
    text = spell_durations(text)
    return bool(re.search(rf"{_NUM}\s*(?:{_H}|{_MIN})(?![a-z])|\d:[0-5]\d", text))
