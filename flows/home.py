"""What a user's home page shows (Slack's App Home tab), and check-in settings changed
from a form: platform-free, read from and written to the store through the coach.

`overview` reads without changing anything. `save_settings` applies every field of a
settings form in one transaction under the user's lock, with the same validation as
the typed « réglages » commands, and saves nothing when one field is wrong: it returns
the error of each wrong field instead, for the form to show beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from flows import advice, plan, render
from flows.advice import currency_of
from flows.checkin import day_name
from flows.i18n import t
from flows.interview import PLAN_CONFIRMED
from flows.parsing import InvalidAnswer
from flows.schedule import Schedule, next_due

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
    weeks = tuple(desk.week_line(language, answers, week)
                  for week in coach.store.history(user.id, HOME_WEEKS))
    return Overview(language, PLAN, priorities=priorities, schedule=schedule,
                    schedule_text=desk.schedule_sentence(language, schedule),
                    checkin_open=desk.open_record(user.id) is not None, weeks=weeks)


def settings_values(language: str, schedule: Schedule) -> dict[str, str]:
    """Return a schedule as the text values a settings form holds (the day by name)."""
    return {"timezone": schedule.timezone, "day": day_name(language, schedule.weekday),
            "time": schedule.at.strftime("%H:%M"),
            "days_off": ", ".join(day_name(language, d) for d in sorted(schedule.days_off)),
            "active": "stopped" if schedule.stopped else "on",
            "pause": schedule.paused_until.isoformat() if schedule.paused_until else ""}


def save_settings(coach, platform: str, user_id: str,
                  values: dict[str, str]) -> dict[str, str]:
    """Apply a settings form's values ("day": "mardi", "time": "08:30", "days_off":
    "samedi, dimanche" or "", "timezone", "active": "on" or "stopped", "pause": an ISO
    date or ""); return {} once saved, else {field: error} and nothing saved."""
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
        if not errors:
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
