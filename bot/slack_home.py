"""Slack's App Home tab and the settings modal, as Block Kit views.

Pure functions from the coach's `Overview` (flows/home.py) to the views Slack shows, and
back from a submitted modal's state to the form values the coach checks. The Home
tab's buttons carry `home|<what>` action ids; the settings modal is the view with
callback id `settings`, one input block per field (block ids = the field names of
flows/home.py), so the coach's errors land beside the right field.
"""

from __future__ import annotations

from flows.checkin import day_name
from flows.home import INTERVIEW, NEW, REVIEW, CheckinForm, Overview, settings_values
from flows.i18n import LANGUAGES, t
from flows.schedule import Schedule

SETTINGS_VIEW = "settings"  # the settings modal's callback id
CHECKIN_VIEW = "checkin"  # the check-in modal's callback id
DIGEST_VIEW = "digest"  # the team digest modal's callback id
HOME_ACTION = "home|"  # the Home tab's buttons: home|start, home|checkin, ...
TEXT_LIMIT = 3000  # characters in a section's text
ALT_LIMIT = 2000  # characters in an image's alt text
ACTIVE = ("on", "stopped")


def _plain(text: str, limit: int = 75) -> dict:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:TEXT_LIMIT]}}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _button(language: str, what: str, primary: bool = False, confirm: dict | None = None
            ) -> dict:
    button = {"type": "button", "action_id": HOME_ACTION + what, "value": what,
              "text": _plain(t(language, f"home.{what}"))}
    if primary:
        button["style"] = "primary"
    if confirm:
        button["confirm"] = confirm
    return button


def home_view(view: Overview, chart_file: str | None = None) -> dict:
    """Return the Home tab of a member: their plan's priorities, the next check-in, the
    last weeks' figures with the chart (the uploaded Slack file `chart_file`, if any), and
    buttons for what they can do from there."""
    language = view.language
    blocks: list[dict] = [{"type": "header", "text": _plain(t(language, "home.title"), 150)}]
    if view.stage == NEW:
        blocks.append(_section(t(language, "home.new")))
        blocks.append({"type": "actions", "block_id": "home", "elements": [
            _button(language, "start", primary=True)]})
        return {"type": "home", "blocks": blocks}
    if view.stage == INTERVIEW:
        blocks.append(_section(t(language, "home.interview", n=view.remaining)))
        first = [_button(language, "resume", primary=True)]
    elif view.stage == REVIEW:
        blocks.append(_section(t(language, "home.review")))
        first = [_button(language, "resume", primary=True)]
    else:
        blocks += _plan_blocks(view)
        if chart_file and view.chart is not None:
            blocks.append({"type": "image", "block_id": "chart",
                           "slack_file": {"id": chart_file},
                           "alt_text": view.chart_alt[:ALT_LIMIT],
                           "title": _plain(t(language, "home.chart_title"), 2000)})
        first = [_button(language, "checkin", primary=view.checkin_open),
                 _button(language, "settings")]
    confirm = {"title": _plain(t(language, "home.delete_confirm.title"), 100),
               "text": _plain(t(language, "home.delete_confirm.text"), 300),
               "confirm": _plain(t(language, "home.delete_confirm.yes"), 30),
               "deny": _plain(t(language, "home.delete_confirm.no"), 30), "style": "danger"}
    blocks.append({"type": "actions", "block_id": "home", "elements": first + [
        _button(language, "export"), _button(language, "delete", confirm=confirm)]})
    return {"type": "home", "blocks": blocks}


def _plan_blocks(view: Overview) -> list[dict]:
    language = view.language
    blocks = [{"type": "divider"}]
    if view.priorities:
        lines = [f"*{t(language, 'home.priorities', n=len(view.priorities))}*"]
        lines += [f"{i}. *{_escape(do)}* {_escape(why)}"
                  for i, (do, why) in enumerate(view.priorities, 1)]
        blocks.append(_section("\n".join(lines)))
    blocks.append(_section(f"*{t(language, 'home.next')}*\n{_escape(view.schedule_text)}"))
    if view.checkin_open:
        blocks.append(_section(t(language, "home.checkin_waiting")))
    weeks = "\n".join(_escape(line) for line in view.weeks) or t(language, "home.no_weeks")
    blocks.append(_section(f"*{t(language, 'home.weeks')}*\n{weeks}"))
    return blocks


def _option(text: str, value: str) -> dict:
    return {"text": _plain(text), "value": value}


def _input(block_id: str, label: str, element: dict, optional: bool = False,
           hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": _plain(label, 2000),
             "element": {**element, "action_id": "value"}, "optional": optional}
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


def settings_modal(language: str, schedule: Schedule, default_timezone: str,
                   profile_timezone: str | None) -> dict:
    """Return the settings modal with the member's schedule filled in; the time zone is
    their Slack profile's while they never chose one (still the coach's default)."""
    values = settings_values(language, schedule)
    zone = values["timezone"]
    if profile_timezone and zone == default_timezone:
        zone = profile_timezone
    days = [_option(day_name(language, d), str(d)) for d in range(7)]
    off = [days[d] for d in sorted(schedule.days_off)]
    active = [_option(t(language, f"settings.modal.active_{a}"), a) for a in ACTIVE]
    pause = {"type": "datepicker"}
    if values["pause"]:
        pause["initial_date"] = values["pause"]
    days_off = {"type": "checkboxes", "options": days}
    if off:
        days_off["initial_options"] = off
    hint = t(language, "settings.modal.timezone_hint", zone=profile_timezone or zone)
    blocks = [
        _input("day", t(language, "settings.modal.day"),
               {"type": "static_select", "options": days,
                "initial_option": days[schedule.weekday]}),
        _input("time", t(language, "settings.modal.time"),
               {"type": "timepicker", "initial_time": values["time"]}),
        _input("timezone", t(language, "settings.modal.timezone"),
               {"type": "plain_text_input", "initial_value": zone}, hint=hint),
        _input("days_off", t(language, "settings.modal.days_off"), days_off, optional=True),
        _input("pause", t(language, "settings.modal.pause"), pause, optional=True,
               hint=t(language, "settings.modal.pause_hint")),
        _input("active", t(language, "settings.modal.active"),
               {"type": "radio_buttons", "options": active,
                "initial_option": active[ACTIVE.index(values["active"])]}),
    ]
    return {"type": "modal", "callback_id": SETTINGS_VIEW,
            "title": _plain(t(language, "settings.modal.title"), 24),
            "submit": _plain(t(language, "settings.modal.save"), 24),
            "close": _plain(t(language, "settings.modal.close"), 24), "blocks": blocks}


def submitted_settings(language: str, state: dict) -> dict[str, str]:
    """Return the form values (flows/home.py) from a submitted modal's state values."""
    def field(block_id: str) -> dict:
        return state.get(block_id, {}).get("value", {})

    def chosen(block_id: str) -> str:
        return (field(block_id).get("selected_option") or {}).get("value", "")

    day = chosen("day")
    off = [o.get("value", "") for o in field("days_off").get("selected_options") or []]
    return {
        "day": day_name(language, int(day)) if day.isdigit() and int(day) < 7 else day,
        "time": field("time").get("selected_time") or "",
        "timezone": field("timezone").get("value") or "",
        "days_off": ", ".join(day_name(language, int(d)) for d in off if d.isdigit()
                              and int(d) < 7),
        "pause": field("pause").get("selected_date") or "",
        "active": chosen("active") or "on",
    }


def checkin_modal(form: CheckinForm) -> dict:
    """Return the modal that answers this period's check-in: the hours, how they split
    (several networks), the results, the revenue (optional)."""
    language = form.language

    def text_input(block_id: str, optional: bool = False) -> dict:
        return _input(block_id, t(language, f"checkin.modal.{block_id}", result=form.result,
                                  currency=form.currency),
                      {"type": "plain_text_input"}, optional=optional,
                      hint=t(language, f"checkin.modal.{block_id}_hint",
                             networks=form.networks, result=form.result))
    blocks = [{"type": "context", "elements": [{"type": "mrkdwn", "text": _escape(
        t(language, "checkin.modal.intro" + (".replace" if form.answered else ""),
          week=form.period))[:TEXT_LIMIT]}]}, text_input("hours")]
    if form.split:
        blocks.append(text_input("split", optional=True))
    blocks += [text_input("results"), text_input("revenue", optional=True)]
    return {"type": "modal", "callback_id": CHECKIN_VIEW,
            "title": _plain(t(language, "checkin.modal.title"), 24),
            "submit": _plain(t(language, "settings.modal.save"), 24),
            "close": _plain(t(language, "settings.modal.close"), 24), "blocks": blocks}


def submitted_checkin(state: dict) -> dict[str, str]:
    """Return the check-in form's texts from a submitted modal's state values."""
    return {step: (state.get(step, {}).get("value", {}).get("value") or "")
            for step in ("hours", "split", "results", "revenue")}


def digest_modal(language: str, weekday: int, at: str, digest_language: str) -> dict:
    """Return the team digest's modal: its day, time (the workspace's time zone) and
    language, filled in with the current ones."""
    days = [_option(day_name(language, d), str(d)) for d in range(7)]
    languages = [_option(t(language, f"language.name.{code}"), code) for code in LANGUAGES]
    return {"type": "modal", "callback_id": DIGEST_VIEW,
            "title": _plain(t(language, "digest.modal.title"), 24),
            "submit": _plain(t(language, "settings.modal.save"), 24),
            "close": _plain(t(language, "settings.modal.close"), 24),
            "blocks": [
                _input("day", t(language, "digest.modal.day"),
                       {"type": "static_select", "options": days,
                        "initial_option": days[weekday]}),
                _input("time", t(language, "settings.modal.time"),
                       {"type": "timepicker", "initial_time": at}),
                _input("language", t(language, "digest.modal.language"),
                       {"type": "static_select", "options": languages,
                        "initial_option": languages[LANGUAGES.index(digest_language)]}),
            ]}


def submitted_digest(state: dict) -> tuple[int, str, str] | None:
    """Return (weekday, "HH:MM", language) from a submitted digest modal, or None."""
    def value(block_id: str, key: str):
        return state.get(block_id, {}).get("value", {}).get(key)
    day = (value("day", "selected_option") or {}).get("value", "")
    at = value("time", "selected_time") or ""
    language = (value("language", "selected_option") or {}).get("value", "")
    if not (day.isdigit() and int(day) < 7 and language in LANGUAGES and len(at) == 5):
        return None
    return int(day), at, language
