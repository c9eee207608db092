"""A small run of tools/loadtest.py: 20 users, 2 workers, one SIGKILL, on PostgreSQL.

A fifth of the users send bursts, posted as Telegram delivers one chat's updates (one
after the other, each once the previous call answered), and the check-in wave is left
out (the scheduler needs up to 30 s a round), so the run takes about 15 s. The kill
comes once 100 of the 300 answers were taken, not after some seconds: a fast machine
finishes the interviews in under 2 s. Skipped, with the reason, when PostgreSQL cannot
start here.
"""

from __future__ import annotations

import pytest

from tools import loadtest


def test_a_small_load_with_one_kill_loses_no_answer(tmp_path):
    report = tmp_path / "scale.md"
    params = loadtest.parse_args([
        "--users", "20", "--workers", "2", "--max-kills", "1", "--kill-after", "100",
        "--burst-share", "0.2", "--no-checkins", "--deadline", "45",
        "--report", str(report), "--workdir", str(tmp_path / "run")])
    try:
        outcome = loadtest.execute(params)
    except loadtest.PostgresUnavailable as error:
        pytest.skip(str(error))

    assert outcome.stats.kills == 1
    assert outcome.stats.bursts >= 1  # the seed picks some of the 20 users
    assert not outcome.stats.deadline_hit
    assert outcome.results.wrong_examples == []
    assert outcome.results.wrong_users == []
    assert outcome.results.unfinished_users == 0
    assert outcome.results.duplicate_processed == 0
    # the answers asked again (their question not yet seen, or its send not known to
    # have arrived) were retyped
    assert outcome.results.processed_rows == outcome.results.updates_answered == (
        20 * 15 + outcome.stats.burst_reasks + outcome.stats.single_reasks)
    assert outcome.results.lost_updates == 0
    assert outcome.code == 0
    assert report.read_text().startswith("# Scale")
    assert "| users whose final answers are wrong | 0 |" in report.read_text()


def test_a_checkin_sent_again_after_a_kill_is_counted_and_one_queued_twice_fails():
    """One row sent again after a kill between its send and its mark is the
    at-least-once window (counted in the report); a check-in queued twice for one user,
    or more rows sent again than there were kills, is a sender's fault."""
    def code(kills: int, leader_kills: int, **found) -> int:
        return loadtest.exit_code(loadtest.Stats(kills=kills, leader_kills=leader_kills),
                                  loadtest.Results(**found))
    assert code(10, 1, checkin_once=999, checkin_resent=1) == 0
    assert code(10, 1, checkin_resent=11) == 0
    assert code(10, 1, checkin_resent=12) == 1
    assert code(10, 1, checkin_twice=1) == 1
    assert code(0, 0, checkin_resent=1) == 1
