"""The plan as the owner reads it: one phone screen first, the details on demand, and a
one-page document to print or share.

The first message is the summary in a few lines, at most three priorities in order of
impact (one sentence of what to do, one of why), and one "good choice" when there is
one; every other recommendation is in the details.
"""

from __future__ import annotations

from datetime import date

from flows import advice as rules
from flows.business import kind_of
from flows.i18n import format_day, money, number, t
from flows.messages import Reply
from flows.render import PLAN_PROMPT, answer_text, option_key, plan_options

MONEY_PARAMS = {"time_cost", "budget", "total", "per_result", "rate", "value",
                "monthly_cost"}
NUMBER_PARAMS = {"hours", "per_network", "results", "target"}
NETWORK_PARAMS = {"networks", "drop", "absent"}
MAX_CUSTOMER = 70  # characters of the customer's description in the summary


def _networks(language: str, networks: list[str]) -> str:
    return ", ".join(t(language, option_key("networks", n)) for n in networks)


def _params(language: str, item: rules.Advice, currency: str) -> dict[str, object]:
    """Return an advice's parameters formatted for `language`."""
    params: dict[str, object] = {}
    for name, value in item.params.items():
        if name in MONEY_PARAMS:
            value = money(language, value, currency)
        elif name in NUMBER_PARAMS:
            value = number(language, value)
        elif name in NETWORK_PARAMS:
            value = _networks(language, value)
        elif name == "objective":
            name, value = "metric", t(language, f"metric.{value}")
        params[name] = value
    return params


def _count(item: rules.Advice) -> float | None:
    """Return the count that picks the plural form of an advice's text, if any."""
    for name in ("capacity", "realistic", "needed"):
        if name in item.params:
            return float(item.params[name])
    return None


def _variant(item: rules.Advice) -> str:
    """Return the key suffix of an advice whose reason depends on its figures (the rule
    says which, as its "variant")."""
    variant = item.params.get("variant")
    return f".{variant}" if variant else ""


def advice_text(language: str, item: rules.Advice, currency: str = "EUR") -> str:
    """Return one recommendation in full, its figures formatted for `language`."""
    params = _params(language, item, currency)
    text = t(language, f"advice.{item.key}{_variant(item)}", n=_count(item), **params)
    if item.params.get("rate_is_default"):
        text += " " + t(language, "advice.rate_default", rate=params["rate"])
    return text


def priority_text(language: str, item: rules.Advice, currency: str = "EUR") -> tuple[str, str]:
    """Return a priority as (what to do, why), one sentence each."""
    params = _params(language, item, currency)
    count = _count(item)
    return (t(language, f"priority.{item.key}.do", n=count, **params),
            t(language, f"priority.{item.key}.why{_variant(item)}", n=count, **params))


def summary_lines(language: str, answers: dict) -> list[tuple[str, str]]:
    """Return the summary as (label, value) pairs: objective, customers, networks, who."""
    currency = rules.currency_of(answers)

    def shown(question_id: str) -> str:
        value = answers.get(question_id)
        if value is None:
            return t(language, "plan.not_set")
        return answer_text(language, question_id, value, currency)
    target = answers.get("target")
    objective = shown("objective")
    if isinstance(target, dict):
        objective += " — " + str(target["text"])
    customer = shown("customer")
    if len(customer) > MAX_CUSTOMER:
        customer = customer[:MAX_CUSTOMER - 1].rstrip() + "…"
    who = f"{customer} ({shown('audience_type')}, {t(language, f'kind.{kind_of(answers)}')})"
    budget = money(language, rules.yearly_budget(answers), currency)
    resource = t(language, "plan.line.resource", champion=shown("champion"),
                 hours=shown("hours"), budget=budget)
    return [(t(language, "plan.label.objective"), objective),
            (t(language, "plan.label.customers"), who),
            (t(language, "plan.label.networks"), shown("networks")),
            (t(language, "plan.label.resource"), resource)]


def plan_reply(language: str, answers: dict, confirmed: bool) -> Reply:
    """Return the plan's first message: summary, priorities, a good choice, what next."""
    currency = rules.currency_of(answers)
    priorities, _ = rules.split(answers)
    parts = [t(language, "plan.title"),
             "\n".join(t(language, "plan.line", label=label, value=value)
                       for label, value in summary_lines(language, answers))]
    if priorities:
        lines = [f"{n}. {' '.join(priority_text(language, item, currency))}"
                 for n, item in enumerate(priorities, start=1)]
        parts.append(t(language, "plan.priorities") + "\n" + "\n".join(lines))
    ack = rules.acknowledgement(answers)
    if ack is not None:
        parts.append("✅ " + t(language, ack.key, **_params(language, ack, currency)))
    parts.append(t(language, "plan.after_confirmed" if confirmed else "plan.actions"))
    return Reply("\n\n".join(parts), prompt=PLAN_PROMPT,
                 options=plan_options(language, confirmed))


def details_reply(language: str, answers: dict, confirmed: bool) -> Reply:
    """Return every recommendation that is not a priority, in full."""
    currency = rules.currency_of(answers)
    _, others = rules.split(answers)
    lines = [f"• {advice_text(language, item, currency)}" for item in others]
    text = "\n\n".join([t(language, "plan.details.title"), "\n".join(lines),
                        t(language, "plan.after_confirmed" if confirmed else "plan.actions")])
    return Reply(text, prompt=PLAN_PROMPT, options=plan_options(language, confirmed))


def waiting_reply(language: str, confirmed: bool, before: str | None = None) -> Reply:
    """Return where the user is, in a line or two, with the plan's options (the plan
    itself only on `plan`)."""
    text = t(language, "plan.after_confirmed" if confirmed else "plan.waiting")
    if before:
        text = f"{before}\n\n{text}"
    return Reply(text, prompt=PLAN_PROMPT, options=plan_options(language, confirmed))


def document_texts(language: str, answers: dict, routine: list[str], today: date) -> dict:
    """Return the texts of the one-page plan: title, summary, priorities, routine."""
    currency = rules.currency_of(answers)
    priorities, _ = rules.split(answers)
    return {"title": t(language, "plan.title"),
            "subtitle": t(language, "plan.document.subtitle",
                          date=format_day(language, today, today)),
            "summary": summary_lines(language, answers),
            "priorities": [priority_text(language, item, currency) for item in priorities],
            "routine_title": t(language, "plan.document.routine"),
            "routine": routine,
            "footer": t(language, "plan.document.footer")}
