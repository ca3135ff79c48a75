import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import CreateView, IndexView
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
)
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.admin.widgets.chooser import BaseChooser

from campaigns.access import permissions
from campaigns.access.choosers import unit_choice_label
from campaigns.access.jobs import BackgroundExportMixin
from campaigns.access.models import UserScope
from campaigns.access.viewsets import (
    ScopedEditView,
    ScopedIndexView,
    ScopedModelViewSet,
    ScopeGuardMixin,
    UnitInScopeForm,
)
from campaigns.core.count_fields import count_column
from campaigns.core.months import classify_period, period_label
from campaigns.core.text import fold
from campaigns.statistics.export_jobs import StatisticsExportRunner
from campaigns.statistics.exports import EXPORT_FIELDS, spreadsheet_response
from campaigns.statistics.models import COUNT_FIELD_NAMES, DossierStatistic, StatisticSource
from campaigns.statistics.precedence import counting_source, precedence_key
from campaigns.units.choices import UnitLevel
from campaigns.units.models import AdministrativeUnit, UnitSuccession


class DayColumn(Column):
    """A date shown as dd/mm/yyyy (Wagtail's DateColumn shows "1 year ago", wrong for validity dates)."""

    def __init__(self, name, **kwargs):
        super().__init__(name, accessor=lambda obj: self._format(getattr(obj, name)), **kwargs)

    @staticmethod
    def _format(value):
        return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def search_units(queryset, query: str):
    """Accent-insensitive search on unit names; a query of digits matches codes from the start."""
    query = (query or "").strip()
    if not query:
        return queryset
    if query.isdigit():
        return queryset.filter(code__startswith=query)
    folded = fold(query).strip()
    if not folded:  # only marks or symbols that folding removes: nothing to look for
        return queryset.none()
    return queryset.filter(name_folded__contains=folded)


class UnitEraFilter(django_filters.ChoiceFilter):
    def filter(self, qs, value):
        if value == "current":
            return qs.current()
        if value == "historical":
            return qs.filter(valid_to__isnull=False)
        return qs


class AdministrativeUnitFilterSet(WagtailFilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=UnitLevel.choices)
    era = UnitEraFilter(
        label=_("Validity"),
        choices=[("current", _("In force today")), ("historical", _("No longer in force"))],
    )

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "unit_type"]


class AdministrativeUnitIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("parent")

    def search_queryset(self, queryset):
        return search_units(queryset, self.search_query) if self.is_searching else queryset


class AdministrativeUnitViewSet(ScopedModelViewSet):
    model = AdministrativeUnit
    icon = "site"
    menu_label = _("Administrative units")
    menu_order = 100
    add_to_admin_menu = False
    index_view_class = AdministrativeUnitIndexView
    inspect_view_enabled = True
    list_display = [
        "name",
        "code",
        Column("level", label=_("Level"), accessor="get_level_display"),
        Column("parent", label=_("Parent unit")),
        DayColumn("valid_from", label=_("Valid from")),
        DayColumn("valid_to", label=_("Valid until")),
    ]
    search_fields = ["name", "code"]
    filterset_class = AdministrativeUnitFilterSet
    list_per_page = 50
    ordering = ["code", "valid_from"]
    inspect_view_fields = ["code", "level", "unit_type", "name", "parent", "valid_from", "valid_to"]
    list_export = ["code", "level", "unit_type", "name", "parent", "valid_from", "valid_to"]
    export_filename = "don-vi-hanh-chinh"

    @property
    def panels(self):
        return [
            *(FieldPanel(name) for name in ("code", "level", "unit_type", "name")),
            FieldPanel("parent", widget=unit_chooser_viewset.widget_class),
            FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
        ]


class UnitChooserFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or code")}),
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels")), *UnitLevel.choices])
    # Unticked by default (a filter form is always bound, so an "only current" box could not start ticked).
    include_former = forms.BooleanField(label=_("Also units no longer in force (before 01/07/2025)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_valid() and self.cleaned_data.get("q"):
            self.is_searching = True
            self.search_query = self.cleaned_data["q"]

    def filter(self, objects):
        objects = super().filter(objects)
        data = self.cleaned_data
        objects = search_units(objects, data.get("q"))
        if data.get("level"):
            objects = objects.filter(level=data["level"])
        if not data.get("include_former"):
            objects = objects.current()
        return objects


class UnitChooseMixin:
    filter_form_class = UnitChooserFilterForm

    def get_object_list(self):
        queryset = AdministrativeUnit.objects.select_related("parent")
        return permissions.filter_for_user(self.request.user, queryset, permissions.VIEW)

    def filter_object_list(self, objects):
        if not self.filter_form.is_valid():
            return objects.none()  # a malformed search finds nothing rather than everything
        return super().filter_object_list(objects)

    @property
    def title_column(self):
        column = super().title_column
        column.accessor = unit_choice_label
        column.label = _("Unit")
        return column

    @property
    def columns(self):
        return [
            self.title_column,
            Column("level", label=_("Level"), accessor="get_level_display"),
            Column("parent", label=_("Parent unit"), accessor=lambda unit: unit.parent.name if unit.parent else "—"),
        ]


class UnitChooseView(UnitChooseMixin, ChooseView):
    pass


class UnitChooseResultsView(UnitChooseMixin, ChooseResultsView):
    pass


class UnitChosenLabelMixin:
    def get_display_title(self, instance):
        return unit_choice_label(instance)


class UnitChosenView(UnitChosenLabelMixin, ChosenView):
    pass


class UnitChosenMultipleView(UnitChosenLabelMixin, ChosenMultipleView):
    def get_objects(self, pks):
        """Only units in the user's scope: ids outside it are left out (the form refuses them too)."""
        queryset = permissions.filter_for_user(self.request.user, AdministrativeUnit.objects.all(), permissions.VIEW)
        return queryset.filter(pk__in=[pk for pk in pks if str(pk).isdigit()])


class UnitChooserWidget(BaseChooser):
    def get_display_title(self, instance):
        return unit_choice_label(instance)


class AdministrativeUnitChooserViewSet(ScopeGuardMixin, ChooserViewSet):
    model = AdministrativeUnit
    icon = "site"
    choose_one_text = _("Choose an administrative unit")
    choose_another_text = _("Choose another unit")
    edit_item_text = _("Edit unit")
    choose_view_class = UnitChooseView
    choose_results_view_class = UnitChooseResultsView
    chosen_view_class = UnitChosenView
    chosen_multiple_view_class = UnitChosenMultipleView
    per_page = 20
    base_widget_class = UnitChooserWidget


unit_chooser_viewset = AdministrativeUnitChooserViewSet("unit_chooser")


class UnitSuccessionFilterSet(WagtailFilterSet):
    class Meta:
        model = UnitSuccession
        fields = ["kind", "effective_date"]


class UnitSuccessionIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("old_unit", "new_unit")

    def search_queryset(self, queryset):
        query = (self.search_query or "").strip() if self.is_searching else ""
        if not query:
            return queryset
        if query.isdigit():
            return queryset.filter(Q(old_unit__code__startswith=query) | Q(new_unit__code__startswith=query))
        folded = fold(query).strip()
        return queryset.filter(Q(old_unit__name_folded__contains=folded) | Q(new_unit__name_folded__contains=folded))


class UnitSuccessionViewSet(ModelViewSet):
    model = UnitSuccession
    index_view_class = UnitSuccessionIndexView
    icon = "arrow-right"
    menu_label = _("Succession links")
    menu_order = 110
    list_display = [
        "old_unit",
        "new_unit",
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        DayColumn("effective_date", label=_("Effective date")),
    ]
    filterset_class = UnitSuccessionFilterSet
    search_fields = ["old_unit__name", "new_unit__name", "old_unit__code", "new_unit__code"]
    search_backend_name = None
    list_per_page = 50

    @property
    def panels(self):
        return [
            FieldPanel("old_unit", widget=unit_chooser_viewset.widget_class),
            FieldPanel("new_unit", widget=unit_chooser_viewset.widget_class),
            FieldPanel("kind"),
            FieldPanel("effective_date"),
        ]

    copy_view_enabled = False


class UserScopeFilterSet(WagtailFilterSet):
    class Meta:
        model = UserScope
        fields = ["user"]


class UserScopeIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "unit")


class UserScopeViewSet(ModelViewSet):
    model = UserScope
    index_view_class = UserScopeIndexView
    icon = "user"
    menu_label = _("User scopes")
    menu_order = 120
    list_display = [
        "user",
        "unit",
        Column("unit_level", label=_("Level"), accessor="unit.get_level_display"),
        "created_at",
    ]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name", "unit__code"]
    search_backend_name = None
    filterset_class = UserScopeFilterSet
    form_fields = ["user", "unit"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        form_class.base_fields["unit"].widget = unit_chooser_viewset.widget_class()
        return form_class


class AdministrativeUnitsGroup(ViewSetGroup):
    menu_label = _("Administrative units")
    menu_icon = "site"
    menu_order = 700
    items = (
        AdministrativeUnitViewSet("units"),
        UnitSuccessionViewSet("unit_successions"),
        UserScopeViewSet("user_scopes"),
    )


class DossierStatisticFilterSet(WagtailFilterSet):
    period_start = django_filters.DateFromToRangeFilter(label=_("Period start"), widget=DateRangePickerWidget)

    class Meta:
        model = DossierStatistic
        fields = ["source"]


UNIT_CODE_LENGTH = 5
MAX_LISTING_PAGES = 100


class CappedPaginator(WagtailPaginator):
    """Pages past ``MAX_LISTING_PAGES`` are not offered: a deep OFFSET over hundreds of thousands of joined rows
    took seconds. Filters and the search narrow the list instead (the listing says so)."""

    @cached_property
    def num_pages(self):
        return min(super().num_pages, MAX_LISTING_PAGES)


class DossierStatisticIndexView(BackgroundExportMixin, ScopedIndexView):
    export_runner = StatisticsExportRunner
    paginator_class = CappedPaginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = context.get("paginator")
        page = context.get("page_obj")
        if (
            page is not None
            and page.number == MAX_LISTING_PAGES
            and paginator.count > page.number * paginator.per_page
        ):
            messages.info(
                self.request,
                _(
                    "Only the first %(pages)s pages of %(count)s rows can be browsed: filter by source or period, "
                    "or search by unit code or name, to see the others (or download them all with the export)."
                )
                % {"pages": MAX_LISTING_PAGES, "count": number_format(paginator.count, force_grouping=True)},
            )
        return context

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        user = self.request.user
        if permissions.has_model_permission(user, permissions.ADD, DossierStatistic) and (
            permissions.has_model_permission(user, permissions.CHANGE, DossierStatistic)
        ):
            buttons.append(HeaderButton(_("Import a file"), url=reverse("statistics_import"), icon_name="upload"))
        return buttons

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")

    def direct_spreadsheet(self, queryset, spreadsheet_format):
        """The listing as it is filtered, in the import file's format, streamed at constant memory (exports.py);
        above ``ADMIN_EXPORT_DIRECT_MAX_ROWS`` rows a background job writes it (BackgroundExportMixin)."""
        return spreadsheet_response(queryset, spreadsheet_format, f"{self.get_filename()}.{spreadsheet_format}")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        if query.isdigit():
            # Codes are zero-padded digits of at most five: a prefix is a range of the unit code's index (a LIKE
            # 'x%' would not use it under a PostgreSQL database collation other than C).
            if len(query) > UNIT_CODE_LENGTH:
                return queryset.none()
            return queryset.filter(
                unit__code__gte=query, unit__code__lte=query + "9" * (UNIT_CODE_LENGTH - len(query))
            )
        return queryset.filter(unit__name_folded__contains=fold(query))


def statistic_source_note(*, unit, start, end, source: str, exclude_pk=None) -> str:
    """What the hand-entry form says when the unit's report month already has figures from another source."""

    kind, month = classify_period(start, end)
    _counting, sources = counting_source(
        unit_id=unit.pk, report_month=month, period_start=start, period_end=end, exclude_pk=exclude_pk
    )
    others = [name for name in sources if name != source]
    if not others:
        return ""
    winner = min([source, *others], key=precedence_key)
    return _(
        "%(unit)s already has figures for %(period)s from %(others)s; the figure of %(winner)s counts "
        "(source precedence), the others are kept but not added."
    ) % {
        "unit": unit.name,
        "period": period_label(kind, start, end, month),
        "others": ", ".join(name or "—" for name in others),
        "winner": winner or "—",
    }


class DossierStatisticCreateView(CreateView):
    def form_valid(self, form):
        response = super().form_valid(form)
        if form.source_note:
            messages.warning(self.request, form.source_note)
        return response


class DossierStatisticEditView(ScopedEditView):
    def form_valid(self, form):
        response = super().form_valid(form)
        if form.source_note:
            messages.warning(self.request, form.source_note)
        return response


class DossierStatisticViewSet(ScopedModelViewSet):
    model = DossierStatistic
    icon = "table"
    menu_label = _("Dossier statistics")
    menu_order = 100
    index_view_class = DossierStatisticIndexView
    add_view_class = DossierStatisticCreateView
    edit_view_class = DossierStatisticEditView
    list_display = [
        Column("unit", label=_("Unit")),
        DayColumn("period_start", label=_("Period start")),
        DayColumn("period_end", label=_("Period end")),
        "source",
        count_column(DossierStatistic, "received_online"),
        count_column(DossierStatistic, "received_direct"),
        count_column(DossierStatistic, "received_postal"),
        BooleanColumn("is_counted", label=_("Counts")),
    ]
    search_fields = ["unit__name", "unit__code"]
    filterset_class = DossierStatisticFilterSet
    list_per_page = 50
    list_export = list(EXPORT_FIELDS)  # shows the export buttons; the file comes from DossierStatisticResource
    export_filename = "so-lieu-ho-so"
    inspect_view_enabled = True
    # The unit is kept within the user's scope by UnitInScopeForm.
    edit_handler = ObjectList(
        [
            FieldPanel("unit", widget=unit_chooser_viewset.widget_class),
            FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
            FieldPanel("source"),
            MultiFieldPanel(
                [FieldPanel(name) for name in COUNT_FIELD_NAMES],
                heading=_("Dossiers"),
            ),
        ],
        base_form_class=UnitInScopeForm,
    )

    def get_form_class(self, for_update=False):
        base = super().get_form_class(for_update)

        class DossierStatisticForm(base):
            source_note = ""

            def clean(self):
                data = super().clean()
                unit, start, end = data.get("unit"), data.get("period_start"), data.get("period_end")
                if unit and start and end and end >= start:
                    self.source_note = statistic_source_note(
                        unit=unit, start=start, end=end, source=data.get("source") or "", exclude_pk=self.instance.pk
                    )
                return data

        return DossierStatisticForm


class StatisticSourceViewSet(ModelViewSet):
    model = StatisticSource
    icon = "order"
    menu_label = _("Source precedence")
    menu_order = 110
    list_display = ["rank", "name", "description"]
    form_fields = ["rank", "name", "description"]
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None


class StatisticsGroup(ViewSetGroup):
    menu_label = _("Dossier statistics")
    menu_icon = "table"
    menu_order = 600
    items = (DossierStatisticViewSet("statistics"), StatisticSourceViewSet("statistic_sources"))
