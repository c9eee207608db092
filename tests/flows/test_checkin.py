"""The weekly check-in conversation, the report and the settings, on an injected clock."""

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from flows import chart, checkin
from flows.coach import Coach
from flows.i18n import money
from flows.messages import made
from flows.schedule import period_at
from flows.verdict import WeekReport, judge
from flows.render import PLAN_CONFIRM, PLAN_PROMPT
from tests.clock import Clock
from tests.flows.build_messages import FULL_INTERVIEW, PLATFORM, press, text
from tests.pg import count_rows

UTC = timezone.utc
PNG = b"\x89PNG\r\n\x1a\n"
KEY = "2026-11-22"  # the period of Monday 23 November's check-in: 16 to 22 November


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # a Sunday


@pytest.fixture
def coach(store, clock):
    coach = Coach(store, "fr", "Europe/Paris", clock)
    for answer in FULL_INTERVIEW:
        coach.handle(text(answer))
    coach.handle(press(PLAN_PROMPT, PLAN_CONFIRM))
    return coach


def user_id(coach) -> int:
    return coach.store.load_user(PLATFORM, "u1").id


def say(coach, *answers):
    replies = []
    for answer in answers:
        replies = coach.handle(text(answer))
    return replies


def test_confirming_the_plan_schedules_monday_nine_in_the_default_time_zone(store, clock):
    coach = Coach(store, "fr", "Europe/Paris", clock)
    for answer in FULL_INTERVIEW:
        coach.handle(text(answer))
    [reply] = coach.handle(press(PLAN_PROMPT, PLAN_CONFIRM))
    assert "chaque lundi à 09:00 (Europe/Paris)" in reply.text
    schedule, due = store.load_schedule(user_id(coach))
    assert due == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_a_whole_checkin_gives_a_verdict_figures_a_next_step_and_a_chart(coach):
    [question] = coach.handle(text("point"))
    assert "semaine du 15 au 21 novembre" in question.text  # the seven days to yesterday
    assert "Combien d'heures" in question.text and "2026" not in question.text
    [split] = say(coach, "3")
    assert "entre LinkedIn, TikTok" in split.text
    assert [o.value for o in split.options] == ["skip"]
    [results] = say(coach, "LinkedIn 2, TikTok 1")
    assert "Combien de demandes de rendez-vous" in results.text
    [revenue] = say(coach, "2")
    [verdict] = coach.handle(press("checkin_revenue", "skip"))
    assert verdict.text.startswith("Verdict : ")
    assert "3 h, 2 demandes de rendez-vous" in verdict.text
    assert "👉 Prochaine étape" in verdict.text
    assert made(verdict).image.startswith(PNG)
    [week] = coach.store.history(user_id(coach))
    assert (week.hours, week.results, week.revenue) == (3, 2, None)
    assert week.hours_split == {"linkedin": 2, "tiktok": 1}


def test_hours_per_network_in_the_first_answer_skip_the_split_question(coach):
    coach.handle(text("point"))
    [results] = say(coach, "LinkedIn 1h30, TikTok 1")
    assert "Combien de demandes de rendez-vous" in results.text
    [revenue] = say(coach, "linkedin 2 et tiktok 0")
    say(coach, "450 €")
    [week] = coach.store.history(user_id(coach))
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
    record = coach.store.load_checkin(user_id(coach), KEY)
    assert record.step == "results" and record.results is None


def test_three_dry_weeks_say_stop_meet_prospects_and_offer_the_strategy_again(coach, clock):
    for _ in range(3):
        coach.handle(text("point"))
        say(coach, "LinkedIn 3, TikTok 2", "0", "0")
        clock.now += timedelta(days=7)
    replies = coach.handle(text("rapport"))
    assert "Vos 3 derniers points" in replies[0].text and made(replies[0]).image.startswith(PNG)
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
    assert coach.store.load_checkin(user_id(coach), KEY).hours == 2


def test_the_checkin_waits_for_a_confirmed_plan(store, clock):
    coach = Coach(store, "fr", "Europe/Paris", clock)
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
    assert coach.store.load_schedule(uid)[1] == datetime(2026, 11, 24, 13, 30,
                                                                 tzinfo=UTC)
    [reply] = coach.handle(text("réglages congés mardi"))
    assert "jours sans message" in reply.text
    coach.handle(text("réglages congés samedi dimanche"))
    [reply] = coach.handle(text("réglages pause 10/12"))
    assert "En pause jusqu'au 10 décembre" in reply.text
    assert coach.store.load_schedule(uid)[1] == datetime(2026, 12, 15, 13, 30,
                                                                 tzinfo=UTC)
    [reply] = coach.handle(text("réglages stop"))
    assert "arrêté" in reply.text and coach.store.load_schedule(uid)[1] is None
    coach.handle(text("réglages reprendre"))
    assert coach.store.load_schedule(uid)[1] == datetime(2026, 11, 24, 13, 30,
                                                                 tzinfo=UTC)
    [reply] = coach.handle(text("réglages fuseau Atlantide"))
    assert "fuseau horaire" in reply.text


def test_export_and_delete_include_the_checkins(coach):
    coach.handle(text("point"))
    say(coach, "0", "0", "0")
    [exported, *_] = coach.handle(text("export"))
    assert b'"checkins"' in exported.document.content and b"2026-11-15" in exported.document.content
    data = json.loads(exported.document.content)
    uid, weeks = data["user"]["id"], [c["week"] for c in data["checkins"]]
    coach.handle(text("supprimer"))
    coach.handle(text("oui"))
    assert weeks and all(coach.store.load_checkin(uid, week) is None for week in weeks)
    assert coach.store.load_schedule(uid) is None
    assert count_rows(coach.store, "checkins") == 0 and count_rows(coach.store, "schedules") == 0


def test_figures_typed_in_a_hurry_are_understood_and_said_back(coach):
    coach.handle(text("point"))
    [results] = say(coach, "Facebook 0,5 Instagram 2")
    assert "hors de votre plan : Facebook, Instagram" in results.text
    record = coach.store.load_checkin(user_id(coach), KEY)
    assert record.hours == 2.5 and record.hours_split == {"facebook": 0.5, "instagram": 2}
    [revenue] = say(coach, "vingt devis")
    assert coach.store.load_checkin(user_id(coach), KEY).results == 20
    [*verdict] = say(coach, "1 000 €")
    assert coach.store.load_checkin(user_id(coach), KEY).revenue == 1000


def test_a_range_of_hours_says_which_figure_was_kept(coach):
    coach.handle(text("point"))
    [split] = say(coach, "1 à 2 h")
    assert "je retiens 1,5 h" in split.text
    assert coach.store.load_checkin(user_id(coach), KEY).hours == 1.5


def test_a_surprising_figure_is_asked_yes_or_no_before_it_is_saved(coach):
    coach.handle(text("point"))
    [doubt] = say(coach, "45")
    assert "45 heures par semaine ?" in doubt.text
    assert [o.value for o in doubt.options] == ["yes", "no"]
    assert coach.store.load_checkin(user_id(coach), KEY).hours is None
    [again] = say(coach, "non")
    assert "Combien d'heures" in again.text
    say(coach, "45")
    [split] = say(coach, "oui")
    assert coach.store.load_checkin(user_id(coach), KEY).hours == 45
    assert "entre LinkedIn, TikTok" in split.text


def test_revenue_in_another_currency_is_confirmed_once_then_kept(coach):
    coach.handle(text("point"))
    say(coach, "3", "passer", "2")
    [doubt] = say(coach, "500 CHF")
    assert money("fr", 500, "CHF") in doubt.text and "sans conversion" in doubt.text
    replies = say(coach, "oui")
    assert "CHF" in replies[0].text
    assert coach.store.load_user(PLATFORM, "u1").answers["currency"] == "CHF"
    assert coach.store.load_checkin(user_id(coach), KEY).revenue == 500


def test_stop_leaves_the_checkin_and_point_resumes_it_where_it_was(coach):
    coach.handle(text("point"))
    say(coach, "3")
    [left] = say(coach, "stop")
    assert "tapez « point »" in left.text
    [other] = say(coach, "merci")  # no longer taken as a check-in answer
    assert "Combien" not in other.text
    [resumed] = say(coach, "point")
    assert "On reprend" in resumed.text and "entre LinkedIn, TikTok" in resumed.text
    assert coach.store.load_checkin(user_id(coach), KEY).hours == 3


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
def test_the_platforms_time_zone_is_the_default_of_a_new_schedule(store, clock, hint,
                                                                   zone):
    from flows.messages import Inbound
    coach = Coach(store, "fr", "Europe/Paris", clock)
    for answer in FULL_INTERVIEW:
        coach.handle(text(answer))
    [reply] = coach.handle(Inbound(PLATFORM, "u1", text="1", timezone=hint))
    assert f"({zone})" in reply.text
    assert store.load_schedule(user_id(coach))[0].timezone == zone


# the seven days a check-in is about, named by dates
MONDAY_NINE_PARIS = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_the_monday_checkin_asks_about_the_seven_days_just_ended_by_dates(coach, clock):
    clock.now = MONDAY_NINE_PARIS
    schedule, _ = coach.store.load_schedule(user_id(coach))
    [due] = coach.store.due_checkins(clock.now, (PLATFORM,))
    coach.store.claim_checkin(due, period_at(schedule, clock.now), clock.now, None,
                           None)
    [intro] = coach.nudge(PLATFORM, "u1", reminder=False)
    assert "semaine écoulée" in intro.text
    assert "passées sur les réseaux sociaux du 16 au 22 novembre ?" in intro.text
    assert "W4" not in intro.text and "2026" not in intro.text
    [reminder] = coach.nudge(PLATFORM, "u1", reminder=True)
    assert "Petit rappel" in reminder.text and "du 16 au 22 novembre" in reminder.text
    say(coach, "3", "passer", "2")
    [verdict] = say(coach, "0")
    assert "Du 16 au 22 novembre : 3 h, 2 demandes de rendez-vous" in verdict.text
    record = coach.store.load_checkin(user_id(coach), KEY)
    assert (record.first_day, record.last_day) == (date(2026, 11, 16), date(2026, 11, 22))


def test_a_point_on_wednesday_after_the_monday_checkin_is_the_same_week(coach, clock):
    clock.now = MONDAY_NINE_PARIS + timedelta(hours=1)
    coach.handle(text("point"))
    say(coach, "3", "passer", "2", "0")
    clock.now += timedelta(days=2)
    [asked] = coach.handle(text("point"))
    assert asked.text == ("Vous avez déjà fait le point de la semaine du 16 au 22 novembre "
                          "(3 h, 2 demandes de rendez-vous). Remplacer ces chiffres ?")
    assert asked.prompt == "checkin_replace"
    assert [o.label for o in asked.options] == ["Oui, remplacer", "Non, garder"]


def test_a_second_checkin_for_the_same_week_keeps_the_figures_on_no(coach):
    coach.handle(text("point"))
    say(coach, "3", "passer", "2", "0")
    [asked] = coach.handle(text("point"))
    assert "Remplacer ces chiffres ?" in asked.text and "(3 h, 2 demandes" in asked.text
    [kept] = coach.handle(press("checkin_replace", "skip"))
    assert kept.text.startswith("Rien ne change")
    assert "semaine du 15 au 21 novembre reste à 3 h, 2 demandes de rendez-vous" in kept.text
    [week] = coach.store.history(user_id(coach))
    assert (week.hours, week.results) == (3, 2)
    coach.handle(text("point"))
    [kept] = say(coach, "non")
    assert kept.text.startswith("Rien ne change")
    [other] = say(coach, "4")  # no check-in open any more: not taken as hours
    assert coach.store.history(user_id(coach))[0].hours == 3


def test_a_second_checkin_for_the_same_week_replaces_the_figures_on_yes(coach):
    coach.handle(text("point"))
    say(coach, "3", "passer", "2", "450 €")
    coach.handle(text("point"))
    [unclear] = say(coach, "peut-être")
    assert "« oui » pour remplacer" in unclear.text and unclear.prompt == "checkin_replace"
    [again] = coach.handle(press("checkin_replace", "replace"))
    assert "Combien d'heures" in again.text and "du 15 au 21 novembre" in again.text
    [week] = coach.store.history(user_id(coach))  # nothing replaced before it is said
    assert (week.hours, week.results, week.revenue) == (3, 2, 450)
    say(coach, "5", "passer", "1")
    [verdict] = coach.handle(press("checkin_revenue", "skip"))
    assert "5 h, 1 demande de rendez-vous" in verdict.text
    [week] = coach.store.history(user_id(coach))
    assert (week.hours, week.results, week.revenue) == (5, 1, None)


def test_the_report_and_the_checkin_show_the_same_cost_for_the_same_week(coach):
    coach.handle(text("point"))
    [verdict] = say(coach, "3", "passer", "2", "0")
    cost = money("fr", 3 * 40 + 200 * 12 / 47)  # the hours and a week of the budget
    assert f"pour un coût estimé de {cost}" in verdict.text
    [report] = coach.handle(text("rapport"))
    assert f"• du 15 au 21 novembre : 3 h, 2 demandes de rendez-vous, coût estimé {cost}" \
        in report.text
    assert "W4" not in report.text


def test_weeks_without_a_result_say_so_without_a_cost_per_result(coach, clock):
    for _ in range(2):
        coach.handle(text("point"))
        replies = say(coach, "4", "passer", "0", "0")
        clock.now += timedelta(days=7)
    assert "Sur 2 semaines : 8 h et aucun résultat encore." in replies[0].text
    assert "—" not in replies[0].text


def test_the_verdict_says_whether_the_time_pays_with_the_value_of_a_result(coach):
    coach.handle(text("point"))
    [verdict] = say(coach, "3", "passer", "1", "0")
    assert f"Ça paie : {money('fr', 2000)} rapportés" in verdict.text


def test_without_a_value_of_a_result_the_verdict_says_it_cannot_tell_and_how_to_fix_it(
        coach):
    user = coach.store.load_user(PLATFORM, "u1")
    previous = dict(user.answers)
    user.answers.pop("result_value")
    coach.store.save_user(user, previous)
    coach.handle(text("point"))
    say(coach, "3", "passer", "1")
    [verdict] = coach.handle(press("checkin_revenue", "skip"))
    assert "Je ne peux pas dire si ce temps paie" in verdict.text
    assert "« plan »" in verdict.text


def test_the_chart_has_dates_the_plans_lines_and_the_verdict_in_a_few_words(coach,
                                                                            monkeypatch):
    drawn = []
    monkeypatch.setattr(chart, "chart_png", lambda *args, **kwargs: drawn.append(
        (args, kwargs)) or PNG)
    coach.handle(text("point"))
    [verdict] = say(coach, "3", "passer", "2", "0")
    [report] = coach.handle(text("rapport"))
    assert not drawn  # drawn by the adapters, after the transaction
    assert made(verdict).image == made(report).image == PNG
    for (weeks, texts, planned, pace), kwargs in drawn:
        assert [w.label for w in weeks] == ["15–21 nov."]
        assert (weeks[0].hours, weeks[0].results) == (3, 2)
        assert texts.hours == "Heures sur les réseaux"
        assert texts.results == "Demandes de rendez-vous"
        assert texts.planned == "Prévu : 3 h" and texts.target.startswith("Objectif : 2,")
        assert texts.caption == "Ça paie : 2 demandes de rendez-vous pour 3 h"
        assert planned == 3 and pace == pytest.approx(120 / 47) and kwargs["decimal_comma"]
    assert len(drawn) == 2


# words and figures, unit by unit
@pytest.mark.parametrize("language, first, last, days, name, label", [
    ("fr", date(2026, 11, 16), date(2026, 11, 22), "du 16 au 22 novembre",
     "semaine du 16 au 22 novembre", "16–22 nov."),
    ("fr", date(2026, 11, 30), date(2026, 12, 6), "du 30 novembre au 6 décembre",
     "semaine du 30 novembre au 6 décembre", "30 nov.\u2009–\u20096 déc."),
    ("en", date(2026, 11, 16), date(2026, 11, 22), "from 16 to 22 November",
     "week of 16 to 22 November", "Nov 16\u2009–\u200922"),
    ("en", date(2026, 12, 28), date(2027, 1, 3), "from 28 December 2026 to 3 January 2027",
     "week of 28 December 2026 to 3 January 2027", "Dec 28\u2009–\u2009Jan 3"),
])
def test_the_week_in_words_and_as_a_chart_label(language, first, last, days, name, label):
    assert checkin.days_text(language, first, last) == days
    assert checkin.period_name(language, first, last) == name
    assert checkin.short_label(language, first, last) == label


def test_old_keys_still_give_their_days():
    assert checkin.days_of("2026-W48") == (date(2026, 11, 23), date(2026, 11, 29))
    assert checkin.days_of("2026-11-22") == (date(2026, 11, 16), date(2026, 11, 22))


@pytest.mark.parametrize("objective, kind, n, expected", [
    ("leads", "local", 2, "nouveaux clients ou commandes"),
    ("leads", "b2b", 2, "demandes de rendez-vous"),
    ("leads", "b2b", 1, "demande de rendez-vous"),
    ("leads", None, 2, "contacts ou devis"),  # a plan made before the kind was asked
    ("recruiting", "local", 2, "candidatures"),
    ("other", "online", 1, "commande"),
])
def test_what_counts_as_a_result_fits_the_objective_and_the_business(objective, kind, n,
                                                                     expected):
    answers = {"objective": {"choice": objective}}
    if kind:
        answers["business_kind"] = kind
    assert checkin.result_name("fr", answers, n) == expected


def test_a_one_network_plan_never_gets_a_split_hint(store, clock):
    desk = checkin.CheckinDesk(store, "Europe/Paris", clock)
    plan = {"objective": {"choice": "leads"}, "networks": ["linkedin"], "hours": 4,
            "target": {"text": "8 devis par mois", "number": 8, "period": "month"}}
    verdict = judge(plan, [WeekReport("2026-11-15", 4, 1), WeekReport("2026-11-22", 4, 0)])
    assert "Instagram" not in desk.next_text("fr", verdict, plan)
    assert "détailler par réseau" not in desk.ask("fr", "hours", plan).text
    several = {**plan, "networks": ["linkedin", "tiktok"]}
    hint = desk.next_text("fr", judge(several, [WeekReport("2026-11-15", 4, 1),
                                                WeekReport("2026-11-22", 4, 0)]), several)
    assert "« LinkedIn 2, TikTok 0 »" in hint and "Instagram" not in hint


def test_dont_know_in_a_checkin_asks_for_an_estimate_or_skips(coach):
    coach.handle(text("point"))
    [again] = say(coach, "je sais pas")
    assert "Une estimation suffit" in again.text
    [split] = say(coach, "3")
    [results] = say(coach, "aucune idée")  # the split is optional: skipped
    assert results.text.startswith("D'accord, on passe.")
    [again] = say(coach, "jsp")
    assert "Comptez seulement ce dont vous êtes sûr" in again.text


def test_one_message_is_one_transaction_a_failure_saves_nothing_of_it(coach, monkeypatch):
    coach.handle(text("point"))

    def broken(*_):
        raise RuntimeError("disk full")
    monkeypatch.setattr(coach.store, "save_user", broken)
    with pytest.raises(RuntimeError):
        coach.handle(text("3"))
    monkeypatch.undo()
    record = coach.checkins.open_record(user_id(coach))
    assert record.step == "hours" and record.hours is None  # the figure was rolled back


def test_settings_buttons_each_set_what_their_label_shows(coach, clock):
    uid = user_id(coach)
    coach.handle(text("réglages congés mardi"))
    [shown] = coach.handle(text("réglages"))
    assert shown.prompt == checkin.SETTINGS_PROMPT
    assert [o.label for o in shown.options] == [
        "Le mercredi", "Plus tôt : 08:30", "Plus tard : 09:30", "Pause d'une semaine",
        "Arrêter le point"]  # Tuesday is a day off: the next day is Wednesday
    by_label = {o.label: o.value for o in shown.options}
    [reply] = coach.handle(press(checkin.SETTINGS_PROMPT, by_label["Pause d'une semaine"]))
    assert "En pause jusqu'au" in reply.text
    assert coach.store.load_schedule(uid)[0].paused_until == date(2026, 11, 29)
    coach.handle(press(checkin.SETTINGS_PROMPT, by_label["Plus tôt : 08:30"]))
    coach.handle(press(checkin.SETTINGS_PROMPT, by_label["Le mercredi"]))
    schedule = coach.store.load_schedule(uid)[0]
    assert (schedule.weekday, schedule.at.strftime("%H:%M")) == (2, "08:30")
    coach.handle(text("réglages heure 23h45"))
    [late] = coach.handle(text("réglages"))
    assert "Plus tard : 00:15" in [o.label for o in late.options]  # past midnight
    for forged in ("day:9", "time:", "nothing"):
        [answer] = coach.handle(press(checkin.SETTINGS_PROMPT, forged))
        assert answer.notice and "déjà" in answer.text
    [refused] = coach.handle(press(checkin.SETTINGS_PROMPT, "day:1"))  # a day off now
    assert "jours sans message : choisissez-en un autre" in refused.text
    assert coach.store.load_schedule(uid)[0].weekday == 2


def test_settings_buttons_before_a_confirmed_plan_change_nothing(store, clock):
    fresh = Coach(store, "fr", "Europe/Paris", clock)
    fresh.handle(text("start", user="u2"))
    [answer] = fresh.handle(press(checkin.SETTINGS_PROMPT, "stop", user="u2"))
    assert answer.notice
    assert store.load_schedule(store.load_user(PLATFORM, "u2").id) is None


def test_an_unreachable_user_is_not_nudged_until_they_can_be_reached(coach, clock):
    uid = user_id(coach)
    assert coach.set_reachable(PLATFORM, "u1", False)
    assert coach.store.load_schedule(uid)[1] is None
    assert coach.store.due_checkins(clock() + timedelta(days=8), (PLATFORM,)) == []
    assert not coach.set_reachable(PLATFORM, "u1", False)  # once
    say(coach, "rapport")  # they write: they can be reached
    assert coach.store.load_schedule(uid)[1] == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    say(coach, "réglages stop")  # a schedule they stopped themselves stays stopped
    assert not coach.set_reachable(PLATFORM, "u1", True)
    assert coach.store.load_schedule(uid)[1] is None
    assert not coach.set_reachable(PLATFORM, "nobody", False)
