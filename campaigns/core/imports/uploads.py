"""Uploaded import files waiting between the preview and the confirmation, in the default storage.

The file is saved in Django's default storage (the media folder, or the S3-compatible bucket of a multi-server
installation, docs/operations.md), never on the local disk of the server that answered the preview: behind a load
balancer the confirmation may reach another server. Its name carries an unguessable token and the uploader's id;
the token and the stored name live in the uploader's session (in the database, shared by every server), and
``open_pending`` refuses a name that is not the user's. ``manage.py purge_stale_data`` erases files older than
``IMPORT_PREVIEW_MAX_AGE_SECONDS`` (abandoned previews).
"""

import contextlib
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy

from campaigns.core.errors import DomainError

FOLDER = "imports/pending"
_NAME = re.compile(r"^imports/pending/(?P<user>\d+)-(?P<token>[0-9a-f]{32})(?P<suffix>\.[a-z0-9]{1,5})$")


class PendingUploadError(DomainError):
    """The stored name is malformed, belongs to someone else, or the file is gone."""

    code = "pending_upload_missing"
    messages = {code: gettext_lazy("The uploaded file is no longer available: upload it again.")}


def keep(upload, *, user) -> tuple[str, str]:
    """Save ``upload`` for a later confirmation by ``user``; returns (token, stored name)."""
    token = secrets.token_hex(16)
    suffix = Path(upload.name).suffix.lower()
    name = f"{FOLDER}/{user.pk}-{token}{suffix}"
    upload.seek(0)
    stored = default_storage.save(name, upload)
    if stored != name:  # a storage that renamed it (never with a fresh 128-bit token): keep what it chose
        name = stored
    return token, name


def _check(name: str, *, user, token: str | None = None) -> None:
    match = _NAME.match(name or "")
    if match is None or match["user"] != str(user.pk) or (token is not None and match["token"] != token):
        raise PendingUploadError(params={"name": name})


def check_pending(name: str, *, user, token: str | None = None) -> None:
    """Raise ``PendingUploadError`` unless ``name`` is a pending file of ``user`` (with ``token``) still stored."""
    _check(name, user=user, token=token)
    if not default_storage.exists(name):
        raise PendingUploadError(params={"name": name})


@contextlib.contextmanager
def open_pending(name: str, *, user, token: str | None = None) -> Iterator[Path]:
    """A local path to the pending file for the duration of the block (a temporary copy on remote storage)."""
    check_pending(name, user=user, token=token)
    with local_copy(name) as local:
        yield local


@contextlib.contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A local path to the stored file ``name``: the file itself on the local disk, else a temporary copy."""
    try:
        local = Path(default_storage.path(name))
    except NotImplementedError:  # remote storage (S3): no local path
        local = None
    if local is not None and local.is_file():
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="dvc-import-") as folder:
        local = Path(folder) / Path(name).name
        with default_storage.open(name, "rb") as source, local.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield local


def discard(name: str | None) -> None:
    """Erase a pending file (confirmed, cancelled, refused or expired); a name not of this folder is ignored."""
    if name and _NAME.match(name):
        with contextlib.suppress(FileNotFoundError, OSError):
            default_storage.delete(name)


def pending_names() -> list[str]:
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [f"{FOLDER}/{file}" for file in files]


def purge(*, now: float | None = None) -> int:
    """Erase pending files older than the maximum age; returns how many."""
    limit = (now or time.time()) - settings.IMPORT_PREVIEW_MAX_AGE_SECONDS
    deleted = 0
    for name in pending_names():
        try:
            modified = default_storage.get_modified_time(name).timestamp()
        except (FileNotFoundError, OSError):
            continue
        if modified < limit:
            default_storage.delete(name)
            deleted += 1
    return deleted
