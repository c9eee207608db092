"""The weekly check-in conversation, the report and the settings, on an injected clock."""

from datetime import datetime, timedelta, timezone

import pytest

import storage
from flows.coach import Coach
from flows.i18n import money
from flows.render import PLAN_CONFIRM, PLAN_PROMPT
from storage import checkins
from tests.clock import Clock
from tests.flows.build_messages import FULL_INTERVIEW, PLATFORM, press, text

UTC = timezone.utc
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # a Sunday


@pytest.fixture
def coach(fresh_db, clock):
    coach = Coach(fresh_db, "fr", "Europe/Paris", clock)
    for answer in FULL_INTERVIEW:
        coach.handle(text(answer))
    coach.handle(press(PLAN_PROMPT, PLAN_CONFIRM))
    return coach


def user_id(coach) -> int:
    return storage.load_user(coach.db, PLATFORM, "u1").id


def say(coach, *answers):
    replies = []
    for answer in answers:
        replies = coach.handle(text(answer))
    return replies


def test_confirming_the_plan_schedules_monday_nine_in_the_default_time_zone(fresh_db, clock):
    coach = Coach(fresh_db, "fr", "Europe/Paris", clock)
    for answer in FULL_INTERVIEW:
        coach.handle(text(answer))
    [reply] = coach.handle(press(PLAN_PROMPT, PLAN_CONFIRM))
    assert "chaque lundi à 09:00 (Europe/Paris)" in reply.text
    schedule, due = checkins.load_schedule(fresh_db, user_id(coach))
    assert due == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_a_whole_checkin_gives_a_verdict_figures_a_next_step_and_a_chart(coach):
    [question] = coach.handle(text("point"))
    assert "2026-W47" in question.text and "Combien d'heures" in question.text
    [split] = say(coach, "3")
    assert "entre LinkedIn, TikTok" in split.text
    assert [o.value for o in split.options] == ["skip"]
    [results] = say(coach, "LinkedIn 2, TikTok 1")
    assert "Combien de contacts ou devis" in results.text
    [revenue] = say(coach, "2")
    [verdict] = coach.handle(press("checkin_revenue", "skip"))
    assert verdict.text.startswith("Verdict : ")
    assert "3 h, 2 contacts ou devis" in verdict.text
    assert "👉 Prochaine étape" in verdict.text
    assert verdict.image.startswith(PNG)
    [week] = checkins.history(coach.db, user_id(coach))
    assert (week.hours, week.results, week.revenue) == (3, 2, None)
    assert week.hours_split == {"linkedin": 2, "tiktok": 1}


def test_hours_per_network_in_the_first_answer_skip_the_split_question(coach):
    coach.handle(text("point"))
    [results] = say(coach, "LinkedIn 1h30, TikTok 1")
    assert "Combien de contacts ou devis" in results.text
    [revenue] = say(coach, "linkedin 2 et tiktok 0")
    say(coach, "450 €")
    [week] = checkins.history(coach.db, user_id(coach))
    assert (week.hours, week.results, week.revenue) == (2.5, 2, 450)
    assert week.results_split == {"linkedin": 2, "tiktok": 0}


def test_likes_do_not_count_and_bad_input_is_asked_again(coach):
    coach.handle(text("point"))
    [again] = say(coach, "beaucoup")
    assert "nombre d'heures" in again.text and "Combien d'heures" in again.text
    say(coach, "0")
    [again] = say(coach, "40 likes")
    assert "Les likes et les abonnés ne paient pas les factures" in again.text
    [again] = say(coach, "LinkedIn 2, Bidule 1")
    assert "Je n'ai pas reconnu le réseau dans « bidule 1 »" in again.text
    record = checkins.load_checkin(coach.db, user_id(coach), "2026-W47")
    assert record.step == "results" and record.results is None


def test_three_dry_weeks_say_stop_meet_prospects_and_offer_the_strategy_again(coach, clock):
    for _ in range(3):
        coach.handle(text("point"))
        say(coach, "LinkedIn 3, TikTok 2", "0", "0")
        clock.now += timedelta(days=7)
    replies = coach.handle(text("rapport"))
    assert "Vos 3 derniers points" in replies[0].text and replies[0].image.startswith(PNG)
    coach.handle(text("point"))
    replies = say(coach, "LinkedIn 3, TikTok 2", "0", "0")
    assert "4 semaines de suite" in replies[0].text
    assert "près de chez vous" in replies[0].text
    assert replies[1].prompt == PLAN_PROMPT and {o.value for o in replies[1].options} >= {
        "edit_why", "edit_where"}
    [edit] = coach.handle(press(PLAN_PROMPT, "edit_where"))
    assert "Sur quels réseaux" in edit.text  # the strategy again, other answers kept


def test_commands_still_work_during_a_checkin_and_the_checkin_waits(coach):
    coach.handle(text("point"))
    [plan] = coach.handle(text("plan"))
    assert "Votre stratégie" in plan.text
    [split] = say(coach, "2")  # the answer still goes to the check-in
    assert "ces 2 h entre LinkedIn, TikTok" in split.text
    assert checkins.load_checkin(coach.db, user_id(coach), "2026-W47").hours == 2


def test_the_checkin_waits_for_a_confirmed_plan(fresh_db, clock):
    coach = Coach(fresh_db, "fr", "Europe/Paris", clock)
    coach.handle(text("bonjour"))
    [reply] = coach.handle(text("point"))
    assert "validons d'abord le plan" in reply.text


def test_settings_change_day_time_time_zone_pause_stop_and_resume(coach, clock):
    uid = user_id(coach)
    [shown] = coach.handle(text("réglages"))
    assert "lundi à 09:00 (Europe/Paris)" in shown.text and "réglages jour mardi" in shown.text
    coach.handle(text("réglages jour mardi"))
    coach.handle(text("réglages heure 8h30"))
    [reply] = coach.handle(text("réglages fuseau montreal"))
    assert "mardi à 08:30 (America/Montreal)" in reply.text
    assert checkins.load_schedule(coach.db, uid)[1] == datetime(2026, 11, 24, 13, 30,
                                                                 tzinfo=UTC)
    [reply] = coach.handle(text("réglages congés mardi"))
    assert "jours sans message" in reply.text
    coach.handle(text("réglages congés samedi dimanche"))
    [reply] = coach.handle(text("réglages pause 10/12"))
    assert "En pause jusqu'au 10 décembre" in reply.text
    assert checkins.load_schedule(coach.db, uid)[1] == datetime(2026, 12, 15, 13, 30,
                                                                 tzinfo=UTC)
    [reply] = coach.handle(text("réglages stop"))
    assert "arrêté" in reply.text and checkins.load_schedule(coach.db, uid)[1] is None
    coach.handle(text("réglages reprendre"))
    assert checkins.load_schedule(coach.db, uid)[1] == datetime(2026, 11, 24, 13, 30,
                                                                 tzinfo=UTC)
    [reply] = coach.handle(text("réglages fuseau Atlantide"))
    assert "fuseau horaire" in reply.text


def test_export_and_delete_include_the_checkins(coach):
    coach.handle(text("point"))
    say(coach, "0", "0", "0")
    [exported, *_] = coach.handle(text("export"))
    assert b'"checkins"' in exported.document.content and b"2026-W47" in exported.document.content
    coach.handle(text("supprimer"))
    coach.handle(text("oui"))
    assert coach.db["checkins"].count == 0 and coach.db["schedules"].count == 0


def test_figures_typed_in_a_hurry_are_understood_and_said_back(coach):
    coach.handle(text("point"))
    [results] = say(coach, "Facebook 0,5 Instagram 2")
    assert "hors de votre plan : Facebook, Instagram" in results.text
    record = checkins.load_checkin(coach.db, user_id(coach), "2026-W47")
    assert record.hours == 2.5 and record.hours_split == {"facebook": 0.5, "instagram": 2}
    [revenue] = say(coach, "vingt devis")
    assert checkins.load_checkin(coach.db, user_id(coach), "2026-W47").results == 20
    [*verdict] = say(coach, "1 000 €")
    assert checkins.load_checkin(coach.db, user_id(coach), "2026-W47").revenue == 1000


def test_a_range_of_hours_says_which_figure_was_kept(coach):
    coach.handle(text("point"))
    [split] = say(coach, "1 à 2 h")
    assert "je retiens 1,5 h" in split.text
    assert checkins.load_checkin(coach.db, user_id(coach), "2026-W47").hours == 1.5


def test_a_surprising_figure_is_asked_yes_or_no_before_it_is_saved(coach):
    coach.handle(text("point"))
    [doubt] = say(coach, "45")
    assert "45 heures par semaine ?" in doubt.text
    assert [o.value for o in doubt.options] == ["yes", "no"]
    assert checkins.load_checkin(coach.db, user_id(coach), "2026-W47").hours is None
    [again] = say(coach, "non")
    assert "Combien d'heures" in again.text
    say(coach, "45")
    [split] = say(coach, "oui")
    assert checkins.load_checkin(coach.db, user_id(coach), "2026-W47").hours == 45
    assert "entre LinkedIn, TikTok" in split.text


def test_revenue_in_another_currency_is_confirmed_once_then_kept(coach):
    coach.handle(text("point"))
    say(coach, "3", "passer", "2")
    [doubt] = say(coach, "500 CHF")
    assert money("fr", 500, "CHF") in doubt.text and "sans conversion" in doubt.text
    replies = say(coach, "oui")
    assert "CHF" in replies[0].text
    assert storage.load_user(coach.db, PLATFORM, "u1").answers["currency"] == "CHF"
    assert checkins.load_checkin(coach.db, user_id(coach), "2026-W47").revenue == 500


def test_stop_leaves_the_checkin_and_point_resumes_it_where_it_was(coach):
    coach.handle(text("point"))
    say(coach, "3")
    [left] = say(coach, "stop")
    assert "tapez « point »" in left.text
    [other] = say(coach, "merci")  # no longer taken as a check-in answer
    assert "Combien" not in other.text
    [resumed] = say(coach, "point")
    assert "On reprend" in resumed.text and "entre LinkedIn, TikTok" in resumed.text
    assert checkins.load_checkin(coach.db, user_id(coach), "2026-W47").hours == 3


def test_settings_read_cities_words_and_dates_in_words(coach):
    [reply] = coach.handle(text("réglages fuseau Lyon"))
    assert "(Europe/Paris)" in reply.text
    [reply] = coach.handle(text("réglages fuseau Bruxelles"))
    assert "(Europe/Brussels)" in reply.text
    [reply] = coach.handle(text("réglages heure midi"))
    assert "à 12:00" in reply.text
    [reply] = coach.handle(text("réglages pause lundi prochain"))
    assert "En pause jusqu'au 23 novembre" in reply.text
    [reply] = coach.handle(text("réglages pause 3 janvier"))
    assert "En pause jusqu'au 3 janvier 2027" in reply.text


@pytest.mark.parametrize("hint, zone", [("America/Montreal", "America/Montreal"),
                                        ("Not/AZone", "Europe/Paris"), (None, "Europe/Paris"),
                                        ("../../etc/passwd", "Europe/Paris")])
def test_the_platforms_time_zone_is_the_default_of_a_new_schedule(fresh_db, clock, hint,
                                                                   zone):
    from flows.messages import Inbound
    coach = Coach(fresh_db, "fr", "Europe/Paris", clock)
    for answer in FULL_INTERVIEW:
        coach.handle(text(answer))
    [reply] = coach.handle(Inbound(PLATFORM, "u1", text="1", timezone=hint))
    assert f"({zone})" in reply.text
    assert checkins.load_schedule(fresh_db, user_id(coach))[0].timezone == zone
