"""The admin page "Tệp xuất/nhập của tôi": the user's background exports and imports, their progress and results.

Every view answers only the owner (another user gets 404, as for a job that does not exist) and asks the job's
runner again whether the owner may still see what it holds (a user who lost the permission or whose scope changed
gets 403). The pages reload themselves every 10 seconds while a job is waiting or running.
"""

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from campaigns.core import jobs
from campaigns.core.admin import AdminPage
from campaigns.core.job_models import AdminJob
from campaigns.core.spreadsheets import CONTENT_TYPES

LISTED_JOBS = 50
REFRESH_SECONDS = 10


class _JobPage(AdminPage, View):
    header_icon = "download"

    def get_parent_crumbs(self):
        return [(reverse("admin_jobs"), _("My exports and imports"))]

    def render(self, template_name, **context):
        context = self.get_context_data(refresh_seconds=REFRESH_SECONDS, **context)
        return TemplateResponse(self.request, template_name, context)


class JobListView(_JobPage):
    page_title = gettext_lazy("My exports and imports")

    def get_parent_crumbs(self):
        return []

    def get(self, request):
        listed = list(jobs.jobs_of(request.user)[:LISTED_JOBS])
        return self.render(
            "campaigns/jobs/job_list.html",
            jobs=listed,
            pending=any(not job.finished for job in listed),
        )


def _own_job(request, pk: int) -> AdminJob:
    job = get_object_or_404(AdminJob, pk=pk, owner=request.user)
    if not jobs.job_may_open(request.user, job):
        raise PermissionDenied
    return job


class JobDetailView(_JobPage):
    model = AdminJob  # owner-scoped (_own_job), not unit-scoped

    def get(self, request, pk: int):
        job = _own_job(request, pk)
        self.page_title = job.title
        return self.render("campaigns/jobs/job_detail.html", job=job, pending=not job.finished)


class JobDownloadView(View):
    model = AdminJob

    def get(self, request, pk: int):
        job = _own_job(request, pk)
        if job.state != AdminJob.State.DONE or not job.result_file:
            raise Http404
        try:
            handle = default_storage.open(job.result_file, "rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        suffix = job.result_name.rsplit(".", 1)[-1].lower()
        content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
        return FileResponse(handle, as_attachment=True, filename=job.result_name, content_type=content_type)
