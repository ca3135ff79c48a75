"""Reads for statistics: querysets and plain rows, scoped through campaigns.access.permissions."""

import datetime

from django.db.models import QuerySet

from campaigns.access import permissions
from campaigns.statistics.models import DossierStatistic
from campaigns.units import areas
from campaigns.units.models import AdministrativeUnit


def statistics_for_export(
    *,
    user=None,
    scope: AdministrativeUnit | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet:
    """Statistics in a unit's area (the unit, every unit below it and its predecessors) and a period."""
    queryset = DossierStatistic.objects.select_related("unit").order_by("period_start", "unit__code", "source")
    if user is not None:
        queryset = permissions.filter_for_user(user, queryset, permissions.VIEW)
    if scope is not None:
        queryset = queryset.filter(unit_id__in=areas.scope_ids([scope.pk]))
    if start is not None:
        queryset = queryset.filter(period_start__gte=start)
    if end is not None:
        queryset = queryset.filter(period_end__lte=end)
    return queryset
