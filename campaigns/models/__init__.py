from .scopes import UserScope
from .statistics import DossierStatistic, DossierStatisticRevision
from .units import AdministrativeUnit, UnitSuccession

__all__ = ["AdministrativeUnit", "DossierStatistic", "DossierStatisticRevision", "UnitSuccession", "UserScope"]
