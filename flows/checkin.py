"""The weekly check-in: a few questions, then the verdict and the chart.

Steps: hours (a total, or per network), the split across the plan's networks when
there are several and no split was given (skippable), the results that match the
objective (a count, or per network), revenue (skippable). Each step is saved as it is
answered; the last one produces the verdict. Also `/report` and `/settings`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_day_names
from sqlite_utils import Database

from flows import render
from flows import vocabulary as words
from flows.advice import currency_of, hourly_cost, objective_of
from flows.chart import chart_png
from flows.i18n import in_currency, money, number, t
from flows.messages import Option, Reply
from flows.parsing import (InvalidAnswer, Noted, Unsure, parse_count, parse_revenue,
                           parse_split, parse_week_hours)
from flows.schedule import Schedule, next_due, week_of
from flows.verdict import Verdict, judge
from flows.when import format_date, parse_date, parse_days, parse_time, parse_timezone, \
    parse_weekday
from storage import checkins as store
from storage.checkins import DONE, LEFT, CheckinRecord

SKIPPABLE = ("split", "revenue")
SKIP = "skip"
REPORT_WEEKS = 8
# The figure whose count picks a verdict's plural form.
COUNTED_BY = {"below_target": "pace", "no_result_yet": "dry_weeks"}


def prompt_of(step: str) -> str:
    """Return the prompt id of a check-in step, carried back by its buttons."""
    return f"checkin_{step}"


def result_name(language: str, answers: dict, n: float = 2) -> str:
    """Return what counts as a result for the user's objective ("contacts ou devis")."""
    return t(language, f"checkin.result.{objective_of(answers) or 'other'}", n=n)


def network_names(language: str, networks: list[str]) -> str:
    return ", ".join(t(language, render.option_key("networks", n)) for n in networks)


def day_name(language: str, weekday: int) -> str:
    return get_day_names("wide", locale=language)[weekday]


def known_zone(zone: str | None, default: str) -> str:
    """Return `zone` when it is an IANA time zone this machine knows, else `default`."""
    try:
        return zone if zone and ZoneInfo(zone) else default
    except (ZoneInfoNotFoundError, ValueError):
        return default


def _cash(language: str, answers: dict, value: float) -> str:
    """Format an amount in the user's currency."""
    return money(language, value, currency_of(answers))


def _fmt(language: str, value: object) -> str:
    if value is None:
        return "—"
    return number(language, float(value))


class CheckinDesk:
    """Check-ins, reports and settings for one database."""

    def __init__(self, db: Database, default_timezone: str, clock) -> None:
        self.db = db
        self.default_timezone = default_timezone
        self.clock = clock

    # schedule
    def schedule_of(self, user_id: int) -> tuple[Schedule, datetime | None]:
        stored = store.load_schedule(self.db, user_id)
        return stored if stored else (Schedule(timezone=self.default_timezone), None)

    def start_schedule(self, language: str, user_id: int, timezone: str | None = None) -> str:
        """Schedule weekly check-ins after the plan is confirmed; return the sentence.

        A first schedule takes the platform's time zone for the user when it is a known
        one (a Slack profile's), else the default."""
        stored = store.load_schedule(self.db, user_id)
        schedule, due = stored if stored else (Schedule(timezone=known_zone(
            timezone, self.default_timezone)), None)
        if due is None and not schedule.stopped:
            store.save_schedule(self.db, user_id, schedule, next_due(schedule, self.clock()))
        return self.schedule_sentence(language, schedule)

    def schedule_sentence(self, language: str, schedule: Schedule) -> str:
        text = t(language, "checkin.scheduled", day=day_name(language, schedule.weekday),
                 time=schedule.at.strftime("%H:%M"), timezone=schedule.timezone)
        if schedule.stopped:
            text += " " + t(language, "settings.stopped")
        elif schedule.paused_until:
            text += " " + t(language, "settings.paused",
                            date=format_date(schedule.paused_until, language, self.today(
                                schedule)))
        return text

    def today(self, schedule: Schedule) -> date:
        """Return the user's local date."""
        return self.clock().astimezone(ZoneInfo(schedule.timezone)).date()

    def week(self, user_id: int) -> str:
        schedule, _ = self.schedule_of(user_id)
        return week_of(self.clock(), schedule.timezone)

    # the conversation
    def open_record(self, user_id: int) -> CheckinRecord | None:
        """Return this week's check-in when it waits for an answer."""
        record = store.load_checkin(self.db, user_id, self.week(user_id))
        return record if record and record.open else None

    def leave(self, record: CheckinRecord) -> None:
        """Put a check-in aside at its current step, the figures given kept."""
        store.save_checkin(self.db, replace(record, step=LEFT + record.step), self.clock())

    def begin(self, language: str, user_id: int, answers: dict, intro: str) -> list[Reply]:
        """Open this week's check-in and ask the first question, or resume a left one."""
        week = self.week(user_id)
        record = store.load_checkin(self.db, user_id, week)
        if record is not None and record.left:
            resumed = replace(record, step=record.step.removeprefix(LEFT))
            store.save_checkin(self.db, resumed, self.clock())
            return [self.ask(language, resumed.step, answers, t(language, "checkin.resumed"),
                             resumed)]
        store.open_checkin(self.db, user_id, week, self.clock())
        return [self.ask(language, "hours", answers, t(language, intro, week=week))]

    def ask(self, language: str, step: str, answers: dict, before: str | None = None,
            record: CheckinRecord | None = None) -> Reply:
        """Return the question of a step, after an optional paragraph."""
        networks = answers.get("networks") or []
        params = {"result": result_name(language, answers),
                  "networks": network_names(language, networks),
                  "example": self.example(language, networks),
                  "hours": _fmt(language, record.hours if record else None)}
        text = t(language, f"checkin.ask.{step}", **params)
        if step in ("hours", "results") and len(networks) > 1:
            text += " " + t(language, "checkin.hint.split", example=params["example"])
        if before:
            text = f"{before}\n\n{text}"
        options = (Option(SKIP, t(language, "option.skip")),) if step in SKIPPABLE else ()
        return Reply(text, prompt=prompt_of(step), options=options)

    @staticmethod
    def example(language: str, networks: list[str]) -> str:
        names = [t(language, render.option_key("networks", n)) for n in networks[:2]]
        return ", ".join(f"{name} {n}" for name, n in zip(names, ("2", "1")))

    def take(self, language: str, record: CheckinRecord, answers: dict, text: str | None,
             skipped: bool) -> list[Reply]:
        """Take the answer to the current step; re-ask kindly when it is not understood.

        Raises `Unsure` (nothing saved) when a figure needs a yes/no first."""
        step = record.step
        notes: list[str] = []
        try:
            if skipped and step not in SKIPPABLE:
                raise InvalidAnswer("checkin.problem.cannot_skip")
            if skipped:
                value = None
            else:
                value = self.figure(step, text or "", answers)
                if isinstance(value, Noted):
                    notes.append(t(language, value.key, **in_currency(value.params, currency_of(answers))))
                    value = value.value
        except InvalidAnswer as problem:
            params = {"result": result_name(language, answers), **problem.params}
            return [self.ask(language, step, answers, t(language, problem.key, **params),
                             record)]
        return self.advance(language, record, answers, value, notes)

    def advance(self, language: str, record: CheckinRecord, answers: dict, value: object,
                notes: list[str] | None = None) -> list[Reply]:
        """Store one step's figure (None when skipped), then ask the next or conclude."""
        notes = list(notes or [])
        step = record.step
        updated = record if value is None else self.apply(step, record, value)
        if isinstance(value, dict):
            outside = [n for n in value if n not in (answers.get("networks") or [])]
            if outside:
                notes.append(t(language, "checkin.noted.not_in_plan",
                               networks=network_names(language, outside)))
        updated = replace(updated, step=self.next_step(step, updated, answers))
        store.save_checkin(self.db, updated, self.clock())
        before = "\n".join(notes) or None
        if updated.step != DONE:
            return [self.ask(language, updated.step, answers, before, record=updated)]
        replies = self.verdict_replies(language, record.user_id, answers)
        if before:
            first = replies[0]
            replies[0] = replace(first, text=f"{before}\n\n{first.text}")
        return replies

    @staticmethod
    def figure(step: str, text: str, answers: dict) -> object:
        """Return one step's figure read from `text`: a number, figures per network (a
        dict), or a `Noted` one; a doubt in the user's own currency is no doubt."""
        aliases = render.aliases("networks")
        try:
            if step in ("hours", "split"):
                split = parse_split(text, aliases, parse_week_hours)
                if split is not None:
                    return split
                if step == "split":
                    raise InvalidAnswer("checkin.problem.no_split")
                return parse_week_hours(text)
            if step == "results":
                split = parse_split(text, aliases, parse_count)
                return split if split is not None else parse_count(text)
            return parse_revenue(text)
        except Unsure as doubt:
            if doubt.also and doubt.also.get("currency") == answers.get("currency"):
                return doubt.value
            raise

    @staticmethod
    def apply(step: str, record: CheckinRecord, value: object) -> CheckinRecord:
        """Return the record with one step's figure: a number or figures per network."""
        if step in ("hours", "split"):
            if isinstance(value, dict):
                total = round(sum(value.values()), 2) if step == "hours" else record.hours
                return replace(record, hours=total, hours_split=value)
            return replace(record, hours=float(value), hours_split=None)
        if step == "results":
            if isinstance(value, dict):
                return replace(record, results=round(sum(value.values()), 2),
                               results_split=value)
            return replace(record, results=float(value), results_split=None)
        return replace(record, revenue=float(value))

    @staticmethod
    def next_step(step: str, record: CheckinRecord, answers: dict) -> str:
        several = len(answers.get("networks") or []) > 1
        if step == "hours":
            return "split" if several and record.hours and not record.hours_split else "results"
        return {"split": "results", "results": "revenue", "revenue": DONE}[step]

    # verdict and report
    def verdict_replies(self, language: str, user_id: int, answers: dict) -> list[Reply]:
        """Return the verdict on this week, its figures, the next step and the chart."""
        history = store.history(self.db, user_id)
        verdict = judge(answers, history)
        text = "\n\n".join([self.verdict_text(language, verdict, answers),
                            self.figures_text(language, verdict, answers),
                            "👉 " + self.next_text(language, verdict)])
        image = chart_png(history[-REPORT_WEEKS:], self.chart_labels(language))
        if verdict.key == "no_results":  # offer to review the strategy, answers kept
            return [Reply(text, image=image),
                    Reply(t(language, "checkin.review"), prompt=render.PLAN_PROMPT,
                          options=render.plan_options(language, confirmed=True))]
        return [Reply(text, image=image)]

    @staticmethod
    def verdict_text(language: str, verdict: Verdict, answers: dict) -> str:
        p = verdict.params
        count = p.get(COUNTED_BY.get(verdict.key, ""), 0)
        return t(language, f"verdict.{verdict.key}", n=count, hours=_fmt(language, p["hours"]),
                 planned_hours=_fmt(language, p["planned_hours"]),
                 pace=_fmt(language, p.get("pace")), target=_fmt(language, p["target"]),
                 dry_weeks=p.get("dry_weeks", 0))

    @staticmethod
    def figures_text(language: str, verdict: Verdict, answers: dict) -> str:
        p = verdict.params
        lines = [t(language, "checkin.figures.week", hours=_fmt(language, p["hours"]),
                   results=_fmt(language, p["results"]),
                   result=result_name(language, answers, p["results"]),
                   cost=_cash(language, answers, p["cost"]),
                   hourly=_cash(language, answers, hourly_cost(answers)))]
        if p["cost_per_result"] is not None:
            lines.append(t(language, "checkin.figures.per_result",
                           cost=_cash(language, answers, p["cost_per_result"]),
                           hours=_fmt(language, p["hours_per_result"])))
        if p["revenue"]:
            lines.append(t(language, "checkin.figures.revenue",
                           revenue=_cash(language, answers, p["revenue"]),
                           cost=_cash(language, answers, p["cost"])))
        if p["weeks"] > 1:
            per = p["recent_cost_per_result"]
            lines.append(t(language, "checkin.figures.recent", n=p["recent_results"],
                           weeks=p["weeks"],
                           hours=_fmt(language, p["recent_hours"]),
                           results=_fmt(language, p["recent_results"]),
                           per_result=_cash(language, answers, per) if per is not None else "—"))
        return "\n".join(lines)

    @staticmethod
    def next_text(language: str, verdict: Verdict) -> str:
        p = verdict.params
        return t(language, f"next.{verdict.next_step}",
                 planned_hours=_fmt(language, p["planned_hours"]),
                 best=network_names(language, [p["best"]]) if p.get("best") else "",
                 others=network_names(language, p.get("others") or []))

    @staticmethod
    def chart_labels(language: str) -> dict[str, str]:
        return {key: t(language, f"chart.{key}") for key in ("hours", "results", "week",
                                                             "title")}

    def report(self, language: str, user_id: int, answers: dict) -> list[Reply]:
        """Return the history of check-ins with the chart."""
        history = store.history(self.db, user_id, REPORT_WEEKS)
        if not history:
            return [Reply(t(language, "report.empty"))]
        lines = [t(language, "report.title", n=len(history))]
        for week in history:
            cost = week.hours * hourly_cost(answers)
            lines.append(t(language, "report.line", n=week.results, week=week.week,
                           hours=_fmt(language, week.hours),
                           results=_fmt(language, week.results),
                           cost=_cash(language, answers, cost)))
        lines.append(self.verdict_text(language, judge(answers, history), answers))
        return [Reply("\n".join(lines),
                      image=chart_png(history, self.chart_labels(language)))]

    # settings
    def settings(self, language: str, user_id: int, argument: str) -> list[Reply]:
        """Show the check-in settings, or change one: "jour mardi", "pause 2026-12-24"."""
        schedule, _ = self.schedule_of(user_id)
        if not argument:
            return [Reply(self.settings_text(language, schedule))]
        head, _, rest = words.normalize(argument).partition(" ")
        name = next((n for n, names in words.SETTINGS.items() if head in names), None)
        try:
            if name is None:
                raise InvalidAnswer("settings.unknown")
            changed = self.change(schedule, name, rest.strip(), language)
        except InvalidAnswer as problem:
            text = t(language, problem.key, **problem.params)
            return [Reply(text + "\n\n" + self.settings_text(language, schedule))]
        due = next_due(changed, self.clock())
        store.save_schedule(self.db, user_id, changed, due)
        return [Reply(t(language, "settings.saved") + "\n\n" +
                      self.settings_text(language, changed))]

    def settings_text(self, language: str, schedule: Schedule) -> str:
        days_off = ", ".join(day_name(language, d) for d in sorted(schedule.days_off))
        return "\n".join([self.schedule_sentence(language, schedule),
                          t(language, "settings.days_off",
                            days=days_off or t(language, "settings.none")),
                          t(language, "settings.help")])

    def change(self, schedule: Schedule, name: str, value: str, language: str) -> Schedule:
        """Return the schedule with one setting changed, or raise InvalidAnswer."""
        if name == "stop":
            return replace(schedule, stopped=True)
        if name == "resume":
            return replace(schedule, stopped=False, paused_until=None)
        if name == "day":
            day = parse_weekday(value)
            if day in schedule.days_off:
                raise InvalidAnswer("settings.day_is_off")
            return replace(schedule, weekday=day)
        if name == "time":
            return replace(schedule, at=parse_time(value))
        if name == "timezone":
            return replace(schedule, timezone=parse_timezone(value))
        if name == "days_off":
            days = frozenset() if value in words.NOTHING else parse_days(value)
            if schedule.weekday in days:
                raise InvalidAnswer("settings.day_is_off")
            return replace(schedule, days_off=days)
        return replace(schedule, paused_until=parse_date(value, self.today(schedule), language),
                       stopped=False)


