"""The admin screens of every import: upload, preview (nothing written), confirm or cancel.

``ImportView`` holds the steps: the upload form, the preview kept in the user's session (``session_key``)
while it is fresh (campaigns/core/previews.py), and the confirmation. ``StoredFileImportView`` is the
flow of the statistics and activity imports: the uploaded file waits in the default storage
(campaigns/core/imports/uploads.py: its name carries the uploader's id and an unguessable token, and the
token lives in the uploader's session, so nobody else can confirm it); the preview is a dry run of the
import service (bounded by the upload form's size limit) and the confirmation runs the same service for real, in
one transaction. A file of more than ``ADMIN_IMPORT_DIRECT_MAX_ROWS`` data rows is not imported in the request: the
confirmation queues a background job (campaigns.core.jobs) that runs the service as the uploader, within their
scope at that moment, and the user follows it on "Tệp xuất/nhập của tôi".
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from campaigns.core import jobs, previews
from campaigns.core.imports import uploads
from campaigns.core.imports.report import ImportFailed
from campaigns.core.job_models import AdminJob

ALLOWED_SUFFIXES = {".csv", ".xlsx"}


class ImportUploadForm(forms.Form):
    """The file to import: CSV or XLSX, at most ``max_upload_bytes()`` bytes."""

    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))
    too_large_message: str  # names the limit: "The file is larger than 10 MB."

    def max_upload_bytes(self) -> int:
        raise NotImplementedError

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."), code="file_type")
        if upload.size > self.max_upload_bytes():
            raise forms.ValidationError(str(self.too_large_message), code="file_size")
        return upload


class ImportView(WagtailAdminTemplateMixin, View):
    """Upload → preview → confirm; the preview waits in the session under ``session_key`` while fresh."""

    template_name: str
    session_key: str
    form_class: type[forms.Form]
    header_icon = "upload"
    _show_breadcrumbs = True
    expired_message = gettext_lazy("This import has expired. Please upload the file again.")
    # Errors listed on the page (the others are counted).
    error_limit = 500

    # -- to write in each import --------------------------------------------------------
    def check_upload(self, form):
        """The preview of a valid upload form (nothing written)."""
        raise NotImplementedError

    def confirm(self, pending: dict):
        """Import the fresh preview ``pending``."""
        raise NotImplementedError

    def upload_url(self) -> str:
        """Where to go back to upload a file (after an expired preview or a cancellation)."""
        raise NotImplementedError

    def breadcrumb_parents(self) -> list[dict]:
        """The pages between the dashboard and this one ({"url", "label"})."""
        return []

    # -- the steps ---------------------------------------------------------------------------
    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            *self.breadcrumb_parents(),
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        limit = self.error_limit
        return {
            "error_limit": limit,
            "error_limit_negative": -limit if limit else 0,
            **super().get_context_data(**kwargs),
        }

    def render(self, **context):
        return TemplateResponse(self.request, self.template_name, self.get_context_data(**context))

    def upload_form(self, *args, **kwargs):
        return self.form_class(*args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render(form=self.upload_form())

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST or "cancel" in request.POST:
            return self.finish(request)
        form = self.upload_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        return self.check_upload(form)

    def keep_preview(self, **pending):
        """Keep what the confirmation needs in the session, stamped for ``previews.preview_is_fresh``."""
        self.request.session[self.session_key] = {**pending, "created": previews.stamp()}

    def is_usable(self, pending: dict | None) -> bool:
        """A preview the posted confirmation may act on."""
        return bool(pending) and previews.preview_is_fresh(pending)

    def discard(self, pending: dict | None) -> None:
        """Forget what a preview kept outside the session (nothing by default)."""

    def expired(self, pending: dict | None):
        self.request.session.pop(self.session_key, None)
        self.discard(pending)
        messages.error(self.request, str(self.expired_message))
        return redirect(self.upload_url())

    def finish(self, request):
        pending = request.session.get(self.session_key)
        if not self.is_usable(pending):
            return self.expired(pending)
        if "cancel" in request.POST:
            request.session.pop(self.session_key, None)
            self.discard(pending)
            messages.info(request, _("The import was cancelled: nothing was written."))
            return redirect(self.upload_url())
        return self.confirm(pending)


class StoredFileImportView(ImportView, jobs.JobRunner):
    """The uploaded file waits in the default storage; preview and confirmation run the import service.

    ``run_import`` calls the service and returns its report; it raises ``ImportFailed`` when nothing was written.
    The view is also the runner of its background jobs (``run_job``): no request there, the job's owner acts.
    """

    preview_rows = 200

    def run_import(self, *, path: Path, origin: str, actor, dry_run: bool, preview_rows: int, **options):
        """The import service's report, run as ``actor``; ``options`` are those of ``service_options``."""
        raise NotImplementedError

    def may_import(self, user) -> bool:
        """Whether ``user`` may use this import (checked on every request and when a job's result is opened)."""
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.may_import(request.user):
            self.refuse(request.user)
        return super().dispatch(request, *args, **kwargs)

    def refuse(self, user):
        """Log the refusal and raise ``PermissionDenied``."""
        raise NotImplementedError

    def import_options(self, form) -> dict:
        """The options of the upload form the confirmation needs (kept in the session: plain values)."""
        return {}

    def service_options(self, pending: dict) -> dict:
        """The service's keyword arguments of the options kept in the session."""
        return {}

    def preview_refused(self, report, options: dict) -> bool:
        """A dry run that leaves nothing to confirm."""
        return not (report.created or report.updated)

    def done_url(self) -> str:
        return self.upload_url()

    def run(self, path: Path, name: str, pending: dict, *, dry_run: bool = False):
        """The report, or None when the service wrote nothing (``last_report`` says why)."""
        try:
            report = self.run_import(
                path=path,
                origin=name,
                actor=self.request.user,
                dry_run=dry_run,
                preview_rows=self.preview_rows if dry_run else 0,
                **self.service_options(pending),
            )
        except ImportFailed as exc:
            self.last_report = exc.report
            return None
        self.last_report = report
        return report

    def check_upload(self, form):
        request = self.request
        upload = form.cleaned_data["file"]
        options = self.import_options(form)
        token, stored = uploads.keep(upload, user=request.user)
        try:
            with uploads.open_pending(stored, user=request.user) as path:
                report = self.run(path, upload.name, options, dry_run=True)
        except BaseException:
            uploads.discard(stored)  # a refused file never stays behind
            raise
        if report is None or self.preview_refused(report, options):
            uploads.discard(stored)
            return self.render(
                form=self.upload_form(), report=self.last_report, file_name=upload.name, failed=report is None
            )
        self.keep_preview(token=token, stored=stored, name=upload.name, rows=report.rows_read, **options)
        return self.render(report=report, file_name=upload.name, token=token, confirm=True)

    def is_usable(self, pending) -> bool:
        return super().is_usable(pending) and pending.get("token") == self.request.POST.get("token")

    def discard(self, pending) -> None:
        if pending:
            uploads.discard(pending.get("stored"))

    def confirm(self, pending: dict):
        request = self.request
        request.session.pop(self.session_key, None)
        if int(pending.get("rows") or 0) > settings.ADMIN_IMPORT_DIRECT_MAX_ROWS:
            return self.queue(pending)
        try:
            with uploads.open_pending(pending["stored"], user=request.user, token=pending["token"]) as path:
                report = self.run(path, pending["name"], pending)
            if report is None:
                return self.render(
                    form=self.upload_form(), report=self.last_report, file_name=pending["name"], failed=True
                )
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
            return redirect(self.done_url())
        except uploads.PendingUploadError:
            messages.error(request, str(self.expired_message))
            return redirect(self.upload_url())
        finally:
            uploads.discard(pending["stored"])

    # -- in the background ------------------------------------------------------------------------------------------
    def queue(self, pending: dict):
        """Queue the import of a large file as a job of the user; the pending upload is copied for the job."""
        request = self.request
        try:
            uploads.check_pending(pending["stored"], user=request.user, token=pending["token"])
            job = jobs.job_queue(
                actor=request.user,
                runner_class=type(self),
                kind=AdminJob.Kind.IMPORT,
                title=pending["name"],
                total_rows=int(pending["rows"]),
                params={"name": jobs.clean_file_name(pending["name"]), "options": self.service_options(pending)},
                source=pending["stored"],
            )
        except uploads.PendingUploadError:
            messages.error(request, str(self.expired_message))
            return redirect(self.upload_url())
        finally:
            uploads.discard(pending["stored"])
        messages.info(
            request,
            _(
                "%(name)s is being imported in the background. This page shows its progress and, at the end, its result."
            )
            % {"name": jobs.clean_file_name(pending["name"])},
        )
        return redirect("admin_job", job.pk)

    def run_job(self, job, progress) -> None:
        with jobs.open_source(job) as path:
            report = self.run_import(
                path=path,
                origin=job.params["name"],
                actor=job.owner,
                dry_run=False,
                preview_rows=0,
                progress=progress,
                **job.params["options"],
            )
        progress(max(progress.done, report.rows_read))
        jobs.record_counts(job, report.summary(), errors=report.errors, error_count=report.error_count)

    def may_open(self, user, job) -> bool:
        return self.may_import(user)
