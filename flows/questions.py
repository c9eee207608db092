"""The question catalogue of the strategy interview: five sections, one question at a time.

Texts live in the catalogues under `q.<id>.text` and `q.<id>.help`, option labels under
`opt.<id>.<value>`. A question's parser turns typed text or chosen values into the
stored answer, or raises `InvalidAnswer`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from flows import answers, matching, parsing
from flows.business import KINDS
from flows import vocabulary as words
from flows.choices import choice_indexes, parse_choices
from flows.messages import storable
from flows.parsing import InvalidAnswer

SECTIONS = ("why", "who", "where", "resource", "budget")

NETWORKS = ("facebook", "instagram", "linkedin", "tiktok", "x", "pinterest", "youtube",
            "google_business", "other")
OBJECTIVES = ("awareness", "leads", "recruiting", "service", "community", "other")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Question:
    """One question: its id, its section, how it is answered and whether it may be skipped."""

    id: str
    section: str
    kind: str  # "choice", "multi" or "text"
    options: tuple[str, ...] = ()
    optional: bool = False
    parse_text: Callable[[str], object] | None = None  # for typed answers

    @property
    def state(self) -> str:
        """Name of the machine state that asks this question."""
        return f"asking_{self.id}"

    @property
    def section_number(self) -> int:
        """1-based position of this question's section."""
        return SECTIONS.index(self.section) + 1


QUESTIONS: tuple[Question, ...] = (
    Question("objective", "why", "choice", OBJECTIVES, parse_text=answers.parse_reason),
    Question("target", "why", "text", optional=True, parse_text=answers.parse_target),
    Question("audience_type", "who", "choice", ("b2b", "b2c", "both")),
    Question("customer", "who", "text", parse_text=answers.parse_customer),
    Question("problem", "who", "text", optional=True, parse_text=answers.parse_problem),
    Question("audience_networks", "who", "multi", NETWORKS + (UNKNOWN,)),
    Question("business_kind", "who", "choice", KINDS),
    Question("networks", "where", "multi", NETWORKS),
    Question("champion", "resource", "text", parse_text=answers.parse_champion),
    Question("hours", "resource", "text", parse_text=parsing.parse_hours),
    Question("hourly_cost", "resource", "text", optional=True,
             parse_text=parsing.parse_hourly_cost),
    Question("budget", "budget", "text", parse_text=parsing.parse_budget),
    Question("result_value", "budget", "text", optional=True,
             parse_text=parsing.parse_result_value),
)

BY_ID = {q.id: q for q in QUESTIONS}
BY_STATE = {q.state: q for q in QUESTIONS}


def first_of(section: str) -> Question:
    """Return the first question of `section`."""
    return next(q for q in QUESTIONS if q.section == section)


def ends_section(question: Question) -> bool:
    """Tell whether `question` is the last one of its section."""
    following = QUESTIONS[QUESTIONS.index(question) + 1:]
    return not following or following[0].section != question.section


def _option_named_in(text: str, aliases: dict[str, str], options: tuple[str, ...]) -> str:
    """Return the one option a typed answer names ("trouver des clients à Lyon": leads),
    or "other"."""
    named = {value for value, _, _ in matching.spans_in(words.normalize(text), aliases)
             if value in options}
    return named.pop() if len(named) == 1 else "other"


def parse(question: Question, text: str | None, values: tuple[str, ...] | None,
          aliases: dict[str, str]) -> object:
    """Return the value to store for an answer to `question`, or raise `InvalidAnswer`.

    `values` are pressed buttons; `aliases` maps typed option labels to values. "I don't
    know" picks the question's "unknown" option, or gets a re-ask that says why the
    answer matters; it is never stored as an answer.
    """
    if values is None and answers.is_dont_know(text):
        if UNKNOWN not in question.options:
            raise InvalidAnswer(f"dont_know.{question.id}")
        values = (UNKNOWN,)
    if question.kind == "text":
        if values:
            raise InvalidAnswer("problem.type_answer")
        return question.parse_text(text)
    return _parse_choice(question, text, values, aliases)


def _parse_choice(question: Question, text: str | None, values: tuple[str, ...] | None,
                  aliases: dict[str, str]) -> object:
    """Return the chosen option(s), accepting numbers, labels or pressed buttons."""
    multi = question.kind == "multi"
    if values is None:
        try:
            values = parse_choices(text or "", question.options, aliases, multi)
        except InvalidAnswer:
            if question.parse_text is None or choice_indexes(text or "") is not None:
                raise
            typed = question.parse_text(text)
            return {"choice": _option_named_in(typed, aliases, question.options),
                    "text": typed}
    values = tuple(dict.fromkeys(values))  # « linkedin, linkedin », a double tap: once
    if not values or any(v not in question.options for v in values):
        raise InvalidAnswer("problem.unknown_option", count=len(question.options))
    if multi:
        if UNKNOWN in values and len(values) > 1:
            raise InvalidAnswer("problem.unknown_exclusive")
        return list(values)
    if len(values) > 1:
        raise InvalidAnswer("problem.single_choice")
    if values[0] == "other" and question.parse_text is not None:
        raise InvalidAnswer("problem.describe_other")
    return {"choice": values[0]} if question.parse_text is not None else values[0]


# ---------------------------------------------------------------------------------------
# What may be stored: the last check before an answer is kept, whatever parsed it

def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def _within(value: object, low: float, high: float) -> bool:
    """Tell whether `value` is a finite number from `low` to `high`."""
    return _is_number(value) and low <= value <= high


def _plain_text(value: object, max_length: int = parsing.MAX_TEXT) -> bool:
    """Tell whether `value` is a typed text as `clean_text` leaves it."""
    return isinstance(value, str) and 0 < len(value) <= max_length and value.strip() == value \
        and storable(value) == value


def _valid_choice(question: Question, value: object) -> bool:
    """Tell whether a choice question's stored value is one of its options (with the
    user's words, for a question that also takes typed text)."""
    if question.kind == "multi":
        return isinstance(value, list) and bool(value) and len(set(value)) == len(value) \
            and all(v in question.options for v in value) \
            and (UNKNOWN not in value or len(value) == 1)
    if question.parse_text is None:
        return value in question.options
    return isinstance(value, dict) and value.get("choice") in question.options \
        and set(value) <= {"choice", "text"} \
        and ("text" not in value or _plain_text(value["text"]))


def _valid_target(value: object) -> bool:
    return isinstance(value, dict) and _plain_text(value.get("text")) \
        and (value.get("number") is None
             or _within(value["number"], 0, parsing.MAX_TARGET))


def _valid_budget(value: object, scale: float) -> bool:
    if not isinstance(value, dict) or not _within(value.get("yearly"), 0,
                                                   parsing.MAX_BUDGET * scale):
        return False
    figures = [value[k] for k in ("monthly", "per_period") if k in value]
    return all(_within(f, 0, parsing.MAX_BUDGET * scale) for f in figures)


def valid_answer(question_id: str, value: object, currency: str | None = None) -> bool:
    """Tell whether `value` may be stored as the answer to `question_id`: an option of
    the question, a text as typed, or a figure within the question's limits (in
    `currency`, the user's, for amounts)."""
    question = BY_ID[question_id]
    scale = parsing.currency_scale(currency)
    if question.kind != "text":
        return _valid_choice(question, value)
    checks = {
        "target": lambda: _valid_target(value),
        "champion": lambda: _plain_text(value, answers.MAX_CHAMPION),
        "hours": lambda: _within(value, parsing.MIN_FIGURE, parsing.MAX_HOURS),
        "hourly_cost": lambda: _within(value, parsing.MIN_FIGURE,
                                       parsing.MAX_HOURLY_COST * scale),
        "budget": lambda: _valid_budget(value, scale),
        "result_value": lambda: _within(value, parsing.MIN_FIGURE,
                                        parsing.MAX_RESULT_VALUE * scale),
    }
    return checks.get(question_id, lambda: _plain_text(value))()


def check_answer(question_id: str, value: object, currency: str | None = None) -> None:
    """Raise `InvalidAnswer` when `value` may not be stored as the answer to
    `question_id` (see `valid_answer`)."""
    if not valid_answer(question_id, value, currency):
        raise InvalidAnswer("problem.out_of_range")
