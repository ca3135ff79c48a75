"""Wagtail admin import of activity logs: upload, preview (nothing written), confirm.

The uploaded file waits under the media storage until the user confirms or cancels; the token
that names it lives in the user's session, so nobody else can confirm it. Both steps run the same
service as ``manage.py import_activities``; rows of units outside the user's scope are errors.
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
from outreach_media.imports import IMPORTED_CHANNELS
from outreach_media.models import Distribution
from outreach_media.services import RECORD_MODELS, ActivityImportError, activity_import

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_SUFFIXES = {".csv", ".xlsx"}
SESSION_KEY = "activity_import"
PREVIEW_ROWS = 500
URL_NAME = "outreach_media_import"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Write the valid rows and skip the invalid ones"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."), code="file_type")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="file_size")
        return upload


def allowed_channels(user) -> frozenset[str]:
    """The channels whose records the user may add (each channel lands in a model of its own)."""
    return frozenset(
        spec.value
        for spec in IMPORTED_CHANNELS
        if permissions.has_model_permission(user, permissions.ADD, RECORD_MODELS[spec.record])
    )


def may_import(user) -> bool:
    return permissions.has_model_permission(user, permissions.ADD, Distribution)


class ActivityImportView(WagtailAdminTemplateMixin, View):
    template_name = "outreach_media/activity_import.html"
    page_title = gettext_lazy("Import an activity log")
    header_icon = "upload"
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.page_title},
        ]

    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            permissions.log_denial(request.user, permissions.ADD, Distribution)
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
        skip_invalid = form.cleaned_data["skip_invalid"]
        token, stored = uploads.keep(upload, user=request.user)
        try:
            with uploads.open_pending(stored, user=request.user) as path:
                report = self.run(path, upload.name, skip_invalid=skip_invalid, dry_run=True)
        except BaseException:
            uploads.discard(stored)  # a refused file never stays behind
            raise
        if report is None or not (report.created or report.updated):
            uploads.discard(stored)
            return self.render(
                form=UploadForm(), report=self.last_report, file_name=upload.name, failed=report is None
            )
        request.session[SESSION_KEY] = {
            "token": token,
            "stored": stored,
            "name": upload.name,
            "created": previews.stamp(),
            "skip": skip_invalid,
        }
        return self.render(report=report, file_name=upload.name, token=token, confirm=True)

    def finish(self, request):
        pending = request.session.pop(SESSION_KEY, None)
        if not pending or pending.get("token") != request.POST.get("token") or not previews.preview_is_fresh(pending):
            if pending:
                uploads.discard(pending.get("stored"))
            messages.error(request, _("This import has expired. Please upload the file again."))
            return redirect(URL_NAME)
        try:
            if "cancel" in request.POST:
                messages.info(request, _("The import was cancelled: nothing was written."))
                return redirect(URL_NAME)
            with uploads.open_pending(pending["stored"], user=request.user, token=pending["token"]) as path:
                report = self.run(path, pending["name"], skip_invalid=pending["skip"])
            if report is None:
                return self.render(form=UploadForm(), report=self.last_report, file_name=pending["name"], failed=True)
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
            return redirect(URL_NAME)
        except uploads.PendingUploadError:
            messages.error(request, _("This import has expired. Please upload the file again."))
            return redirect(URL_NAME)
        finally:
            uploads.discard(pending["stored"])

    def run(self, path: Path, name: str, *, skip_invalid: bool, dry_run: bool = False):
        try:
            report = activity_import(
                path=path,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                actor=self.request.user,
                origin=name,
                allowed_unit_ids=permissions.scope_unit_ids(self.request.user),
                allowed_channels=allowed_channels(self.request.user),
                preview_rows=PREVIEW_ROWS if dry_run else 0,
            )
        except ActivityImportError as exc:
            self.last_report = exc.report
            return None
        self.last_report = report
        return report
