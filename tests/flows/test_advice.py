"""Advice rules: each fires when its situation is in the answers, and only then."""

import pytest

from flows import advice

BASE = {
    "objective": {"choice": "leads"},
    "target": {"text": "10 devis par mois", "number": 10, "period": "month", "horizon": True},
    "audience_type": "b2b", "customer": "restaurants", "problem": "pas le temps",
    "audience_networks": ["linkedin", "facebook"], "networks": ["linkedin"],
    "champion": "Julie", "hours": 4, "hourly_cost": 40, "budget": {"yearly": 10000},
}


def keys(answers):
    return [a.key for a in advice.recommendations(answers)]


def with_(**changes):
    return {**BASE, **changes}


def test_a_sound_plan_gets_only_the_standing_advice():
    assert keys(BASE) == ["yearly_cost_per_result", "service_questions",
                          "content_plan_problem", "website_ready", "measure"]


def test_too_many_networks_for_the_hours():
    found = advice.too_many_networks(with_(networks=["linkedin", "facebook", "x"], hours=4))
    assert found.params["per_network"] == pytest.approx(4 / 3)
    assert advice.too_many_networks(with_(networks=["linkedin", "facebook"], hours=6)) is None


def test_a_network_where_the_audience_is_not():
    found = advice.audience_not_there(with_(networks=["linkedin", "tiktok"]))
    assert found.params["networks"] == ["tiktok"]
    assert advice.audience_not_there(BASE) is None


def test_unknown_audience_asks_to_find_out_instead_of_judging_networks():
    answers = with_(audience_networks=["unknown"], networks=["tiktok"])
    assert "audience_unknown" in keys(answers)
    assert "audience_not_there" not in keys(answers)


def test_no_measurable_target():
    answers = dict(BASE)
    del answers["target"]
    assert keys(answers)[0] == "no_target"
    assert "yearly_cost" in keys(answers)  # cost without a per-result figure


def test_target_without_horizon():
    target = {"text": "50 clients", "number": 50, "period": None, "horizon": False}
    assert advice.no_horizon(with_(target=target)).params == {"target": "50 clients"}


@pytest.mark.parametrize("champion", ["Julie et Marc", "Julie, Marc", "Julie & Marc",
                                      "Julie and Marc"])
def test_several_champions(champion):
    assert advice.several_champions(with_(champion=champion)) is not None


@pytest.mark.parametrize("champion", ["notre agence", "un freelance", "l'agence Pixel",
                                      "a social media agency", "un prestataire externe"])
def test_an_outside_champion_gets_the_outsourcing_warning_only(champion):
    assert advice.outsourced(with_(champion=champion)) is not None
    assert advice.learner(with_(champion=champion)) is None


@pytest.mark.parametrize("champion", ["le stagiaire", "mon apprenti", "l'apprentie",
                                      "une alternante", "Léa, notre alternante",
                                      "our intern", "a student", "mon stagiaire"])
def test_a_learner_gets_the_skills_warning_not_the_agency_one(champion):
    assert advice.learner(with_(champion=champion)) is not None
    assert advice.outsourced(with_(champion=champion)) is None
    assert advice.several_champions(with_(champion=champion)) is None


@pytest.mark.parametrize("champion", ["Marie, la gérante", "moi, la gérante",
                                      "me, the founder", "Paul (mon associé)", "moi"])
def test_one_person_with_a_role_gets_no_champion_warning(champion):
    answers = with_(champion=champion)
    assert [a for a in (advice.several_champions(answers), advice.outsourced(answers),
                        advice.learner(answers)) if a] == []


def test_cost_of_the_plan_against_the_objective():
    found = advice.yearly_cost(BASE)
    time_cost = 4 * advice.WEEKS_PER_YEAR * 40
    assert found.params["time_cost"] == time_cost
    assert found.params["total"] == time_cost + 10000
    assert found.params["results"] == 120
    assert found.params["per_result"] == pytest.approx((time_cost + 10000) / 120)


def test_cost_uses_a_default_rate_and_says_so():
    answers = dict(BASE)
    del answers["hourly_cost"]
    found = advice.yearly_cost(answers)
    assert found.params["rate"] == advice.DEFAULT_HOURLY_COST
    assert found.params["rate_is_default"] is True


def test_budget_below_the_cost_of_the_hours():
    found = advice.budget_below_time(with_(budget={"yearly": 0}))
    assert found.params == {"budget": 0, "time_cost": 4 * advice.WEEKS_PER_YEAR * 40}
    assert advice.budget_below_time(BASE) is None


def test_irregular_presence_under_two_hours():
    assert advice.irregular(with_(hours=1.5)) is not None
    assert advice.irregular(BASE) is None


def test_service_questions_unless_service_is_the_objective():
    assert advice.service_questions(with_(objective={"choice": "service"})) is None
    assert advice.service_questions(BASE) is not None


def test_content_plan_quotes_the_customer_problem_when_known():
    assert advice.content_plan(BASE).params == {"problem": "pas le temps"}
    answers = dict(BASE)
    del answers["problem"]
    assert advice.content_plan(answers).key == "content_plan"
