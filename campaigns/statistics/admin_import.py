"""Wagtail admin import of statistics: upload, preview (nothing written), confirm.

The uploaded file is kept in the default storage until the user confirms or cancels (campaigns/core/imports/uploads.py:
shared by every server, so the confirmation may reach another server than the preview); the token that names it
lives in the user's session and the name carries the user's id, so nobody else can confirm it. Both steps run the same
service as ``manage.py import_statistics``; rows for units outside the user's scope are errors.
"""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.access import permissions
from campaigns.core.imports.views import ImportUploadForm, StoredFileImportView
from campaigns.statistics.models import DossierStatistic
from campaigns.statistics.services import statistics_import
from campaigns.units.models import AdministrativeUnit

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
SESSION_KEY = "statistics_import"


class UploadForm(ImportUploadForm):
    too_large_message = gettext_lazy("The file is larger than 50 MB.")
    source = forms.CharField(label=gettext_lazy("Data source for rows without one"), required=False, max_length=100)
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Write the valid rows and skip the invalid ones"), required=False
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit of a one-unit sheet (code)"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("For form 06 and other sheets of one unit without a unit code column."),
    )
    scope = forms.CharField(
        label=gettext_lazy("Scope of the unit names (code)"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("For reports that list units by name only: the district or province they belong to."),
    )
    start = forms.DateField(
        label=gettext_lazy("Period from (dd/mm/yyyy)"),
        required=False,
        input_formats=["%d/%m/%Y"],
        help_text=gettext_lazy("Only when the file gives no period; otherwise it is read from the title line."),
    )
    end = forms.DateField(label=gettext_lazy("Period to (dd/mm/yyyy)"), required=False, input_formats=["%d/%m/%Y"])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not self.is_bound:
            # Preset to the officer's own unit when the scope is exactly one commune or ward.
            own = list(user.scopes.select_related("unit")[:2]) if hasattr(user, "scopes") else []
            if len(own) == 1 and own[0].unit.level == "commune":
                self.fields["unit"].initial = own[0].unit.code

    def _code(self, name):

        code = (self.cleaned_data.get(name) or "").strip()
        if code and not AdministrativeUnit.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No administrative unit has this code."), code="unknown_unit")
        return code

    def clean_unit(self):
        return self._code("unit")

    def clean_scope(self):
        return self._code("scope")

    def clean(self):
        data = super().clean()
        if bool(data.get("start")) != bool(data.get("end")):
            raise forms.ValidationError(_("Give both dates of the period, or neither."), code="half_period")
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."), code="period_order")
        if data.get("unit") and data.get("scope"):
            raise forms.ValidationError(_("Give a unit or a scope, not both."), code="unit_and_scope")
        return data

    def max_upload_bytes(self) -> int:
        return MAX_UPLOAD_BYTES


class StatisticsImportView(StoredFileImportView):
    template_name = "campaigns/statistics_import.html"
    page_title = gettext_lazy("Import dossier statistics")
    session_key = SESSION_KEY
    form_class = UploadForm

    def breadcrumb_parents(self):
        return [{"url": reverse("statistics:index"), "label": _("Dossier statistics")}]

    def may_import(self, user) -> bool:
        return permissions.has_model_permission(
            user, permissions.ADD, DossierStatistic
        ) and permissions.has_model_permission(user, permissions.CHANGE, DossierStatistic)

    def refuse(self, user):
        permissions.log_denial(user, permissions.ADD, DossierStatistic)
        raise PermissionDenied

    def upload_url(self) -> str:
        return reverse("statistics_import")

    def done_url(self) -> str:
        return reverse("statistics:index")

    def upload_form(self, *args, **kwargs):
        return UploadForm(*args, user=self.request.user, **kwargs)

    def import_options(self, form) -> dict:
        data = form.cleaned_data
        return {
            "source": data["source"],
            "skip_invalid": data["skip_invalid"],
            "unit": data["unit"],
            "scope": data["scope"],
            "start": data["start"].isoformat() if data["start"] else "",
            "end": data["end"].isoformat() if data["end"] else "",
        }

    def service_options(self, pending: dict) -> dict:
        return {
            **{key: pending.get(key, "") for key in ("source", "unit", "scope", "start", "end")},
            "skip_invalid": pending["skip_invalid"],
        }

    def preview_refused(self, report, options: dict) -> bool:
        return bool(report.error_count and not options["skip_invalid"]) or not report.rows_read

    def run_import(
        self, *, actor, source: str, unit: str = "", scope: str = "", start: str = "", end: str = "", **common
    ):

        names_scope = None
        if scope:
            versions = AdministrativeUnit.objects.filter(code=scope).order_by("valid_to")
            names_scope = versions.filter(valid_to__isnull=True).first() or versions.last()
        period = (datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)) if start and end else None
        return statistics_import(
            **common,
            actor=actor,
            default_source=source,
            allowed_unit_ids=permissions.scope_unit_ids(actor),
            unit_code=unit or None,
            scope=names_scope,
            period=period,
        )
