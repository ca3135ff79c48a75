import datetime

from django.db import models
from django.db.models import Q


class AdministrativeUnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Units in force on ``day`` (``valid_to`` is exclusive: the first day the unit no longer exists)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        )

    def current(self):
        from django.utils import timezone

        return self.valid_on(timezone.localdate())

    def descendants_of(self, unit_ids):
        """The given units and every unit below them (at most three levels)."""
        unit_ids = list(unit_ids)
        return self.filter(Q(pk__in=unit_ids) | Q(parent_id__in=unit_ids) | Q(parent__parent_id__in=unit_ids))
