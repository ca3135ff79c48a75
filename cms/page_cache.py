"""Wagtail's page cache: whole responses of public pages for anonymous visitors, and a site-wide content version.

What a cached page depends on: tags and their versions
    Every cached response records the tags it depends on and their versions when it was rendered; it is served only
    while every one is unchanged. A page's tags (``SitePage.cache_tags``): ``site`` (the site-wide version, below),
    ``page:<id>`` (itself), ``children:<path>`` (an index listing its children), ``list:<model>`` (a page listing pages
    of a type anywhere, e.g. the home page's latest guides and news), ``campaign:<id>`` (a campaign's record, its
    stored impact report), ``trainings``, ``media``, ``campaigns``. A write moves only the versions of the tags it
    touches: publishing guide A refreshes A, the guide index listing it and the home page (``list:cms.guidepage``),
    and leaves guide B's cached response in place; a draft saved changes nothing public and purges nothing.

The site-wide version
    One value (``cms:content-version``, the ``site`` tag) for what every page shows or what routes a request: a site,
    the contact settings, a view restriction, an image or a document saved or deleted, a page unpublished, moved or
    deleted, or published with a new title, address or menu entry (menus, breadcrumbs and related links show them).
    Set again when the transaction commits, so a request rendered in between (from the data before the commit) is
    not kept.

    The same version keys small per-process memos (``memo``): the site of a host name, the route of a URL path, the
    contact settings, the pages under a view restriction. A worker reads the version once per request and drops its
    memos when it has changed, so it never serves site data older than the last structural change.

    The versions live in the ``pages`` cache: Redis, or without it the database cache, shared by every process and
    every server (settings: Cache).

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

from cms.middleware import language_for_request

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
    """Site-wide content changed: every cached page and every worker's memos are out of date from now on.

    Once now and once more when the transaction commits: a request rendered between the two (from the data
    before the commit, under the first new version) is not kept."""
    _new_version()
    transaction.on_commit(_new_version)


# --- Tags: what a page depends on ---------------------------------------------------------------------------------
SITE_TAG = "site"


def _tag_key(tag: str) -> str:
    return VERSION_KEY if tag == SITE_TAG else "cms:tag:" + tag


def tag_versions(tags) -> dict | None:
    """The current version of each tag (a new one for a tag never seen), or None without a working cache."""
    cache = page_cache()
    keys = {_tag_key(tag): tag for tag in tags}
    try:
        found = cache.get_many(list(keys))
        missing = [key for key in keys if key not in found]
        for key in missing:
            cache.add(key, f"{time.time_ns():x}", None)
        if missing:
            found.update(cache.get_many(missing))
    except Exception as error:  # noqa: BLE001
        logger.warning("page cache unavailable: %s", type(error).__name__)
        return None
    if len(found) != len(keys):
        return None  # no working cache (dummy)
    return {keys[key]: value for key, value in found.items()}


def _new_tag_versions(tags) -> None:
    version = f"{time.time_ns():x}"
    try:
        page_cache().set_many({_tag_key(tag): version for tag in tags}, None)
    except Exception as error:  # noqa: BLE001
        logger.warning("page cache unavailable, could not purge it: %s", type(error).__name__)
    if SITE_TAG in tags:
        _memos.clear()


def purge_tags(*tags: str) -> None:
    """Pages depending on any of ``tags`` are out of date: now and again when the transaction commits."""
    tags = tuple(dict.fromkeys(tags))
    if not tags:
        return
    _new_tag_versions(tags)
    transaction.on_commit(lambda: _new_tag_versions(tags))


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
            if entry is not None and version is not None and self._current(entry[0], version):
                return self._rebuild(entry)
        response = self.get_response(request)
        versions = getattr(request, "_cms_tag_versions", None)  # as read *before* rendering (SitePage.serve)
        if versions and _storable(response):
            headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
            entry = (versions, response.status_code, headers, response.content)
            try:
                cache.set(key, entry, response.cms_page_cache_seconds)
            except Exception as error:  # noqa: BLE001
                logger.warning("page cache unavailable: %s", type(error).__name__)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _current(versions, site_version) -> bool:
        """Whether every tag the entry depends on still has the version it was rendered under."""
        if not isinstance(versions, dict) or versions.get(SITE_TAG) != site_version:
            return False
        others = [tag for tag in versions if tag != SITE_TAG]
        if not others:
            return True
        current = tag_versions(others)
        return current is not None and all(current[tag] == versions[tag] for tag in others)

    @staticmethod
    def _rebuild(entry) -> HttpResponse:
        _version, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response


# --- What purges it ---------------------------------------------------------------------------------------------
SITE_MODELS = (
    "wagtailcore.Site",
    "wagtailcore.PageViewRestriction",
    "cms.SiteSettings",
    "wagtailimages.Image",
    "wagtaildocs.Document",
)
# A model whose rows pages show, and the tags of the pages showing a row (from the row).
TAGGED_MODELS = {
    "cms.GuideRelatedLink": lambda link: [f"page:{link.page_id}"],
    "trainings.TrainingSession": lambda session: ["trainings"],
    "outreach_media.MediaItem": lambda item: ["media"],
    "campaigns.Campaign": lambda campaign: [f"campaign:{campaign.pk}", "campaigns"],
    "campaigns.IndicatorTargets": lambda targets: ["campaigns"],
    "campaigns.ImpactResult": lambda result: [f"campaign:{result.campaign_id}"],
}
# Page fields that other pages show (menus, breadcrumbs, related links, routes): a change purges the whole site.
SITE_WIDE_PAGE_FIELDS = ("title", "slug", "url_path", "live", "show_in_menus", "path")


def page_tags(page) -> list[str]:
    """The tags a change of ``page`` purges: itself, the index listing it, the pages listing its type."""
    tags = [f"page:{page.pk}", f"list:{page._meta.label_lower}"]
    steplen = getattr(page, "steplen", 4)
    if page.path and len(page.path) > steplen:
        tags.append(f"children:{page.path[:-steplen]}")
    return tags


def _page_before_save(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.pk:
        instance._cms_before = Page.objects.filter(pk=instance.pk).values(*SITE_WIDE_PAGE_FIELDS).first()


def _page_changed(sender, instance, update_fields=None, **kwargs):
    """A page saved: a draft (only revision fields written) purges nothing; a new page, or a change of what other
    pages show of it, the whole site; otherwise the page and the listings that show it."""
    from wagtail.models import Page

    if not isinstance(instance, Page):
        return
    if update_fields is not None and set(update_fields) <= DRAFT_PAGE_FIELDS:
        return
    before = getattr(instance, "_cms_before", None)
    if before is None or any(before[name] != getattr(instance, name) for name in SITE_WIDE_PAGE_FIELDS):
        bump_version()
    purge_tags(*page_tags(instance))


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        bump_version()


# Written by a draft, a lock or a workflow step: none of it is public.
DRAFT_PAGE_FIELDS = {
    "has_unpublished_changes",
    "latest_revision_created_at",
    "latest_revision",
    "draft_title",
    "locked",
    "locked_at",
    "locked_by",
    "live_revision",
}


def _page_published(sender, instance, **kwargs):
    purge_tags(*page_tags(instance))


def _structure_changed(**kwargs):
    bump_version()


def _tagged_row_changed(tags_of):
    def handler(sender, instance, **kwargs):
        purge_tags(*tags_of(instance))

    return handler


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save, pre_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_page_published, dispatch_uid="cms-page-cache-published")
    page_unpublished.connect(_structure_changed, dispatch_uid="cms-page-cache-unpublished")
    post_page_move.connect(_structure_changed, dispatch_uid="cms-page-cache-moved")
    pre_save.connect(_page_before_save, dispatch_uid="cms-page-cache-page-before-save")
    post_save.connect(_page_changed, dispatch_uid="cms-page-cache-page-saved")
    post_delete.connect(_page_deleted, dispatch_uid="cms-page-cache-page-deleted")
    for label in SITE_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(bump_version, sender=model, dispatch_uid=f"cms-page-cache-save-{label}")
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"cms-page-cache-delete-{label}")
    for label, tags_of in TAGGED_MODELS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        handler = _tagged_row_changed(tags_of)
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"cms-page-cache-save-{label}")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"cms-page-cache-delete-{label}")
