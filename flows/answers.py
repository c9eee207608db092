"""Parsers of the interview's worded answers: the objective, the target, the customers,
the person in charge, and "I don't know" wherever it is typed.

Each returns the value to store or raises `InvalidAnswer` whose key names a re-ask that
says what is missing. Nothing the coach did not understand is stored: a non-answer
("je sais pas", "pour être visible", "7") is a conversation, never a value.
"""

from __future__ import annotations

import re

from text_to_num import alpha2digit

from flows import vocabulary as words
from flows.parsing import MAX_TARGET, InvalidAnswer, clean_text

MAX_DONT_KNOW_WORDS = 8
MAX_CHAMPION = 120


def _plain(text: str | None) -> str:
    return words.normalize(text or "")


# what may come before "je sais pas": « franchement je sais pas », "honestly no idea"
_LEADING = re.compile(r"^(?:(?:euh+|bah|ben|hmm+|hum|bon|ah|oh|alors|en fait|franchement|"
                      r"honnetement|sincerement|well|um+|uh+|honestly|frankly|to be honest|"
                      r"tbh)\b[ ,.!]*)+")
# « jsp, peut-être Instagram », « aucune idée mais je veux vendre plus »: an answer follows
_ANSWER_AFTER = re.compile(r"\b(?:mais|but|peut-etre|peut etre|maybe|perhaps|probablement|"
                           r"probably|sans doute|surement|je dirais|i'?d say|je pense|"
                           r"i think|i guess|disons|sauf|except)\b\W+\w")


def is_dont_know(text: str | None) -> bool:
    """Tell whether `text` says "I don't know" and nothing more ("je sais pas", "no idea").

    A figure ("2h je crois") or an answer after a hedge (« jsp, peut-être Instagram »)
    makes it an answer; « je sais pas mal de choses » is not ignorance either.
    """
    plain = _plain(text)
    if not plain or re.search(r"\d", plain) or len(plain.split()) > MAX_DONT_KNOW_WORDS:
        return False
    if _ANSWER_AFTER.search(plain):
        return False
    return words.matches_any(_LEADING.sub("", plain) or plain, words.DONT_KNOW)


# what a reason may name that makes it an objective: « visible pour trouver des clients »
_GOAL = re.compile(r"\b(?:clients?|clientes?|clientele|vendre|vends|vendu|ventes?|recrut|"
                   r"embauch|devis|commandes?|reservations?|rdv|rendez-vous|candidat|fidelis|"
                   r"prospect|leads?|sales|sell|customers?|hire|hiring|recruit|bookings?|"
                   r"orders?|quotes?|patients?|chantiers?|inscriptions?|chiffre d'affaires)")


def parse_reason(text: str) -> str:
    """Return a typed objective; "everybody is there" or "to be visible" is not one,
    unless it says what it should bring (« être visible pour trouver des clients »)."""
    value = clean_text(text)
    plain = _plain(value)
    if words.matches_any(plain, words.BAD_REASONS):
        raise InvalidAnswer("problem.bad_reason")
    if words.matches_any(plain, words.VAGUE_REASONS) and not _GOAL.search(plain):
        raise InvalidAnswer("problem.vague_reason")
    if len(re.findall(r"[a-z]{2,}", plain)) < 2 or plain in words.NON_ANSWERS:
        raise InvalidAnswer("problem.not_an_objective")
    return value


# what a target counts: any word left once numbers, periods and small words are gone
_NOT_COUNTED = re.compile(
    r"\b(?:par|per|a|an|ans|annee|annees|the|de|des|du|d|en|le|la|les|l|un|une|et|and|"
    r"ou|or|d'ici|ici|dici|within|by|in|dans|sous|fin|end|of|mois|semaines?|sem|jours?|"
    r"trimestres?|months?|weeks?|days?|years?|quarters?|mensuel|hebdo|annuel|monthly|"
    r"weekly|yearly|environ|about|around|au moins|at least|minimum|max|maximum|plus|more|"
    r"nouveaux?|nouvelles?|new|chaque|each|every|soit|prochains?|prochaines?|next|"
    r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|"
    r"decembre|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|objectif|target|goal|viser|vise|avoir|obtenir|get|reach|"
    r"atteindre|faire|je|j|veux|voudrais|want|i|would|like|to|on|pour|for|ce|cet|cette|ces|"
    r"this|that|these|last|entre|between|sur|over|mes|my|our|nos|notre|ma|mon|doubler|"
    r"tripler|quadrupler|double|triple|avant|before|apres|after|au|aux|until|jusqu'a|"
    r"tous|toutes|every|debut|mi|ete|printemps|automne|hiver|rentree|noel|paques|summer|"
    r"spring|autumn|fall|winter|christmas|easter)\b")
_MONTHS = (r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|"
           r"decembre|january|february|march|april|may|june|july|august|september|october|"
           r"november|december")
# a horizon said with a season, a holiday or a month: « avant l'été », « en septembre »
_MORE_HORIZON = (
    rf"\b(?:avant|pour|d'?ici|en|au|a|fin|debut|mi|before|by|in|until|for)[ -]+"
    rf"(?:l'|le |la |les |the )?(?:ete|printemps|automne|hiver|rentree|noel|paques|fetes|"
    rf"summer|spring|autumn|fall|winter|christmas|easter|{_MONTHS})\b",
)
# a rate said with "every": « chaque mois », « tous les mois », "every week"
_MORE_PERIODS = {
    "week": (r"\bchaque semaine\b", r"\btoutes les semaines\b", r"\b(?:every|each) week\b"),
    "month": (r"\bchaque mois\b", r"\btous les mois\b", r"\b(?:every|each) month\b",
              r"\bmensuellement\b"),
    "year": (r"\bchaque annee\b", r"\btous les ans\b", r"\b(?:every|each) year\b"),
}
_MULTIPLIER = re.compile(r"\b(?:doubler|tripler|double|triple|x ?\d|\d+ ?%|\d+ ?pour ?cent)")


def _digits(plain: str) -> str:
    """Return a normalised text with number words as digits ("vingt devis": "20 devis")."""
    return alpha2digit(alpha2digit(plain, "fr", threshold=0), "en", threshold=0)


def _first_number(plain: str) -> float | None:
    """Return the first figure of a normalised text, number words included."""
    digits = _digits(plain)
    found = re.search(r"\d+(?:[ .\u202f\u00a0]\d{3})*(?:[.,]\d+)?", digits)
    if not found:
        return None
    figure = re.sub(r"[ \u202f\u00a0]", "", found.group())
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", figure):
        figure = figure.replace(".", "")
    return float(figure.replace(",", "."))


def _counted(plain: str) -> str | None:
    """Return the words of a target that say what is counted ("demandes devis"), if any."""
    money = bool(re.search(r"[€$£]|\b(?:k?euros?|keur|chf|fcfa|ca|rdv)\b", plain))
    rest = re.sub(r"[\d.,%/:+()-]+", " ", _NOT_COUNTED.sub(" ", _digits(plain)))
    counted = [w for w in re.findall(r"[a-z][a-z'-]{2,}", rest)]
    return " ".join(counted) or ("€" if money else None)


def parse_target(text: str) -> dict[str, object]:
    """Return a measurable target: a number, what it counts and a horizon or a rate.

    "10 demandes de devis par mois", "20 clients d'ici juin": each missing part gets a
    re-ask that names it ("7": what and by when; "10 clients": by when).
    """
    value = clean_text(text)
    plain = _plain(value)
    if words.matches_any(plain, words.VANITY):
        raise InvalidAnswer("problem.target.vanity")
    multiplier = _MULTIPLIER.search(plain)
    figure = None if multiplier else _first_number(plain)
    if figure is None and not multiplier:
        raise InvalidAnswer("problem.target_needs_number")
    if figure is not None and not figure <= MAX_TARGET:  # an infinite one too
        raise InvalidAnswer("problem.target.too_big", max=MAX_TARGET)
    period = next((name for name, patterns in words.TARGET_PERIODS.items()
                   if words.matches_any(plain, patterns + _MORE_PERIODS[name])), None)
    horizon = words.matches_any(plain, words.HORIZON + _MORE_HORIZON)
    if figure is None and period:  # "+10 % par mois" is a pace, not a count a month
        period, horizon = None, True
    counted = _counted(plain)
    if counted is None and not (period or horizon):
        raise InvalidAnswer("problem.target.needs_what_and_when", target=value)
    if counted is None:
        raise InvalidAnswer("problem.target.needs_what", target=value)
    if not (period or horizon):
        raise InvalidAnswer("problem.target.needs_when", target=value)
    return {"text": value, "number": figure, "what": counted, "period": period,
            "horizon": horizon}


def parse_customer(text: str) -> str:
    """Return the ideal customer; "everybody" is nobody's customer (seed 000)."""
    value = clean_text(text)
    if words.matches_any(_plain(value), words.ANY_CUSTOMER):
        raise InvalidAnswer("problem.customer.everybody")
    if len(re.findall(r"[a-z]{2,}", _plain(value))) < 1 or _plain(value) in words.NON_ANSWERS:
        raise InvalidAnswer("problem.customer.too_short")
    return value


def parse_problem(text: str) -> str:
    """Return the customers' problem or expectation, in their words."""
    value = clean_text(text)
    if _plain(value) in words.NON_ANSWERS:
        raise InvalidAnswer("problem.customer_problem.too_short")
    return value


# the person in charge (seeds 003, 004)
_NOT_A_NAME = re.compile(r"^[\d\s.,:;/+*%€$h-]*(?:h|hr?s?|heures?|min|mn|minutes?|euros?)?$")
_ROLE_START = re.compile(
    r"^(?:\d|fondat|cofondat|co-fondat|directr|directeu|vendeu|commercia|serveu|coiffeu|"
    r"(?:la|le|l'|les|un|une|mon|ma|mes|notre|nos|son|sa|the|my|our|a|an|his|her|"
    r"qui|who|elle|il|she|he|en tant que|as|c'est|it's|en charge|in charge|chez|at|de|du|pour|"
    r"gerante?|patron|patronne|founder|co-founder|owner|ceo|boss|"
    r"director|manager|responsable|assistante?|associee?|partner|"
    r"secretaire|secretary|comptable|accountant|employee?|salariee?|"
    r"community manager|cm|charge|chargee|webmaster|graphiste|designer|marketing|com|"
    r"communication|rh|hr|sales|office|stagiaire|apprentie?|alternante?|etudiante?|intern|"
    r"student|apprentice|freelance|freelancer|agence|agency|consultante?|prestataire|"
    r"externe|benevole|volunteer|epouse|mari|femme|conjointe?|fille|fils|soeur|frere|mere|"
    r"pere|cousine?|wife|husband|daughter|son|sister|brother|mom|dad|mum)\b)")
# a helper named after the one in charge: « Marie, avec l'aide de Paul »
_HELPED = re.compile(r"\s*,?\s*\b(?:avec l'aide d[e']|aidee? (?:de|par)|secondee? par|"
                     r"assistee? (?:de|par)|with (?:the )?help (?:of|from)|helped by|"
                     r"assisted by|backed up by)\b.*$")
# several people by number or in the plural: « deux vendeuses », « nos vendeuses »
_SEVERAL = re.compile(
    r"^(?:(?:deux|trois|quatre|cinq|[2-9]|two|three|four|five) (?!h\b|heures?\b|min)[a-z]|"
    r"(?:les|nos|mes|ces|the|our|my) (?:\d+ |deux |trois |two |three )?[a-z'-]*[a-z'-]"
    r"(?<!s)[sx](?:$| (?:du|de|des|d'|of|in|at|qui|who|en|au|aux|a)\b))")


def _who(text: str) -> str:
    """Return the part of a champion answer that names who, without their role.

    "Marie, la gérante" and "Paul (mon associé)" name one person: a role after a comma,
    a dash or in brackets describes the person before it.
    """
    who = _HELPED.sub("", _plain(re.sub(r"\([^)]*\)", " ", text)))
    head, *rest = re.split(r"\s*[,;:]\s*|\s+-\s+|\s+–\s+", who)
    for part in rest:
        plain = _plain(part)
        if plain and not _ROLE_START.match(plain) and not words.matches_any(plain, words.SELF):
            return f"{head} et {part}"  # "Marie, Paul": a second name, not a role
    return head


def _several(text: str) -> bool:
    """Tell whether a champion answer names more than one person."""
    return bool(re.search(words.SECOND_PERSON, _plain(_who(text)))
                or _SEVERAL.match(_plain(text)))


def parse_champion(text: str) -> str:
    """Return the champion's name or role: one person ("Marie, la gérante", "moi").

    Several people, a group or nobody gets the single-owner push-back (seed 004);
    something that is not a name ("-3", "30 min") a clear re-ask.
    """
    value = clean_text(text, max_length=MAX_CHAMPION)
    plain = _plain(value)
    if _NOT_A_NAME.match(plain) or not re.search(r"[a-z]{2,}|^[a-z]$", plain) \
            or plain in words.NON_ANSWERS:
        raise InvalidAnswer("problem.champion.not_a_name")
    if words.matches_any(plain, words.GROUPS) or words.matches_any(plain, words.EVERYBODY):
        raise InvalidAnswer("problem.everybody")
    if _several(value):
        raise InvalidAnswer("problem.champion.several", champion=value)
    return value


def champion_kind(champion: str | None) -> str | None:
    """Return what kind of champion was named: "several", "outside", "learner", "self" or
    "person"."""
    if not champion:
        return None
    plain = _plain(champion)
    if words.matches_any(plain, words.GROUPS) or _several(champion):
        return "several"
    if words.matches_any(plain, words.OUTSIDE_HELP):
        return "outside"
    if words.matches_any(plain, words.LEARNERS):
        return "learner"
    return "self" if words.matches_any(plain, words.SELF) else "person"
