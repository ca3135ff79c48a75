"""Outreach products and where they went: media items, distributions, airings, posts, events, tracked links.

``import_key`` marks a row that came from the activity log import: the same row imported again
finds it by that key and changes it in place instead of adding a second one.
"""

import secrets

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model_string
from wagtail.images import get_image_model_string
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin

from campaigns.core.fields import import_key_field, optional_link
from campaigns.plans.channels import Record, stored_as
from campaigns.units.models import AdministrativeUnit, unit_link
from outreach_media.choices import MediaKind, Platform

SHORT_CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud or typed from print


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(7))


class MediaItem(DraftStateMixin, RevisionMixin, PreviewableMixin, models.Model):
    """One outreach product: a leaflet, a handbook, a reportage, a Zalo message…"""

    scope_unit_path = "unit"

    kind = models.CharField(_("kind"), max_length=20, choices=MediaKind.choices)
    title = models.CharField(_("title"), max_length=255)
    campaign = optional_link("campaigns.Campaign", _("campaign"), related_name="media_items")
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("producing unit"),
        on_delete=models.PROTECT,
        related_name="media_items",
    )
    document = optional_link(get_document_model_string(), _("file (PDF)"))
    image = optional_link(get_image_model_string(), _("image"))
    produced_on = models.DateField(_("produced on"), null=True, blank=True)
    print_run = models.PositiveIntegerField(_("print run (copies)"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    cost = models.PositiveBigIntegerField(_("cost (VND)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    import_key = import_key_field()
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="media_item")

    class Meta:
        verbose_name = _("media item")
        verbose_name_plural = _("media items")
        ordering = ["-produced_on", "title"]

    def __str__(self):
        return self.title

    @property
    def revisions(self):
        return self._revisions

    def get_preview_template(self, request, mode_name):
        return "outreach_media/media_item_preview.html"


class OutreachRecord(models.Model):
    """Outreach done in a unit on a day: what it cost and, when it came from the activity log, the row it came from.
    Listed newest first. Each kind declares its own link to the unit (its own name for the unit's records)."""

    scope_unit_path = "unit"

    date = models.DateField(_("date"))
    cost = models.PositiveBigIntegerField(_("cost (VND)"), null=True, blank=True)
    import_key = import_key_field()

    class Meta:
        abstract = True
        ordering = ["-date", "pk"]


class Distribution(OutreachRecord):
    """Copies of a printed item handed out in a unit on a day."""

    media_item = models.ForeignKey(
        MediaItem, verbose_name=_("media item"), on_delete=models.PROTECT, related_name="distributions"
    )
    unit = unit_link("distributions")
    copies = models.PositiveIntegerField(_("copies"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)

    class Meta(OutreachRecord.Meta):
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        indexes = [models.Index(fields=["unit", "date"], name="distribution_unit_date")]

    def __str__(self):
        return f"{self.media_item} · {self.unit} · {self.date:%d/%m/%Y}"


class Airing(OutreachRecord):
    """Broadcasts of a programme by a station or a commune's loudspeakers."""

    media_item = models.ForeignKey(
        MediaItem, verbose_name=_("media item"), on_delete=models.PROTECT, related_name="airings"
    )
    unit = unit_link("airings")
    station = models.CharField(_("station"), max_length=255, blank=True)
    count = models.PositiveIntegerField(_("number of airings"), default=1)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)

    class Meta(OutreachRecord.Meta):
        verbose_name = _("airing")
        verbose_name_plural = _("airings")
        indexes = [models.Index(fields=["unit", "date"], name="airing_unit_date")]

    def __str__(self):
        return f"{self.media_item} · {self.unit} · {self.date:%d/%m/%Y}"


class Post(OutreachRecord):
    """A message or post on Zalo, a fanpage, by SMS or on a website."""

    media_item = models.ForeignKey(
        MediaItem, verbose_name=_("media item"), null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    unit = unit_link("posts")
    title = models.CharField(_("title"), max_length=255, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    count = models.PositiveIntegerField(_("number of posts or messages"), default=1)
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)
    views = models.PositiveIntegerField(_("views"), null=True, blank=True)
    interactions = models.PositiveIntegerField(_("interactions"), null=True, blank=True)

    class Meta(OutreachRecord.Meta):
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["unit", "date"], name="post_unit_date")]

    def __str__(self):
        return self.title or f"{self.get_platform_display()} · {self.date:%d/%m/%Y}"


class OutreachEvent(OutreachRecord):
    """Conferences and assisted submissions: activities counted, without a product of their own."""

    channel = models.CharField(
        _("channel"),
        max_length=20,
        choices=[(spec.value, spec.label) for spec in stored_as(Record.OUTREACH_EVENT)],
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), null=True, blank=True, on_delete=models.SET_NULL
    )
    unit = unit_link("+")
    title = models.CharField(_("title"), max_length=255, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    people = models.PositiveIntegerField(_("people"), null=True, blank=True)

    class Meta(OutreachRecord.Meta):
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")

    def __str__(self):
        return self.title or f"{self.get_channel_display()} · {self.date:%d/%m/%Y}"


class TrackedLink(models.Model):
    """A short link printed as a QR code on an item (or one print batch of it)."""

    scope_unit_path = "media_item__unit"

    media_item = models.ForeignKey(
        MediaItem, verbose_name=_("media item"), on_delete=models.CASCADE, related_name="tracked_links"
    )
    code = models.SlugField(_("short code"), max_length=20, unique=True, default=new_short_code)
    # A page of the site, chosen in the page chooser: the scan goes to wherever the page lives now, so renaming or
    # moving it never breaks a printed code. An address is for targets outside the site.
    target_page = optional_link(
        "wagtailcore.Page", _("target page"), help_text=_("The guide or page of this site that the QR code opens.")
    )
    target_url = models.CharField(
        _("other address"),
        max_length=500,
        blank=True,
        help_text=_("Only when the target is not a page of this site: a full https:// address."),
    )
    label = models.CharField(_("print batch"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_url__startswith="/") | Q(target_url__startswith="https://") | Q(target_url=""),
                name="tracked_link_target_is_local_or_https",
            )
        ]

    def __str__(self):
        return self.code

    def target(self) -> str:
        """Where a scan goes now: the chosen page's current address if it is live, else the typed address."""
        page = self.target_page
        if page is not None and page.live:
            return page.url or ""
        return self.target_url


class LinkScan(models.Model):
    """Scans of one link on one day: a count, nothing about who scanned."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="scans")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="link_scan_one_row_per_day")]

    def __str__(self):
        return f"{self.link} {self.day}: {self.count}"
