"""What a visitor should know before downloading a document: its format, its size and, for a PDF, its pages.

The page count is read with pypdf once per file content (the document's hash) and kept in the cache; a file that is
missing or cannot be read as a PDF simply has no page count shown.
"""

import contextlib
import logging
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)

PAGES_CACHE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Attachment:
    title: str
    url: str
    format: str  # "PDF", "DOCX"…
    size: int | None  # bytes
    pages: int | None


def pdf_page_count(document) -> int | None:
    """Pages of a PDF document, or None (not a PDF, unreadable, encrypted or missing)."""
    if document.file_extension.lower() != "pdf":
        return None
    key = f"cms:pdf-pages:{document.pk}:{document.file_hash or document.file.name}"
    try:
        cached = cache.get(key)
    except Exception:  # noqa: BLE001 - a broken cache only costs speed
        cached = None
    if cached is not None:
        return cached or None
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    pages = 0
    try:
        with document.open_file() as handle:
            reader = PdfReader(handle)
            pages = 0 if reader.is_encrypted else len(reader.pages)
    except (OSError, ValueError, PyPdfError) as error:
        logger.warning("document %s: page count unavailable (%s)", document.pk, type(error).__name__)
    with contextlib.suppress(Exception):  # a broken cache only costs speed
        cache.set(key, pages, PAGES_CACHE_SECONDS)
    return pages or None


def attachment_for(document) -> Attachment | None:
    if document is None:
        return None
    size = document.file_size
    if size is None:
        try:
            size = document.file.size
        except OSError:
            size = None
    return Attachment(
        title=document.title,
        url=document.url,
        format=document.file_extension.upper(),
        size=size,
        pages=pdf_page_count(document),
    )
