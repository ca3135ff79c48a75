from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .units import AdministrativeUnit


class Campaign(models.Model):
    """An outreach campaign (kế hoạch tuyên truyền): the frame that trainings and media belong to."""

    scope_unit_path = "unit"

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="campaigns"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The campaign must end on or after its start."),
            )
        ]

    def __str__(self):
        return self.name
