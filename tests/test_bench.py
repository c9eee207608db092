"""`make bench` keeps working: every part at tiny sizes, its report written (the figures
themselves are the benchmark's business, not a test's). The parts run side by side:
they mostly wait for their bots to start."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--users", "2", "--rounds", "2", "--fanout", "20", "--growth-users", "300",
        "--growth-checkins", "3000", "--slack-concurrency", "2", "--slack-rounds", "2",
        "--charts", "1", "--chatters", "1"]
TITLES = {"interview": "Interview capacity", "fanout": "Check-in fan-out",
          "growth": "Growth", "slack": "Slack", "burst": "Latency under a burst"}


def test_bench_runs_every_part_at_tiny_sizes_and_writes_its_report(tmp_path):
    runs = {part: subprocess.Popen(
        [sys.executable, "tools/bench.py", *TINY, "--only", part, "--out",
         str(tmp_path / f"{part}.md")], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE) for part in TITLES}
    for part, run in runs.items():
        _, errors = run.communicate(timeout=300)
        assert run.returncode == 0, errors.decode()[-3000:]
    reports = {part: (tmp_path / f"{part}.md").read_text() for part in TITLES}
    for part, title in TITLES.items():
        assert f"## {'12345'[list(TITLES).index(part)]}. {title}" in reports[part]
    assert "| duplicates | 0 |" in reports["fanout"] and "| misses | 0 |" in reports["fanout"]
    for part, report in reports.items():  # no update failed in any bot
        assert "Errors in the bots' logs: 0." in report, (part, report[-300:])
    assert "ConversationHandler + PicklePersistence" in reports["interview"]
    assert "durable: one commit a message" in reports["interview"]
    assert "Each bot ran 2 times, in turn" in reports["interview"]
