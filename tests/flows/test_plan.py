"""The plan as an owner reads it: one phone screen, the advice for their kind of business,
the details on demand, and no full plan again unless asked."""

import re

import pytest

from flows.coach import Coach
from flows.i18n import money
from flows.messages import made
from tests.flows.build_messages import FULL_INTERVIEW, PLATFORM, press, text

MAX_FIRST_MESSAGE = 1200

BAKERY = ["2", "30 commandes par mois", "2",
          "familles du quartier de la Croix-Rousse, à Lyon",
          "trouver du bon pain le dimanche", "Facebook, Instagram", "oui",
          "Facebook, Instagram, TikTok", "moi, la gérante", "3", "25", "50 par mois", "25"]
CONSULTANT = ["2", "2 missions par mois d'ici 6 mois", "1", "dirigeants de PME industrielles",
              "passer", "LinkedIn", "3", "LinkedIn", "moi", "4", "90", "0", "5000"]
TEA_SHOP = ["2", "40 commandes par mois", "2", "amateurs de thé partout en France", "passer",
            "Instagram, Pinterest", "2", "Instagram, Pinterest, Facebook",
            "Léa, notre alternante", "6", "20", "100 par mois", "35"]
HAIRDRESSER = ["Recruter", "2 coiffeurs d'ici septembre", "2",
               "jeunes coiffeurs diplômés de la région", "passer", "Instagram", "1",
               "Instagram", "moi", "2", "passer", "0", "passer"]
ASSOCIATION = ["Fidéliser une communauté", "passer", "3", "bénévoles et familles adhérentes",
               "passer", "je sais pas", "4", "Facebook, Instagram, LinkedIn, YouTube",
               "l'équipe", "moi", "1", "passer", "0", "passer"]
PERSONAS = {"bakery": BAKERY, "consultant": CONSULTANT, "tea shop": TEA_SHOP,
            "hairdresser": HAIRDRESSER, "association": ASSOCIATION}


@pytest.fixture
def coach(store):
    return Coach(store)


def play(coach, answers, user="u1"):
    reply = None
    for answer in answers:
        reply = coach.handle(text(answer, user=user))[-1]
    return reply


def answers_of(coach, user="u1"):
    return coach.store.load_user(PLATFORM, user).answers


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_first_message_fits_one_phone_screen_in_both_languages(coach, persona):
    plan = play(coach, PERSONAS[persona])
    assert plan.prompt == "plan", plan.text
    assert len(plan.text) <= MAX_FIRST_MESSAGE, (len(plan.text), plan.text)
    assert plan.text.count("\n1. ") == 1 and "\n4. " not in plan.text  # at most three
    coach.handle(text("language en"))
    english = play(coach, ["plan"])
    assert english.text.startswith("Your social-media strategy")
    assert len(english.text) <= MAX_FIRST_MESSAGE, (len(english.text), english.text)


@pytest.mark.parametrize("persona, kind, present, absent", [
    ("bakery", "local", ["fiche Google", "Gardez Facebook ; laissez Instagram, TikTok",
                         "3 h par semaine suffisent pour 1 réseau bien tenu"],
     ["LinkedIn", "après-vente", "fiches produits"]),
    ("consultant", "b2b", ["contacts LinkedIn bien choisis", "Bon choix : LinkedIn"],
     ["fiche Google", "après-vente", "fiches produits", "laissez"]),
    ("tea shop", "online", ["fiches produits", "Gardez Instagram, Pinterest ; laissez Facebook"],
     ["fiche Google", "LinkedIn"]),
    ("hairdresser", "local", ["fiche Google"], ["LinkedIn", "fiches produits"]),
    ("association", "other", ["Fixez un objectif chiffré", "Demandez à cinq clients"],
     ["fiche Google", "fiches produits", "LinkedIn bien choisis"]),
])
def test_each_business_hears_its_own_priorities(coach, persona, kind, present, absent):
    plan = play(coach, PERSONAS[persona])
    assert answers_of(coach)["business_kind"] == kind
    for words in present:
        assert words in plan.text, (words, plan.text)
    for words in absent:
        assert words not in plan.text, (words, plan.text)


def test_the_kind_of_business_is_guessed_and_confirmed_with_one_word(coach):
    question = play(coach, BAKERY[:6])
    assert question.prompt == "business_kind"
    assert "je dirais : « Commerce ou service de proximité" in question.text
    assert play(coach, ["oui"]).prompt == "networks"
    assert answers_of(coach)["business_kind"] == "local"


def test_the_details_hold_every_other_recommendation(coach):
    plan = play(coach, CONSULTANT)
    details = coach.handle(press("plan", "details"))[-1]
    assert details.text.startswith("Le détail de mes recommandations")
    assert f"{money('fr', 5000)} par résultat" in details.text  # the break-even
    assert "Mesurez chaque semaine" in details.text
    assert not set(plan.text.split("\n")) & set(details.text.split("\n")[1:-1]) - {""}
    assert play(coach, ["détail"]).text == details.text


def test_without_the_value_of_a_customer_the_plan_says_what_it_cannot_judge(coach):
    play(coach, HAIRDRESSER)
    details = play(coach, ["détail"])
    assert "je ne peux pas dire s'il paie" in details.text


def test_a_target_out_of_reach_is_said_plainly_with_a_first_figure(coach):
    answers = list(BAKERY)
    answers[1], answers[9] = "20 nouveaux clients par mois", "2"
    plan = play(coach, answers)
    assert "1. Visez d'abord 4 résultats par mois, pas 20." in plan.text
    assert "hors de portée" in plan.text


def test_a_break_even_the_target_does_not_cover_is_a_priority(coach):
    answers = list(CONSULTANT)
    answers[-1] = "300"
    plan = play(coach, answers)
    assert "il en faut" in plan.text and "pour qu'il paie" in plan.text


def test_coming_back_shows_where_the_user_is_not_the_whole_plan(store):
    coach = Coach(store)
    plan = play(coach, FULL_INTERVIEW)
    again = Coach(store).handle(text("/start"))[-1]  # after a restart of the bot
    assert again.text.startswith("Re-bonjour")
    assert len(again.text) < 250 and "À faire d'abord" not in again.text
    assert again.prompt == "plan" and [o.value for o in again.options][:2] == [
        "confirm", "details"]
    coach.handle(text("supprimer"))
    cancelled = coach.handle(text("non"))[-1]
    assert "rien n'a changé" in cancelled.text and "À faire d'abord" not in cancelled.text
    assert play(coach, ["plan"]).text == plan.text  # the whole plan on `plan`


def test_back_at_a_checkin_question_asks_it_again_in_a_line(store):
    coach = Coach(store)
    play(coach, FULL_INTERVIEW)
    coach.handle(press("plan", "confirm"))
    coach.handle(text("point"))
    reply = coach.handle(text("retour"))[-1]
    assert "À faire d'abord" not in reply.text and "Combien d'heures" in reply.text


def test_plan_pdf_sends_the_plan_on_one_page(coach):
    play(coach, CONSULTANT)
    coach.handle(press("plan", "confirm"))
    [reply] = coach.handle(text("plan pdf"))
    reply = made(reply)  # drawn after the transaction, as the adapters do
    assert reply.document.mime_type == "application/pdf"
    assert reply.document.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", reply.document.content)) == 1  # one page
    assert "sur une page" in reply.text


def test_plan_pdf_before_the_end_says_how_many_questions_are_left(coach):
    play(coach, CONSULTANT[:3])
    reply = coach.handle(text("pdf"))[-1]
    assert "Encore" in reply.text and reply.document is None
