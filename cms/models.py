"""Page types of the public site and its contact settings.

Every page's ``search_text`` is the accent-folded title and body (``cms.text.fold``): the search view folds the
query the same way, so "dich vu cong" finds "Dịch vụ công" on SQLite and on PostgreSQL alike.
"""

import datetime

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
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import BODY_FEATURES, GuideStreamBlock, NewsStreamBlock, sanitise_html, sanitise_value
from .text import fold

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class SitePage(Page):
    """Shared behaviour: rich text is sanitised on every save, and the folded search text is indexed."""

    search_fields = [*Page.search_fields, index.SearchField("search_text")]

    class Meta:
        abstract = True

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


class HomePage(SitePage):
    """The public site's root page. Guides, news and campaign pages live below it."""

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
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
class GuideIndexPage(SitePage):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
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
        context["related"] = [
            link.guide
            for link in self.related_guides.select_related("guide").order_by("sort_order")
            if link.guide and link.guide.live
        ]
        return context


class GuideRelatedLink(Orderable):
    page = ParentalKey(GuidePage, on_delete=models.CASCADE, related_name="related_guides")
    guide = models.ForeignKey(
        GuidePage, verbose_name=_("guide"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("guide")]

    class Meta(Orderable.Meta):
        verbose_name = _("related guide")
        verbose_name_plural = _("related guides")


# --- News ------------------------------------------------------------------------------------------------------
class NewsIndexPage(SitePage):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
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
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign page")
        verbose_name_plural = _("campaign pages")
        constraints = [models.UniqueConstraint(fields=["campaign"], name="campaign_page_one_per_campaign")]

    def text_parts(self) -> list[str]:
        return [strip_tags(self.intro)]

    @cached_property
    def progress(self):
        from .views import campaign_progress

        return campaign_progress(self.campaign)

    def get_context(self, request, *args, **kwargs):
        from trainings.models import TrainingSession

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = self.progress
        context["sessions"] = (
            TrainingSession.objects.filter(campaign_id=self.campaign_id, is_public=True, starts_at__gte=timezone.now())
            .select_related("unit")
            .order_by("starts_at")[:10]
        )
        context["now"] = timezone.now()
        return context


# --- Training calendar and documents -------------------------------------------------------------------------------
class TrainingCalendarPage(SitePage):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

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


class DocumentLibraryPage(SitePage):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
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
