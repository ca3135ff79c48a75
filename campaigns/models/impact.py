from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign


class ImpactResult(models.Model):
    """The last impact report computed for a campaign, with the fingerprint of the data it was computed from."""

    campaign = models.OneToOneField(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="impact_result"
    )
    fingerprint = models.CharField(_("data fingerprint"), max_length=64)
    payload = models.JSONField(_("report"))
    computed_at = models.DateTimeField(_("computed at"))
    duration_ms = models.PositiveIntegerField(_("computation time (ms)"), default=0)
    # The definitions (rates, report months, source precedence, window) the payload was computed with:
    # a stored report of an older method version is out of date even when the data did not change.
    method_version = models.CharField(_("method version"), max_length=20, blank=True, default="")

    class Meta:
        verbose_name = _("impact result")
        verbose_name_plural = _("impact results")

    def __str__(self):
        return str(self.campaign)
