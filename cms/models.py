"""Page types of the public site and its contact settings.

Every page's ``search_text`` is the accent-folded title and body (``campaigns.core.text.fold``): the search view folds the
query the same way, so "dich vu cong" finds "Dịch vụ công" on SQLite and on PostgreSQL alike.
"""

import contextlib
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
from wagtail.admin.widgets.slug import SlugInput
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page, PageViewRestriction, Site
from wagtail.search import index

from campaigns.core.fields import optional_link
from campaigns.core.job_models import AdminJob  # noqa: F401 (a table of the cms app)
from campaigns.core.task_models import TaskLock, WorkerHeartbeat  # noqa: F401 (tables of the cms app)
from campaigns.core.text import ascii_slug, fold, slug_formatters
from campaigns.impact.narrative import public_sentences
from campaigns.impact.render import target_table
from campaigns.impact.report import reported_targets
from campaigns.models import AdministrativeUnit, Campaign, ImpactResult
from campaigns.plans.choices import CampaignStatus
from campaigns.units.areas import with_current_successors
from cms.attachments import attachment_for
from cms.blocks import BODY_FEATURES, GuideStreamBlock, NewsStreamBlock, sanitise_html, sanitise_value
from cms.page_cache import memo, page_cache_seconds, tag_versions
from cms.progress import cached_campaign_progress
from outreach_media.choices import MediaKind
from outreach_media.models import MediaItem
from trainings.models import TrainingSession
from trainings.selectors import public_calendar, with_availability

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class SitePage(Page):
    """Shared behaviour: rich text is sanitised on every save, the folded search text is indexed, and an anonymous
    visitor's response may be kept by the page cache (``cms.page_cache``) for ``cache_seconds``."""

    search_fields = [*Page.search_fields, index.SearchField("search_text")]
    # The slug field folds Vietnamese letters before Wagtail's own ASCII slugify, which would make "đăng ký khai tử"
    # "djang-ky-khai-t" (campaigns.core.text.slug_formatters).
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug", widget=SlugInput(formatters=slug_formatters())),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
            ],
            _("For search engines"),
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], _("For site menus")),
    ]
    # None: settings.PAGE_CACHE_SECONDS. Pages showing data that changes without a publication keep it shorter.
    cache_seconds = None

    class Meta:
        abstract = True

    def cache_tags(self) -> list[str]:
        """What this page shows, as the page cache's tags (``cms.page_cache``): a change to any purges it."""
        return ["site", f"page:{self.pk}"]

    def serve(self, request, *args, **kwargs):
        user = getattr(request, "user", None)
        cacheable = (
            request.method == "GET"
            and not getattr(request, "is_preview", False)
            and user is not None
            and not user.is_authenticated
            and page_cache_seconds() > 0
        )
        if cacheable:
            # Read before rendering: a change made while this page renders leaves the stored copy out of date.
            request._cms_tag_versions = tag_versions(self.cache_tags())
        response = super().serve(request, *args, **kwargs)
        if cacheable:
            default = page_cache_seconds()
            response.cms_page_cache_seconds = (
                default if self.cache_seconds is None else min(self.cache_seconds, default)
            )
        return response

    def _set_core_field_defaults(self):
        # Readable ASCII slugs (WAGTAIL_ALLOW_UNICODE_SLUGS is off): "Đăng ký khai tử" → "dang-ky-khai-tu", never
        # "%C4%91%C4%83ng-k%C3%BD" in a printed or shared address. A slug typed or pasted with diacritics is
        # transliterated the same way instead of being refused.
        parent_is_known = bool(self.path or getattr(self, "_cached_parent_obj", None))
        if not self.slug and parent_is_known and self.title:
            base_slug = ascii_slug(self.title)
            if base_slug:
                self.slug = self._get_autogenerated_slug(base_slug)
        elif self.slug and not self.slug.isascii():
            self.slug = ascii_slug(self.slug) or self.slug
        super()._set_core_field_defaults()

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
        # Imported when used: cms.routing imports Wagtail's views, which need the app registry this module helps fill.
        from cms.routing import Crumb

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

    lists_children = False  # it shows its children: adding, changing or removing one purges it
    extra_cache_tags: tuple[str, ...] = ()  # the other page cache tags of what it shows

    class Meta:
        abstract = True

    def cache_tags(self) -> list[str]:
        children = [f"children:{self.path}"] if self.lists_children else []
        return [*super().cache_tags(), *children, *self.extra_cache_tags]


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

    cache_seconds = 60  # upcoming classes open and close for registration, campaign figures change

    HOME_CLASSES = 4

    # Its sections (children in the menu), the latest guides and news anywhere below it, the classes open for
    # registration and the running campaigns with their figures.
    lists_children = True
    extra_cache_tags = ("list:cms.guidepage", "list:cms.newspage", "list:cms.campaignpage", "campaigns", "trainings")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().in_menu().specific()
        context["guides"] = GuidePage.objects.live().descendant_of(self).order_by("-first_published_at")[:4]
        context["news"] = NewsPage.objects.live().descendant_of(self).order_by("-date", "-pk")[:3]
        context["sessions"] = self.open_classes()
        context["campaign_pages"] = self.running_campaigns()
        context["calendar"] = TrainingCalendarPage.objects.live().public().descendant_of(self).first()
        return context

    def open_classes(self, now=None) -> list:
        """Public classes still to come whose registration is open, the nearest first, with their seats."""

        now = now or timezone.now()
        return with_availability(
            TrainingSession.objects.filter(is_public=True, is_cancelled=False, starts_at__gte=now)
            .filter(models.Q(registration_opens_at__isnull=True) | models.Q(registration_opens_at__lte=now))
            .filter(
                models.Q(registration_closes_at__gte=now)
                | models.Q(registration_closes_at__isnull=True, starts_at__gte=now)
            )
            .select_related("unit")
            .order_by("starts_at", "pk")[: self.HOME_CLASSES],
            now=now,
        )

    def running_campaigns(self) -> list:
        """Published campaign pages of campaigns under way today, each with its current rate (``cms.progress``)."""

        today = timezone.localdate()
        pages = (
            CampaignPage.objects.live()
            .public()
            .descendant_of(self)
            .filter(campaign__starts_on__lte=today, campaign__ends_on__gte=today)
            .exclude(campaign__status__in=[CampaignStatus.CANCELLED, CampaignStatus.FINISHED])
            .select_related("campaign__unit")
            .order_by("campaign__ends_on", "pk")[:6]
        )
        return list(pages)


# --- Guides ----------------------------------------------------------------------------------------------------
class SectionIndexPage(IntroPage):
    """A section of the site right under the home page that lists its child pages (guides, news)."""

    parent_page_types = ["cms.HomePage"]
    lists_children = True

    class Meta:
        abstract = True


class GuideIndexPage(SectionIndexPage):
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
    handbook = optional_link("wagtaildocs.Document", _("downloadable handbook"))

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
    CONTENTS_MIN_SECTIONS = 3

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def text_parts(self) -> list[str]:
        return [self.intro, self.applies_to, self.audience, *_stream_text(self, "steps")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        numbered, contents, number = [], [], 0
        for block in self.steps:
            if block.block_type == "step":
                number += 1
                anchor = f"buoc-{number}"
                contents.append((anchor, block.value["heading"], number))
                numbered.append((block, number, anchor))
            elif block.block_type == "faq":
                anchor = f"hoi-dap-{len(contents) + 1}"
                contents.append((anchor, block.value.get("heading") or "", None))
                numbered.append((block, None, anchor))
            else:
                numbered.append((block, None, ""))
        context["numbered_steps"] = numbered
        # GOV.UK's rule of thumb: a contents list once a guide has enough sections to scroll past.
        context["contents"] = contents if len(contents) >= self.CONTENTS_MIN_SECTIONS else []
        context["attachment"] = attachment_for(self.handbook)
        context["related"] = memo(request, ("related-guides", self.pk), functools.partial(self.related_links, request))
        return context

    def related_links(self, request) -> tuple:
        """The live related guides as (title, url): plain data, kept per content version by the routing memo."""
        # Imported when used: cms.routing imports Wagtail's views, which need the app registry this module helps fill.
        from cms.routing import Crumb

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
class NewsIndexPage(SectionIndexPage):
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
    image = optional_link("wagtailimages.Image", _("main image"))
    image_alt = models.CharField(
        _("alternative text of the main image"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    body = StreamField(NewsStreamBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    campaign = optional_link("campaigns.Campaign", _("related campaign"))

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

    def cache_tags(self) -> list[str]:
        tags = super().cache_tags()
        return [*tags, f"campaign:{self.campaign_id}"] if self.campaign_id else tags

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
        from django.core.cache import cache

        key = f"cms:campaign-class-units:{self.campaign.unit_id}:{timezone.localdate()}"
        with contextlib.suppress(Exception):  # a broken cache only costs speed
            found = cache.get(key)
            if found is not None:
                return found
        units = with_current_successors(self.campaign.unit_id)
        with contextlib.suppress(Exception):
            cache.set(key, units, 3600)  # units and their succession change with a reform, not within the hour
        return units

    @cached_property
    def progress(self):

        return cached_campaign_progress(self.campaign)

    def campaign_targets(self) -> list[list[str]]:
        """The campaign's targets as its report judges them (indicator, target, deadline, value, verdict): from the
        stored report when there is one, else the targets that have a reported value."""

        result = ImpactResult.objects.filter(campaign_id=self.campaign_id).only("payload").first()
        if result is not None:
            targets = result.payload.get("targets") or []
        else:
            targets = [target for target in reported_targets(self.campaign) if target["value"] is not None]
        if not targets:
            return []
        _headers, rows = target_table({"targets": targets})
        return [[cell for index, cell in enumerate(row) if index != 4] for row in rows]

    def cache_tags(self) -> list[str]:
        # The campaign's record and stored impact report, the targets, the classes it lists.
        return [*super().cache_tags(), f"campaign:{self.campaign_id}", "campaigns", "trainings"]

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = self.progress
        context["campaign_targets"] = self.campaign_targets()
        context["sessions"] = with_availability(
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
        """The stored impact report in plain words, in the visitor's language (``public_sentences``: what was
        observed and the headline effect, no confidence intervals), when one has been computed."""

        result = ImpactResult.objects.filter(campaign_id=self.campaign_id).only("payload", "computed_at").first()
        if result is None:
            return None
        try:
            text = " ".join(public_sentences(result.payload))
        except (AttributeError, KeyError, TypeError, ValueError):
            return None  # a payload of an older shape: nothing rather than a broken page
        if not text:
            return None  # a report that could not estimate an effect: nothing worth a citizen's time
        return {"text": text, "computed_at": result.computed_at}


# --- Training calendar and documents -------------------------------------------------------------------------------
class TrainingCalendarPage(IntroPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1
    cache_seconds = 60  # classes open and close for registration with time
    extra_cache_tags = ("trainings",)

    class Meta:
        verbose_name = _("training calendar")
        verbose_name_plural = _("training calendars")

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        upcoming = TrainingSession.objects.filter(is_public=True, ends_at__gte=now)
        units = AdministrativeUnit.objects.filter(pk__in=upcoming.values("unit_id")).order_by("name")
        unit_id = request.GET.get("unit", "")
        selected = next((unit for unit in units if str(unit.pk) == unit_id), None)
        context.update(
            sessions=public_calendar(unit=selected, now=now),
            units=units,
            selected_unit=selected,
            now=now,
        )
        return context


class DocumentLibraryPage(IntroPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1
    extra_cache_tags = ("media", "campaigns")

    class Meta:
        verbose_name = _("document library")
        verbose_name_plural = _("document libraries")

    def get_context(self, request, *args, **kwargs):

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


class PageFeedback(models.Model):
    """One answer to "Was this page useful?": yes or no and an optional short comment. Nothing about the person is
    kept (no address, no account, no cookie); the sender's address is only used, hashed, to limit how often it may
    answer (``cms.feedback``)."""

    COMMENT_MAX_LENGTH = 500

    page = models.ForeignKey(Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="feedback")
    is_useful = models.BooleanField(_("useful"))
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("page feedback")
        verbose_name_plural = _("page feedback")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["page", "created_at"], name="page_feedback_page_created")]

    def __str__(self):
        return f"{self.page_id}: {'+' if self.is_useful else '-'}"
