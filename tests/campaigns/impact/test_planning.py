"""The measurement plan: before launch, the smallest effect a rollout could show and a random order of reach."""

import pytest
from django.urls import reverse

from campaigns.access.roles import Role
from campaigns.impact.analysis.design import design_mde, rollout_order
from campaigns.impact.analysis.effect import EffectError
from campaigns.impact.analysis.simulation import Scenario, simulate
from campaigns.impact.report import impact_report
from campaigns.models import RolloutPlan
from tests.factories.users import UserFactory, unit

pytestmark = pytest.mark.usefixtures("catalogue")

REFUSED = (302, 403)
DESIGN = {"waves": 3, "units_per_wave": 2, "wave_gap": 2, "months_after": 6}


def test_rollout_order_is_random_reproducible_and_complete():
    units = [f"u{i}" for i in range(10)]
    order = rollout_order(units, waves=3, units_per_wave=3, seed=4)
    assert [len(wave) for wave in order] == [3, 3, 3]
    flat = [code for wave in order for code in wave]
    assert len(set(flat)) == 9 and set(flat) <= set(units)
    assert order == rollout_order(units, waves=3, units_per_wave=3, seed=4)
    assert order != rollout_order(units, waves=3, units_per_wave=3, seed=5)
    # By district: a district is never split between waves.
    districts = [i // 2 for i in range(10)]
    by_district = rollout_order(units, waves=2, units_per_wave=2, cluster=districts, seed=1)
    for wave in by_district:
        assert {districts[units.index(code)] for code in wave} and len(wave) % 2 == 0
    with pytest.raises(EffectError):
        rollout_order(units, waves=0, units_per_wave=2)


def test_design_mde_shortens_the_follow_up_to_the_history_or_refuses():
    sp = simulate(Scenario("history", units=(12, 12), months=(24, 24)), 3)
    arguments = (sp.unit, sp.time, sp.online, sp.total)
    result = design_mde(*arguments, waves=2, units_per_wave=3, wave_gap=3, months_after=30, draws=2)
    assert result["months_after_used"] == 24 - 6 - 3
    assert result["mde80"] > 0
    with pytest.raises(EffectError) as raised:
        design_mde(*arguments, waves=6, units_per_wave=1, wave_gap=4, months_after=6, draws=1)
    assert raised.value.code == "too_little_history"
    with pytest.raises(EffectError) as raised:
        design_mde(*arguments, waves=2, units_per_wave=6, wave_gap=3, months_after=6, control="never")
    assert raised.value.code == "invalid_design"


@pytest.mark.django_db
def test_leader_plans_saves_and_the_report_shows_plan_against_reach(client, imported):
    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("599", current=False)]))
    url = reverse("campaign_rollout_plan", args=[imported.pk])
    page = client.get(url, DESIGN)
    assert page.status_code == 200
    options = page.context["options"]
    assert options["mde80"] > 0 and options["units"] == 13
    assert [len(wave["units"]) for wave in options["waves"]] == [2, 2, 2]
    assert {row["waves"] for row in options["compared"]} <= {1, 2, 3, 4}
    assert "điểm" in page.content.decode() or "percentage points" in page.content.decode()
    response = client.post(url, DESIGN)
    assert response.status_code == 302
    plan = RolloutPlan.objects.get(campaign=imported)
    assert len(plan.waves) == 3 and plan.mde80 == pytest.approx(options["mde80"])
    imported.refresh_from_db()
    payload = impact_report(campaign=imported)
    rows = payload["plan"]["units"]
    planned = [row for row in rows if row["planned"]]
    assert len(planned) == 6
    # The six trained communes appear with the month they were actually reached, planned or not.
    assert {row["code"] for row in rows if row["reached"]} == {"23149", "23152", "23158", "23161", "23164", "23176"}
    report = client.get(reverse("campaign_impact", args=[imported.pk]))
    assert report.status_code == 200 and report.context["plan"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        {**DESIGN, "waves": 0},
        {**DESIGN, "units_per_wave": "ba"},
        {**DESIGN, "wave_gap": 40},
        {**DESIGN, "months_after": -1},
    ],
)
def test_bad_design_is_refused_with_a_message_and_nothing_saved(client, imported, bad):
    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("599", current=False)]))
    response = client.post(reverse("campaign_rollout_plan", args=[imported.pk]), bad)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not RolloutPlan.objects.exists()


@pytest.mark.django_db
def test_a_rollout_longer_than_the_history_gets_a_clear_message(client, imported):
    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("599", current=False)]))
    response = client.post(
        reverse("campaign_rollout_plan", args=[imported.pk]),
        {"waves": 6, "units_per_wave": 1, "wave_gap": 12, "months_after": 12},
    )
    assert response.status_code == 200
    assert "tháng" in response.context["error"] or "months" in response.context["error"]
    assert not RolloutPlan.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COMMUNICATIONS, Role.TRAINER, Role.UNIT_OFFICER])
def test_only_leaders_in_scope_plan(client, imported, role):
    client.force_login(UserFactory(role=role, scopes=[unit("599", current=False)]))
    url = reverse("campaign_rollout_plan", args=[imported.pk])
    assert client.get(url, DESIGN).status_code in REFUSED
    assert client.post(url, DESIGN).status_code in REFUSED
    assert not RolloutPlan.objects.exists()


@pytest.mark.django_db
def test_a_leader_of_another_province_is_refused(client, imported):
    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("42", current=False)]))
    url = reverse("campaign_rollout_plan", args=[imported.pk])
    assert client.get(url, DESIGN).status_code in REFUSED
    assert client.post(url, DESIGN).status_code in REFUSED
    assert not RolloutPlan.objects.exists()
