"""Parsers: what people really type, and the clear refusals for what cannot be used."""

import pytest

from flows.answers import parse_champion, parse_reason, parse_target
from flows.choices import parse_choices
from flows.parsing import (InvalidAnswer, parse_amount, parse_budget, parse_hourly_cost,
                           parse_hours, clean_text)


@pytest.mark.parametrize("typed, yearly, monthly", [
    ("15 000 €", 15000, None),
    ("15\u202f000 €", 15000, None),
    ("15k", 15000, None),
    ("15 K€", 15000, None),
    ("1,5 k€", 1500, None),
    ("1.5k", 1500, None),
    ("2000 euros par an", 2000, None),
    ("200/mois", 2400, 200),
    ("200 € par mois", 2400, 200),
    ("300 a month", 3600, 300),
    ("15,000", 15000, None),
    ("15.000 €", 15000, None),
    ("1 500,50 €", 1500.5, None),
    ("€15,000", 15000, None),
    ("0", 0, None),
    ("aucun", 0, None),
    ("Rien", 0, None),
])
def test_amounts_are_read_as_people_type_them(typed, yearly, monthly):
    amount = parse_amount(typed)
    assert amount.yearly == pytest.approx(yearly)
    assert amount.monthly == monthly


def test_budget_keeps_the_monthly_figure_it_came_from():
    noted = parse_budget("200/mois")  # converted: said back as a Noted
    assert noted.value == {"yearly": 2400.0, "monthly": 200.0} and noted.key == "notice.monthly"
    assert parse_budget("5k") == {"yearly": 5000.0}


@pytest.mark.parametrize("typed, key", [
    ("beaucoup", "problem.not_an_amount"),
    ("-500", "problem.negative"),
    ("99999999999", "problem.amount_too_big"),
    ("", "problem.empty"),
    ("💸💸", "problem.no_words"),
])
def test_unusable_amounts_are_refused_with_a_reason(typed, key):
    with pytest.raises(InvalidAnswer) as refusal:
        parse_amount(typed)
    assert refusal.value.key == key


@pytest.mark.parametrize("typed, hours", [
    ("3", 3), ("2,5", 2.5), ("2.5", 2.5), ("3h", 3), ("1h30", 1.5), ("1 h 30", 1.5),
    ("90 min", 1.5), ("2 heures par semaine", 2), ("4 hours", 4),
])
def test_hours_a_week(typed, hours):
    assert parse_hours(typed) == hours


@pytest.mark.parametrize("typed, key", [
    ("-3", "problem.negative"), ("0", "problem.zero_hours"),
    ("500", "problem.too_many_hours"), ("beaucoup", "problem.hours.not_a_number"),
    ("   ", "problem.empty"),
])
def test_impossible_hours_are_refused(typed, key):
    with pytest.raises(InvalidAnswer) as refusal:
        parse_hours(typed)
    assert refusal.value.key == key


def test_hourly_cost_in_range():
    assert parse_hourly_cost("35 €/h") == 35
    with pytest.raises(InvalidAnswer) as refusal:
        parse_hourly_cost("5000")
    assert refusal.value.key == "problem.rate_out_of_range"


def test_target_needs_a_number_and_reads_its_period():
    target = parse_target("10 leads qualifiés par mois d'ici 3 mois")
    assert target["number"] == 10 and target["period"] == "month" and target["horizon"]
    with pytest.raises(InvalidAnswer) as refusal:  # a number and what, but not when
        parse_target("50 clients")
    assert refusal.value.key == "problem.target.needs_when"
    with pytest.raises(InvalidAnswer) as refusal:
        parse_target("plein de clients")
    assert refusal.value.key == "problem.target_needs_number"


@pytest.mark.parametrize("typed", ["tout le monde", "Tout le monde !", "toute l'équipe",
                                   "everybody", "the team", "Personne"])
def test_everybody_is_not_a_champion(typed):
    with pytest.raises(InvalidAnswer) as refusal:
        parse_champion(typed)
    assert refusal.value.key == "problem.everybody"


def test_a_named_champion_is_kept():
    assert parse_champion("  Julie,  l'assistante ") == "Julie, l'assistante"


@pytest.mark.parametrize("typed", ["Tout le monde y est", "on n'a pas le choix",
                                   "C'est incontournable", "everybody is there"])
def test_bad_reasons_are_pushed_back(typed):
    with pytest.raises(InvalidAnswer) as refusal:
        parse_reason(typed)
    assert refusal.value.key == "problem.bad_reason"


def test_text_that_is_too_long_is_refused_with_its_length():
    with pytest.raises(InvalidAnswer) as refusal:
        clean_text("a" * 1000)
    assert refusal.value.key == "problem.too_long"
    assert refusal.value.params == {"max": 300, "length": 1000}


VALUES = ("facebook", "instagram", "linkedin")
ALIASES = {"facebook": "facebook", "instagram": "instagram", "linkedin": "linkedin"}


@pytest.mark.parametrize("typed, chosen", [
    ("1,3", ("facebook", "linkedin")), ("1 3", ("facebook", "linkedin")),
    ("3, 1, 3", ("linkedin", "facebook")), ("LinkedIn", ("linkedin",)),
    ("facebook et instagram", ("facebook", "instagram")),
])
def test_choices_by_number_or_label(typed, chosen):
    assert parse_choices(typed, VALUES, ALIASES, multi=True) == chosen


@pytest.mark.parametrize("typed, multi, key", [
    ("4", True, "problem.unknown_option"), ("0", False, "problem.unknown_option"),
    ("-1", False, "problem.unknown_option"), ("snapchat", True, "problem.unknown_option"),
    ("1,2", False, "problem.single_choice"),
])
def test_bad_choices_are_refused(typed, multi, key):
    with pytest.raises(InvalidAnswer) as refusal:
        parse_choices(typed, VALUES, ALIASES, multi=multi)
    assert refusal.value.key == key
