"""The terminal chat as a real subprocess over stdin/stdout: killed mid-interview, resumed."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import storage
from flows.i18n import money
from tests.flows.build_messages import FULL_INTERVIEW

ROOT = Path(__file__).resolve().parents[2]


class Console:
    """`python bot.py console` with helpers to type a line and wait for some text."""

    def __init__(self, database: Path) -> None:
        env = {**os.environ, "COACH_DATABASE": str(database), "COACH_LANGUAGE": "fr",
               "PYTHONUNBUFFERED": "1", "TELEGRAM_BOT_TOKEN": "", "SLACK_BOT_TOKEN": ""}
        self.process = subprocess.Popen(
            [sys.executable, "bot.py", "console"], cwd=ROOT, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.output = ""
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for chunk in iter(lambda: self.process.stdout.read(1), ""):
            with self._lock:
                self.output += chunk

    def expect(self, text: str, timeout: float = 15) -> str:
        """Wait until `text` has been printed; return everything printed so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if text in self.output:
                    return self.output
            time.sleep(0.02)
        raise AssertionError(f"{text!r} never came; got:\n{self.output[-2000:]}")

    def type(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def answer(self, line: str, then_expect: str) -> None:
        self.type(line)
        self.expect(then_expect)

    def close(self) -> int:
        self.process.stdin.close()
        return self.process.wait(timeout=15)


QUESTION_TEXTS = [
    "Quel résultat chiffré visez-vous", "Qui sont vos clients ?", "Décrivez votre client idéal",
    "Quel est son principal problème", "Où vos clients passent-ils du temps en ligne ?",
    "Quel genre d'activité", "Sur quels réseaux voulez-vous être présent ?",
    "Qui sera responsable", "Combien d'heures par semaine", "Combien coûte une heure",
    "Quel budget annuel", "combien vous rapporte en moyenne", "Votre stratégie réseaux sociaux",
]


@pytest.fixture
def database(tmp_path):
    return tmp_path / "coach.db"


def test_killed_mid_interview_then_resumed_and_finished(database):
    console = Console(database)
    console.expect("1/5 · POURQUOI")
    for answer, next_text in list(zip(FULL_INTERVIEW, QUESTION_TEXTS))[:5]:
        console.answer(answer, next_text)
    console.process.send_signal(signal.SIGKILL)
    console.process.wait(timeout=10)

    console = Console(database)
    output = console.expect("Re-bonjour")
    console.expect(QUESTION_TEXTS[4])
    assert "Où vos clients passent-ils" in output.split("Re-bonjour", 1)[1]
    for answer, next_text in list(zip(FULL_INTERVIEW, QUESTION_TEXTS))[5:]:
        console.answer(answer, next_text)
    console.expect("1. Valider le plan")
    assert console.close() == 0
    assert "À bientôt" in console.output

    db = storage.open_database(str(database))
    user = next(db["users"].rows)
    answers = storage.load_user(db, "console", user["platform_user_id"]).answers
    assert user["state"] == "showing_plan"
    assert answers["customer"] == FULL_INTERVIEW[3]
    assert answers["networks"] == ["linkedin", "tiktok"]
    assert answers["budget"] == {"yearly": 2400.0, "monthly": 200.0}
    assert f"budget {money('fr', 2400)} par an" in console.output


def test_options_are_numbered_and_several_numbers_are_accepted(database):
    console = Console(database)
    output = console.expect("Répondez par un numéro.")
    assert "  2. Trouver des clients (contacts, ventes)" in output
    for answer, next_text in list(zip(FULL_INTERVIEW, QUESTION_TEXTS))[:5]:
        console.answer(answer, next_text)
    console.expect("par exemple « 1,3 »")
    console.answer("1 3", "Quel genre d'activité")
    console.close()


def test_ctrl_d_and_ctrl_c_say_goodbye_and_keep_the_answers(database):
    console = Console(database)
    console.expect("1/5 · POURQUOI")
    console.answer("2", QUESTION_TEXTS[0])
    assert console.close() == 0
    assert "À bientôt" in console.output

    console = Console(database)
    console.expect(QUESTION_TEXTS[0])
    console.process.send_signal(signal.SIGINT)
    assert console.process.wait(timeout=10) == 0
    console.expect("À bientôt")
    assert "Traceback" not in console.output


def test_bad_input_gets_a_reask_not_a_traceback(database):
    console = Console(database)
    console.expect("1/5 · POURQUOI")
    for line, expected in [("", "Je n'ai rien reçu"), ("🙂", "pas trouvé de mots"),
                           ("42", "de 1 à 6"), ("x" * 10000, "caractères")]:
        console.answer(line, expected)
    console.close()
    assert "Traceback" not in console.output


def test_a_checkin_due_while_closed_is_shown_at_start_and_answered(tmp_path):
    import getpass
    from datetime import datetime, timedelta, timezone

    from flows.coach import Coach
    from flows.messages import Choice, Inbound
    from flows.render import PLAN_CONFIRM, PLAN_PROMPT
    from storage import checkins

    db = storage.open_database(str(tmp_path / "coach.db"))
    coach, me = Coach(storage.SqliteStore(db), "fr"), getpass.getuser()
    for answer in FULL_INTERVIEW:
        coach.handle(Inbound("console", me, text=answer))
    coach.handle(Inbound("console", me, choice=Choice(PLAN_PROMPT, (PLAN_CONFIRM,))))
    user_id = storage.load_user(db, "console", me).id
    schedule, _ = checkins.load_schedule(db, user_id)
    checkins.save_schedule(db, user_id, schedule,
                           datetime.now(timezone.utc) - timedelta(seconds=30))
    console = Console(tmp_path / "coach.db")
    console.expect("C'est l'heure du point de la semaine")
    for line, expected in [("3", "se répartissent"), ("passer", "Combien de demandes"),
                           ("1", "chiffre d'affaires"), ("0", "Graphique enregistré")]:
        console.type(line)
        console.expect(expected)
    assert (tmp_path / "coach-chart.png").read_bytes().startswith(b"\x89PNG")
    written = ["coach-chart.png", "coach.db", "coach.db-wal", "coach.db-shm"]
    assert {name: oct(stat.S_IMODE((tmp_path / name).stat().st_mode)) for name in written
            } == dict.fromkeys(written, "0o600")  # nobody else on the machine reads them
    console.close()


def test_delete_also_removes_the_chart_saved_beside_the_database(database):
    chart = database.parent / "coach-chart.png"
    chart.write_bytes(b"\x89PNG old chart")
    console = Console(database)
    console.expect("1/5 · POURQUOI")
    console.answer("supprimer", "Supprimer définitivement")
    assert chart.exists()
    console.answer("oui", "C'est fait")
    assert console.close() == 0
    assert not chart.exists()
    assert "Traceback" not in console.output


def test_the_plan_as_a_pdf_is_saved_beside_the_database_and_deleted_with_the_data(database):
    document = database.parent / "coach-plan.pdf"
    console = Console(database)
    console.expect("1/5 · POURQUOI")
    for answer in FULL_INTERVIEW:
        console.type(answer)
    console.expect("Votre stratégie réseaux sociaux")
    console.answer("plan pdf", "Plan enregistré")
    assert document.read_bytes().startswith(b"%PDF")
    console.answer("supprimer", "Supprimer définitivement")
    console.answer("oui", "C'est fait")
    assert console.close() == 0
    assert not document.exists()
    assert "Traceback" not in console.output
