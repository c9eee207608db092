"""The weekly verdict: time spent against results, by rules grounded in the seeds.

Pure functions of the plan's answers and the weeks reported so far (oldest first, this
week last). Hours are valued at the plan's hourly cost (or the default) and a week's
share of the yearly budget is added; results are what the objective asks for (leads,
customers, applications...), never likes or followers. What results are worth comes
from the revenue typed in check-ins or the plan's value of a result; the weeks without
any result needed before "stop" grow with the horizon of the target. Texts are in the
catalogues under `verdict.<key>`, `next.<key>` and `checkin.pays.<status>`.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flows import vocabulary as words
from flows.numbers import spell_out
from flows.when import month_table
from flows.advice import WEEKS_PER_YEAR, hourly_cost, results_per_year, yearly_budget

RECENT_WEEKS = 4  # the verdict looks at the last four weeks
DRY_WEEKS = 3  # this many weeks in a row with hours and no result: review, meet prospects
MAX_DRY_WEEKS = 12  # the longest a long-term target waits before "stop"
OVER_HOURS = 1.25  # more than this share of the promised hours is "more than planned"
BELOW_TARGET = 0.75  # under this share of the target pace is "below target"
IDLE_HOURS = 2.0  # a network that got this many hours over the recent weeks and nothing
IDLE_WEEKS = 2  # ... over at least this many weeks split per network is one to drop


@dataclass(frozen=True)
class WeekReport:
    """What a user reported for one period of seven days."""

    week: str  # the period's key: "2026-11-22"
    hours: float
    results: float
    revenue: float | None = None
    hours_split: dict[str, float] = field(default_factory=dict)  # network -> hours
    results_split: dict[str, float] = field(default_factory=dict)  # network -> results
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True)
class Verdict:
    """The verdict's key, the next step's key, and the figures both quote."""

    key: str
    next_step: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Payback:
    """Whether the time pays over the recent weeks: "paying", "break_even" (in `in_weeks`
    at the recent rate), "not_paying", or "unknown" (no value of a result, no revenue)."""

    status: str
    weeks: int
    value: float = 0.0
    cost: float = 0.0
    in_weeks: int | None = None


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


# money
def week_value(week: WeekReport, result_value: float | None) -> float | None:
    """Return what a week brought: the revenue typed, or its results at the value of a
    result, whichever is more (a lead's value is not in the revenue yet); None when
    neither is known."""
    known = [v for v in (week.revenue, week.results * result_value if result_value else None)
             if v is not None]
    return max(known) if known else None


def break_even_weeks(deficit: float, margin_per_week: float) -> int | None:
    """Return the weeks a margin a week takes to make up a deficit; None if it never does."""
    if deficit <= 0:
        return 0
    if margin_per_week <= 0:
        return None
    return math.ceil(deficit / margin_per_week)


def payback(answers: dict, history: list[WeekReport]) -> Payback:
    """Return whether the time pays: the recent weeks' value against their cost, and when
    the recent rate makes up for what the weeks before cost."""
    result_value = answers.get("result_value")
    recent = history[-RECENT_WEEKS:]
    values = [week_value(w, result_value) for w in history]
    if all(v is None for v in values[-len(recent):]):
        return Payback("unknown", len(recent))
    costs = [week_cost(answers, w.hours) for w in history]
    value, cost = sum(v or 0 for v in values[-len(recent):]), sum(costs[-len(recent):])
    deficit = sum(costs) - sum(v or 0 for v in values)
    margin = (value - cost) / len(recent)
    if margin >= 0 and deficit <= 0:
        return Payback("paying", len(recent), value, cost, 0)
    in_weeks = break_even_weeks(deficit, margin)
    status = "break_even" if in_weeks else "not_paying"
    return Payback(status, len(recent), value, cost, in_weeks)


# networks
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


def idle_networks(history: list[WeekReport]) -> list[str]:
    """Return the networks that got hours and brought nothing over the recent weeks split
    per network, while another one brought results: the ones to drop (seed 002)."""
    split_weeks = sum(1 for w in history if w.hours_split and w.results_split)
    totals = per_network(history)
    if split_weeks < IDLE_WEEKS or not any(f["results"] > 0 for f in totals.values()):
        return []
    return sorted(n for n, f in totals.items() if f["hours"] >= IDLE_HOURS and not f["results"])


# the horizon of the target
_ARTICLES = {"un": 1, "une": 1, "a": 1, "an": 1}  # "within a year"; other number words
_UNITS = {"jour": 1 / 7, "day": 1 / 7, "semaine": 1, "week": 1, "mois": 52 / 12,  # go
          "month": 52 / 12, "trimestre": 13, "quarter": 13, "an": 52, "annee": 52,  # through
          "year": 52}                                                               # text2num
_AMOUNT = r"(\d+(?:[.,]\d+)?|un|une|an|a)"
_UNIT = r"(jours?|days?|semaines?|weeks?|mois|months?|trimestres?|quarters?|ans|an|annees?|years?)"
_SPAN = re.compile(r"\b(?:d'?ici|dans|sous|en|within|in|over|sur|pendant|for|next|the next)"
                   rf"\s+(?:les\s+|the\s+|next\s+)?{_AMOUNT}\s+{_UNIT}\b")
_SPAN_AFTER = re.compile(rf"\b{_AMOUNT}\s+(?:prochains?|prochaines?)\s+{_UNIT}\b")
_BY = r"(?:d'?ici|avant|pour|en|fin|debut|a|au|by|before|until|in|end of)"
_END = r"(?:(?:la |the )?(?:fin |end )(?:de |d'|of )?)?"
_YEAR = re.compile(rf"\b({_BY})\s+{_END}(?:l'annee\s+|the year\s+)?(20\d\d)\b")
_THIS_YEAR = re.compile(r"\b(?:cette annee|fin d'annee|fin de l'annee|this year|"
                        r"end of the year|year end|year-end)\b")


@functools.cache
def _month_pattern() -> re.Pattern:
    """Return the pattern of « d'ici juin », "by the end of March": CLDR's month names."""
    names = "|".join(sorted(map(re.escape, month_table()), key=len, reverse=True))
    return re.compile(rf"\b({_BY})\s+{_END}({names})(?:\s+(20\d\d))?\b")


def _amount(text: str) -> float:
    return float(_ARTICLES.get(text) or text.replace(",", "."))


def _unit_weeks(unit: str) -> float:
    return _UNITS[unit if unit in _UNITS else unit.rstrip("s")]


def horizon_weeks(text: str | None, today: date | None = None) -> float | None:
    """Return in how many weeks a target is due, read from its text: « d'ici 6 mois »,
    "within 6 months", « d'ici juin », « en 2027 », "by the end of the year"; None when
    it says no horizon (or a date and there is no `today` to count from)."""
    plain = spell_out(words.normalize(text or ""))  # « trois mois »: 3 mois
    span = _SPAN.search(plain) or _SPAN_AFTER.search(plain)
    if span:
        return _amount(span.group(1)) * _unit_weeks(span.group(2))
    if today is None:
        return None
    due = _due_date(plain, today)
    return max(0.0, (due - today).days / 7) if due else None


def _due_date(plain: str, today: date) -> date | None:
    """Return the day a target said with a month or a year is due."""
    month = _month_pattern().search(plain)
    if month:
        number = month_table()[month.group(2)]
        year = int(month.group(3) or today.year)
        if not month.group(3) and number < today.month:
            year += 1
        start = date(year, number, 1)
        if month.group(1) in ("avant", "before", "debut"):
            return start
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    year = _YEAR.search(plain)
    if year:
        number = int(year.group(2))
        return date(number, 1, 1) if year.group(1) in ("avant", "before") else date(
            number, 12, 31)
    if _THIS_YEAR.search(plain):
        return date(today.year, 12, 31)
    return None


def dry_weeks_to_stop(answers: dict, today: date | None = None) -> int:
    """Return how many weeks in a row without a result say "stop": three for a short
    target, a quarter of a longer horizon (a six-month target waits six), at most
    twelve."""
    target = answers.get("target")
    text = target.get("text") if isinstance(target, dict) else None
    weeks = horizon_weeks(text, today)
    if weeks is None:
        return DRY_WEEKS
    return min(MAX_DRY_WEEKS, max(DRY_WEEKS, round(weeks / 4)))


# the verdict
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
        "networks": per_network(recent), "pace": recent_results / len(recent),
        "payback": payback(answers, history),
    }


def judge(answers: dict, history: list[WeekReport], today: date | None = None) -> Verdict:
    """Return the verdict on this week (the last of `history`) against the plan.

    `today` dates a target said with a month or a year; the last reported day by default.
    """
    params = figures(answers, history)
    recent = history[-RECENT_WEEKS:]
    planned, target = answers.get("hours"), weekly_target(answers)
    this = history[-1]
    dry = dry_streak(history)
    stop_after = dry_weeks_to_stop(answers, today or this.last_day)
    best, others = best_network(recent)
    several = len(answers.get("networks") or []) > 1
    params.update(dry_weeks=dry, stop_after=stop_after, best=best, others=others,
                  idle=idle_networks(recent))
    if dry >= stop_after:  # seed 001: time badly spent is a loss; meet prospects instead
        return Verdict("no_results", "meet_prospects", params)
    if dry >= DRY_WEEKS:  # a long-term target: review the approach before stopping
        return Verdict("dry_review", "review_and_meet", params)
    behind = target is not None and params["pace"] < target * BELOW_TARGET
    if planned and this.hours > planned * OVER_HOURS and (behind or this.results == 0):
        return Verdict("over_hours", "back_to_plan", params)
    if behind:  # seed 002: better at the right place than everywhere
        if best and others:
            return Verdict("below_target", "refocus", params)
        if several and not params["networks"]:
            return Verdict("below_target", "split_results", params)
        return Verdict("below_target", "reach_out", params)
    if this.hours <= 0:
        return Verdict("no_time", "book_time", params)
    if this.results <= 0:
        return Verdict("no_result_yet", "follow_up", params)
    if planned and this.hours > planned * OVER_HOURS:
        return Verdict("on_track_costly", "drop_idle" if params["idle"] else "trim_hours",
                       params)
    return Verdict("on_track", "drop_idle" if params["idle"] else "keep_going", params)
