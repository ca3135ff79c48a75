"""The rows behind campaigns.core.tasks: named locks and worker heartbeats.

They belong to the ``cms`` app (its migrations created the tables and cms.models re-exports them); the classes live
here, at the bottom of the layers, so that every layer's tasks can take a lock without importing the site package.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class _TaskRow(models.Model):
    """A row of the task machinery, in the ``cms`` app's tables, named by its ``name_field``."""

    name_field = ""

    class Meta:
        abstract = True
        app_label = "cms"

    def __str__(self):
        return getattr(self, self.name_field)


class TaskLock(_TaskRow):
    """A named lock every server and worker sees (campaigns.core.tasks): one pending or running piece of work per key.

    ``expires_at`` frees the lock of a holder that died; a live holder extends it."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    holder = models.CharField(_("holder"), max_length=100)
    taken_at = models.DateTimeField(_("taken at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    name_field = "key"

    class Meta(_TaskRow.Meta):
        verbose_name = _("task lock")
        verbose_name_plural = _("task locks")


class WorkerHeartbeat(_TaskRow):
    """When each task worker last said it was alive: a task whose worker stopped beating is reclaimed."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    name_field = "worker_id"

    class Meta(_TaskRow.Meta):
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
