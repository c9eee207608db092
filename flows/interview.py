"""The strategy interview as a `transitions` state machine.

STATES and TRANSITIONS are data built from the question catalogue: one state per
question, then the plan. `answer` moves on only when the `accepts_answer` condition
parses the input; a refused answer keeps the state and leaves the re-ask in
`Interview.problem`. One shared machine serves every user: a model is attached with
its saved state for one message, then detached.
"""

from __future__ import annotations

from transitions import Machine
from transitions.extensions import GraphMachine

from flows.parsing import InvalidAnswer, Noted, Unsure
from flows.questions import (BY_STATE, QUESTIONS, SECTIONS, check_answer, ends_section,
                             first_of, parse)

SHOWING_PLAN = "showing_plan"
PLAN_CONFIRMED = "plan_confirmed"
FIRST_STATE = QUESTIONS[0].state
STATES = [q.state for q in QUESTIONS] + [SHOWING_PLAN, PLAN_CONFIRMED]


def _question_transitions() -> list[dict]:
    """Return answer, skip and back transitions between consecutive questions."""
    transitions: list[dict] = []
    following = [q.state for q in QUESTIONS[1:]] + [SHOWING_PLAN]
    for question, next_state in zip(QUESTIONS, following):
        for trigger, condition, action in (("answer", "accepts_answer", "store_answer"),
                                           ("skip", "may_pass", None),
                                           ("clear", "is_optional", "forget_answer")):
            if ends_section(question) and next_state != SHOWING_PLAN:
                transitions.append({
                    "trigger": trigger, "source": question.state, "dest": SHOWING_PLAN,
                    "conditions": ["is_editing", condition], "before": action,
                    "after": "stop_editing",
                })
            transitions.append({
                "trigger": trigger, "source": question.state, "dest": next_state,
                "conditions": condition, "before": action, "after": "stop_editing"
                if next_state == SHOWING_PLAN else None,
            })
    for previous, question in zip(QUESTIONS, QUESTIONS[1:]):
        transitions.append({"trigger": "back", "source": question.state,
                            "dest": previous.state})
    transitions.append({"trigger": "leave_editing", "source": [q.state for q in QUESTIONS],
                        "dest": SHOWING_PLAN, "conditions": "is_editing",
                        "after": "stop_editing"})
    return [{k: v for k, v in t.items() if v is not None} for t in transitions]


TRANSITIONS: list[dict] = _question_transitions() + [
    {"trigger": "back", "source": SHOWING_PLAN, "dest": QUESTIONS[-1].state},
    {"trigger": "confirm", "source": SHOWING_PLAN, "dest": PLAN_CONFIRMED},
    *({"trigger": f"edit_{section}", "source": [SHOWING_PLAN, PLAN_CONFIRMED],
       "dest": first_of(section).state, "before": "start_editing"}
      for section in SECTIONS),
    {"trigger": "restart", "source": "*", "dest": FIRST_STATE, "before": "clear_answers"},
]


class Interview:
    """One user's interview: the answers, the section being edited, the last refusal."""

    def __init__(self, answers: dict[str, object], editing: str | None = None) -> None:
        self.answers = dict(answers)
        self.editing = editing
        self.problem: InvalidAnswer | None = None
        self.unsure: Unsure | None = None  # an answer to confirm before it is stored
        self.note: Noted | None = None  # what the coach understood, to say back
        self.preset: object = None  # a value confirmed by the user, stored as it is
        self._parsed: object = None

    @property
    def question(self):
        """The question being asked, or None outside the questions."""
        return BY_STATE.get(self.state)

    # conditions
    def accepts_answer(self, text: str | None, values: tuple[str, ...] | None,
                       aliases: dict[str, str]) -> bool:
        """Parse the answer; keep the refusal in `problem`, or the doubt in `unsure`."""
        self.problem = self.unsure = self.note = None
        if self.preset is not None:  # confirmed by the user: checked when it was asked
            self._parsed, self.preset = self.preset, None
            return self._storable(self._parsed)
        try:
            parsed = parse(self.question, text, values, aliases)
        except InvalidAnswer as refusal:
            self.problem = refusal
            return False
        except Unsure as doubt:
            if not self._storable(doubt.value, doubt.also.get("currency")):
                return False
            if not self._known_currency(doubt):
                self.unsure = doubt
                return False
            parsed = doubt.value
        if isinstance(parsed, Noted):
            self.note, parsed = parsed, parsed.value
        if not self._storable(parsed):
            self.note = None
            return False
        self._parsed = parsed
        return True

    def _storable(self, value: object, currency: str | None = None) -> bool:
        """Tell whether `value` passes the question's limits; keep the refusal if not
        (the last check, whatever parser read the answer)."""
        try:
            check_answer(self.question.id, value, currency or self.answers.get("currency"))
        except InvalidAnswer as refusal:
            self.problem = refusal
            return False
        return True

    def _known_currency(self, doubt: Unsure) -> bool:
        """Tell whether a doubt is only about a currency the user already confirmed."""
        currency = doubt.also.get("currency")
        return bool(currency) and set(doubt.also) == {"currency"} \
            and doubt.key.startswith("unsure.currency") \
            and self.answers.get("currency") == currency

    def is_optional(self, *_: object) -> bool:
        """Tell whether the current question may be skipped."""
        return self.question.optional

    def may_pass(self, *_: object) -> bool:
        """Tell whether "skip" may move on: an optional question, or one already answered
        (its answer is kept)."""
        return self.question.optional or self.question.id in self.answers

    def is_editing(self, *_: object) -> bool:
        """Tell whether the user is editing one section from the plan."""
        return self.editing is not None and self.question.section == self.editing

    # callbacks
    def store_answer(self, *_: object) -> None:
        """Keep the parsed answer of the current question."""
        self.answers[self.question.id] = self._parsed

    def forget_answer(self, *_: object) -> None:
        """Drop the answer of a skipped question."""
        self.answers.pop(self.question.id, None)

    def stop_editing(self, *_: object) -> None:
        """Leave editing mode: the plan is shown again."""
        self.editing = None

    def clear_answers(self, *_: object) -> None:
        """Forget every answer, to start over."""
        self.answers.clear()
        self.editing = None

    def start_editing(self, section: str) -> None:
        """Edit one section from the plan; the plan comes back at its end."""
        self.editing = section


def build_machine() -> Machine:
    """Return the shared interview machine, with no model attached."""
    return Machine(model=None, states=STATES, transitions=TRANSITIONS, initial=FIRST_STATE,
                   auto_transitions=False, send_event=False)


def resume_state(saved: str | None, answers: dict[str, object]) -> str:
    """Return the state to resume: the saved one, or the first unanswered question."""
    if saved in STATES:
        return saved
    missing = next((q for q in QUESTIONS if q.id not in answers and not q.optional), None)
    return missing.state if missing else SHOWING_PLAN


def mermaid_diagram() -> str:
    """Return the interview as a Mermaid stateDiagram, generated from the machine itself."""
    model = Interview({})
    GraphMachine(model=model, states=STATES, transitions=TRANSITIONS, initial=FIRST_STATE,
                 auto_transitions=False, graph_engine="mermaid", show_conditions=True)
    text = model.get_graph().draw(None)
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(("Class ",
                                                                                 "classDef"))]
    return "\n".join(line.rstrip() for line in lines).strip() + "\n"
