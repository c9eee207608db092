"""What people type in a weekly check-in and in the settings, and the clear refusals."""

from datetime import date, time

import pytest

from flows.when import parse_date, parse_days, parse_time, parse_timezone
from flows.parsing import (InvalidAnswer, parse_count, parse_revenue, parse_split,
                           parse_week_hours)
from flows.render import aliases

NETWORKS = aliases("networks")


@pytest.mark.parametrize("typed, hours", [("3", 3), ("1h30", 1.5), ("0", 0), ("aucune", 0),
                                          ("Rien", 0), ("45 min", 0.75)])
def test_week_hours(typed, hours):
    assert parse_week_hours(typed) == pytest.approx(hours)


@pytest.mark.parametrize("typed, split", [
    ("LinkedIn 2, Instagram 1h30", {"linkedin": 2, "instagram": 1.5}),
    ("2 sur linkedin et 1 sur facebook", {"linkedin": 2, "facebook": 1}),
    ("linkedin 1; linkedin 2", {"linkedin": 3}),
])
def test_hours_per_network(typed, split):
    assert parse_split(typed, NETWORKS, parse_week_hours) == split


def test_a_plain_number_is_no_split_and_an_unknown_network_is_named_back():
    assert parse_split("3", NETWORKS, parse_week_hours) is None
    with pytest.raises(InvalidAnswer) as refused:
        parse_split("LinkedIn 2, Mastodonte 1", NETWORKS, parse_count)
    assert refused.value.params == {"part": "mastodonte 1"}


@pytest.mark.parametrize("typed, key", [
    ("40 likes", "checkin.problem.vanity"), ("200 abonnés", "checkin.problem.vanity"),
    ("1000 vues", "checkin.problem.vanity"), ("beaucoup", "checkin.problem.not_a_count"),
    ("-2", "problem.negative"), ("", "problem.empty"),
])
def test_results_refuse_vanity_figures_and_non_numbers(typed, key):
    with pytest.raises(InvalidAnswer) as refused:
        parse_count(typed)
    assert refused.value.key == key


@pytest.mark.parametrize("typed, count", [("3 devis", 3), ("aucun", 0), ("0", 0)])
def test_results(typed, count):
    assert parse_count(typed) == count


@pytest.mark.parametrize("typed, euros", [("450 €", 450), ("1,2k", 1200), ("rien", 0)])
def test_revenue(typed, euros):
    assert parse_revenue(typed) == euros


@pytest.mark.parametrize("typed, at", [("9:00", time(9)), ("8h30", time(8, 30)),
                                       ("18.15", time(18, 15)), ("7h", time(7))])
def test_times(typed, at):
    assert parse_time(typed) == at


@pytest.mark.parametrize("typed", ["25:00", "9:75", "bientôt", ""])
def test_bad_times(typed):
    with pytest.raises(InvalidAnswer):
        parse_time(typed)


@pytest.mark.parametrize("typed, zone", [("Europe/Paris", "Europe/Paris"),
                                         ("montreal", "America/Montreal"),
                                         ("new york", "America/New_York"),
                                         ("tokyo", "Asia/Tokyo")])
def test_time_zones_by_name_or_city(typed, zone):
    assert parse_timezone(typed) == zone


def test_days_and_dates():
    assert parse_days("samedi dimanche") == {5, 6}
    assert parse_days("sat, sun") == {5, 6}
    today = date(2026, 11, 22)
    assert parse_date("2026-12-24", today) == date(2026, 12, 24)
    assert parse_date("24/12", today) == date(2026, 12, 24)
    assert parse_date("3/1", today) == date(2027, 1, 3)  # the next 3 January
    assert parse_date("demain", today) == date(2026, 11, 23)
    for bad in ("31/02", "un jour"):
        with pytest.raises(InvalidAnswer):
            parse_date(bad, today)
