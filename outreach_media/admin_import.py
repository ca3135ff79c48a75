"""Wagtail admin import of activity logs: upload, preview (nothing written), confirm.

The uploaded file waits under the media storage until the user confirms or cancels; the token
that names it lives in the user's session, so nobody else can confirm it. Both steps run the same
service as ``manage.py import_activities``; rows of units outside the user's scope are errors.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy

from campaigns.access import permissions
from campaigns.core.imports.views import ImportUploadForm, StoredFileImportView
from outreach_media.imports import IMPORTED_CHANNELS
from outreach_media.models import Distribution
from outreach_media.services import RECORD_MODELS, activity_import

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SESSION_KEY = "activity_import"
PREVIEW_ROWS = 500
URL_NAME = "outreach_media_import"


class UploadForm(ImportUploadForm):
    too_large_message = gettext_lazy("The file is larger than 10 MB.")
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Write the valid rows and skip the invalid ones"), required=False
    )

    def max_upload_bytes(self) -> int:
        return MAX_UPLOAD_BYTES


def allowed_channels(user) -> frozenset[str]:
    """The channels whose records the user may add (each channel lands in a model of its own)."""
    return frozenset(
        spec.value
        for spec in IMPORTED_CHANNELS
        if permissions.has_model_permission(user, permissions.ADD, RECORD_MODELS[spec.record])
    )


def may_import(user) -> bool:
    return permissions.has_model_permission(user, permissions.ADD, Distribution)


class ActivityImportView(StoredFileImportView):
    template_name = "outreach_media/activity_import.html"
    page_title = gettext_lazy("Import an activity log")
    session_key = SESSION_KEY
    form_class = UploadForm
    preview_rows = PREVIEW_ROWS

    def may_import(self, user) -> bool:
        return may_import(user)

    def refuse(self, user):
        permissions.log_denial(user, permissions.ADD, Distribution)
        raise PermissionDenied

    def upload_url(self) -> str:
        return reverse(URL_NAME)

    def import_options(self, form) -> dict:
        return {"skip": form.cleaned_data["skip_invalid"]}

    def service_options(self, pending: dict) -> dict:
        return {"skip_invalid": pending["skip"]}

    def run_import(self, *, actor, **common):
        return activity_import(
            **common,
            actor=actor,
            allowed_unit_ids=permissions.scope_unit_ids(actor),
            allowed_channels=allowed_channels(actor),
        )
