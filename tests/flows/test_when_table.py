"""Dates, times, weekdays and time zones as people type them, in French and English.

Every row is something a user could type in `réglages ...`; `today` is always given.
"""

from datetime import date, time

import pytest

from flows.parsing import InvalidAnswer
from flows.when import (AMBIGUOUS_PLACES, PLACES, PRINCIPAL_ZONES, format_date, parse_date,
                        parse_days, parse_time, parse_timezone, parse_weekday, zone_table)

SUNDAY = date(2026, 11, 22)
MONDAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 18)
DECEMBER = date(2026, 12, 1)  # a Tuesday
MID_JANUARY = date(2027, 1, 15)  # a Friday
END_OF_JANUARY = date(2027, 1, 31)  # a Sunday

TIMES = [
    ("9:00", time(9)), ("9h", time(9)), ("9H", time(9)), ("8h30", time(8, 30)),
    ("8 h 30", time(8, 30)), ("8 H 30", time(8, 30)), ("18.15", time(18, 15)),
    ("18h15", time(18, 15)), ("18:15", time(18, 15)), ("18 h 15", time(18, 15)),
    ("18 30", time(18, 30)), ("7h", time(7)), ("07h00", time(7)), ("07:05", time(7, 5)),
    ("0h", time(0)), ("00:00", time(0)), ("23:59", time(23, 59)), ("23h", time(23)),
    ("14h", time(14)), ("14 h", time(14)), ("9", time(9)), ("17", time(17)),
    ("9h00", time(9)), ("9h30min", time(9, 30)), ("12h", time(12)),
    ("midi", time(12)), ("Midi", time(12)), ("minuit", time(0)),
    ("midi et demi", time(12, 30)), ("midi et demie", time(12, 30)),
    ("midi 30", time(12, 30)), ("minuit et quart", time(0, 15)),
    ("9 heures", time(9)), ("9 heure", time(9)), ("neuf heures", time(9)),
    ("une heure", time(1)), ("onze heures", time(11)), ("dix-huit heures", time(18)),
    ("dix huit heures", time(18)), ("vingt heures", time(20)),
    ("vingt et une heures", time(21)), ("dix-huit heures trente", time(18, 30)),
    ("huit heures et demie", time(8, 30)), ("9h et quart", time(9, 15)),
    ("9h moins le quart", time(8, 45)), ("9 heures moins 10", time(8, 50)),
    ("9 heures 30", time(9, 30)), ("9 heures du matin", time(9)),
    ("8h du matin", time(8)), ("8h du mat", time(8)), ("9h du mat", time(9)),
    ("6 h du soir", time(18)), ("6h du soir", time(18)), ("10 h du soir", time(22)),
    ("3h de l'après-midi", time(15)), ("3h de l'aprem", time(15)),
    ("2 heures de l'apres-midi", time(14)), ("7h30 du soir", time(19, 30)),
    ("1h du matin", time(1)), ("2h de la nuit", time(2)), ("vers 9h", time(9)),
    ("à 8h30", time(8, 30)), ("a 8h30", time(8, 30)), ("9h pile", time(9)),
    ("vers 18h", time(18)), ("9 heures précises", time(9)),
    ("9 am", time(9)), ("9am", time(9)), ("9 AM", time(9)), ("9 a.m.", time(9)),
    ("9:30 am", time(9, 30)), ("6:30 pm", time(18, 30)), ("6:30pm", time(18, 30)),
    ("6 pm", time(18)), ("3pm", time(15)), ("6 p.m.", time(18)), ("12 am", time(0)),
    ("12 pm", time(12)), ("12pm", time(12)), ("noon", time(12)), ("Noon", time(12)),
    ("midnight", time(0)), ("9 o'clock", time(9)), ("9 oclock", time(9)),
    ("nine o'clock", time(9)), ("at 9", time(9)), ("at 9am", time(9)),
    ("around 6pm", time(18)), ("six thirty pm", time(18, 30)), ("seven am", time(7)),
    ("9 in the morning", time(9)), ("6 in the evening", time(18)),
    ("4 in the afternoon", time(16)), ("eight", time(8)),
]

BAD_TIMES = ["", "   ", "25:00", "24:00", "9:75", "9h60", "14h du matin", "13 pm", "0 am",
             "bonjour", "demain", "9h30 et demie", "quinze minutes", "-3", "9:5:3", "999",
             "tôt", "early", "le matin", "après le déjeuner"]

# (typed, today, date) — the dates people type to pause check-ins.
DATES = [
    ("24/12", SUNDAY, date(2026, 12, 24)), ("24/12/2026", SUNDAY, date(2026, 12, 24)),
    ("24.12", SUNDAY, date(2026, 12, 24)), ("24.12.2026", SUNDAY, date(2026, 12, 24)),
    ("24-12-2026", SUNDAY, date(2026, 12, 24)), ("24/12/26", SUNDAY, date(2026, 12, 24)),
    ("2026-12-24", SUNDAY, date(2026, 12, 24)), ("2027-01-03", SUNDAY, date(2027, 1, 3)),
    ("3/1", SUNDAY, date(2027, 1, 3)), ("03/01", SUNDAY, date(2027, 1, 3)),
    ("1/12", SUNDAY, date(2026, 12, 1)), ("22/11", SUNDAY, date(2026, 11, 22)),
    ("21/11", SUNDAY, date(2027, 11, 21)), ("12/1", SUNDAY, date(2027, 1, 12)),
    ("24 décembre", SUNDAY, date(2026, 12, 24)), ("24 decembre", SUNDAY, date(2026, 12, 24)),
    ("24 Décembre 2026", SUNDAY, date(2026, 12, 24)), ("24 dec", SUNDAY, date(2026, 12, 24)),
    ("24 déc.", SUNDAY, date(2026, 12, 24)), ("24 decmbre", SUNDAY, date(2026, 12, 24)),
    ("le 24 décembre", SUNDAY, date(2026, 12, 24)),
    ("jusqu'au 24 décembre", SUNDAY, date(2026, 12, 24)),
    ("jusqu'au 24/12", SUNDAY, date(2026, 12, 24)),
    ("le 3 janvier", SUNDAY, date(2027, 1, 3)), ("3 janvier", SUNDAY, date(2027, 1, 3)),
    ("3 janv.", SUNDAY, date(2027, 1, 3)), ("3 janv", SUNDAY, date(2027, 1, 3)),
    ("3 janv. 2027", SUNDAY, date(2027, 1, 3)), ("1er mars", SUNDAY, date(2027, 3, 1)),
    ("1 mars", SUNDAY, date(2027, 3, 1)), ("le 1er mars", SUNDAY, date(2027, 3, 1)),
    ("2 février", SUNDAY, date(2027, 2, 2)), ("2 fév", SUNDAY, date(2027, 2, 2)),
    ("2 févr.", SUNDAY, date(2027, 2, 2)), ("15 avril", SUNDAY, date(2027, 4, 15)),
    ("15 avr", SUNDAY, date(2027, 4, 15)), ("8 mai", SUNDAY, date(2027, 5, 8)),
    ("14 juillet", SUNDAY, date(2027, 7, 14)), ("14 juil", SUNDAY, date(2027, 7, 14)),
    ("15 août", SUNDAY, date(2027, 8, 15)), ("15 aout", SUNDAY, date(2027, 8, 15)),
    ("3 sept", SUNDAY, date(2027, 9, 3)), ("3 septembre", SUNDAY, date(2027, 9, 3)),
    ("11 novembre", SUNDAY, date(2027, 11, 11)), ("30 novembre", SUNDAY, date(2026, 11, 30)),
    ("mardi 24 novembre", SUNDAY, date(2026, 11, 24)),
    ("le mardi 24 novembre", SUNDAY, date(2026, 11, 24)),
    ("mardi", SUNDAY, date(2026, 11, 24)), ("Mardi", SUNDAY, date(2026, 11, 24)),
    ("ce mardi", SUNDAY, date(2026, 11, 24)), ("mardi prochain", SUNDAY, date(2026, 11, 24)),
    ("lundi", SUNDAY, date(2026, 11, 23)), ("lundi prochain", SUNDAY, date(2026, 11, 23)),
    ("lundi prochain", MONDAY, date(2026, 11, 30)), ("lundi", MONDAY, date(2026, 11, 30)),
    ("next monday", MONDAY, date(2026, 11, 30)),
    ("mercredi", WEDNESDAY, date(2026, 11, 25)), ("jeudi", WEDNESDAY, date(2026, 11, 19)),
    ("vendredi prochain", WEDNESDAY, date(2026, 11, 20)),
    ("dimanche", WEDNESDAY, date(2026, 11, 22)), ("samedi", WEDNESDAY, date(2026, 11, 21)),
    ("mercredie", WEDNESDAY, date(2026, 11, 25)), ("mardi en huit", SUNDAY, date(2026, 12, 1)),
    ("lundi qui vient", WEDNESDAY, date(2026, 11, 23)),
    ("demain", SUNDAY, date(2026, 11, 23)), ("Demain", DECEMBER, date(2026, 12, 2)),
    ("demain", date(2026, 12, 31), date(2027, 1, 1)),
    ("après-demain", SUNDAY, date(2026, 11, 24)), ("apres demain", SUNDAY, date(2026, 11, 24)),
    ("aujourd'hui", SUNDAY, SUNDAY), ("today", SUNDAY, SUNDAY),
    ("dans 2 semaines", SUNDAY, date(2026, 12, 6)), ("dans deux semaines", SUNDAY,
                                                     date(2026, 12, 6)),
    ("dans une semaine", SUNDAY, date(2026, 11, 29)), ("dans 10 jours", SUNDAY,
                                                       date(2026, 12, 2)),
    ("dans dix jours", SUNDAY, date(2026, 12, 2)), ("dans 3 jours", SUNDAY, date(2026, 11, 25)),
    ("dans un jour", SUNDAY, date(2026, 11, 23)), ("dans huit jours", SUNDAY,
                                                   date(2026, 11, 29)),
    ("dans quinze jours", SUNDAY, date(2026, 12, 6)), ("dans 15 jours", SUNDAY,
                                                       date(2026, 12, 6)),
    ("dans un mois", SUNDAY, date(2026, 12, 22)), ("dans 1 mois", SUNDAY, date(2026, 12, 22)),
    ("dans 2 mois", SUNDAY, date(2027, 1, 22)), ("dans trois mois", SUNDAY, date(2027, 2, 22)),
    ("dans un mois", date(2027, 1, 31), date(2027, 2, 28)),
    ("dans un an", SUNDAY, date(2027, 11, 22)), ("2 semaines", SUNDAY, date(2026, 12, 6)),
    ("pour 2 semaines", SUNDAY, date(2026, 12, 6)),
    ("pendant 3 semaines", SUNDAY, date(2026, 12, 13)),
    ("d'ici 2 semaines", SUNDAY, date(2026, 12, 6)),
    ("fin janvier", SUNDAY, date(2027, 1, 31)), ("fin de janvier", SUNDAY, date(2027, 1, 31)),
    ("fin janvier", MID_JANUARY, date(2027, 1, 31)),
    ("fin janvier", END_OF_JANUARY, date(2027, 1, 31)),
    ("fin février", SUNDAY, date(2027, 2, 28)), ("fin fevrier 2028", SUNDAY,
                                                 date(2028, 2, 29)),
    ("début février", SUNDAY, date(2027, 2, 1)), ("debut fevrier", SUNDAY, date(2027, 2, 1)),
    ("début décembre", SUNDAY, date(2026, 12, 1)), ("début janvier", MID_JANUARY,
                                                    date(2028, 1, 1)),
    ("mi-mars", SUNDAY, date(2027, 3, 15)), ("mi mars", SUNDAY, date(2027, 3, 15)),
    ("fin du mois", SUNDAY, date(2026, 11, 30)), ("la fin du mois", DECEMBER,
                                                  date(2026, 12, 31)),
    ("la semaine prochaine", SUNDAY, date(2026, 11, 23)),
    ("la semaine prochaine", MONDAY, date(2026, 11, 30)),
    ("semaine prochaine", WEDNESDAY, date(2026, 11, 23)),
    ("le mois prochain", SUNDAY, date(2026, 12, 1)),
    ("le mois prochain", DECEMBER, date(2027, 1, 1)), ("mois prochain", DECEMBER,
                                                       date(2027, 1, 1)),
    ("l'année prochaine", SUNDAY, date(2027, 1, 1)),
    ("next monday", SUNDAY, date(2026, 11, 23)), ("monday", SUNDAY, date(2026, 11, 23)),
    ("Monday", WEDNESDAY, date(2026, 11, 23)), ("on tuesday", WEDNESDAY, date(2026, 11, 24)),
    ("next friday", WEDNESDAY, date(2026, 11, 20)), ("this friday", WEDNESDAY,
                                                     date(2026, 11, 20)),
    ("tomorrow", SUNDAY, date(2026, 11, 23)), ("the day after tomorrow", SUNDAY,
                                               date(2026, 11, 24)),
    ("in 2 weeks", SUNDAY, date(2026, 12, 6)), ("in two weeks", SUNDAY, date(2026, 12, 6)),
    ("in three days", SUNDAY, date(2026, 11, 25)), ("in 3 days", SUNDAY, date(2026, 11, 25)),
    ("in a week", SUNDAY, date(2026, 11, 29)), ("in a month", SUNDAY, date(2026, 12, 22)),
    ("in a fortnight", SUNDAY, date(2026, 12, 6)), ("for 2 weeks", SUNDAY, date(2026, 12, 6)),
    ("in 15 days", SUNDAY, date(2026, 12, 7)), ("next week", SUNDAY, date(2026, 11, 23)),
    ("next month", SUNDAY, date(2026, 12, 1)), ("next year", SUNDAY, date(2027, 1, 1)),
    ("December 24", SUNDAY, date(2026, 12, 24)), ("december 24th", SUNDAY,
                                                  date(2026, 12, 24)),
    ("24 December", SUNDAY, date(2026, 12, 24)), ("24th December", SUNDAY,
                                                  date(2026, 12, 24)),
    ("the 24th of December", SUNDAY, date(2026, 12, 24)),
    ("Dec 24th", SUNDAY, date(2026, 12, 24)), ("Dec 24", SUNDAY, date(2026, 12, 24)),
    ("December 24, 2026", SUNDAY, date(2026, 12, 24)),
    ("Thursday, December 24", SUNDAY, date(2026, 12, 24)),
    ("Jan 3", SUNDAY, date(2027, 1, 3)), ("Jan 3rd", SUNDAY, date(2027, 1, 3)),
    ("Mar 3", SUNDAY, date(2027, 3, 3)), ("mardi 24/11", SUNDAY, date(2026, 11, 24)),
    ("January 3", SUNDAY, date(2027, 1, 3)), ("March 1st", SUNDAY, date(2027, 3, 1)),
    ("until March 1", SUNDAY, date(2027, 3, 1)), ("Feb 2nd", SUNDAY, date(2027, 2, 2)),
    ("end of January", SUNDAY, date(2027, 1, 31)), ("end of Jan", SUNDAY, date(2027, 1, 31)),
    ("beginning of February", SUNDAY, date(2027, 2, 1)),
    ("early February", SUNDAY, date(2027, 2, 1)), ("mid-March", SUNDAY, date(2027, 3, 15)),
    ("end of the month", SUNDAY, date(2026, 11, 30)),
    # year roll-over from 1 December
    ("3 janvier", DECEMBER, date(2027, 1, 3)), ("24/12", DECEMBER, date(2026, 12, 24)),
    ("1/12", DECEMBER, date(2026, 12, 1)), ("30/11", DECEMBER, date(2027, 11, 30)),
    ("31 décembre", DECEMBER, date(2026, 12, 31)), ("1er janvier", DECEMBER,
                                                    date(2027, 1, 1)),
    ("fin janvier", DECEMBER, date(2027, 1, 31)), ("début décembre", DECEMBER,
                                                   date(2026, 12, 1)),
    ("dans 2 semaines", DECEMBER, date(2026, 12, 15)),
    ("dans un mois", DECEMBER, date(2027, 1, 1)), ("Jan 3", DECEMBER, date(2027, 1, 3)),
    ("29/02", SUNDAY, date(2028, 2, 29)),
]

BAD_DATES = [
    ("31/02", SUNDAY), ("31/04", SUNDAY), ("30 février", SUNDAY), ("32/12", SUNDAY),
    ("12/24", SUNDAY), ("0/12", SUNDAY), ("2025-12-24", SUNDAY), ("24/12/2025", SUNDAY),
    ("24 décembre 2025", SUNDAY), ("21/11/2026", SUNDAY), ("2026-02-30", SUNDAY),
    ("", SUNDAY), ("bientôt", SUNDAY), ("un jour", SUNDAY), ("jamais", SUNDAY),
    ("soon", SUNDAY), ("someday", SUNDAY), ("24 machin", SUNDAY), ("dans", SUNDAY),
    ("29/02/2027", SUNDAY), ("hier", SUNDAY), ("yesterday", SUNDAY),
]

DAYS = [
    ("samedi dimanche", {5, 6}), ("samedi et dimanche", {5, 6}), ("sam, dim", {5, 6}),
    ("sam., dim.", {5, 6}), ("Samedi, Dimanche", {5, 6}), ("sat and sun", {5, 6}),
    ("sat, sun", {5, 6}), ("Saturday Sunday", {5, 6}), ("saturdays and sundays", {5, 6}),
    ("le week-end", {5, 6}), ("week-end", {5, 6}), ("weekend", {5, 6}),
    ("the weekend", {5, 6}), ("le weekend", {5, 6}), ("les week-ends", {5, 6}),
    ("fin de semaine", {5, 6}), ("mercredi", {2}), ("mercredie", {2}), ("le mercredi", {2}),
    ("les mercredis", {2}), ("wednesday", {2}), ("wed", {2}),
    ("mercredi et le week-end", {2, 5, 6}), ("lundi au vendredi", {0, 1, 2, 3, 4}),
    ("du lundi au vendredi", {0, 1, 2, 3, 4}), ("lun-ven", {0, 1, 2, 3, 4}),
    ("mon-fri", {0, 1, 2, 3, 4}), ("monday to friday", {0, 1, 2, 3, 4}),
    ("vendredi au lundi", {4, 5, 6, 0}), ("lundi, mardi", {0, 1}), ("lun mar mer", {0, 1, 2}),
    ("dimanche", {6}), ("dim", {6}), ("sun", {6}), ("vendredi / samedi", {4, 5}),
    ("jeudi + vendredi", {3, 4}), ("samedy dimanche", {5, 6}),
]

BAD_DAYS = ["", "blah", "jamais", "lundi blah", "demain", "noël", "mon chat", "xyz, sam"]

WEEKDAYS = [
    ("lundi", 0), ("Lundi", 0), ("lun", 0), ("lun.", 0), ("monday", 0), ("mon", 0),
    ("mardi", 1), ("le mardi", 1), ("mar", 1), ("tuesday", 1), ("tue", 1), ("tues", 1),
    ("mercredi", 2), ("mer", 2), ("wednesday", 2), ("jeudi", 3), ("jeu", 3), ("thursday", 3),
    ("thu", 3), ("vendredi", 4), ("ven", 4), ("friday", 4), ("fri", 4), ("samedi", 5),
    ("sam", 5), ("saturday", 5), ("dimanche", 6), ("dim", 6), ("sunday", 6),
    ("chaque mardi", 1), ("every tuesday", 1), ("on tuesdays", 1), ("mecredi", 2),
    ("vendredy", 4), ("thursdy", 3),
]

BAD_WEEKDAYS = ["", "mardi mercredi", "jour", "lu", "xyz", "week-end"]

ZONES = [
    ("Europe/Paris", "Europe/Paris"), ("europe/paris", "Europe/Paris"),
    ("america/montreal", "America/Montreal"), ("America/New_York", "America/New_York"),
    ("america/new york", "America/New_York"), ("Asia/Tokyo", "Asia/Tokyo"),
    ("montreal", "America/Montreal"), ("Montréal", "America/Montreal"),
    ("MONTREAL", "America/Montreal"), ("tokyo", "Asia/Tokyo"), ("Tokio", "Asia/Tokyo"),
    ("new york", "America/New_York"), ("New-York", "America/New_York"),
    ("Paris", "Europe/Paris"), ("paris", "Europe/Paris"), ("à Paris", "Europe/Paris"),
    ("heure de Paris", "Europe/Paris"), ("l'heure de Paris", "Europe/Paris"),
    ("Lyon", "Europe/Paris"), ("à Lyon", "Europe/Paris"), ("Lyon, France", "Europe/Paris"),
    ("Lyon (France)", "Europe/Paris"), ("Lyon France", "Europe/Paris"),
    ("je suis à Lyon", "Europe/Paris"), ("j'habite à Marseille", "Europe/Paris"),
    ("Marseille", "Europe/Paris"), ("Marseile", "Europe/Paris"), ("Lille", "Europe/Paris"),
    ("Toulouse", "Europe/Paris"), ("Bordeaux", "Europe/Paris"), ("Nantes", "Europe/Paris"),
    ("Strasbourg", "Europe/Paris"), ("Nice", "Europe/Paris"), ("Rennes", "Europe/Paris"),
    ("Montpellier", "Europe/Paris"), ("Grenoble", "Europe/Paris"),
    ("Saint-Étienne", "Europe/Paris"), ("st etienne", "Europe/Paris"),
    ("Aix-en-Provence", "Europe/Paris"), ("aix en provence", "Europe/Paris"),
    ("Clermont-Ferrand", "Europe/Paris"), ("Le Havre", "Europe/Paris"),
    ("Nîmes", "Europe/Paris"), ("Besancon", "Europe/Paris"), ("France", "Europe/Paris"),
    ("fuseau de Paris", "Europe/Paris"), ("Saint-Denis 93", "Europe/Paris"),
    ("Belgique", "Europe/Brussels"), ("Belgium", "Europe/Brussels"),
    ("Bruxelles", "Europe/Brussels"), ("Brussels", "Europe/Brussels"),
    ("Liège", "Europe/Brussels"), ("liege", "Europe/Brussels"),
    ("Charleroi", "Europe/Brussels"), ("Namur", "Europe/Brussels"),
    ("Suisse", "Europe/Zurich"), ("Switzerland", "Europe/Zurich"),
    ("Lausanne", "Europe/Zurich"), ("Genève", "Europe/Zurich"), ("Geneva", "Europe/Zurich"),
    ("geneve", "Europe/Zurich"), ("Zurich", "Europe/Zurich"), ("Berne", "Europe/Zurich"),
    ("Luxembourg", "Europe/Luxembourg"), ("Monaco", "Europe/Monaco"),
    ("Québec", "America/Montreal"), ("quebec", "America/Montreal"),
    ("ville de Québec", "America/Montreal"), ("Sherbrooke", "America/Montreal"),
    ("Gatineau", "America/Montreal"), ("Trois-Rivières", "America/Montreal"),
    ("trois rivieres", "America/Montreal"), ("Laval", "America/Montreal"),
    ("Montréal, Canada", "America/Montreal"), ("Canada, Montréal", "America/Montreal"),
    ("Toronto", "America/Toronto"), ("Vancouver", "America/Vancouver"),
    ("Calgary", "America/Edmonton"), ("Moncton", "America/Moncton"),
    ("Îles-de-la-Madeleine", "America/Halifax"),
    ("Dakar", "Africa/Dakar"), ("Sénégal", "Africa/Dakar"), ("Senegal", "Africa/Dakar"),
    ("Abidjan", "Africa/Abidjan"), ("Côte d'Ivoire", "Africa/Abidjan"),
    ("Côte d’Ivoire", "Africa/Abidjan"), ("cote divoire", "Africa/Abidjan"),
    ("Ivory Coast", "Africa/Abidjan"), ("Casablanca", "Africa/Casablanca"),
    ("Rabat", "Africa/Casablanca"), ("Maroc", "Africa/Casablanca"),
    ("Morocco", "Africa/Casablanca"), ("Tunis", "Africa/Tunis"), ("Tunisie", "Africa/Tunis"),
    ("Alger", "Africa/Algiers"), ("Algiers", "Africa/Algiers"), ("Oran", "Africa/Algiers"),
    ("Algérie", "Africa/Algiers"), ("Yaoundé", "Africa/Douala"), ("Douala", "Africa/Douala"),
    ("Cameroun", "Africa/Douala"), ("Kinshasa", "Africa/Kinshasa"),
    ("Lubumbashi", "Africa/Lubumbashi"), ("Brazzaville", "Africa/Brazzaville"),
    ("Bamako", "Africa/Bamako"), ("Mali", "Africa/Bamako"), ("Ouagadougou",
                                                             "Africa/Ouagadougou"),
    ("Cotonou", "Africa/Porto-Novo"), ("Lomé", "Africa/Lome"), ("Libreville",
                                                                "Africa/Libreville"),
    ("Madagascar", "Indian/Antananarivo"), ("Tananarive", "Indian/Antananarivo"),
    ("La Réunion", "Indian/Reunion"), ("Réunion", "Indian/Reunion"),
    ("la reunion", "Indian/Reunion"), ("Saint-Denis de la Réunion", "Indian/Reunion"),
    ("Martinique", "America/Martinique"), ("Fort-de-France", "America/Martinique"),
    ("Guadeloupe", "America/Guadeloupe"), ("Pointe-à-Pitre", "America/Guadeloupe"),
    ("Guyane", "America/Cayenne"), ("Cayenne", "America/Cayenne"),
    ("Mayotte", "Indian/Mayotte"), ("Nouvelle-Calédonie", "Pacific/Noumea"),
    ("Nouméa", "Pacific/Noumea"), ("Tahiti", "Pacific/Tahiti"),
    ("Polynésie", "Pacific/Tahiti"), ("Polynésie française", "Pacific/Tahiti"),
    ("Papeete", "Pacific/Tahiti"), ("Japon", "Asia/Tokyo"), ("Japan", "Asia/Tokyo"),
    ("Royaume-Uni", "Europe/London"), ("United Kingdom", "Europe/London"),
    ("UK", "Europe/London"), ("Londres", "Europe/London"), ("London", "Europe/London"),
    ("Angleterre", "Europe/London"), ("Allemagne", "Europe/Berlin"),
    ("Germany", "Europe/Berlin"), ("Berlin", "Europe/Berlin"), ("Espagne", "Europe/Madrid"),
    ("Portugal", "Europe/Lisbon"), ("Chine", "Asia/Shanghai"), ("Pékin", "Asia/Shanghai"),
    ("Inde", "Asia/Kolkata"), ("Bombay", "Asia/Kolkata"), ("Vienne", "Europe/Vienna"),
    ("Haïti", "America/Port-au-Prince"), ("Port-au-Prince", "America/Port-au-Prince"),
    ("Beyrouth", "Asia/Beirut"), ("Liban", "Asia/Beirut"), ("Los Angeles",
                                                            "America/Los_Angeles"),
    ("San Francisco", "America/Los_Angeles"), ("Chicago", "America/Chicago"),
    ("Miami", "America/New_York"), ("Sydney", "Australia/Sydney"),
    ("UTC", "UTC"), ("utc", "UTC"), ("GMT", "UTC"), ("UTC+2", "Etc/GMT-2"),
    ("GMT-5", "Etc/GMT+5"), ("utc+0", "UTC"), ("time in Tokyo", "Asia/Tokyo"),
    ("Tokyo time", "Asia/Tokyo"), ("I'm in Lyon", "Europe/Paris"),
]

SEVERAL = [
    ("Canada", "Canada"), ("canada", "Canada"), ("États-Unis", "États-Unis"),
    ("etats unis", "États-Unis"), ("United States", "United States"), ("USA", "USA"),
    ("Brésil", "Brésil"), ("Brazil", "Brazil"), ("Australie", "Australie"),
    ("Russie", "Russie"), ("Mexique", "Mexique"), ("Indonésie", "Indonésie"),
    ("RDC", "RDC"), ("Congo", "Congo"), ("saint-denis", "Saint-Denis"),
    ("st denis", "Saint-Denis"), ("à Saint-Denis", "Saint-Denis"),
    ("au Canada", "Canada"), ("heure du Canada", "Canada"),
]

BAD_ZONES = ["", "   ", "blah blah", "Atlantide", "xyz", "123", "Europe/Atlantis",
             "UTC+20", "ma ville", "la plage", "chez moi", "Gotham City"]

FORMATS = [
    (date(2026, 12, 24), "fr", SUNDAY, "24 décembre"),
    (date(2026, 12, 24), "en", SUNDAY, "24 December"),
    (date(2027, 1, 3), "fr", SUNDAY, "3 janvier 2027"),
    (date(2027, 1, 3), "en", SUNDAY, "3 January 2027"),
    (date(2026, 12, 24), "fr", None, "24 décembre"),
    (date(2026, 3, 1), "fr", SUNDAY, "1 mars"),
]


@pytest.mark.parametrize("typed, expected", TIMES)
def test_times(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", BAD_TIMES)
def test_bad_times(typed):
    with pytest.raises(InvalidAnswer) as refused:
        parse_time(typed)
    assert refused.value.key == "settings.bad_time"


@pytest.mark.parametrize("typed, today, expected", DATES)
def test_dates(typed, today, expected):
    assert parse_date(typed, today) == expected
    assert parse_date(typed, today, "en") == expected  # both languages read alike


@pytest.mark.parametrize("typed, today", BAD_DATES)
def test_bad_dates(typed, today):
    with pytest.raises(InvalidAnswer) as refused:
        parse_date(typed, today)
    assert refused.value.key == "settings.bad_date"


@pytest.mark.parametrize("typed, expected", DAYS)
def test_days(typed, expected):
    assert parse_days(typed) == frozenset(expected)


@pytest.mark.parametrize("typed", BAD_DAYS)
def test_bad_days(typed):
    with pytest.raises(InvalidAnswer) as refused:
        parse_days(typed)
    assert refused.value.key == "settings.bad_day"


@pytest.mark.parametrize("typed, expected", WEEKDAYS)
def test_weekday(typed, expected):
    assert parse_weekday(typed) == expected


@pytest.mark.parametrize("typed", BAD_WEEKDAYS)
def test_bad_weekday(typed):
    with pytest.raises(InvalidAnswer) as refused:
        parse_weekday(typed)
    assert refused.value.key == "settings.bad_day"


@pytest.mark.parametrize("typed, zone", ZONES)
def test_time_zones(typed, zone):
    assert parse_timezone(typed) == zone


@pytest.mark.parametrize("typed, country", SEVERAL)
def test_a_place_with_several_zones_asks_for_a_city(typed, country):
    with pytest.raises(InvalidAnswer) as refused:
        parse_timezone(typed)
    assert refused.value.key == "settings.timezone_country_has_several"
    assert refused.value.params["country"] == country
    assert refused.value.params["cities"]


@pytest.mark.parametrize("typed", BAD_ZONES)
def test_bad_time_zones(typed):
    with pytest.raises(InvalidAnswer) as refused:
        parse_timezone(typed)
    assert refused.value.key == "settings.bad_timezone"


@pytest.mark.parametrize("day, language, today, expected", FORMATS)
def test_format_date(day, language, today, expected):
    assert format_date(day, language, today) == expected


def test_every_hand_written_zone_exists_and_the_table_is_built_once():
    from zoneinfo import ZoneInfo
    for zone in set(PLACES.values()) | set(PRINCIPAL_ZONES.values()):
        ZoneInfo(zone)
    assert all(value.cities for value in AMBIGUOUS_PLACES.values())
    assert zone_table() is zone_table()
    assert len(zone_table()) > 1000


def test_a_suggested_city_of_a_country_with_several_zones_is_understood():
    with pytest.raises(InvalidAnswer) as refused:
        parse_timezone("Canada")
    for city in refused.value.params["cities"].split(", "):
        assert parse_timezone(city).startswith("America/")
