"""System checks of the deployment: what `manage.py check` must say before anything else runs."""

import importlib.util

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def task_backend(app_configs=None, **kwargs):
    """TASKS_BACKEND=rq needs django-tasks-rq and the REDIS_URL every server and worker share."""
    backend = getattr(settings, "TASKS_BACKEND", "database")
    errors = []
    if backend not in ("database", "rq", "immediate"):
        errors.append(
            checks.Error(
                f"TASKS_BACKEND must be database, rq or immediate, not {backend!r}",
                hint="See docs/operations.md (background tasks).",
                id="cms.E101",
            )
        )
    if backend == "rq":
        if importlib.util.find_spec("django_tasks_rq") is None:
            errors.append(
                checks.Error(
                    "TASKS_BACKEND=rq but django-tasks-rq is not installed",
                    hint="pip install 'dvc-outreach[rq]'",
                    id="cms.E102",
                )
            )
        if not getattr(settings, "REDIS_URL", None):
            errors.append(
                checks.Error(
                    "TASKS_BACKEND=rq needs REDIS_URL, the Redis every server and worker share",
                    hint="REDIS_URL=redis://host:6379/0",
                    id="cms.E103",
                )
            )
    return errors
