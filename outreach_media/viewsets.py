"""Wagtail admin for outreach media: items as snippets (drafts, revisions, preview), listings of
distributions, airings, posts and events with filters and formula-safe exports, all scoped by unit."""

import django_filters
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import AdminPageChooser
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.chooser import ChooseResultsView as SnippetChooseResultsView
from wagtail.snippets.views.chooser import ChooseView as SnippetChooseView
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from campaigns.access import permissions
from campaigns.access.jobs import BackgroundExportMixin
from campaigns.access.viewsets import (
    ScopedIndexView,
    ScopedModelViewSet,
    ScopedObjectMixin,
    ScopeGuardMixin,
    UnitInScopeForm,
)
from campaigns.core.count_fields import count_column
from campaigns.statistics.viewsets import DayColumn, unit_chooser_viewset
from outreach_media.choices import MediaKind
from outreach_media.exports import OutreachExportRunner, export_response
from outreach_media.links import links_context, validate_target_url
from outreach_media.models import Airing, Distribution, MediaItem, OutreachEvent, Post, TrackedLink


class ExportingIndexView(BackgroundExportMixin, ScopedIndexView):
    """A scoped listing whose downloads stream at constant memory (outreach_media/exports.py, formula-safe);
    above ``ADMIN_EXPORT_DIRECT_MAX_ROWS`` rows the task worker writes the file."""

    export_runner = OutreachExportRunner

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.model is Distribution and permissions.has_model_permission(
            self.request.user, permissions.ADD, Distribution
        ):
            buttons.append(HeaderButton(_("Record several"), url=reverse("outreach_media_bulk"), icon_name="list-ul"))
        return buttons

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")

    def direct_spreadsheet(self, queryset, spreadsheet_format):
        return export_response(self.model, queryset, self.list_export, spreadsheet_format, self.get_filename())

    def export_params(self) -> dict:
        return {"fields": list(self.list_export)}


# -- media items (snippets) ----------------------------------------------------------------------------
class MediaItemIndexView(SnippetIndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        return permissions.filter_for_user(self.request.user, queryset, permissions.VIEW).select_related("unit")


class MediaItemEditView(ScopedObjectMixin, SnippetEditView):
    scoped_action = permissions.CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tracked_links"] = links_context(self.object)
        return context


class MediaItemFilterSet(WagtailFilterSet):
    class Meta:
        model = MediaItem
        fields = ["kind", "campaign", "live"]


class ScopedChooseMixin:
    def get_object_list(self):
        return permissions.filter_for_user(self.request.user, super().get_object_list(), permissions.VIEW)


class MediaItemChooseView(ScopedChooseMixin, SnippetChooseView):
    pass


class MediaItemChooseResultsView(ScopedChooseMixin, SnippetChooseResultsView):
    pass


class MediaItemChooserViewSet(ScopeGuardMixin, SnippetChooserViewSet):
    """The chooser lists only items in the user's scope and refuses to hand out another one."""

    choose_view_class = MediaItemChooseView
    choose_results_view_class = MediaItemChooseResultsView


class MediaItemViewSet(ScopeGuardMixin, SnippetViewSet):
    model = MediaItem
    chooser_viewset_class = MediaItemChooserViewSet
    icon = "doc-full"
    menu_label = _("Media items")
    menu_order = 100
    url_prefix = "outreach-media/items"
    edit_template_name = "outreach_media/media_item_edit.html"
    index_view_class = MediaItemIndexView
    edit_view_class = MediaItemEditView
    list_display = [
        "title",
        "kind",
        Column("unit", label=_("Unit")),
        "campaign",
        count_column(MediaItem, "print_run"),
        count_column(MediaItem, "cost"),
    ]
    list_export = ["title", "kind", "unit__code", "unit__name", "produced_on", "print_run", "duration_minutes", "cost"]
    filterset_class = MediaItemFilterSet
    search_fields = ["title"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("kind"), FieldPanel("produced_on")]),
            FieldPanel("title"),
            FieldPanel("campaign"),
            FieldPanel("unit", widget=unit_chooser_viewset.widget_class),
            FieldRowPanel([FieldPanel("document"), FieldPanel("image")]),
            FieldRowPanel([FieldPanel("print_run"), FieldPanel("duration_minutes"), FieldPanel("cost")]),
            FieldPanel("description"),
        ],
        base_form_class=UnitInScopeForm,
    )


# -- where the media went ------------------------------------------------------------------------------
class MonthFilterSet(WagtailFilterSet):
    date = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    unit_code = django_filters.CharFilter(field_name="unit__code", label=_("Unit code"))


class MediaItemRecordFilterSet(MonthFilterSet):
    """Records of a media item (distributions, airings): by the item's campaign and kind, and by date."""

    kind = django_filters.ChoiceFilter(field_name="media_item__kind", choices=MediaKind.choices, label=_("Kind"))

    class Meta:
        fields = ["media_item__campaign", "kind", "date"]


class DistributionFilterSet(MediaItemRecordFilterSet):
    class Meta(MediaItemRecordFilterSet.Meta):
        model = Distribution


class AiringFilterSet(MediaItemRecordFilterSet):
    class Meta(MediaItemRecordFilterSet.Meta):
        model = Airing


class PostFilterSet(MonthFilterSet):
    class Meta:
        model = Post
        fields = ["media_item__campaign", "platform", "date"]


class EventFilterSet(MonthFilterSet):
    class Meta:
        model = OutreachEvent
        fields = ["campaign", "channel", "date"]


def unit_panel():
    return FieldPanel("unit", widget=unit_chooser_viewset.widget_class)


def unit_and_date_columns():
    return [Column("unit", label=_("Unit")), DayColumn("date", label=_("Date"))]


def record_panels(*panels):
    """The edit form of an outreach record: its panels, with the unit and campaign kept within the user's scope."""
    return ObjectList(list(panels), base_form_class=UnitInScopeForm)


class OutreachRecordViewSet(ScopedModelViewSet):
    """A scoped listing of outreach records, searched in the database and exported formula-safe."""

    index_view_class = ExportingIndexView
    search_backend_name = None


class DistributionViewSet(OutreachRecordViewSet):
    model = Distribution
    icon = "download"
    menu_label = _("Distributions")
    menu_order = 200
    list_display = [
        "media_item",
        *unit_and_date_columns(),
        count_column(Distribution, "copies"),
        "place",
    ]
    list_export = [
        "media_item__title",
        "unit__code",
        "unit__name",
        "date",
        "copies",
        "place",
        "people_reached",
        "cost",
    ]
    export_filename = "phan-phat"
    filterset_class = DistributionFilterSet
    search_fields = ["place", "media_item__title"]
    edit_handler = record_panels(
        FieldPanel("media_item"),
        unit_panel(),
        FieldRowPanel([FieldPanel("date"), FieldPanel("copies")]),
        FieldPanel("place"),
        FieldRowPanel([FieldPanel("people_reached"), FieldPanel("cost")]),
    )


class AiringViewSet(OutreachRecordViewSet):
    model = Airing
    icon = "media"
    menu_label = _("Airings")
    menu_order = 300
    list_display = [
        "media_item",
        Column("unit", label=_("Unit")),
        "station",
        DayColumn("date", label=_("Date")),
        count_column(Airing, "count"),
    ]
    list_export = ["media_item__title", "unit__code", "unit__name", "station", "date", "count", "duration_minutes"]
    export_filename = "phat-song"
    filterset_class = AiringFilterSet
    search_fields = ["station", "media_item__title"]
    edit_handler = record_panels(
        FieldPanel("media_item"),
        unit_panel(),
        FieldPanel("station"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("count"), FieldPanel("duration_minutes")]),
        FieldRowPanel([FieldPanel("people_reached"), FieldPanel("cost")]),
    )


class PostViewSet(OutreachRecordViewSet):
    model = Post
    icon = "comment"
    menu_label = _("Posts and messages")
    menu_order = 400
    list_display = [
        "__str__",
        "platform",
        *unit_and_date_columns(),
        count_column(Post, "reach"),
    ]
    list_export = [
        "title",
        "platform",
        "unit__code",
        "unit__name",
        "date",
        "link",
        "count",
        "reach",
        "views",
        "interactions",
    ]
    export_filename = "bai-dang"
    filterset_class = PostFilterSet
    search_fields = ["title", "link"]
    edit_handler = record_panels(
        FieldRowPanel([FieldPanel("platform"), FieldPanel("date")]),
        FieldPanel("title"),
        FieldPanel("media_item"),
        unit_panel(),
        FieldPanel("link"),
        FieldRowPanel([FieldPanel("count"), FieldPanel("reach"), FieldPanel("views"), FieldPanel("interactions")]),
        FieldPanel("cost"),
    )


class OutreachEventViewSet(OutreachRecordViewSet):
    model = OutreachEvent
    icon = "group"
    menu_label = _("Conferences and assisted submissions")
    menu_order = 500
    list_display = [
        "__str__",
        "channel",
        *unit_and_date_columns(),
        count_column(OutreachEvent, "quantity"),
    ]
    list_export = ["title", "channel", "unit__code", "unit__name", "date", "quantity", "people", "cost"]
    export_filename = "su-kien"
    filterset_class = EventFilterSet
    search_fields = ["title"]
    edit_handler = record_panels(
        FieldRowPanel([FieldPanel("channel"), FieldPanel("date")]),
        FieldPanel("title"),
        FieldPanel("campaign"),
        unit_panel(),
        FieldRowPanel([FieldPanel("quantity"), FieldPanel("people"), FieldPanel("cost")]),
    )


class TrackedLinkForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "media_item" in self.fields:
            field = self.fields["media_item"]
            field.queryset = permissions.filter_for_user(self.for_user, field.queryset, permissions.CHANGE)

    def clean_target_url(self):
        value = (self.cleaned_data.get("target_url") or "").strip()
        if value:
            validate_target_url(value)
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("target_page") and not cleaned.get("target_url") and "target_url" not in self.errors:
            raise ValidationError(
                _("Choose the page that the QR code opens (or type an https:// address outside this site)."),
                code="no_target",
            )
        return cleaned


class TrackedLinkViewSet(ScopedModelViewSet):
    model = TrackedLink
    icon = "link"
    menu_label = _("Tracked links (QR)")
    menu_order = 150
    list_display = [
        "code",
        "media_item",
        Column("target", accessor=TrackedLink.target, label=pgettext_lazy("tracked link", "Target")),
        "label",
        BooleanColumn("active", label=_("Active")),
    ]
    search_fields = ["code", "label", "target_url"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("media_item"),
            FieldPanel("target_page", widget=AdminPageChooser()),
            FieldPanel("target_url"),
            FieldPanel("label"),
            FieldPanel("active"),
        ],
        base_form_class=TrackedLinkForm,
    )


class OutreachGroup(ViewSetGroup):
    menu_label = _("Outreach media")
    menu_icon = "doc-full"
    menu_order = 550
    items = (
        MediaItemViewSet(),
        TrackedLinkViewSet("tracked_links"),
        DistributionViewSet("distributions"),
        AiringViewSet("airings"),
        PostViewSet("posts"),
        OutreachEventViewSet("outreach_events"),
    )
