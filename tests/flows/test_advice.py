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


def test_a_sound_plan_gets_no_priority_and_only_the_standing_advice():
    priorities, others = advice.split(BASE)
    assert [a.key for a in priorities] == ["content_plan_problem"]
    assert [a.key for a in others] == ["value_unknown", "yearly_cost_per_result",
                                       "customer_messages", "website_ready", "measure"]


def test_too_many_networks_for_the_hours_names_the_ones_to_keep_and_drop():
    found = advice.focus_networks(with_(networks=["linkedin", "facebook", "x"], hours=4))
    assert (found.key, found.params["networks"], found.params["drop"]) == (
        "focus_networks", ["linkedin"], ["facebook", "x"])
    assert found.params["absent"] == ["x"]  # the audience is on LinkedIn and Facebook
    assert found.params["capacity"] == 1
    two = advice.focus_networks(with_(networks=["linkedin", "facebook", "x"], hours=6))
    assert (two.params["networks"], two.params["drop"]) == (["linkedin", "facebook"], ["x"])
    assert advice.focus_networks(with_(networks=["linkedin", "facebook"], hours=6)) is None


def test_a_network_where_the_audience_is_not_is_dropped():
    found = advice.focus_networks(with_(networks=["linkedin", "tiktok"], hours=8))
    assert found.params["networks"] == ["linkedin"] and found.params["absent"] == ["tiktok"]
    assert advice.focus_networks(BASE) is None


def test_no_chosen_network_where_the_audience_is_suggests_where_it_is():
    found = advice.focus_networks(with_(networks=["tiktok"], hours=4))
    assert found.key == "switch_networks" and found.params["networks"] == ["linkedin"]


def test_unknown_audience_asks_to_find_out_instead_of_judging_networks():
    answers = with_(audience_networks=["unknown"], networks=["tiktok"])
    assert "audience_unknown" in keys(answers)
    assert "switch_networks" not in keys(answers)
    assert "focus_networks" not in keys(answers)


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


def test_customer_messages_for_shops_unless_service_is_the_objective():
    shop = with_(business_kind="local", audience_type="b2c")
    assert advice.customer_messages(shop) is not None
    assert advice.customer_messages({**shop, "objective": {"choice": "service"}}) is None
    assert advice.customer_messages(with_(business_kind="b2b")) is None


def test_content_plan_quotes_the_customer_problem_when_known():
    assert advice.content_plan(BASE).params == {"problem": "pas le temps"}
    answers = dict(BASE)
    del answers["problem"]
    assert advice.content_plan(answers).key == "content_plan"


def test_a_target_out_of_reach_of_the_hours_gets_a_realistic_first_figure():
    answers = with_(target={"text": "20 nouveaux clients par mois", "number": 20,
                            "period": "month", "horizon": True}, hours=2)
    found = advice.target_out_of_reach(answers)
    assert found.params["realistic"] == 4  # 2 h a week: 8.7 h a month, half a result an hour
    assert advice.split(answers)[0][0].key == "target_out_of_reach"
    assert advice.target_out_of_reach(BASE) is None  # 10 a month on 4 h a week


def test_break_even_needs_the_value_of_a_result():
    monthly = (4 * advice.WEEKS_PER_YEAR * 40 + 10000) / 12
    assert advice.break_even(BASE).key == "value_unknown"
    covered = advice.break_even(with_(result_value=2000))
    assert covered.key == "break_even_covered"
    assert covered.params["needed"] == -(-monthly // 2000)
    short = advice.break_even(with_(result_value=100))
    assert short.key == "break_even_not_covered" and short.params["needed"] == 15
    assert short.priority
    no_rate = advice.break_even(with_(result_value=100, target=None))
    assert no_rate.key == "break_even"


LOCAL_BAKERY = {
    "objective": {"choice": "leads"},
    "target": {"text": "30 commandes par mois", "number": 30, "period": "month",
               "horizon": True},
    "audience_type": "b2c", "customer": "familles du quartier", "problem": "gâteaux",
    "audience_networks": ["facebook", "instagram"], "business_kind": "local",
    "networks": ["facebook", "instagram", "tiktok"], "champion": "moi", "hours": 3,
    "hourly_cost": 25, "budget": {"yearly": 600}, "result_value": 25,
}
B2B_CONSULTANT = {
    "objective": {"choice": "leads"},
    "target": {"text": "2 missions par mois", "number": 2, "period": "month",
               "horizon": True},
    "audience_type": "b2b", "customer": "dirigeants de PME", "problem": "recrutement",
    "audience_networks": ["linkedin"], "business_kind": "b2b", "networks": ["linkedin"],
    "champion": "moi", "hours": 4, "hourly_cost": 80, "budget": {"yearly": 0},
    "result_value": 5000,
}
ONLINE_SHOP = {
    "objective": {"choice": "leads"},
    "target": {"text": "40 commandes par mois", "number": 40, "period": "month",
               "horizon": True},
    "audience_type": "b2c", "customer": "amateurs de thé", "audience_networks":
    ["instagram", "pinterest"], "business_kind": "online", "networks": ["instagram"],
    "champion": "Léa, notre alternante", "hours": 6, "hourly_cost": 20,
    "budget": {"yearly": 1200},
}
OTHER = {
    "objective": {"choice": "recruiting"}, "audience_type": "both",
    "customer": "jeunes diplômés", "audience_networks": ["unknown"],
    "business_kind": "other", "networks": ["facebook", "linkedin", "tiktok"],
    "champion": "l'agence Pixel", "hours": 1.5, "budget": {"yearly": 0},
}


@pytest.mark.parametrize("answers, must, must_not", [
    (LOCAL_BAKERY, {"local_google_profile", "focus_networks"},
     {"b2b_outreach", "online_product_pages", "b2b_outreach_no_linkedin"}),
    (B2B_CONSULTANT, {"b2b_outreach"},
     {"local_google_profile", "online_product_pages", "focus_networks", "customer_messages",
      "local_prospecting"}),
    (ONLINE_SHOP, {"online_product_pages", "learner"},
     {"local_google_profile", "b2b_outreach", "website_ready", "outsourced"}),
    (OTHER, {"no_target", "audience_unknown", "outsourced", "irregular"},
     {"local_google_profile", "b2b_outreach", "online_product_pages", "learner"}),
], ids=["local bakery", "b2b consultant", "online shop", "other"])
def test_each_kind_of_business_gets_its_own_advice(answers, must, must_not):
    found = set(keys(answers))
    assert must <= found
    assert not found & must_not


def test_priorities_are_at_most_three_in_order_of_impact():
    priorities, others = advice.split(OTHER)
    assert [a.key for a in priorities] == ["no_target", "focus_networks", "audience_unknown"]
    assert {"outsourced", "irregular"} <= {a.key for a in others}


def test_a_good_choice_gets_one_acknowledgement():
    assert advice.acknowledgement(B2B_CONSULTANT).key == "ack.networks"
    bakery = {**LOCAL_BAKERY, "networks": ["google_business", "facebook"]}
    assert advice.acknowledgement(bakery).key == "ack.google_profile"
    assert advice.acknowledgement(OTHER) is None
