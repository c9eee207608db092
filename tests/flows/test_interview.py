"""Whole interviews played on an in-memory database, as a user would."""

import json

import pytest

import storage
from flows.coach import Coach
from flows.i18n import money
from tests.flows.build_messages import FULL_INTERVIEW, PLATFORM, press, text
from tests.pg import count_rows


def say(coach, body, **kwargs):
    """Send typed text; return the last reply."""
    return coach.handle(text(body, **kwargs))[-1]


def play(coach, answers, user="u1"):
    reply = None
    for answer in answers:
        reply = say(coach, answer, user=user)
    return reply


def stored(coach, user="u1"):
    return coach.store.load_user(PLATFORM, user)


def test_start_greets_and_asks_the_first_question_in_french(coach):
    reply = say(coach, "/start")
    assert reply.text.startswith("Bonjour")
    assert "1/5 · POURQUOI" in reply.text
    assert reply.prompt == "objective"
    assert [o.value for o in reply.options][:2] == ["awareness", "leads"]


def test_a_full_interview_ends_with_the_plan_and_its_priorities(coach):
    value_question = play(coach, FULL_INTERVIEW[:-1])
    assert value_question.prompt == "result_value"
    assert f"Noté : {money('fr', 200)} par mois, soit {money('fr', 2400)} par an." in \
        value_question.text
    assert "un nouveau client ou une commande" in value_question.text  # the objective's
    reply = say(coach, FULL_INTERVIEW[-1])
    assert reply.prompt == "plan"
    assert "Votre stratégie réseaux sociaux" in reply.text
    assert "1. Gardez LinkedIn ; laissez TikTok de côté." in reply.text  # 3 h, no audience
    assert "Vos clients ne sont pas sur TikTok" in reply.text
    assert "LinkedIn bien choisis" in reply.text  # services to businesses: outreach
    assert len(reply.text) <= 1200
    assert [o.value for o in reply.options] == [
        "confirm", "details", "edit_why", "edit_who", "edit_where", "edit_resource",
        "edit_budget"]
    user = stored(coach)
    assert user.state == "showing_plan"
    assert user.answers["networks"] == ["linkedin", "tiktok"]
    assert user.answers["budget"] == {"yearly": 2400.0, "monthly": 200.0}
    assert user.answers["hours"] == 3


def test_progress_marker_follows_the_sections(coach):
    markers = [say(coach, a).text.split("\n")[0] for a in FULL_INTERVIEW[:11]]
    assert markers == ["1/5 · POURQUOI", "2/5 · QUI", "2/5 · QUI", "2/5 · QUI",
                       "2/5 · QUI", "2/5 · QUI", "3/5 · OÙ", "4/5 · RESSOURCE",
                       "4/5 · RESSOURCE", "4/5 · RESSOURCE", "5/5 · BUDGET"]


def test_confirming_the_plan_saves_it(coach):
    play(coach, FULL_INTERVIEW)
    reply = coach.handle(press("plan", "confirm"))[-1]
    assert "Plan validé" in reply.text
    assert stored(coach).state == "plan_confirmed"
    assert "Votre plan est validé" in say(coach, "plan").text


def test_after_confirmation_other_text_gets_a_short_reminder(coach):
    play(coach, FULL_INTERVIEW)
    say(coach, "1")
    reply = say(coach, "merci !")
    assert reply.text.startswith("Votre plan est validé")
    assert "À faire d'abord" not in reply.text
    assert [o.value for o in reply.options][:2] == ["details", "edit_why"]


def test_back_returns_to_the_previous_question_and_shows_the_answer(coach):
    play(coach, FULL_INTERVIEW[:3])
    reply = say(coach, "retour")
    assert reply.prompt == "audience_type"
    assert "Réponse actuelle : Des entreprises" in reply.text
    assert say(coach, "back").prompt == "target"


def test_back_on_the_first_question_says_so(coach):
    reply = say(coach, "retour")
    assert "première question" in reply.text and reply.prompt == "objective"


def test_help_explains_and_stays(coach):
    play(coach, FULL_INTERVIEW[:1])
    reply = say(coach, "aide")
    assert "Pas de stratégie sans objectif" in reply.text
    assert reply.prompt == "target"
    assert stored(coach).state == "asking_target"


def test_skip_passes_optional_questions_only(coach):
    play(coach, FULL_INTERVIEW[:1])
    assert say(coach, "passer").prompt == "audience_type"
    assert "target" not in stored(coach).answers
    reply = say(coach, "skip")
    assert "ne peut pas être passée" in reply.text and reply.prompt == "audience_type"


def test_a_skipped_target_gives_the_set_a_target_advice(coach):
    answers = list(FULL_INTERVIEW)
    answers[1] = "passer"
    reply = play(coach, answers)
    assert "Fixez un objectif chiffré" in reply.text


def test_restart_asks_for_confirmation_then_starts_over(coach):
    play(coach, FULL_INTERVIEW[:4])
    reply = say(coach, "recommencer")
    assert reply.prompt == "confirm_restart"
    assert say(coach, "non").prompt == "problem"
    assert stored(coach).answers["audience_type"] == "b2b"
    say(coach, "restart")
    reply = coach.handle(press("confirm_restart", "yes"))[-1]
    assert reply.prompt == "objective" and "depuis le début" in reply.text
    assert stored(coach).answers == {}


def test_editing_one_section_keeps_the_others_and_shows_the_plan_again(coach):
    play(coach, FULL_INTERVIEW)
    before = stored(coach).answers
    reply = coach.handle(press("plan", "edit_where"))[-1]
    assert reply.prompt == "networks" and reply.selected == ("linkedin", "tiktok")
    reply = coach.handle(press("networks", "linkedin"))[-1]
    assert reply.prompt == "plan"
    assert "Reconsidérez" not in reply.text
    after = stored(coach).answers
    assert after["networks"] == ["linkedin"]
    assert {k: v for k, v in after.items() if k != "networks"} == \
        {k: v for k, v in before.items() if k != "networks"}


def test_editing_by_typing_the_option_number(coach):
    play(coach, FULL_INTERVIEW)
    reply = say(coach, "7")  # Modifier BUDGET
    assert reply.prompt == "budget"
    assert say(coach, "15k").prompt == "result_value"
    reply = say(coach, "passer")  # the value of a customer is kept
    assert reply.prompt == "plan" and f"budget {money('fr', 15000)} par an" in reply.text
    assert stored(coach).answers["result_value"] == 2000


def test_switching_language_asks_the_current_question_again(coach):
    play(coach, FULL_INTERVIEW[:2])
    reply = say(coach, "language en")
    assert reply.text.startswith("Noted: I'll go on in English.")
    assert "2/5 · WHO" in reply.text and "Who are your customers?" in reply.text
    reply = say(coach, "langue fr")
    assert "Qui sont vos clients ?" in reply.text


def test_language_without_argument_offers_the_choice(coach):
    reply = say(coach, "langue")
    assert reply.prompt == "language"
    reply = coach.handle(press("language", "en"))[-1]
    assert "What is your main objective?" in reply.text
    assert stored(coach).language_chosen


def test_platform_language_is_used_until_the_user_chooses(coach):
    assert "What is your main objective?" in say(coach, "/start", language="en-GB").text
    assert "Quel est votre objectif" in say(coach, "/start", user="u2", language="de").text


def test_interview_in_english_with_english_words(coach):
    say(coach, "/start", language="en")
    reply = play(coach, ["Find customers (leads, sales)", "skip", "Businesses",
                         "Independent restaurant owners", "skip", "LinkedIn",
                         "services to businesses", "linkedin and instagram", "Julie", "6",
                         "skip", "15,000 €", "skip"])
    assert "Your social-media strategy" in reply.text
    assert "budget €15,000 a year" in reply.text
    assert "Keep LinkedIn; leave Instagram aside." in reply.text


@pytest.mark.parametrize("body, expected", [
    ("", "Je n'ai rien reçu"),
    ("   ", "Je n'ai rien reçu"),
    ("🙂🙂🙂", "Je n'ai pas trouvé de mots"),
    ("x" * 5000, "C'est un peu long (5000 caractères)"),
])
def test_unusable_text_gets_a_clear_reask(coach, body, expected):
    play(coach, FULL_INTERVIEW[:3])
    reply = say(coach, body)
    assert expected in reply.text and reply.prompt == "customer"
    assert "customer" not in stored(coach).answers


@pytest.mark.parametrize("body, expected", [
    ("-3", "nombre négatif"), ("500", "500 heures par semaine"), ("0", "Avec 0 heure"),
    ("beaucoup", "nombre d'heures"),
])
def test_impossible_hours_get_a_reask(coach, body, expected):
    play(coach, FULL_INTERVIEW[:9])
    reply = say(coach, body)
    assert expected in reply.text and reply.prompt == "hours"


@pytest.mark.parametrize("body", ["9", "0", "1,2", "snapchat"])
def test_unknown_options_get_a_reask(coach, body):
    play(coach, FULL_INTERVIEW[:2])
    reply = say(coach, body)
    assert reply.prompt == "audience_type"
    assert "choix" in reply.text


def test_a_bad_reason_gets_a_kind_push_back(coach):
    reply = say(coach, "c'est incontournable")
    assert "ne sont pas des objectifs" in reply.text and reply.prompt == "objective"
    assert "objective" not in stored(coach).answers


def test_other_objective_is_described_in_words(coach):
    reply = coach.handle(press("objective", "other"))[-1]
    assert "Décrivez votre objectif" in reply.text and reply.prompt == "objective"
    reply = say(coach, "Faire venir du monde à nos ateliers")
    assert reply.prompt == "target"
    assert stored(coach).answers["objective"] == {
        "choice": "other", "text": "Faire venir du monde à nos ateliers"}


def test_everybody_as_champion_is_pushed_back(coach):
    play(coach, FULL_INTERVIEW[:8])
    reply = say(coach, "tout le monde")
    assert "ce n'est le travail de personne" in reply.text and reply.prompt == "champion"


def test_i_dont_know_does_not_combine_with_networks(coach):
    play(coach, FULL_INTERVIEW[:5])
    reply = say(coach, "1,10")
    assert "ne se combine pas" in reply.text and reply.prompt == "audience_networks"


def test_a_stale_button_changes_nothing(coach):
    play(coach, FULL_INTERVIEW[:3])
    before = stored(coach)
    reply = coach.handle(press("objective", "recruiting"))[-1]
    assert reply.text == "Cette question a déjà sa réponse : rien n'a changé."
    after = stored(coach)
    assert after.answers == before.answers and after.state == before.state


def test_plan_before_the_end_says_how_many_questions_are_left(coach):
    play(coach, FULL_INTERVIEW[:9])
    reply = say(coach, "plan")
    assert "Encore 4 questions ;" in reply.text and reply.prompt == "hours"
    play(coach, FULL_INTERVIEW[9:12])
    assert "Encore 1 question ;" in say(coach, "plan").text


def test_export_gives_everything_stored_as_json(coach):
    play(coach, FULL_INTERVIEW[:4])
    export = coach.handle(text("exporter"))[0]
    data = json.loads(export.document.content)
    assert data["user"]["platform_user_id"] == "u1"
    assert data["answers"]["customer"]["value"] == FULL_INTERVIEW[3]


def test_delete_after_confirmation_removes_everything(coach):
    play(coach, FULL_INTERVIEW[:4])
    assert say(coach, "supprimer").prompt == "confirm_delete"
    assert say(coach, "oui").text.startswith("C'est fait")
    assert stored(coach) is None
    assert count_rows(coach.store, "answers") == 0
    assert say(coach, "bonjour").text.startswith("Bonjour")


def test_delete_can_be_cancelled(coach):
    play(coach, FULL_INTERVIEW[:4])
    say(coach, "delete")
    coach.handle(press("confirm_delete", "no"))
    assert stored(coach).answers["customer"] == FULL_INTERVIEW[3]


def test_another_message_drops_a_pending_confirmation(coach):
    play(coach, FULL_INTERVIEW[:4])
    say(coach, "recommencer")
    reply = say(coach, "Ils manquent de temps")
    assert reply.prompt == "audience_networks"
    assert stored(coach).pending is None


def test_users_are_kept_apart(coach):
    play(coach, FULL_INTERVIEW[:3], user="alice")
    play(coach, FULL_INTERVIEW[:1], user="bob")
    assert stored(coach, "alice").state == "asking_customer"
    assert stored(coach, "bob").state == "asking_target"


def test_a_new_coach_on_the_same_database_resumes_where_the_user_was(store):
    play(Coach(store), FULL_INTERVIEW[:5])
    reply = say(Coach(store), "/start")
    assert reply.text.startswith("Re-bonjour")
    assert reply.prompt == "audience_networks"
    assert reply.text.count("\n") > 2  # the question itself follows the greeting


def test_an_unknown_saved_state_resumes_at_the_first_missing_answer(coach):
    play(coach, FULL_INTERVIEW[:3])
    user = stored(coach)
    user.state = "asking_something_removed"
    coach.store.save_user(user, dict(user.answers))
    assert say(coach, "/start").prompt == "customer"


@pytest.mark.sqlite_only  # breaks SQLite's save half-way, between its statements
def test_a_failed_save_leaves_the_old_state_and_answers(coach, monkeypatch):
    play(coach, FULL_INTERVIEW[:3])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(storage.users, "upsert_answers", broken)  # after the users row
    with pytest.raises(RuntimeError):
        say(coach, "Restaurants")
    user = stored(coach)
    assert user.state == "asking_customer" and "customer" not in user.answers


def test_a_message_failing_after_the_save_leaves_the_old_state_and_answers(coach,
                                                                           monkeypatch):
    play(coach, FULL_INTERVIEW[:3])

    save_user = coach.store.save_user

    def broken(*args, **kwargs):  # once the users row and the answers are written
        save_user(*args, **kwargs)
        raise RuntimeError("disk full")
    monkeypatch.setattr(coach.store, "save_user", broken)
    with pytest.raises(RuntimeError):
        say(coach, "Restaurants")
    user = stored(coach)
    assert user.state == "asking_customer" and "customer" not in user.answers
