from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from campaigns.core.text import fold, normalize_text
from campaigns.units.choices import SuccessionKind, UnitLevel, UnitType
from campaigns.units.querysets import AdministrativeUnitQuerySet


class AdministrativeUnit(models.Model):
    """A province, district or commune, identified by its code *and* its validity period.

    Codes are reused across eras (old Phường Trúc Bạch and today's Phường Ba Đình are both
    00004), so a unit is only unique by (code, valid_from). ``valid_to`` is exclusive.
    """

    code = models.CharField(_("code"), max_length=5)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    unit_type = models.CharField(_("type"), max_length=20, choices=UnitType.choices)
    name = models.CharField(_("name"), max_length=150)
    name_folded = models.CharField(_("name without diacritics"), max_length=150, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True, help_text=_("Empty: since before records."))
    valid_to = models.DateField(_("valid until"), null=True, blank=True, help_text=_("First day it no longer exists."))

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                name="unit_code_valid_from_unique",
                violation_error_message=_("A unit with this code already starts on this date."),
            ),
            # NULL start dates are distinct for a plain unique constraint: one more, partial, for them.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_from__isnull=True),
                name="unit_code_unknown_start_unique",
                violation_error_message=_("A unit with this code already exists since before records."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="unit_valid_to_after_valid_from",
                violation_error_message=_("The end of validity must be after its start."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=[choice.value for choice in UnitLevel]),
                name="unit_level_known",
            ),
        ]
        indexes = [models.Index(fields=["level", "valid_to"], name="unit_level_valid_to_idx")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def is_historical(self) -> bool:
        return self.valid_to is not None


def unit_link(related_name: str, **options) -> models.ForeignKey:
    """The unit a record belongs to (and is scoped by): a unit that still has records cannot be deleted."""
    return models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name=related_name,
        **options,
    )


class UnitSuccession(models.Model):
    """An old unit that went, wholly or in part, into a new unit on a given date."""

    old_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("old unit"), on_delete=models.CASCADE, related_name="successor_links"
    )
    new_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("new unit"), on_delete=models.CASCADE, related_name="predecessor_links"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SuccessionKind.choices)
    effective_date = models.DateField(_("effective date"))

    class Meta:
        verbose_name = _("succession link")
        verbose_name_plural = _("succession links")
        ordering = ["effective_date", "old_unit__code", "new_unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["old_unit", "new_unit"], name="succession_old_new_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in SuccessionKind]), name="succession_kind_known"
            ),
            models.CheckConstraint(condition=~Q(old_unit=F("new_unit")), name="succession_not_to_itself"),
        ]

    def __str__(self):
        return f"{self.old_unit} → {self.new_unit} ({self.get_kind_display()})"
