"""The weekly verdict: time spent against results, by rules grounded in the seeds.

Pure functions of the plan's answers and the weeks reported so far (oldest first, this
week last). Hours are valued at the plan's hourly cost (or the default) and a week's
share of the yearly budget is added; results are what the objective asks for (leads,
customers, applications...), never likes or followers. Texts are in the catalogues under
`verdict.<key>` and `next.<key>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.advice import WEEKS_PER_YEAR, hourly_cost, results_per_year, yearly_budget

RECENT_WEEKS = 4  # the verdict looks at the last four weeks
DRY_WEEKS = 3  # this many weeks in a row with hours and no result: stop and rethink
OVER_HOURS = 1.25  # more than this share of the promised hours is "more than planned"
BELOW_TARGET = 0.75  # under this share of the target pace is "below target"


@dataclass(frozen=True)
class WeekReport:
    """What a user reported for one week."""

    week: str  # "2026-W48"
    hours: float
    results: float
    revenue: float | None = None
    hours_split: dict[str, float] = field(default_factory=dict)  # network -> hours
    results_split: dict[str, float] = field(default_factory=dict)  # network -> results


@dataclass(frozen=True)
class Verdict:
    """The verdict's key, the next step's key, and the figures both quote."""

    key: str
    next_step: str
    params: dict[str, object] = field(default_factory=dict)


def week_cost(answers: dict, hours: float) -> float:
    """Return what a week costs: the hours at the hourly cost plus a week of budget."""
    return hours * hourly_cost(answers) + yearly_budget(answers) / WEEKS_PER_YEAR


def weekly_target(answers: dict) -> float | None:
    """Return the results a week the target asks for, when it says a rate."""
    per_year = results_per_year(answers)
    return per_year / WEEKS_PER_YEAR if per_year else None


def dry_streak(history: list[WeekReport]) -> int:
    """Return how many weeks in a row, up to this one, had hours and no result."""
    streak = 0
    for week in reversed(history):
        if week.hours <= 0 or week.results > 0:
            break
        streak += 1
    return streak


def per_network(history: list[WeekReport]) -> dict[str, dict[str, float]]:
    """Return hours and results per network over the weeks that split both."""
    totals: dict[str, dict[str, float]] = {}
    for week in history:
        if not week.hours_split or not week.results_split:
            continue
        for network, hours in week.hours_split.items():
            entry = totals.setdefault(network, {"hours": 0.0, "results": 0.0})
            entry["hours"] += hours
            entry["results"] += week.results_split.get(network, 0.0)
    return totals


def best_network(history: list[WeekReport]) -> tuple[str | None, list[str]]:
    """Return the network with the most results per hour, and the others."""
    totals = {n: f for n, f in per_network(history).items() if f["hours"] > 0}
    productive = {n: f["results"] / f["hours"] for n, f in totals.items() if f["results"] > 0}
    if not productive:
        return None, []
    best = max(productive, key=productive.get)
    return best, sorted(n for n in totals if n != best)


def figures(answers: dict, history: list[WeekReport]) -> dict[str, object]:
    """Return the week's and the last four weeks' figures."""
    this, recent = history[-1], history[-RECENT_WEEKS:]
    cost = week_cost(answers, this.hours)
    recent_hours = sum(w.hours for w in recent)
    recent_results = sum(w.results for w in recent)
    recent_cost = sum(week_cost(answers, w.hours) for w in recent)
    return {
        "hours": this.hours, "results": this.results, "cost": cost,
        "cost_per_result": cost / this.results if this.results else None,
        "hours_per_result": this.hours / this.results if this.results else None,
        "revenue": this.revenue, "planned_hours": answers.get("hours"),
        "target": weekly_target(answers), "weeks": len(recent),
        "recent_hours": recent_hours, "recent_results": recent_results,
        "recent_cost": recent_cost,
        "recent_cost_per_result": recent_cost / recent_results if recent_results else None,
    }


def judge(answers: dict, history: list[WeekReport]) -> Verdict:
    """Return the verdict on this week (the last of `history`) against the plan."""
    params = figures(answers, history)
    recent = history[-RECENT_WEEKS:]
    planned, target = answers.get("hours"), weekly_target(answers)
    this = history[-1]
    dry = dry_streak(history)
    if dry >= DRY_WEEKS:  # seed 001: time badly spent is a loss; meet prospects instead
        return Verdict("no_results", "meet_prospects", {**params, "dry_weeks": dry})
    pace = sum(w.results for w in recent) / len(recent)
    behind = target is not None and pace < target * BELOW_TARGET
    if planned and this.hours > planned * OVER_HOURS and (behind or this.results == 0):
        return Verdict("over_hours", "back_to_plan", params)
    if behind:  # seed 002: better at the right place than everywhere
        best, others = best_network(recent)
        if best and others:
            return Verdict("below_target", "refocus",
                           {**params, "pace": pace, "best": best, "others": others})
        return Verdict("below_target", "split_results", {**params, "pace": pace})
    if this.hours <= 0:
        return Verdict("no_time", "book_time", params)
    if this.results <= 0:
        return Verdict("no_result_yet", "follow_up", {**params, "dry_weeks": dry})
    if planned and this.hours > planned * OVER_HOURS:
        return Verdict("on_track_costly", "trim_hours", params)
    return Verdict("on_track", "keep_going", params)
