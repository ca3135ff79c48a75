from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.plans.models import Campaign


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


class RolloutPlan(models.Model):
    """The order of reach a leader chose before launch, with the smallest effect it could detect.

    ``waves`` is ``[{"month": "2026-03", "units": ["23149", …]}, …]``; the impact report later shows it next to
    the months in which the units were actually reached.
    """

    campaign = models.OneToOneField(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rollout_plan"
    )
    waves = models.JSONField(_("waves"))
    wave_gap = models.PositiveSmallIntegerField(_("months between waves"))
    months_after = models.PositiveSmallIntegerField(_("months followed after the last wave"))
    mde80 = models.FloatField(_("smallest detectable effect"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("rollout plan")
        verbose_name_plural = _("rollout plans")
        constraints = [
            models.CheckConstraint(condition=models.Q(wave_gap__gte=1), name="rollout_plan_wave_gap_positive"),
        ]

    def __str__(self):
        return str(self.campaign)
