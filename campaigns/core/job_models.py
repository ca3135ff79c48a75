"""The row behind an export or import that runs in the background (campaigns.core.jobs).

Like the task locks it belongs to the ``cms`` app (its migrations create the table and cms.models re-exports it), so
every layer can queue a job without importing the site package.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminJob(models.Model):
    """One export or import of one user, run by the task worker: its state, progress and result."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admin_jobs", verbose_name=_("owner")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # The dotted path of the campaigns.core.jobs.JobRunner subclass that runs the job (set by the code, never typed).
    runner = models.CharField(_("runner"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    done_rows = models.PositiveIntegerField(_("rows done"), default=0)
    total_rows = models.PositiveIntegerField(_("rows in all"), default=0)
    message = models.TextField(_("message"), blank=True)
    # The import's refused rows as the import report shows them: [{"row", "column", "value", "message"}].
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors in all"), default=0)
    # Files in the default storage: what an import reads, what an export wrote (``jobs/...``, see jobs.py).
    source_file = models.CharField(_("file to import"), max_length=300, blank=True)
    result_file = models.CharField(_("result file"), max_length=300, blank=True)
    result_name = models.CharField(_("download name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        app_label = "cms"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export or import job")
        verbose_name_plural = _("export and import jobs")

    def __str__(self):
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total_rows:
            return None
        return min(100, round(100 * self.done_rows / self.total_rows))
