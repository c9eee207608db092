"""What owners really type for figures, in French and English, and what is stored.

One row per answer: the text, the parser, and what comes of it: the stored value, a
`Said` (stored, and said back with that catalogue key), a `Refused` (the re-ask's key)
or an `Asked` (the yes/no question's key and the value stored on yes).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from flows import i18n
from flows.parsing import (InvalidAnswer, Noted, Unsure, parse_budget, parse_count,
                           parse_hourly_cost, parse_hours, parse_revenue, parse_split,
                           parse_week_hours)
from flows.render import aliases

NETWORKS = aliases("networks")


@dataclass(frozen=True)
class Said:
    """Stored, and said back in one sentence with catalogue key `key`."""

    value: object
    key: str


@dataclass(frozen=True)
class Refused:
    """Refused with the re-ask of catalogue key `key`."""

    key: str


@dataclass(frozen=True)
class Asked:
    """Asked back as a yes/no question (`key`); `value` is stored on yes."""

    key: str
    value: object
    also: dict | None = None


PARSERS = {
    "hours": parse_hours,
    "week": parse_week_hours,
    "rate": parse_hourly_cost,
    "budget": parse_budget,
    "count": parse_count,
    "revenue": parse_revenue,
    "split_hours": lambda text: parse_split(text, NETWORKS, parse_week_hours),
    "split_count": lambda text: parse_split(text, NETWORKS, parse_count),
}

FR_HOURS = [
    ("3", "hours", 3), ("3h", "hours", 3), ("3 h", "hours", 3), ("3H", "hours", 3),
    ("2,5", "hours", 2.5), ("2.5", "hours", 2.5), ("2,5 h", "hours", 2.5),
    ("1h30", "hours", 1.5), ("1 h 30", "hours", 1.5), ("1h 30", "hours", 1.5),
    ("1H30", "hours", 1.5), ("1:30", "hours", 1.5), ("1h30min", "hours", 1.5),
    ("1 heure 30", "hours", 1.5), ("1 heure et 30 minutes", "hours", 1.5),
    ("2h15", "hours", 2.25), ("0h45", "hours", 0.75), ("1h05", "hours", 1.08),
    ("90 min", "hours", 1.5), ("90min", "hours", 1.5), ("30 min", "hours", 0.5),
    ("30mn", "hours", 0.5), ("30 mn", "hours", 0.5), ("45 minutes", "hours", 0.75),
    ("120 minutes", "hours", 2), ("2 heures", "hours", 2), ("2 heures par semaine", "hours", 2),
    ("2h/semaine", "hours", 2), ("2h par semaine", "hours", 2), ("4 h hebdo", "hours", 4),
    ("deux heures", "hours", 2), ("une heure", "hours", 1), ("trois heures", "hours", 3),
    ("une demi-heure", "hours", 0.5), ("une demi heure", "hours", 0.5),
    ("une heure et demie", "hours", 1.5), ("1 heure et demie", "hours", 1.5),
    ("2h et demie", "hours", 2.5), ("deux heures et demie", "hours", 2.5),
    ("deux heures et quart", "hours", 2.25), ("1h et quart", "hours", 1.25),
    ("trois quarts d'heure", "hours", 0.75), ("un quart d'heure", "hours", 0.25),
    ("1/2 h", "hours", 0.5), ("1/2 heure", "hours", 0.5), ("1h1/2", "hours", 1.5),
    ("½ h", "hours", 0.5), ("deux heures trente", "hours", 2.5),
    ("environ 3 heures", "hours", 3), ("à peu près 2h", "hours", 2),
    ("max 4h", "hours", 4), ("3h maxi", "hours", 3), ("3 h.", "hours", 3),
    ("dix heures", "hours", 10), ("quinze heures", "hours", 15),
    ("1 à 2 h", "hours", Said(1.5, "noted.hours.range")),
    ("1-2h", "hours", Said(1.5, "noted.hours.range")),
    ("1 - 2 h", "hours", Said(1.5, "noted.hours.range")),
    ("entre 2 et 3 heures", "hours", Said(2.5, "noted.hours.range")),
    ("entre deux et trois heures", "hours", Said(2.5, "noted.hours.range")),
    ("2 ou 3 heures", "hours", Said(2.5, "noted.hours.range")),
    ("deux-trois heures", "hours", Said(2.5, "noted.hours.range")),
    ("de 1 à 3 h", "hours", Said(2, "noted.hours.range")),
    ("30 à 45 min", "hours", Said(0.62, "noted.hours.range")),
    ("1h-1h30", "hours", Said(1.25, "noted.hours.range")),
    ("2h par jour", "hours", Said(10, "noted.hours.day")),
    ("1h/jour", "hours", Said(5, "noted.hours.day")),
    ("30 min par jour", "hours", Said(2.5, "noted.hours.day")),
    ("une heure par jour", "hours", Said(5, "noted.hours.day")),
    ("un quart d'heure par jour", "hours", Said(1.25, "noted.hours.day")),
    ("1 à 2 h par jour", "hours", Said(7.5, "noted.hours.day")),
    ("8h par mois", "hours", Said(1.85, "noted.hours.month")),
    ("10 heures par mois", "hours", Said(2.31, "noted.hours.month")),
    ("4h/mois", "hours", Said(0.92, "noted.hours.month")),
    ("100 heures par an", "hours", Said(1.92, "noted.hours.year")),
    ("une demi-journée par semaine", "hours", Said(3.5, "noted.hours.days")),
    ("1 jour par semaine", "hours", Said(7, "noted.hours.days")),
    ("2 jours par semaine", "hours", Said(14, "noted.hours.days")),
    ("-3", "hours", Refused("problem.negative")), ("- 2h", "hours", Refused("problem.negative")),
    ("moins deux heures", "hours", Refused("problem.negative")),
    ("0", "hours", Refused("problem.zero_hours")), ("0h", "hours", Refused("problem.zero_hours")),
    ("aucune", "hours", Refused("problem.zero_hours")),
    ("zéro", "hours", Refused("problem.zero_hours")),
    ("pas de temps", "hours", Refused("problem.zero_hours")),
    ("80", "hours", Refused("problem.too_many_hours")),
    ("500", "hours", Refused("problem.too_many_hours")),
    ("100 heures", "hours", Refused("problem.too_many_hours")),
    ("15h par jour", "hours", Refused("problem.too_many_hours")),
    ("beaucoup", "hours", Refused("problem.hours.not_a_number")),
    ("je ne sais pas", "hours", Refused("problem.hours.not_a_number")),
    ("quelques heures", "hours", Refused("problem.hours.not_a_number")),
    ("un peu", "hours", Refused("problem.hours.not_a_number")),
    ("", "hours", Refused("problem.empty")),
    ("45", "hours", Asked("unsure.many_hours", 45)),
    ("40", "hours", Asked("unsure.many_hours", 40)),
    ("45 h", "hours", 45), ("35", "hours", 35),
    ("LinkedIn 2, Instagram 1", "hours", Said(3, "noted.hours.total")),
    ("facebook 1h30 insta 30 min", "hours", Said(2, "noted.hours.total")),
]

EN_HOURS = [
    ("3 hours", "hours", 3), ("4 hours", "hours", 4), ("2hrs", "hours", 2),
    ("2 hrs", "hours", 2), ("1 hr", "hours", 1), ("1.5 hours", "hours", 1.5),
    ("two hours", "hours", 2), ("an hour", "hours", 1), ("one hour", "hours", 1),
    ("half an hour", "hours", 0.5), ("an hour and a half", "hours", 1.5),
    ("one and a half hours", "hours", 1.5), ("two and a half hours", "hours", 2.5),
    ("90 minutes", "hours", 1.5), ("45 mins", "hours", 0.75), ("5 hours a week", "hours", 5),
    ("about 3 hours", "hours", 3), ("three hours per week", "hours", 3),
    ("1 to 2 hours", "hours", Said(1.5, "noted.hours.range")),
    ("between 2 and 4 hours", "hours", Said(3, "noted.hours.range")),
    ("2 or 3 hours", "hours", Said(2.5, "noted.hours.range")),
    ("an hour a day", "hours", Said(5, "noted.hours.day")),
    ("1 hour per day", "hours", Said(5, "noted.hours.day")),
    ("2 hours daily", "hours", Said(10, "noted.hours.day")),
    ("10 hours a month", "hours", Said(2.31, "noted.hours.month")),
    ("minus 2", "hours", Refused("problem.negative")),
    ("none", "hours", Refused("problem.zero_hours")),
    ("a lot", "hours", Refused("problem.hours.not_a_number")),
    ("no idea", "hours", Refused("problem.hours.not_a_number")),
]

WEEK_HOURS = [
    ("3", "week", 3), ("1h30", "week", 1.5), ("0", "week", 0), ("0h", "week", 0),
    ("aucune", "week", 0), ("Rien", "week", 0), ("rien du tout", "week", 0),
    ("zéro", "week", 0), ("none", "week", 0), ("nothing", "week", 0),
    ("pas eu le temps", "week", 0), ("0 heure", "week", 0), ("45 min", "week", 0.75),
    ("deux heures", "week", 2), ("une demi-heure", "week", 0.5), ("30mn", "week", 0.5),
    ("1:30", "week", 1.5), ("2,5", "week", 2.5), ("two hours", "week", 2),
    ("1 à 2 h", "week", Said(1.5, "noted.hours.range")),
    ("30 min par jour", "week", Said(2.5, "noted.hours.day")),
    ("-1", "week", Refused("problem.negative")),
    ("100", "week", Refused("problem.too_many_hours")),
    ("beaucoup", "week", Refused("problem.hours.not_a_number")),
]

SPLIT_HOURS = [
    ("LinkedIn 2, Instagram 1h30", "split_hours", {"linkedin": 2, "instagram": 1.5}),
    ("Facebook 0,5 Instagram 2", "split_hours", {"facebook": 0.5, "instagram": 2}),
    ("Instagram 2, Facebook 0,5", "split_hours", {"instagram": 2, "facebook": 0.5}),
    ("insta 1,5, fb 2", "split_hours", {"instagram": 1.5, "facebook": 2}),
    ("FB: 1 / Insta: 2", "split_hours", {"facebook": 1, "instagram": 2}),
    ("fb : 1h / insta : 2h", "split_hours", {"facebook": 1, "instagram": 2}),
    ("2 sur linkedin et 1 sur facebook", "split_hours", {"linkedin": 2, "facebook": 1}),
    ("2h sur linkedin, 1h sur insta", "split_hours", {"linkedin": 2, "instagram": 1}),
    ("linkedin 1h30 insta 45min", "split_hours", {"linkedin": 1.5, "instagram": 0.75}),
    ("linkedin 1; linkedin 2", "split_hours", {"linkedin": 3}),
    ("linkedin 2 et tiktok 0", "split_hours", {"linkedin": 2, "tiktok": 0}),
    ("facebok 2 instgram 1", "split_hours", {"facebook": 2, "instagram": 1}),
    ("linkdin 1, tik tok 2", "split_hours", {"linkedin": 1, "tiktok": 2}),
    ("LinkedIn deux heures, Instagram une heure", "split_hours",
     {"linkedin": 2, "instagram": 1}),
    ("linkedin 1:30, instagram 0:30", "split_hours", {"linkedin": 1.5, "instagram": 0.5}),
    ("Instagram 30 min, Facebook 1 h", "split_hours", {"instagram": 0.5, "facebook": 1}),
    ("insta 1h, fb 30mn, linkedin 2h", "split_hours",
     {"instagram": 1, "facebook": 0.5, "linkedin": 2}),
    ("fb 1 + insta 2", "split_hours", {"facebook": 1, "instagram": 2}),
    ("facebook=1 instagram=2", "split_hours", {"facebook": 1, "instagram": 2}),
    ("LinkedIn 2.5, TikTok 1", "split_hours", {"linkedin": 2.5, "tiktok": 1}),
    ("Google 1, Facebook 1", "split_hours", {"google_business": 1, "facebook": 1}),
    ("youtube une demi-heure et instagram 1h", "split_hours",
     {"youtube": 0.5, "instagram": 1}),
    ("linkedin 1h30, tiktok 1h", "split_hours", {"linkedin": 1.5, "tiktok": 1}),
    ("1h30 on linkedin and 1h on instagram", "split_hours", {"linkedin": 1.5, "instagram": 1}),
    ("LinkedIn: 2 hours, Instagram: 1 hour", "split_hours", {"linkedin": 2, "instagram": 1}),
    ("linkedin 1h, insta 1h30, fb 0", "split_hours",
     {"linkedin": 1, "instagram": 1.5, "facebook": 0}),
    ("linkedin 1 heure et demie, instagram 2", "split_hours", {"linkedin": 1.5, "instagram": 2}),
    ("LinkedIn 2 heures et 30 minutes, TikTok 1", "split_hours", {"linkedin": 2.5, "tiktok": 1}),
    ("3", "split_hours", None), ("1h30", "split_hours", None), ("rien", "split_hours", None),
    ("LinkedIn 2, Mastodonte 1", "split_hours", Refused("checkin.problem.which_network")),
    ("Bidule 1, LinkedIn 2", "split_hours", Refused("checkin.problem.which_network")),
    ("linkedin 2 bidule 1", "split_hours", Refused("checkin.problem.which_network")),
    ("linkedin et instagram 3", "split_hours", Refused("checkin.problem.missing_figure")),
    ("linkedin beaucoup, insta 2", "split_hours", Refused("checkin.problem.missing_figure")),
    ("linkedin -2, insta 1", "split_hours", Refused("problem.negative")),
    ("linkedin 80, insta 1", "split_hours", Refused("problem.too_many_hours")),
]

SPLIT_COUNT = [
    ("LinkedIn 2, TikTok 1", "split_count", {"linkedin": 2, "tiktok": 1}),
    ("linkedin 2 et tiktok 0", "split_count", {"linkedin": 2, "tiktok": 0}),
    ("LinkedIn 3 devis, Instagram 1 devis", "split_count", {"linkedin": 3, "instagram": 1}),
    ("2 sur linkedin, 1 sur insta", "split_count", {"linkedin": 2, "instagram": 1}),
    ("linkedin deux, instagram un", "split_count", {"linkedin": 2, "instagram": 1}),
    ("facebook aucun, instagram 2", "split_count", {"facebook": 0, "instagram": 2}),
    ("fb 1 000, insta 2", "split_count", {"facebook": 1000, "instagram": 2}),
    ("LinkedIn 2, Mastodonte 1", "split_count", Refused("checkin.problem.which_network")),
    ("linkedin 40 likes", "split_count", Refused("checkin.problem.vanity")),
    ("2", "split_count", None),
]

COUNTS = [
    ("3", "count", 3), ("3 devis", "count", 3), ("1 000", "count", 1000),
    ("1\u00a0000", "count", 1000), ("1\u202f000", "count", 1000), ("1.000", "count", 1000),
    ("1,000", "count", 1000), ("vingt devis", "count", 20),
    ("vingt devis par mois", "count", 20), ("un client", "count", 1),
    ("une demande", "count", 1), ("deux", "count", 2), ("douze contacts", "count", 12),
    ("aucun", "count", 0), ("aucune", "count", 0), ("0", "count", 0), ("zéro", "count", 0),
    ("none", "count", 0), ("rien", "count", 0), ("pas un seul", "count", 0),
    ("aucun devis", "count", 0), ("pas encore", "count", 0), ("0 lead", "count", 0),
    ("no leads", "count", 0), ("two clients", "count", 2), ("one", "count", 1),
    ("5 candidatures", "count", 5), ("3 rendez-vous", "count", 3), ("environ 4", "count", 4),
    ("une dizaine", "count", 10), ("quinze", "count", 15), ("cent", "count", 100),
    ("2 ou 3", "count", Said(2.5, "noted.count.range")),
    ("2-3 devis", "count", Said(2.5, "noted.count.range")),
    ("entre 4 et 6 contacts", "count", Said(5, "noted.count.range")),
    ("40 likes", "count", Refused("checkin.problem.vanity")),
    ("200 abonnés", "count", Refused("checkin.problem.vanity")),
    ("1000 vues", "count", Refused("checkin.problem.vanity")),
    ("50 followers", "count", Refused("checkin.problem.vanity")),
    ("300 views", "count", Refused("checkin.problem.vanity")),
    ("10 commentaires", "count", Refused("checkin.problem.vanity")),
    ("5 partages", "count", Refused("checkin.problem.vanity")),
    ("beaucoup", "count", Refused("checkin.problem.not_a_count")),
    ("plein", "count", Refused("checkin.problem.not_a_count")),
    ("-2", "count", Refused("problem.negative")),
    ("200000", "count", Refused("checkin.problem.too_many")),
    ("3h", "count", Refused("checkin.problem.count_not_hours")),
    ("450 €", "count", Refused("checkin.problem.count_not_money")),
    ("", "count", Refused("problem.empty")),
]

BUDGETS = [
    ("15 000 €", "budget", {"yearly": 15000}), ("15000", "budget", {"yearly": 15000}),
    ("15\u202f000 €", "budget", {"yearly": 15000}), ("15\u00a0000 €", "budget", {"yearly": 15000}),
    ("15.000 €", "budget", {"yearly": 15000}), ("15,000", "budget", {"yearly": 15000}),
    ("15k", "budget", {"yearly": 15000}), ("15 K€", "budget", {"yearly": 15000}),
    ("15ke", "budget", {"yearly": 15000}), ("15 keur", "budget", {"yearly": 15000}),
    ("1,5 k€", "budget", {"yearly": 1500}), ("1.5k", "budget", {"yearly": 1500}),
    ("2000 euros par an", "budget", {"yearly": 2000}), ("2000 €/an", "budget", {"yearly": 2000}),
    ("1000 €/an", "budget", {"yearly": 1000}), ("3000 € annuel", "budget", {"yearly": 3000}),
    ("5 000 € par année", "budget", {"yearly": 5000}), ("1 500,50 €", "budget", {"yearly": 1500.5}),
    ("€15,000", "budget", {"yearly": 15000}), ("mille euros", "budget", {"yearly": 1000}),
    ("quinze mille", "budget", {"yearly": 15000}), ("15 mille", "budget", {"yearly": 15000}),
    ("deux mille cinq cents euros", "budget", {"yearly": 2500}),
    ("cinq cents euros", "budget", {"yearly": 500}), ("500 balles", "budget", {"yearly": 500}),
    ("un budget de 3000 €", "budget", {"yearly": 3000}),
    ("environ 2000 €", "budget", {"yearly": 2000}), ("2 000€ HT", "budget", {"yearly": 2000}),
    ("1 million", "budget", {"yearly": 1_000_000}),
    ("12 000 € sur 12 mois", "budget", {"yearly": 12000}),
    ("2 salariés, 3000 € par an", "budget", {"yearly": 3000}),
    ("200/mois", "budget", Said({"yearly": 2400, "monthly": 200}, "notice.monthly")),
    ("200 € par mois", "budget", Said({"yearly": 2400, "monthly": 200}, "notice.monthly")),
    ("200€/mois", "budget", Said({"yearly": 2400, "monthly": 200}, "notice.monthly")),
    ("300 € mensuel", "budget", Said({"yearly": 3600, "monthly": 300}, "notice.monthly")),
    ("deux cents euros par mois", "budget",
     Said({"yearly": 2400, "monthly": 200}, "notice.monthly")),
    ("1k par mois", "budget", Said({"yearly": 12000, "monthly": 1000}, "notice.monthly")),
    ("2 500 € par trimestre", "budget", Said(
        {"yearly": 10000, "period": "quarter", "per_period": 2500}, "noted.budget.quarter")),
    ("1000 € tous les 3 mois", "budget", Said(
        {"yearly": 4000, "period": "quarter", "per_period": 1000}, "noted.budget.quarter")),
    ("3000 € par semestre", "budget", Said(
        {"yearly": 6000, "period": "semester", "per_period": 3000}, "noted.budget.semester")),
    ("500 par semaine", "budget", Said(
        {"yearly": 26000, "period": "week", "per_period": 500}, "noted.budget.week")),
    ("100 € hebdo", "budget", Said(
        {"yearly": 5200, "period": "week", "per_period": 100}, "noted.budget.week")),
    ("50 € par jour", "budget", Said(
        {"yearly": 11000, "period": "day", "per_period": 50}, "noted.budget.day")),
    ("10 €/jour", "budget", Said(
        {"yearly": 2200, "period": "day", "per_period": 10}, "noted.budget.day")),
    ("entre 1000 et 2000 €", "budget", Said({"yearly": 1500}, "noted.budget.range")),
    ("1000-2000 €", "budget", Said({"yearly": 1500}, "noted.budget.range")),
    ("10-15k", "budget", Said({"yearly": 12500}, "noted.budget.range")),
    ("0", "budget", {"yearly": 0}), ("0 €", "budget", {"yearly": 0}),
    ("aucun", "budget", {"yearly": 0}), ("Rien", "budget", {"yearly": 0}),
    ("rien du tout", "budget", {"yearly": 0}), ("pas de budget", "budget", {"yearly": 0}),
    ("Pas de budget pour l'instant", "budget", {"yearly": 0}),
    ("aucun budget", "budget", {"yearly": 0}), ("zéro", "budget", {"yearly": 0}),
    ("0 € par mois", "budget", {"yearly": 0}), ("nada", "budget", {"yearly": 0}),
    ("5", "budget", Asked("unsure.small_budget", {"yearly": 5})),
    ("20 €", "budget", Asked("unsure.small_budget", {"yearly": 20})),
    ("10 euros", "budget", Asked("unsure.small_budget", {"yearly": 10})),
    ("1500 CHF", "budget", Asked("unsure.currency", {"yearly": 1500, "currency": "CHF"},
                                 {"currency": "CHF"})),
    ("2000 francs suisses", "budget", Asked(
        "unsure.currency", {"yearly": 2000, "currency": "CHF"}, {"currency": "CHF"})),
    ("50 000 FCFA", "budget", Asked("unsure.currency", {"yearly": 50000, "currency": "XOF"},
                                    {"currency": "XOF"})),
    ("500 000 F CFA", "budget", Asked(
        "unsure.currency", {"yearly": 500000, "currency": "XOF"}, {"currency": "XOF"})),
    ("100 000 XAF", "budget", Asked(
        "unsure.currency", {"yearly": 100000, "currency": "XAF"}, {"currency": "XAF"})),
    ("200 000 CFA", "budget", Asked(
        "unsure.currency", {"yearly": 200000, "currency": "XOF"}, {"currency": "XOF"})),
    ("3000 $", "budget", Asked("unsure.currency", {"yearly": 3000, "currency": "USD"},
                               {"currency": "USD"})),
    ("2000 dollars", "budget", Asked(
        "unsure.currency", {"yearly": 2000, "currency": "USD"}, {"currency": "USD"})),
    ("2000 USD", "budget", Asked("unsure.currency", {"yearly": 2000, "currency": "USD"},
                                 {"currency": "USD"})),
    ("US$ 1500", "budget", Asked("unsure.currency", {"yearly": 1500, "currency": "USD"},
                                 {"currency": "USD"})),
    ("3000 $ CA", "budget", Asked("unsure.currency", {"yearly": 3000, "currency": "CAD"},
                                  {"currency": "CAD"})),
    ("3000 CAD", "budget", Asked("unsure.currency", {"yearly": 3000, "currency": "CAD"},
                                 {"currency": "CAD"})),
    ("5000 dollars canadiens", "budget", Asked(
        "unsure.currency", {"yearly": 5000, "currency": "CAD"}, {"currency": "CAD"})),
    ("2000 £", "budget", Asked("unsure.currency", {"yearly": 2000, "currency": "GBP"},
                               {"currency": "GBP"})),
    ("1000 livres", "budget", Asked("unsure.currency", {"yearly": 1000, "currency": "GBP"},
                                    {"currency": "GBP"})),
    ("10 000 MAD", "budget", Asked("unsure.currency", {"yearly": 10000, "currency": "MAD"},
                                   {"currency": "MAD"})),
    ("10 000 dh", "budget", Asked("unsure.currency", {"yearly": 10000, "currency": "MAD"},
                                  {"currency": "MAD"})),
    ("8000 dirhams", "budget", Asked(
        "unsure.currency", {"yearly": 8000, "currency": "MAD"}, {"currency": "MAD"})),
    ("100 000 DA", "budget", Asked(
        "unsure.currency", {"yearly": 100000, "currency": "DZD"}, {"currency": "DZD"})),
    ("100 000 dinars algériens", "budget", Asked(
        "unsure.currency", {"yearly": 100000, "currency": "DZD"}, {"currency": "DZD"})),
    ("50 000 DZD", "budget", Asked(
        "unsure.currency", {"yearly": 50000, "currency": "DZD"}, {"currency": "DZD"})),
    ("3000 TND", "budget", Asked("unsure.currency", {"yearly": 3000, "currency": "TND"},
                                 {"currency": "TND"})),
    ("3000 dinars tunisiens", "budget", Asked(
        "unsure.currency", {"yearly": 3000, "currency": "TND"}, {"currency": "TND"})),
    ("500 CHF par mois", "budget", Asked(
        "unsure.currency.yearly", {"yearly": 6000, "monthly": 500, "currency": "CHF"},
        {"currency": "CHF"})),
    ("beaucoup", "budget", Refused("problem.budget.not_an_amount")),
    ("je ne sais pas", "budget", Refused("problem.budget.not_an_amount")),
    ("-500", "budget", Refused("problem.negative")),
    ("moins 200 €", "budget", Refused("problem.negative")),
    ("99999999999", "budget", Refused("problem.amount_too_big")),
    ("20 millions", "budget", Refused("problem.amount_too_big")),
    ("50 €/h", "budget", Refused("problem.budget.hourly")),
    ("", "budget", Refused("problem.empty")), ("💸💸", "budget", Refused("problem.no_words")),
]

EN_BUDGETS = [
    ("15,000 euros", "budget", {"yearly": 15000}), ("€2,000 a year", "budget", {"yearly": 2000}),
    ("2000 euros per year", "budget", {"yearly": 2000}), ("5k a year", "budget", {"yearly": 5000}),
    ("one thousand euros", "budget", {"yearly": 1000}),
    ("300 a month", "budget", Said({"yearly": 3600, "monthly": 300}, "notice.monthly")),
    ("€300 per month", "budget", Said({"yearly": 3600, "monthly": 300}, "notice.monthly")),
    ("200 monthly", "budget", Said({"yearly": 2400, "monthly": 200}, "notice.monthly")),
    ("500 a week", "budget", Said(
        {"yearly": 26000, "period": "week", "per_period": 500}, "noted.budget.week")),
    ("1000 per quarter", "budget", Said(
        {"yearly": 4000, "period": "quarter", "per_period": 1000}, "noted.budget.quarter")),
    ("€20 a day", "budget", Said(
        {"yearly": 4400, "period": "day", "per_period": 20}, "noted.budget.day")),
    ("$2,000 a year", "budget", Asked(
        "unsure.currency", {"yearly": 2000, "currency": "USD"}, {"currency": "USD"})),
    ("£300 per month", "budget", Asked(
        "unsure.currency.yearly", {"yearly": 3600, "monthly": 300, "currency": "GBP"},
        {"currency": "GBP"})),
    ("none", "budget", {"yearly": 0}), ("nothing", "budget", {"yearly": 0}),
    ("no budget", "budget", {"yearly": 0}),
    ("a lot", "budget", Refused("problem.budget.not_an_amount")),
]

RATES = [
    ("35", "rate", 35), ("35 €/h", "rate", 35), ("35€/h", "rate", 35), ("35 €", "rate", 35),
    ("40 euros de l'heure", "rate", 40), ("40 euros de l heure", "rate", 40),
    ("40 € de l'heure", "rate", 40), ("45 € par heure", "rate", 45), ("50 €/heure", "rate", 50),
    ("30 e/h", "rate", 30), ("trente-cinq euros", "rate", 35), ("quarante", "rate", 40),
    ("25,50 €", "rate", 25.5), ("50 balles", "rate", 50), ("60 € HT de l'heure", "rate", 60),
    ("environ 30", "rate", 30), ("35 an hour", "rate", 35), ("€40 per hour", "rate", 40),
    ("40 euros an hour", "rate", 40), ("45/h", "rate", 45), ("taux horaire 50", "rate", 50),
    ("30 à 40 €/h", "rate", Said(35, "noted.hourly_cost.range")),
    ("entre 30 et 50 €", "rate", Said(40, "noted.hourly_cost.range")),
    ("300 € par jour", "rate", Said(42.86, "noted.hourly_cost.day")),
    ("TJM 400", "rate", Said(57.14, "noted.hourly_cost.day")),
    ("350 €/jour", "rate", Said(50, "noted.hourly_cost.day")),
    ("1000 € par semaine", "rate", Said(28.57, "noted.hourly_cost.week")),
    ("2000 € par mois", "rate", Asked("unsure.hourly_cost.month", 13.19)),
    ("2000/mois", "rate", Asked("unsure.hourly_cost.month", 13.19)),
    ("1 800 € net par mois", "rate", Asked("unsure.hourly_cost.month", 11.87)),
    ("30 000 € par an", "rate", Asked("unsure.hourly_cost.year", 18.67)),
    ("35k par an", "rate", Asked("unsure.hourly_cost.year", 21.78)),
    ("500 balles", "rate", Asked("unsure.hourly_cost", 500)),
    ("400", "rate", Asked("unsure.hourly_cost", 400)),
    ("3", "rate", Asked("unsure.hourly_cost", 3)),
    ("2 €/h", "rate", Asked("unsure.hourly_cost", 2)),
    ("50 CHF", "rate", Asked("unsure.currency", 50, {"currency": "CHF"})),
    ("5000 FCFA", "rate", Asked("unsure.currency", 5000, {"currency": "XOF"})),
    ("$50 an hour", "rate", Asked("unsure.currency", 50, {"currency": "USD"})),
    ("200 dh", "rate", Asked("unsure.currency", 200, {"currency": "MAD"})),
    ("5000", "rate", Refused("problem.rate_out_of_range")),
    ("0", "rate", Refused("problem.hourly_cost.zero")),
    ("gratuit", "rate", Refused("problem.hourly_cost.not_an_amount")),
    ("je ne sais pas", "rate", Refused("problem.hourly_cost.not_an_amount")),
    ("cher", "rate", Refused("problem.hourly_cost.not_an_amount")),
    ("-35", "rate", Refused("problem.negative")),
    ("", "rate", Refused("problem.empty")),
]

REVENUES = [
    ("450 €", "revenue", 450), ("450", "revenue", 450), ("1,2k", "revenue", 1200),
    ("1 200 €", "revenue", 1200), ("1 000", "revenue", 1000), ("mille euros", "revenue", 1000),
    ("deux cents euros", "revenue", 200), ("rien", "revenue", 0), ("0", "revenue", 0),
    ("0 €", "revenue", 0), ("aucun", "revenue", 0), ("nothing", "revenue", 0),
    ("pas de vente", "revenue", 0), ("€1,500", "revenue", 1500), ("350,50 €", "revenue", 350.5),
    ("300 balles", "revenue", 300), ("1 vente à 300 €", "revenue", 300), ("two hundred euros", "revenue", 200),
    ("2000 € par mois", "revenue", Said(461.54, "noted.revenue.month")),
    ("1200/mois", "revenue", Said(276.92, "noted.revenue.month")),
    ("100 € par jour", "revenue", Said(500, "noted.revenue.day")),
    ("52 000 € par an", "revenue", Said(1000, "noted.revenue.year")),
    ("entre 200 et 400 €", "revenue", Said(300, "noted.revenue.range")),
    ("Facebook 200 €, Instagram 100 €", "revenue", Said(300, "noted.revenue.total")),
    ("Facebook 1h, Instagram 1h30", "revenue", Refused("problem.revenue.not_hours")),
    ("3h", "revenue", Refused("problem.revenue.not_hours")),
    ("2 heures", "revenue", Refused("problem.revenue.not_hours")),
    ("beaucoup", "revenue", Refused("problem.revenue.not_an_amount")),
    ("50 €/h", "revenue", Refused("problem.revenue.not_an_amount")),
    ("-100", "revenue", Refused("problem.negative")),
    ("1500 CHF", "revenue", Asked("unsure.currency", 1500, {"currency": "CHF"})),
    ("50 000 FCFA", "revenue", Asked("unsure.currency", 50000, {"currency": "XOF"})),
    ("$500", "revenue", Asked("unsure.currency", 500, {"currency": "USD"})),
]

ROWS = (FR_HOURS + EN_HOURS + WEEK_HOURS + SPLIT_HOURS + SPLIT_COUNT + COUNTS + BUDGETS
        + EN_BUDGETS + RATES + REVENUES)


def same(got, expected) -> bool:
    """Compare a stored value with the expected one, to the cent."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and set(got) == set(expected) and all(
            same(got[k], v) for k, v in expected.items())
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(got, (int, float)) and abs(got - expected) < 0.01
    return got == expected


def test_the_table_is_large_and_each_row_unique():
    assert len(ROWS) >= 300
    assert len({(text, parser) for text, parser, _ in ROWS}) == len(ROWS)


@pytest.mark.parametrize("typed, parser, expected", ROWS,
                         ids=[f"{p}:{t}" for t, p, _ in ROWS])
def test_what_owners_type(typed, parser, expected):
    read = PARSERS[parser]
    if isinstance(expected, Refused):
        with pytest.raises(InvalidAnswer) as refusal:
            read(typed)
        assert refusal.value.key == expected.key
        return
    if isinstance(expected, Asked):
        with pytest.raises(Unsure) as doubt:
            read(typed)
        assert doubt.value.key == expected.key
        assert same(doubt.value.value, expected.value), doubt.value.value
        assert doubt.value.also == (expected.also or {})
        return
    got = read(typed)
    if isinstance(expected, Said):
        assert isinstance(got, Noted), got
        assert got.key == expected.key
        assert same(got.value, expected.value), got.value
        return
    if isinstance(got, Noted) and parser.startswith("split") is False:
        got = got.value
    assert same(got, expected), got


@pytest.mark.parametrize("typed, parser, expected", [
    r for r in ROWS if isinstance(r[2], (Said, Asked))], ids=lambda v: str(v)[:30])
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_question_and_note_has_its_text_in_both_languages(typed, parser, expected,
                                                                  language):
    try:
        got = PARSERS[parser](typed)
    except Unsure as doubt:
        key, params = doubt.key, doubt.params
    else:
        key, params = got.key, got.params
    assert i18n.t(language, key, **params)


@pytest.mark.parametrize("typed, parser, expected", [
    r for r in ROWS if isinstance(r[2], Refused)], ids=lambda v: str(v)[:30])
def test_every_refusal_has_its_text(typed, parser, expected):
    with pytest.raises(InvalidAnswer) as refusal:
        PARSERS[parser](typed)
    params = {"result": "devis", **refusal.value.params}
    for language in i18n.LANGUAGES:
        assert i18n.t(language, refusal.value.key, **params)
