"""The question catalogue of the strategy interview: five sections, one question at a time.

Texts live in the catalogues under `q.<id>.text` and `q.<id>.help`, option labels under
`opt.<id>.<value>`. A question's parser turns typed text or chosen values into the
stored answer, or raises `InvalidAnswer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flows import answers, matching, parsing
from flows.business import KINDS
from flows import vocabulary as words
from flows.choices import choice_indexes, parse_choices
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
