"""The weekly verdict: each rule, its figures, and its next step."""

import pytest

from flows.verdict import WeekReport, best_network, dry_streak, judge, week_cost

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
