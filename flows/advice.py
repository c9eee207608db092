"""Recommendations derived from the interview's answers, by rules grounded in the seeds.

Each rule is a pure function of the answers that returns an `Advice` (a catalogue key,
its parameters and its impact) or None; each cites in a comment the seed it comes from.
The plan leads with the three of highest impact (lowest number) that can be priorities:
their texts are `priority.<key>.do` and `priority.<key>.why`, one sentence each; every
recommendation has its full text under `advice.<key>` for the details. Advice the
answers already follow is not given; a good choice gets an `ack.<key>` line instead.
Amounts are in the user's currency, hours per week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import math

from flows.answers import champion_kind
from flows.business import FITTING_NETWORKS, kind_of
from flows.questions import UNKNOWN

WEEKS_PER_YEAR = 47  # working weeks: holidays are not social-media weeks
MIN_HOURS_PER_NETWORK = 3
DEFAULT_HOURLY_COST = 30.0  # euros, when the user did not say
PERIODS_PER_YEAR = {"week": WEEKS_PER_YEAR, "month": 12, "year": 1}


PRIORITIES = 3
DETAIL_ONLY = 100  # impact of advice that is never a priority (figures, standing advice)
# An assumption, not a seed: early on, an hour of social media for a small business
# rarely brings more than half a qualified result. Used only to flag a target that the
# hours cannot carry, and to suggest a first figure to aim at.
RESULTS_PER_HOUR = 0.5
WEEKS_PER_MONTH = 52 / 12
OUT_OF_REACH = 2  # a target over twice what the hours can bring is said to be out of reach


@dataclass(frozen=True)
class Advice:
    """One recommendation: its catalogue key, the figures it quotes, and its impact
    (lower comes first)."""

    key: str
    params: dict[str, object] = field(default_factory=dict)
    impact: int = DETAIL_ONLY

    @property
    def priority(self) -> bool:
        """Tell whether this advice can be one of the plan's first three."""
        return self.impact < DETAIL_ONLY


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
    if not isinstance(target, dict) or not target.get("period") or not target.get("number"):
        return None
    return float(target["number"]) * PERIODS_PER_YEAR[target["period"]]


def results_per_month(answers: dict) -> float | None:
    """Return the results a month that the target asks for, when it says a rate."""
    per_year = results_per_year(answers)
    return per_year / 12 if per_year else None


def objective_of(answers: dict) -> str | None:
    """Return the objective's option value ("leads", "other", ...)."""
    objective = answers.get("objective")
    return objective.get("choice") if isinstance(objective, dict) else None


def yearly_total(answers: dict) -> float:
    """Return what the plan costs in a year: the hours at their cost, plus the budget."""
    return yearly_time_cost(answers) + yearly_budget(answers)


# networks: which to keep, which to drop (seeds 000, 002)
def network_capacity(hours: float | None) -> int:
    """Return how many networks the weekly hours can keep up regularly: one below six
    hours, two at most (seed 002: one or two done well beat five done badly)."""
    if not hours:
        return 2
    return max(1, min(2, math.floor(hours / MIN_HOURS_PER_NETWORK)))


def audience_known(answers: dict) -> list[str]:
    """Return the networks where the owner says the customers are ([] if unknown)."""
    audience = [n for n in answers.get("audience_networks") or [] if n != "other"]
    return [] if UNKNOWN in audience else audience


def networks_to_keep(answers: dict) -> tuple[list[str], list[str], list[str]]:
    """Return (keep, drop, absent): the chosen networks to keep, those to drop, and the
    dropped ones where the customers are not.

    Kept first: networks where the customers are, then those that fit the kind of
    business, in the owner's order; as many as the hours carry."""
    chosen = [n for n in answers.get("networks") or [] if n != "other"]
    audience, fitting = audience_known(answers), FITTING_NETWORKS[kind_of(answers)]
    absent = [n for n in chosen if audience and n not in audience]
    candidates = [n for n in chosen if n not in absent]
    candidates.sort(key=lambda n: (n not in audience, n not in fitting))
    keep = candidates[:network_capacity(answers.get("hours"))]
    drop = [n for n in chosen if n not in keep]
    return keep, drop, [n for n in absent if n in drop]


def focus_networks(answers: dict) -> Advice | None:
    """Name the one or two networks to keep and those to drop: be where the customers
    are rather than everywhere, within the hours available (seeds 000, 002)."""
    keep, drop, absent = networks_to_keep(answers)
    audience = audience_known(answers)
    if not drop and keep:
        return None
    if not keep:  # none of the chosen networks is where the customers are
        if not audience:
            return None
        best = sorted(audience, key=lambda n: n not in FITTING_NETWORKS[kind_of(answers)])
        return Advice("switch_networks", {"networks": best[:1], "drop": drop}, impact=12)
    hours = answers.get("hours") or 0
    why = "both" if absent and len(drop) > len(absent) else "absent" if absent else "hours"
    return Advice("focus_networks", {"networks": keep, "drop": drop, "absent": absent,
                                     "hours": hours, "capacity": network_capacity(hours),
                                     "variant": why}, impact=13)


def audience_unknown(answers: dict) -> Advice | None:
    """Nobody knows where the customers are: ask them first (seed 000)."""
    return Advice("audience_unknown", impact=14) \
        if UNKNOWN in (answers.get("audience_networks") or []) else None


# the target (seeds 003, 004)
def no_target(answers: dict) -> Advice | None:
    """No measurable target: set one, or nothing can be judged (seeds 003, 004)."""
    return Advice("no_target", impact=10) if not answers.get("target") else None


def no_horizon(answers: dict) -> Advice | None:
    """A target with no horizon: give it a date (seed 003)."""
    target = answers.get("target")
    if isinstance(target, dict) and not target.get("horizon") and not target.get("period"):
        return Advice("no_horizon", {"target": target["text"]}, impact=16)
    return None


def reachable_per_month(answers: dict) -> float:
    """Return the results a month the hours can be expected to bring, at most."""
    return float(answers.get("hours") or 0) * WEEKS_PER_MONTH * RESULTS_PER_HOUR


def target_out_of_reach(answers: dict) -> Advice | None:
    """A target the hours cannot carry ("20 new customers a month on 2 hours a week"):
    say it plainly and give a first figure to aim at (seed 003: objectives are measured,
    so they must be reachable to tell anything)."""
    wanted, hours = results_per_month(answers), answers.get("hours")
    if not wanted or not hours:
        return None
    reachable = reachable_per_month(answers)
    if wanted <= max(1.0, reachable) * OUT_OF_REACH:
        return None
    return Advice("target_out_of_reach", {"target": round(wanted, 1), "hours": hours,
                                          "realistic": max(1, math.floor(reachable))},
                  impact=5)


def break_even(answers: dict) -> Advice | None:
    """What a result must bring for the time to pay: the results a month that pay for
    the hours and the budget, against the target (seeds 001, 004: time is money)."""
    value, hours = answers.get("result_value"), answers.get("hours")
    if not hours:
        return None
    monthly_cost = yearly_total(answers) / 12
    if not value:
        return Advice("value_unknown", {"monthly_cost": monthly_cost})
    needed = math.ceil(monthly_cost / float(value))
    wanted = results_per_month(answers)
    params = {"value": float(value), "monthly_cost": monthly_cost, "needed": needed}
    if wanted is None:
        return Advice("break_even", params)
    params["target"] = round(wanted, 1)
    if wanted < needed:
        return Advice("break_even_not_covered", params, impact=8)
    return Advice("break_even_covered", params)


# the person in charge (seeds 003, 004)
def several_champions(answers: dict) -> Advice | None:
    """Several people named (answers stored before one was required): one champion, or
    nobody owns it (seed 004)."""
    champion = answers.get("champion")
    if champion and champion_kind(champion) == "several":
        return Advice("several_champions", {"champion": champion}, impact=11)
    return None


def outsourced(answers: dict) -> Advice | None:
    """An agency or a freelancer as champion: someone outside cannot gather what happens
    inside the business; keep one person in-house in charge of them (seed 004)."""
    champion = answers.get("champion")
    if champion_kind(champion) == "outside":
        return Advice("outsourced", {"champion": champion}, impact=20)
    return None


def learner(answers: dict) -> Advice | None:
    """An intern or an apprentice as champion: the seeds' point is skills and experience,
    since the page speaks for the business in public; pair them with someone who knows
    the trade and check their work (seed 003)."""
    champion = answers.get("champion")
    if champion_kind(champion) == "learner":
        return Advice("learner", {"champion": champion}, impact=22)
    return None


def irregular(answers: dict) -> Advice | None:
    """Under two hours a week: make it a fixed, regular slot (seed 004)."""
    hours = answers.get("hours")
    return Advice("irregular", {"hours": hours}, impact=30) if hours and hours < 2 else None


# the kind of business
def local_google_profile(answers: dict) -> Advice | None:
    """A local business: its Google Business Profile and reviews first, where nearby
    customers look (seed 000: where customers spend time online; 001: close to home)."""
    if kind_of(answers) != "local" or "google_business" in (answers.get("networks") or []):
        return None
    return Advice("local_google_profile", impact=15)


def local_prospecting(answers: dict) -> Advice | None:
    """A local business: meet the neighbours and shops around, starting next door
    (seed 001: prospecting like a snail)."""
    return Advice("local_prospecting", impact=35) if kind_of(answers) == "local" else None


def b2b_outreach(answers: dict) -> Advice | None:
    """Services to businesses: a few personal LinkedIn messages a week to chosen
    contacts beat posting alone (seed 001: go to the prospects; 002: the right place)."""
    if kind_of(answers) != "b2b":
        return None
    on_linkedin = "linkedin" in (answers.get("networks") or [])
    return Advice("b2b_outreach" if on_linkedin else "b2b_outreach_no_linkedin", impact=15)


def online_product_pages(answers: dict) -> Advice | None:
    """An online shop: social networks bring visitors, the product pages must turn them
    into buyers (seed 004: the website must convert)."""
    return Advice("online_product_pages", impact=15) if kind_of(answers) == "online" \
        else None


def website_ready(answers: dict) -> Advice | None:
    """Before posting: a website (or page) that turns visitors into customers (seed 004);
    an online shop hears about its product pages instead."""
    return None if kind_of(answers) == "online" else Advice("website_ready")


def customer_messages(answers: dict) -> Advice | None:
    """Customers write on social networks about orders, opening hours, problems: decide
    who answers, and how fast (seed 002); not for services to businesses, whose
    customers call or write directly."""
    if objective_of(answers) in (None, "service") or kind_of(answers) == "b2b":
        return None
    return Advice("customer_messages")


# what it costs, what to post, what to measure
def yearly_cost(answers: dict) -> Advice | None:
    """What the plan costs a year, time included (seeds 001, 004)."""
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


def content_plan(answers: dict) -> Advice | None:
    """Before posting: a content plan about the customers' problems (seeds 000, 003, 004)."""
    problem = answers.get("problem")
    return Advice("content_plan_problem", {"problem": problem}, impact=40) if problem \
        else Advice("content_plan", impact=40)


def measure_results(answers: dict) -> Advice | None:
    """Measure what matters for the objective, not likes (seeds 002, 003)."""
    return Advice("measure", {"objective": objective_of(answers) or "other"})


RULES: tuple[Callable[[dict], Advice | None], ...] = (
    target_out_of_reach, break_even, no_target, several_champions, focus_networks,
    audience_unknown, local_google_profile, b2b_outreach, online_product_pages, no_horizon,
    outsourced, learner, irregular, local_prospecting, content_plan, yearly_cost,
    budget_below_time, customer_messages, website_ready, measure_results,
)


def recommendations(answers: dict) -> list[Advice]:
    """Return every recommendation that applies to `answers`, highest impact first."""
    found = [advice for rule in RULES if (advice := rule(answers)) is not None]
    return sorted(found, key=lambda advice: advice.impact)


def split(answers: dict) -> tuple[list[Advice], list[Advice]]:
    """Return the plan's priorities (at most three) and the other recommendations."""
    found = recommendations(answers)
    first = [a for a in found if a.priority][:PRIORITIES]
    return first, [a for a in found if a not in first]


def acknowledgement(answers: dict) -> Advice | None:
    """Return one short "good choice" for a choice the answers got right, if any."""
    keep, drop, _ = networks_to_keep(answers)
    audience = audience_known(answers)
    if keep and not drop and audience and all(n in audience for n in keep):
        return Advice("ack.networks", {"networks": keep})
    if kind_of(answers) == "local" and "google_business" in (answers.get("networks") or []):
        return Advice("ack.google_profile")
    if answers.get("target") and results_per_month(answers) and \
            target_out_of_reach(answers) is None:
        return Advice("ack.target")
    return None
