"""Input that cannot be stored or is out of range: a re-ask, never an exception, and never
a bad value stored (on both databases: PostgreSQL refuses NUL and infinite figures)."""

from datetime import datetime, timezone

import pytest

from flows.coach import Coach
from flows.messages import Inbound
from flows.render import PLAN_CONFIRM, PLAN_PROMPT
from tests.clock import Clock
from tests.flows.build_messages import FULL_INTERVIEW, PLATFORM, press, text

UTC = timezone.utc
KEY = "2026-11-22"
CUSTOMER = FULL_INTERVIEW.index("Gérants de restaurants indépendants à Lyon")
NETWORKS = FULL_INTERVIEW.index("3,4")
HOURLY = FULL_INTERVIEW.index("40")


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # a Sunday


@pytest.fixture
def coach(store, clock):
    return Coach(store, "fr", "Europe/Paris", clock)


def play(coach, answers):
    replies = []
    for answer in answers:
        replies = coach.handle(text(answer))
    return replies


def confirmed(coach):
    play(coach, FULL_INTERVIEW)
    coach.handle(press(PLAN_PROMPT, PLAN_CONFIRM))
    return coach


def answers(coach):
    return coach.store.load_user(PLATFORM, "u1").answers


# Not parametrized: each case runs on PostgreSQL too (see tests/conftest.py).
UNSTORABLE = [
    ("Gérants de bars \ud83d à Lyon", "Gérants de bars à Lyon"),  # half an emoji
    ("Gérants\x00 de bars\x1b[0m à Lyon", "Gérants de bars[0m à Lyon"),
    ("Gérants de bars\r\nà Lyon", "Gérants de bars à Lyon"),
    ("Gérants de bars\u2028à Lyon\ufffe", "Gérants de bars à Lyon"),
]


def test_what_cannot_be_stored_is_dropped_and_the_answer_kept(coach):
    play(coach, FULL_INTERVIEW[:CUSTOMER])
    for typed, kept in UNSTORABLE:
        [reply] = coach.handle(text(typed))
        assert reply.prompt == "problem"  # taken, the next question asked
        assert answers(coach)["customer"] == kept
        coach.handle(text("retour"))


def test_odd_digits_and_lone_surrogates_get_a_re_ask(coach):
    for typed in ["3²", "\ud800", "\x00", "፫", "9" * 5000, "--0", "1e400"]:
        [reply] = coach.handle(text(typed))
        assert reply.prompt == "objective", typed
        assert answers(coach) == {}


@pytest.mark.parametrize("typed", ["٢", "²", "２"])  # Arabic-Indic, superscript, wide
def test_digits_of_another_script_choose_an_option(coach, typed):
    [reply] = coach.handle(text(typed))
    assert reply.prompt == "target"
    assert answers(coach)["objective"] == {"choice": "leads"}


def test_a_repeated_choice_is_stored_once(coach):
    play(coach, FULL_INTERVIEW[:NETWORKS])
    coach.handle(press("networks", "linkedin", "linkedin", "tiktok"))
    assert answers(coach)["networks"] == ["linkedin", "tiktok"]


def test_a_range_of_options_that_never_ends_is_refused_at_once(coach):
    play(coach, FULL_INTERVIEW[:NETWORKS])
    [reply] = coach.handle(text("1-99999999999"))
    assert reply.prompt == "networks" and "networks" not in answers(coach)


def test_a_target_beyond_any_count_is_asked_again(coach):
    play(coach, FULL_INTERVIEW[:1])
    [reply] = coach.handle(text("1" + "0" * 400 + " clients par mois"))
    assert reply.prompt == "target" and "au plus" in reply.text
    assert "target" not in answers(coach)


@pytest.mark.parametrize("typed", ["0.001 €/h", "10000000 € par jour", "0,001"])
def test_an_hourly_cost_outside_its_limits_is_never_stored(coach, typed):
    play(coach, FULL_INTERVIEW[:HOURLY])
    replies = coach.handle(text(typed))
    assert replies[-1].prompt == "hourly_cost"
    assert "hourly_cost" not in answers(coach)


def test_hours_that_round_to_nothing_are_asked_again_in_a_checkin(coach, store):
    confirmed(coach)
    coach.handle(text("point"))
    [reply] = coach.handle(text("0.001"))
    assert "moins d'une minute" in reply.text
    user = store.load_user(PLATFORM, "u1")
    assert store.load_checkin(user.id, KEY).hours is None


def test_hours_per_network_beyond_a_week_are_asked_again(coach, store):
    confirmed(coach)
    coach.handle(text("point"))
    [reply] = coach.handle(text("linkedin 60, tiktok 60"))
    assert "120 heures par semaine" in reply.text
    user = store.load_user(PLATFORM, "u1")
    assert store.load_checkin(user.id, KEY).hours is None


@pytest.mark.parametrize("typed", ["réglages pause 9999-12-31", "réglages pause 31/12/9999",
                                   "réglages pause dans 99999999 semaines",
                                   "réglages pause dans 500 ans"])
def test_a_pause_past_two_years_is_refused_and_the_schedule_kept(coach, store, typed):
    confirmed(coach)
    user = store.load_user(PLATFORM, "u1")
    before = store.load_schedule(user.id)
    [reply] = coach.handle(text(typed))
    assert "une pause dure deux ans au plus" in reply.text
    assert store.load_schedule(user.id) == before


def test_a_day_off_typed_as_a_number_out_of_the_week_is_refused(coach, store):
    confirmed(coach)
    [reply] = coach.handle(text("réglages repos 8"))
    assert "jour" in reply.text
    user = store.load_user(PLATFORM, "u1")
    schedule, _ = store.load_schedule(user.id)
    assert schedule.days_off == frozenset()


def test_a_time_zone_hint_no_machine_knows_leaves_the_default(coach, store):
    play(coach, FULL_INTERVIEW)
    coach.handle(Inbound(PLATFORM, "u1", text="1", timezone="Europe/" + "x" * 5000))
    user = store.load_user(PLATFORM, "u1")
    schedule, _ = store.load_schedule(user.id)
    assert schedule.timezone == "Europe/Paris"


def test_hours_per_network_in_the_interview_are_limited_and_doubted_as_a_total(coach):
    play(coach, FULL_INTERVIEW[:HOURLY - 1])  # up to the hours
    [reply] = coach.handle(text("facebook 60, instagram 60"))
    assert "120 heures par semaine" in reply.text and reply.prompt == "hours"
    [doubt] = coach.handle(text("linkedin 36, tiktok 1"))
    assert "Vous voulez bien dire 37 heures par semaine" in doubt.text
    coach.handle(text("oui"))
    assert answers(coach)["hours"] == 37


def test_what_a_customer_brings_that_rounds_to_nothing_is_asked_again(coach):
    play(coach, FULL_INTERVIEW[:-1])
    [reply] = coach.handle(text("0,001"))
    assert reply.prompt == "result_value" and "result_value" not in answers(coach)
