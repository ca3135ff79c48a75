from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_scoping import ScopedPermissionPolicy
from .models import AdministrativeUnit
from .viewsets import AdministrativeUnitsGroup, unit_chooser_viewset

register_permission_policy(AdministrativeUnit, ScopedPermissionPolicy(AdministrativeUnit))


@hooks.register("register_admin_viewset")
def register_units_viewsets():
    return [AdministrativeUnitsGroup(), unit_chooser_viewset]
