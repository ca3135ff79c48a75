"""The rows behind campaigns.core.tasks: named locks and worker heartbeats.

They belong to the ``cms`` app (its migrations created the tables and cms.models re-exports them); the classes live
here, at the bottom of the layers, so that every layer's tasks can take a lock without importing the site package.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskLock(models.Model):
    """A named lock every server and worker sees (campaigns.core.tasks): one pending or running piece of work per key.

    ``expires_at`` frees the lock of a holder that died; a live holder extends it."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    holder = models.CharField(_("holder"), max_length=100)
    taken_at = models.DateTimeField(_("taken at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        app_label = "cms"
        verbose_name = _("task lock")
        verbose_name_plural = _("task locks")

    def __str__(self):
        return self.key


class WorkerHeartbeat(models.Model):
    """When each task worker last said it was alive: a task whose worker stopped beating is reclaimed."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        app_label = "cms"
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.worker_id
