from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


@register_setting(icon="success")
class IndicatorTargets(BaseGenericSetting):
    """Thresholds used where a unit has no target of its own (editable, not hard-coded)."""

    online_rate_target = models.DecimalField(
        _("online rate target (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=PERCENT,
        help_text=_("New-rural commune criterion: at least 30 % of dossiers received online."),
    )
    online_rate_advanced = models.DecimalField(
        _("advanced online rate target (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=PERCENT,
        help_text=_("Advanced new-rural commune criterion: at least 50 %."),
    )

    class Meta:
        verbose_name = _("indicator targets")

    @property
    def online_target_fraction(self) -> float:
        return float(self.online_rate_target) / 100
