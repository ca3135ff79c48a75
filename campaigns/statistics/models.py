import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from campaigns.core.months import PeriodKind, classify_period, period_label
from campaigns.units.models import AdministrativeUnit, unit_link

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
    "received_direct_or_postal",
)
# Received online is always required; in person is required unless the source gives the combined
# "Trực tiếp, dịch vụ bưu chính" count instead (then in person and by post are unknown separately).
REQUIRED_COUNT_FIELDS = ("received_online",)


class DossierStatistic(models.Model):
    """Dossier counts of one unit for one period from one source. Rates are computed, never stored."""

    scope_unit_path = "unit"

    # No index of its own: the unique constraint below starts with the unit and serves its lookups.
    unit = unit_link("statistics", db_index=False)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    source = models.CharField(_("data source"), max_length=100, blank=True, default="")

    received_online = models.PositiveIntegerField(_("received online"))
    received_online_full = models.PositiveIntegerField(_("of which full-process online"), null=True, blank=True)
    received_direct = models.PositiveIntegerField(_("received in person"), null=True, blank=True)
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
    received_direct_or_postal = models.PositiveIntegerField(
        _("received in person or by post (combined)"),
        null=True,
        blank=True,
        help_text=_(
            'Only when the source joins them ("Trực tiếp, dịch vụ bưu chính"): in person and by post are then '
            "unknown separately."
        ),
    )

    # Derived from the period by the import and the hand-entry form (campaigns.core.months).
    period_kind = models.CharField(
        _("kind of period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH, editable=False
    )
    report_month = models.DateField(_("report month"), null=True, blank=True, editable=False)
    # Exactly one source counts per unit and report month (or period); set by the source precedence.
    is_counted = models.BooleanField(_("counts"), default=True, editable=False)

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
                condition=Q(received_direct__isnull=False) | Q(received_direct_or_postal__isnull=False),
                name="statistic_direct_or_combined_present",
                violation_error_message=_(
                    "Give the dossiers received in person, or the combined in-person and postal count."
                ),
            ),
            models.CheckConstraint(
                condition=Q(received_online_full__isnull=True) | Q(received_online_full__lte=F("received_online")),
                name="statistic_full_online_within_online",
                violation_error_message=_("Full-process online dossiers cannot exceed online dossiers."),
            ),
        ]
        indexes = [
            models.Index(fields=["period_start", "unit"], name="statistic_period_unit_idx"),
            models.Index(fields=["report_month", "unit"], name="statistic_report_month_idx"),
        ]

    def __str__(self):
        return f"{self.unit} {self.period_label} {self.source}".strip()

    def save(self, *args, **kwargs):
        # The kind of period and the report month follow from the period (one calendar for every read).

        start, end = self.period_start, self.period_end
        if isinstance(start, str) or isinstance(end, str):
            start, end = datetime.date.fromisoformat(str(start)), datetime.date.fromisoformat(str(end))
        if start and end:
            self.period_kind, self.report_month = classify_period(start, end)
        super().save(*args, **kwargs)

    @property
    def period_label(self) -> str:

        return period_label(self.period_kind, self.period_start, self.period_end, self.report_month)


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


class StatisticSource(models.Model):
    """The order in which sources count when a unit and report month has figures from several.

    A source not listed here comes after every listed one (by name). Never a sum: one source counts.
    """

    name = models.CharField(_("source"), max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(_("precedence"), help_text=_("1 counts first."))
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("data source precedence")
        verbose_name_plural = _("data source precedence")
        ordering = ["rank", "name"]
        constraints = [models.UniqueConstraint(fields=["rank"], name="statistic_source_rank_unique")]

    def __str__(self):
        return f"{self.rank}. {self.name}"


# The sums every read of counted monthly figures needs (campaigns.statistics.aggregates fills them from
# DossierStatistic with the one rate definition): a read sums these, never the statistics themselves.
AGGREGATE_SUM_NAMES = (
    "rows",  # statistics summed into this row (normally 1: one source counts per unit and report month)
    "online",  # received online
    "denominator",  # online + in person + by post (rate_definitions.DENOMINATOR)
    "postal",  # received by post, where it is known apart (POSTAL_KNOWN)
    "postal_denominator",  # the denominator of those statistics
    "postal_rows",  # statistics whose postal count is known apart
    "combined_rows",  # statistics with the combined in-person and postal count
    "full",  # full-process online
    "full_denominator",  # the denominator of the statistics that give full-process online
    "resolved",  # early + on time + late, where all three are given
    "on_time",  # early + on time, where resolved is known
    "results_postal",  # results returned by post, where resolved is known
    "results_denominator",  # resolved, where results by post is given
    "yy",  # sums of per-statistic products, for the cluster-robust intervals
    "xy",
    "xx",
    "cells",  # statistics with a denominator above 0
)


class FigureSums(models.Model):
    month = models.DateField(_("report month"))
    source = models.CharField(_("data source"), max_length=100, blank=True, default="")

    class Meta:
        abstract = True


for _name in AGGREGATE_SUM_NAMES:
    FigureSums.add_to_class(_name, models.BigIntegerField(default=0))


class UnitMonthFigure(FigureSums):
    """The counted monthly figures of one unit, report month and source, summed: what every dashboard, chart and
    indicator export reads. Kept current by ``statistics_recount`` (every import, edit, deletion and precedence
    change goes through it); ``manage.py rebuild_aggregates`` rebuilds and checks them."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Where the unit counts in the whole country (campaigns.units.areas.nation_area): the province in force it rolls
    # up to (empty: none), and whether it counts for the country at all.
    province = models.ForeignKey(
        AdministrativeUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    in_nation = models.BooleanField(default=False, db_default=False)

    class Meta:
        verbose_name = _("monthly figures of a unit")
        verbose_name_plural = _("monthly figures of units")
        constraints = [models.UniqueConstraint(fields=["unit", "month", "source"], name="unit_month_figure_unique")]
        indexes = [
            models.Index(fields=["province", "month"], name="unit_month_figure_province_idx"),
            # The few units whose figures count for no province in force (the national dashboard's warning).
            models.Index(fields=["unit"], condition=Q(in_nation=False), name="unit_month_figure_outside_idx"),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.month:%m/%Y} {self.source}".strip()


class NationalMonthFigure(FigureSums):
    """The monthly figures of every unit rolling up to one province in force (empty: units that count for the
    whole country but for no one province), summed: what the national dashboard reads."""

    province = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    units = models.BigIntegerField(default=0)  # units with a denominator above 0 (the chart's clusters)

    class Meta:
        verbose_name = _("monthly figures of a province")
        verbose_name_plural = _("monthly figures of provinces")
        indexes = [models.Index(fields=["month", "province"], name="national_month_figure_idx")]

    def __str__(self):
        return f"{self.province_id or '—'} {self.month:%m/%Y} {self.source}".strip()
