from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .units import AdministrativeUnit

# Every count a statistic carries, in the order of the import / export columns.
COUNT_FIELD_NAMES = (
    "received_online",
    "received_online_full",
    "received_direct",
    "received_postal",
    "carried_over",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_in_time",
    "pending_overdue",
    "results_postal",
    "paid_online",
    "digitized",
)
REQUIRED_COUNT_FIELDS = ("received_online", "received_direct")


class DossierStatistic(models.Model):
    """Dossier counts of one unit for one period from one source. Rates are computed, never stored."""

    scope_unit_path = "unit"

    # No index of its own: the unique constraint below starts with the unit and serves its lookups.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="statistics",
        db_index=False,
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    source = models.CharField(_("data source"), max_length=100, blank=True, default="")

    received_online = models.PositiveIntegerField(_("received online"))
    received_online_full = models.PositiveIntegerField(_("of which full-process online"), null=True, blank=True)
    received_direct = models.PositiveIntegerField(_("received in person"))
    received_postal = models.PositiveIntegerField(_("received by post (BCCI)"), null=True, blank=True)
    carried_over = models.PositiveIntegerField(_("carried over"), null=True, blank=True)
    resolved_early = models.PositiveIntegerField(_("resolved early"), null=True, blank=True)
    resolved_on_time = models.PositiveIntegerField(_("resolved on time"), null=True, blank=True)
    resolved_late = models.PositiveIntegerField(_("resolved late"), null=True, blank=True)
    pending_in_time = models.PositiveIntegerField(_("pending, in time"), null=True, blank=True)
    pending_overdue = models.PositiveIntegerField(_("pending, overdue"), null=True, blank=True)
    results_postal = models.PositiveIntegerField(_("results returned by post"), null=True, blank=True)
    paid_online = models.PositiveIntegerField(_("paid online"), null=True, blank=True)
    digitized = models.PositiveIntegerField(_("digitised"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dossier statistic")
        verbose_name_plural = _("dossier statistics")
        ordering = ["-period_start", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end", "source"],
                name="statistic_unit_period_source_unique",
                violation_error_message=_("This unit already has figures for this period from this source."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="statistic_period_end_after_start",
                violation_error_message=_("The period must end on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(received_online_full__isnull=True) | Q(received_online_full__lte=F("received_online")),
                name="statistic_full_online_within_online",
                violation_error_message=_("Full-process online dossiers cannot exceed online dossiers."),
            ),
        ]
        indexes = [models.Index(fields=["period_start", "unit"], name="statistic_period_unit_idx")]

    def __str__(self):
        return f"{self.unit} {self.period_start:%m/%Y} {self.source}".strip()


class DossierStatisticRevision(models.Model):
    """The values a statistic had before an import or an edit changed them."""

    statistic = models.ForeignKey(
        DossierStatistic, verbose_name=_("statistic"), on_delete=models.CASCADE, related_name="revisions"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    origin = models.CharField(_("origin"), max_length=255, blank=True, help_text=_("File name or screen."))
    old_values = models.JSONField(_("old values"))
    new_values = models.JSONField(_("new values"))

    class Meta:
        verbose_name = _("statistic revision")
        verbose_name_plural = _("statistic revisions")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.statistic} @ {self.changed_at:%d/%m/%Y %H:%M}"
