"""Communications staff's summary: totals by channel and month for a campaign or a unit, a chart, an XLSX file."""

import datetime
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from campaigns.access import permissions
from campaigns.core.admin import AdminPage
from campaigns.plans.channels import REGISTRY, Channel, channel_spec
from campaigns.plans.models import Campaign
from campaigns.statistics.exports import escape_formula
from campaigns.units.areas import descendant_ids
from campaigns.units.models import AdministrativeUnit
from outreach_media.models import Distribution
from outreach_media.selectors import exposure, totals_by_channel_and_month


def grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class SummaryForm(forms.Form):
    campaign = forms.ModelChoiceField(label=gettext_lazy("Campaign"), queryset=Campaign.objects.all(), required=False)
    unit = forms.CharField(label=gettext_lazy("Unit code"), required=False, max_length=10)
    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["campaign"].queryset = permissions.filter_for_user(user, Campaign.objects.all())

    def clean_unit(self):
        code = (self.cleaned_data.get("unit") or "").strip()
        if not code:
            return None
        units = AdministrativeUnit.objects.filter(code=code)
        unit = units.filter(valid_to__isnull=True).first() or units.order_by("-valid_to").first()
        if unit is None:
            raise forms.ValidationError(_("No administrative unit has this code."))
        if not permissions.user_can_use_unit(self.user, unit):
            raise forms.ValidationError(_("This unit is outside your scope."))
        return unit

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data


def _summary(user, data) -> dict:
    scope = permissions.scope_unit_ids(user)
    unit = data.get("unit")
    unit_ids = None
    if unit is not None:
        unit_ids = descendant_ids([unit.pk])
        unit_ids = unit_ids & scope if scope is not None else unit_ids
    elif scope is not None:
        unit_ids = scope
    rows = exposure(unit_ids=unit_ids, start=data.get("start"), end=data.get("end"), campaign=data.get("campaign"))
    table = totals_by_channel_and_month(rows)
    months = sorted({month for cells in table.values() for month in cells})
    channels = [spec.value for spec in REGISTRY if spec.value in table]
    totals = {channel: sum(cell["quantity"] for cell in table[channel].values()) for channel in channels}
    people = {channel: sum(cell["people"] for cell in table[channel].values()) for channel in channels}
    cost = {channel: sum(cell["cost"] for cell in table[channel].values()) for channel in channels}
    return {"table": table, "months": months, "channels": channels, "totals": totals, "people": people, "cost": cost}


def headline(summary: dict) -> str:
    """ "750 sổ tay, 300 tờ rơi, 2 phóng sự" """
    parts = [
        f"{grouped(summary['totals'][channel])} {channel_spec(channel).unit_word}" for channel in summary["channels"]
    ]
    return ", ".join(parts)


def chart_png(summary: dict) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    channels = list(reversed(summary["channels"]))
    values = [summary["totals"][channel] for channel in channels]
    figure = Figure(figsize=(7.5, 0.45 * max(len(channels), 2) + 0.9), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.barh(range(len(channels)), values, color="#1f5fa8")
    axes.set_yticks(range(len(channels)), [str(Channel(channel).label) for channel in channels])
    top = max(values, default=0) or 1
    for index, value in enumerate(values):
        axes.text(value + top * 0.01, index, grouped(value), va="center", fontsize=9)
    axes.set_xlim(0, top * 1.15)
    axes.xaxis.set_major_formatter(lambda value, _pos: grouped(int(value)))
    axes.set_title(_("Outreach by channel (quantity)"), fontsize=11, loc="left")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def xlsx_bytes(summary: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Outreach")[:31])
    sheet.append(
        [
            _("Channel"),
            *[month.strftime("%m/%Y") for month in summary["months"]],
            _("Total"),
            _("People reached"),
            _("Cost (VND)"),
        ]
    )
    for channel in summary["channels"]:
        cells = summary["table"][channel]
        sheet.append(
            [
                escape_formula(str(Channel(channel).label)),
                *[cells[month]["quantity"] if month in cells else 0 for month in summary["months"]],
                summary["totals"][channel],
                summary["people"][channel],
                summary["cost"][channel],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class GroupedColumn(Column):
    """A whole number with "." between thousands ("1.250")."""

    def get_value(self, instance):
        return grouped(super().get_value(instance))


class ChannelColumn(Column):
    """The row's heading cell: the channel."""

    cell_template_name = "outreach_media/tables/row_header_cell.html"


class TotalColumn(GroupedColumn):
    cell_template_name = "outreach_media/tables/strong_cell.html"


class SummaryView(AdminPage, ReportView):
    """Totals by channel (rows) and month (columns), with a headline, a chart and an XLSX file of the same table.

    The chart (``output="png"``) and the XLSX file (``output="xlsx"``) are served at their own addresses from the
    same choice of campaign, unit and dates.
    """

    page_title = gettext_lazy("Outreach summary")
    header_icon = "table"
    template_name = "outreach_media/summary.html"
    results_template_name = "outreach_media/summary_results.html"
    index_url_name = "outreach_media_summary"
    index_results_url_name = "outreach_media_summary_results"
    paginate_by = None  # one row per channel

    def dispatch(self, request, *args, **kwargs):
        if not may_see_summary(request.user):
            permissions.log_denial(request.user, "view", Distribution)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, output=None, **kwargs):
        self.form = SummaryForm(request.GET or None, user=request.user)
        data = self.form.cleaned_data if self.form.is_bound and self.form.is_valid() else {}
        # A choice with errors shows the form and its messages only.
        self.summary = None if self.form.is_bound and self.form.errors else _summary(request.user, data)
        if output == "png" and self.summary is not None:
            return HttpResponse(chart_png(self.summary), content_type="image/png")
        if output == "xlsx" and self.summary is not None:
            response = HttpResponse(xlsx_bytes(self.summary), content_type=XLSX_TYPE)
            response["Content-Disposition"] = (
                f'attachment; filename="tong-hop-truyen-thong-{datetime.date.today():%Y%m%d}.xlsx"'
            )
            return response
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        summary = self.summary
        if summary is None:
            return []
        return [
            {
                "label": Channel(channel).label,
                "cells": [summary["table"][channel].get(month, {}).get("quantity", 0) for month in summary["months"]],
                "total": summary["totals"][channel],
                "people": summary["people"][channel],
                "cost": summary["cost"][channel],
            }
            for channel in summary["channels"]
        ]

    @property
    def columns(self):
        months = self.summary["months"] if self.summary is not None else []
        return [
            ChannelColumn("label", label=_("Channel")),
            *[
                GroupedColumn(f"month-{index}", accessor=f"cells.{index}", label=month.strftime("%m/%Y"))
                for index, month in enumerate(months)
            ],
            TotalColumn("total", label=_("Total")),
            GroupedColumn("people", label=_("People reached")),
            GroupedColumn("cost", label=_("Cost (VND)")),
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["form"] = self.form
        if self.summary is None:
            context["rows"] = None
            return context
        query = self.request.GET.urlencode()
        context.update(
            rows=context["object_list"],
            months=self.summary["months"],
            headline=headline(self.summary),
            chart_url=f"{reverse('outreach_media_summary_chart')}?{query}",
            xlsx_url=f"{reverse('outreach_media_summary_xlsx')}?{query}",
        )
        return context


def may_see_summary(user) -> bool:
    return permissions.has_model_permission(user, permissions.VIEW, Distribution)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
