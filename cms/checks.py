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


@checks.register(checks.Tags.compatibility)
def media_storage(app_configs=None, **kwargs):
    """STORAGE_BACKEND=s3 needs django-storages (with boto3) and a bucket; any other value is a typing error."""
    backend = (getattr(settings, "STORAGE_BACKEND", "filesystem") or "filesystem").strip().lower()
    if backend not in ("filesystem", "s3"):
        return [
            checks.Error(
                f"STORAGE_BACKEND must be filesystem or s3, not {backend!r}",
                hint="See docs/operations.md (media on S3-compatible storage).",
                id="cms.E104",
            )
        ]
    if backend != "s3":
        return []
    errors = []
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        errors.append(
            checks.Error(
                "STORAGE_BACKEND=s3 but django-storages[s3] is not installed",
                hint="pip install 'dvc-outreach[s3]'",
                id="cms.E105",
            )
        )
    options = settings.STORAGES.get("default", {}).get("OPTIONS", {})
    if not (options.get("bucket_name") or "").strip():
        errors.append(
            checks.Error(
                "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket that keeps media, import files and exports",
                hint="AWS_STORAGE_BUCKET_NAME=dvc-media (and AWS_S3_ENDPOINT_URL for MinIO or another S3-compatible store)",
                id="cms.E106",
            )
        )
    return errors
