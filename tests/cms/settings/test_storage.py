"""STORAGE_BACKEND=s3 puts the default storage (media, pending import files, export results) in an S3-compatible
bucket; the settings are read from the environment without any network, and `manage.py check` refuses s3 without
a bucket."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import StorageHandler
from django.test import override_settings

from cms.checks import media_storage
from cms.settings.storage import default_storage_from_env

ROOT = Path(__file__).resolve().parents[3]
MINIO = {
    "STORAGE_BACKEND": "s3",
    "AWS_STORAGE_BUCKET_NAME": "dvc-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.gov.vn",
    "AWS_S3_REGION_NAME": "hn-1",
    "AWS_S3_ADDRESSING_STYLE": "path",
}


def test_without_storage_backend_media_stay_in_the_media_folder():
    assert default_storage_from_env({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert default_storage_from_env({"STORAGE_BACKEND": "filesystem", "AWS_STORAGE_BUCKET_NAME": "x"})["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )


def test_s3_settings_come_from_the_environment_private_and_signed():
    storage = default_storage_from_env({**MINIO, "STORAGE_BACKEND": " S3 ", "AWS_LOCATION": "dvc"})
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "dvc-media",
        "endpoint_url": "https://s3.example.gov.vn",
        "region_name": "hn-1",
        "addressing_style": "path",
        "location": "dvc",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 3600,
        "file_overwrite": False,
    }


def test_empty_optional_variables_are_left_to_the_library():
    options = default_storage_from_env({"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "b"})["OPTIONS"]
    assert "endpoint_url" not in options and "region_name" not in options


def test_the_s3_storage_is_built_from_these_settings_without_a_connection():
    pytest.importorskip("storages")
    pytest.importorskip("boto3")
    storage = StorageHandler({"default": default_storage_from_env(MINIO)})["default"]
    assert type(storage).__name__ == "S3Storage"
    assert (storage.bucket_name, storage.endpoint_url, storage.default_acl) == (
        "dvc-media",
        "https://s3.example.gov.vn",
        "private",
    )
    assert storage.file_overwrite is False


def test_the_checks_refuse_s3_without_a_bucket_and_an_unknown_backend():
    with override_settings(
        STORAGE_BACKEND="s3", STORAGES={"default": default_storage_from_env({"STORAGE_BACKEND": "s3"})}
    ):
        errors = media_storage()
    assert "cms.E106" in [error.id for error in errors]
    assert "AWS_STORAGE_BUCKET_NAME" in next(error.msg for error in errors if error.id == "cms.E106")
    with override_settings(STORAGE_BACKEND="ftp"):
        assert [error.id for error in media_storage()] == ["cms.E104"]
    with override_settings(STORAGE_BACKEND="s3", STORAGES={"default": default_storage_from_env(MINIO)}):
        assert [error.id for error in media_storage() if error.id == "cms.E106"] == []


def test_manage_py_check_refuses_s3_without_a_bucket():
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "AWS_"))}
    environment.update({"DJANGO_SETTINGS_MODULE": "cms.settings.dev", "STORAGE_BACKEND": "s3", "DATABASE_URL": ""})
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "cms.E106" in result.stderr and "AWS_STORAGE_BUCKET_NAME" in result.stderr
