"""What owners really type for the interview's worded answers, and what is stored.

One row per answer typed on a phone, in French or English, typos and abbreviations
included: the text, the parser, and what comes of it: the stored value, a `Refused`
(the re-ask's `InvalidAnswer.key`), a `Target` (the parts of a stored target that
matter), a `Champion` (stored as typed, of that kind) or `KEPT` (stored as typed).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from flows.answers import (champion_kind, is_dont_know, parse_champion, parse_customer,
                           parse_problem, parse_reason, parse_target)
from flows.choices import parse_choices
from flows.matching import near_command
from flows.parsing import InvalidAnswer
from flows.questions import BY_ID
from flows.render import aliases

KEPT = "stored as typed"
ALL_NETWORKS = ("facebook", "instagram", "linkedin", "tiktok", "x", "pinterest", "youtube",
                "google_business")


@dataclass(frozen=True)
class Refused:
    """Refused with the re-ask of catalogue key `key`."""

    key: str


@dataclass(frozen=True)
class Target:
    """A stored target: its first number, period and horizon, and what it counts when
    `what` is given."""

    number: float | None
    period: str | None
    horizon: bool = True
    what: str | None = None


@dataclass(frozen=True)
class Champion:
    """A champion stored as typed, that `champion_kind` reads as `kind`."""

    kind: str


def _choices(question_id: str):
    question = BY_ID[question_id]
    table = aliases(question_id)
    return lambda text: parse_choices(text, question.options, table, question.kind == "multi")


PARSERS = {
    "dont_know": is_dont_know,
    "reason": parse_reason,
    "target": parse_target,
    "customer": parse_customer,
    "problem": parse_problem,
    "champion": parse_champion,
    "networks": _choices("networks"),
    "audience_networks": _choices("audience_networks"),
    "audience": _choices("audience_type"),
    "objective": _choices("objective"),
    "near": near_command,
}


DONT_KNOW = [
    ("je sais pas", "dont_know", True), ("Je sais pas", "dont_know", True),
    ("Je ne sais pas.", "dont_know", True), ("je ne sais pas", "dont_know", True),
    ("jsp", "dont_know", True), ("JSP", "dont_know", True), ("jsp 🤷", "dont_know", True),
    ("jsp trop", "dont_know", True), ("jsp mdr", "dont_know", True),
    ("j'sais pas", "dont_know", True), ("j’sais pas", "dont_know", True),
    ("jsais pas", "dont_know", True), ("j sais pas", "dont_know", True),
    ("chais pas", "dont_know", True), ("chai pas", "dont_know", True),
    ("ché pas", "dont_know", True), ("chépa", "dont_know", True),
    ("je c pas", "dont_know", True), ("je sé pas", "dont_know", True),
    ("je sais pô", "dont_know", True), ("ne sais pas", "dont_know", True),
    ("aucune idée", "dont_know", True), ("Aucune idée !", "dont_know", True),
    ("aucune idee", "dont_know", True), ("pas d'idée", "dont_know", True),
    ("pas d'idée précise", "dont_know", True), ("pas la moindre idée", "dont_know", True),
    ("j'en ai aucune idée", "dont_know", True), ("je n'en ai aucune idée", "dont_know", True),
    ("je n'ai pas d'idée", "dont_know", True), ("pas vraiment d'idée", "dont_know", True),
    ("sais pas trop", "dont_know", True), ("sais pas", "dont_know", True),
    ("je ne sais pas encore", "dont_know", True), ("je sais pas trop", "dont_know", True),
    ("je sais pas du tout", "dont_know", True), ("je ne sais vraiment pas", "dont_know", True),
    ("je sais vraiment pas", "dont_know", True), ("j'en sais rien", "dont_know", True),
    ("Je n'en sais rien", "dont_know", True), ("euh je sais pas", "dont_know", True),
    ("hmm je sais pas", "dont_know", True), ("bof je sais pas", "dont_know", True),
    ("franchement je sais pas", "dont_know", True),
    ("honnêtement aucune idée", "dont_know", True),
    ("bof", "dont_know", True), ("Bof bof", "dont_know", True),
    ("pas sûr", "dont_know", True), ("pas sûre", "dont_know", True),
    ("je suis pas sûre", "dont_know", True), ("à voir", "dont_know", True),
    ("on verra", "dont_know", True), ("pas encore décidé", "dont_know", True),
    ("bonne question", "dont_know", True), ("je sais pas quoi répondre", "dont_know", True),
    ("no idea", "dont_know", True), ("No idea!", "dont_know", True),
    ("dunno", "dont_know", True), ("not sure", "dont_know", True),
    ("not sure yet", "dont_know", True), ("I'm not sure", "dont_know", True),
    ("idk", "dont_know", True), ("IDK tbh", "dont_know", True),
    ("I don't know", "dont_know", True), ("i dont know", "dont_know", True),
    ("I don’t know yet", "dont_know", True), ("no clue", "dont_know", True),
    ("I have no idea", "dont_know", True), ("honestly no idea", "dont_know", True),
    ("tbd", "dont_know", True),
    # the words, but an answer
    ("je sais pas mal de choses sur le pain", "dont_know", False),
    ("je sais", "dont_know", False), ("je sais ce que je veux : vendre", "dont_know", False),
    ("2h je crois", "dont_know", False),
    ("je ne sais pas combien mais environ 3 h", "dont_know", False),
    ("je sais pas, peut-être Instagram", "dont_know", False),
    ("jsp, peut-être des clients", "dont_know", False),
    ("aucune idée mais je veux vendre plus", "dont_know", False),
    ("not sure, maybe LinkedIn", "dont_know", False),
    ("pas encore de site", "dont_know", False),
    ("pas de budget", "dont_know", False), ("vendre plus", "dont_know", False),
    ("j'ai pas de budget", "dont_know", False), ("pas encore", "dont_know", True),
    ("Instagram", "dont_know", False), ("non", "dont_know", False),
]

REASONS = [
    # vague: being seen, doing like the others
    ("pour être visible", "reason", Refused("problem.vague_reason")),
    ("avoir de la visibilité", "reason", Refused("problem.vague_reason")),
    ("Visibilité", "reason", Refused("problem.vague_reason")),
    ("être plus visible sur internet", "reason", Refused("problem.vague_reason")),
    ("mes concurrents y sont", "reason", Refused("problem.vague_reason")),
    ("les concurrents y sont", "reason", Refused("problem.vague_reason")),
    ("parce qu'il faut", "reason", Refused("problem.vague_reason")),
    ("il faut être sur les réseaux", "reason", Refused("problem.vague_reason")),
    ("faut bien", "reason", Refused("problem.vague_reason")),
    ("c'est la mode", "reason", Refused("problem.vague_reason")),
    ("c'est tendance", "reason", Refused("problem.vague_reason")),
    ("pour faire comme les autres", "reason", Refused("problem.vague_reason")),
    ("on m'a dit qu'il fallait", "reason", Refused("problem.vague_reason")),
    ("être présent sur les réseaux", "reason", Refused("problem.vague_reason")),
    ("pour la présence en ligne", "reason", Refused("problem.vague_reason")),
    ("exister sur internet", "reason", Refused("problem.vague_reason")),
    ("pourquoi pas", "reason", Refused("problem.vague_reason")),
    ("juste pour essayer", "reason", Refused("problem.vague_reason")),
    ("to be visible", "reason", Refused("problem.vague_reason")),
    ("more visibility", "reason", Refused("problem.vague_reason")),
    ("my competitors are there", "reason", Refused("problem.vague_reason")),
    ("get some exposure", "reason", Refused("problem.vague_reason")),
    ("online presence", "reason", Refused("problem.vague_reason")),
    ("why not", "reason", Refused("problem.vague_reason")),
    # bad: everybody is there, no choice
    ("tout le monde y est", "reason", Refused("problem.bad_reason")),
    ("tout le monde est dessus", "reason", Refused("problem.bad_reason")),
    ("tout le monde le fait", "reason", Refused("problem.bad_reason")),
    ("tout le monde a une page", "reason", Refused("problem.bad_reason")),
    ("pas le choix", "reason", Refused("problem.bad_reason")),
    ("on n'a pas le choix", "reason", Refused("problem.bad_reason")),
    ("c'est incontournable", "reason", Refused("problem.bad_reason")),
    ("c'est obligatoire aujourd'hui", "reason", Refused("problem.bad_reason")),
    ("on est obligés", "reason", Refused("problem.bad_reason")),
    ("il faut y être", "reason", Refused("problem.bad_reason")),
    ("on doit y être", "reason", Refused("problem.bad_reason")),
    ("everyone is on it", "reason", Refused("problem.bad_reason")),
    ("because everybody's there", "reason", Refused("problem.bad_reason")),
    ("we have no choice", "reason", Refused("problem.bad_reason")),
    ("it's a must", "reason", Refused("problem.bad_reason")),
    ("we need to be there", "reason", Refused("problem.bad_reason")),
    # not an objective
    ("bah", "reason", Refused("problem.not_an_objective")),
    ("ok", "reason", Refused("problem.not_an_objective")),
    ("oui", "reason", Refused("problem.not_an_objective")),
    ("argent", "reason", Refused("problem.not_an_objective")),
    ("?!", "reason", Refused("problem.no_words")),
    ("123", "reason", Refused("problem.not_an_objective")),
    # real objectives, typed freely
    ("vendre plus de gâteaux", "reason", KEPT),
    ("avoir plus de demandes de devis", "reason", KEPT),
    ("recruter un apprenti", "reason", KEPT),
    ("fidéliser mes clientes", "reason", KEPT),
    ("trouver des clients dans le quartier", "reason", KEPT),
    ("remplir le salon le mardi", "reason", KEPT),
    ("gagner de l'argent", "reason", KEPT),
    ("décrocher des chantiers de rénovation", "reason", KEPT),
    ("essayer de trouver des clients pros", "reason", KEPT),
    ("il faut que je trouve des clients", "reason", KEPT),
    ("prendre des clients à mes concurrents", "reason", KEPT),
    ("être visible pour trouver des clients", "reason", KEPT),
    ("vendre à tout le monde dans ma ville", "reason", KEPT),
    ("faire venir du monde à la boutique", "reason", KEPT),
    ("get more bookings", "reason", KEPT),
    ("find new clients for my plumbing business", "reason", KEPT),
    ("hire a second hairdresser", "reason", KEPT),
    ("sell more bread online", "reason", KEPT),
]

TARGETS = [
    # something missing
    ("7", "target", Refused("problem.target.needs_what_and_when")),
    ("10 %", "target", Refused("problem.target.needs_what_and_when")),
    ("10 clients", "target", Refused("problem.target.needs_when")),
    ("20 devis", "target", Refused("problem.target.needs_when")),
    ("10 % de clients en plus", "target", Refused("problem.target.needs_when")),
    ("10 par mois", "target", Refused("problem.target.needs_what")),
    ("5/semaine", "target", Refused("problem.target.needs_what")),
    ("beaucoup de clients", "target", Refused("problem.target_needs_number")),
    ("plus de clients", "target", Refused("problem.target_needs_number")),
    ("le plus possible", "target", Refused("problem.target_needs_number")),
    ("more customers", "target", Refused("problem.target_needs_number")),
    ("10 customers", "target", Refused("problem.target.needs_when")),
    # vanity
    ("1000 abonnés", "target", Refused("problem.target.vanity")),
    ("500 followers", "target", Refused("problem.target.vanity")),
    ("plus de likes", "target", Refused("problem.target.vanity")),
    ("2000 vues par mois", "target", Refused("problem.target.vanity")),
    ("10k followers by June", "target", Refused("problem.target.vanity")),
    ("100 j'aime par post", "target", Refused("problem.target.vanity")),
    # complete: number, what, and a rate or a horizon
    ("10 clients par mois", "target", Target(10, "month", what="clients")),
    ("vingt devis par mois", "target", Target(20, "month", what="devis")),
    ("dix réservations par semaine", "target", Target(10, "week")),
    ("un client par semaine", "target", Target(1, "week", what="client")),
    ("5 rdv par semaine", "target", Target(5, "week")),
    ("5 devis/sem", "target", Target(5, "week", what="devis")),
    ("50 commandes/mois", "target", Target(50, "month", what="commandes")),
    ("3 demandes de devis par semaine", "target", Target(3, "week", what="demandes devis")),
    ("environ 10 clients par mois", "target", Target(10, "month", what="clients")),
    ("au moins 5 devis par mois", "target", Target(5, "month", what="devis")),
    ("deux nouveaux clients chaque mois", "target", Target(2, "month", what="clients")),
    ("3 clients tous les mois", "target", Target(3, "month", what="clients")),
    ("1 chantier toutes les semaines", "target", Target(1, "week", what="chantier")),
    ("3000 € de CA par mois", "target", Target(3000, "month", what="€")),
    ("5k€ par mois", "target", Target(5, "month", what="€")),
    ("1 000 € de ventes par mois", "target", Target(1000, "month", what="ventes")),
    ("12 000 € de CA par an", "target", Target(12000, "year", what="€")),
    ("vendre 200 gâteaux par semaine", "target", Target(200, "week")),
    ("3 mariages par mois", "target", Target(3, "month", what="mariages")),
    ("avoir 15 patients de plus par mois", "target", Target(15, "month", what="patients")),
    ("10 clients d'ici juin", "target", Target(10, None, what="clients")),
    ("d'ici juin 5 clients", "target", Target(5, None, what="clients")),
    ("15 clients en 2027", "target", Target(15, None, what="clients")),
    ("2 recrutements d'ici septembre", "target", Target(2, None, what="recrutements")),
    ("20 clients dans 3 mois", "target", Target(20, None, what="clients")),
    ("10 clients sous 6 mois", "target", Target(10, None, what="clients")),
    ("30 clients d'ici la fin de l'année", "target", Target(30, None, what="clients")),
    ("20 clients cette année", "target", Target(20, None, what="clients")),
    ("10 clients le mois prochain", "target", Target(10, None, what="clients")),
    ("3 candidatures avant l'été", "target", Target(3, None, what="candidatures")),
    ("10 clients avant Noël", "target", Target(10, None, what="clients")),
    ("10 clients pour la rentrée", "target", Target(10, None, what="clients")),
    ("50 ventes au printemps", "target", Target(50, None, what="ventes")),
    ("1 apprenti en septembre", "target", Target(1, None, what="apprenti")),
    ("recruter 2 personnes avant septembre", "target", Target(2, None)),
    ("40 pains par jour", "target", Target(40, None, what="pains")),
    ("5 clients par trimestre", "target", Target(5, None, what="clients")),
    ("doubler mes ventes d'ici 1 an", "target", Target(None, None, what="ventes")),
    ("tripler le CA en 2 ans", "target", Target(None, None, what="€")),
    ("+20% de CA cette année", "target", Target(None, None, what="€")),
    ("30 % de ventes en plus d'ici décembre", "target", Target(None, None, what="ventes")),
    ("+10 % de clients par mois", "target", Target(None, None, what="clients")),
    ("10 new clients a month", "target", Target(10, "month", what="clients")),
    ("one new client per week", "target", Target(1, "week", what="client")),
    ("5 leads within 6 months", "target", Target(5, None, what="leads")),
    ("5 quotes by June", "target", Target(5, None, what="quotes")),
    ("20 bookings this year", "target", Target(20, None, what="bookings")),
    ("12 leads per quarter", "target", Target(12, None, what="leads")),
    ("3 new clients every month", "target", Target(3, "month", what="clients")),
    ("2 hires before summer", "target", Target(2, None, what="hires")),
    ("double sales by December", "target", Target(None, None, what="sales")),
    ("$2k a month in sales", "target", Target(2, "month", what="sales")),
]

CUSTOMERS = [
    ("tout le monde", "customer", Refused("problem.customer.everybody")),
    ("Tout le monde !", "customer", Refused("problem.customer.everybody")),
    ("n'importe qui", "customer", Refused("problem.customer.everybody")),
    ("un peu tout le monde", "customer", Refused("problem.customer.everybody")),
    ("tout le monde en fait", "customer", Refused("problem.customer.everybody")),
    ("tous publics", "customer", Refused("problem.customer.everybody")),
    ("le grand public", "customer", Refused("problem.customer.everybody")),
    ("monsieur et madame tout le monde", "customer", Refused("problem.customer.everybody")),
    ("tout type de clients", "customer", Refused("problem.customer.everybody")),
    ("tous les âges", "customer", Refused("problem.customer.everybody")),
    ("everyone", "customer", Refused("problem.customer.everybody")),
    ("anybody", "customer", Refused("problem.customer.everybody")),
    ("pretty much everyone", "customer", Refused("problem.customer.everybody")),
    ("ok", "customer", Refused("problem.customer.too_short")),
    ("rien", "customer", Refused("problem.customer.too_short")),
    ("x", "customer", Refused("problem.customer.too_short")),
    ("jeunes parents du quartier", "customer", KEPT),
    ("les gens du quartier", "customer", KEPT),
    ("mamans actives 30-45 ans", "customer", KEPT),
    ("restaurateurs indépendants à Lyon", "customer", KEPT),
    ("PME du BTP", "customer", KEPT), ("TPE", "customer", KEPT),
    ("propriétaires de maisons anciennes", "customer", KEPT),
    ("couples qui se marient dans l'année", "customer", KEPT),
    ("retraités aisés", "customer", KEPT),
    ("DRH de PME de 50 à 200 salariés", "customer", KEPT),
    ("small restaurants in Lyon", "customer", KEPT),
    ("busy mums", "customer", KEPT),
    ("tout le monde qui a une voiture", "customer", KEPT),
]

PROBLEMS = [
    ("rien", "problem", Refused("problem.customer_problem.too_short")),
    ("bof", "problem", Refused("problem.customer_problem.too_short")),
    ("idem", "problem", Refused("problem.customer_problem.too_short")),
    ("manquent de temps pour cuisiner", "problem", KEPT),
    ("prix trop élevés", "problem", KEPT),
    ("une fuite à réparer vite", "problem", KEPT),
    ("they want it fast", "problem", KEPT),
]

CHAMPIONS = [
    # one person, with a role or not
    ("Marie, la gérante", "champion", Champion("person")),
    ("moi, la gérante", "champion", Champion("self")),
    ("me, the founder", "champion", Champion("self")),
    ("Paul (mon associé)", "champion", Champion("person")),
    ("Julie - assistante", "champion", Champion("person")),
    ("Julie - assistante commerciale", "champion", Champion("person")),
    ("ma fille, qui est en com", "champion", Champion("learner")),
    ("moi (le patron)", "champion", Champion("self")),
    ("Sophie notre vendeuse", "champion", Champion("person")),
    ("Sophie, notre vendeuse", "champion", Champion("person")),
    ("Marie, vendeuse", "champion", Champion("person")),
    ("Marie, fondatrice", "champion", Champion("person")),
    ("Paul, directeur commercial", "champion", Champion("person")),
    ("Anne, ma sœur", "champion", Champion("person")),
    ("Marie, community manager", "champion", Champion("person")),
    ("Léa, secrétaire", "champion", Champion("person")),
    ("Julie, elle gère la boutique", "champion", Champion("person")),
    ("Marie, 25 ans", "champion", Champion("person")),
    ("Marie avec l'aide de Paul", "champion", Champion("person")),
    ("Karim", "champion", Champion("person")), ("ma femme", "champion", Champion("person")),
    ("mon mari", "champion", Champion("person")),
    ("la responsable com", "champion", Champion("person")),
    ("l'assistante commerciale", "champion", Champion("person")),
    ("the sales rep", "champion", Champion("person")),
    ("our office manager", "champion", Champion("person")),
    ("moi", "champion", Champion("self")), ("Moi-même", "champion", Champion("self")),
    ("moi toute seule", "champion", Champion("self")),
    ("c'est moi", "champion", Champion("self")), ("myself", "champion", Champion("self")),
    ("me", "champion", Champion("self")), ("je m'en occupe", "champion", Champion("self")),
    ("ben moi", "champion", Champion("self")),
    # learners and outside help
    ("mon apprenti", "champion", Champion("learner")),
    ("l'apprentie", "champion", Champion("learner")),
    ("une alternante", "champion", Champion("learner")),
    ("mon stagiaire", "champion", Champion("learner")),
    ("Marie, stagiaire", "champion", Champion("learner")),
    ("Tom (alternant)", "champion", Champion("learner")),
    ("un étudiant en marketing", "champion", Champion("learner")),
    ("mon neveu", "champion", Champion("learner")),
    ("our intern", "champion", Champion("learner")),
    ("a student", "champion", Champion("learner")),
    ("my nephew", "champion", Champion("learner")),
    ("une agence", "champion", Champion("outside")),
    ("notre agence web", "champion", Champion("outside")),
    ("un freelance", "champion", Champion("outside")),
    ("Paul (freelance)", "champion", Champion("outside")),
    ("un community manager externe", "champion", Champion("outside")),
    ("mon prestataire", "champion", Champion("outside")),
    ("une boîte de com", "champion", Champion("outside")),
    ("an agency", "champion", Champion("outside")),
    ("a freelancer", "champion", Champion("outside")),
    # several people
    ("Marie et Paul", "champion", Refused("problem.champion.several")),
    ("Marie, Paul", "champion", Refused("problem.champion.several")),
    ("marie, paul", "champion", Refused("problem.champion.several")),
    ("moi et ma femme", "champion", Refused("problem.champion.several")),
    ("Marie/Paul", "champion", Refused("problem.champion.several")),
    ("Marie + Paul", "champion", Refused("problem.champion.several")),
    ("Marie ou Paul", "champion", Refused("problem.champion.several")),
    ("mon associé et moi", "champion", Refused("problem.champion.several")),
    ("me and my partner", "champion", Refused("problem.champion.several")),
    ("les vendeuses", "champion", Refused("problem.champion.several")),
    ("nos vendeuses", "champion", Refused("problem.champion.several")),
    ("mes employés", "champion", Refused("problem.champion.several")),
    ("deux vendeuses", "champion", Refused("problem.champion.several")),
    ("my partners", "champion", Refused("problem.champion.several")),
    # a group, or nobody
    ("à tour de rôle", "champion", Refused("problem.everybody")),
    ("l'équipe", "champion", Refused("problem.everybody")),
    ("tout le monde", "champion", Refused("problem.everybody")),
    ("chacun son tour", "champion", Refused("problem.everybody")),
    ("toute l'équipe", "champion", Refused("problem.everybody")),
    ("nous", "champion", Refused("problem.everybody")),
    ("on s'y met tous", "champion", Refused("problem.everybody")),
    ("les deux", "champion", Refused("problem.everybody")),
    ("personne", "champion", Refused("problem.everybody")),
    ("the whole team", "champion", Refused("problem.everybody")),
    ("we", "champion", Refused("problem.everybody")),
    ("we take turns", "champion", Refused("problem.everybody")),
    # not a name
    ("-3", "champion", Refused("problem.champion.not_a_name")),
    ("30 min", "champion", Refused("problem.champion.not_a_name")),
    ("12", "champion", Refused("problem.champion.not_a_name")),
    ("3h", "champion", Refused("problem.champion.not_a_name")),
    ("2 heures", "champion", Refused("problem.champion.not_a_name")),
    ("100 €", "champion", Refused("problem.champion.not_a_name")),
    ("ok", "champion", Refused("problem.champion.not_a_name")),
    ("oui", "champion", Refused("problem.champion.not_a_name")),
    ("??", "champion", Refused("problem.no_words")),
]

NETWORK_CHOICES = [
    ("Insta et FB", "networks", ("instagram", "facebook")),
    ("insta, fb et tiktok", "networks", ("instagram", "facebook", "tiktok")),
    ("facebok", "networks", ("facebook",)), ("linkdin", "networks", ("linkedin",)),
    ("Linkedin", "networks", ("linkedin",)), ("instgram", "networks", ("instagram",)),
    ("twiter", "networks", ("x",)), ("insatgram", "networks", ("instagram",)),
    ("lnikedin", "networks", ("linkedin",)), ("fiche google", "networks", ("google_business",)),
    ("google maps", "networks", ("google_business",)),
    ("ig + fb", "networks", ("instagram", "facebook")),
    ("tik tok", "networks", ("tiktok",)), ("TikTok ?", "networks", ("tiktok",)),
    ("Facebook, Instagram et un peu LinkedIn", "networks",
     ("facebook", "instagram", "linkedin")),
    ("surtout Instagram", "networks", ("instagram",)),
    ("LinkedIn uniquement", "networks", ("linkedin",)),
    ("juste facebook", "networks", ("facebook",)),
    ("insta snap", "networks", ("instagram", "other")),
    ("pinterest et youtube", "networks", ("pinterest", "youtube")),
    ("tous", "networks", ALL_NETWORKS), ("Tous !", "networks", ALL_NETWORKS),
    ("all of them", "networks", ALL_NETWORKS), ("partout", "networks", ALL_NETWORKS),
    ("1-6", "networks", ALL_NETWORKS[:6]), ("1 à 3", "networks", ALL_NETWORKS[:3]),
    ("2 a 4", "networks", ALL_NETWORKS[1:4]), ("1,3", "networks", ("facebook", "linkedin")),
    ("1 3", "networks", ("facebook", "linkedin")),
    ("1 et 2", "networks", ("facebook", "instagram")),
    ("2", "networks", ("instagram",)),
    ("10", "networks", Refused("problem.unknown_option")),
    ("0", "networks", Refused("problem.unknown_option")),
    ("1, 12", "networks", Refused("problem.unknown_option")),
    ("1-12", "networks", Refused("problem.unknown_option")),
    ("myspace", "networks", Refused("problem.unknown_option")),
    ("le journal local", "networks", Refused("problem.unknown_option")),
    ("insta et bidule", "networks", Refused("problem.unknown_option")),
    ("snapchat", "audience_networks", ("other",)),
    ("facebook et whatsapp", "audience_networks", ("facebook", "other")),
    ("tous", "audience_networks", ALL_NETWORKS),
]

AUDIENCE_CHOICES = [
    ("particuliers", "audience", ("b2c",)), ("des particuliers", "audience", ("b2c",)),
    ("particulier", "audience", ("b2c",)), ("des pros", "audience", ("b2b",)),
    ("les pros", "audience", ("b2b",)), ("pros", "audience", ("b2b",)),
    ("professionnels", "audience", ("b2b",)), ("entreprises", "audience", ("b2b",)),
    ("B2B", "audience", ("b2b",)), ("b to c", "audience", ("b2c",)),
    ("les 2", "audience", ("both",)), ("les deux", "audience", ("both",)),
    ("un peu des deux", "audience", ("both",)), ("mixte", "audience", ("both",)),
    ("pros et particuliers", "audience", ("both",)),
    ("particuliers et pros", "audience", ("both",)),
    ("particuliers et professionnels", "audience", ("both",)),
    ("plutôt des particuliers", "audience", ("b2c",)),
    ("surtout des pros", "audience", ("b2b",)),
    ("businesses", "audience", ("b2b",)), ("consumers", "audience", ("b2c",)),
    ("both", "audience", ("both",)), ("mostly businesses", "audience", ("b2b",)),
    ("1", "audience", ("b2b",)), ("3", "audience", ("both",)),
    ("4", "audience", Refused("problem.unknown_option")),
    ("1,2", "audience", Refused("problem.single_choice")),
    ("tous", "audience", Refused("problem.unknown_option")),
    ("des chats", "audience", Refused("problem.unknown_option")),
]

OBJECTIVE_CHOICES = [
    ("ventes", "objective", ("leads",)), ("vendre", "objective", ("leads",)),
    ("des clients", "objective", ("leads",)), ("devis", "objective", ("leads",)),
    ("recruter", "objective", ("recruiting",)), ("recrutement", "objective", ("recruiting",)),
    ("embaucher", "objective", ("recruiting",)), ("sav", "objective", ("service",)),
    ("SAV", "objective", ("service",)), ("service client", "objective", ("service",)),
    ("notoriété", "objective", ("awareness",)), ("notoriete", "objective", ("awareness",)),
    ("fidéliser", "objective", ("community",)), ("fidélisation", "objective", ("community",)),
    ("communauté", "objective", ("community",)), ("hiring", "objective", ("recruiting",)),
    ("sales", "objective", ("leads",)), ("1", "objective", ("awareness",)),
    ("2", "objective", ("leads",)),
    ("7", "objective", Refused("problem.unknown_option")),
    ("1,2", "objective", Refused("problem.single_choice")),
    ("ventes et recrutement", "objective", Refused("problem.single_choice")),
    ("licorne", "objective", Refused("problem.unknown_option")),
]

NEAR_COMMANDS = [
    ("retoure", "near", "back"), ("retourr", "near", "back"), ("recomencer", "near", "restart"),
    ("recommence", "near", "restart"), ("quiter", "near", "leave"), ("anuler", "near", "leave"),
    ("annulé", "near", "leave"), ("reglage", "near", "settings"),
    ("régalges", "near", "settings"), ("passr", "near", "skip"), ("paser", "near", "skip"),
    ("suprimer", "near", "delete"), ("exporte", "near", "export"), ("raport", "near", "report"),
    ("historiqe", "near", "report"), ("parametre", "near", "settings"),
    ("précédant", "near", "back"), ("restar", "near", "restart"), ("delet", "near", "delete"),
    ("setings", "near", "settings"),
    # exact commands are commands, not near ones
    ("retour", "near", None), ("passer", "near", None), ("aide", "near", None),
    # ordinary answers
    ("Paris", "near", None), ("Nantes", "near", None), ("Rennes", "near", None),
    ("Lille", "near", None), ("Milan", "near", None), ("Bilal", "near", None),
    ("Marie", "near", None), ("Pascal", "near", None), ("Pauline", "near", None),
    ("parents", "near", None), ("pâtissier", "near", None), ("plombier", "near", None),
    ("vendeuse", "near", None), ("expert-comptable", "near", None),
    # one letter from "export", and kept: the yes/no costs one tap, and
    # test_understanding's "did you mean?" test types it
    ("expert", "near", "export"),
    ("coiffeuse", "near", None), ("boulanger", "near", None), ("artisan", "near", None),
    ("vidéo", "near", None), ("points", "near", None), ("devenir", "near", None),
    ("sortie", "near", None), ("clean", "near", None), ("cause", "near", None),
    ("retours", "near", None), ("Instagram", "near", None), ("LinkedIn", "near", None),
    ("facebook", "near", None), ("particuliers", "near", None), ("clients", "near", None),
    ("moi", "near", None), ("ma femme", "near", None), ("l'apprentie", "near", None),
    ("mon associé", "near", None), ("3 heures", "near", None), ("100 €", "near", None),
    ("restaurateurs", "near", None), ("repas", "near", None), ("rapide", "near", None),
]

ROWS = (DONT_KNOW + REASONS + TARGETS + CUSTOMERS + PROBLEMS + CHAMPIONS + NETWORK_CHOICES
        + AUDIENCE_CHOICES + OBJECTIVE_CHOICES + NEAR_COMMANDS)


def _row(text, parser, expected):
    return pytest.param(text, parser, expected, id=f"{parser}: {text}")


def _check(text, parser, expected):
    read = PARSERS[parser]
    if isinstance(expected, Refused):
        with pytest.raises(InvalidAnswer) as refused:
            read(text)
        assert refused.value.key == expected.key
        return
    value = read(text)
    if expected is KEPT:
        assert value == " ".join(text.split())
    elif isinstance(expected, Target):
        assert value["text"] == text
        assert value["number"] == expected.number
        assert value["period"] == expected.period
        assert value["horizon"] == expected.horizon
        if expected.what is not None:
            assert value["what"] == expected.what
    elif isinstance(expected, Champion):
        assert value == text
        assert champion_kind(value) == expected.kind
    else:
        assert value == expected


@pytest.mark.parametrize("text, parser, expected", [_row(*row) for row in ROWS])
def test_a_worded_answer_is_read_as_owners_mean_it(text, parser, expected):
    _check(text, parser, expected)


def test_the_table_is_large_enough():
    assert len(ROWS) >= 300
