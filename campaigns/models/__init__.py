from .campaigns import Campaign, ReachRule, ReportedFigure, Target
from .impact import ImpactResult, RolloutPlan
from .scopes import UserScope
from .settings import IndicatorTargets
from .statistics import DossierStatistic, DossierStatisticRevision, StatisticSource
from .units import AdministrativeUnit, UnitSuccession

__all__ = [
    "AdministrativeUnit",
    "Campaign",
    "DossierStatistic",
    "DossierStatisticRevision",
    "ImpactResult",
    "IndicatorTargets",
    "ReachRule",
    "ReportedFigure",
    "RolloutPlan",
    "StatisticSource",
    "Target",
    "UnitSuccession",
    "UserScope",
]
