"""Slack's App Home tab and the settings modal, end to end over the fake Slack (signed
events and interactions in, views.publish and views.open out), and every view the
project builds checked by slack_sdk's Block Kit models."""

from __future__ import annotations

import asyncio
import json
from datetime import date, time as clock_time

import pytest
from slack_sdk.models.views import View

import storage
from bot import offload
from bot.config import load_settings
from bot.slack_home import home_view, settings_modal, submitted_settings
from flows.chart import Chart, ChartTexts, ChartWeek
from flows.coach import Coach
from flows.home import INTERVIEW, NEW, PLAN, REVIEW, Overview
from flows.messages import Inbound
from flows.schedule import Schedule
from tests.bot.fake_slack import FakeSlack, SlackUser
from tests.bot.fake_server import free_port
from tests.bot.test_nudges import (MONDAY_NINE_PARIS, PNG, SIGNING_SECRET, SUNDAY,
                                   confirmed_user, eventually, slack_serving)
from tests.clock import Clock

TEAM, ALICE = "T0ACME", "U0ALICE"
KEY = f"{TEAM}:{ALICE}"


def valid(view: dict) -> dict:
    """Fail unless slack_sdk's Block Kit models accept the view; return it."""
    View(**view).validate_json()
    json.dumps(view)
    return view


@pytest.mark.parametrize("overview", [
    Overview("fr", NEW), Overview("en", INTERVIEW, remaining=7), Overview("fr", REVIEW),
    Overview("fr", PLAN, priorities=(("Gardez LinkedIn seul.", "x " * 400),) * 3,
             schedule=Schedule(), schedule_text="Lundi à 09:00", checkin_open=True,
             weeks=("semaine du 16 au 22 novembre : 3 h, 1 devis",) * 4),
], ids=["new", "interview", "review", "plan"])
def test_every_home_tab_passes_block_kit_validation(overview):
    view = valid(home_view(overview))
    assert view["type"] == "home"


def test_the_home_tab_shows_the_chart_file_with_its_figures_in_words():
    chart = Chart((ChartWeek("16–22 nov.", 3, 1),), ChartTexts("h", "r", "", "", "c"), 3, 1)
    overview = Overview("fr", PLAN, schedule=Schedule(), schedule_text="Lundi à 09:00",
                        weeks=("• du 16 au 22 novembre : 3 h, 1 devis",), chart=chart,
                        chart_alt="Graphique " + "des semaines " * 400)
    [image] = [b for b in valid(home_view(overview, "F0CHART"))["blocks"]
               if b["type"] == "image"]
    assert image["slack_file"] == {"id": "F0CHART"}
    assert image["alt_text"].startswith("Graphique des semaines")
    assert not [b for b in home_view(overview)["blocks"] if b["type"] == "image"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_settings_modal_passes_block_kit_validation_and_reads_back(language):
    schedule = Schedule(weekday=1, at=clock_time(8, 30), days_off=frozenset({5, 6}),
                        paused_until=date(2026, 12, 24))
    modal = valid(settings_modal(language, schedule, "Europe/Paris", "America/Toronto"))
    inputs = {b["block_id"]: b["element"] for b in modal["blocks"]}
    assert inputs["timezone"]["initial_value"] == "America/Toronto"  # never chosen
    assert inputs["time"]["initial_time"] == "08:30"
    assert inputs["pause"]["initial_date"] == "2026-12-24"
    state = {block: {"value": {"selected_option": element.get("initial_option"),
                               "selected_options": element.get("initial_options"),
                               "selected_time": element.get("initial_time"),
                               "selected_date": element.get("initial_date"),
                               "value": element.get("initial_value")}}
             for block, element in inputs.items()}
    values = submitted_settings(language, state)
    assert values["time"] == "08:30" and values["pause"] == "2026-12-24"
    assert values["active"] == "on" and values["timezone"] == "America/Toronto"
    assert values["day"] == ("mardi" if language == "fr" else "Tuesday")


def test_a_time_zone_the_member_chose_is_kept_over_their_profile():
    modal = settings_modal("fr", Schedule(timezone="Africa/Dakar"), "Europe/Paris",
                           "America/Toronto")
    zone = next(b for b in modal["blocks"] if b["block_id"] == "timezone")
    assert zone["element"]["initial_value"] == "Africa/Dakar"


@pytest.fixture
def clock():
    return Clock(SUNDAY)


@pytest.fixture
def coach(tmp_path, clock):
    return Coach(storage.open_store(str(tmp_path / "coach.db")), "fr", "Europe/Paris", clock)


@pytest.fixture
def fake():
    with FakeSlack() as server:
        yield server


def serving(fake, tmp_path):
    port = free_port()
    settings = load_settings({"SLACK_BOT_TOKEN": fake.add_team(TEAM),
                              "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                              "SLACK_API_URL": fake.url, "PORT": str(port),
                              "COACH_DATABASE": str(tmp_path / "coach.db")})
    return port, settings


def texts_of(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False)


async def test_a_new_member_opens_home_starts_and_sees_their_progress(fake, coach, tmp_path):
    port, settings = serving(fake, tmp_path)
    alice = SlackUser(fake, f"http://127.0.0.1:{port}/slack/events", TEAM, ALICE)
    async with slack_serving(settings, coach):
        status, _ = await asyncio.to_thread(alice.open_home)
        assert status == 200
        home = await eventually(lambda: fake.home.get(ALICE), what="the Home tab")
        assert "Bienvenue" in texts_of(valid(home))
        fake.home.clear()
        await asyncio.to_thread(alice.press_in_view, home, "Commencer")
        await eventually(lambda: [m for m in fake.messages.values()
                                  if "objectif principal" in m["text"]], what="a question")
        home = await eventually(lambda: fake.home.get(ALICE), what="the Home tab again")
        assert "il reste 13 questions" in texts_of(valid(home))
        assert coach.store.load_user("slack", KEY).state is not None


async def test_a_member_with_a_plan_sees_priorities_checkin_and_weeks(fake, coach, clock,
                                                                      tmp_path):
    port, settings = serving(fake, tmp_path)
    confirmed_user(coach, "slack", KEY)
    clock.now = MONDAY_NINE_PARIS
    for answer in ("point", "3", "passer", "1", "0"):
        coach.handle(Inbound("slack", KEY, text=answer))
    alice = SlackUser(fake, f"http://127.0.0.1:{port}/slack/events", TEAM, ALICE)
    async with slack_serving(settings, coach):
        await asyncio.to_thread(alice.open_home)
        home = valid(await eventually(lambda: fake.home.get(ALICE), what="the Home tab"))
        shown = texts_of(home)
        assert "priorités" in shown and "Le point hebdomadaire" in shown
        assert "lundi à 09:00 (Europe/Paris)" in shown
        assert "16 au 22 novembre" in shown and "3 h" in shown  # the week just told
        labels = [e["text"]["text"] for b in home["blocks"] for e in b.get("elements", [])]
        assert labels == ["Faire le point", "Réglages", "Exporter mes données",
                          "Supprimer mes données"]
        delete = home["blocks"][-1]["elements"][-1]
        assert delete["confirm"]["style"] == "danger"  # Slack asks before the DM does


async def test_settings_in_a_modal_show_errors_in_place_and_save_when_right(fake, coach,
                                                                           tmp_path):
    port, settings = serving(fake, tmp_path)
    confirmed_user(coach, "slack", KEY)
    fake.timezones[ALICE] = "America/Toronto"
    alice = SlackUser(fake, f"http://127.0.0.1:{port}/slack/events", TEAM, ALICE)
    async with slack_serving(settings, coach):
        await asyncio.to_thread(alice.open_home)
        home = await eventually(lambda: fake.home.get(ALICE), what="the Home tab")
        await asyncio.to_thread(alice.press_in_view, home, "Réglages")
        [modal] = await eventually(lambda: fake.modals, what="the settings modal")
        valid(modal)
        zone = next(b for b in modal["blocks"] if b["block_id"] == "timezone")
        assert zone["element"]["initial_value"] == "America/Toronto"  # from the profile
        before = coach.store.load_schedule(coach.store.load_user("slack", KEY).id)

        monday = {"selected_option": {"value": "0"}}
        status, body = await asyncio.to_thread(alice.submit_view, modal, {
            "day": monday, "time": {"selected_time": "08:30"},
            "timezone": {"value": "Atlantide"},
            "days_off": {"selected_options": [{"value": "0"}]},
            "active": {"selected_option": {"value": "on"}}})
        assert status == 200
        answer = json.loads(body)
        assert answer["response_action"] == "errors"
        assert set(answer["errors"]) == {"timezone", "days_off"}
        assert "fuseau horaire" in answer["errors"]["timezone"]
        assert coach.store.load_schedule(
            coach.store.load_user("slack", KEY).id) == before  # nothing half-saved

        fake.home.clear()
        status, body = await asyncio.to_thread(alice.submit_view, modal, {
            "day": {"selected_option": {"value": "1"}}, "time": {"selected_time": "08:30"},
            "timezone": {"value": "Montréal"},
            "days_off": {"selected_options": [{"value": "5"}, {"value": "6"}]},
            "pause": {"selected_date": None},
            "active": {"selected_option": {"value": "on"}}})
        assert status == 200 and not body.strip()
        schedule, _ = coach.store.load_schedule(coach.store.load_user("slack", KEY).id)
        assert (schedule.weekday, schedule.at, schedule.timezone, schedule.days_off) == (
            1, clock_time(8, 30), "America/Montreal", frozenset({5, 6}))
        home = await eventually(lambda: fake.home.get(ALICE), what="the refreshed tab")
        assert "mardi à 08:30 (America/Montreal)" in texts_of(home)


async def test_the_weekly_checkin_answered_in_a_modal_gets_its_verdict_in_the_dm(
        fake, coach, clock, tmp_path):
    port, settings = serving(fake, tmp_path)
    confirmed_user(coach, "slack", KEY)
    clock.now = MONDAY_NINE_PARIS
    alice = SlackUser(fake, f"http://127.0.0.1:{port}/slack/events", TEAM, ALICE)
    async with slack_serving(settings, coach):
        await asyncio.to_thread(alice.open_home)
        home = await eventually(lambda: fake.home.get(ALICE), what="the Home tab")
        await asyncio.to_thread(alice.press_in_view, home, "Faire le point")
        [modal] = await eventually(lambda: fake.modals, what="the check-in modal")
        valid(modal)
        assert [b.get("block_id") for b in modal["blocks"][1:]] == [
            "hours", "split", "results", "revenue"]  # LinkedIn and TikTok: the split too
        assert "16 au 22 novembre" in texts_of(modal)

        status, body = await asyncio.to_thread(alice.submit_view, modal, {
            "hours": {"value": "beaucoup"}, "results": {"value": "2"}})
        assert json.loads(body)["response_action"] == "errors"
        assert list(json.loads(body)["errors"]) == ["hours"]
        assert not fake.sent("chat.postMessage")

        fake.home.clear()
        status, body = await asyncio.to_thread(alice.submit_view, modal, {
            "hours": {"value": "3"}, "split": {"value": "LinkedIn 2, TikTok 1"},
            "results": {"value": "2"}, "revenue": {"value": ""}})
        assert status == 200 and not body.strip()
        await eventually(lambda: [m for m in fake.messages.values()
                                  if m["channel"] == alice.dm and "Verdict" in m["text"]],
                         what="the verdict")
        await eventually(lambda: [f for f in fake.files.values()
                                  if f.get("channel") == alice.dm], what="the chart")
        home = await eventually(lambda: fake.home.get(ALICE), what="the refreshed tab")
        assert "3 h" in texts_of(home)


async def test_the_digest_setter_picks_day_time_and_language_in_a_modal(fake, coach, clock,
                                                                      tmp_path):
    from datetime import timedelta
    port, settings = serving(fake, tmp_path)
    url = f"http://127.0.0.1:{port}/slack/events"
    alice, bob = SlackUser(fake, url, TEAM, ALICE), SlackUser(fake, url, TEAM, "U0BOB")
    confirmed_user(coach, "slack", KEY)
    clock.now = MONDAY_NINE_PARIS  # the check-in on 16 to 22 November
    for answer in ("point", "3", "passer", "2", "0"):
        coach.handle(Inbound("slack", KEY, text=answer))
    async with slack_serving(settings, coach) as (_, (app, adapter)):
        await asyncio.to_thread(alice.command, "digest réglages", "C0MARKETING")
        first = await eventually(lambda: fake.responses, what="the answer")
        assert "/coach digest" in first[0]["text"]  # no digest yet: how to set one
        for text in ("digest", "digest oui"):
            await asyncio.to_thread(alice.command, text, "C0MARKETING")
        await eventually(lambda: len(fake.responses) == 3, what="the digest set")
        await asyncio.to_thread(bob.command, "digest réglages", "C0MARKETING")
        refused = await eventually(lambda: fake.responses[3:], what="bob's answer")
        assert "<@U0ALICE>" in refused[0]["text"] and not fake.modals

        await asyncio.to_thread(alice.command, "digest réglages", "C0MARKETING")
        [modal] = await eventually(lambda: fake.modals, what="the digest modal")
        valid(modal)
        status, body = await asyncio.to_thread(alice.submit_view, modal, {
            "day": {"selected_option": {"value": "1"}}, "time": {"selected_time": "08:15"},
            "language": {"selected_option": {"value": "en"}}})
        assert status == 200 and not body.strip()
        confirmation = await eventually(lambda: [m for m in fake.messages.values()
                                                 if "mardi à 08:15" in m["text"]],
                                        what="the confirmation in the DM")
        assert "Langue du résumé : English" in confirmation[0]["text"]

        clock.now = MONDAY_NINE_PARIS + timedelta(hours=1)  # Monday 10:00: not any more
        assert await adapter.post_due_digests(app) == 0
        clock.now = MONDAY_NINE_PARIS + timedelta(days=1, minutes=15)  # Tuesday 8:15
        assert await adapter.post_due_digests(app) == 1
    [post] = [p for p in fake.sent("chat.postMessage") if p["channel"] == "C0MARKETING"]
    assert "16 to 22 November" in post["text"] and "<@U0ALICE>: 3 h" in post["text"]


async def test_an_uninstalled_app_pauses_every_members_nudges_until_they_write(fake, coach,
                                                                             tmp_path):
    import time
    from tests.bot.fake_slack import BOT_USER
    port, settings = serving(fake, tmp_path)
    url = f"http://127.0.0.1:{port}/slack/events"
    confirmed_user(coach, "slack", KEY)
    confirmed_user(coach, "slack", f"{TEAM}:U0BOB")
    confirmed_user(coach, "slack", "T0OTHER:U0CAROL")  # another workspace keeps its own
    ids = {key: coach.store.load_user("slack", key).id
           for key in (KEY, f"{TEAM}:U0BOB", "T0OTHER:U0CAROL")}
    alice = SlackUser(fake, url, TEAM, ALICE)

    def removed(kind: str, extra: dict) -> bytes:
        return json.dumps({
            "token": "legacy", "team_id": TEAM, "api_app_id": "ACOACH",
            "type": "event_callback", "event_id": f"Ev{kind}{time.time_ns()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True,
                                "enterprise_id": None, "is_enterprise_install": False}],
            "event": {"type": kind, **extra}}).encode()
    async with slack_serving(settings, coach):
        status, _ = await asyncio.to_thread(
            alice.post, removed("tokens_revoked", {"tokens": {"oauth": [ALICE]}}),
            "application/json")
        assert status == 200  # a user token only: the bot still reaches everybody
        assert coach.store.load_schedule(ids[KEY])[1] is not None
        status, _ = await asyncio.to_thread(alice.post, removed("app_uninstalled", {}),
                                            "application/json")
        assert status == 200
        # the members are paused one after the other (the ack came first): wait for both
        await eventually(lambda: all(coach.store.load_schedule(ids[k])[1] is None
                                     for k in (KEY, f"{TEAM}:U0BOB")),
                         what="alice's and bob's nudges paused")
        assert coach.store.load_schedule(ids["T0OTHER:U0CAROL"])[1] is not None
        await asyncio.to_thread(alice.say, "réglages")  # reinstalled, and she writes
        await eventually(lambda: coach.store.load_schedule(ids[KEY])[1] is not None,
                         what="alice's nudges back")
        assert coach.store.load_schedule(ids[f"{TEAM}:U0BOB"])[1] is None


def home_uploads(fake) -> list[tuple[str, dict]]:
    """The pictures uploaded to no channel (the Home tab's), in order."""
    return [(file_id, f) for file_id, f in fake.files.items()
            if f.get("completed") and f.get("channel") is None]


def image_of(view: dict) -> dict | None:
    return next((b for b in view["blocks"] if b["type"] == "image"), None)


async def reopened(fake, alice, what: str) -> dict:
    fake.home.clear()
    await asyncio.to_thread(alice.open_home)
    return valid(await eventually(lambda: fake.home.get(ALICE), what=what))


async def test_the_home_tab_shows_the_chart_uploaded_once_per_change_of_figures(
        fake, coach, clock, tmp_path, monkeypatch):
    import threading
    drawn_on = []
    draw = Chart.png
    monkeypatch.setattr(Chart, "png", lambda chart: drawn_on.append(
        threading.current_thread()) or draw(chart))
    # drawn on a render thread here, where this test's patch applies (the bot draws in a
    # render process of its own)
    offload._OFFLOADS[coach.store] = offload.Offload(coach.store, drawing="thread")
    port, settings = serving(fake, tmp_path)
    confirmed_user(coach, "slack", KEY)
    clock.now = MONDAY_NINE_PARIS
    for answer in ("point", "3", "passer", "1", "0"):
        coach.handle(Inbound("slack", KEY, text=answer))
    alice = SlackUser(fake, f"http://127.0.0.1:{port}/slack/events", TEAM, ALICE)
    drawn_on.clear()
    async with slack_serving(settings, coach):
        home = await reopened(fake, alice, "the Home tab")
        [(first, upload)] = home_uploads(fake)
        assert upload["content"].startswith(PNG)  # the chart itself, in no channel
        image = image_of(home)
        assert image["slack_file"] == {"id": first}
        assert "dernière semaine" in image["alt_text"]  # its figures, in words
        assert "du 16 au 22 novembre : 3 h, 1 " in image["alt_text"]

        again = await reopened(fake, alice, "the Home tab reopened")
        assert image_of(again)["slack_file"] == {"id": first}
        assert len(home_uploads(fake)) == 1  # the same figures: not uploaded again

        await asyncio.to_thread(alice.press_in_view, again, "Faire le point")
        [modal] = await eventually(lambda: fake.modals, what="the check-in modal")
        fake.home.clear()
        await asyncio.to_thread(alice.submit_view, modal, {
            "hours": {"value": "5"}, "split": {"value": "LinkedIn 4, TikTok 1"},
            "results": {"value": "2"}})
        refreshed = await eventually(lambda: fake.home.get(ALICE), what="the refreshed tab")
        [_, (second, upload)] = home_uploads(fake)
        assert image_of(refreshed)["slack_file"] == {"id": second}
        assert "du 16 au 22 novembre : 5 h, 2 " in image_of(refreshed)["alt_text"]
        assert fake.files[first]["deleted"]  # the old figures' picture is gone
        user_id = coach.store.load_user("slack", KEY).id
        assert coach.store.home_chart(user_id).file_id == second
    # two pictures for the Home tab and the verdict's in the DM, none on the event loop
    assert len(drawn_on) == 3 and threading.main_thread() not in drawn_on


async def test_the_home_tab_is_published_without_the_chart_when_it_cannot_be_shown(
        fake, coach, clock, tmp_path):
    from datetime import timedelta
    port, settings = serving(fake, tmp_path)
    confirmed_user(coach, "slack", KEY)
    clock.now = MONDAY_NINE_PARIS
    for answer in ("point", "3", "passer", "1", "0"):
        coach.handle(Inbound("slack", KEY, text=answer))
    user_id = coach.store.load_user("slack", KEY).id
    alice = SlackUser(fake, f"http://127.0.0.1:{port}/slack/events", TEAM, ALICE)
    fake.fail["upload"] = 1
    async with slack_serving(settings, coach):
        home = await reopened(fake, alice, "the Home tab, its upload failed")
        assert image_of(home) is None and "du 16 au 22 novembre" in texts_of(home)
        assert coach.store.home_chart(user_id) is None

        home = await reopened(fake, alice, "the Home tab, uploaded this time")
        [(file_id, _)] = home_uploads(fake)
        assert image_of(home)["slack_file"] == {"id": file_id}

        fake.files[file_id]["deleted"] = True  # removed in Slack: the picture is refused
        clock.now += timedelta(hours=1)
        home = await reopened(fake, alice, "the Home tab, its picture refused")
        assert image_of(home) is None and "du 16 au 22 novembre" in texts_of(home)
        assert coach.store.home_chart(user_id) is None  # forgotten, so uploaded anew:
        home = await reopened(fake, alice, "the Home tab, with a new picture")
        [_, (new, _)] = home_uploads(fake)
        assert image_of(home)["slack_file"] == {"id": new}


async def test_the_picture_of_a_member_who_deletes_their_data_is_deleted_in_slack(
        fake, coach, clock, tmp_path):
    port, settings = serving(fake, tmp_path)
    confirmed_user(coach, "slack", KEY)
    clock.now = MONDAY_NINE_PARIS
    for answer in ("point", "3", "passer", "1", "0"):
        coach.handle(Inbound("slack", KEY, text=answer))
    alice = SlackUser(fake, f"http://127.0.0.1:{port}/slack/events", TEAM, ALICE)
    async with slack_serving(settings, coach) as (_, (app, adapter)):
        await reopened(fake, alice, "the Home tab")
        [(file_id, _)] = home_uploads(fake)
        assert await adapter.delete_forgotten_files(app) == 0  # still hers, kept
        await asyncio.to_thread(alice.say, "supprimer")
        question = await eventually(lambda: [m for m in fake.messages.values()
                                             if "Supprimer définitivement" in m["text"]],
                                    what="the confirmation")
        await asyncio.to_thread(alice.press, question[0], "Oui")
        await eventually(lambda: coach.store.load_user("slack", KEY) is None,
                         what="her data deleted")
        assert not fake.files[file_id].get("deleted")
        assert await adapter.delete_forgotten_files(app) == 1  # the digest loop's round
        assert fake.files[file_id]["deleted"]
        assert coach.store.forgotten_files("slack") == []
