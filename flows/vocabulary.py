"""Words users type, in French and English, recognised whatever the chosen language.

These are inputs, not texts shown to the user: what the coach says lives in the
catalogues. Every entry is compared after `normalize` (lower case, no accents).
"""

from __future__ import annotations

import functools
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
    "delete": frozenset({"delete", "supprimer", "delete my data", "effacer mes donnees",
                         "supprimer mes donnees", "supprimer mon compte"}),
    "checkin": frozenset({"checkin", "check-in", "point", "bilan", "faire le point",
                          "point hebdo"}),
    "report": frozenset({"report", "rapport", "historique", "history", "mes points"}),
    "settings": frozenset({"settings", "reglages", "parametres", "preferences"}),
    "leave": frozenset({"stop", "quitter", "quit", "annuler", "cancel", "exit", "sortir",
                        "arreter", "on arrete", "laisse tomber", "plus tard", "later",
                        "pause"}),
    "document": frozenset({"pdf", "plan pdf", "plan en pdf", "mon plan en pdf", "imprimer",
                           "imprimer le plan", "imprimer mon plan", "partager le plan",
                           "print", "print plan", "print my plan", "share plan",
                           "plan document", "document"}),
    "clear": frozenset({"effacer", "clear", "vider", "effacer la reponse",
                        "clear answer", "aucune reponse"}),
}
# Words tried tolerantly ("retoure", "recomencer"): one letter wrong gets "did you mean?".
# Short words and words that are also common answers are left out.
NEAR_COMMANDS = ("back", "help", "skip", "restart", "plan", "export", "delete", "checkin",
                 "report", "settings", "language", "leave", "clear")
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
    "snapchat": "other", "snap": "other", "threads": "other", "whatsapp": "other",
    "telegram": "other", "discord": "other", "twitch": "other", "reddit": "other",
    "mastodon": "other", "bluesky": "other", "tumblr": "other", "vimeo": "other",
    "viadeo": "other", "tripadvisor": "other", "yelp": "other", "behance": "other",
}

LANGUAGE_NAMES: dict[str, str] = {
    "fr": "fr", "francais": "fr", "french": "fr",
    "en": "en", "anglais": "en", "english": "en",
}

# "Everybody is there", "we have no choice", "it's a must": not reasons (seed 004).
BAD_REASONS = (
    r"tout le monde (?:y |en |le |les )?(?:est|sont|a|ont|fait|font|utilise|y va)\b",
    r"\bevery(?:one|body)(?:'s| is| does| has| uses| else)\b", r"pas le choix", r"no choice",
    r"incontournable", r"oblige", r"obligatoire", r"faut y etre", r"doit y etre",
    r"\b(?:must|have to|need to|got to|gotta) be (?:there|on)\b", r"\bit'?s a must\b",
    r"a la mode",
)

# "I don't know", as people type it: matched whole, after `normalize`, with few words.
DONT_KNOW = (
    r"^(?:euh+|bah|ben|hmm+|bof|alors)?[ ,.]*(?:je ne |je |j'? ?|ch|c|j|ne )?"
    r"(?:sais|sait|sai|se|ais)[ ']?(?:vraiment |trop )?(?:pas|pa|po|point|plus|rien)\b"
    r"(?! mal\b)",
    r"^ch(?:e|ai|ait)[ ']?(?:pas|pa|po)\b", r"^(?:je |j'? ?)c (?:pas|pa|po)\b",
    r"^(?:j'?en |je n'?en )?sais (?:rien|trop rien)", r"^jsp\b", r"^nsp\b", r"^chepa",
    r"^(?:j'?(?:en )?ai |je n'?(?:en )?ai )?(?:aucune|pas d'?|pas la moindre|aucun|"
    r"pas vraiment d'?|pas trop d'?) ?(?:idee|avis)",
    r"^pas (?:sur|sure|certain|certaine)\b", r"^je (?:ne )?suis pas (?:sur|certain)e?\b",
    r"^(?:c'est )?(?:a definir|a voir|on verra|je verrai|pas encore (?:decide|defini|fixe))",
    r"^pas encore(?: (?:sur|sure|reflechi|d'idee|d'objectif))?$",
    r"^(?:aucune idee|bonne question|je ne vois pas|j'?hesite)\b", r"^(?:bof ?)+$",
    r"^(?:i )?(?:don'?t|dont|do not) know\b", r"^idk\b", r"^dunno\b", r"^no (?:idea|clue)\b",
    r"^(?:i'?m |i am )?(?:not sure|unsure)\b", r"^(?:not yet|tbd|to be decided)\b",
    r"^(?:i )?(?:have )?no (?:idea|clue)\b", r"^(?:haven'?t|have not) decided\b",
)

# Reasons that are not objectives: being seen, doing like the others (seeds 002, 003, 004).
VAGUE_REASONS = (
    r"\bvisib", r"\betre vu", r"\betre present", r"\bpresence\b", r"\bexister\b",
    r"\bconcurrents?\b", r"\bconcurrence\b", r"\bcomme (?:tout le monde|les autres)",
    r"\bon m'?a dit\b", r"\bil (?:le )?faut(?:$| bien\b| (?:y )?etre\b| le faire\b)",
    r"\bfaut bien\b", r"\bc'?est la mode\b", r"\btendance\b", r"\btrendy\b", r"\bthe trend\b",
    r"\bpourquoi pas\b", r"\bpour voir\b", r"\bessayer\b(?! de)", r"\bpour le fun\b",
    r"\bvisible\b", r"\bbe seen\b", r"\bbe present\b", r"\bcompetitors?\b",
    r"\bcompetition\b", r"\blike everyone\b", r"\bwhy not\b", r"\bjust to try\b",
    r"\bsomeone told me\b", r"\bexposure\b", r"\bbuzz\b", r"\bmarketing\b",
)
# Typed objectives that are one of the options: "ventes", "recruter", "sav".
OBJECTIVE_WORDS: dict[str, str] = {
    "notoriete": "awareness", "me faire connaitre": "awareness", "se faire connaitre":
    "awareness", "faire connaitre": "awareness", "awareness": "awareness",
    "brand awareness": "awareness", "image de marque": "awareness",
    "clients": "leads", "client": "leads", "ventes": "leads", "vendre": "leads",
    "vente": "leads", "trouver des clients": "leads", "prospects": "leads",
    "prospection": "leads", "leads": "leads", "sales": "leads", "customers": "leads",
    "devis": "leads", "contacts": "leads", "chiffre d'affaires": "leads", "ca": "leads",
    "rendez-vous": "leads", "commandes": "leads", "reservations": "leads",
    "recruter": "recruiting", "recrutement": "recruiting", "embaucher": "recruiting",
    "recruiting": "recruiting", "hiring": "recruiting", "candidats": "recruiting",
    "sav": "service", "service client": "service", "service apres-vente": "service",
    "customer service": "service", "support": "service",
    "communaute": "community", "fideliser": "community", "fidelisation": "community",
    "fidelite": "community", "community": "community", "loyalty": "community",
}

# The person in charge (seeds 003, 004): one person, with a role or not.
GROUPS = (
    r"^tout le monde\b", r"^tous\b", r"^toutes?\b", r"^toute l'?equipe\b", r"^l'?equipe\b",
    r"^mon equipe\b", r"^notre equipe\b", r"^nous\b", r"^on\b", r"^everybody\b",
    r"^everyone\b", r"^all of us\b", r"^(?:the |my |our )?(?:whole )?team\b", r"^we\b",
    r"^us\b", r"\bchacun\b", r"\bà tour de role\b", r"\ba tour de role\b",
    r"\bchacun son tour\b", r"\ben rotation\b", r"\btaking turns\b", r"\bin turns\b",
    r"\beach of us\b", r"\bles (?:salaries|employes|vendeurs|associes|serveurs)\b",
    r"\bthe (?:staff|employees)\b", r"\bles deux\b", r"\bboth of us\b",
    r"^personne\b", r"^nobody\b", r"^no one\b", r"^on verra\b", r"^aucun\b",
)
# A second person joined to the first: "Marie et Paul", "Marie + Paul", "Marie/Paul".
SECOND_PERSON = r"\s(?:et|and|ou|or|avec|with|&|\+)\s|\s?[/&+]\s?"
# Learners: the seeds' point is skills and experience, not where they come from (003).
LEARNERS = (
    r"\bstagiaires?\b", r"\bapprentie?s?\b", r"\balternante?s?\b", r"\balternance\b",
    r"\betudiante?s?\b", r"\bjeune en (?:stage|alternance)\b", r"\binterns?\b",
    r"\bapprentices?\b", r"\bstudents?\b", r"\btrainees?\b", r"\bwork-study\b",
    r"\bmon fils\b", r"\bma fille\b", r"\bmy (?:son|daughter)\b", r"\bmon neveu\b",
    r"\bma niece\b", r"\bmy (?:nephew|niece)\b", r"\bservice civique\b",
)
# Someone outside the business (seed 004: they cannot gather what happens inside).
OUTSIDE_HELP = (r"\bagences?\b", r"\bagency\b", r"\bfreelances?\b", r"\bfreelancers?\b",
                r"\bprestataires?\b", r"\bconsultante?s?\b", r"\bcommunity manager externe\b",
                r"\bexterne\b", r"\bexternal\b", r"\boutsourc", r"\bsous-trait",
                r"\bcontractor\b", r"\bfree-lance\b", r"\bboite de com", r"\bindependante?\b",
                r"\bfreelancing\b")
# A champion typed as "me, the founder": the owner.
SELF = (r"^moi\b", r"^moi-meme\b", r"^me\b", r"^myself\b", r"^i\b", r"^je\b",
        r"^c'?est moi\b", r"^(?:ben|bah|euh|eh bien|bon|well|um) (?:c'?est )?(?:moi|me)\b",
        r"\bdonc moi$")
# Nobody in particular, as the person in charge (seed 004).
EVERYBODY = (
    r"^tout le monde$", r"^tous$", r"^toute l'?equipe$", r"^l'?equipe$", r"^nous( tous)?$",
    r"^everybody$", r"^everyone$", r"^all of us$", r"^the (whole )?team$", r"^we$", r"^us$",
    r"^personne$", r"^nobody$", r"^no one$", r"^on verra$",
)

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


@functools.cache
def _digits() -> dict[int, str]:
    """Map the decimal digits of every script (« ٣ », « ३ ») to ASCII digits."""
    return {code: str(unicodedata.decimal(chr(code))) for code in range(128, 0x110000)
            if unicodedata.category(chr(code)) == "Nd"}


def normalize(text: str) -> str:
    """Lower-case `text`, strip accents, collapse spaces and outer punctuation; digits
    of any script (« ٣ », « ³ », « ３ ») become ASCII ones."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not plain.isascii():
        plain = plain.translate(_digits())
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
DIGEST_SETTINGS = frozenset({"reglages", "reglage", "settings", "parametres", "modifier",
                             "changer", "jour", "heure", "langue", "day", "time", "language"})

# An ideal customer who is everybody is nobody's (seed 000: know who your customers are).
_ROUGHLY = r"(?:un peu |a peu pres |vraiment |en gros |really |pretty much |basically |just )?"
_REALLY = r"(?: en fait| vraiment| quoi| really| basically| lol| mdr)?$"
ANY_CUSTOMER = tuple(rf"^{_ROUGHLY}{who}{_REALLY}" for who in (
    r"tout le monde", r"tous", r"n'?importe qui", r"everybody", r"everyone", r"anyone",
    r"anybody", r"tous publics?", r"tout public", r"le grand public", r"les gens", r"people",
    r"all", r"monsieur et madame tout le monde", r"tous les ages", r"tout age", r"all ages",
    r"(?:tout|tous|toutes?) (?:types?|genres?|sortes?) de (?:clients?|clienteles?|gens|personnes)",
    r"(?:any|all|every) (?:kind|type)s? of (?:customers?|clients?|people)",
))
# Answers that say nothing, on a question that needs words.
NON_ANSWERS = frozenset({"oui", "non", "ok", "okay", "rien", "tout", "n'importe", "aucun",
                         "aucune", "yes", "no", "nothing", "idem", "pareil", "bof", "test",
                         "azerty", "qwerty", "blabla", "xxx", "ras", "na", "n/a", "-",
                         "whatever", "everything", "all", "none", "nope", "lol", "mdr"})

# "All of them", for a multiple choice.
ALL = frozenset({"tous", "toutes", "tout", "all", "all of them", "tous les reseaux",
                 "tous les reseaux sociaux", "partout", "everywhere", "un peu partout",
                 "tous ceux-la", "tout ca", "all networks", "every one", "everything"})
# Who the customers are, as typed.
AUDIENCE_WORDS: dict[str, str] = {
    "entreprises": "b2b", "entreprise": "b2b", "pros": "b2b", "professionnels": "b2b",
    "des pros": "b2b", "b to b": "b2b", "btob": "b2b", "business": "b2b",
    "businesses": "b2b", "companies": "b2b", "societes": "b2b", "b2b": "b2b",
    "particuliers": "b2c", "particulier": "b2c", "des particuliers": "b2c",
    "grand public": "b2c", "b to c": "b2c", "btoc": "b2c", "consumers": "b2c",
    "individuals": "b2c", "familles": "b2c", "b2c": "b2c",
    "les 2": "both", "les deux": "both", "both": "both", "mixte": "both", "un peu des deux":
    "both", "b2b et b2c": "both", "b2b/b2c": "both", "pros et particuliers": "both",
    "particuliers et pros": "both", "particuliers et professionnels": "both",
    "professionnels et particuliers": "both", "particuliers et entreprises": "both",
    "entreprises et particuliers": "both", "b2c et b2b": "both", "b2c/b2b": "both",
    "b2b and b2c": "both", "b2c and b2b": "both", "businesses and consumers": "both",
    "consumers and businesses": "both", "businesses and individuals": "both",
}

# "Show me the details", on the plan.
DETAILS = frozenset({"detail", "details", "le detail", "voir le detail", "plus", "more",
                     "tout", "tout voir", "show details", "see details", "show more",
                     "en savoir plus", "la suite", "detaille", "detailler"})
