"""Wagtail admin import of statistics: upload, preview (nothing written), confirm.

The uploaded file is kept in the default storage until the user confirms or cancels (campaigns/core/imports/uploads.py:
shared by every server, so the confirmation may reach another server than the preview); the token that names it
lives in the user's session and the name carries the user's id, so nobody else can confirm it. Both steps run the same
service as ``manage.py import_statistics``; rows for units outside the user's scope are errors.
"""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from campaigns.access import permissions
from campaigns.core import previews
from campaigns.core.imports import uploads
from campaigns.statistics.models import DossierStatistic
from campaigns.statistics.services import StatisticsImportError, statistics_import

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = {".csv", ".xlsx"}
SESSION_KEY = "statistics_import"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))
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
        from campaigns.units.models import AdministrativeUnit

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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."), code="file_type")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."), code="file_size")
        return upload


class StatisticsImportView(WagtailAdminTemplateMixin, View):
    template_name = "campaigns/statistics_import.html"
    page_title = gettext_lazy("Import dossier statistics")
    header_icon = "upload"
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("statistics:index"), "label": _("Dossier statistics")},
            {"url": "", "label": self.page_title},
        ]

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (
            permissions.has_model_permission(user, permissions.ADD, DossierStatistic)
            and permissions.has_model_permission(user, permissions.CHANGE, DossierStatistic)
        ):
            permissions.log_denial(user, permissions.ADD, DossierStatistic)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, **context):
        return TemplateResponse(self.request, self.template_name, self.get_context_data(**context))

    def get(self, request):
        return self.render(form=UploadForm(user=request.user))

    def post(self, request):
        if "confirm" in request.POST or "cancel" in request.POST:
            return self.finish(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        upload = form.cleaned_data["file"]
        token, stored = uploads.keep(upload, user=request.user)
        data = form.cleaned_data
        options = {
            "source": data["source"],
            "skip_invalid": data["skip_invalid"],
            "unit": data["unit"],
            "scope": data["scope"],
            "start": data["start"].isoformat() if data["start"] else "",
            "end": data["end"].isoformat() if data["end"] else "",
        }
        try:
            with uploads.open_pending(stored, user=request.user) as path:
                report = self.run(path, upload.name, dry_run=True, **options)
        except BaseException:
            uploads.discard(stored)  # a refused file never stays behind
            raise
        if report is None or (report.error_count and not options["skip_invalid"]) or not report.rows_read:
            uploads.discard(stored)
            return self.render(form=UploadForm(user=request.user), report=self.last_report, file_name=upload.name)
        request.session[SESSION_KEY] = {
            "token": token,
            "stored": stored,
            "name": upload.name,
            "created": previews.stamp(),
            **options,
        }
        return self.render(report=report, file_name=upload.name, token=token, confirm=True)

    def finish(self, request):
        pending = request.session.pop(SESSION_KEY, None)
        if not pending or pending.get("token") != request.POST.get("token") or not previews.preview_is_fresh(pending):
            if pending:
                uploads.discard(pending.get("stored"))
            messages.error(request, _("This import has expired. Please upload the file again."))
            return redirect("statistics_import")
        try:
            if "cancel" in request.POST:
                messages.info(request, _("The import was cancelled: nothing was written."))
                return redirect("statistics_import")
            with uploads.open_pending(pending["stored"], user=request.user, token=pending["token"]) as path:
                report = self.run(
                    path,
                    pending["name"],
                    **{key: pending.get(key, "") for key in ("source", "unit", "scope", "start", "end")},
                    skip_invalid=pending["skip_invalid"],
                )
            if report is None:
                return self.render(form=UploadForm(), report=self.last_report, file_name=pending["name"])
            messages.success(
                request,
                _(
                    "%(name)s imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, %(rejected)s rejected."
                )
                % {
                    "name": pending["name"],
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "rejected": report.rejected_rows,
                },
            )
            return redirect("statistics:index")
        except uploads.PendingUploadError:
            messages.error(request, _("This import has expired. Please upload the file again."))
            return redirect("statistics_import")
        finally:
            uploads.discard(pending["stored"])

    def run(
        self,
        path: Path,
        name: str,
        *,
        source: str,
        skip_invalid: bool,
        dry_run: bool = False,
        unit: str = "",
        scope: str = "",
        start: str = "",
        end: str = "",
    ):
        import datetime

        from campaigns.units.models import AdministrativeUnit

        allowed = permissions.scope_unit_ids(self.request.user)
        names_scope = None
        if scope:
            versions = AdministrativeUnit.objects.filter(code=scope).order_by("valid_to")
            names_scope = versions.filter(valid_to__isnull=True).first() or versions.last()
        period = (datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)) if start and end else None
        try:
            report = statistics_import(
                path=path,
                default_source=source,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                actor=self.request.user,
                origin=name,
                allowed_unit_ids=allowed,
                preview_rows=200 if dry_run else 0,
                unit_code=unit or None,
                scope=names_scope,
                period=period,
            )
        except StatisticsImportError as exc:
            self.last_report = exc.report
            return None
        self.last_report = report
        return report
