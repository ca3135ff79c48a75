"""Campaigns with their targets and reach rules."""

import datetime
from decimal import Decimal

import factory

from campaigns.plans.models import Campaign, ReachRule, Target

from .units import AdministrativeUnitFactory
from .users import unit


class CampaignFactory(factory.django.DjangoModelFactory):
    """A province's plan for the second half of 2025 (pass ``unit``; scope_units and targets are optional)."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kế hoạch tuyên truyền dịch vụ công trực tuyến số {n}")
    slug = factory.Sequence(lambda n: f"ke-hoach-{n}")
    unit = factory.SubFactory(AdministrativeUnitFactory)
    starts_on = datetime.date(2025, 7, 1)
    ends_on = datetime.date(2025, 12, 31)
    plan_number = factory.Sequence(lambda n: f"{n + 1}/KH-UBND")

    @factory.post_generation
    def scope_units(self, create, extracted, **kwargs):
        if extracted:
            self.scope_units.set(extracted)


class ReachRuleFactory(factory.django.DjangoModelFactory):
    """A unit is reached in a month with at least one training class."""

    class Meta:
        model = ReachRule

    campaign = factory.SubFactory(CampaignFactory)
    channel = "training"
    minimum = Decimal("1")


class TargetFactory(factory.django.DjangoModelFactory):
    """50 % of dossiers online by the end of the campaign, for the whole campaign (pass ``units`` for some)."""

    class Meta:
        model = Target
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    indicator = "online_rate"
    preset = "custom"
    value = Decimal("50")
    deadline = factory.LazyAttribute(lambda target: target.campaign.ends_on)

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if extracted:
            self.units.set(extracted)


def past_campaign(
    code: str, slug: str, starts_on: datetime.date, ends_on: datetime.date, *, name: str, **fields
) -> Campaign:
    """A campaign run before the 2025 merger, in the unit ``code`` as it was then (name and dates as the plan says)."""
    return Campaign.objects.create(
        name=name, slug=slug, unit=unit(code, current=False), starts_on=starts_on, ends_on=ends_on, **fields
    )


def campaign_of_2026(code: str, slug: str, *, name: str) -> Campaign:
    """A campaign over the whole of 2026 in today's unit ``code``."""
    return Campaign.objects.create(
        name=name, slug=slug, unit=unit(code), starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31)
    )


def hanoi_2022() -> Campaign:
    """Hà Nội 2022: a target of 50 % online, 13 % reported at the conference that opened the campaign."""
    campaign = past_campaign(
        "01", "hn-test", datetime.date(2022, 8, 25), datetime.date(2022, 12, 31), name="Hà Nội 2022 (kiểm thử)"
    )
    Target.objects.create(
        campaign=campaign,
        indicator="online_rate",
        value=50,
        deadline=datetime.date(2022, 12, 31),
        reported_value=13,
        reported_on=datetime.date(2022, 8, 25),
        reported_source="Hội nghị",
    )
    return campaign


def tanh_linh_2022(slug: str, ends_on: datetime.date, *, name: str, months=((1, 10), (6, 60))) -> Campaign:
    """Huyện Tánh Linh from 01/01/2022, with 100 dossiers in each of ``months`` (month, how many online)."""
    from campaigns.statistics.models import DossierStatistic

    campaign = past_campaign("599", slug, datetime.date(2022, 1, 1), ends_on, name=name)
    for month, online in months:
        DossierStatistic.objects.create(
            unit=campaign.unit,
            period_start=datetime.date(2022, month, 1),
            # A whole calendar month (a period to the 28th would be no report month).
            period_end=datetime.date(2022, month + 1, 1) - datetime.timedelta(days=1),
            received_online=online,
            received_direct=100 - online,
        )
    return campaign


def management_form(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    """The hidden counters Django's formset ``prefix`` posts with the campaign form."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
