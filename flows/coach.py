"""The coach: takes one neutral inbound message, returns neutral replies.

Each message loads the user, attaches their interview to the shared machine at its
saved state, acts, and saves the new state with the changed answers in one
transaction. Bad input never raises: it gets a re-ask.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import storage
from flows import advice, checkin, matching, plan, render
from flows import vocabulary as words
from flows.advice import currency_of
from flows.i18n import DEFAULT_LANGUAGE, LANGUAGES, in_currency, money, number, supported, t
from flows.checkin import CheckinDesk
from flows.interview import (PLAN_CONFIRMED, SHOWING_PLAN, Interview, build_machine,
                             resume_state)
from flows.messages import (NUDGE, Deferred, Document, Inbound, Reply, came_before,
                            sanitized)
from flows.business import guess_kind
from flows.choices import parse_choices
from flows.parsing import InvalidAnswer, Unsure
from flows.questions import QUESTIONS
from flows.schedule import Schedule
from storage.checkins import CheckinRecord
from storage.outbox import SUPERSEDED, Asked
from storage.port import Store

logger = logging.getLogger(__name__)

CONFIRM_PROMPTS = {"restart": "confirm_restart", "delete": "confirm_delete",
                   "unsure": "confirm_answer", "did_you_mean": "confirm_command",
                   "checkin_unsure": "confirm_figure"}


@dataclass
class Turn:
    """What one message works on: the stored user and their attached interview."""

    user: storage.UserRecord
    interview: Interview
    deleted: bool = False
    checkin: CheckinRecord | None = None  # this week's open check-in, once looked up
    checkin_looked_up: bool = False
    timezone_hint: str | None = None  # the platform's time zone for the user, if known

    @property
    def language(self) -> str:
        return self.user.language


class Coach:
    """The platform-free coach."""

    def __init__(self, store: Store, default_language: str = DEFAULT_LANGUAGE,
                 default_timezone: str = "Europe/Paris",
                 clock: Callable[[], datetime] | None = None,
                 outbox: Iterable[str] = ()) -> None:
        self.store = store
        self.default_language = default_language
        self.machine = build_machine()
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.checkins = CheckinDesk(store, default_timezone, self.clock)
        self.outbox = frozenset(outbox)  # the platforms whose replies go to the outbox

    def queues(self, platform: str) -> bool:
        """Tell whether replies to `platform` are written to the outbox, for its sender."""
        return platform in self.outbox

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one message from a user in one transaction, under that user's lock:
        everything it changed is saved, with its delivery recorded as handled and, on an
        outbox platform, its replies as rows to send, or nothing is (so a redelivery
        after a crash is handled, and one after success is not: its unsent replies are
        the sender's). Returns the replies (a notice is answered by the adapter, never
        queued). Text that cannot be stored (a lone surrogate, a control character) is
        dropped from the message first."""
        inbound = sanitized(inbound)
        key = f"{inbound.platform}:{inbound.user_id}"
        with self.store.transaction(key):
            if inbound.delivery is not None and not self.store.record_update(
                    inbound.platform, inbound.delivery, key):
                logger.info("%s delivery %s already handled", inbound.platform,
                            inbound.delivery)
                return []  # a redelivery: recorded with the first handling, or not at all
            replies, user_id, expects = self._handle(inbound)
            messages = [r for r in replies if not r.notice]
            if messages and self.queues(inbound.platform):
                self.store.enqueue(inbound.platform, inbound.user_id, messages, expects,
                                   self.clock(), user_id, inbound.delivery)
            return replies

    def _handle(self, inbound: Inbound) -> tuple[list[Reply], int | None, str | None]:
        """Return the replies, the user's id (None once deleted) and the prompt the coach
        waits for next."""
        user = self._load_user(inbound)
        previous = dict(user.answers)
        if inbound.start_payload:
            user.start_payload = inbound.start_payload  # kept for later, never an answer
        with self._attached(user) as turn:
            turn.timezone_hint = inbound.timezone
            replies = self._dispatch(turn, inbound)
            user.state, user.editing = turn.interview.state, turn.interview.editing
            user.answers = turn.interview.answers
            turn.checkin_looked_up = False  # the message may have opened or closed one
            expects = None if turn.deleted else self._prompt(turn)
        if not turn.deleted:
            self.store.save_user(user, previous)
            if user.state == PLAN_CONFIRMED:  # they write: they can be reached again
                self.checkins.set_reachable(user.id, True)
        logger.debug("user %s: %s", user.id, user.state)
        return written_in(user.language, replies), None if turn.deleted else user.id, expects

    def _load_user(self, inbound: Inbound) -> storage.UserRecord:
        """Return the stored user, created on first contact in their platform's language."""
        hint = supported(inbound.language)
        user = self.store.load_user(inbound.platform, inbound.user_id)
        if user is None:
            return self.store.create_user(inbound.platform, inbound.user_id,
                                       hint or self.default_language)
        if hint and not user.language_chosen:
            user.language = hint
        return user

    @contextmanager
    def _attached(self, user: storage.UserRecord):
        """Attach the user's interview to the shared machine for one message."""
        interview = Interview(user.answers, user.editing)
        self.machine.add_model(interview, initial=resume_state(user.state, user.answers))
        try:
            yield Turn(user, interview)
        finally:
            self.machine.remove_model(interview)

    # dispatch
    def _dispatch(self, turn: Turn, inbound: Inbound) -> list[Reply]:
        """Route a message: not text, pending confirmation, stale button, command or
        answer; a typed answer to a question the user may not have seen is not taken: it
        is asked again."""
        if inbound.not_text:  # a photo, a voice note: asked for text, nothing changed
            return [self.current(turn, t(turn.language, "not_text"))]
        asked = self._asked(turn, inbound)
        if asked is not None and asked.again and asked.sent and came_before(
                inbound.order, asked.ref) and asked.prompt == self._prompt(turn):
            # typed with the one asked again, before that re-ask reached the chat: the
            # re-ask already says to retype; a second one would say it twice
            logger.info("user %s: typed before the question asked again, left", turn.user.id)
            return []
        if asked is not None:
            logger.info("user %s: answer to an unseen question, asked again", turn.user.id)
            turn.user.pending, turn.user.pending_value = None, None
            again = replace(self.current(turn, t(turn.language, "reask.unseen")), again=True)
            self._supersede(turn, inbound, again)
            return [again]
        if turn.user.pending:
            replies = self._settle_pending(turn, inbound)
            if replies is not None:
                return replies
        return self._route(turn, inbound, tolerant=True)

    def _route(self, turn: Turn, inbound: Inbound, tolerant: bool) -> list[Reply]:
        """Route a message that no pending question took: check-in, command or answer.

        With `tolerant`, a text that is almost a command ("retoure") is asked about first.
        """
        if inbound.choice is not None and inbound.choice.prompt == checkin.SETTINGS_PROMPT:
            if turn.interview.state != PLAN_CONFIRMED or not inbound.choice.values:
                return [Reply(t(turn.language, "already_answered"), notice=True)]
            return self.checkins.settings_button(turn.language, turn.user.id,
                                                 inbound.choice.values[0])
        record = self._open_checkin(turn)
        command = words.command_of(inbound.text or "") if inbound.choice is None else None
        if command is None and inbound.choice is None and tolerant:
            near = matching.near_command(inbound.text or "")
            if near is not None:
                return self._ask_did_you_mean(turn, near, inbound.text or "")
        if record is not None and (command is None or command[0] == "skip"):
            return self._checkin_answer(turn, record, inbound, command is not None)
        if inbound.choice is not None:
            if inbound.choice.prompt != self._prompt(turn):
                return [Reply(t(turn.language, "already_answered"), notice=True)]
            return self._answer(turn, None, inbound.choice.values)
        if command is not None:
            name, argument = command
            return getattr(self, f"_command_{name}")(turn, argument)
        return self._answer(turn, inbound.text or "", None)

    def _asked(self, turn: Turn, inbound: Inbound) -> Asked | None:
        """Return the latest prompt the coach sent when a typed answer may not be taken
        for the current prompt, else None. Always taken: a button (it names its prompt),
        a command, and any answer where no prompt is kept; on an outbox platform, an
        answer is taken only when the latest prompt the coach sent is the current one,
        was sent, and reached the chat before the answer was typed (by their order in
        the chat, where the platform gives one)."""
        if inbound.choice is not None or not self.queues(inbound.platform):
            return None
        if words.command_of(inbound.text or "") is not None:
            return None
        asked = self.store.last_asked(inbound.platform, inbound.user_id)
        if asked is None or (asked.sent and asked.prompt == self._prompt(turn)
                             and not came_before(inbound.order, asked.ref)):
            return None
        return asked

    def _supersede(self, turn: Turn, inbound: Inbound, again: Reply) -> None:
        """Take out of the outbox the unsent question that `again` (its re-ask) repeats
        whole, so it is not sent twice: a worker killed between its send and its mark
        left it leased for LEASE, and it would go out again then, just before the
        re-ask. A question with more in it (a notice, a verdict) is kept."""
        asked = self.store.last_asked(inbound.platform, inbound.user_id)
        if asked is None or asked.done or asked.id is None or \
                asked.prompt != self._prompt(turn):
            return
        if asked.text in (self.current(turn).text, again.text):
            self.store.outbox_sent(asked.id, self.clock(), SUPERSEDED)

    def _prompt(self, turn: Turn) -> str:
        """Return the id of the prompt the user is answering now."""
        if turn.user.pending:
            return CONFIRM_PROMPTS.get(turn.user.pending, turn.user.pending)
        record = self._open_checkin(turn)
        if record is not None:
            return checkin.prompt_of(record.step)
        question = turn.interview.question
        return question.id if question else render.PLAN_PROMPT

    def current(self, turn: Turn, before: str | None = None, full: bool = False) -> Reply:
        """Return the reply for where the user is now, after an optional paragraph: the
        question, or the open check-in's, or, past the interview, a line or two with the
        plan's options (the whole plan only when `full`: on `plan`, or when it is new)."""
        interview, language = turn.interview, turn.language
        if interview.question is not None:
            return render.question_reply(language, interview.question, interview.answers,
                                         before)
        confirmed = interview.state == PLAN_CONFIRMED
        if not full:
            record = self._open_checkin(turn)
            if record is not None:
                return self.checkins.ask(language, record.step, interview.answers, before,
                                         record)
            return plan.waiting_reply(language, confirmed, before)
        reply = plan.plan_reply(language, interview.answers, confirmed)
        if before:
            reply = Reply(f"{before}\n\n{reply.text}", reply.prompt, reply.options)
        return reply

    def _moved(self, turn: Turn, before: str | None = None) -> Reply:
        """Return the reply after the interview moved on: the whole plan when it has just
        been reached, else the next question."""
        return self.current(turn, before, full=turn.interview.state == SHOWING_PLAN)

    # answers
    def _answer(self, turn: Turn, text: str | None, values: tuple[str, ...] | None):
        """Take an answer to the current question or to the plan."""
        interview = turn.interview
        if interview.question is None:
            return self._plan_action(turn, text, values)
        question = interview.question
        guess = guess_kind(interview.answers) if question.id == "business_kind" else None
        if guess and values is None and words.normalize(text or "") in words.YES:
            values = (guess,)  # "oui" confirms the coach's guess
        if interview.answer(text, values, render.aliases(question.id)):
            return [self._moved(turn, self._notice(turn, question.id))]
        if interview.unsure is not None:
            return self._ask_unsure(turn, question.id, interview.unsure)
        problem = interview.problem
        return [self.current(turn, t(turn.language, problem.key, **problem.params))]

    def _notice(self, turn: Turn, question_id: str) -> str | None:
        """Return what the coach understood when it converted the answer, if anything."""
        note = turn.interview.note
        if note is not None:
            currency = currency_of(turn.interview.answers)
            return t(turn.language, note.key, **in_currency(note.params, currency))
        budget = turn.interview.answers.get(question_id)
        if question_id == "budget" and isinstance(budget, dict) and budget.get("monthly"):
            return t(turn.language, "notice.monthly",
                     monthly=money(turn.language, budget["monthly"]),
                     yearly=money(turn.language, budget["yearly"]))
        return None

    def _ask_unsure(self, turn: Turn, question_id: str, doubt: Unsure) -> list[Reply]:
        """Ask "did you mean …?" about a surprising answer; nothing is stored before yes."""
        turn.user.pending = "unsure"
        turn.user.pending_value = {"question": question_id, "value": doubt.value,
                                   "also": doubt.also}
        params = in_currency(doubt.params, currency_of(turn.interview.answers))
        return [render.confirmation_reply(turn.language, CONFIRM_PROMPTS["unsure"],
                                          t(turn.language, doubt.key, **params))]

    def _ask_did_you_mean(self, turn: Turn, command: str, typed: str) -> list[Reply]:
        """Ask whether a text close to a command word was meant as that command."""
        turn.user.pending = "did_you_mean"
        turn.user.pending_value = {"command": command, "text": typed}
        word = t(turn.language, f"command.word.{command}")
        return [render.confirmation_reply(turn.language, CONFIRM_PROMPTS["did_you_mean"],
                                          t(turn.language, "did_you_mean", word=word))]

    def _settle_unsure(self, turn: Turn, about: dict, confirmed: bool) -> list[Reply]:
        """Store the doubted answer on yes and move on; on no, ask the question again."""
        interview = turn.interview
        question = interview.question
        if question is None or question.id != about.get("question"):
            return [self.current(turn)]
        if not confirmed:
            return [self.current(turn, t(turn.language, "unsure.declined"))]
        interview.answers.update(about.get("also") or {})
        interview.preset = about["value"]
        if not interview.answer(None, None, {}):  # beyond the question's limits after all
            problem = interview.problem
            return [self.current(turn, t(turn.language, problem.key, **problem.params))]
        return [self._moved(turn, t(turn.language, "unsure.stored"))]

    def _settle_did_you_mean(self, turn: Turn, about: dict, confirmed: bool) -> list[Reply]:
        """Run the command meant, or take the text as the answer it was."""
        if confirmed:
            return getattr(self, f"_command_{about['command']}")(turn, "")
        inbound = Inbound(turn.user.platform, turn.user.platform_user_id, text=about["text"])
        return self._route(turn, inbound, tolerant=False)

    def _plan_action(self, turn: Turn, text: str | None, values: tuple[str, ...] | None):
        """Confirm the plan or open a section for editing."""
        interview, language = turn.interview, turn.language
        confirmed = interview.state == PLAN_CONFIRMED
        choices = render.plan_options(language, confirmed)
        if values is None:
            aliases = {words.normalize(o.label): o.value for o in choices}
            aliases.update(dict.fromkeys(words.DETAILS, render.PLAN_DETAILS))
            try:
                values = parse_choices(text or "", tuple(o.value for o in choices), aliases,
                                       multi=False)
            except InvalidAnswer as problem:
                if interview.state == PLAN_CONFIRMED:
                    return [Reply(t(language, "plan.after_confirmed"),
                                  prompt=render.PLAN_PROMPT, options=choices)]
                return [self.current(turn, t(language, problem.key, **problem.params))]
        action = values[0] if values else ""
        if action == render.PLAN_CONFIRM and interview.may_confirm():
            interview.confirm()
            scheduled = self.checkins.start_schedule(language, turn.user.id,
                                                     turn.timezone_hint)
            return [Reply(t(language, "plan.confirmed") + "\n\n" + scheduled,
                          prompt=render.PLAN_PROMPT,
                          options=render.plan_options(language, confirmed=True))]
        if action == render.PLAN_DETAILS:
            return [plan.details_reply(language, interview.answers, confirmed)]
        if action.startswith("edit_") and interview.may_trigger(action):
            interview.trigger(action, action.removeprefix("edit_"))
            return [self.current(turn)]
        return [self.current(turn, t(language, "problem.unknown_option", count=len(choices)))]

    # pending confirmations
    def _ask_confirmation(self, turn: Turn, what: str) -> list[Reply]:
        turn.user.pending = what
        return [render.confirmation_reply(turn.language, CONFIRM_PROMPTS[what],
                                          t(turn.language, f"{what}.confirm"))]

    def _settle_pending(self, turn: Turn, inbound: Inbound) -> list[Reply] | None:
        """Act on the answer to a pending question; None to handle the message normally."""
        pending, prompt = turn.user.pending, self._prompt(turn)
        if inbound.choice is not None:
            if inbound.choice.prompt != prompt:
                return [Reply(t(turn.language, "already_answered"), notice=True)]
            answer = inbound.choice.values[0] if inbound.choice.values else ""
        else:
            answer = self._pending_word(pending, inbound.text or "")
        about, turn.user.pending, turn.user.pending_value = turn.user.pending_value, None, None
        if answer is None:
            return None
        if pending == "language":
            return self._set_language(turn, answer)
        if pending == "unsure":
            return self._settle_unsure(turn, about or {}, answer == "yes")
        if pending == "did_you_mean":
            return self._settle_did_you_mean(turn, about or {}, answer == "yes")
        if pending == "checkin_unsure":
            return self._settle_checkin_unsure(turn, about or {}, answer == "yes")
        if answer != "yes":
            return [self.current(turn, t(turn.language, "cancelled"))]
        if pending == "restart":
            turn.interview.restart()
            return [self.current(turn, t(turn.language, "restart.done"))]
        self.store.delete_user(turn.user.id)
        turn.deleted = True
        logger.info("user %s deleted their data", turn.user.id)
        return [Reply(t(turn.language, "delete.done"))]

    @staticmethod
    def _pending_word(pending: str, text: str) -> str | None:
        """Read "yes"/"no", a language, or the option number from typed text."""
        plain = words.normalize(text)
        if pending == "language":
            by_number = dict(zip(("1", "2"), LANGUAGES))
            return words.LANGUAGE_NAMES.get(plain) or by_number.get(plain)
        if plain in words.YES or plain == "1":
            return "yes"
        if plain in words.NO or plain == "2":
            return "no"
        return None

    # commands
    def _command_start(self, turn: Turn, _: str) -> list[Reply]:
        fresh = not turn.interview.answers and turn.interview.state == QUESTIONS[0].state
        return [self.current(turn, t(turn.language, "welcome" if fresh else "welcome_back"))]

    def _command_help(self, turn: Turn, _: str) -> list[Reply]:
        question = turn.interview.question
        key = f"q.{question.id}.help" if question else "help.plan"
        text = t(turn.language, key) + "\n\n" + t(turn.language, "help.general")
        return [self.current(turn, text)]

    def _command_back(self, turn: Turn, _: str) -> list[Reply]:
        if turn.interview.may_back():
            turn.interview.back()
            return [self.current(turn)]
        first = turn.interview.state == QUESTIONS[0].state
        return [self.current(turn, t(turn.language, "back_at_start") if first else None)]

    def _command_skip(self, turn: Turn, _: str) -> list[Reply]:
        question = turn.interview.question
        if question is None:
            return [self.current(turn, t(turn.language, "nothing_to_skip"))]
        if turn.interview.may_skip():
            kept = question.id in turn.interview.answers
            turn.interview.skip()
            return [self._moved(turn, t(turn.language, "skip.kept") if kept else None)]
        return [self.current(turn, t(turn.language, "cannot_skip"))]

    def _command_clear(self, turn: Turn, _: str) -> list[Reply]:
        question = turn.interview.question
        if question is None or question.id not in turn.interview.answers:
            return [self.current(turn, t(turn.language, "nothing_to_clear"))]
        if turn.interview.may_clear():
            turn.interview.clear()
            return [self._moved(turn, t(turn.language, "cleared"))]
        return [self.current(turn, t(turn.language, "cannot_clear"))]

    def _command_leave(self, turn: Turn, _: str) -> list[Reply]:
        """Leave the current question, edit or check-in; every answer given is kept."""
        record = self._open_checkin(turn)
        interview, language = turn.interview, turn.language
        if record is not None:
            self.checkins.leave(record)
            return [Reply(t(language, "leave.checkin"))]
        if interview.may_leave_editing():
            interview.leave_editing()
            return [Reply(t(language, "leave.editing"), prompt=render.PLAN_PROMPT,
                          options=render.plan_options(language, confirmed=False))]
        if interview.question is not None:
            return [Reply(t(language, "leave.interview"))]
        return [Reply(t(language, "leave.plan"))]

    def _command_restart(self, turn: Turn, _: str) -> list[Reply]:
        return self._ask_confirmation(turn, "restart")

    def _command_delete(self, turn: Turn, _: str) -> list[Reply]:
        return self._ask_confirmation(turn, "delete")

    def _command_plan(self, turn: Turn, _: str) -> list[Reply]:
        question = turn.interview.question
        if question is None:
            return [self.current(turn, full=True)]
        count = render.remaining_questions(question)
        return [self.current(turn, t(turn.language, "plan.not_ready", n=count))]

    def _command_language(self, turn: Turn, argument: str) -> list[Reply]:
        if not argument:
            turn.user.pending = "language"
            return [render.language_reply(turn.language)]
        code = words.LANGUAGE_NAMES.get(words.normalize(argument))
        if code is None:
            return [self.current(turn, t(turn.language, "language.unknown"))]
        return self._set_language(turn, code)

    def _set_language(self, turn: Turn, code: str) -> list[Reply]:
        if code not in LANGUAGES:
            return [self.current(turn, t(turn.language, "language.unknown"))]
        turn.user.language, turn.user.language_chosen = code, True
        return [self.current(turn, t(code, "language.set"))]

    def _command_export(self, turn: Turn, _: str) -> list[Reply]:
        data = self.store.export_user(turn.user.id)
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
        document = Document(f"coach-export-{turn.user.id}.json", content)
        exported = Reply(t(turn.language, "export.done"), document=document)
        return [exported, self.current(turn)] if turn.interview.question else [exported]

    def _command_document(self, turn: Turn, _: str) -> list[Reply]:
        """Send the plan as a one-page PDF to print or share."""
        if turn.interview.question is not None:
            count = render.remaining_questions(turn.interview.question)
            return [self.current(turn, t(turn.language, "plan.not_ready", n=count))]
        language, answers = turn.language, turn.interview.answers
        schedule, _ = self.checkins.schedule_of(turn.user.id)
        texts = plan.document_texts(language, answers, self._routine(turn, schedule),
                                    self.checkins.today(schedule))
        document = Document(f"plan-{turn.user.id}.pdf",
                            Deferred("flows.coach:draw_plan_pdf", (texts,)),
                            "application/pdf")
        return [Reply(t(language, "plan.document.done"), document=document)]

    def _routine(self, turn: Turn, schedule: Schedule) -> list[str]:
        """Return the weekly routine of the plan: the check-in, the hours, the measure."""
        language, answers = turn.language, turn.interview.answers
        keep, _, _ = advice.networks_to_keep(answers)
        lines = [t(language, "routine.checkin", day=checkin.day_name(language,
                                                                     schedule.weekday),
                   time=schedule.at.strftime("%H:%M"))]
        if answers.get("hours") and keep:
            lines.append(t(language, "routine.hours", hours=number(language, answers["hours"]),
                           networks=", ".join(t(language, render.option_key("networks", n))
                                              for n in keep)))
        lines.append(t(language, "routine.measure"))
        return lines

    # weekly check-ins
    def _open_checkin(self, turn: Turn) -> CheckinRecord | None:
        """Return this week's unanswered check-in when the plan is confirmed, read once
        per message."""
        if turn.interview.state != PLAN_CONFIRMED:
            return None
        if not turn.checkin_looked_up:
            turn.checkin = self.checkins.open_record(turn.user.id)
            turn.checkin_looked_up = True
        return turn.checkin

    def _checkin_answer(self, turn: Turn, record: CheckinRecord, inbound: Inbound,
                        skipped: bool) -> list[Reply]:
        """Take an answer to the open check-in, typed or pressed."""
        if inbound.choice is not None:
            if inbound.choice.prompt != checkin.prompt_of(record.step):
                return [Reply(t(turn.language, "already_answered"), notice=True)]
            skipped = inbound.choice.values == (checkin.SKIP,)
        try:
            return self.checkins.take(turn.language, record, turn.interview.answers,
                                      inbound.text, skipped,
                                      inbound.choice.values if inbound.choice else None)
        except Unsure as doubt:
            turn.user.pending = "checkin_unsure"
            turn.user.pending_value = {"week": record.week, "step": record.step,
                                       "value": doubt.value, "also": doubt.also}
            params = in_currency(doubt.params, currency_of(turn.interview.answers))
            return [render.confirmation_reply(turn.language, CONFIRM_PROMPTS["checkin_unsure"],
                                              t(turn.language, doubt.key, **params))]

    def _settle_checkin_unsure(self, turn: Turn, about: dict, confirmed: bool) -> list[Reply]:
        """Store a doubted check-in figure on yes; on no, ask the same step again."""
        record = self._open_checkin(turn)
        answers, language = turn.interview.answers, turn.language
        if record is None or (record.week, record.step) != (about.get("week"),
                                                            about.get("step")):
            return [self.current(turn)]
        if not confirmed:
            return [self.checkins.ask(language, record.step, answers,
                                      t(language, "unsure.declined"), record)]
        answers.update(about.get("also") or {})
        return self.checkins.advance(language, record, answers, about["value"])

    def _command_checkin(self, turn: Turn, _: str) -> list[Reply]:
        if turn.interview.state != PLAN_CONFIRMED:
            return [self.current(turn, t(turn.language, "checkin.not_ready"))]
        return self.checkins.begin(turn.language, turn.user.id, turn.interview.answers,
                                   "checkin.manual")

    def _command_report(self, turn: Turn, _: str) -> list[Reply]:
        return self.checkins.report(turn.language, turn.user.id, turn.interview.answers)

    def _command_settings(self, turn: Turn, argument: str) -> list[Reply]:
        if turn.interview.state != PLAN_CONFIRMED:
            return [self.current(turn, t(turn.language, "checkin.not_ready"))]
        return self.checkins.settings(turn.language, turn.user.id, argument)

    def nudge(self, platform: str, platform_user_id: str, reminder: bool) -> list[Reply]:
        """Return the message that opens (or recalls) this week's check-in; [] if none.
        On an outbox platform it is also written to the outbox, in the caller's
        transaction (the scheduler's, which claims the check-in in it)."""
        user = self.store.load_user(platform, platform_user_id)
        if user is None or user.state != PLAN_CONFIRMED:
            return []
        record = self.checkins.open_record(user.id)
        if record is None:
            return []
        intro = t(user.language, "checkin.reminder" if reminder else "checkin.intro",
                  week=record.week)
        replies = written_in(user.language, [self.checkins.ask(user.language, record.step,
                                                               user.answers, intro, record)])
        if self.queues(platform):
            self.store.enqueue(platform, platform_user_id, replies,
                               checkin.prompt_of(record.step), self.clock(), user.id, NUDGE)
        return replies

    def again(self, platform: str, platform_user_id: str, before: str) -> list[Reply]:
        """Return `before` with the prompt the user is at, for when their message failed:
        nothing was changed, and the question is shown again with the apology."""
        user = self.store.load_user(platform, platform_user_id)
        if user is None:  # nothing asked yet: how to start
            return [Reply(t(self.default_language, "error.generic"))]
        with self._attached(user) as turn:
            if turn.user.pending:
                turn.user.pending = None  # the question, not a yes/no about a lost answer
            return [self.current(turn, before)]

    def set_reachable(self, platform: str, platform_user_id: str, reachable: bool) -> bool:
        """Pause (or resume) the nudges of a user the platform says it cannot (or can
        again) reach; return whether anything changed."""
        with self.store.transaction(f"{platform}:{platform_user_id}"):
            user = self.store.load_user(platform, platform_user_id)
            if user is None or user.state != PLAN_CONFIRMED:
                return False
            changed = self.checkins.set_reachable(user.id, reachable)
        if changed:
            logger.info("user %s: nudges %s", user.id, "resumed" if reachable else
                        "paused, the platform cannot reach them")
        return changed

    def language_of(self, platform: str, user_id: str) -> str:
        """Return the language a user reads, the default for an unknown user."""
        user = self.store.load_user(platform, user_id)
        return user.language if user else self.default_language


def written_in(language: str, replies: list[Reply]) -> list[Reply]:
    """Return the replies marked with the language they are written in, so an adapter
    labels their buttons without loading the user again."""
    return [replace(reply, language=language) for reply in replies]


def draw_plan_pdf(texts: dict[str, object]) -> bytes:
    """Return the plan's one-page PDF (made off the event loop, after the transaction)."""
    from flows.plan_document import PlanDocument, plan_pdf  # matplotlib: slow import
    return plan_pdf(PlanDocument(**texts))
