"""Uploaded documents: limited in size, and their content must be what their extension says.

Wagtail checks the extension (``WAGTAILDOCS_EXTENSIONS``); here the first bytes are checked too, so
that 60 MB of random bytes are not accepted as a PDF, and nothing larger than
``DOCUMENT_MAX_UPLOAD_BYTES`` is stored.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What a file of each accepted extension starts with (text formats: see _is_text).
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "pptx": (ZIP,),
    "odt": (ZIP,),
    "ods": (ZIP,),
    "zip": (ZIP, b"PK\x05\x06"),
    "doc": (OLE,),
    "xls": (OLE,),
}
TEXT_EXTENSIONS = {"csv", "txt"}


SAMPLE_BYTES = 8192


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a character cut at the end of the sample is fine
        return len(head) == SAMPLE_BYTES and exc.start >= len(head) - 3
    return True


def check_document(upload) -> None:
    """Raise ``forms.ValidationError`` unless the upload is small enough and its content matches its extension."""
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}, code="file_too_large"
        )
    extension = Path(upload.name).suffix.lower().lstrip(".")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(SAMPLE_BYTES)
    upload.seek(position)
    if extension in TEXT_EXTENSIONS:
        matches = _is_text(head)
    else:
        matches = head.startswith(SIGNATURES.get(extension, ()) or (b"\x00\x00invalid",))
    if not matches:
        raise forms.ValidationError(
            _("The content of the file is not a %(extension)s file.") % {"extension": extension.upper()},
            code="wrong_content",
        )


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and hasattr(upload, "size") and hasattr(upload, "read") and self._is_new(upload):
            check_document(upload)
        return upload

    def _is_new(self, upload) -> bool:
        """A new upload (not the stored file of a document being edited without a new file)."""
        return not (self.instance and self.instance.pk and upload == self.instance.file)
