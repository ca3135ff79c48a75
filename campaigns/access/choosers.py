"""Choosing administrative units in admin forms without sending all 14.000 of them to the browser.

A form never lists every unit: a single unit is picked with the unit chooser (``unit_chooser_viewset``), several
units with ``UnitMultipleChooser`` (the same chooser, with boxes to tick). Only the chosen units are rendered.
Whatever the browser posts, ``check_unit_scope`` refuses a unit outside the user's scope with a Vietnamese message.
"""

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.access import permissions
from campaigns.units.models import AdministrativeUnit

OUT_OF_SCOPE = "out_of_scope"


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def unit_validity_text(unit: AdministrativeUnit) -> str:
    """'' for a unit in force with no known end; otherwise its dates of validity, dd/mm/yyyy, last day included."""
    if unit.valid_to is None:
        return ""
    last_day = _day(unit.valid_to - datetime.timedelta(days=1))
    if unit.valid_from is None:
        return gettext("in force until %(end)s") % {"end": last_day}
    return gettext("in force %(start)s–%(end)s") % {"start": _day(unit.valid_from), "end": last_day}


def unit_choice_label(unit: AdministrativeUnit) -> str:
    """How a chooser names a unit: 'Xã Tánh Linh (22952)'; a former unit also carries its dates of validity."""
    validity = unit_validity_text(unit)
    return f"{unit.name} ({unit.code}) · {validity}" if validity else f"{unit.name} ({unit.code})"


class UnitMultipleChooser(forms.SelectMultiple):
    """Several units: the chosen ones as a list with a remove button each, and a button opening the unit chooser
    with boxes to tick. Posts the same ``name=id`` values as a ``<select multiple>``."""

    template_name = "campaigns/widgets/unit_multiple_chooser.html"
    choose_text = _("Add units")
    remove_text = _("Remove")

    @property
    def media(self):
        from wagtail.admin.staticfiles import versioned_static

        return forms.Media(
            js=[
                versioned_static("wagtailadmin/js/modal-workflow.js"),
                versioned_static("wagtailadmin/js/chooser-modal.js"),
                versioned_static("campaigns/unit-multiple-chooser.js"),
            ]
        )

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = []  # never iterate the field's queryset

    def chooser_url(self) -> str:
        from django.urls import reverse

        return reverse("unit_chooser:choose")

    def chosen_units(self, value) -> list[AdministrativeUnit]:
        ids = [str(item) for item in (value or []) if str(item).isdigit()]
        if not ids:
            return []
        units = AdministrativeUnit.objects.filter(pk__in=ids).order_by("code", "valid_from")
        return list(units)

    def get_context(self, name, value, attrs):
        context = super(forms.SelectMultiple, self).get_context(name, value, attrs)
        values = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        context["widget"].update(
            {
                "units": [(unit.pk, unit_choice_label(unit)) for unit in self.chosen_units(values)],
                "chooser_url": self.chooser_url(),
                "choose_text": self.choose_text,
                "remove_text": self.remove_text,
            }
        )
        return context

    def format_value(self, value):
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(getattr(item, "pk", item)) for item in value]

    def get_context_value(self, value):
        return self.format_value(value)

    def optgroups(self, name, value, attrs=None):
        return []


def _unit_fields(form):
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and queryset.model is AdministrativeUnit:
            yield name, field


def check_unit_scope(form, user) -> None:
    """Add a Vietnamese error to every unit field of ``form`` (already cleaned) that names a unit outside the
    user's scope: a chooser only offers units in scope, this refuses an id posted by hand."""
    cleaned = getattr(form, "cleaned_data", None)
    if cleaned is None:
        return
    for name, field in _unit_fields(form):
        value = cleaned.get(name)
        if value is None:
            continue
        units = list(value) if isinstance(field, forms.ModelMultipleChoiceField) else [value]
        outside = [unit for unit in units if not permissions.user_can_use_unit(user, unit)]
        if not outside:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            error = forms.ValidationError(
                _("These units are outside your scope: %(units)s."),
                params={"units": ", ".join(f"{unit.name} ({unit.code})" for unit in outside)},
                code=OUT_OF_SCOPE,
            )
        else:
            error = forms.ValidationError(_("This unit is outside your scope."), code=OUT_OF_SCOPE)
        form.add_error(name, error)


class UnitScopeFormMixin:
    """For WagtailAdminModelForm subclasses: the form's own unit fields and those of its inline child forms
    (targets, reported figures…) are checked against ``for_user``'s scope."""

    def clean(self):
        data = super().clean()
        user = getattr(self, "for_user", None)
        check_unit_scope(self, user)
        for formset in getattr(self, "formsets", {}).values():
            for child in formset.forms:
                if child.is_valid() or getattr(child, "cleaned_data", None) is not None:
                    check_unit_scope(child, user)
        return data
