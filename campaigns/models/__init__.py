from .campaigns import Campaign
from .scopes import UserScope
from .settings import IndicatorTargets
from .statistics import DossierStatistic, DossierStatisticRevision
from .units import AdministrativeUnit, UnitSuccession

__all__ = [
    "AdministrativeUnit",
    "Campaign",
    "DossierStatistic",
    "DossierStatisticRevision",
    "IndicatorTargets",
    "UnitSuccession",
    "UserScope",
]
