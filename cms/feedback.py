"""'Was this page useful?': checking and recording an answer, and the counts editors see.

An answer is yes or no with an optional comment of at most 500 characters of plain text: markup, links and control
characters are refused (the comment is shown in the admin and must never carry a spammer's link or a script). Each
address may send ``LIMIT`` answers per ``WINDOW_SECONDS``, counted in the cache under a keyed hash of the address:
the address itself is stored nowhere.
"""

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from campaigns.core.errors import DomainError
from cms.models import PageFeedback

LIMIT = 5
WINDOW_SECONDS = 3600
MARKUP = re.compile(r"<[^>]*>|&#?\w+;|\[/?\w+[^\]]*\]")
LINK = re.compile(r"(?i)\b(?:https?://|www\.)|\b[\w-]+\.(?:com|net|org|vn|ru|info|xyz|top)\b")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class FeedbackError(DomainError):
    """A refused answer; ``code`` is stable for callers, the message is for the visitor."""

    code = "feedback_refused"

    def __init__(self, message: str, *, code: str, params: dict | None = None):
        super().__init__(code, params, message=message)


def _address_key(address: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.blake2b).hexdigest()[:32]
    return f"cms:feedback-rate:{digest}"


def clean_comment(raw: str) -> str:
    """The comment as stored (NFC, trimmed), or a FeedbackError naming what is wrong with it."""
    text = unicodedata.normalize("NFC", raw or "").strip()

    if len(text) > PageFeedback.COMMENT_MAX_LENGTH:
        raise FeedbackError(
            _("The comment has %(length)s characters; at most %(limit)s are accepted.")
            % {"length": len(text), "limit": PageFeedback.COMMENT_MAX_LENGTH},
            code="comment_too_long",
        )
    if CONTROL.search(text):
        raise FeedbackError(_("The comment contains invisible control characters."), code="comment_control")
    if MARKUP.search(text):
        raise FeedbackError(_("Write the comment as plain text, without tags or markup."), code="comment_markup")
    if LINK.search(text):
        raise FeedbackError(_("Links are not accepted in the comment."), code="comment_link")
    return text


def feedback_record(*, page, answer: str, comment: str, address: str):
    """Record one answer to a live public page, or raise FeedbackError (nothing is written then)."""

    if answer not in ("yes", "no"):
        raise FeedbackError(_("Choose “Yes” or “No”."), code="answer_missing")
    text = clean_comment(comment)
    key = _address_key(address or "unknown")
    try:
        cache.add(key, 0, WINDOW_SECONDS)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - no working cache: accept, the answer carries no personal data
        count = 1
    if count > LIMIT:
        raise FeedbackError(
            _("Too many answers from this connection; please try again in an hour."), code="rate_limited"
        )
    feedback = PageFeedback(page=page, is_useful=answer == "yes", comment=text)
    feedback.full_clean()
    feedback.save()
    return feedback


def feedback_counts(page_ids=None):
    """Pages with answers, each with its yes and no counts and its latest answer (a queryset of pages)."""
    from wagtail.models import Page

    pages = Page.objects.filter(feedback__isnull=False)
    if page_ids is not None:
        pages = pages.filter(pk__in=page_ids)
    return pages.annotate(
        useful=Count("feedback", filter=Q(feedback__is_useful=True)),
        not_useful=Count("feedback", filter=Q(feedback__is_useful=False)),
        comments=Count("feedback", filter=~Q(feedback__comment="")),
    ).order_by("-not_useful", "-useful", "title")
