"""Tracked links: short addresses printed as QR codes, and how often they are scanned.

A scan adds one to the link's count for the day (in Việt Nam's time zone): one ``LinkScan`` row
per link and day, incremented in the database so that simultaneous scans are all counted. Nothing
about who scanned is kept: no address, no cookie, no device.
"""

import io
import re
import zoneinfo
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.core.months import first_day
from outreach_media.models import LinkScan, MediaItem, TrackedLink

LOCAL_TIME_ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

# What a short code may look like (the model's slug field, at most 20 characters). Anything else
# (a NUL byte, 10 kB of text, accented letters) is simply not found, without asking the database.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")
# Control characters, spaces and backslashes (browsers read "/\host" as "//host") never belong in a target.
_UNSAFE_TARGET = re.compile(r"[\x00-\x20\x7f\\]")

QR_ERROR = "m"
QR_BORDER = 4  # modules of quiet zone around the code, as the QR standard asks for print
QR_SVG_SCALE = 10
QR_PNG_SCALE = 20


# -- finding and following a link -------------------------------------------------------------------------------
def find_link(code: str) -> TrackedLink | None:
    """The link with this short code, active or not; ``None`` for an unknown or malformed code.

    Codes are printed in lower case; a code typed in capitals is found too.
    """
    if not _CODE.fullmatch(code or ""):
        return None
    candidates = {code, code.lower()}
    found = {link.code: link for link in TrackedLink.objects.filter(code__in=candidates)}
    return found.get(code) or found.get(code.lower())


def is_usable_target(url: str) -> bool:
    """A page of this site ("/huong-dan/…", not "//host") or an https:// address with a host and no user part."""
    if not url or _UNSAFE_TARGET.search(url):
        return False
    if url.startswith("/"):
        return not url.startswith("//")
    if not url.startswith("https://"):
        return False
    try:
        parts = urlsplit(url)
        return bool(parts.hostname) and parts.username is None and parts.password is None and parts.port != 0
    except ValueError:  # e.g. a port that is not a number
        return False


def validate_target_url(value: str) -> None:
    """Form validator for ``TrackedLink.target_url`` (the database only checks the beginning)."""
    if not is_usable_target(value):
        raise ValidationError(
            _("Enter a page of this site starting with / (not //) or a full https:// address, without spaces."),
            code="invalid_target",
        )


# -- counting --------------------------------------------------------------------------------------------------
def scan_day(now=None):
    """Today's date in Việt Nam, whatever time zone is active."""
    return timezone.localtime(now or timezone.now(), LOCAL_TIME_ZONE).date()


def record_scan(link: TrackedLink, day=None) -> None:
    """Count one scan of ``link`` on ``day`` (today in Việt Nam), exactly, however many scans arrive at once.

    The increment happens in the database (``count = count + 1``). The day's first scan creates the
    row; if another request created it at the same moment, the unique (link, day) constraint refuses
    the second row and that scan is added to the row that won.
    """
    day = day or scan_day()
    rows = LinkScan.objects.filter(link_id=link.pk, day=day)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            LinkScan.objects.create(link_id=link.pk, day=day, count=1)
    except IntegrityError:
        rows.update(count=F("count") + 1)


def scan_counts(media_item_ids=None, start=None, end=None) -> list[dict]:
    """Scans per media item and month, in one query.

    Rows ``{"media_item_id", "unit_id", "campaign_id", "month", "scans"}`` ordered by item and
    month; ``month`` is the first day of the month, ``unit_id`` and ``campaign_id`` are the item's.
    ``media_item_ids`` limits the items (``None``: all), ``start`` and ``end`` the days (both included).
    """
    scans = LinkScan.objects.all()
    if media_item_ids is not None:
        media_item_ids = list(media_item_ids)
        if not media_item_ids:
            return []
        scans = scans.filter(link__media_item_id__in=media_item_ids)
    if start is not None:
        scans = scans.filter(day__gte=start)
    if end is not None:
        scans = scans.filter(day__lte=end)
    rows = (
        scans.annotate(month=TruncMonth("day"))
        .values(
            "month",
            media_item_id=F("link__media_item_id"),
            unit_id=F("link__media_item__unit_id"),
            campaign_id=F("link__media_item__campaign_id"),
        )
        .annotate(scans=Sum("count"))
        .order_by("media_item_id", "month")
    )
    return list(rows)


# -- addresses and QR codes ------------------------------------------------------------------------------------------
def short_url(link: TrackedLink) -> str:
    """The absolute short address printed under the QR code (and encoded in it)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("outreach_media:scan", args=[link.code])


def qr_image(link: TrackedLink, kind: str) -> bytes:
    """The link's QR code, ready for print: SVG (scale 10) or PNG (scale 20), 4-module quiet zone."""
    qr = segno.make(short_url(link), error=QR_ERROR)
    buffer = io.BytesIO()
    if kind == "svg":
        qr.save(buffer, kind="svg", scale=QR_SVG_SCALE, border=QR_BORDER, xmldecl=True, title=short_url(link))
    elif kind == "png":
        qr.save(buffer, kind="png", scale=QR_PNG_SCALE, border=QR_BORDER)
    else:
        raise ValueError(kind)
    return buffer.getvalue()


def links_context(media_item: MediaItem) -> dict:
    """What ``outreach_media/links/item_links.html`` needs (as the context variable ``tracked_links``), in one query.

    ``links``: the item's links, each with ``scans_this_month``, ``scans_total``, ``short_url``,
    ``qr_svg_url`` and ``qr_png_url``; ``month``: the first day of this month (in Việt Nam);
    ``scans_this_month`` and ``scans_total``: sums over the links.
    """
    month = first_day(scan_day())
    links = list(
        TrackedLink.objects.filter(media_item_id=media_item.pk).annotate(
            scans_total=Coalesce(Sum("scans__count"), 0),
            scans_this_month=Coalesce(Sum("scans__count", filter=Q(scans__day__gte=month)), 0),
        )
    )
    for link in links:
        link.short_url = short_url(link)
        link.qr_svg_url = reverse("outreach_media_link_qr_svg", args=[link.pk])
        link.qr_png_url = reverse("outreach_media_link_qr_png", args=[link.pk])
    return {
        "links": links,
        "month": month,
        "scans_this_month": sum(link.scans_this_month for link in links),
        "scans_total": sum(link.scans_total for link in links),
    }
