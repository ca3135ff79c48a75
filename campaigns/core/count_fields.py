"""Counts and amounts in admin forms and listings, written the Vietnamese way.

A count field shows ``1.215`` and accepts what people type: ``1215``, ``1.215``, ``1 215``; ``1,5`` or ``1.5`` is
refused with a Vietnamese message (a count has no fraction, and a lone separator is ambiguous), never rounded.
Listings show counts grouped by dots (``1.500.000``). Every positive integer field of an admin model form gets the
count field, and every decimal field a decimal comma (``register_count_fields``, called by the app when ready).
"""

from django import forms
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from campaigns.core.imports.cells import parse_count


def group_digits(value) -> str:
    """1500000 → '1.500.000' (the Vietnamese grouping whatever the active language); '—' for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        sign = "-" if value < 0 else ""
        return sign + f"{abs(value):,}".replace(",", ".")
    return number_format(value, use_l10n=True, force_grouping=True)


class CountField(forms.IntegerField):
    """An integer ≥ 0 typed with or without Vietnamese grouping."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a whole number, e.g. 1.215 or 1215 (a comma or a lone dot is not a count)."),
    }

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for key in ("min", "max", "step"):
            attrs.pop(key, None)  # a text box: the browser must not refuse "1.215"
        attrs["inputmode"] = "numeric"
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return group_digits(value)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
        number, message = parse_count(value)
        if message:
            raise forms.ValidationError(
                _("%(value)s: %(reason)s."), code="invalid", params={"value": str(value)[:40], "reason": message}
            )
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


COUNT_MODEL_FIELDS = (models.PositiveIntegerField, models.PositiveBigIntegerField, models.PositiveSmallIntegerField)


def register_count_fields() -> None:
    from wagtail.admin.forms.models import register_form_field_override

    for model_field in COUNT_MODEL_FIELDS:
        register_form_field_override(model_field, override={"form_class": CountField})
    # Decimals (targets, reach rules, reported figures) shown and typed with a decimal comma: "750,00", "33,12".
    register_form_field_override(models.DecimalField, override={"localize": True})


class CountColumn(Column):
    """A listing column of a count or an amount in đồng: '1.500.000'."""

    def get_value(self, instance):
        return group_digits(super().get_value(instance))


def count_column(model, name: str) -> CountColumn:
    """The listing column of a model's count field, labelled and sortable as Wagtail's own."""
    from django.utils.text import capfirst

    return CountColumn(name, label=capfirst(model._meta.get_field(name).verbose_name), sort_key=name)
