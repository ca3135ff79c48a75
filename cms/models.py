"""Page types of the public site and its contact settings.

Every page's ``search_text`` is the accent-folded title and body (``cms.text.fold``): the search view folds the
query the same way, so "dich vu cong" finds "Dịch vụ công" on SQLite and on PostgreSQL alike.
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page, PageViewRestriction, Site
from wagtail.search import index

from .blocks import BODY_FEATURES, GuideStreamBlock, NewsStreamBlock, sanitise_html, sanitise_value
from .page_cache import memo, page_cache_seconds
from .text import fold

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class SitePage(Page):
    """Shared behaviour: rich text is sanitised on every save, the folded search text is indexed, and an anonymous
    visitor's response may be kept by the page cache (``cms.page_cache``) for ``cache_seconds``."""

    search_fields = [*Page.search_fields, index.SearchField("search_text")]
    # None: settings.PAGE_CACHE_SECONDS. Pages showing data that changes without a publication keep it shorter.
    cache_seconds = None

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and not getattr(request, "is_preview", False)
            and user is not None
            and not user.is_authenticated
        ):
            default = page_cache_seconds()
            response.cms_page_cache_seconds = (
                default if self.cache_seconds is None else min(self.cache_seconds, default)
            )
        return response

    def get_view_restrictions(self):
        # Set by cms.routing when neither this page nor an ancestor is restricted: spares Wagtail's two queries.
        if getattr(self, "_cms_unrestricted", False):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def breadcrumb(self, request) -> list:
        """The ancestors below the tree's root as (title, url), from the routing memo when this page was routed."""
        route = getattr(request, "_wagtail_route_for_request", None)
        if route is not None and route[0] is self and hasattr(request, "_cms_breadcrumb"):
            return list(request._cms_breadcrumb)
        from .routing import Crumb

        return [Crumb(page.title, page.get_url(request)) for page in self.get_ancestors().filter(depth__gt=1)]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumb"] = functools.partial(self.breadcrumb, request)  # evaluated only by pages that show it
        return context

    def text_parts(self) -> list[str]:
        return []

    def search_text(self) -> str:
        return fold(" ".join([self.title, *self.text_parts()]))

    def sanitise_rich_text(self) -> None:
        for field in self._meta.get_fields():
            if isinstance(field, RichTextField):
                setattr(self, field.attname, sanitise_html(getattr(self, field.attname)))
            elif isinstance(field, StreamField):
                sanitise_value(getattr(self, field.attname))

    def save(self, *args, **kwargs):
        self.sanitise_rich_text()
        return super().save(*args, **kwargs)

    @property
    def og_image(self):
        return None


def _stream_text(page, name: str) -> list[str]:
    return page._meta.get_field(name).get_searchable_content(getattr(page, name))


class IntroPage(SitePage):
    """A page whose own content is a short introduction (home, indexes, calendar, document library)."""

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]

    class Meta:
        abstract = True


class HomePage(IntroPage):
    """The public site's root page. Guides, news and campaign pages live below it."""

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.GuideIndexPage",
        "cms.NewsIndexPage",
        "cms.CampaignPage",
        "cms.TrainingCalendarPage",
        "cms.DocumentLibraryPage",
    ]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().in_menu().specific()
        context["guides"] = GuidePage.objects.live().descendant_of(self).order_by("-first_published_at")[:4]
        context["news"] = NewsPage.objects.live().descendant_of(self).order_by("-date", "-pk")[:3]
        return context


# --- Guides ----------------------------------------------------------------------------------------------------
class GuideIndexPage(IntroPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.GuidePage"]

    class Meta:
        verbose_name = _("guide index")
        verbose_name_plural = _("guide indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = GuidePage.objects.live().child_of(self).order_by("path")
        return context


class GuidePage(SitePage):
    """A step-by-step guide to one procedure: the page a leaflet's QR code opens."""

    intro = models.TextField(_("summary"), blank=True, max_length=500, help_text=_("One or two sentences."))
    applies_to = models.CharField(
        _("applies to procedure"), max_length=255, blank=True, help_text=_("The administrative procedure.")
    )
    audience = models.CharField(_("audience"), max_length=255, blank=True, help_text=_("Who this guide is for."))
    steps = StreamField(GuideStreamBlock(), verbose_name=_("steps"), blank=True)
    handbook = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("downloadable handbook"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("applies_to"), FieldPanel("audience")], heading=_("Procedure")),
        FieldPanel("steps"),
        FieldPanel("handbook"),
        InlinePanel("related_guides", label=_("Related guides")),
    ]
    api_fields = [
        APIField("intro"),
        APIField("applies_to"),
        APIField("audience"),
        APIField("steps"),
        APIField("handbook"),
        APIField("related_guides"),
    ]
    parent_page_types = ["cms.GuideIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def text_parts(self) -> list[str]:
        return [self.intro, self.applies_to, self.audience, *_stream_text(self, "steps")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        numbered, number = [], 0
        for block in self.steps:
            if block.block_type == "step":
                number += 1
                numbered.append((block, number))
            else:
                numbered.append((block, None))
        context["numbered_steps"] = numbered
        context["related"] = memo(request, ("related-guides", self.pk), functools.partial(self.related_links, request))
        return context

    def related_links(self, request) -> tuple:
        """The live related guides as (title, url): plain data, kept per content version by the routing memo."""
        from .routing import Crumb

        links = self.related_guides.select_related("guide").order_by("sort_order")
        return tuple(
            Crumb(link.guide.title, link.guide.get_url(request)) for link in links if link.guide and link.guide.live
        )


class GuideRelatedLink(Orderable):
    page = ParentalKey(GuidePage, on_delete=models.CASCADE, related_name="related_guides")
    guide = models.ForeignKey(
        GuidePage, verbose_name=_("guide"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("guide")]
    api_fields = [APIField("guide")]

    class Meta(Orderable.Meta):
        verbose_name = _("related guide")
        verbose_name_plural = _("related guides")


# --- News ------------------------------------------------------------------------------------------------------
class NewsIndexPage(IntroPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.live().child_of(self).select_related("image").order_by("-date", "-pk")
        tag = request.GET.get("tag", "").strip()
        if tag:
            news = news.filter(tags__slug=tag)
        context.update(news=news[:50], tag=tag)
        return context


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsPage(SitePage):
    date = models.DateField(_("date"), default=datetime.date.today)
    author = models.CharField(_("author"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    source_url = models.URLField(_("source link"), blank=True)
    intro = models.TextField(_("summary"), blank=True, max_length=500)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("alternative text of the main image"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    body = StreamField(NewsStreamBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("related campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("author"), FieldPanel("source"), FieldPanel("source_url")],
            heading=_("Byline"),
        ),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Main image")),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("campaign"),
    ]
    api_fields = [
        APIField("date"),
        APIField("author"),
        APIField("source"),
        APIField("source_url"),
        APIField("intro"),
        APIField("image"),
        APIField("image_alt"),
        APIField("image_thumbnail", serializer=ImageRenditionField("fill-1200x630|format-jpeg", source="image")),
        APIField("body"),
        APIField("tags"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def clean(self):
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image: alternative text is required.")})

    def text_parts(self) -> list[str]:
        return [self.intro, self.author, self.source, *_stream_text(self, "body")]

    @property
    def og_image(self):
        return self.image

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tag_list"] = list(self.tags.all())
        context["campaign_page"] = (
            CampaignPage.objects.live().filter(campaign_id=self.campaign_id).first() if self.campaign_id else None
        )
        return context


# --- Campaigns -------------------------------------------------------------------------------------------------
class CampaignPage(SitePage):
    """The public face of a campaign record, with its live progress."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    intro = RichTextField(_("introduction"), blank=True, features=BODY_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("campaign"), FieldPanel("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    cache_seconds = 60  # live progress and upcoming classes

    class Meta:
        verbose_name = _("campaign page")
        verbose_name_plural = _("campaign pages")
        constraints = [models.UniqueConstraint(fields=["campaign"], name="campaign_page_one_per_campaign")]

    def text_parts(self) -> list[str]:
        return [strip_tags(self.intro)]

    def class_unit_ids(self) -> set[int]:
        """The campaign's unit, the units below it, and the units in force today that they went into.

        A campaign of a district abolished in 2025 still lists the classes its people can attend: those of the
        communes that took over its communes (wholly or in part), through the unit succession links."""
        from campaigns.models import AdministrativeUnit
        from campaigns.succession import map_to_current_units

        own = set(AdministrativeUnit.objects.descendants_of([self.campaign.unit_id]).values_list("pk", flat=True))
        return own | set(map_to_current_units(dict.fromkeys(own, 1)).by_unit)

    @cached_property
    def progress(self):
        from .views import campaign_progress

        return campaign_progress(self.campaign)

    def get_context(self, request, *args, **kwargs):
        from trainings.models import TrainingSession

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = self.progress
        context["sessions"] = (
            TrainingSession.objects.filter(
                models.Q(campaign_id=self.campaign_id) | models.Q(unit_id__in=self.class_unit_ids()),
                is_public=True,
                starts_at__gte=timezone.now(),
            )
            .select_related("unit")
            .order_by("starts_at")[:10]
        )
        context["now"] = timezone.now()
        context["impact"] = self.impact_summary()
        return context

    def impact_summary(self) -> dict | None:
        """The stored impact report's plain-language summary (Vietnamese), when one has been computed."""
        from campaigns.models import ImpactResult

        result = ImpactResult.objects.filter(campaign_id=self.campaign_id).only("payload", "computed_at").first()
        if result is None or not result.payload.get("effect") or not (result.payload.get("narrative") or {}).get("vi"):
            return None  # no report, or one that could not estimate an effect: nothing worth a citizen's time
        return {"text": result.payload["narrative"]["vi"], "computed_at": result.computed_at}


# --- Training calendar and documents -------------------------------------------------------------------------------
class TrainingCalendarPage(IntroPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1
    cache_seconds = 60  # classes open and close for registration with time

    class Meta:
        verbose_name = _("training calendar")
        verbose_name_plural = _("training calendars")

    def get_context(self, request, *args, **kwargs):
        from campaigns.models import AdministrativeUnit
        from trainings.models import TrainingSession

        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        upcoming = TrainingSession.objects.filter(is_public=True, ends_at__gte=now).select_related("unit")
        units = AdministrativeUnit.objects.filter(pk__in=upcoming.values("unit_id")).order_by("name")
        unit_id = request.GET.get("unit", "")
        selected = next((unit for unit in units if str(unit.pk) == unit_id), None)
        if selected is not None:
            upcoming = upcoming.filter(unit=selected)
        context.update(
            sessions=list(upcoming.order_by("starts_at", "unit__name")[:100]),
            units=units,
            selected_unit=selected,
            now=now,
        )
        return context


class DocumentLibraryPage(IntroPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("document library")
        verbose_name_plural = _("document libraries")

    def get_context(self, request, *args, **kwargs):
        from campaigns.models import Campaign
        from outreach_media.choices import MediaKind
        from outreach_media.models import MediaItem

        context = super().get_context(request, *args, **kwargs)
        items = MediaItem.objects.filter(live=True, document__isnull=False).select_related("document", "campaign")
        campaigns = list(Campaign.objects.filter(pk__in=items.values("campaign_id")).order_by("-starts_on"))
        kind = request.GET.get("kind", "")
        if kind in MediaKind.values:
            items = items.filter(kind=kind)
        else:
            kind = ""
        campaign = next((c for c in campaigns if c.slug == request.GET.get("campaign", "")), None)
        if campaign is not None:
            items = items.filter(campaign=campaign)
        context.update(
            items=list(items.order_by("-produced_on", "title")[:200]),
            kinds=MediaKind.choices,
            campaigns=campaigns,
            selected_kind=kind,
            selected_campaign=campaign,
            filtered=bool(kind or campaign),
        )
        return context


# --- Contact settings ------------------------------------------------------------------------------------------
@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Contact details and portal links shown in the footer of every public page."""

    hotline = models.CharField(_("hotline"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    national_portal_url = models.URLField(
        _("national public service portal"), default="https://dichvucong.gov.vn", blank=True
    )
    provincial_portal_url = models.URLField(_("provincial public service portal"), blank=True)

    class Meta:
        verbose_name = _("site contact details")

    @classmethod
    def for_request(cls, request):
        """Wagtail's per-request settings, loaded once per content version and process (``cms.page_cache.memo``)."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        names = [field.attname for field in cls._meta.concrete_fields]

        def load():
            instance = cls.for_site(site)
            return [getattr(instance, name) for name in names]

        instance = cls.from_db("default", names, memo(request, ("site-settings", site.pk), load))
        instance._request = request
        setattr(request, attr_name, instance)
        return instance


class LoginThrottle(models.Model):
    """Failed logins per keyed hash of (address, account) or of an address (cms.auth); no personal data."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    last_failure = models.DateTimeField(_("last failure"))
    blocked_until = models.DateTimeField(_("refused until"), null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self):
        return self.key
