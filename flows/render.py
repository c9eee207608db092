"""Turning questions, answers, the plan and advice into neutral replies in one language."""

from __future__ import annotations

import functools
import re

from flows import advice as rules
from flows import vocabulary as words
from flows.business import guess_kind
from flows.i18n import LANGUAGES, money, number, t
from flows.messages import Option, Reply
from flows.questions import BY_ID, NETWORKS, QUESTIONS, SECTIONS, UNKNOWN, Question

PLAN_PROMPT = "plan"
PLAN_CONFIRM = "confirm"
PLAN_DETAILS = "details"


def option_key(question_id: str, value: str) -> str:
    """Return the catalogue key of an option's label."""
    group = "network" if value in NETWORKS or value == UNKNOWN else question_id
    return f"opt.{group}.{value}"


def options(language: str, question: Question) -> tuple[Option, ...]:
    """Return the labelled options of a choice question."""
    return tuple(Option(v, t(language, option_key(question.id, v))) for v in question.options)


SYNONYMS = {"objective": words.OBJECTIVE_WORDS, "audience_type": words.AUDIENCE_WORDS,
            "networks": words.NETWORK_WORDS, "audience_networks": words.NETWORK_WORDS}


@functools.cache
def aliases(question_id: str) -> dict[str, str]:
    """Map every label of a question's options, in every language, and the words people
    use for them ("insta", "ventes", "pros"), to its value."""
    question = BY_ID[question_id]
    table = {words.normalize(k): v for k, v in SYNONYMS.get(question_id, {}).items()
             if v in question.options}
    table.update({words.normalize(v): v for v in question.options})
    for language in LANGUAGES:
        for value in question.options:
            label = words.normalize(t(language, option_key(question_id, value)))
            table[label] = value
            short = re.sub(r"\s*\(.*\)\s*$", "", label)  # "Trouver des clients"
            table.setdefault(short, value)
    return table


def progress(language: str, question: Question) -> str:
    """Return the progress marker, such as "2/5 · WHO"."""
    return t(language, "progress", index=question.section_number, total=len(SECTIONS),
             section=t(language, f"section.{question.section}"))


def answer_text(language: str, question_id: str, value: object,
                currency: str = "EUR") -> str:
    """Return a stored answer as the user would say it, amounts in `currency`."""
    if isinstance(value, list):
        return ", ".join(t(language, option_key(question_id, v)) for v in value)
    if isinstance(value, dict):
        if "choice" in value:
            return value.get("text") or t(language, option_key(question_id, value["choice"]))
        if "text" in value:
            return str(value["text"])
        return money(language, value["yearly"], value.get("currency", "EUR"))
    if question_id == "hourly_cost":
        return money(language, value, currency)
    if question_id == "hours":
        return number(language, value)
    if question_id in BY_ID and BY_ID[question_id].kind == "choice":
        return t(language, option_key(question_id, value))
    return str(value)


def question_params(language: str, answers: dict) -> dict[str, str]:
    """Return what a question's text may quote: what one result is for this objective."""
    return {"result": t(language, f"result.one.{rules.objective_of(answers) or 'other'}")}


def question_reply(language: str, question: Question, answers: dict,
                   before: str | None = None) -> Reply:
    """Return the reply that asks `question`, after an optional `before` paragraph."""
    lines = [before, ""] if before else []
    lines += [progress(language, question),
              t(language, f"q.{question.id}.text", **question_params(language, answers))]
    guess = guess_kind(answers) if question.id == "business_kind" else None
    if guess and "business_kind" not in answers:
        lines.append(t(language, "hint.kind_guess",
                       kind=t(language, option_key("business_kind", guess))))
    if question.kind == "multi":
        lines.append(t(language, "hint.multi"))
    if question.optional:
        lines.append(t(language, "hint.optional"))
    current = answers.get(question.id)
    if current is not None:
        shown = answer_text(language, question.id, current, rules.currency_of(answers))
        lines.append(t(language, "hint.current", answer=shown))
    selected = tuple(current) if question.kind == "multi" and current else ()
    placeholder = (t(language, f"q.{question.id}.placeholder") if question.kind == "text"
                   else None)
    return Reply("\n".join(lines), prompt=question.id, options=options(language, question),
                 multi=question.kind == "multi", selected=selected, placeholder=placeholder)


def confirmation_reply(language: str, prompt: str, text: str) -> Reply:
    """Return a yes/no question."""
    return Reply(text, prompt=prompt, options=(Option("yes", t(language, "option.yes")),
                                               Option("no", t(language, "option.no"))))


def language_reply(language: str) -> Reply:
    """Return the choice of language."""
    return Reply(t(language, "language.prompt"), prompt="language",
                 options=tuple(Option(code, t(language, f"language.name.{code}"))
                               for code in LANGUAGES))


def plan_options(language: str, confirmed: bool) -> tuple[Option, ...]:
    """Return the plan's options: confirm (until confirmed), the details, then edit each
    section."""
    edits = tuple(Option(f"edit_{s}", t(language, "plan.option.edit",
                                        section=t(language, f"section.{s}"))) for s in SECTIONS)
    details = Option(PLAN_DETAILS, t(language, "plan.option.details"))
    if confirmed:
        return (details, *edits)
    return (Option(PLAN_CONFIRM, t(language, "plan.option.confirm")), details, *edits)


def remaining_questions(current: Question) -> int:
    """Return how many questions are left, the current one included."""
    return len(QUESTIONS) - QUESTIONS.index(current)
