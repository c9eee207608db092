"""Dates, times, weekdays and time zones typed the way people talk, in French or English.

"8h30", "6 h du soir", "midi", "9 am"; "24/12", "3 janv.", "lundi prochain",
"dans 2 semaines", "end of January"; "samedi dimanche", "le week-end", "lun-ven";
"Lyon", "à Montréal", "heure de Paris", "Belgique", "Dakar", "america/montreal".
Each parser returns the value or raises `InvalidAnswer` with the catalogue key of a
clear re-ask ("settings.bad_time", "settings.bad_date", "settings.bad_day",
"settings.bad_timezone", "settings.timezone_country_has_several").

Everything is pure: the tables (Babel's CLDR names of months, days, cities and
countries, plus the places CLDR lacks) are built once on first use, and `today` is
always given, never read from the clock. Numeric dates are read day first (24/12);
a date without a year that has passed this year is next year's.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from babel import Locale
from babel.core import get_global
from babel.dates import get_day_names, get_month_names, get_timezone_location

from flows import vocabulary as words
from flows.i18n import format_day
from flows.matching import lookup
from flows.numbers import spell_out
from flows.parsing import InvalidAnswer

LANGUAGES = ("fr", "en")

def digits_for_words(plain: str) -> str:
    """Return normalised `plain` with number words written as digits ("neuf" → "9"),
    through text2num (see `flows.numbers.spell_out`)."""
    return spell_out(plain)


# --------------------------------------------------------------------------- times

_AM = (r"(?<![a-z])(?:a\.?\s?m\.?|du mat(?:in)?|le matin|de la nuit|in the morning)"
       r"(?![a-z])")
_PM = (r"(?<![a-z])(?:p\.?\s?m\.?|du soir|le soir|ce soir|de l'?apres[- ]?midi|"
       r"l'?apres[- ]?midi|de l'?aprem|in the (?:afternoon|evening)|at night|tonight)(?![a-z])")
_TIME_FILLERS = (r"(?<![a-z])(?:o'?\s?clock|pile|precises?|tapantes?|sharp|environ|"
                 r"approximativement|about|around|vers|a|at|pour|for|le|la|il est|it's)"
                 r"(?![a-z'])")
_CLOCK = re.compile(r"(\d{1,2})(?:\s*(?:h|heures?|hours?|hrs?|:|\.)\s*(\d{2})?\s*(?:min|mn)?"
                    r"|\s+(\d{2}))?")
_NOON = {"midi": "12h", "noon": "12h", "minuit": "0h", "midnight": "0h"}


def _meridiem(plain: str) -> tuple[str, str | None]:
    """Split "du soir", "pm", "du matin", "am" off a time; return (rest, "am"/"pm"/None)."""
    for name, pattern in (("pm", _PM), ("am", _AM)):
        found = re.search(pattern, plain)
        if found:
            return (plain[:found.start()] + " " + plain[found.end():]).strip(), name
    return plain, None


def _minute_words(plain: str) -> tuple[str, int]:
    """Split "et demie", "et quart", "moins le quart", "moins 10" off a time."""
    for pattern, shift in ((r"\s*et dem(?:i|ie)\b", 30), (r"\s*et quart\b", 15),
                           (r"\s*moins (?:le )?quart\b", -15)):
        found = re.search(pattern, plain)
        if found:
            return (plain[:found.start()] + plain[found.end():]).strip(), shift
    found = re.search(r"\s*(?:moins |(?<=h|s) ?-)(\d{1,2})\b", plain)  # text2num: "-10"
    if found:
        return (plain[:found.start()] + plain[found.end():]).strip(), -int(found.group(1))
    return plain, 0


def _clock_text(text: str) -> tuple[str, str | None]:
    """Return `text` normalised (number words as digits, "midi" as "12h", no "vers" or
    "o'clock"), and "am", "pm" or None."""
    plain, half = _meridiem(digits_for_words(words.normalize(text or "")))
    for word, clock in _NOON.items():
        plain = re.sub(rf"(?<![a-z-]){word}(?![a-z])", clock, plain)
    plain = re.sub(_TIME_FILLERS, " ", plain)
    return re.sub(r"\s+", " ", plain).strip(), half


def parse_time(text: str) -> time:
    """Return a time of day from "9:00", "8 h 30", "18.15", "midi", "6 h du soir", "9 am"."""
    plain, half = _clock_text(text)
    plain, shift = _minute_words(plain)
    found = _CLOCK.fullmatch(plain)
    if not found:
        raise InvalidAnswer("settings.bad_time")
    hour, minute = int(found.group(1)), int(found.group(2) or found.group(3) or 0)
    if minute > 59 or (shift and minute):
        raise InvalidAnswer("settings.bad_time")
    if half is not None:
        if not 1 <= hour <= 12:
            raise InvalidAnswer("settings.bad_time")
        hour = hour % 12 + (12 if half == "pm" else 0)
    total = hour * 60 + minute + shift
    if hour > 23 or not 0 <= total < 24 * 60:
        raise InvalidAnswer("settings.bad_time")
    return time(total // 60, total % 60)


# --------------------------------------------------------------------------- weekdays

_DAY_EXTRAS = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3, "lund": 0, "merc": 2,
               "vend": 4}
_WEEKEND = (r"(?<![a-z])(?:les? |the |ce |this )?(?:week-?ends?|week ends?|w-?e|"
            r"fins? de semaine)(?![a-z])")
_DAY_FILLERS = frozenset({"le", "les", "the", "on", "du", "from", "chaque", "every", "tous",
                          "et", "and", "ou", "or", "puis", "aussi", "also", "jours", "days",
                          "day", "jour", "les jours", "on the"})


@functools.cache
def weekday_table() -> dict[str, int]:
    """Return every way to name a weekday (0 = Monday): CLDR names, short forms, plurals."""
    table: dict[str, int] = {}
    for language in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for day, name in get_day_names(width, locale=language).items():
                table[words.normalize(name).rstrip(".")] = day
    table.update(_DAY_EXTRAS)
    for name, day in list(table.items()):
        if len(name) > 3:
            table.setdefault(name + "s", day)  # "les samedis", "on mondays"
    return table


def parse_weekday(text: str) -> int:
    """Return one weekday (0 = Monday) from "mardi", "le mardi", "Tuesday", "mar"."""
    plain = words.normalize(text or "").replace(".", " ")
    tokens = [t for t in plain.split() if t not in _DAY_FILLERS]
    day = lookup(" ".join(tokens), weekday_table()) if tokens else None
    if day is None:
        raise InvalidAnswer("settings.bad_day")
    return day


def _day_range(first: int, last: int) -> list[int]:
    """Return the weekdays from `first` to `last` included, across Sunday if needed."""
    return [(first + step) % 7 for step in range((last - first) % 7 + 1)]


def _expand_ranges(plain: str) -> str:
    """Rewrite "lundi au vendredi", "mon-fri", "lun-ven" as the days they cover."""
    def expand(found: re.Match) -> str:
        try:
            first, last = parse_weekday(found.group(1)), parse_weekday(found.group(2))
        except InvalidAnswer:
            return found.group()
        return " " + " ".join(f"#{day}" for day in _day_range(first, last)) + " "
    return re.sub(r"([a-z]+)\.?\s*(?:-|\s(?:au|a|to|through|thru|until|till|jusqu'au)\s)\s*"
                  r"([a-z]+)", expand, plain)


def parse_days(text: str) -> frozenset[int]:
    """Return weekdays from "samedi dimanche", "sam, dim", "le week-end", "lun-ven"."""
    plain = words.normalize(text or "")
    plain = re.sub(_WEEKEND, " #5 #6 ", plain)
    plain = _expand_ranges(plain)
    tokens = [t for t in re.split(r"[\s,;/+&.]+", plain) if t and t not in _DAY_FILLERS]
    if not tokens:
        raise InvalidAnswer("settings.bad_day")
    return frozenset(int(t[1:]) if re.fullmatch(r"#[0-6]", t) else parse_weekday(t)
                     for t in tokens)


# --------------------------------------------------------------------------- dates

_MONTH_EXTRAS = {"fev": 2, "fevr": 2, "janv": 1, "juil": 7, "juill": 7, "sep": 9, "sept": 9,
                 "dec": 12, "aou": 8, "avr": 4}
_DATE_PREFIXES = (r"le", r"la", r"jusqu'(?:au|a|en)", r"jusque", r"au", r"until", r"till",
                  r"til", r"on", r"the", r"pause", r"a partir du", r"from", r"apres le",
                  r"after", r"ce", r"this", r"en")
_SPANS = {"jour": 1, "jours": 1, "day": 1, "days": 1, "semaine": 7, "semaines": 7,
          "week": 7, "weeks": 7, "quinzaine": 14, "fortnight": 14, "fortnights": 14}
_MONTH_SPANS = {"mois": 1, "month": 1, "months": 1, "an": 12, "ans": 12, "annee": 12,
                "annees": 12, "year": 12, "years": 12}
_LATER = r"(?:dans|in|d'ici|pour|pendant|durant|for|within)"


@functools.cache
def month_table() -> dict[str, int]:
    """Return every way to name a month (1 = January): CLDR names and short forms."""
    table: dict[str, int] = {}
    for language in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for month, name in get_month_names(width, locale=language).items():
                table[words.normalize(name).rstrip(".")] = month
    table.update(_MONTH_EXTRAS)
    return table


def _month(word: str) -> int | None:
    """Return the month named by `word`, allowing a wrong letter in long names."""
    return lookup(word, month_table())


def _date_text(text: str) -> str:
    """Return `text` normalised for dates: no "jusqu'au", ordinals and dots dropped."""
    plain = words.normalize(text or "")
    plain = re.sub(r"(?<=[a-z])\.", " ", plain).replace(",", " ")
    plain = re.sub(r"\b(\d{1,2})\s?(?:er|ere|re|eme|e|st|nd|rd|th)\b", r"\1", plain)
    plain = re.sub(r"\bof\b", " ", re.sub(r"\s+", " ", plain)).strip()
    stripped = True
    while stripped:
        stripped = False
        for prefix in _DATE_PREFIXES:
            found = re.match(rf"{prefix}(?:\s+|(?<=')|$)", plain)
            if found and plain[found.end():]:
                plain, stripped = plain[found.end():].strip(), True
    return _drop_weekday(re.sub(r"\s+", " ", plain))


def _drop_weekday(plain: str) -> str:
    """Drop the weekday before a date: "mardi 24 décembre", "monday december 24"."""
    first, _, rest = plain.partition(" ")
    dated = re.search(r"\d", rest) and re.search(r"[a-z]|\d\s?[/.-]\s?\d", rest)
    if dated and lookup(first, weekday_table()) is not None:
        return rest
    return plain


def _checked(year: int, month: int, day: int) -> date:
    """Return the date, or raise "settings.bad_date" for 31/02."""
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidAnswer("settings.bad_date") from None


def _next_yearly(month: int, day: int, year: int | None, today: date) -> date:
    """Return day/month in `year`, or the next one from `today` when no year is given."""
    if year is not None:
        return _checked(year, month, day)
    for candidate_year in (today.year, today.year + 1, today.year + 2, today.year + 3,
                           today.year + 4):
        try:
            chosen = date(candidate_year, month, day)
        except ValueError:
            if month == 2 and day == 29:
                continue  # the next 29 February
            raise InvalidAnswer("settings.bad_date") from None
        if chosen >= today:
            return chosen
    raise InvalidAnswer("settings.bad_date")  # pragma: no cover - a date comes round


def _year(text: str | None) -> int | None:
    """Return a typed year, "26" meaning 2026."""
    if not text:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _add_months(day: date, months: int) -> date:
    """Return `day` moved by whole months, on the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _numeric_date(plain: str, today: date) -> date | None:
    """Read "2026-12-24", "24/12", "24.12.2026", "24-12-26" (day first)."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", plain)
    if found:
        return _checked(*(int(part) for part in found.groups()))
    found = re.fullmatch(r"(\d{1,2})\s?[/.-]\s?(\d{1,2})(?:\s?[/.-]\s?(\d{4}|\d{2}))?", plain)
    if found:
        day, month, year = found.groups()
        if not 1 <= int(month) <= 12:
            raise InvalidAnswer("settings.bad_date")
        return _next_yearly(int(month), int(day), _year(year), today)
    return None


def _named_date(plain: str, today: date) -> date | None:
    """Read "24 décembre", "3 janv 2027", "December 24", "Dec 24 2026"."""
    found = (re.fullmatch(r"(?P<day>\d{1,2}) (?P<month>[a-z]+)(?: (?P<year>\d{4}))?", plain)
             or re.fullmatch(r"(?P<month>[a-z]+) (?P<day>\d{1,2})(?: (?P<year>\d{4}))?", plain))
    if not found:
        return None
    month = _month(found.group("month"))
    if month is None:
        return None
    return _next_yearly(month, int(found.group("day")), _year(found.group("year")), today)


def _part_of_month(plain: str, today: date) -> date | None:
    """Read "fin janvier", "début février", "mi-mars", "end of January", "fin du mois"."""
    if re.fullmatch(r"(?:a la |la )?fin (?:du|de ce|de) mois|(?:the )?end (?:the |this )?month",
                    plain):
        return _add_months(today.replace(day=1), 1) - timedelta(days=1)
    found = re.fullmatch(r"(?:a la |au |la |le |the |in )?(?P<part>fin|debut|mi|milieu|end|"
                         r"beginning|start|early|late|mid|middle)(?: |-)?(?:de |d'|du mois de )?"
                         r"(?P<month>[a-z]+)(?: (?P<year>\d{4}))?", plain)
    if not found or (month := _month(found.group("month"))) is None:
        return None
    part = found.group("part")
    year = _year(found.group("year"))
    end = part in ("fin", "end", "late")
    day = 15 if part in ("mi", "milieu", "mid", "middle") else 1
    if end:
        chosen = _next_yearly(month, 1, year, today.replace(day=1) if year is None else today)
        chosen = chosen.replace(day=calendar.monthrange(chosen.year, month)[1])
        if year is not None and chosen < today:
            raise InvalidAnswer("settings.bad_date")
        return chosen
    return _next_yearly(month, day, year, today)


def _relative_date(plain: str, today: date) -> date | None:
    """Read "demain", "après-demain", "dans 2 semaines", "in a month", "next week"."""
    fixed = {"aujourd'hui": 0, "aujourdhui": 0, "today": 0, "tonight": 0, "demain": 1,
             "tomorrow": 1, "apres-demain": 2, "apres demain": 2, "day after tomorrow": 2}
    if plain in fixed:
        return today + timedelta(days=fixed[plain])
    if re.fullmatch(r"(?:la )?semaine prochaine|next week|(?:la )?semaine d'apres", plain):
        return today + timedelta(days=7 - today.weekday())
    if re.fullmatch(r"(?:le )?mois prochain|next month", plain):
        return _add_months(today.replace(day=1), 1)
    if re.fullmatch(r"(?:l')?annee prochaine|next year|(?:l')?an prochain", plain):
        return date(today.year + 1, 1, 1)
    found = re.fullmatch(rf"(?:(?P<later>{_LATER}) )?(?:(?P<count>\d+|a|an|one) )?"
                         r"(?P<unit>[a-z]+)", digits_for_words(plain))
    if not found or not (found["later"] or re.match(r"\d", plain)):
        return None  # "2 semaines", but "un jour" is "some day"
    count = int(found["count"]) if (found["count"] or "").isdecimal() else 1
    unit = found["unit"]
    if unit in ("jour", "jours") and count in (8, 15):
        count = 7 if count == 8 else 14  # "dans huit jours", "dans quinze jours": weeks
    if unit in _SPANS:
        return today + timedelta(days=count * _SPANS[unit])
    if unit in _MONTH_SPANS:
        return _add_months(today, count * _MONTH_SPANS[unit])
    return None


def _weekday_date(plain: str, today: date) -> date | None:
    """Read "mardi", "lundi prochain", "next monday", "mardi en huit" (after today)."""
    found = re.fullmatch(r"(?:(?:next|prochain) )?([a-z]+)(?: (prochain|qui vient|next|"
                         r"en huit|d'apres))?", plain)
    if not found:
        return None
    try:
        weekday = parse_weekday(found.group(1))
    except InvalidAnswer:
        return None
    ahead = (weekday - today.weekday() - 1) % 7 + 1
    if found.group(2) in ("en huit", "d'apres"):
        ahead += 7
    return today + timedelta(days=ahead)


_DATE_READERS = (_relative_date, _numeric_date, _part_of_month, _weekday_date, _named_date)


def parse_date(text: str, today: date, language: str = "fr") -> date:
    """Return today or a later date from "24/12", "3 janv.", "lundi prochain",
    "dans 2 semaines", "fin janvier", "next monday", "Dec 24th", "end of January".

    Both languages are read whatever `language` is; numeric dates are day first.
    """
    plain = _date_text(text)
    for reader in _DATE_READERS:
        try:
            chosen = reader(plain, today)
        except InvalidAnswer:
            raise
        except (OverflowError, ValueError):  # « dans 99999999 semaines », year 10000
            raise InvalidAnswer("settings.date_too_far") from None
        if chosen is not None:
            if chosen < today:
                raise InvalidAnswer("settings.bad_date")
            return chosen
    raise InvalidAnswer("settings.bad_date")


def format_date(day: date, language: str, today: date | None = None) -> str:
    """Return a date in words ("24 décembre", "3 January 2027" in another year)."""
    return format_day(language, day, today)


# --------------------------------------------------------------------------- time zones

@dataclass(frozen=True)
class Several:
    """A country (or a place name) that spans several time zones: ask for a city."""

    country: str
    cities: str


QC = "America/Montreal"  # same rules as Toronto; the name Quebeckers expect to see
PARIS = "Europe/Paris"

# Places people type that CLDR has no exemplar city for (or that are not its city).
PLACES: dict[str, str] = {
    **dict.fromkeys((
        "Lyon", "Marseille", "Lille", "Toulouse", "Bordeaux", "Nantes", "Strasbourg", "Nice",
        "Rennes", "Montpellier", "Grenoble", "Toulon", "Reims", "Saint-Étienne", "Le Havre",
        "Villeurbanne", "Dijon", "Angers", "Nîmes", "Aix-en-Provence", "Clermont-Ferrand",
        "Le Mans", "Brest", "Tours", "Amiens", "Annecy", "Limoges", "Metz", "Perpignan",
        "Besançon", "Boulogne-Billancourt", "Orléans", "Rouen", "Montreuil", "Caen", "Nancy",
        "Argenteuil", "Mulhouse", "Roubaix", "Tourcoing", "Nanterre", "Créteil", "Avignon",
        "Poitiers", "Versailles", "Pau", "La Rochelle", "Bayonne", "Biarritz", "Ajaccio",
        "Bastia", "Calais", "Dunkerque", "Cannes", "Antibes", "Valence", "Chambéry",
        "Lorient", "Vannes", "Quimper", "Saint-Malo", "Troyes", "Béziers", "Colmar",
        "Saint-Nazaire", "Niort", "Chartres", "Arras", "Angoulême", "Périgueux", "Le Mans",
        "Corse", "Bretagne", "Normandie", "Alsace", "Provence", "Île-de-France", "Occitanie",
        "Auvergne", "Savoie", "France métropolitaine", "métropole", "hexagone",
        "Saint-Denis 93", "Seine-Saint-Denis", "CET", "CEST", "heure d'Europe centrale",
        "Central European Time",
    ), PARIS),
    **dict.fromkeys(("Liège", "Charleroi", "Namur", "Mons", "Anvers", "Antwerpen", "Gand",
                     "Gent", "Bruges", "Louvain", "Leuven", "Louvain-la-Neuve", "Wavre",
                     "Tournai", "Arlon", "Wallonie", "Flandre", "Flandres", "Bruxelles",
                     "Verviers", "Ottignies"), "Europe/Brussels"),
    **dict.fromkeys(("Genève", "Geneve", "Lausanne", "Berne", "Bern", "Bâle", "Basel",
                     "Fribourg", "Neuchâtel", "Sion", "Lugano", "Lucerne", "Luzern",
                     "Montreux", "Vevey", "Yverdon", "Yverdon-les-Bains", "Bienne", "Biel",
                     "Delémont", "Romandie", "Suisse romande", "Valais", "Vaud", "Jura",
                     "Winterthur", "Saint-Gall"), "Europe/Zurich"),
    **dict.fromkeys(("Esch-sur-Alzette", "Differdange"), "Europe/Luxembourg"),
    **dict.fromkeys(("Québec", "Ville de Québec", "Quebec City", "Montréal", "Laval",
                     "Gatineau", "Longueuil", "Sherbrooke", "Trois-Rivières", "Saguenay",
                     "Chicoutimi", "Lévis", "Terrebonne", "Drummondville", "Saint-Jérôme",
                     "Granby", "Rimouski", "Rouyn-Noranda", "Val-d'Or", "Sept-Îles",
                     "Saint-Jean-sur-Richelieu", "Blainville", "Brossard", "Repentigny",
                     "Boucherville", "Shawinigan", "Victoriaville", "Saint-Hyacinthe",
                     "Joliette", "Gaspé", "Baie-Comeau", "Alma", "Mirabel", "Beloeil",
                     "Châteauguay", "Mascouche", "Magog", "Thetford Mines", "Ottawa",
                     "Mississauga", "Brampton", "Ontario", "Hamilton Ontario", "Gaspésie",
                     "Abitibi", "Outaouais", "Estrie", "Montérégie", "Laurentides",
                     "Mauricie", "Lanaudière", "Lac-Saint-Jean", "Bas-Saint-Laurent",
                     "Côte-Nord", "Heure de l'Est", "HNE", "HAE"), QC),
    **dict.fromkeys(("Îles-de-la-Madeleine", "Nouvelle-Écosse", "Nova Scotia"),
                    "America/Halifax"),
    **dict.fromkeys(("Nouveau-Brunswick", "New Brunswick", "Acadie", "Dieppe", "Bathurst",
                     "Edmundston", "Fredericton", "Saint John"), "America/Moncton"),
    **dict.fromkeys(("Calgary", "Alberta", "Red Deer"), "America/Edmonton"),
    **dict.fromkeys(("Victoria", "Colombie-Britannique", "British Columbia", "Surrey",
                     "Burnaby", "Kelowna"), "America/Vancouver"),
    **dict.fromkeys(("Manitoba", "Saint-Boniface"), "America/Winnipeg"),
    **dict.fromkeys(("Saskatchewan", "Saskatoon"), "America/Regina"),
    **dict.fromkeys(("Terre-Neuve", "Newfoundland", "Saint-Jean de Terre-Neuve"),
                    "America/St_Johns"),
    **dict.fromkeys(("Boston", "Washington", "Washington DC", "Miami", "Atlanta",
                     "Philadelphia", "Philadelphie", "Floride", "Florida", "Orlando",
                     "Baltimore", "Pittsburgh", "Charlotte", "EST", "EDT", "Eastern",
                     "Eastern Time", "Brooklyn", "Manhattan", "Nouvelle-York"),
                    "America/New_York"),
    **dict.fromkeys(("Dallas", "Houston", "Austin", "San Antonio", "Texas",
                     "La Nouvelle-Orléans", "Nouvelle-Orléans",
                     "New Orleans", "Minneapolis", "Saint-Louis Missouri", "CST", "CDT",
                     "Central Time", "Nashville"), "America/Chicago"),
    **dict.fromkeys(("San Francisco", "Seattle", "San Diego", "Las Vegas", "Portland",
                     "Californie", "California", "Silicon Valley", "San Jose", "Sacramento",
                     "PST", "PDT", "Pacific Time", "Hollywood"), "America/Los_Angeles"),
    **dict.fromkeys(("Salt Lake City", "Albuquerque", "MST", "MDT", "Mountain Time",
                     "Colorado"), "America/Denver"),
    **dict.fromkeys(("Hawaï", "Hawaii"), "Pacific/Honolulu"),
    **dict.fromkeys(("Rabat", "Marrakech", "Marrakesh", "Fès", "Fez", "Tanger", "Tangier",
                     "Agadir", "Meknès", "Oujda", "Kénitra", "Tétouan", "Essaouira"),
                    "Africa/Casablanca"),
    **dict.fromkeys(("Sfax", "Sousse", "Bizerte", "Monastir", "Nabeul", "Djerba", "Gabès",
                     "Kairouan", "Hammamet"), "Africa/Tunis"),
    **dict.fromkeys(("Oran", "Constantine", "Annaba", "Blida", "Sétif", "Tlemcen", "Béjaïa",
                     "Tizi Ouzou", "Batna"), "Africa/Algiers"),
    **dict.fromkeys(("Yaoundé", "Yaounde", "Garoua", "Bamenda", "Bafoussam", "Cameroun",
                     "Cameroon"), "Africa/Douala"),
    **dict.fromkeys(("Lubumbashi", "Goma", "Bukavu", "Kisangani", "Mbuji-Mayi",
                     "Kananga", "Kolwezi", "Likasi"), "Africa/Lubumbashi"),
    **dict.fromkeys(("Kinshasa", "Matadi", "Mbandaka", "Boma"), "Africa/Kinshasa"),
    **dict.fromkeys(("Pointe-Noire", "Dolisie"), "Africa/Brazzaville"),
    **dict.fromkeys(("Thiès", "Ziguinchor", "Saint-Louis du Sénégal", "Touba", "Kaolack",
                     "Mbour", "Rufisque"), "Africa/Dakar"),
    **dict.fromkeys(("Bouaké", "Yamoussoukro", "Daloa", "San-Pédro", "Korhogo",
                     "Grand-Bassam", "Ivory Coast"), "Africa/Abidjan"),
    **dict.fromkeys(("Bobo-Dioulasso", "Koudougou"), "Africa/Ouagadougou"),
    **dict.fromkeys(("Port-Gentil", "Franceville"), "Africa/Libreville"),
    **dict.fromkeys(("Cotonou", "Parakou", "Abomey-Calavi"), "Africa/Porto-Novo"),
    **dict.fromkeys(("Sokodé", "Kara"), "Africa/Lome"),
    **dict.fromkeys(("Tananarive", "Antananarivo", "Tamatave", "Toamasina", "Majunga",
                     "Mahajanga", "Fianarantsoa", "Tuléar", "Nosy Be"), "Indian/Antananarivo"),
    **dict.fromkeys(("Port-Louis", "Île Maurice", "Ile Maurice", "Mauritius"),
                    "Indian/Mauritius"),
    **dict.fromkeys(("N'Djaména", "Ndjamena", "Moundou"), "Africa/Ndjamena"),
    **dict.fromkeys(("Kankan", "Nzérékoré"), "Africa/Conakry"),
    **dict.fromkeys(("Sikasso", "Ségou", "Tombouctou", "Mopti"), "Africa/Bamako"),
    **dict.fromkeys(("Zinder", "Maradi", "Agadez"), "Africa/Niamey"),
    **dict.fromkeys(("Gitega",), "Africa/Bujumbura"),
    **dict.fromkeys(("Nouadhibou",), "Africa/Nouakchott"),
    **dict.fromkeys(("Cap-Haïtien", "Haïti", "Haiti", "Pétion-Ville"), "America/Port-au-Prince"),
    **dict.fromkeys(("Réunion", "La Réunion", "Île de la Réunion", "Ile de la Reunion",
                     "Saint-Denis de la Réunion", "Saint-Denis Réunion", "Saint-Paul",
                     "Saint-Pierre de la Réunion", "Le Tampon", "Saint-Louis Réunion",
                     "Saint-André", "Saint-Benoît"), "Indian/Reunion"),
    **dict.fromkeys(("Martinique", "Fort-de-France", "Le Lamentin", "Antilles",
                     "Antilles françaises"), "America/Martinique"),
    **dict.fromkeys(("Guadeloupe", "Pointe-à-Pitre", "Basse-Terre", "Les Abymes",
                     "Baie-Mahault", "Le Gosier"), "America/Guadeloupe"),
    **dict.fromkeys(("Guyane", "Guyane française", "French Guiana", "Kourou",
                     "Saint-Laurent-du-Maroni", "Matoury"), "America/Cayenne"),
    **dict.fromkeys(("Mayotte", "Mamoudzou", "Dzaoudzi"), "Indian/Mayotte"),
    **dict.fromkeys(("Nouvelle-Calédonie", "Calédonie", "Caledonie", "New Caledonia",
                     "Nouméa", "Koné", "Dumbéa"), "Pacific/Noumea"),
    **dict.fromkeys(("Tahiti", "Polynésie", "Polynésie française", "French Polynesia",
                     "Papeete", "Bora-Bora", "Moorea", "Fenua"), "Pacific/Tahiti"),
    **dict.fromkeys(("Saint-Pierre-et-Miquelon", "Miquelon"), "America/Miquelon"),
    **dict.fromkeys(("Wallis", "Futuna", "Wallis-et-Futuna", "Mata-Utu"), "Pacific/Wallis"),
    **dict.fromkeys(("Saint-Martin", "Marigot"), "America/Marigot"),
    **dict.fromkeys(("Saint-Barthélemy", "Saint-Barth", "Saint-Barts", "Gustavia"),
                    "America/St_Barthelemy"),
    **dict.fromkeys(("Angleterre", "England", "Grande-Bretagne", "Great Britain", "Britain",
                     "UK", "Écosse", "Scotland", "Pays de Galles", "Wales", "Manchester",
                     "Birmingham", "Liverpool", "Édimbourg", "Edinburgh", "Glasgow",
                     "Cardiff", "Bristol", "Leeds", "Oxford", "Cambridge UK"), "Europe/London"),
    **dict.fromkeys(("Pékin", "Beijing", "Canton", "Guangzhou", "Shenzhen", "Chine"),
                    "Asia/Shanghai"),
    **dict.fromkeys(("Bombay", "Mumbai", "Delhi", "New Delhi", "New-Delhi", "Bangalore",
                     "Bengaluru", "Chennai", "Madras", "Pondichéry", "Inde", "India"),
                    "Asia/Kolkata"),
    **dict.fromkeys(("Barcelone", "Barcelona", "Séville", "Valence Espagne", "Bilbao",
                     "Malaga", "Espagne", "Spain"), "Europe/Madrid"),
    **dict.fromkeys(("Milan", "Milano", "Naples", "Turin", "Florence", "Venise", "Gênes",
                     "Italie", "Italy"), "Europe/Rome"),
    **dict.fromkeys(("Munich", "München", "Francfort", "Frankfurt", "Hambourg", "Hamburg",
                     "Cologne", "Köln", "Düsseldorf", "Stuttgart", "Allemagne", "Germany"),
                    "Europe/Berlin"),
    **dict.fromkeys(("Rotterdam", "La Haye", "The Hague", "Utrecht", "Eindhoven", "Hollande",
                     "Holland"), "Europe/Amsterdam"),
    **dict.fromkeys(("Porto", "Portugal", "Coimbra", "Faro"), "Europe/Lisbon"),
    **dict.fromkeys(("Canaries", "Îles Canaries", "Canary Islands", "Tenerife", "Ténérife",
                     "Gran Canaria", "Las Palmas"), "Atlantic/Canary"),
    **dict.fromkeys(("Tel Aviv", "Tel-Aviv", "Haïfa"), "Asia/Jerusalem"),
    **dict.fromkeys(("Le Cap", "Cape Town", "Pretoria", "Durban"), "Africa/Johannesburg"),
    **dict.fromkeys(("Rio", "Rio de Janeiro", "Brasília", "Brasilia", "Belo Horizonte",
                     "Curitiba", "Porto Alegre"), "America/Sao_Paulo"),
    **dict.fromkeys(("Melbourne",), "Australia/Melbourne"),
    **dict.fromkeys(("Canberra",), "Australia/Sydney"),
    **dict.fromkeys(("Guadalajara", "Puebla", "Mexico City", "Ciudad de México"),
                    "America/Mexico_City"),
    **dict.fromkeys(("Saint-Pétersbourg", "Saint Petersburg", "Saint-Petersbourg"),
                    "Europe/Moscow"),
    **dict.fromkeys(("Osaka", "Kyoto"), "Asia/Tokyo"),
    **dict.fromkeys(("Abou Dabi", "Abu Dhabi", "Émirats", "UAE"), "Asia/Dubai"),
    **dict.fromkeys(("Corée", "Corée du Sud", "Korea", "South Korea"), "Asia/Seoul"),
    **dict.fromkeys(("Hanoï", "Hanoi", "Saïgon"), "Asia/Ho_Chi_Minh"),
    **dict.fromkeys(("UTC", "GMT", "Temps universel", "Zulu"), "UTC"),
}

# Places that name several zones: ask for a city rather than guess.
AMBIGUOUS_PLACES: dict[str, Several] = {
    "Saint-Denis": Several("Saint-Denis", "Saint-Denis 93, Saint-Denis Réunion"),
    "Saint-Pierre": Several("Saint-Pierre", "Saint-Pierre de la Réunion, Miquelon"),
    "Saint-Louis": Several("Saint-Louis", "Saint-Louis du Sénégal, Saint-Louis Réunion, "
                                          "Saint-Louis Missouri"),
    "Hamilton": Several("Hamilton", "Hamilton Ontario, Bermudes"),
    "Congo": Several("Congo", "Brazzaville, Kinshasa, Lubumbashi"),
    "RDC": Several("RDC", "Kinshasa, Lubumbashi, Goma"),
    "RD Congo": Several("RD Congo", "Kinshasa, Lubumbashi, Goma"),
    "USA": Several("USA", "New York, Chicago, Denver, Los Angeles"),
    "US": Several("US", "New York, Chicago, Denver, Los Angeles"),
    "États-Unis d'Amérique": Several("États-Unis", "New York, Chicago, Denver, Los Angeles"),
    "United States of America": Several("United States", "New York, Chicago, Denver, "
                                                         "Los Angeles"),
    "Amérique": Several("Amérique", "Montréal, New York, Chicago, Los Angeles"),
    "America": Several("America", "Montreal, New York, Chicago, Los Angeles"),
    "Russia": Several("Russia", "Moscow, Novosibirsk, Vladivostok"),
    "République démocratique du Congo": Several("RD Congo", "Kinshasa, Lubumbashi, Goma"),
    "Democratic Republic of the Congo": Several("DR Congo", "Kinshasa, Lubumbashi, Goma"),
}

# Countries with several zones where nearly everybody lives in one.
PRINCIPAL_ZONES = {
    "AR": "America/Argentina/Buenos_Aires", "CL": "America/Santiago", "CN": "Asia/Shanghai",
    "CY": "Asia/Nicosia", "DE": "Europe/Berlin", "EC": "America/Guayaquil",
    "ES": "Europe/Madrid", "GL": "America/Nuuk", "KZ": "Asia/Almaty",
    "MH": "Pacific/Majuro", "MN": "Asia/Ulaanbaatar", "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland", "PF": "Pacific/Tahiti", "PG": "Pacific/Port_Moresby",
    "PS": "Asia/Gaza", "PT": "Europe/Lisbon", "UA": "Europe/Kyiv", "UZ": "Asia/Tashkent",
}
# Cities to suggest for the countries that really have several zones.
COUNTRY_CITIES = {
    "CA": "Montréal, Toronto, Winnipeg, Calgary, Vancouver, Halifax",
    "US": "New York, Chicago, Denver, Los Angeles",
    "BR": "São Paulo, Manaus, Recife",
    "AU": "Sydney, Brisbane, Adelaide, Perth",
    "RU": "Moscou, Iekaterinbourg, Novossibirsk, Vladivostok",
    "MX": "Mexico, Cancún, Tijuana",
    "ID": "Jakarta, Makassar, Jayapura",
    "CD": "Kinshasa, Lubumbashi, Goma",
}
# CLDR names kept from older tz releases; the current IANA names are shown instead.
CURRENT_NAMES = {"Asia/Calcutta": "Asia/Kolkata", "Asia/Saigon": "Asia/Ho_Chi_Minh",
                 "Asia/Katmandu": "Asia/Kathmandu", "Asia/Rangoon": "Asia/Yangon",
                 "Africa/Asmera": "Africa/Asmara", "Atlantic/Faeroe": "Atlantic/Faroe",
                 "America/Godthab": "America/Nuuk", "Europe/Kiev": "Europe/Kyiv",
                 "Pacific/Truk": "Pacific/Chuuk", "Pacific/Ponape": "Pacific/Pohnpei",
                 "Pacific/Enderbury": "Pacific/Kanton"}
# Where people live: the last part of these zones is a city ("Europe/Paris" → "paris");
# Antarctic stations are left out so that "maison" is not "Mawson".
REGIONS = ("Africa", "America", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
           "Indian", "Pacific")
# Words before a place name, as `place_key` writes them (no apostrophes or hyphens).
_ZONE_PREFIXES = (r"fuseau(?: horaire)?(?: de| d| du)?", r"(?:l )?heure(?: locale)?(?: de| d"
                  r"| du)?", r"time(?: zone)?(?: in| of)?", r"timezone", r"tz", r"zone",
                  r"je (?:suis|vis|travaille|reside|habite)", r"j habite", r"i(?: am| m)?"
                  r"(?: based| live| living)?", r"based", r"live", r"a", r"au", r"aux",
                  r"en", r"in", r"at", r"near", r"pres de", r"dans", r"ville de", r"city of",
                  r"le", r"la", r"les", r"l", r"de", r"du", r"d")


def place_key(text: str) -> str:
    """Return a place name as the zone tables store it: "St-Denis" → "saint denis"."""
    plain = words.normalize(text).replace("_", " ").replace("-", " ").replace("'", " ")
    plain = plain.replace(".", " ")
    plain = re.sub(r"\b(st|ste)\b", lambda m: "saint" if m.group() == "st" else "sainte",
                   plain)
    return re.sub(r"\s+", " ", plain).strip()


@functools.cache
def _known_zones() -> frozenset[str]:
    """Return the IANA zones this Python knows (read once)."""
    from zoneinfo import available_timezones
    return frozenset(available_timezones())


def _current(zone: str) -> str | None:
    """Return the current IANA name of a CLDR zone, or None when Python lacks it."""
    zone = CURRENT_NAMES.get(zone, zone)
    return zone if zone in _known_zones() else None


def _cldr_cities() -> dict[str, str]:
    """Return CLDR's exemplar cities, in French and English, mapped to their zone."""
    cities: dict[str, str] = {}
    for language in LANGUAGES:
        locale = Locale(language)
        for cldr_zone in get_global("zone_territories"):
            zone = _current(cldr_zone)
            if zone is None or zone.split("/")[0] not in REGIONS:
                continue
            cities.setdefault(get_timezone_location(cldr_zone, language, return_city=True),
                              zone)
            own = locale.time_zones.get(cldr_zone, {}).get("city")
            if own:
                cities.setdefault(own, zone)
    return cities


def _country_zone(code: str, name: str) -> str | Several | None:
    """Return a territory's one zone, its principal one, or Several to ask for a city."""
    zones = [z for z in (_current(z) for z in get_global("territory_zones").get(code, ()))
             if z]
    if code in PRINCIPAL_ZONES:
        return PRINCIPAL_ZONES[code]
    if len(zones) == 1:
        return zones[0]
    if not zones or code in ("001", "ZZ"):
        return None
    cities = COUNTRY_CITIES.get(code) or ", ".join(
        get_timezone_location(z, "fr", return_city=True) for z in zones[:4])
    return Several(name, cities)


def _countries() -> dict[str, str | Several]:
    """Return CLDR's country names, in French and English, mapped to a zone or Several."""
    countries: dict[str, str | Several] = {}
    for language in LANGUAGES:
        for code, name in Locale(language).territories.items():
            names = [name] + re.findall(r"\(([^)]+)\)", name)  # "Myanmar (Birmanie)"
            names.append(re.sub(r"\s*\([^)]*\)", "", name))
            value = _country_zone(code, name)
            if value is not None:
                for each in names:
                    countries.setdefault(each, value)
    return countries


def _iana_names() -> dict[str, str]:
    """Return IANA names ("europe/paris") and their last parts ("paris") for real places."""
    names: dict[str, str] = {"UTC": "UTC"}
    for zone in sorted(_known_zones()):
        if "/" in zone:  # not the legacy "Japan", "GB", "EST5EDT"
            names.setdefault(zone, zone)
    for zone in sorted(_known_zones()):
        if zone.split("/")[0] in REGIONS and "/" in zone:
            names.setdefault(zone.rsplit("/", 1)[-1], zone)
    return names


@functools.cache
def zone_table() -> dict[str, str | Several]:
    """Return every place name, normalised, mapped to its IANA zone or to Several."""
    table: dict[str, str | Several] = {}
    for source in (PLACES, AMBIGUOUS_PLACES, _iana_names(), _cldr_cities(), _countries()):
        for name, value in source.items():
            key = place_key(name)
            if key:
                table.setdefault(key, value)
    return table


def _offset_zone(key: str) -> str | None:
    """Return the fixed zone of "UTC+2" or "GMT-5" (Etc/GMT signs are reversed)."""
    found = re.fullmatch(r"(?:utc|gmt) ?([+-]) ?(\d{1,2})(?: ?[:h] ?00)?", key)
    if not found or int(found.group(2)) > 14:
        return None
    hours = int(found.group(2))
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if found.group(1) == '+' else '+'}{hours}"


def _strip_zone_words(key: str) -> str:
    """Drop "à", "heure de", "fuseau", "je suis à" before a place name."""
    stripped = True
    while stripped:
        stripped = False
        for prefix in _ZONE_PREFIXES:
            found = re.match(rf"{prefix}(?: |$)", key)
            if found and key[found.end():]:
                key, stripped = key[found.end():], True
    return key


def _find_place(key: str) -> str | Several | None:
    """Return the zone of a place key: exact or with a typo, then any exact run of words."""
    table = zone_table()
    found = lookup(key, table)
    if found is not None:
        return found
    tokens = key.split()
    spans = [" ".join(tokens[start:start + size]) for size in range(len(tokens) - 1, 0, -1)
             for start in range(len(tokens) - size + 1)]
    hits = [table[span] for span in spans if span in table]
    return next((hit for hit in hits if isinstance(hit, str)), hits[0] if hits else None)


def parse_timezone(text: str) -> str:
    """Return an IANA time zone from "Europe/Paris", "montreal", "à Lyon", "Belgique",
    "heure de Paris", "Lyon, France" or "Dakar"; a country with several zones asks for a city.
    """
    plain = words.normalize(text or "")
    parts = [p for p in re.split(r"\s*[,;(]\s*|\)", plain) if p.strip()]
    hits = []
    for part in [plain] + parts if len(parts) > 1 else parts:
        key = place_key(part)
        offset = _offset_zone(part.replace(" ", ""))
        if offset:
            return offset
        found = _find_place(key) or _find_place(_strip_zone_words(key))
        if isinstance(found, str):
            return found
        if found is not None:
            hits.append(found)
    if hits:
        raise InvalidAnswer("settings.timezone_country_has_several", country=hits[0].country,
                            cities=hits[0].cities)
    raise InvalidAnswer("settings.bad_timezone")
