"""Words users type, in French and English, recognised whatever the chosen language.

These are inputs, not texts shown to the user: what the coach says lives in the
catalogues. Every entry is compared after `normalize` (lower case, no accents).
"""

from __future__ import annotations

import re
import unicodedata

COMMANDS: dict[str, frozenset[str]] = {
    "start": frozenset({"start", "demarrer", "commencer", "bonjour", "hello"}),
    "back": frozenset({"back", "retour", "precedent", "revenir"}),
    "help": frozenset({"help", "aide", "?", "aidez-moi", "au secours"}),
    "skip": frozenset({"skip", "passer", "sauter", "je passe"}),
    "restart": frozenset({"restart", "recommencer", "reset", "tout recommencer"}),
    "plan": frozenset({"plan", "mon plan", "my plan"}),
    "language": frozenset({"language", "langue", "lang"}),
    "export": frozenset({"export", "exporter", "mes donnees", "my data"}),
    "delete": frozenset({"delete", "supprimer", "effacer", "delete my data"}),
    "checkin": frozenset({"checkin", "check-in", "point", "bilan", "faire le point",
                          "point hebdo"}),
    "report": frozenset({"report", "rapport", "historique", "history", "mes points"}),
    "settings": frozenset({"settings", "reglages", "parametres", "preferences"}),
}
# Commands that take the rest of the line: "langue en", "reglages jour mardi".
WITH_ARGUMENT = ("language", "settings")

YES = frozenset({"yes", "y", "oui", "o", "ok", "d'accord", "daccord", "confirmer", "confirm"})
NO = frozenset({"no", "n", "non", "annuler", "cancel", "stop"})

# Every way owners name a network, normalised; the catalogue labels are added to these.
NETWORK_WORDS: dict[str, str] = {
    "facebook": "facebook", "fb": "facebook", "fcb": "facebook", "face": "facebook",
    "fesse bouc": "facebook", "meta": "facebook", "messenger": "facebook",
    "instagram": "instagram", "insta": "instagram", "ig": "instagram", "instag": "instagram",
    "linkedin": "linkedin", "linked in": "linkedin", "lkd": "linkedin", "lnkd": "linkedin",
    "linkedln": "linkedin",
    "tiktok": "tiktok", "tik tok": "tiktok", "tik-tok": "tiktok", "tt": "tiktok",
    "x": "x", "twitter": "x", "tweeter": "x", "x twitter": "x", "twitter x": "x",
    "pinterest": "pinterest", "pin": "pinterest",
    "youtube": "youtube", "you tube": "youtube", "yt": "youtube",
    "google": "google_business", "gmb": "google_business", "gbp": "google_business",
    "google my business": "google_business", "google business": "google_business",
    "google maps": "google_business", "fiche google": "google_business",
    "profil google": "google_business", "google business profile": "google_business",
}

LANGUAGE_NAMES: dict[str, str] = {
    "fr": "fr", "francais": "fr", "french": "fr",
    "en": "en", "anglais": "en", "english": "en",
}

# "Everybody is there", "we have no choice", "it's a must": not reasons (seed 004).
BAD_REASONS = (
    r"tout le monde (y )?(est|y est)", r"tout le monde en (a|fait)", r"everybody",
    r"everyone", r"pas le choix", r"no choice", r"incontournable", r"oblige",
    r"il faut y etre", r"must be there", r"have to be there", r"a la mode",
    r"les concurrents y sont", r"competitors are there",
)

# A champion who is everybody is nobody (seed 004).
EVERYBODY = (
    r"^tout le monde$", r"^tous$", r"^toute l'?equipe$", r"^l'?equipe$", r"^nous( tous)?$",
    r"^everybody$", r"^everyone$", r"^all of us$", r"^the (whole )?team$", r"^we$", r"^us$",
    r"^personne$", r"^nobody$", r"^no one$", r"^on verra$",
)

OUTSIDE_HELP = (r"\bagence\b", r"\bagency\b", r"\bfreelance\b", r"\bprestataire\b",
                r"\bconsultant\b", r"\bstagiaire\b", r"\bintern\b")
SEVERAL_PEOPLE = (r"\bet\b", r"\band\b", r",", r"&", r"\+", r"/")

# Horizon words that make a target time-bound.
HORIZON = (
    r"\bmois\b", r"\bsemaines?\b", r"\bans?\b", r"\bannees?\b", r"\btrimestres?\b",
    r"\bjours?\b", r"\bmonths?\b", r"\bweeks?\b", r"\byears?\b", r"\bquarters?\b",
    r"\bdays?\b", r"\bd'?ici\b", r"\bby\b", r"\bwithin\b", r"\bfin\b", r"\bend of\b",
    r"/\s*(mois|sem|an|month|week|year)", r"\b20\d\d\b",
)
TARGET_PERIODS = {
    "week": (r"par semaine", r"/\s*sem", r"a week", r"per week", r"/\s*week", r"weekly",
             r"hebdo"),
    "month": (r"par mois", r"/\s*mois", r"a month", r"per month", r"/\s*month", r"monthly",
              r"mensuel"),
    "year": (r"par an", r"/\s*an\b", r"a year", r"per year", r"/\s*year", r"yearly",
             r"annuel"),
}

MONTHLY = (r"/\s*mois", r"par mois", r"mensuel", r"/\s*month", r"a month", r"per month",
           r"monthly", r"/\s*m\b", r"\bmois\b")
ZERO_BUDGET = frozenset({"0", "aucun", "rien", "zero", "none", "nothing", "pas de budget",
                         "no budget", "nada", "0 €", "0 euro", "0 euros"})


def normalize(text: str) -> str:
    """Lower-case `text`, strip accents, collapse spaces and outer punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'")
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain.strip(" .!;:") or plain.strip()


def matches_any(text: str, patterns: tuple[str, ...]) -> bool:
    """Tell whether the normalised `text` matches one of `patterns`."""
    plain = normalize(text)
    return any(re.search(p, plain) for p in patterns)


def command_of(text: str) -> tuple[str, str] | None:
    """Return (command, argument) when `text` is a command word, else None."""
    plain = normalize(text).lstrip("/")
    plain = re.sub(r"@\w+$", "", plain)  # "/help@CoachBot" in Telegram groups
    for name, words in COMMANDS.items():
        if plain in words:
            return name, ""
    head, _, rest = plain.partition(" ")
    for name in WITH_ARGUMENT:
        if head in COMMANDS[name] and rest:
            return name, rest.strip()
    return None


# Nothing, in a weekly report: "0", "aucune", "rien".
NOTHING = frozenset({"0", "aucun", "aucune", "rien", "zero", "none", "nothing", "nada",
                     "pas une", "pas un", "0 h", "0h", "0 €", "0 euro", "0 euros"})

# Vanity figures that are not results (seeds 001, 002).
VANITY = (r"\blikes?\b", r"j'?aime", r"\babonne", r"\bfollow", r"\bfans?\b", r"\bvues?\b",
          r"\bviews?\b", r"\bimpressions?\b", r"\breactions?\b", r"\bpartages?\b",
          r"\bshares?\b", r"\bcommentaires?\b", r"\bcomments?\b", r"\bcoeurs?\b")

WEEKDAYS: dict[str, int] = {
    "lundi": 0, "lun": 0, "monday": 0, "mon": 0,
    "mardi": 1, "mar": 1, "tuesday": 1, "tue": 1,
    "mercredi": 2, "mer": 2, "wednesday": 2, "wed": 2,
    "jeudi": 3, "jeu": 3, "thursday": 3, "thu": 3,
    "vendredi": 4, "ven": 4, "friday": 4, "fri": 4,
    "samedi": 5, "sam": 5, "saturday": 5, "sat": 5,
    "dimanche": 6, "dim": 6, "sunday": 6, "sun": 6,
}

# "reglages jour mardi": the setting named by the first word.
SETTINGS: dict[str, frozenset[str]] = {
    "day": frozenset({"jour", "day"}),
    "time": frozenset({"heure", "time", "hour"}),
    "timezone": frozenset({"fuseau", "timezone", "tz", "fuseau horaire", "zone"}),
    "days_off": frozenset({"conges", "off", "jours off", "repos", "days off"}),
    "pause": frozenset({"pause", "pauser", "suspendre"}),
    "stop": frozenset({"stop", "arreter", "arret"}),
    "resume": frozenset({"reprendre", "resume", "relancer", "restart"}),
}

# Slack's "/coach digest ...": the weekly team digest in a channel.
DIGEST = frozenset({"digest", "equipe", "resume d'equipe"})
DIGEST_JOIN = frozenset({"oui", "yes", "on", "rejoindre", "join", "partager", "share"})
DIGEST_LEAVE = frozenset({"non", "no", "quitter", "leave", "ne plus partager"})
DIGEST_STOP = frozenset({"stop", "off", "arreter", "supprimer"})
