from django.urls import reverse
from wagtail.admin.ui.components import Component

from campaigns.access import permissions
from campaigns.core.formatting import percent_vi
from campaigns.statistics.dashboard import dashboard_roots, latest_month
from campaigns.statistics.indicators import monthly_online_rates
from campaigns.statistics.models import DossierStatistic
from campaigns.units.areas import area_for

MAX_UNITS = 5


class ScopeRatesPanel(Component):
    """Admin home: the latest month's online rate for each unit in the user's scope (at most five)."""

    name = "scope_rates"
    template_name = "campaigns/home_panel.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        items = []
        # Unrestricted users (administrators) have no area of their own: they pick one on the dashboard.
        unrestricted = permissions.scope_unit_ids(self.user) is None
        roots = [] if unrestricted else dashboard_roots(self.user)
        for unit in roots[:MAX_UNITS]:
            area = area_for(unit)
            month = latest_month(area)
            points = monthly_online_rates(area, month, month) if month else []
            point = points[-1] if points else None
            items.append({"unit": unit, "point": point, "rate": percent_vi(point.rate.value) if point else "—"})
        return {"items": items, "dashboard_url": reverse("statistics_dashboard"), "unrestricted": unrestricted}


def panel_for(user):
    if permissions.has_model_permission(user, permissions.VIEW, DossierStatistic):
        return ScopeRatesPanel(user)
    return None
