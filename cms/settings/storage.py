"""Where uploaded media, pending import files and export results are kept: the local media folder, or an
S3-compatible bucket (MinIO, a cloud object store) through django-storages when ``STORAGE_BACKEND=s3``.

The variables (docs/operations.md): ``AWS_STORAGE_BUCKET_NAME`` (required with s3), ``AWS_S3_ENDPOINT_URL`` (the
object store's address; empty for AWS itself), ``AWS_S3_REGION_NAME``, ``AWS_S3_ADDRESSING_STYLE`` (``path`` for
most MinIO installations), ``AWS_LOCATION`` (a folder inside the bucket), ``AWS_QUERYSTRING_EXPIRE`` (life of a
signed link, seconds); the keys come from ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` or the machine's role,
read by boto3 itself. A missing bucket or package is refused by ``manage.py check`` (cms.E104–E106), not here.
"""

import os
from collections.abc import Mapping

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"


def default_storage_from_env(environ: Mapping[str, str] | None = None) -> dict:
    """The ``STORAGES["default"]`` entry the environment asks for."""
    environ = os.environ if environ is None else environ
    backend = (environ.get("STORAGE_BACKEND") or "filesystem").strip().lower()
    if backend != "s3":
        return dict(FILESYSTEM)
    options = {
        "bucket_name": environ.get("AWS_STORAGE_BUCKET_NAME", "").strip(),
        "default_acl": "private",  # never a public object: documents and exports are opened through signed links
        "querystring_auth": True,
        "querystring_expire": int(environ.get("AWS_QUERYSTRING_EXPIRE") or 3600),
        "file_overwrite": False,
    }
    for option, variable in (
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
        ("region_name", "AWS_S3_REGION_NAME"),
        ("addressing_style", "AWS_S3_ADDRESSING_STYLE"),
        ("location", "AWS_LOCATION"),
        ("custom_domain", "AWS_S3_CUSTOM_DOMAIN"),
    ):
        value = environ.get(variable, "").strip()
        if value:
            options[option] = value
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
