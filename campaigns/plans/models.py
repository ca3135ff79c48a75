from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from campaigns.core.fields import optional_link
from campaigns.core.formatting import percent_vi
from campaigns.plans.channels import Channel
from campaigns.plans.choices import CampaignStatus, ControlGroup, TargetPreset
from campaigns.plans.numbers import normalise_plan_number, validate_plan_number
from campaigns.statistics.choices import RATE_INDICATORS, Indicator
from campaigns.units.models import AdministrativeUnit, unit_link


def _units_field(verbose_name, related_name: str, help_text) -> ParentalManyToManyField:
    """Optional further administrative units a campaign or one of its targets covers."""
    return ParentalManyToManyField(
        AdministrativeUnit, verbose_name=verbose_name, blank=True, related_name=related_name, help_text=help_text
    )


class Campaign(ClusterableModel):
    """An outreach campaign (kế hoạch tuyên truyền): the frame that trainings and media belong to."""

    scope_unit_path = "unit"

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    unit = unit_link(
        "campaigns", help_text=_("The unit whose plan this is; its communes and wards make up the analysis.")
    )
    scope_units = _units_field(
        _("other units in scope"), "campaigns_in_scope", _("Further units the campaign covers, beyond its own unit.")
    )
    parent = optional_link(
        "self",
        _("part of the plan"),
        related_name="children",
        help_text=_("A district or commune sub-plan belongs to the province's plan."),
    )
    plan_number = models.CharField(
        _("plan document number"), max_length=50, blank=True, validators=[validate_plan_number]
    )
    plan_date = models.DateField(_("plan document date"), null=True, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=255, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=20, choices=CampaignStatus, default=CampaignStatus.PLANNED)
    description = models.TextField(_("description"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    partners = models.TextField(_("partner organisations"), blank=True, help_text=_("One per line."))
    budget = models.PositiveBigIntegerField(_("budget (VND)"), null=True, blank=True)
    control_group = models.CharField(
        _("compare with"),
        max_length=10,
        choices=ControlGroup,
        default=ControlGroup.NEVER,
        help_text=_("Which units the impact analysis compares reached units with."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        permissions = [("report_campaign", "Can view impact reports")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The campaign must end on or after its start."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="campaign_not_own_parent",
                violation_error_message=_("A campaign cannot be part of itself."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.plan_number = normalise_plan_number(self.plan_number) if self.plan_number else ""
        ancestor, seen = self.parent, set()
        while ancestor is not None and self.pk:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError(
                    {"parent": _("A campaign cannot be part of one of its own sub-plans.")}, code="campaign_cycle"
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


class ReachRule(Orderable):
    """When a unit counts as reached: a month with at least ``minimum`` of the channel (per 1.000 dossiers or not)."""

    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="reach_rules")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    minimum = models.DecimalField(
        _("at least"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Classes, copies, airings or posts in one month (attendances for training when per 1.000)."),
    )
    per_thousand_dossiers = models.BooleanField(
        _("per 1.000 dossiers"), default=False, help_text=_("Compare with the unit's dossiers of that month.")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("reach rule")
        verbose_name_plural = _("reach rules")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "channel"], name="reach_rule_one_per_channel"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} ≥ {self.minimum}"


def _figure_field(verbose_name, help_text) -> models.DecimalField:
    """An optional figure of a target, never negative: per cent for rates, a number for counts."""
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=help_text,
    )


class Target(ClusterableModel, Orderable):
    """A campaign target: an indicator, a value, a deadline, for the whole campaign or some of its units."""

    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=30, choices=Indicator, default=Indicator.ONLINE_RATE)
    preset = models.CharField(_("threshold"), max_length=30, choices=TargetPreset, default=TargetPreset.CUSTOM)
    value = _figure_field(_("target value"), _("Per cent for rates (30 = 30 %), a number for counts."))
    deadline = models.DateField(_("deadline"))
    # For what the statistics cannot measure (procedures offered online, a share the plan reports): the
    # figure a report gave, with its date and source; shown as reported, never as measured.
    reported_value = _figure_field(
        _("reported value"), _("Only when the figure comes from a report, not from the dossier statistics.")
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    reported_source = models.CharField(_("reported by"), max_length=255, blank=True)
    units = _units_field(_("units"), "+", _("Leave empty for the whole campaign."))

    class Meta(Orderable.Meta):
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.get_indicator_display()} {self.value if self.value is not None else self.get_preset_display()}"

    def clean(self):
        super().clean()
        is_rate = self.indicator in RATE_INDICATORS
        if self.preset == TargetPreset.CUSTOM and self.value is None:
            raise ValidationError({"value": _("Enter a target value or choose a standard threshold.")})
        if self.preset != TargetPreset.CUSTOM and self.indicator != Indicator.ONLINE_RATE:
            raise ValidationError(
                {"preset": _("The new-rural commune thresholds apply to the online dossier rate only.")}
            )
        if is_rate and self.value is not None and self.value > 100:
            raise ValidationError({"value": _("A rate target is a per cent between 0 and 100.")})

    @property
    def reported_fraction(self) -> float | None:
        if self.reported_value is None:
            return None
        return float(self.reported_value) / 100 if self.indicator in RATE_INDICATORS else float(self.reported_value)

    def resolved_value(self, thresholds) -> float | None:
        """The target as the analysis uses it: a fraction for rates, a number for counts.

        ``thresholds`` is the IndicatorTargets setting (editable defaults).
        """
        if self.preset == TargetPreset.NEW_RURAL:
            return float(thresholds.online_rate_target) / 100
        if self.preset == TargetPreset.NEW_RURAL_ADVANCED:
            return float(thresholds.online_rate_advanced) / 100
        if self.value is None:
            return None
        return float(self.value) / 100 if self.indicator in RATE_INDICATORS else float(self.value)


class ReportedFigure(Orderable):
    """A figure a campaign's report or article gives that the dossier statistics cannot hold (a year's
    total without its denominator, results returned by post, a share of procedures): shown as reported,
    with its period and source, never mixed into a rate."""

    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="reported_figures")
    label = models.CharField(_("what"), max_length=255)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    is_percent = models.BooleanField(_("per cent"), default=False)
    unit = unit_link("+", null=True, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reported_figure_period_order",
                violation_error_message=_("The period must end on or after its start."),
            )
        ]

    def __str__(self):
        return f"{self.label}: {self.value}"

    @property
    def value_text(self) -> str:

        if self.is_percent:
            # As precise as reported: 33,12 % stays 33,12 %, 24 % is 24,0 %.
            decimals = 2 if (self.value * 10) % 1 else 1
            return percent_vi(float(self.value) / 100, decimals)
        number = float(self.value)
        text = f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"
        return text.replace(",", "X").replace(".", ",").replace("X", ".")
