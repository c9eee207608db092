"""The coach understands what owners type: "je sais pas", typos, near-commands, leaving,
the person in charge, passing an answer while editing."""

import pytest

from flows.questions import QUESTIONS
from tests.flows.build_messages import FULL_INTERVIEW, press
from tests.flows.test_interview import play, say, stored

DONT_KNOW = ["je sais pas", "Je ne sais pas.", "jsp", "aucune idée", "chais pas",
             "sais pas trop", "no idea", "I don't know", "pas sûr", "bof je sais pas"]


def reach(coach, question_id, user="u1"):
    """Answer every question before `question_id` with the clean interview."""
    index = [q.id for q in QUESTIONS].index(question_id)
    reply = play(coach, FULL_INTERVIEW[:index], user=user) if index else say(coach, "/start",
                                                                                user=user)
    assert reply.prompt == question_id
    return reply


@pytest.mark.parametrize("question", [q.id for q in QUESTIONS if q.id != "audience_networks"])
def test_dont_know_is_never_stored_and_says_why_the_answer_matters(coach, question):
    reach(coach, question)
    reply = say(coach, "je sais pas")
    assert reply.prompt == question  # the same question, asked again
    assert stored(coach).answers.get(question) is None
    assert "je sais pas" not in reply.text.lower()
    assert "par exemple" in reply.text.lower()


@pytest.mark.parametrize("typed", DONT_KNOW)
def test_dont_know_picks_the_i_dont_know_option_where_there_is_one(coach, typed):
    reach(coach, "audience_networks")
    reply = say(coach, typed)
    assert reply.prompt == "business_kind"
    assert stored(coach).answers["audience_networks"] == ["unknown"]


def test_dont_know_on_an_optional_question_offers_to_skip(coach):
    reach(coach, "target")
    reply = say(coach, "aucune idée")
    assert "passer" in reply.text
    assert say(coach, "passer").prompt == "audience_type"
    assert "target" not in stored(coach).answers


def test_the_objective_is_never_quoted_back_as_i_dont_know(coach):
    answers = ["je sais pas"] + FULL_INTERVIEW
    reply = play(coach, answers)
    assert reply.prompt == "plan"
    assert "je sais pas" not in reply.text


@pytest.mark.parametrize("typed, key_words", [
    ("pour être visible", "visible auprès de qui"),
    ("mes concurrents y sont", "visible auprès de qui"),
    ("tout le monde y est", "ne sont pas des objectifs"),
    ("bah", "pas compris l'objectif"),
])
def test_a_vague_objective_gets_the_seeds_push_back(coach, typed, key_words):
    reply = say(coach, typed)
    assert key_words in reply.text
    assert reply.prompt == "objective"
    assert "objective" not in stored(coach).answers


def test_a_typed_objective_that_names_an_option_counts_as_it(coach):
    say(coach, "trouver des clients dans le quartier")
    assert stored(coach).answers["objective"] == {
        "choice": "leads", "text": "trouver des clients dans le quartier"}


@pytest.mark.parametrize("typed, missing", [
    ("7", "de quoi, et pour quand"), ("10 clients", "par mois, ou d'ici quand"),
    ("10 par mois", "qu'est-ce qu'on compte"), ("1000 abonnés", "ne paient pas"),
])
def test_a_target_must_say_a_number_what_and_when(coach, typed, missing):
    reach(coach, "target")
    reply = say(coach, typed)
    assert missing in reply.text
    assert "target" not in stored(coach).answers


@pytest.mark.parametrize("typed", ["10 clients par mois", "vingt devis par mois",
                                   "3 recrutements d'ici juin", "5 rdv par semaine"])
def test_a_complete_target_is_stored(coach, typed):
    reach(coach, "target")
    assert say(coach, typed).prompt == "audience_type"
    assert stored(coach).answers["target"]["text"] == typed


@pytest.mark.parametrize("typed, expected", [
    ("Insta et FB", ["instagram", "facebook"]), ("facebok", ["facebook"]),
    ("linkdin, insta", ["linkedin", "instagram"]), ("1-3", ["facebook", "instagram",
                                                            "linkedin"]),
    ("tous", ["facebook", "instagram", "linkedin", "tiktok", "x", "pinterest", "youtube",
              "google_business"]),
    ("Instagram + fiche Google", ["instagram", "google_business"]),
])
def test_networks_are_matched_tolerantly(coach, typed, expected):
    reach(coach, "networks")
    assert say(coach, typed).prompt == "champion"
    assert stored(coach).answers["networks"] == expected


def test_an_almost_command_is_asked_about_not_stored(coach):
    say(coach, "2")
    reply = say(coach, "retoure")
    assert "Vous vouliez dire « retour » ?" in reply.text
    assert [o.value for o in reply.options] == ["yes", "no"]
    assert "target" not in stored(coach).answers
    assert say(coach, "oui").prompt == "objective"  # went back


def test_no_to_did_you_mean_takes_the_text_as_the_answer(coach):
    reach(coach, "customer")
    say(coach, "Expert")
    reply = say(coach, "non")
    assert reply.prompt == "problem"
    assert stored(coach).answers["customer"] == "Expert"


def test_did_you_mean_survives_a_restart_of_the_coach(coach):
    from flows.coach import Coach
    say(coach, "2")
    say(coach, "recomencer")
    again = Coach(coach.store)
    reply = again.handle(press("confirm_command", "yes"))[-1]
    assert "Tout recommencer ?" in reply.text


@pytest.mark.parametrize("word", ["stop", "quitter", "annuler", "cancel", "quit"])
def test_stop_leaves_the_question_with_the_answers_kept(coach, word):
    play(coach, FULL_INTERVIEW[:3])
    reply = say(coach, word)
    assert "gardées" in reply.text
    assert stored(coach).answers["audience_type"] == "b2b"
    assert say(coach, "Gérants de PME").prompt == "problem"  # picks up where it was


def test_cancel_while_editing_keeps_what_was_changed_and_the_rest(coach):
    play(coach, FULL_INTERVIEW)
    coach.handle(press("plan", "edit_resource"))
    say(coach, "Paul")
    reply = say(coach, "annuler")
    assert "déjà changé est gardé" in reply.text
    assert reply.prompt == "plan"
    user = stored(coach)
    assert (user.answers["champion"], user.answers["hours"]) == ("Paul", 3)
    assert (user.state, user.editing) == ("showing_plan", None)


def test_passer_while_editing_keeps_the_answer_and_effacer_clears_it(coach):
    play(coach, FULL_INTERVIEW)
    coach.handle(press("plan", "edit_why"))
    assert say(coach, "passer").prompt == "target"  # objective kept, though required
    reply = say(coach, "passer")
    assert "Réponse gardée" in reply.text
    assert stored(coach).answers["target"]["text"].startswith("10 demandes")
    coach.handle(press("plan", "edit_why"))
    say(coach, "passer")
    say(coach, "effacer")
    assert "target" not in stored(coach).answers


def test_effacer_cannot_clear_a_required_answer(coach):
    play(coach, FULL_INTERVIEW)
    coach.handle(press("plan", "edit_resource"))
    reply = say(coach, "effacer")
    assert "pas l'effacer" in reply.text
    assert stored(coach).answers["champion"] == "Julie, l'assistante"


@pytest.mark.parametrize("typed", ["Marie, la gérante", "moi, la gérante",
                                   "me, the founder", "Paul (mon associé)", "moi",
                                   "Julie - assistante commerciale"])
def test_one_person_with_a_role_is_one_person(coach, typed):
    reach(coach, "champion")
    assert say(coach, typed).prompt == "hours"
    assert stored(coach).answers["champion"] == typed


@pytest.mark.parametrize("typed, words", [
    ("Marie et Paul", "plusieurs personnes"), ("Marie, Paul", "plusieurs personnes"),
    ("moi et ma femme", "plusieurs personnes"), ("l'équipe", "travail de personne"),
    ("tout le monde", "travail de personne"), ("chacun son tour", "travail de personne"),
    ("-3", "nom ou le rôle"), ("30 min", "nom ou le rôle"), ("12", "nom ou le rôle"),
])
def test_not_one_person_is_refused_with_the_reason(coach, typed, words):
    reach(coach, "champion")
    reply = say(coach, typed)
    assert words in reply.text
    assert reply.prompt == "champion"
    assert "champion" not in stored(coach).answers


@pytest.mark.parametrize("typed, warning, absent", [
    ("mon apprenti", "du métier", "l'extérieur"),
    ("l'apprentie", "du métier", "l'extérieur"),
    ("une alternante", "du métier", "l'extérieur"),
    ("mon stagiaire", "du métier", "l'extérieur"),
    ("notre agence", "l'extérieur", "du métier"),
])
def test_a_learner_and_an_agency_get_different_warnings(coach, typed, warning, absent):
    answers = FULL_INTERVIEW[:8] + [typed] + FULL_INTERVIEW[9:]
    plan = play(coach, answers)
    details = coach.handle(press("plan", "details"))[-1]
    assert warning in plan.text + details.text
    assert absent not in plan.text + details.text


def test_a_surprising_hourly_cost_is_asked_before_it_is_stored(coach):
    reach(coach, "hourly_cost")
    reply = say(coach, "500 balles")
    assert "Vous voulez bien dire" in reply.text
    assert [o.value for o in reply.options] == ["yes", "no"]
    assert "hourly_cost" not in stored(coach).answers
    reply = say(coach, "non")
    assert reply.prompt == "hourly_cost" and "rien noté" in reply.text
    say(coach, "500 balles")
    assert say(coach, "oui").prompt == "budget"
    assert stored(coach).answers["hourly_cost"] == 500


def test_a_tiny_budget_is_asked_about(coach):
    reach(coach, "budget")
    reply = say(coach, "5")
    assert "Vous voulez bien dire" in reply.text
    assert "budget" not in stored(coach).answers
    reply = coach.handle(press("confirm_answer", "yes"))[-1]
    assert reply.prompt == "result_value"
    assert stored(coach).answers["budget"]["yearly"] == 5


def test_another_currency_is_named_back_then_used_everywhere(coach):
    from flows.i18n import money
    reach(coach, "budget")
    reply = say(coach, "1500 CHF")
    assert money("fr", 1500, "CHF") in reply.text and "sans conversion" in reply.text
    assert say(coach, "oui").prompt == "result_value"
    plan = say(coach, "passer")
    assert stored(coach).answers["currency"] == "CHF"
    assert money("fr", 1500, "CHF") in plan.text
    assert "€" not in plan.text


def test_a_converted_budget_is_said_back(coach):
    reach(coach, "budget")
    reply = say(coach, "2 500 € par trimestre")
    assert reply.prompt == "result_value"
    assert stored(coach).answers["budget"]["yearly"] == 10000
    assert "trimestre" in reply.text


@pytest.mark.parametrize("typed, hours", [("30mn", 0.5), ("1:30", 1.5), ("deux heures", 2),
                                          ("une demi-heure", 0.5), ("1 h 30", 1.5)])
def test_hours_typed_every_which_way(coach, typed, hours):
    reach(coach, "hours")
    assert say(coach, typed).prompt == "hourly_cost"
    assert stored(coach).answers["hours"] == hours


HURRIED_INTERVIEW = [
    "clinets",                                  # objective, a typo of « clients »: leads
    "dix demandes de devis par mois d'ici trois mois",
    "des pros",                                 # audience: businesses
    "gérants de restos indépendants à Lyon",
    "pas le temps pour la compta",
    "linkdin",                                  # audience networks
    "services aux entreprise",                  # business kind, a letter missing
    "linkdin et tik tok",                       # networks
    "Julie (l'assistante)",
    "trois heures",
    "quarante euros de l'heure",
    "200 balles par mois",
    "2000 balles",
]


def comparable(answers):
    """Return the answers a plan is computed from, without the owner's own wording."""
    target = answers["target"]
    return {"objective": answers["objective"]["choice"],
            "target": (target["number"], target["period"], target["horizon"]),
            "audience_type": answers["audience_type"],
            "audience_networks": answers["audience_networks"],
            "networks": answers["networks"], "hours": answers["hours"],
            "hourly_cost": answers["hourly_cost"], "budget": answers["budget"]["yearly"],
            "business_kind": answers["business_kind"],
            "result_value": answers["result_value"]}


def test_a_hurried_owner_ends_with_the_same_answers_as_a_careful_one(coach):
    careful = play(coach, FULL_INTERVIEW, user="careful")
    hurried = play(coach, HURRIED_INTERVIEW, user="hurried")
    assert careful.prompt == hurried.prompt == "plan"
    assert comparable(stored(coach, "hurried").answers) == \
        comparable(stored(coach, "careful").answers)
    assert stored(coach, "hurried").answers["champion"] == "Julie (l'assistante)"


def test_a_delivery_is_handled_once_and_a_failed_one_again(coach, monkeypatch):
    from flows.messages import Inbound
    first = Inbound("test", "u1", text="/start", delivery="41")
    assert coach.handle(first) and coach.handle(first) == []  # redelivered: nothing

    def broken(*_):
        raise RuntimeError("disk full")
    monkeypatch.setattr(coach.store, "save_user", broken)
    failing = Inbound("test", "u1", text="2", delivery="42")
    with pytest.raises(RuntimeError):
        coach.handle(failing)
    monkeypatch.undo()
    assert coach.handle(failing)[-1].prompt == "target"  # its redelivery is handled
