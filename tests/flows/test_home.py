"""The home page's overview and the settings form (flows/home.py), on both databases."""

from __future__ import annotations

from datetime import date, time as clock_time

from flows import home
from flows.messages import Choice, Inbound
from flows.render import PLAN_CONFIRM, PLAN_PROMPT
from tests.flows.build_messages import FULL_INTERVIEW

FORM = {"day": "lundi", "time": "09:00", "timezone": "Europe/Paris", "days_off": "",
        "active": "on", "pause": ""}


def confirmed(coach, user="42"):
    for answer in FULL_INTERVIEW:
        coach.handle(Inbound("slack", user, text=answer))
    coach.handle(Inbound("slack", user, choice=Choice(PLAN_PROMPT, (PLAN_CONFIRM,))))


def test_the_overview_follows_the_member_from_first_contact_to_the_plan(coach):
    assert home.overview(coach, "slack", "42").stage == home.NEW
    coach.handle(Inbound("slack", "42", text="start"))
    started = home.overview(coach, "slack", "42")
    assert (started.stage, started.remaining) == (home.INTERVIEW, 13)
    confirmed(coach)
    done = home.overview(coach, "slack", "42")
    assert done.stage == home.PLAN and 1 <= len(done.priorities) <= 3
    assert all(do and why for do, why in done.priorities)
    assert "lundi à 09:00" in done.schedule_text and done.weeks == ()


def test_a_wrong_field_saves_nothing_and_each_error_is_named(coach):
    confirmed(coach)
    user_id = coach.store.load_user("slack", "42").id
    before = coach.store.load_schedule(user_id)
    errors = home.save_settings(coach, "slack", "42", {
        **FORM, "day": "samedi", "days_off": "samedi, dimanche", "timezone": "Atlantide",
        "pause": "2020-01-01", "time": "25:99"})
    assert set(errors) == {"day", "timezone", "pause", "time"}
    assert coach.store.load_schedule(user_id) == before


def test_a_right_form_saves_every_field_at_once(coach):
    confirmed(coach)
    assert home.save_settings(coach, "slack", "42", {
        **FORM, "day": "mardi", "time": "08:30", "timezone": "Montréal",
        "days_off": "samedi, dimanche", "pause": "2099-12-24"}) == {}
    schedule, due = coach.store.load_schedule(coach.store.load_user("slack", "42").id)
    assert (schedule.weekday, schedule.at, schedule.timezone, schedule.days_off,
            schedule.paused_until) == (1, clock_time(8, 30), "America/Montreal",
                                       frozenset({5, 6}), date(2099, 12, 24))
    assert due.date() >= date(2099, 12, 24)
    # an emptied date ends the pause; "stopped" wins over a date
    assert home.save_settings(coach, "slack", "42", {**FORM, "active": "stopped",
                                                    "pause": "2099-12-24"}) == {}
    schedule, _ = coach.store.load_schedule(coach.store.load_user("slack", "42").id)
    assert schedule.stopped and schedule.paused_until is None
    assert home.save_settings(coach, "slack", "42", FORM) == {}
    schedule, _ = coach.store.load_schedule(coach.store.load_user("slack", "42").id)
    assert not schedule.stopped and schedule.paused_until is None


def test_settings_before_the_plan_is_confirmed_are_refused_kindly(coach):
    errors = home.save_settings(coach, "slack", "42", FORM)
    assert list(errors) == ["day"] and "plan" in errors["day"]


def test_a_checkin_form_saves_every_figure_at_once_or_nothing(coach, store):
    confirmed(coach)
    form = home.checkin_form(coach, "slack", "42")
    assert form.split and not form.answered and "du " in form.period
    user_id = coach.store.load_user("slack", "42").id
    errors = home.save_checkin(coach, "slack", "42", {"hours": "beaucoup", "results": ""})
    assert set(errors) == {"hours", "results"}
    assert store.history(user_id) == []  # nothing half-saved
    doubt = home.save_checkin(coach, "slack", "42", {"hours": "3", "results": "1",
                                                      "revenue": "450 $"})
    assert list(doubt) == ["revenue"] and "?" in doubt["revenue"]
    assert home.save_checkin(coach, "slack", "42", {
        "hours": "1 h 30", "split": "LinkedIn 1, TikTok 0,5", "results": "2",
        "revenue": ""}) == {}
    [week] = store.history(user_id)
    assert (week.hours, week.hours_split, week.results, week.revenue) == (
        1.5, {"linkedin": 1.0, "tiktok": 0.5}, 2.0, None)
    assert home.checkin_form(coach, "slack", "42").answered
    assert home.checkin_verdict(coach, "slack", "42")[0].text  # the verdict, after commit
    # the same period again: its figures are replaced, not added
    assert home.save_checkin(coach, "slack", "42", {"hours": "4", "results": "0"}) == {}
    [week] = store.history(user_id)
    assert (week.hours, week.hours_split or None, week.results) == (4.0, None, 0.0)


def test_forms_checked_only_save_nothing_and_give_the_same_errors(coach, store):
    confirmed(coach)
    user_id = coach.store.load_user("slack", "42").id
    before = coach.store.load_schedule(user_id)
    wrong = {**FORM, "timezone": "Atlantide"}
    assert home.save_settings(coach, "slack", "42", wrong, save=False) == \
        home.save_settings(coach, "slack", "42", wrong)
    assert home.save_settings(coach, "slack", "42", {**FORM, "day": "mardi"},
                              save=False) == {}
    assert coach.store.load_schedule(user_id) == before  # checked, not saved
    assert list(home.save_checkin(coach, "slack", "42", {"hours": "beaucoup",
                                                          "results": "1"}, save=False)) == [
        "hours"]
    assert home.save_checkin(coach, "slack", "42", {"hours": "3", "results": "1"},
                             save=False) == {}
    assert store.history(user_id) == []
