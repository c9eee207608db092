"""The weekly verdict: each rule, its figures, and its next step."""

from datetime import date

import pytest

from flows.verdict import (WeekReport, best_network, break_even_weeks, dry_streak,
                           dry_weeks_to_stop, horizon_weeks, idle_networks, judge, payback,
                           week_cost, week_value)

PLAN = {"objective": {"choice": "leads"}, "hours": 4, "hourly_cost": 40,
        "budget": {"yearly": 4700}, "networks": ["linkedin", "instagram"],
        "target": {"text": "8 devis par mois", "number": 8, "period": "month"}}


def week(n, hours, results, **extra):
    return WeekReport(f"2026-W{n:02d}", hours, results, **extra)


def test_a_week_costs_its_hours_plus_a_share_of_the_budget():
    assert week_cost(PLAN, 4) == 4 * 40 + 100  # 4,700 € over 47 working weeks


def test_on_track_with_cost_and_hours_per_result():
    verdict = judge(PLAN, [week(47, 4, 3)])
    assert (verdict.key, verdict.next_step) == ("on_track", "keep_going")
    assert verdict.params["cost"] == 260
    assert verdict.params["cost_per_result"] == pytest.approx(260 / 3)
    assert verdict.params["hours_per_result"] == pytest.approx(4 / 3)


def test_more_hours_than_planned_and_nothing_to_show():
    verdict = judge(PLAN, [week(47, 9, 0)])
    assert (verdict.key, verdict.next_step) == ("over_hours", "back_to_plan")


def test_more_hours_than_planned_that_paid_off_is_on_track_but_costly():
    verdict = judge(PLAN, [week(47, 9, 5)])
    assert (verdict.key, verdict.next_step) == ("on_track_costly", "trim_hours")


def test_below_target_refocuses_on_the_network_that_brings_results():
    weeks = [week(45, 4, 1, hours_split={"linkedin": 2, "instagram": 2},
                  results_split={"linkedin": 1, "instagram": 0}),
             week(46, 4, 1, hours_split={"linkedin": 1, "instagram": 3},
                  results_split={"linkedin": 1})]
    verdict = judge(PLAN, weeks)
    assert (verdict.key, verdict.next_step) == ("below_target", "refocus")
    assert verdict.params["best"] == "linkedin" and verdict.params["others"] == ["instagram"]


def test_below_target_without_per_network_results_asks_for_them():
    verdict = judge(PLAN, [week(46, 4, 1), week(47, 4, 0)])
    assert (verdict.key, verdict.next_step) == ("below_target", "split_results")


def test_weeks_of_hours_with_no_result_say_stop_and_meet_prospects():
    verdict = judge(PLAN, [week(44, 4, 2), week(45, 4, 0), week(46, 3, 0), week(47, 5, 0)])
    assert (verdict.key, verdict.next_step) == ("no_results", "meet_prospects")
    assert verdict.params["dry_weeks"] == 3


def test_one_or_two_dry_weeks_are_a_warning_not_a_stop():
    plan = {**PLAN, "target": None}
    verdict = judge(plan, [week(46, 4, 0), week(47, 4, 0)])
    assert (verdict.key, verdict.next_step) == ("no_result_yet", "follow_up")
    assert dry_streak([week(46, 4, 0), week(47, 0, 0)]) == 0  # a week off breaks it


def test_no_time_this_week():
    verdict = judge({**PLAN, "target": None}, [week(47, 0, 0)])
    assert (verdict.key, verdict.next_step) == ("no_time", "book_time")


def test_four_weeks_figures():
    weeks = [week(n, 4, r) for n, r in zip(range(43, 48), (9, 1, 2, 3, 2))]
    params = judge(PLAN, weeks).params
    assert params["weeks"] == 4 and params["recent_hours"] == 16
    assert params["recent_results"] == 8  # the oldest week is out of the window


def test_the_default_hourly_cost_is_used_when_the_plan_has_none():
    plan = {"hours": 2, "objective": {"choice": "leads"}}
    assert judge(plan, [week(47, 2, 1)]).params["cost"] == 60  # 30 €/h


def test_best_network_needs_results():
    weeks = [week(47, 3, 0, hours_split={"linkedin": 3}, results_split={"linkedin": 0})]
    assert best_network(weeks) == (None, [])


# money: what the results are worth against what the weeks cost
def test_a_weeks_value_is_its_revenue_or_its_results_at_the_value_of_a_result():
    assert week_value(week(47, 4, 2), 500) == 1000
    assert week_value(week(47, 4, 2, revenue=1500), 500) == 1500
    assert week_value(week(47, 4, 0, revenue=0), None) == 0
    assert week_value(week(47, 4, 2), None) is None


def test_break_even_weeks_at_a_margin_a_week():
    assert break_even_weeks(0, 50) == 0
    assert break_even_weeks(600, 200) == 3
    assert break_even_weeks(601, 200) == 4
    assert break_even_weeks(600, 0) is None and break_even_weeks(600, -10) is None


def test_the_time_pays_when_the_results_are_worth_more_than_the_weeks_cost():
    plan = {**PLAN, "result_value": 200}  # a week costs 260 €
    paying = payback(plan, [week(46, 4, 2), week(47, 4, 1)])
    assert (paying.status, paying.value, paying.cost) == ("paying", 600, 520)
    assert payback(plan, [week(47, 4, 1)]).status == "not_paying"


def test_break_even_in_weeks_when_recent_weeks_pay_but_the_first_ones_did_not():
    plan = {**PLAN, "result_value": 200}
    weeks = [week(40, 4, 0), week(41, 4, 0), week(42, 4, 0), week(43, 4, 0),  # -1040 €
             week(44, 4, 2), week(45, 4, 2), week(46, 4, 2), week(47, 4, 2)]  # +140 € a week
    result = payback(plan, weeks)
    assert (result.status, result.in_weeks) == ("break_even", 4)  # 480 € left at 140 €


def test_revenue_typed_in_checkins_is_enough_to_judge_without_a_result_value():
    assert payback(PLAN, [week(47, 4, 1, revenue=900)]).status == "paying"
    assert payback(PLAN, [week(47, 4, 1)]).status == "unknown"


# the horizon of the target
@pytest.mark.parametrize("text, weeks", [
    ("10 clients d'ici 6 mois", 26), ("20 leads within 6 months", 26),
    ("5 rendez-vous par mois dans les trois prochains mois", 13),
    ("1 embauche d'ici un an", 52), ("2 clients par semaine", None),
    ("30 devis d'ici juin", 31.4), ("50 commandes en 2027", 57.7),
    ("100 orders by the end of the year", 5.6)])
def test_the_horizon_of_a_target_in_weeks(text, weeks):
    found = horizon_weeks(text, date(2026, 11, 22))
    assert found == (pytest.approx(weeks, abs=0.1) if weeks else None)


def test_a_six_month_target_after_three_dry_weeks_is_told_to_review_not_to_stop():
    plan = {**PLAN, "target": {"text": "6 nouveaux clients d'ici 6 mois", "number": 6,
                               "period": None, "horizon": True}}
    dry = [week(n, 4, 0) for n in (45, 46, 47)]
    verdict = judge(plan, dry)
    assert (verdict.key, verdict.next_step) == ("dry_review", "review_and_meet")
    assert verdict.params["stop_after"] == 6 == dry_weeks_to_stop(plan)
    assert judge(plan, [week(n, 4, 0) for n in range(42, 48)]).key == "no_results"


def test_a_one_month_target_stops_after_three_dry_weeks_as_before():
    plan = {**PLAN, "target": {"text": "4 clients d'ici 1 mois", "number": 4, "period": None,
                               "horizon": True}}
    assert dry_weeks_to_stop(plan) == 3
    assert judge(plan, [week(n, 4, 0) for n in (45, 46, 47)]).key == "no_results"


def test_a_one_year_target_waits_at_most_twelve_dry_weeks():
    plan = {**PLAN, "target": {"text": "50 clients en 2028"}}
    assert dry_weeks_to_stop(plan, date(2026, 11, 22)) == 12


# networks
def test_on_track_but_one_network_brought_nothing_for_its_hours_says_drop_it():
    weeks = [week(n, 6, 3, hours_split={"linkedin": 3, "instagram": 3},
                  results_split={"linkedin": 3, "instagram": 0}) for n in (46, 47)]
    plan = {**PLAN, "hours": 6}
    verdict = judge(plan, weeks)
    assert (verdict.key, verdict.next_step) == ("on_track", "drop_idle")
    assert verdict.params["idle"] == ["instagram"] and verdict.params["best"] == "linkedin"
    assert idle_networks(weeks[-1:]) == []  # one week is too early to say


def test_below_target_with_one_network_gives_no_split_hint():
    plan = {**PLAN, "networks": ["linkedin"]}
    verdict = judge(plan, [week(46, 4, 1), week(47, 4, 0)])
    assert (verdict.key, verdict.next_step) == ("below_target", "reach_out")
