from .campaigns import Campaign, ReachRule, Target
from .impact import ImpactResult, RolloutPlan
from .scopes import UserScope
from .settings import IndicatorTargets
from .statistics import DossierStatistic, DossierStatisticRevision
from .units import AdministrativeUnit, UnitSuccession

__all__ = [
    "AdministrativeUnit",
    "Campaign",
    "DossierStatistic",
    "DossierStatisticRevision",
    "ImpactResult",
    "IndicatorTargets",
    "ReachRule",
    "RolloutPlan",
    "Target",
    "UnitSuccession",
    "UserScope",
]
