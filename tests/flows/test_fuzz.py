"""A property test of `Coach.handle` over every state: whatever is typed or pressed, no
exception leaves the coach and what it stores is valid.

Each example starts a user at one of the states below (an interview question, editing a
section, the plan, a check-in step, a pending confirmation), then sends a few random
texts and button presses from realistic and hostile alphabets. After each step the
stored user reloads, every answer passes its question's validation, and the open
check-in's figures are within their limits.

Profiles: `make test` runs a few seconds of it (the "test" profile); `COACH_FUZZ=soak`
(see tools/fuzz.py, used by `make soak`) runs at least 10,000 inputs across every state.

It runs on both databases: on SQLite each example gets a copy of the template database;
on PostgreSQL (which refuses what SQLite keeps, a NUL character in a text or a JSON
value) each example runs in a transaction of its own, rolled back after it (the coach's
transactions are savepoints inside it).
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from flows import answers, checkin, parsing, when
from flows.coach import CONFIRM_PROMPTS, Coach
from flows.interview import STATES
from flows.messages import Choice, Inbound, Reply, storable
from flows.parsing import InvalidAnswer, Unsure, unwrap
from flows.questions import BY_ID, QUESTIONS, check_answer, parse, valid_answer
from flows.render import PLAN_PROMPT, aliases
from storage import SqliteStore, open_database
from storage.port import Store
from tests.clock import Clock
from tests.flows.build_messages import FULL_INTERVIEW

PLATFORM = "fuzz"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)  # a Sunday

STEPS = int(os.environ.get("COACH_FUZZ_STEPS", "6"))  # inputs at most per example
# "test": about 600 inputs, the same each run; "soak": about 12,000 new ones a run
settings.register_profile("test", max_examples=150, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("soak", max_examples=3000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("COACH_FUZZ", "test")

CONFIRMED = FULL_INTERVIEW + [("plan", "confirm")]
# name of a start -> what a new user sends to get there (text, or (prompt, value) pressed)
STARTS: dict[str, list] = {
    "asking_objective": ["/start"],
    **{f"asking_{q.id}": FULL_INTERVIEW[:i] for i, q in enumerate(QUESTIONS) if i},
    "showing_plan": FULL_INTERVIEW,
    "editing_who": FULL_INTERVIEW + [("plan", "edit_who")],
    "editing_budget": CONFIRMED + [("plan", "edit_budget")],
    "plan_confirmed": CONFIRMED,
    "settings_shown": CONFIRMED + ["réglages"],  # the settings and their buttons
    "checkin_hours": CONFIRMED + ["point"],
    "checkin_split": CONFIRMED + ["point", "3"],
    "checkin_results": CONFIRMED + ["point", "linkedin 2, tiktok 1"],
    "checkin_revenue": CONFIRMED + ["point", "linkedin 2, tiktok 1", "2"],
    "checkin_replace": CONFIRMED + ["point", "linkedin 2, tiktok 1", "2", "0", "point"],
    "checkin_left": CONFIRMED + ["point", "3", "stop"],
    "pending_restart": FULL_INTERVIEW[:4] + ["recommencer"],
    "pending_delete": CONFIRMED + ["supprimer"],
    "pending_language": FULL_INTERVIEW[:2] + ["langue"],
    "pending_unsure": FULL_INTERVIEW[:9] + ["50"],
    "pending_did_you_mean": FULL_INTERVIEW[:3] + ["retoure"],
    "pending_checkin_unsure": CONFIRMED + ["point", "linkedin 2, tiktok 1", "2", "300 CHF"],
}

# Realistic answers and commands, and inputs that broke parsers before.
REALISTIC = sorted(set(FULL_INTERVIEW) | {
    "/start", "/start abc", "/start@CoachBot", "aide", "retour", "passer", "recommencer",
    "plan", "point", "rapport", "réglages", "oui", "non", "1", "2", "3", "7", "12", "0",
    "-1", "je sais pas", "stop", "effacer", "langue en", "langue", "export", "pdf",
    "réglages pause 9999-12-31", "réglages pause 31/12/9999", "réglages pause 2027-01-10",
    "réglages pause dans 99999999 semaines", "réglages pause dans 3 semaines",
    "réglages heure 25:00", "réglages heure 18h30", "réglages jour mardi", "réglages jour 8",
    "réglages fuseau Europe/Paris", "réglages fuseau Mars/Olympus", "réglages stop",
    "réglages reprendre", "réglages repos samedi, dimanche", "réglages repos 1-7",
    "linkedin, linkedin", "3,3", "3²", "³", "٣", "३", "𝟑", "①", "３", "½ h", "0.001",
    "0,001", "0.001 €", "1e400", "9" * 400, "1" + "0" * 40 + " clients par mois",
    "10" + "0" * 30 + " €", "2,5 h", "1h30", "90 min", "linkedin 2, instagram 1h30",
    "facebook 60, instagram 60", "linkedin 0.001, tiktok 0.001", "500 CHF", "1500 balles",
    "10 demandes de devis par mois", "200/mois", "35 €/h", "400 € par jour",
    "10000000 € par jour", "0.001 €/h", "Marie, la gérante", "tout le monde", "a\x00b",
    "\ud800", "x\udfffy", "Gérants \ud83d de bars", "\x1b[31m rouge", "\u202eevil",
    "zero\u200bwidth", "Ⅻ", "١٢٣", "٣ ساعات", "  ", "", "\n\n", "🙂" * 10,
})
SHORT_WORDS = ["h", "min", "€", "k", "par", "mois", "semaine", "linkedin", "insta", "et",
               "à", "-", ",", "/", ":", "jour", "an", "clients", "devis", "oui", "non",
               "réglages", "pause", "heure", "fuseau", "aide", "plan", "point", "mardi",
               "dans", "semaines", "1", "2", "10", "0", "0,5", "1 000", "²", "٣", "1e9"]
HOSTILE = st.characters(codec=None, categories=None, exclude_categories=())
# what breaks storage or display: control characters, lone surrogates, odd digits
BREAKING = st.one_of(st.characters(categories=["Cs", "Cc", "Cf", "Zl", "Zp", "Co"]),
                     st.sampled_from("²³¹½٣३𝟑①３\ufffe\uffff\u2028\x00"))


def _spliced(base: str, at: int, inserted: str) -> str:
    at = at % (len(base) + 1)
    return base[:at] + inserted + base[at:]


# a realistic answer with something hostile inside: it passes the parsers, so whatever
# cannot be stored reaches the database unless the coach cleans it first
SPLICED = st.builds(_spliced, st.sampled_from(REALISTIC), st.integers(0, 80),
                    st.text(BREAKING, min_size=1, max_size=3))
TEXTS = st.one_of(
    st.sampled_from(REALISTIC),
    SPLICED,
    st.lists(st.sampled_from(SHORT_WORDS), min_size=1, max_size=6).map(" ".join),
    st.text(HOSTILE, max_size=40),
    st.text(st.sampled_from("0123456789 ,.-/:h€k²³½٣"), min_size=1, max_size=12),
)
PROMPTS = sorted({q.id for q in QUESTIONS} | {PLAN_PROMPT, "language", checkin.SETTINGS_PROMPT}
                 | set(CONFIRM_PROMPTS.values())
                 | {checkin.prompt_of(s) for s in ("hours", "split", "results", "revenue",
                                                   "replace")})
VALUES = sorted({v for q in QUESTIONS for v in q.options}
                | {"confirm", "details", "edit_why", "edit_who", "edit_where",
                   "edit_resource", "edit_budget", "yes", "no", "fr", "en", "skip",
                   "replace"})
PRESSES = st.builds(Choice, st.one_of(st.sampled_from(PROMPTS), st.text(HOSTILE, max_size=10)),
                    st.lists(st.one_of(st.sampled_from(VALUES), st.text(HOSTILE, max_size=8)),
                             max_size=4).map(tuple))
# what platforms send besides text and presses: a photo, a link's payload, odd hints
OTHERS = st.one_of(
    st.sampled_from(["photo", "voice", "sticker"]).map(lambda kind: ("not_text", kind)),
    st.text(HOSTILE, max_size=80).map(lambda payload: ("start", payload)),
    st.tuples(TEXTS, st.text(HOSTILE, max_size=300), st.text(HOSTILE, max_size=20)).map(
        lambda parts: ("hinted", parts)))
INPUTS = st.one_of(TEXTS.map(lambda body: ("text", body)), PRESSES.map(lambda c: ("press", c)),
                   OTHERS)


def answers_to(shown: Reply | None) -> st.SearchStrategy:
    """Return inputs that answer the reply on screen: its buttons pressed (repeated,
    mixed, none), their labels or numbers typed; or any input at all."""
    if shown is None or not shown.options:
        return INPUTS
    values = [o.value for o in shown.options]
    pressed = st.lists(st.sampled_from(values), max_size=4).map(
        lambda chosen: ("press", Choice(shown.prompt, tuple(chosen))))
    labels = st.lists(st.sampled_from([o.label for o in shown.options]
                                      + [str(i + 1) for i in range(len(values))]),
                      min_size=1, max_size=3).map(lambda parts: ("text", ", ".join(parts)))
    return st.one_of(pressed, labels, INPUTS)


INPUTS_SENT: dict[str, int] = {}  # start -> inputs sent, for tools/fuzz.py


def inbound(user: str, item) -> Inbound:
    """Return the message of a start's step or of a generated input."""
    if isinstance(item, tuple) and item[0] == "press":
        return Inbound(PLATFORM, user, choice=item[1])
    if isinstance(item, tuple) and item[0] == "text":
        return Inbound(PLATFORM, user, text=item[1])
    if isinstance(item, tuple) and item[0] == "not_text":
        return Inbound(PLATFORM, user, not_text=item[1])
    if isinstance(item, tuple) and item[0] == "start":
        return Inbound(PLATFORM, user, text="/start", start_payload=item[1])
    if isinstance(item, tuple) and item[0] == "hinted":  # a platform's time zone, language
        body, zone, language = item[1]
        return Inbound(PLATFORM, user, text=body, timezone=zone, language=language)
    if isinstance(item, tuple):
        return Inbound(PLATFORM, user, choice=Choice(item[0], (item[1],)))
    return Inbound(PLATFORM, user, text=item)


def where(coach: Coach, user: str) -> str:
    """Return the name of the start a user stands at, as STARTS names them."""
    record = coach.store.load_user(PLATFORM, user)
    if record.pending:
        return f"pending_{record.pending}"
    if record.editing:
        return f"editing_{record.editing}"
    open_record = coach.checkins.open_record(record.id)
    if open_record is not None:
        return f"checkin_{open_record.step}"
    left = [r for r in coach.checkins.recent_records(record.id) if r.left]
    return "checkin_left" if left else record.state


def build_template(store: Store | None = None) -> tuple[Store, dict[str, Reply]]:
    """Return a store (SQLite in memory by default) where each start's user stands at
    its state, and what each was shown last."""
    store = store or SqliteStore(open_database(None))
    coach = Coach(store, "fr", "Europe/Paris", Clock(NOW))
    shown = {}
    for name, steps in STARTS.items():
        for step in steps:
            shown[name] = coach.handle(inbound(name, step))[-1]
        expected = name
        if name == "settings_shown":  # the plan confirmed, its settings on screen
            assert shown[name].prompt == checkin.SETTINGS_PROMPT
            expected = "plan_confirmed"
        assert where(coach, name) == expected, f"{name} stands at {where(coach, name)}"
    return store, shown


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def template(request):
    if request.param == "sqlite":
        yield build_template()
        return
    from storage.postgres import open_postgres
    server = request.getfixturevalue("pg_server")
    name = server.fresh_database()
    store = open_postgres(server.url(name), min_size=1, max_size=2)
    yield build_template(store)
    store.close()
    server.drop_database(name)


class Undone(Exception):
    """Raised to roll an example's transaction back."""


@contextmanager
def example_store(template_store: Store) -> Iterator[Store]:
    """Yield a store holding the template's users, whose changes go when the example
    ends: a copy of the SQLite database, or PostgreSQL's in a transaction rolled back."""
    if isinstance(template_store, SqliteStore):
        yield SqliteStore(fresh_copy(template_store.db))
        return
    try:
        with template_store.transaction():
            yield template_store
            raise Undone
    except Undone:
        pass


def fresh_copy(db: Database) -> Database:
    """Return an in-memory copy of the template, for one example."""
    copy = Database(memory=True)
    db.conn.backup(copy.conn)
    return copy


STORABLE = {"Cc", "Cs"}


def assert_storable(value: object) -> None:
    """Check a stored value is finite JSON with no control character or lone surrogate."""
    json.dumps(value, allow_nan=False)
    if isinstance(value, str):
        bad = [c for c in value if unicodedata.category(c) in STORABLE and c not in "\n\t"]
        assert not bad, f"unstorable characters {bad!r}"
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_storable(key)
            assert_storable(item)
    elif isinstance(value, list):
        for item in value:
            assert_storable(item)


def assert_valid(store: Store, coach: Coach, user: str) -> None:
    """Check the stored user reloads and everything stored about them is valid."""
    record = store.load_user(PLATFORM, user)
    if record is None:  # deleted their data
        return
    assert record.state in STATES
    assert record.pending in (None, *CONFIRM_PROMPTS, "language")
    for question_id, value in record.answers.items():
        assert_storable(value)
        if question_id in BY_ID:
            check_answer(question_id, value, record.answers.get("currency"))
    assert_storable(record.pending_value)
    assert_storable(record.start_payload)
    open_record = coach.checkins.open_record(record.id)
    for week in coach.store.history(record.id):
        checkin.check_figures(week.hours, week.results, week.revenue)
    if open_record is not None:
        checkin.check_figures(open_record.hours, open_record.results, open_record.revenue)


@settings(settings.get_profile(PROFILE))
@given(start=st.sampled_from(sorted(STARTS)), data=st.data())
def test_any_input_in_any_state_leaves_a_valid_stored_state(template, start, data):
    template_store, shown = template
    with example_store(template_store) as store:
        coach = Coach(store, "fr", "Europe/Paris", Clock(NOW))
        on_screen = shown[start]
        for _ in range(data.draw(st.integers(1, STEPS), label="steps")):
            item = data.draw(answers_to(on_screen))
            replies = coach.handle(inbound(start, item))
            INPUTS_SENT[start] = INPUTS_SENT.get(start, 0) + 1
            assert replies and all(isinstance(r, Reply) and r.text for r in replies)
            assert_valid(store, coach, start)
            on_screen = next((r for r in reversed(replies) if r.prompt), on_screen)


# Every parser on its own: only a re-ask (InvalidAnswer) or a doubt (Unsure) may come out,
# and what a question's parser returns, or doubts, passes that question's limits.
TODAY = NOW.date()
PARSERS = {
    "hours": parsing.parse_hours, "week_hours": parsing.parse_week_hours,
    "hourly_cost": parsing.parse_hourly_cost, "budget": parsing.parse_budget,
    "result_value": parsing.parse_result_value, "count": parsing.parse_count,
    "revenue": parsing.parse_revenue, "amount": parsing.parse_amount,
    "split": lambda text: parsing.parse_split(text, aliases("networks"),
                                              parsing.parse_week_hours),
    "target": answers.parse_target, "reason": answers.parse_reason,
    "customer": answers.parse_customer, "champion": answers.parse_champion,
    "time": when.parse_time, "weekday": when.parse_weekday, "days": when.parse_days,
    "date": lambda text: when.parse_date(text, TODAY), "timezone": when.parse_timezone,
    **{f"question {q.id}": (lambda q: lambda text: parse(q, text, None, aliases(q.id)))(q)
       for q in QUESTIONS},
}
settings.register_profile("parsers", max_examples=25, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_a_parser_only_re_asks_or_doubts_and_never_returns_beyond_limits(name):
    question = BY_ID.get(name.removeprefix("question "))

    def check(text: str) -> None:
        try:
            value, currency = unwrap(PARSERS[name](text)), None
        except InvalidAnswer:
            return
        except Unsure as doubt:
            value, currency = doubt.value, doubt.also.get("currency")
        if question is not None and name.startswith("question "):
            assert valid_answer(question.id, value, currency), (text, value)

    for text in REALISTIC:  # every known edge case, then random ones
        check(storable(text))

    @settings(settings.get_profile("parsers" if PROFILE == "test" else "soak"))
    @given(st.one_of(SPLICED, TEXTS).map(storable))
    def probe(text):
        check(text)
    probe()
