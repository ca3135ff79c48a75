"""Public views outside the page tree: search, a campaign's progress chart, robots.txt."""

import datetime
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from campaigns.formatting import percent_vi

from .text import fold

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
NON_WORD = re.compile(r"[^\w]+")
CHART_MONTHS = 12


@dataclass
class CampaignProgress:
    month: datetime.date | None
    rate: float | None
    target: float
    first_month: datetime.date | None
    first_rate: float | None
    points: list
    verdict: str = ""  # the dashboard's three-state verdict of the latest month against the target
    periodic: list = ()  # quarterly, 6-month, annual and other reports, shown as such
    completeness: str = ""  # units that reported the latest month out of those expected

    @property
    def rate_text(self) -> str:
        return percent_vi(self.rate)

    @property
    def first_rate_text(self) -> str:
        return percent_vi(self.first_rate)

    @property
    def target_text(self) -> str:
        return percent_vi(self.target, 0)

    @property
    def meets_target(self) -> bool:
        from campaigns.analysis.rates import REACHED

        return self.verdict == REACHED


def campaign_progress(campaign) -> CampaignProgress:
    """The campaign area's latest online rate against the target, and the last twelve months (a few queries)."""
    from campaigns.analysis.rates import target_status
    from campaigns.dashboard import add_months, campaign_periodic_reports, latest_month
    from campaigns.imports.statistics import month_bounds
    from campaigns.indicators import area_for, monthly_online_rates
    from campaigns.models import IndicatorTargets

    area = area_for(campaign.unit)
    target = IndicatorTargets.load().online_target_fraction
    periodic = campaign_periodic_reports(campaign)
    last = latest_month(area)
    if last is None:
        return CampaignProgress(None, None, target, None, None, [], periodic=periodic)
    first = add_months(last, -(CHART_MONTHS - 1))
    points = monthly_online_rates(area, first, month_bounds(last.year, last.month)[1])
    with_data = [point for point in points if point.denominator]
    latest = with_data[-1] if with_data else None
    earliest = with_data[0] if len(with_data) > 1 else None
    return CampaignProgress(
        month=latest.month if latest else None,
        rate=latest.rate.value if latest else None,
        target=target,
        first_month=earliest.month if earliest else None,
        first_rate=earliest.rate.value if earliest else None,
        points=points,
        verdict=target_status(latest.rate.interval, target, due=True) if latest else "",
        periodic=periodic,
    )


@require_GET
@cache_control(public=True, max_age=3600)
def campaign_chart(request, slug):
    """PNG of a published campaign page's monthly online rate (figures the page already shows)."""
    from .models import CampaignPage

    page = CampaignPage.objects.live().public().filter(campaign__slug=slug).select_related("campaign__unit").first()
    if page is None:
        raise Http404
    progress = page.progress
    key = f"cms:campaign-chart:{page.campaign_id}:{progress.month}:{request.LANGUAGE_CODE}"
    png = cache.get(key)
    if png is None:
        from campaigns.charts import rate_chart_png  # matplotlib loads on the first chart, not at start-up

        points = progress.points
        png = rate_chart_png(
            months=[point.month for point in points],
            rates=[point.rate.value for point in points],
            low=[point.rate.interval.low for point in points],
            high=[point.rate.interval.high for point in points],
            target=progress.target,
            title=_("Online dossier rate — %(unit)s") % {"unit": page.campaign.unit.name},
            y_label=_("Rate"),
            target_label=_("Target %(target)s") % {"target": percent_vi(progress.target, 0)},
            compact=True,
        )
        cache.set(key, png, 3600)
    return HttpResponse(png, content_type="image/png")


def _documents(query: str) -> list:
    from outreach_media.models import MediaItem

    words = query.split()
    items = MediaItem.objects.filter(live=True, document__isnull=False).select_related("document", "campaign")
    found = []
    for item in items.order_by("-produced_on", "title")[:1000]:
        haystack = fold(f"{item.title} {item.document.title} {item.description}")
        if all(word in haystack for word in words):
            found.append(item)
    return found[:50]


@require_GET
def search(request):
    """Guides, news and documents matching every word of the query, ignoring accents and case."""
    from .models import GuidePage, NewsPage

    raw = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    # Words only: punctuation means nothing here and is syntax to the full-text engines (FTS5, tsquery).
    query = " ".join(NON_WORD.sub(" ", fold(raw)).split()[:MAX_WORDS])
    guides = news = documents = []
    if query:
        guides = list(GuidePage.objects.live().public().search(query, operator="and")[:30])
        news = list(NewsPage.objects.live().public().search(query, operator="and")[:30])
        documents = _documents(query)
    return render(
        request,
        "cms/search.html",
        {
            "query": raw,
            "guides": guides,
            "news": news,
            "documents": documents,
            "count": len(guides) + len(news) + len(documents),
        },
    )


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Allow: /", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
