"""A campaign's progress for citizens: the latest online rate against the campaign's target, in plain words, and a
chart of the last twelve months drawn from the same figures (inline SVG, with the figures in a table beside it).

The rate is the dashboard's (``campaigns.statistics.indicators.monthly_online_rates``) and the verdict is the one function the
dashboard and the impact report use (``campaigns.core.intervals.target_status``): before the target's deadline it
is "not yet due", whatever the current rate.
"""

import contextlib
import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext as _

from campaigns.core import intervals as rates
from campaigns.core.formatting import percent_vi
from campaigns.core.intervals import NO_DATA, NO_INTERVAL, target_status
from campaigns.core.months import add_months, last_day, month_index
from campaigns.models import IndicatorTargets
from campaigns.statistics.choices import Indicator
from campaigns.statistics.dashboard import campaign_periodic_reports, latest_month
from campaigns.statistics.indicators import MonthPoint, Rate, monthly_online_rates
from campaigns.units.areas import area_for

CHART_MONTHS = 12
CACHE_SECONDS = 60  # as long as the campaign page itself may be kept (CampaignPage.cache_seconds)


@dataclass(frozen=True)
class ChartBar:
    month: datetime.date
    rate: float | None
    online: int
    total: int
    x: float
    y: float
    height: float

    @property
    def rate_text(self) -> str:
        return percent_vi(self.rate)

    @property
    def label(self) -> str:
        return self.month.strftime("%m/%y")


@dataclass(frozen=True)
class Chart:
    """Geometry of a bar chart in a 0 0 WIDTH HEIGHT view box; the template draws it."""

    bars: tuple
    target_y: float
    bar_width: float
    width: int = 640
    height: int = 260
    top: int = 16
    bottom: int = 228  # the baseline (0 %)
    left: int = 40
    gridlines: tuple = field(default_factory=tuple)  # (y, label)


@dataclass
class CampaignProgress:
    month: datetime.date | None
    rate: float | None
    target: float
    deadline: datetime.date | None
    verdict: str  # campaigns.core.intervals: reached, not_reached, too_close, not_yet_due, no_data
    points: list
    periodic: list = ()  # quarterly, 6-month, annual and other reports, shown as such

    @property
    def rate_text(self) -> str:
        return percent_vi(self.rate)

    @property
    def target_text(self) -> str:
        return percent_vi(self.target, 0)

    @property
    def verdict_text(self) -> str:

        return {
            rates.REACHED: _("target reached"),
            rates.NOT_REACHED: _("target not reached"),
            rates.TOO_CLOSE: _("about at the target: too close to say whether it is reached"),
            rates.NOT_YET_DUE: _("not yet due"),
        }.get(self.verdict, "")

    @property
    def sentence(self) -> str:
        """ "Online dossiers, 10/2026: 41,2 %; target 50 % by 31/12/2026 — not yet due." in the active language."""
        if self.month is None:
            return ""
        values = {
            "month": self.month.strftime("%m/%Y"),
            "rate": self.rate_text,
            "target": self.target_text,
            "deadline": self.deadline.strftime("%d/%m/%Y") if self.deadline else "",
            "verdict": self.verdict_text,
        }
        if self.deadline is None:
            return _("Share of dossiers submitted online in %(month)s: %(rate)s; target %(target)s — %(verdict)s.") % (
                values
            )
        return (
            _(
                "Share of dossiers submitted online in %(month)s: %(rate)s; target %(target)s by %(deadline)s — %(verdict)s."
            )
            % values
        )

    @property
    def chart(self) -> Chart | None:
        with_data = [point for point in self.points if point.denominator]
        if not with_data:
            return None
        top_value = max([self.target, *(point.rate.value for point in with_data)])
        scale_max = min(1.0, max(0.1, (int(top_value * 10) + 1) / 10))  # the next 10 % above the data and target
        chart = Chart(bars=(), target_y=0, bar_width=0)
        span = chart.bottom - chart.top
        slot = (chart.width - chart.left - 8) / max(len(self.points), 1)

        def y_of(value: float) -> float:
            return round(chart.bottom - span * min(value, scale_max) / scale_max, 1)

        bars = []
        for index, point in enumerate(self.points):
            value = point.rate.value if point.denominator else None
            y = y_of(value) if value is not None else chart.bottom
            bars.append(
                ChartBar(
                    month=point.month,
                    rate=value,
                    online=point.online,
                    total=point.denominator,
                    x=round(chart.left + index * slot + slot * 0.15, 1),
                    y=y,
                    height=round(chart.bottom - y, 1),
                )
            )
        steps = 5  # the scale is a multiple of 10 %: whole per cents on every gridline
        gridlines = tuple(
            (y_of(scale_max * step / steps), percent_vi(scale_max * step / steps, 0)) for step in range(steps + 1)
        )
        return Chart(
            bars=tuple(bars),
            target_y=y_of(self.target),
            bar_width=round(slot * 0.7, 1),
            gridlines=gridlines,
        )


def _online_target(campaign, thresholds, last_month: datetime.date | None):
    """The campaign's own target for the online rate of its whole area (the first one not yet due, else the last),
    or the province's default threshold by the end of the campaign."""

    targets = [
        target
        for target in campaign.targets.filter(indicator=Indicator.ONLINE_RATE).order_by("deadline")
        if not target.units.exists()
    ]
    for target in targets:
        value = target.resolved_value(thresholds)
        if value is None:
            continue
        if last_month is None or target.deadline >= last_month or target is targets[-1]:
            return min(value, 1.0), target.deadline
    return thresholds.online_target_fraction, campaign.ends_on


def campaign_progress(campaign) -> CampaignProgress:
    """The campaign area's latest online rate against its target, and the last twelve months (a few queries)."""

    area = area_for(campaign.unit)
    thresholds = IndicatorTargets.load()
    periodic = campaign_periodic_reports(campaign)
    last = latest_month(area)
    target, deadline = _online_target(campaign, thresholds, last)
    if last is None:
        return CampaignProgress(None, None, target, deadline, NO_DATA, [], periodic=periodic)
    first = add_months(last, -(CHART_MONTHS - 1))
    points = monthly_online_rates(area, first, last_day(last))
    # Twelve bars, a month without figures as an empty one (never drawn as 0 %).
    by_month = {point.month: point for point in points}
    months = [add_months(first, step) for step in range(CHART_MONTHS)]
    points = [by_month.get(month) or MonthPoint(month, 0, 0, Rate(0, 0, NO_INTERVAL)) for month in months]
    with_data = [point for point in points if point.denominator]
    latest = with_data[-1] if with_data else None
    due = deadline is not None and latest is not None and month_index(deadline) <= month_index(latest.month)
    return CampaignProgress(
        month=latest.month if latest else None,
        rate=latest.rate.value if latest else None,
        target=target,
        deadline=deadline,
        verdict=target_status(latest.rate.interval, target, due=due) if latest else NO_DATA,
        points=points,
        periodic=periodic,
    )


def cached_campaign_progress(campaign) -> CampaignProgress:
    """``campaign_progress``, kept for a minute per campaign (a statistics import shows within a minute, as on the
    page cache): the campaign page's other languages and its variants share one computation."""
    key = f"cms:campaign-progress:{campaign.pk}:{campaign.updated_at.timestamp()}:{datetime.date.today()}"
    try:
        progress = cache.get(key)
    except Exception:  # noqa: BLE001 - a broken cache only costs speed
        progress = None
    if progress is None:
        progress = campaign_progress(campaign)
        with contextlib.suppress(Exception):  # a broken cache only costs speed
            cache.set(key, progress, CACHE_SECONDS)
    return progress
