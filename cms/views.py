"""Public views outside the page tree: search, robots.txt."""

import re

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from campaigns.core.text import fold
from cms.feedback import FeedbackError, feedback_record
from cms.models import GuidePage, NewsPage, TrainingCalendarPage
from outreach_media.models import MediaItem
from trainings.models import TrainingSession
from trainings.selectors import with_availability

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
NON_WORD = re.compile(r"[^\w]+")


SEARCH_TYPES = ("guides", "news", "classes", "documents")
MAX_RESULTS = 30


def _documents(query: str) -> list:

    words = query.split()
    items = MediaItem.objects.filter(live=True, document__isnull=False).select_related("document", "campaign")
    found = []
    for item in items.order_by("-produced_on", "title")[:1000]:
        haystack = fold(f"{item.title} {item.document.title} {item.description}")
        if all(word in haystack for word in words):
            found.append(item)
    return found[:MAX_RESULTS]


def _classes(query: str) -> tuple[list, list]:
    """The training calendar page and the upcoming public classes whose words (with "lớp tập huấn", what every
    class is) contain every word of the query, accents ignored: "tap huan" finds them all."""

    words = query.split()
    calendars = [
        page
        for page in TrainingCalendarPage.objects.live().public()
        if all(word in fold(f"{page.title} {page.search_description} lịch lớp tập huấn") for word in words)
    ]
    now = timezone.now()
    upcoming = (
        TrainingSession.objects.filter(is_public=True, ends_at__gte=now)
        .select_related("unit")
        .order_by("starts_at")[:500]
    )
    found = [
        session
        for session in upcoming
        if all(
            word in fold(f"lớp tập huấn {session.title} {session.venue} {session.unit.name} {session.description}")
            for word in words
        )
    ][:30]
    return calendars, with_availability(
        TrainingSession.objects.filter(pk__in=[s.pk for s in found]).select_related("unit").order_by("starts_at"),
        now=now,
    )


@require_GET
def search(request):
    """Guides, news, classes and documents matching every word of the query, ignoring accents and case; the
    ``type`` filter narrows the results to one kind, each kind shown with its count."""
    from django.utils.translation import gettext_lazy, pgettext_lazy

    raw = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    # Words only: punctuation means nothing here and is syntax to the full-text engines (FTS5, tsquery).
    query = " ".join(NON_WORD.sub(" ", fold(raw)).split()[:MAX_WORDS])
    kind = request.GET.get("type", "")
    kind = kind if kind in SEARCH_TYPES else ""
    results = dict.fromkeys(SEARCH_TYPES, [])
    calendars, sessions = [], []
    if query:
        calendars, sessions = _classes(query)
        results = {
            "guides": list(GuidePage.objects.live().public().search(query, operator="and")[:MAX_RESULTS]),
            "news": list(NewsPage.objects.live().public().search(query, operator="and")[:MAX_RESULTS]),
            # The training calendar itself and the classes with their seats: "tap huan" finds them all.
            "classes": [*calendars, *sessions],
            "documents": _documents(query),
        }
    labels = {
        "guides": gettext_lazy("Guides"),
        "news": gettext_lazy("News"),
        "classes": pgettext_lazy("kind of search result", "Classes"),
        "documents": gettext_lazy("Documents"),
    }
    filters = [(key, labels[key], len(results[key])) for key in SEARCH_TYPES]
    shown = {key: (value if not kind or key == kind else []) for key, value in results.items()}
    show_classes = not kind or kind == "classes"
    return render(
        request,
        "cms/search.html",
        {
            "query": raw,
            "kind": kind,
            "filters": filters,
            "total": sum(len(value) for value in results.values()),
            "count": sum(len(value) for value in shown.values()),
            "guides": shown["guides"],
            "news": shown["news"],
            "documents": shown["documents"],
            "calendars": calendars if show_classes else [],
            "sessions": sessions if show_classes else [],
        },
    )


@csrf_exempt  # public pages carry no CSRF token (they are cached for everyone); the answer is rate-limited
@require_POST
@never_cache
def page_feedback(request):
    """'Was this page useful?': record the answer (``cms.feedback``) and thank the visitor, or say what is wrong."""
    from wagtail.models import Page

    page_id = request.POST.get("page", "")
    page = (
        Page.objects.live().public().filter(pk=int(page_id)).first()
        if page_id.isascii() and page_id.isdigit() and len(page_id) < 12
        else None
    )
    if page is None:
        raise Http404
    page = page.specific
    error = None
    try:
        feedback_record(
            page=page,
            answer=request.POST.get("answer", ""),
            comment=request.POST.get("comment", "")[:5000],
            address=request.META.get("REMOTE_ADDR") or "",
        )
    except FeedbackError as refused:
        error = refused
    context = {"target": page, "error": error, "comment": request.POST.get("comment", "")[:500]}
    return render(
        request,
        "cms/feedback_thanks.html",
        context,
        status=400 if error and error.code != "rate_limited" else (429 if error else 200),
    )


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Allow: /", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
