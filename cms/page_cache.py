"""Wagtail's page cache: whole responses of public pages for anonymous visitors, and a site-wide content version.

The content version
    One value in the page cache (``cms:content-version``), replaced by a new one whenever published content changes:
    a page saved, published, unpublished, moved or deleted, a site, the contact settings, a view restriction, an image or a
    document saved or deleted, a class or a published media item changed. Cached pages carry the version they were
    rendered under and are ignored once it has changed, so one write purges the whole page cache at once, on every
    worker and server that shares the cache (Redis, or the file cache of one machine).

    The same version keys small per-process memos (``memo``): the site of a host name, the route of a URL path, the
    contact settings, the pages under a view restriction. A worker reads the version once per request and drops its
    memos when it has changed, so it never serves site data older than the last publication.

Whole-response cache (``PageCacheMiddleware``)
    Only GET requests without a session cookie (so never a logged-in editor, never a preview, never a visitor who
    passed a page password) are looked up; only 200 responses of Wagtail pages, rendered for an anonymous visitor,
    without cookies and without ``Cache-Control: private/no-cache/no-store`` (Wagtail's view restrictions) are
    stored. The key is the language (the language cookie, as the locale middleware decides it), the scheme, the host
    and the full path with its query string.

    A missing or broken cache (Redis down) only costs speed: every cache call here is guarded, a failure means "not
    cached" and the page is rendered as usual.
"""

import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)

VERSION_KEY = "cms:content-version"
UNCACHEABLE_CONTROL = {"private", "no-cache", "no-store"}
PAGE_PATH = re.compile(r"^/(?:[\w\-]+/)*$")
_MISSING = object()


def page_cache():
    alias = getattr(settings, "PAGE_CACHE_ALIAS", "pages")
    return caches[alias if alias in settings.CACHES else "default"]


def page_cache_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


# --- The content version ------------------------------------------------------------------------------------------
def _read_version():
    cache = page_cache()
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, f"{time.time_ns():x}", None)
            version = cache.get(VERSION_KEY)  # None again: no working cache (dummy, or down)
    except Exception as error:  # noqa: BLE001 - a broken cache makes pages slower, never broken
        logger.warning("page cache unavailable: %s", type(error).__name__)
        return None
    return version


def current_version(request=None):
    """The content version for this request (read once per request), or None without a working cache."""
    if request is None:
        return _read_version()
    version = getattr(request, "_cms_content_version", _MISSING)
    if version is _MISSING:
        version = _read_version()
        request._cms_content_version = version
    return version


def _new_version() -> None:
    try:
        page_cache().set(VERSION_KEY, f"{time.time_ns():x}", None)
    except Exception as error:  # noqa: BLE001
        logger.warning("page cache unavailable, could not purge it: %s", type(error).__name__)
    _memos.clear()  # this process at once, even without a working cache


def bump_version(**_kwargs) -> None:
    """Content changed: every cached page and every worker's memos are out of date from now on.

    Once now and once more when the transaction commits: a request rendered between the two (from the data
    before the commit, under the first new version) is not kept."""
    _new_version()
    transaction.on_commit(_new_version)


# --- Per-process memos keyed by the content version ------------------------------------------------------------
_memos: dict = {}
_memo_version = [None]
MEMO_LIMIT = 5000


def memo(request, key, compute):
    """``compute()``, kept in this process until the content version changes (computed each time without a cache).

    The value must not be shared mutable state: store plain data (tuples, dicts of field values) and build fresh
    objects from it per request."""
    version = current_version(request)
    if version is None:
        return compute()
    if _memo_version[0] != version:
        _memos.clear()
        _memo_version[0] = version
    try:
        return _memos[key]
    except KeyError:
        pass
    value = compute()
    if len(_memos) >= MEMO_LIMIT:
        _memos.clear()
    _memos[key] = value
    return value


# --- Whole-response cache -----------------------------------------------------------------------------------------
def _key(request, language: str) -> str:
    raw = f"{language}|{request.scheme}|{request.get_host()}|{request.get_full_path()}"
    return "cms:page:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def _lookup_allowed(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith("/admin/")
        and PAGE_PATH.match(request.path_info) is not None
    )


def _cache_control(response) -> set:
    header = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in cc_delim_re.split(header) if part}


def _storable(response) -> bool:
    return (
        getattr(response, "cms_page_cache_seconds", 0) > 0
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (_cache_control(response) & UNCACHEABLE_CONTROL)
        and "*" not in response.get("Vary", "")
    )


class PageCacheMiddleware:
    """Serve and store whole responses of public pages for anonymous visitors (see the module's docstring).

    Placed just after WhiteNoise: a hit skips sessions, authentication, CSRF, routing and rendering; the outer
    middleware (security headers) still runs on it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if page_cache_seconds() <= 0 or not _lookup_allowed(request):
            return self.get_response(request)
        from .middleware import language_for_request

        try:
            key = _key(request, language_for_request(request))
        except Exception:  # noqa: BLE001 - a disallowed host: let the normal path answer 400
            return self.get_response(request)
        cache = page_cache()
        try:
            found = cache.get_many([VERSION_KEY, key])
        except Exception as error:  # noqa: BLE001
            logger.warning("page cache unavailable: %s", type(error).__name__)
            found = None
        if found is not None:
            version = found.get(VERSION_KEY)
            request._cms_content_version = version if version is not None else current_version()
            entry = found.get(key)
            if entry is not None and version is not None and entry[0] == version:
                return self._rebuild(entry)
        response = self.get_response(request)
        version = getattr(request, "_cms_content_version", None)  # as read *before* rendering
        if version is not None and _storable(response):
            headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
            entry = (version, response.status_code, headers, response.content)
            try:
                cache.set(key, entry, response.cms_page_cache_seconds)
            except Exception as error:  # noqa: BLE001
                logger.warning("page cache unavailable: %s", type(error).__name__)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _rebuild(entry) -> HttpResponse:
        _version, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response


# --- What purges it ---------------------------------------------------------------------------------------------
CONTENT_MODELS = (
    "wagtailcore.Site",
    "wagtailcore.PageViewRestriction",
    "cms.SiteSettings",
    "cms.GuideRelatedLink",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "trainings.TrainingSession",
    "outreach_media.MediaItem",
    "campaigns.Campaign",
    "campaigns.IndicatorTargets",
)


def _page_changed(sender, instance, **kwargs):
    """Any page saved (created under a parent, a draft, a move) or deleted: cheap, and nothing is missed."""
    from wagtail.models import Page

    if isinstance(instance, Page):
        bump_version()


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(bump_version, dispatch_uid="cms-page-cache-published")
    page_unpublished.connect(bump_version, dispatch_uid="cms-page-cache-unpublished")
    post_page_move.connect(bump_version, dispatch_uid="cms-page-cache-moved")
    post_save.connect(_page_changed, dispatch_uid="cms-page-cache-page-saved")
    post_delete.connect(_page_changed, dispatch_uid="cms-page-cache-page-deleted")
    for label in CONTENT_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(bump_version, sender=model, dispatch_uid=f"cms-page-cache-save-{label}")
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"cms-page-cache-delete-{label}")
