from campaigns.access.models import UserScope
from campaigns.impact.models import ImpactResult, RolloutPlan
from campaigns.plans.models import Campaign, ReachRule, ReportedFigure, Target
from campaigns.statistics.indicator_targets import IndicatorTargets
from campaigns.statistics.models import (
    DossierStatistic,
    DossierStatisticRevision,
    NationalMonthFigure,
    StatisticSource,
    UnitMonthFigure,
)
from campaigns.units.models import AdministrativeUnit, UnitSuccession

__all__ = [
    "AdministrativeUnit",
    "Campaign",
    "DossierStatistic",
    "DossierStatisticRevision",
    "ImpactResult",
    "NationalMonthFigure",
    "IndicatorTargets",
    "ReachRule",
    "ReportedFigure",
    "RolloutPlan",
    "StatisticSource",
    "Target",
    "UnitMonthFigure",
    "UnitSuccession",
    "UserScope",
]
