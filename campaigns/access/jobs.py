"""Admin exports too large for a request: the listing's query runs again in the background, within the owner's scope.

``BackgroundExportMixin`` (for a scoped Wagtail listing) answers an export of at most
``ADMIN_EXPORT_DIRECT_MAX_ROWS`` rows at once, streamed; above that it queues a job (campaigns.core.jobs) that runs
the same query — pickled as Django documents for a query, signed with the site's secret key so that only this
site's code can have written it — filtered again by the owner's scope when it runs, and keeps the file for its owner.

The result opens only while the owner may still see the model and their scope is the one the export was made
with (``scope_fingerprint``): a user moved to another unit exports again.
"""

import base64
import hashlib
import pickle  # noqa: S403 - only for a query this site signed (see _load_query)
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.access import permissions
from campaigns.core import jobs, spreadsheets
from campaigns.core.errors import DomainError
from campaigns.core.job_models import AdminJob

_SALT = "campaigns.access.jobs.query"


class ExportRefused(DomainError):
    code = "export_refused"
    messages = {
        code: gettext_lazy(
            "You may no longer see these data (your permissions or your scope changed): nothing was exported."
        )
    }


def scope_fingerprint(user) -> str:
    """A short digest of the units the user may see ("all" without a restriction)."""
    ids = permissions.scope_unit_ids(user)
    if ids is None:
        return "all"
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()


def _dump_query(queryset) -> str:
    return signing.Signer(salt=_SALT).sign(base64.b64encode(pickle.dumps(queryset.query)).decode())


def _load_query(signed: str):
    data = base64.b64decode(signing.Signer(salt=_SALT).unsign(signed))
    return pickle.loads(data)  # noqa: S301 - signed above with SECRET_KEY by _dump_query


class ScopedExportRunner(jobs.JobRunner):
    """Runs a queued export: the listing's query, the owner's scope, a file kept as the job's result.

    A subclass says what a row is: ``table(queryset, params) -> (header, rows, sheet title)``."""

    def table(self, queryset, params: dict):
        raise NotImplementedError

    @staticmethod
    def model(job: AdminJob):
        return apps.get_model(job.params["model"])

    def may_open(self, user, job: AdminJob) -> bool:
        model = self.model(job)
        return permissions.has_model_permission(user, permissions.VIEW, model) and (
            scope_fingerprint(user) == job.params.get("scope")
        )

    def run_job(self, job: AdminJob, progress) -> None:
        owner = job.owner
        if not self.may_open(owner, job):
            raise ExportRefused
        model = self.model(job)
        queryset = model._default_manager.all()
        queryset.query = _load_query(job.params["query"])
        queryset = permissions.filter_for_user(owner, queryset, permissions.VIEW)
        job.total_rows = queryset.count()
        job.save(update_fields=["total_rows"])
        file_format = job.params["format"]
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            header, rows, sheet_title = self.table(queryset, job.params)
            with tempfile.TemporaryDirectory(prefix="dvc-export-") as folder:
                path = Path(folder) / f"export.{file_format}"
                spreadsheets.write_file(
                    file_format, header, jobs.counted(rows, progress), path, sheet_title=sheet_title
                )
                jobs.store_result(job, path, job.params["filename"])


def export_queue(*, actor, runner_class: type[ScopedExportRunner], queryset, file_format: str, filename: str, **extra):
    """Queue the export of ``queryset`` (as the listing filtered it) for ``actor``."""
    return jobs.job_queue(
        actor=actor,
        runner_class=runner_class,
        kind=AdminJob.Kind.EXPORT,
        title=filename,
        total_rows=queryset.count(),
        params={
            "model": queryset.model._meta.label_lower,
            "query": _dump_query(queryset),
            "format": file_format,
            "filename": filename,
            "scope": scope_fingerprint(actor),
            "language": translation.get_language(),
            **extra,
        },
    )


class BackgroundExportMixin:
    """For a scoped listing: exports above ``ADMIN_EXPORT_DIRECT_MAX_ROWS`` rows become a background job.

    The view defines ``export_runner`` and ``direct_spreadsheet(queryset, format)`` (the streamed download);
    ``export_params()`` adds what the runner needs to the job."""

    export_runner: type[ScopedExportRunner]

    def direct_spreadsheet(self, queryset, spreadsheet_format):
        raise NotImplementedError

    def export_params(self) -> dict:
        return {}

    def as_spreadsheet(self, queryset, spreadsheet_format):
        count = queryset.count()
        if count <= settings.ADMIN_EXPORT_DIRECT_MAX_ROWS:
            return self.direct_spreadsheet(queryset, spreadsheet_format)
        filename = f"{self.get_filename()}.{spreadsheet_format}"
        job = export_queue(
            actor=self.request.user,
            runner_class=self.export_runner,
            queryset=queryset,
            file_format=spreadsheet_format,
            filename=filename,
            **self.export_params(),
        )
        messages.info(
            self.request,
            _(
                "The export of %(count)s rows runs in the background. This page shows its progress; the file will "
                "be here, for you only, when it is ready."
            )
            % {"count": number_format(count, force_grouping=True)},
        )
        return redirect("admin_job", job.pk)
