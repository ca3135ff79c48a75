from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def _percent_field(verbose_name, default: Decimal, help_text) -> models.DecimalField:
    """A threshold in per cent, 0 to 100 with two decimals."""
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, default=default, validators=PERCENT, help_text=help_text
    )


@register_setting(icon="success")
class IndicatorTargets(BaseGenericSetting):
    """Thresholds used where a unit has no target of its own (editable, not hard-coded)."""

    online_rate_target = _percent_field(
        _("online rate target (%)"),
        Decimal("30"),
        _("New-rural commune criterion: at least 30 % of dossiers received online."),
    )
    online_rate_advanced = _percent_field(
        _("advanced online rate target (%)"), Decimal("50"), _("Advanced new-rural commune criterion: at least 50 %.")
    )

    class Meta:
        verbose_name = _("indicator targets")

    @property
    def online_target_fraction(self) -> float:
        return float(self.online_rate_target) / 100
