"""Recommendations derived from the interview's answers, by rules grounded in the seeds.

Each rule is a pure function of the answers that returns an `Advice` (a catalogue key
and its parameters) or None. The texts, each with its reason, are in the catalogues
under `advice.<key>`. Amounts are in euros, hours per week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flows.answers import champion_kind
from flows.questions import UNKNOWN

WEEKS_PER_YEAR = 47  # working weeks: holidays are not social-media weeks
MIN_HOURS_PER_NETWORK = 3
DEFAULT_HOURLY_COST = 30.0  # euros, when the user did not say
PERIODS_PER_YEAR = {"week": WEEKS_PER_YEAR, "month": 12, "year": 1}


@dataclass(frozen=True)
class Advice:
    """One recommendation: its catalogue key and the figures it quotes."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


def currency_of(answers: dict) -> str:
    """Return the currency the user's amounts are in: euros unless they confirmed another."""
    return str(answers.get("currency") or "EUR")


def hourly_cost(answers: dict) -> float:
    """Return the cost of an hour: the user's figure, or the default."""
    return float(answers.get("hourly_cost") or DEFAULT_HOURLY_COST)


def yearly_time_cost(answers: dict) -> float:
    """Return what the promised hours cost in a year."""
    return float(answers.get("hours") or 0) * WEEKS_PER_YEAR * hourly_cost(answers)


def yearly_budget(answers: dict) -> float:
    """Return the yearly budget in euros (0 when none)."""
    budget = answers.get("budget") or {}
    return float(budget.get("yearly", 0)) if isinstance(budget, dict) else 0.0


def results_per_year(answers: dict) -> float | None:
    """Return the results a year that the target asks for, when it says a rate."""
    target = answers.get("target")
    if not isinstance(target, dict) or not target.get("period"):
        return None
    return float(target["number"]) * PERIODS_PER_YEAR[target["period"]]


def objective_of(answers: dict) -> str | None:
    """Return the objective's option value ("leads", "other", ...)."""
    objective = answers.get("objective")
    return objective.get("choice") if isinstance(objective, dict) else None


def too_many_networks(answers: dict) -> Advice | None:
    """Too many networks for the hours: focus on one or two (seed 002)."""
    networks, hours = answers.get("networks") or [], answers.get("hours")
    if not hours or len(networks) < 2:
        return None
    per_network = hours / len(networks)
    if per_network >= MIN_HOURS_PER_NETWORK:
        return None
    return Advice("too_many_networks", {"count": len(networks), "hours": hours,
                                        "per_network": per_network})


def audience_not_there(answers: dict) -> Advice | None:
    """A chosen network where the audience is not: don't follow a fad (seed 002)."""
    audience = answers.get("audience_networks") or []
    if not audience or UNKNOWN in audience:
        return None
    absent = [n for n in answers.get("networks") or [] if n not in audience and n != "other"]
    return Advice("audience_not_there", {"networks": absent}) if absent else None


def audience_unknown(answers: dict) -> Advice | None:
    """Nobody knows where the customers are: ask them first (seed 000)."""
    return Advice("audience_unknown") if UNKNOWN in (answers.get("audience_networks") or []) \
        else None


def no_target(answers: dict) -> Advice | None:
    """No measurable target: set one, or nothing can be judged (seeds 003, 004)."""
    return Advice("no_target") if not answers.get("target") else None


def no_horizon(answers: dict) -> Advice | None:
    """A target with no horizon: give it a date."""
    target = answers.get("target")
    if isinstance(target, dict) and not target.get("horizon") and not target.get("period"):
        return Advice("no_horizon", {"target": target["text"]})
    return None


def several_champions(answers: dict) -> Advice | None:
    """Several people named (answers stored before one was required): one champion, or
    nobody owns it (seed 004)."""
    champion = answers.get("champion")
    if champion and champion_kind(champion) == "several":
        return Advice("several_champions", {"champion": champion})
    return None


def outsourced(answers: dict) -> Advice | None:
    """An agency or a freelancer as champion: someone outside cannot gather what happens
    inside the business; keep one person in-house in charge of them (seed 004)."""
    champion = answers.get("champion")
    if champion_kind(champion) == "outside":
        return Advice("outsourced", {"champion": champion})
    return None


def learner(answers: dict) -> Advice | None:
    """An intern or an apprentice as champion: the seeds' point is skills and experience,
    since the page speaks for the business in public; pair them with someone who knows
    the trade and check their work (seed 003)."""
    champion = answers.get("champion")
    if champion_kind(champion) == "learner":
        return Advice("learner", {"champion": champion})
    return None


def irregular(answers: dict) -> Advice | None:
    """Under two hours a week: make it a fixed, regular slot (seed 004)."""
    hours = answers.get("hours")
    return Advice("irregular", {"hours": hours}) if hours and hours < 2 else None


def yearly_cost(answers: dict) -> Advice | None:
    """What the plan costs a year, time included, set against the objective (seeds 001, 004)."""
    hours = answers.get("hours")
    if not hours:
        return None
    time_cost, budget = yearly_time_cost(answers), yearly_budget(answers)
    params = {"hours": hours, "rate": hourly_cost(answers), "time_cost": time_cost,
              "budget": budget, "total": time_cost + budget, "weeks": WEEKS_PER_YEAR,
              "rate_is_default": not answers.get("hourly_cost")}
    results = results_per_year(answers)
    if results:
        params.update(results=results, per_result=(time_cost + budget) / results)
        return Advice("yearly_cost_per_result", params)
    return Advice("yearly_cost", params)


def budget_below_time(answers: dict) -> Advice | None:
    """A budget below the cost of the hours promised: the time is the real spend (seed 004)."""
    if "budget" not in answers or not answers.get("hours"):
        return None
    time_cost, budget = yearly_time_cost(answers), yearly_budget(answers)
    if budget >= time_cost:
        return None
    return Advice("budget_below_time", {"budget": budget, "time_cost": time_cost})


def service_questions(answers: dict) -> Advice | None:
    """Customers will ask service questions anyway: decide who answers (seed 002)."""
    objective = objective_of(answers)
    return Advice("service_questions") if objective and objective != "service" else None


def content_plan(answers: dict) -> Advice | None:
    """Before posting: a content plan about the customers' problems (seeds 000, 003, 004)."""
    problem = answers.get("problem")
    return Advice("content_plan_problem", {"problem": problem}) if problem \
        else Advice("content_plan")


def website_ready(answers: dict) -> Advice | None:
    """Before posting: a website that turns visitors into customers (seed 004)."""
    return Advice("website_ready")


def measure_results(answers: dict) -> Advice | None:
    """Measure what matters for the objective, not likes (seeds 002, 003)."""
    return Advice("measure", {"objective": objective_of(answers) or "other"})


RULES: tuple[Callable[[dict], Advice | None], ...] = (
    no_target, no_horizon, audience_unknown, audience_not_there, too_many_networks,
    several_champions, outsourced, learner, irregular, yearly_cost, budget_below_time,
    service_questions, content_plan, website_ready, measure_results,
)


def recommendations(answers: dict) -> list[Advice]:
    """Return every recommendation that applies to `answers`, most pressing first."""
    return [advice for rule in RULES if (advice := rule(answers)) is not None]
