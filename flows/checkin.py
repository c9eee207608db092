"""The weekly check-in: a few questions, then the verdict and the chart.

A check-in asks about seven days named by their dates (« du 16 au 22 novembre »): the
days before its scheduled day, or the seven days before a `point` typed any day. Steps:
hours (a total, or per network), the split across the plan's networks when there are
several and no split was given (skippable), the results that match the objective and
the kind of business (a count, or per network), revenue (skippable). Each step is saved
as it is answered; the last one produces the verdict. A second `point` for a period
already answered asks before replacing its figures. Also `rapport` and `réglages`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_interval, get_day_names

from flows import render
from flows import vocabulary as words
from flows.advice import currency_of, hourly_cost, objective_of
from flows.answers import is_dont_know
from flows.business import kind_of
from flows.chart import Chart, ChartTexts, ChartWeek
from flows.i18n import catalogue, in_currency, money, number, t
from flows.messages import Deferred, Option, Reply
from flows.parsing import (MAX_BUDGET, MAX_HOURS, MAX_RESULTS, InvalidAnswer, Noted, Unsure,
                           currency_scale, parse_count, parse_revenue, parse_split,
                           parse_week_hours)
from flows.schedule import Period, Schedule, next_due, period_at
from flows.verdict import Payback, Verdict, WeekReport, judge, week_cost, weekly_target
from flows.when import format_date as format_day, parse_date, parse_days, parse_time, \
    parse_timezone, parse_weekday
from storage.checkins import DONE, LEFT, REPLACE, CheckinRecord
from storage.port import Store

SKIPPABLE = ("split", "revenue")
# The settings' buttons (a prompt of their own: pressed any time after the plan).
SETTINGS_PROMPT = "settings"
SETTINGS_PAUSE_WEEK, SETTINGS_STOP, SETTINGS_RESUME = "pause_week", "stop", "resume"
TIME_STEP = 30  # minutes a press of "earlier" or "later" moves the check-in
SKIP = "skip"
REPLACE_YES = "replace"  # the option that replaces an answered check-in's figures
REPORT_WEEKS = 8
MAX_PAUSE_DAYS = 2 * 366  # a longer pause is a stop ("réglages stop")
# The figure whose count picks a verdict's plural form.
COUNTED_BY = {"below_target": "pace", "no_result_yet": "dry_weeks"}
# The verdicts that offer to review the strategy, other answers kept.
REVIEWED = ("no_results", "dry_review")


def drawing(chart: Chart) -> Deferred:
    """Return a chart as a drawing still to make (slow: by the adapters, off the loop)."""
    return Deferred("flows.chart:draw_png", (chart,))


def prompt_of(step: str) -> str:
    """Return the prompt id of a check-in step, carried back by its buttons."""
    return f"checkin_{step}"


def result_name(language: str, answers: dict, n: float = 2) -> str:
    """Return what counts as a result for the objective and the kind of business
    (« demandes de rendez-vous » for a consultant after leads), plural-aware."""
    objective = objective_of(answers) or "other"
    fitting = f"checkin.result.{objective}.{kind_of(answers)}"
    key = fitting if fitting in catalogue(language) else f"checkin.result.{objective}"
    return t(language, key, n=n)


def network_names(language: str, networks: list[str]) -> str:
    return ", ".join(t(language, render.option_key("networks", n)) for n in networks)


def day_name(language: str, weekday: int) -> str:
    return get_day_names("wide", locale=language)[weekday]


def known_zone(zone: str | None, default: str) -> str:
    """Return `zone` when it is an IANA time zone this machine knows, else `default`."""
    try:
        return zone if zone and ZoneInfo(zone) else default
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
        return default


def _figure_ok(value: object, high: float) -> bool:
    return value is None or (isinstance(value, (int, float)) and math.isfinite(value)
                             and 0 <= value <= high)


def check_figures(hours: object, results: object, revenue: object,
                  currency: str | None = None) -> None:
    """Raise `InvalidAnswer` when a check-in's figures (totals of the splits included)
    are beyond what may be stored: a week's hours, a count, a week's revenue."""
    if not _figure_ok(hours, MAX_HOURS):
        raise InvalidAnswer("problem.too_many_hours", hours=round(hours), max=MAX_HOURS) \
            if _figure_ok(hours, math.inf) else InvalidAnswer("problem.out_of_range")
    if not _figure_ok(results, MAX_RESULTS):
        raise InvalidAnswer("checkin.problem.too_many", max=MAX_RESULTS)
    if not _figure_ok(revenue, MAX_BUDGET * currency_scale(currency)):
        raise InvalidAnswer("problem.amount_too_big", max=MAX_BUDGET)


def _check_record(record: CheckinRecord, currency: str | None) -> None:
    check_figures(record.hours, record.results, record.revenue, currency)
    for split in (record.hours_split, record.results_split):
        if split and not all(_figure_ok(v, math.inf) for v in split.values()):
            raise InvalidAnswer("problem.out_of_range")


# the seven days, in words
def days_of(key: str, first: date | None = None, last: date | None = None
            ) -> tuple[date, date] | None:
    """Return the first and last day of a check-in: the stored ones, else read from its
    key (the last day, or an ISO week "2026-W48" of rows stored before)."""
    if first and last:
        return first, last
    try:
        if "-W" in key:
            year, week = key.split("-W")
            monday = date.fromisocalendar(int(year), int(week), 1)
            return monday, monday + timedelta(days=6)
        end = date.fromisoformat(key)
        return end - timedelta(days=6), end
    except ValueError:
        return None


def _ends(language: str, first: date, last: date) -> dict[str, str]:
    """Return the two ends of a span in words: "16" and "22 novembre" in one month."""
    if first.year != last.year:
        pattern = "d MMMM y"
        return {"first": format_date(first, pattern, locale=language),
                "last": format_date(last, pattern, locale=language)}
    start = "d" if first.month == last.month else "d MMMM"
    return {"first": format_date(first, start, locale=language),
            "last": format_date(last, "d MMMM", locale=language)}


def days_text(language: str, first: date, last: date) -> str:
    """Return the seven days in words: « du 16 au 22 novembre », "from 16 to 22 November"."""
    return t(language, "checkin.days", **_ends(language, first, last))


def period_name(language: str, first: date, last: date) -> str:
    """Return the week's name: « semaine du 16 au 22 novembre », "week of 16 to 22 November"."""
    return t(language, "checkin.period", **_ends(language, first, last))


def short_label(language: str, first: date, last: date) -> str:
    """Return the week as a chart label: « 16–22 nov. », "Nov 16 – 22"."""
    return format_interval(first, last, "MMMd", locale=language)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cash(language: str, answers: dict, value: float) -> str:
    """Format an amount in the user's currency."""
    return money(language, value, currency_of(answers))


def _fmt(language: str, value: object) -> str:
    if value is None:
        return "—"
    return number(language, float(value))


def _week_days(week: WeekReport | CheckinRecord) -> tuple[date, date] | None:
    return days_of(week.week, week.first_day, week.last_day)


class CheckinDesk:
    """Check-ins, reports and settings for one database."""

    def __init__(self, store: Store, default_timezone: str, clock) -> None:
        self.store = store
        self.default_timezone = default_timezone
        self.clock = clock

    # schedule
    def schedule_of(self, user_id: int) -> tuple[Schedule, datetime | None]:
        stored = self.store.load_schedule(user_id)
        return stored if stored else (Schedule(timezone=self.default_timezone), None)

    def start_schedule(self, language: str, user_id: int, timezone: str | None = None) -> str:
        """Schedule weekly check-ins after the plan is confirmed; return the sentence.

        A first schedule takes the platform's time zone for the user when it is a known
        one (a Slack profile's), else the default."""
        stored = self.store.load_schedule(user_id)
        schedule, due = stored if stored else (Schedule(timezone=known_zone(
            timezone, self.default_timezone)), None)
        if due is None and not schedule.stopped:
            self.store.save_schedule(user_id, schedule, next_due(schedule, self.clock()))
        sentence = self.schedule_sentence(language, schedule)
        if stored is None and schedule.timezone != self.default_timezone:
            sentence += " " + t(language, "checkin.zone_from_profile",
                                timezone=schedule.timezone)  # say where it came from
        return sentence

    def schedule_sentence(self, language: str, schedule: Schedule) -> str:
        text = t(language, "checkin.scheduled", day=day_name(language, schedule.weekday),
                 time=schedule.at.strftime("%H:%M"), timezone=schedule.timezone)
        if schedule.stopped:
            text += " " + t(language, "settings.stopped")
        elif schedule.paused_until:
            text += " " + t(language, "settings.paused",
                            date=format_day(schedule.paused_until, language, self.today(
                                schedule)))
        return text

    def set_reachable(self, user_id: int, reachable: bool) -> bool:
        """Pause the nudges of a user the platform cannot reach (they blocked the bot,
        the app was removed), or start them again once they can be reached; return
        whether anything changed. A pause keeps the schedule and clears its next check-in:
        a schedule with no next check-in and not stopped is one waiting for its user."""
        stored = self.store.load_schedule(user_id)
        if stored is None:
            return False
        schedule, due = stored
        if not reachable and due is not None:
            self.store.save_schedule(user_id, schedule, None)
            return True
        if reachable and due is None and not schedule.stopped:
            self.store.save_schedule(user_id, schedule, next_due(schedule, self.clock()))
            return True
        return False

    def today(self, schedule: Schedule) -> date:
        """Return the user's local date."""
        return self.clock().astimezone(ZoneInfo(schedule.timezone)).date()

    def period(self, user_id: int) -> Period:
        """Return the period a check-in now is about: the seven days ending yesterday,
        keyed like the scheduled check-in nearest to today."""
        schedule, _ = self.schedule_of(user_id)
        return period_at(schedule, self.clock())

    def week(self, user_id: int) -> str:
        """Return the key of the period a check-in now is about."""
        return self.period(user_id).key

    def recent_records(self, user_id: int) -> list[CheckinRecord]:
        """Return the check-ins of this period and the one before, if any, this one first."""
        key = self.week(user_id)
        keys = [key] + ([(date.fromisoformat(key) - timedelta(days=7)).isoformat()]
                        if key[:4].isdigit() else [])
        found = (self.store.load_checkin(user_id, k) for k in keys)
        return [record for record in found if record is not None]

    # the conversation
    def open_record(self, user_id: int) -> CheckinRecord | None:
        """Return the check-in that waits for an answer: this period's, or the one sent
        before it (a Monday check-in answered on Friday), or a replacement asked."""
        return next((r for r in self.recent_records(user_id) if r.open), None)

    def leave(self, record: CheckinRecord) -> None:
        """Put a check-in aside at its current step, the figures given kept; a pending
        "replace these figures?" is answered no."""
        step = DONE if record.step == REPLACE else LEFT + record.step
        self.store.save_checkin(replace(record, step=step), self.clock())

    def begin(self, language: str, user_id: int, answers: dict, intro: str) -> list[Reply]:
        """Open this period's check-in and ask the first question, resume one waiting, or
        ask before replacing the figures of one already answered."""
        pending = next((r for r in self.recent_records(user_id) if r.open or r.left), None)
        if pending is not None:
            resumed = replace(pending, step=pending.step.removeprefix(LEFT))
            self.store.save_checkin(resumed, self.clock())
            fresh = resumed.step == "hours" and resumed.hours is None
            before = None if resumed.step == REPLACE else t(
                language, intro if fresh else "checkin.resumed",
                week=self.period_text(language, resumed))
            return [self.ask(language, resumed.step, answers, before, resumed)]
        period = self.period(user_id)
        done = self.store.load_checkin(user_id, period.key)
        if done is not None and done.answered:
            asked = replace(done, step=REPLACE)
            self.store.save_checkin(asked, self.clock())
            return [self.ask(language, REPLACE, answers, None, asked)]
        self.store.open_checkin(user_id, period, self.clock())
        record = self.store.load_checkin(user_id, period.key)
        return [self.ask(language, "hours", answers,
                         t(language, intro, week=self.period_text(language, record)), record)]

    def span(self, record: CheckinRecord | None) -> tuple[date, date]:
        """Return the first and last days a check-in is about (this period's by default)."""
        span = _week_days(record) if record else None
        if span is None:
            period = period_at(Schedule(timezone=self.default_timezone), self.clock())
            span = (period.first, period.last)
        return span

    def days(self, language: str, record: CheckinRecord | None) -> str:
        """Return the days a check-in is about, in words: « du 16 au 22 novembre »."""
        return days_text(language, *self.span(record))

    def period_text(self, language: str, record: CheckinRecord | None) -> str:
        """Return the name of a check-in's week: « semaine du 16 au 22 novembre »."""
        return period_name(language, *self.span(record))

    def ask(self, language: str, step: str, answers: dict, before: str | None = None,
            record: CheckinRecord | None = None) -> Reply:
        """Return the question of a step, after an optional paragraph."""
        if step == REPLACE:
            return self.replace_question(language, record, answers, before)
        networks = answers.get("networks") or []
        params = {"result": result_name(language, answers),
                  "networks": network_names(language, networks),
                  "example": self.example(language, networks),
                  "hours": _fmt(language, record.hours if record else None),
                  "days": self.days(language, record)}
        text = t(language, f"checkin.ask.{step}", **params)
        if step in ("hours", "results") and len(networks) > 1:
            text += " " + t(language, "checkin.hint.split", example=params["example"])
        if before:
            text = f"{before}\n\n{text}"
        options = (Option(SKIP, t(language, "option.skip")),) if step in SKIPPABLE else ()
        return Reply(text, prompt=prompt_of(step), options=options)

    @staticmethod
    def example(language: str, networks: list[str], figures: tuple[str, ...] = ("2", "1")
                ) -> str:
        """Return figures per network typed as the user would, with the plan's networks."""
        names = [t(language, render.option_key("networks", n)) for n in networks[:2]]
        return ", ".join(f"{name} {n}" for name, n in zip(names, figures))

    # a second check-in for the same period
    def figures_said(self, language: str, record: CheckinRecord, answers: dict) -> str:
        """Return a check-in's figures in a few words: « 3 h, 2 demandes de rendez-vous »."""
        results = record.results or 0
        return t(language, "checkin.replace.figures", hours=_fmt(language, record.hours or 0),
                 results=_fmt(language, results), result=result_name(language, answers, results))

    def replace_question(self, language: str, record: CheckinRecord, answers: dict,
                         before: str | None = None) -> Reply:
        """Ask whether to replace the figures of a check-in already answered."""
        text = t(language, "checkin.replace.ask", week=self.period_text(language, record),
                 figures=self.figures_said(language, record, answers))
        if before:
            text = f"{before}\n\n{text}"
        return Reply(text, prompt=prompt_of(REPLACE), options=(
            Option(REPLACE_YES, t(language, "checkin.replace.yes")),
            Option(SKIP, t(language, "checkin.replace.no"))))

    def settle_replace(self, language: str, record: CheckinRecord, answers: dict,
                       text: str | None, skipped: bool,
                       values: tuple[str, ...] | None) -> list[Reply]:
        """Replace the figures on yes (asked again from the hours); on no, keep them."""
        if values is not None:
            yes = REPLACE_YES in values or "yes" in values
        elif skipped:
            yes = False
        elif text is None:  # the only other button: "replace"
            yes = True
        else:
            plain = words.normalize(text)
            if plain in words.YES or plain in ("remplacer", "replace", "1"):
                yes = True
            elif plain in words.NO or plain in ("garder", "keep", "2"):
                yes = False
            else:
                return [self.replace_question(language, record, answers,
                                              t(language, "checkin.replace.unclear"))]
        if not yes:
            self.store.save_checkin(replace(record, step=DONE), self.clock())
            return [Reply(t(language, "checkin.replace.kept",
                            week=self.period_text(language, record),
                            figures=self.figures_said(language, record, answers)))]
        again = replace(record, step="hours")
        self.store.save_checkin(again, self.clock())
        return [self.ask(language, "hours", answers, t(language, "checkin.replace.again"),
                         again)]

    def take(self, language: str, record: CheckinRecord, answers: dict, text: str | None,
             skipped: bool, values: tuple[str, ...] | None = None) -> list[Reply]:
        """Take the answer to the current step; re-ask kindly when it is not understood.

        `values` are the pressed option's values, when one was pressed. Raises `Unsure`
        (nothing saved) when a figure needs a yes/no first."""
        step = record.step
        if step == REPLACE:
            return self.settle_replace(language, record, answers, text, skipped, values)
        notes: list[str] = []
        try:
            if not skipped and is_dont_know(text):  # "je sais pas": skip, or estimate
                if step not in SKIPPABLE:
                    raise InvalidAnswer(f"checkin.dont_know.{step}")
                skipped = True
                notes.append(t(language, "checkin.dont_know.skipped"))
            if skipped and step not in SKIPPABLE:
                raise InvalidAnswer("checkin.problem.cannot_skip")
            if skipped:
                value = None
            else:
                value = self.checked_figure(step, text or "", answers, record)
                if isinstance(value, Noted):
                    notes.append(t(language, value.key,
                                   **in_currency(value.params, currency_of(answers))))
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
        updated = self.cleared(step, record) if value is None else self.apply(step, record,
                                                                                value)
        if isinstance(value, dict):
            outside = [n for n in value if n not in (answers.get("networks") or [])]
            if outside:
                notes.append(t(language, "checkin.noted.not_in_plan",
                               networks=network_names(language, outside)))
        updated = replace(updated, step=self.next_step(step, updated, answers))
        self.store.save_checkin(updated, self.clock())
        before = "\n".join(notes) or None
        if updated.step != DONE:
            return [self.ask(language, updated.step, answers, before, record=updated)]
        replies = self.verdict_replies(language, record.user_id, answers)
        if before:
            first = replies[0]
            replies[0] = replace(first, text=f"{before}\n\n{first.text}")
        return replies

    def checked_figure(self, step: str, text: str, answers: dict,
                       record: CheckinRecord) -> object:
        """Return one step's figure (see `figure`), refused when it would put the
        check-in beyond its limits, before any doubt about it is asked."""
        try:
            value = self.figure(step, text, answers)
        except Unsure as doubt:
            self.check_step(step, record, doubt.value, doubt.also.get("currency")
                            or currency_of(answers))
            raise
        figure = value.value if isinstance(value, Noted) else value
        self.check_step(step, record, figure, currency_of(answers))
        return value

    def check_step(self, step: str, record: CheckinRecord, value: object,
                   currency: str | None) -> None:
        """Raise `InvalidAnswer` when storing `value` at `step` breaks a limit."""
        if value is not None:
            _check_record(self.apply(step, record, value), currency)

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
    def cleared(step: str, record: CheckinRecord) -> CheckinRecord:
        """Return the record with a skipped step's figure removed (a replaced check-in
        keeps no old split or revenue)."""
        if step == "split":
            return replace(record, hours_split=None)
        if step == "revenue":
            return replace(record, revenue=None)
        return record

    @staticmethod
    def next_step(step: str, record: CheckinRecord, answers: dict) -> str:
        several = len(answers.get("networks") or []) > 1
        if step == "hours":
            return "split" if several and record.hours and not record.hours_split else "results"
        return {"split": "results", "results": "revenue", "revenue": DONE}[step]

    # verdict and report
    def verdict_replies(self, language: str, user_id: int, answers: dict) -> list[Reply]:
        """Return the verdict on the last period, its figures, the next step and the chart."""
        replies, chart = self.verdict_undrawn(language, user_id, answers)
        return [replace(replies[0], image=drawing(chart)), *replies[1:]]

    def verdict_undrawn(self, language: str, user_id: int,
                        answers: dict) -> tuple[list[Reply], Chart]:
        """Return the verdict's replies, the first one still without its chart, and the
        chart to draw for it (slow: an adapter draws it off its event loop)."""
        history = self.store.history(user_id)
        verdict = judge(answers, history)
        text = "\n\n".join([self.verdict_text(language, verdict, answers),
                            self.figures_text(language, verdict, answers, history[-1]),
                            "👉 " + self.next_text(language, verdict, answers)])
        chart = self.chart_of(language, verdict, answers, history[-REPORT_WEEKS:])
        if verdict.key in REVIEWED:  # offer to review the strategy, answers kept
            return [Reply(text),
                    Reply(t(language, "checkin.review"), prompt=render.PLAN_PROMPT,
                          options=render.plan_options(language, confirmed=True))], chart
        return [Reply(text)], chart

    @staticmethod
    def verdict_text(language: str, verdict: Verdict, answers: dict) -> str:
        p = verdict.params
        count = p.get(COUNTED_BY.get(verdict.key, ""), 0)
        return t(language, f"verdict.{verdict.key}", n=count, hours=_fmt(language, p["hours"]),
                 planned_hours=_fmt(language, p["planned_hours"]),
                 pace=_fmt(language, p.get("pace")), target=_fmt(language, p["target"]),
                 dry_weeks=p.get("dry_weeks", 0), stop_after=p.get("stop_after", 0))

    def figures_text(self, language: str, verdict: Verdict, answers: dict,
                     week: WeekReport) -> str:
        """Return the figures: the week's, per result, revenue, the recent weeks', per
        network, and whether the time pays."""
        p = verdict.params
        span = _week_days(week)
        lines = [t(language, "checkin.figures.days",
                   days=_capital(days_text(language, *span)) if span else "",
                   hours=_fmt(language, p["hours"]), results=_fmt(language, p["results"]),
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
            lines.append(self.recent_text(language, p, answers))
        if p["networks"] and len(p["networks"]) > 1:
            lines.append(self.networks_text(language, p["networks"]))
        lines.append(self.pays_text(language, p["payback"], answers))
        return "\n".join(lines)

    @staticmethod
    def recent_text(language: str, p: dict, answers: dict) -> str:
        """Return the recent weeks' line; with no result yet, no cost per result."""
        if not p["recent_results"]:
            return t(language, "checkin.figures.recent_none", weeks=p["weeks"],
                     hours=_fmt(language, p["recent_hours"]))
        return t(language, "checkin.figures.recent_results", n=p["recent_results"],
                 weeks=p["weeks"], hours=_fmt(language, p["recent_hours"]),
                 results=_fmt(language, p["recent_results"]),
                 result=result_name(language, answers, p["recent_results"]),
                 per_result=_cash(language, answers, p["recent_cost_per_result"]))

    @staticmethod
    def networks_text(language: str, networks: dict[str, dict[str, float]]) -> str:
        """Return the results and hours of each network over the recent weeks."""
        ranked = sorted(networks.items(), key=lambda item: -(
            item[1]["results"] / item[1]["hours"] if item[1]["hours"] else 0))
        parts = [t(language, "checkin.figures.network", network=network_names(language, [n]),
                   results=_fmt(language, f["results"]), hours=_fmt(language, f["hours"]))
                 for n, f in ranked]
        return t(language, "checkin.figures.networks", networks=", ".join(parts))

    @staticmethod
    def pays_text(language: str, payback: Payback, answers: dict) -> str:
        """Return whether the time pays, or that it cannot be told and how to fix it."""
        if payback.status == "unknown":
            return t(language, "checkin.pays.unknown",
                     result=result_name(language, answers, 1))
        count = payback.in_weeks if payback.status == "break_even" else payback.weeks
        return t(language, f"checkin.pays.{payback.status}", n=count,
                 value=_cash(language, answers, payback.value),
                 cost=_cash(language, answers, payback.cost), weeks=payback.weeks)

    @staticmethod
    def next_text(language: str, verdict: Verdict, answers: dict | None = None) -> str:
        p, answers = verdict.params, answers or {}
        networks = answers.get("networks") or []
        idle = p.get("idle") or []
        idle_hours = sum(p["networks"][n]["hours"] for n in idle) if idle else 0
        return t(language, f"next.{verdict.next_step}",
                 planned_hours=_fmt(language, p["planned_hours"]),
                 best=network_names(language, [p["best"]]) if p.get("best") else "",
                 others=network_names(language, p.get("others") or []),
                 idle=network_names(language, idle), idle_hours=_fmt(language, idle_hours),
                 example=CheckinDesk.example(language, networks, ("2", "0")),
                 networks=network_names(language, networks),
                 stop_after=p.get("stop_after", 0))

    # the chart
    @staticmethod
    def caption(language: str, verdict: Verdict, answers: dict) -> str:
        """Return the verdict in a few words, under the chart."""
        p = verdict.params
        key = verdict.key
        if key in ("on_track", "on_track_costly") and p["payback"].status == "paying":
            key = "paying"
        return t(language, f"chart.caption.{key}", hours=_fmt(language, p["hours"]),
                 results=_fmt(language, p["results"]),
                 result=result_name(language, answers, p["results"]),
                 planned_hours=_fmt(language, p["planned_hours"]),
                 pace=_fmt(language, p.get("pace")), target=_fmt(language, p["target"]),
                 dry_weeks=p.get("dry_weeks", 0))

    def chart(self, language: str, verdict: Verdict, answers: dict,
              history: list[WeekReport]) -> Deferred:
        """Return the chart of the weeks (hours and results, the plan's hours and pace),
        to be drawn after the transaction, off the event loop."""
        return drawing(self.chart_of(language, verdict, answers, history))

    def chart_of(self, language: str, verdict: Verdict, answers: dict,
                 history: list[WeekReport]) -> Chart:
        """Return what the chart of the weeks shows, to draw it later (it is slow)."""
        weeks = [ChartWeek(short_label(language, *span) if span else week.week, week.hours,
                           week.results)
                 for week, span in ((w, _week_days(w)) for w in history)]
        planned, pace = answers.get("hours"), weekly_target(answers)
        texts = ChartTexts(
            hours=t(language, "chart.axis.hours"),
            results=_capital(result_name(language, answers)),
            planned=t(language, "chart.planned", hours=_fmt(language, planned))
            if planned else "",
            target=t(language, "chart.target", pace=_fmt(language, pace)) if pace else "",
            caption=self.caption(language, verdict, answers))
        return Chart(tuple(weeks), texts, float(planned) if planned else None, pace,
                     decimal_comma=language == "fr")

    def report(self, language: str, user_id: int, answers: dict) -> list[Reply]:
        """Return the history of check-ins with the chart; each week's cost is the one its
        check-in gave (hours and a week of budget)."""
        history = self.store.history(user_id, REPORT_WEEKS)
        if not history:
            return [Reply(t(language, "report.empty"))]
        lines = [t(language, "report.title", n=len(history))]
        lines += [self.week_line(language, answers, week) for week in history]
        verdict = judge(answers, history)
        lines += [self.verdict_text(language, verdict, answers),
                  self.pays_text(language, verdict.params["payback"], answers)]
        return [Reply("\n".join(lines), image=self.chart(language, verdict, answers, history))]

    def week_line(self, language: str, answers: dict, week: WeekReport) -> str:
        """Return one week of the history: its days, hours, results and cost."""
        span = _week_days(week)
        return t(language, "report.week",
                 days=days_text(language, *span) if span else week.week,
                 hours=_fmt(language, week.hours), results=_fmt(language, week.results),
                 result=result_name(language, answers, week.results),
                 cost=_cash(language, answers, week_cost(answers, week.hours)))

    # settings
    def settings(self, language: str, user_id: int, argument: str) -> list[Reply]:
        """Show the check-in settings, or change one: "jour mardi", "pause 2026-12-24"."""
        schedule, _ = self.schedule_of(user_id)
        if not argument:
            return [self.settings_reply(language, schedule)]
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
        self.store.save_schedule(user_id, changed, due)
        return [self.settings_reply(language, changed, t(language, "settings.saved"))]

    def settings_reply(self, language: str, schedule: Schedule,
                       before: str | None = None) -> Reply:
        """Return the settings with one-tap buttons: the next day, half an hour earlier
        or later, a week's pause, stop or resume. Each button carries what it sets
        ("day:1", "time:09:30"), as its label shows, so a button of an older message
        sets what it says, never a step from a schedule changed since."""
        text = self.settings_text(language, schedule)
        day = next(d % 7 for d in range(schedule.weekday + 1, schedule.weekday + 8)
                   if d % 7 not in schedule.days_off)
        minutes = schedule.at.hour * 60 + schedule.at.minute
        earlier, later = ((minutes + step) % (24 * 60) for step in (-TIME_STEP, TIME_STEP))
        options = [Option(f"day:{day}", t(language, "settings.button.next_day",
                                          day=day_name(language, day)))]
        for key, at in (("earlier", earlier), ("later", later)):
            shown = f"{at // 60:02}:{at % 60:02}"
            options.append(Option(f"time:{shown}", t(language, f"settings.button.{key}",
                                                     time=shown)))
        if schedule.stopped:
            options.append(Option(SETTINGS_RESUME, t(language, "settings.button.resume")))
        else:
            options += [Option(SETTINGS_PAUSE_WEEK, t(language, "settings.button.pause_week")),
                        Option(SETTINGS_STOP, t(language, "settings.button.stop"))]
        return Reply(f"{before}\n\n{text}" if before else text, prompt=SETTINGS_PROMPT,
                     options=tuple(options))

    def pressed(self, schedule: Schedule, button: str) -> Schedule:
        """Return the schedule a settings button sets, or raise InvalidAnswer."""
        name, _, value = button.partition(":")
        if name == "day" and value.isdigit() and int(value) < 7:
            return self.change(schedule, "day", day_name("en", int(value)), "en")
        if name == "time" and value:
            return self.change(schedule, "time", value, "en")
        if button == SETTINGS_PAUSE_WEEK:
            return replace(schedule, paused_until=self.today(schedule) + timedelta(days=7),
                           stopped=False)
        if button == SETTINGS_STOP:
            return replace(schedule, stopped=True)
        if button == SETTINGS_RESUME:
            return replace(schedule, stopped=False, paused_until=None)
        raise InvalidAnswer("settings.unknown")

    def settings_button(self, language: str, user_id: int, button: str) -> list[Reply]:
        """Apply a settings button and show the settings again, with fresh buttons."""
        schedule, _ = self.schedule_of(user_id)
        try:
            changed = self.pressed(schedule, button)
        except InvalidAnswer as problem:
            if problem.key == "settings.unknown":  # not one of ours: a toast, no change
                return [Reply(t(language, "already_answered"), notice=True)]
            return [self.settings_reply(language, schedule, t(language, problem.key))]
        self.store.save_schedule(user_id, changed, next_due(changed, self.clock()))
        return [self.settings_reply(language, changed, t(language, "settings.saved"))]

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
        today = self.today(schedule)
        until = parse_date(value, today, language)
        if until > today + timedelta(days=MAX_PAUSE_DAYS):  # « 9999-12-31 »: a stop
            raise InvalidAnswer("settings.date_too_far")
        return replace(schedule, paused_until=until, stopped=False)


