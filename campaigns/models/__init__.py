from .scopes import UserScope
from .units import AdministrativeUnit, UnitSuccession

__all__ = ["AdministrativeUnit", "UnitSuccession", "UserScope"]
