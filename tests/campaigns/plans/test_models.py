import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Campaign, IndicatorTargets, ReachRule, Target
from campaigns.plans.numbers import normalise_plan_number, validate_plan_number
from tests.factories.campaigns import past_campaign
from tests.factories.users import unit

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("3510/KH-UBND", "3510/KH-UBND"),
        ("Số: 3510/KH-UBND", "3510/KH-UBND"),
        (" 12 / kh - ubnd ", "12/KH-UBND"),
        ("45/KH-UBND-VX", "45/KH-UBND-VX"),
        ("08/2020/QĐ-UBND", "08/2020/QĐ-UBND"),
        ("102/QĐ-BTTTT", "102/QĐ-BTTTT"),
    ],
)
def test_plan_numbers_of_decree_30_are_accepted_and_normalised(value, normalised):
    validate_plan_number(value)
    assert normalise_plan_number(value) == normalised


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("abc", "plan_number_format"),
        ("3510KH-UBND", "plan_number_format"),
        ("3510/KH", "plan_number_format"),
        ("3510/KH-", "plan_number_format"),
        ("KH-UBND/3510", "plan_number_format"),
        ("0/KH-UBND", "plan_number_zero"),
        ("3510/XYZ-UBND", "plan_number_type"),
        ("3510/KH-UBND<script>", "plan_number_format"),
        ("3510/KH-UBND'; DROP TABLE campaigns_campaign;--", "plan_number_format"),
    ],
)
def test_malformed_plan_numbers_are_refused_with_a_message_naming_the_value(value, code):
    with pytest.raises(ValidationError) as error:
        validate_plan_number(value)
    assert error.value.code == code
    assert value.split("<")[0][:8] in str(error.value.messages[0])


@pytest.mark.django_db
def test_campaign_clean_normalises_the_plan_number_and_refuses_cycles():
    district = unit("599", current=False)
    province = Campaign.objects.create(
        name="Tỉnh",
        slug="tinh",
        unit=district,
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2022, 12, 31),
    )
    child = Campaign(
        name="Huyện",
        slug="huyen",
        unit=district,
        parent=province,
        plan_number="số: 7/kh-ubnd",
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2022, 12, 31),
    )
    child.full_clean()
    child.save()
    assert child.plan_number == "7/KH-UBND"
    province.parent = child
    with pytest.raises(ValidationError) as error:
        province.full_clean()
    assert "parent" in error.value.message_dict


@pytest.mark.django_db
def test_campaign_must_end_after_it_starts():
    campaign = Campaign(
        name="Ngược", slug="nguoc", unit=unit("599", current=False),
        starts_on=datetime.date(2022, 5, 1), ends_on=datetime.date(2022, 4, 30),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        campaign.full_clean()


@pytest.mark.django_db
def test_targets_resolve_presets_from_the_editable_setting():
    campaign = past_campaign("599", "c", datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), name="C")
    thresholds = IndicatorTargets.load()
    basic = Target(
        campaign=campaign, indicator="online_rate", preset="new_rural", deadline=datetime.date(2022, 12, 31)
    )
    advanced = Target(
        campaign=campaign, indicator="online_rate", preset="new_rural_advanced", deadline=datetime.date(2022, 12, 31)
    )
    basic.full_clean()
    assert basic.resolved_value(thresholds) == pytest.approx(0.30)
    assert advanced.resolved_value(thresholds) == pytest.approx(0.50)
    thresholds.online_rate_target = Decimal("35")
    assert basic.resolved_value(thresholds) == pytest.approx(0.35)
    count = Target(campaign=campaign, indicator="classes", value=Decimal("6"), deadline=datetime.date(2022, 12, 31))
    count.full_clean()
    assert count.resolved_value(thresholds) == 6.0
    rate = Target(
        campaign=campaign, indicator="bcci_rate", value=Decimal("12.5"), deadline=datetime.date(2022, 12, 31)
    )
    assert rate.resolved_value(thresholds) == pytest.approx(0.125)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"indicator": "online_rate", "preset": "custom", "value": None}, "value"),
        ({"indicator": "online_rate", "preset": "custom", "value": Decimal("130")}, "value"),
        ({"indicator": "classes", "preset": "new_rural", "value": None}, "preset"),
        ({"indicator": "online_rate", "preset": "custom", "value": Decimal("-1")}, "value"),
    ],
)
def test_bad_targets_are_refused(fields, field):
    campaign = past_campaign("599", "c", datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), name="C")
    target = Target(campaign=campaign, deadline=datetime.date(2022, 12, 31), **fields)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_reach_rule_needs_a_positive_minimum():
    campaign = past_campaign("599", "c", datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), name="C")
    with pytest.raises(ValidationError) as error:
        ReachRule(campaign=campaign, channel="leaflet", minimum=Decimal("0")).full_clean()
    assert "minimum" in error.value.message_dict
    with pytest.raises(ValidationError):
        ReachRule(campaign=campaign, channel="pigeon", minimum=Decimal("1")).full_clean()


@pytest.mark.django_db
def test_a_targets_units_are_stored_when_the_target_is_saved():
    # TP Bến Tre's "25 procedures for communes": the communes must survive a reload.
    campaign = past_campaign(
        "829", "bt-units", datetime.date(2020, 9, 16), datetime.date(2020, 12, 31), name="Bến Tre (kiểm thử)"
    )
    target = Target.objects.create(
        campaign=campaign, indicator="procedures_online", value=25, deadline=datetime.date(2020, 12, 15)
    )
    communes = [unit("28756", current=False), unit("28759", current=False)]
    target.units.set(communes)
    target.save()
    assert set(Target.objects.get(pk=target.pk).units.all()) == set(communes)
