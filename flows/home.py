"""What a user's home page shows (Slack's App Home tab), and the check-in settings and
the weekly check-in given in a form: platform-free, through the coach and its store.

`overview` reads without changing anything. `save_settings` and `save_checkin` apply
every field of a form in one transaction under the user's lock, with the same
validation as the typed « réglages » and check-in answers, and save nothing when one
field is wrong: they return the error of each wrong field instead, for the form to show
beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from flows import advice, plan, render
from flows.advice import currency_of
from flows.chart import Chart
from flows.checkin import REPORT_WEEKS, CheckinDesk, day_name, drawing, result_name
from flows.i18n import in_currency, t
from flows.messages import Deferred, Reply
from flows.parsing import Noted, Unsure
from storage.checkins import DONE
from flows.interview import PLAN_CONFIRMED
from flows.parsing import InvalidAnswer
from flows.schedule import Schedule, next_due
from flows.verdict import judge

NEW, INTERVIEW, REVIEW, PLAN = "new", "interview", "review", "plan"
HOME_WEEKS = 4  # weeks of figures on the home page
# The fields of a settings form, in the order they are applied: days off before the
# day (the day may not be a day off), stop or resume before a pause date.
SETTINGS_FIELDS = ("timezone", "days_off", "day", "time", "active", "pause")


@dataclass(frozen=True)
class Overview:
    """A user's situation, in their language, ready to show."""

    language: str
    stage: str  # NEW (never wrote), INTERVIEW, REVIEW (plan shown, not confirmed), PLAN
    remaining: int = 0  # questions left in the interview
    priorities: tuple[tuple[str, str], ...] = ()  # (what to do, why)
    schedule: Schedule | None = None
    schedule_text: str = ""  # when the next check-in comes, or that it is paused
    checkin_open: bool = False  # a check-in waits for an answer
    weeks: tuple[str, ...] = field(default_factory=tuple)  # the last weeks' figures
    chart: Chart | None = None  # the chart of the weeks, as the check-in's verdict has it
    chart_alt: str = ""  # what the chart shows, in words, for who cannot see it


def overview(coach, platform: str, user_id: str) -> Overview:
    """Return what the home page of `user_id` shows; nothing is written."""
    user = coach.store.load_user(platform, user_id)
    if user is None:
        return Overview(coach.default_language, NEW)
    language = user.language
    with coach._attached(user) as turn:
        question = turn.interview.question
        state = turn.interview.state
    if question is not None:
        return Overview(language, INTERVIEW, render.remaining_questions(question))
    if state != PLAN_CONFIRMED:
        return Overview(language, REVIEW)
    answers, desk = user.answers, coach.checkins
    currency = currency_of(answers)
    priorities = tuple(plan.priority_text(language, item, currency)
                       for item in advice.split(answers)[0])
    schedule, _ = desk.schedule_of(user.id)
    history = coach.store.history(user.id)  # the weeks the verdict judges
    weeks = tuple(desk.week_line(language, answers, week) for week in history[-HOME_WEEKS:])
    chart, alt = None, ""
    if history:
        charted = history[-REPORT_WEEKS:]
        chart = desk.chart_of(language, judge(answers, history), answers, charted)
        alt = t(language, "home.chart_alt", n=len(charted), caption=chart.texts.caption,
                weeks="; ".join(desk.week_line(language, answers, w).removeprefix("• ")
                                for w in charted))
    return Overview(language, PLAN, priorities=priorities, schedule=schedule,
                    schedule_text=desk.schedule_sentence(language, schedule),
                    checkin_open=desk.open_record(user.id) is not None, weeks=weeks,
                    chart=chart, chart_alt=alt)


def settings_values(language: str, schedule: Schedule) -> dict[str, str]:
    """Return a schedule as the text values a settings form holds (the day by name)."""
    return {"timezone": schedule.timezone, "day": day_name(language, schedule.weekday),
            "time": schedule.at.strftime("%H:%M"),
            "days_off": ", ".join(day_name(language, d) for d in sorted(schedule.days_off)),
            "active": "stopped" if schedule.stopped else "on",
            "pause": schedule.paused_until.isoformat() if schedule.paused_until else ""}


def save_settings(coach, platform: str, user_id: str, values: dict[str, str],
                  save: bool = True) -> dict[str, str]:
    """Apply a settings form's values ("day": "mardi", "time": "08:30", "days_off":
    "samedi, dimanche" or "", "timezone", "active": "on" or "stopped", "pause": an ISO
    date or ""); return {} once saved, else {field: error} and nothing saved. With
    `save` false, only check them."""
    with coach.store.transaction(f"{platform}:{user_id}"):
        user = coach.store.load_user(platform, user_id)
        if user is None or user.state != PLAN_CONFIRMED:
            language = user.language if user else coach.default_language
            return {"day": t(language, "checkin.not_ready")}
        language, desk = user.language, coach.checkins
        schedule, _ = desk.schedule_of(user.id)
        errors: dict[str, str] = {}
        for name in SETTINGS_FIELDS:
            value = (values.get(name) or "").strip()
            try:
                schedule = _apply(desk, schedule, name, value, language)
            except InvalidAnswer as problem:
                errors[name] = t(language, problem.key, **problem.params)
        if not errors and save:
            desk.store.save_schedule(user.id, schedule, next_due(schedule, coach.clock()))
        return errors


def _apply(desk, schedule: Schedule, name: str, value: str, language: str) -> Schedule:
    if name == "active":
        if value == "stopped":
            return desk.change(schedule, "stop", "", language)
        return desk.change(schedule, "resume", "", language) if schedule.stopped else schedule
    if name == "pause":
        if not value or schedule.stopped:  # an emptied date, or stopped: no pause
            return replace(schedule, paused_until=None)
        try:
            chosen = date.fromisoformat(value)
        except ValueError:
            raise InvalidAnswer("settings.bad_date") from None
        if chosen < desk.today(schedule):
            raise InvalidAnswer("settings.bad_date")
        return replace(schedule, paused_until=chosen)
    if name == "days_off" and not value:
        value = "aucun"  # vocabulary.NOTHING: no day off
    return desk.change(schedule, name, value, language)


# --------------------------------------------------------------------------- check-in

@dataclass(frozen=True)
class CheckinForm:
    """What a check-in form asks, in the user's words."""

    language: str
    period: str  # « semaine du 16 au 22 novembre »
    result: str  # what counts as a result: « demandes de devis »
    networks: str  # hours per network typed as the user would: « LinkedIn 2, Instagram 1 »
    split: bool  # the plan has several networks: ask how the hours split
    currency: str
    answered: bool  # this period has figures already: the form replaces them


def checkin_form(coach, platform: str, user_id: str) -> CheckinForm | None:
    """Return what the check-in form of this period asks; None before a confirmed plan."""
    user = coach.store.load_user(platform, user_id)
    if user is None or user.state != PLAN_CONFIRMED:
        return None
    desk, answers, language = coach.checkins, user.answers, user.language
    record = _record(desk, user.id)
    networks = answers.get("networks") or []
    return CheckinForm(language, desk.period_text(language, record),
                       result_name(language, answers), CheckinDesk.example(language, networks),
                       len(networks) > 1, currency_of(answers),
                       record is not None and record.hours is not None)


def _record(desk: CheckinDesk, user_id: int):
    """The check-in a form answers: the one waiting, else this period's (maybe done)."""
    waiting = desk.open_record(user_id)
    if waiting is not None:
        return waiting
    return desk.store.load_checkin(user_id, desk.period(user_id).key)


def save_checkin(coach, platform: str, user_id: str, values: dict[str, str],
                 save: bool = True) -> dict[str, str]:
    """Store a check-in form ("hours", "split", "results", "revenue", the last two of
    them optional): {} once saved (the check-in is then answered), else {field: error}
    and nothing saved (with `save` false, only check it). The verdict comes from
    `checkin_verdict`, after the commit."""
    with coach.store.transaction(f"{platform}:{user_id}"):
        user = coach.store.load_user(platform, user_id)
        if user is None or user.state != PLAN_CONFIRMED:
            language = user.language if user else coach.default_language
            return {"hours": t(language, "checkin.not_ready")}
        desk, answers, language = coach.checkins, user.answers, user.language
        figures, errors = {}, {}
        several = len(answers.get("networks") or []) > 1
        for step in ("hours", "split", "results", "revenue"):
            text = (values.get(step) or "").strip()
            if not text and (step == "revenue" or step == "split"):
                continue
            try:
                if not text:
                    raise InvalidAnswer(f"checkin.dont_know.{step}")
                if step == "split" and not several:
                    continue
                figure = CheckinDesk.figure(step, text, answers)
                figures[step] = figure.value if isinstance(figure, Noted) else figure
            except Unsure as doubt:
                errors[step] = t(language, "home.checkin.doubt", doubt=t(
                    language, doubt.key, **in_currency(doubt.params, currency_of(answers))))
            except InvalidAnswer as problem:
                errors[step] = t(language, problem.key, **{
                    "result": result_name(language, answers), **problem.params})
        if errors or not save:
            return errors
        record = _record(desk, user.id)
        if record is None:
            period = desk.period(user.id)
            desk.store.open_checkin(user.id, period, coach.clock())
            record = desk.store.load_checkin(user.id, period.key)
        record = replace(record, hours_split=None, results_split=None, revenue=None)
        for step, figure in figures.items():
            record = desk.apply(step, record, figure)
        desk.store.save_checkin(replace(record, step=DONE), coach.clock())
        return {}


def checkin_verdict(coach, platform: str, user_id: str) -> list[Reply]:
    """Return the verdict on the check-ins so far, with the chart (a drawing, made by
    the adapters after the commit, off the event loop)."""
    replies, chart = undrawn_verdict(coach, platform, user_id)
    return with_chart(replies, drawing(chart)) if chart else replies


def undrawn_verdict(coach, platform: str, user_id: str) -> tuple[list[Reply], Chart | None]:
    """Return the verdict's replies without their chart, and the chart to draw (slow:
    off the event loop) and put in with `with_chart`."""
    user = coach.store.load_user(platform, user_id)
    if user is None:
        return [], None
    return coach.checkins.verdict_undrawn(user.language, user.id, user.answers)


def with_chart(replies: list[Reply], png: bytes | Deferred) -> list[Reply]:
    """Return the verdict's replies with the chart (drawn, or to draw) in the first."""
    return [replace(replies[0], image=png), *replies[1:]] if replies else replies
