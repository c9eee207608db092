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
