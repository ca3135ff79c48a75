"""Wagtail admin import of statistics: upload, preview (nothing written), confirm.

The uploaded file is kept under the media storage until the user confirms or cancels; the token
that names it lives in the user's session, so nobody else can confirm it. Both steps run the same
service as ``manage.py import_statistics``; rows for units outside the user's scope are errors.
"""

import uuid
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

from cms import retention

from . import permissions
from .models import DossierStatistic
from .services.statistics import StatisticsImportError, statistics_import

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = {".csv", ".xlsx"}
SESSION_KEY = "statistics_import"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))
    source = forms.CharField(label=gettext_lazy("Data source for rows without one"), required=False, max_length=100)
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Write the valid rows and skip the invalid ones"), required=False
    )

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
        return self.render(form=UploadForm())

    def post(self, request):
        if "confirm" in request.POST or "cancel" in request.POST:
            return self.finish(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        path = retention.pending_dir() / f"{token}{Path(upload.name).suffix.lower()}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        options = {"source": form.cleaned_data["source"], "skip_invalid": form.cleaned_data["skip_invalid"]}
        try:
            report = self.run(path, upload.name, dry_run=True, **options)
        except BaseException:
            path.unlink(missing_ok=True)  # a refused file never stays behind
            raise
        if report is None or (report.error_count and not options["skip_invalid"]) or not report.rows_read:
            path.unlink(missing_ok=True)
            return self.render(form=UploadForm(), report=self.last_report, file_name=upload.name)
        request.session[SESSION_KEY] = {
            "token": token,
            "path": str(path),
            "name": upload.name,
            "created": retention.stamp(),
            **options,
        }
        return self.render(report=report, file_name=upload.name, token=token, confirm=True)

    def finish(self, request):
        pending = request.session.pop(SESSION_KEY, None)
        if not pending or pending.get("token") != request.POST.get("token") or not retention.preview_is_fresh(pending):
            if pending:
                Path(pending["path"]).unlink(missing_ok=True)
            messages.error(request, _("This import has expired. Please upload the file again."))
            return redirect("statistics_import")
        path = Path(pending["path"])
        try:
            if "cancel" in request.POST:
                messages.info(request, _("The import was cancelled: nothing was written."))
                return redirect("statistics_import")
            report = self.run(path, pending["name"], source=pending["source"], skip_invalid=pending["skip_invalid"])
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
        finally:
            path.unlink(missing_ok=True)

    def run(self, path: Path, name: str, *, source: str, skip_invalid: bool, dry_run: bool = False):
        scope = permissions.scope_unit_ids(self.request.user)
        try:
            report = statistics_import(
                path=path,
                default_source=source,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                actor=self.request.user,
                origin=name,
                allowed_unit_ids=scope,
                preview_rows=200 if dry_run else 0,
            )
        except StatisticsImportError as exc:
            self.last_report = exc.report
            return None
        self.last_report = report
        return report
