from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from campaigns.access import permissions
from campaigns.core.admin import AdminPage, attachment
from campaigns.core.formatting import percent_vi
from campaigns.core.intervals import NO_DATA, NOT_REACHED, REACHED, TOO_CLOSE
from campaigns.core.months import month_count, parse_month
from campaigns.statistics.charts import rate_chart_png
from campaigns.statistics.dashboard import PARTS, build_dashboard, dashboard_roots, has_national_scope
from campaigns.statistics.exports import XLSX_CONTENT_TYPE, escape_formula
from campaigns.statistics.indicator_export import CONTENT_TYPES, RENDERERS, indicator_rows
from campaigns.statistics.models import DossierStatistic
from campaigns.statistics.quality import data_quality
from campaigns.statistics.tasks import recount_in_progress
from campaigns.units.areas import NATION_CODE, is_nation, nation_area, nation_unit
from campaigns.units.models import AdministrativeUnit

VERDICT_LABELS = {
    REACHED: gettext_lazy("reached"),
    NOT_REACHED: gettext_lazy("not reached"),
    TOO_CLOSE: gettext_lazy("too close to call"),
    NO_DATA: gettext_lazy("no data"),
}


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return month


class UnitField(forms.CharField):
    """A unit's id, or ``toan-quoc`` for the whole country."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        if value == NATION_CODE:
            return value
        if not value.isascii() or not value.isdigit() or len(value) > 12:
            raise forms.ValidationError(
                _("“%(value)s” is not a unit: choose one in the list.") % {"value": value[:40]}
            )
        return int(value)


class DashboardForm(forms.Form):
    unit = UnitField(label=gettext_lazy("Unit"), required=False)
    start = MonthField(label=gettext_lazy("From month"), required=False)
    end = MonthField(label=gettext_lazy("To month"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end month is before the start month."))
        if data.get("start") and data.get("end") and month_count(data["start"], data["end"]) > 120:
            raise forms.ValidationError(_("Choose at most 120 months."))
        return data


class DashboardMixin:
    """Resolves and checks the unit and months of a dashboard request (server-side, every view)."""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.has_model_permission(request.user, permissions.VIEW, DossierStatistic):
            permissions.log_denial(request.user, permissions.VIEW, DossierStatistic)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def resolve(self):
        self.form = DashboardForm(self.request.GET or None)
        self.roots = dashboard_roots(self.request.user)
        data = self.form.cleaned_data if self.form.is_bound and self.form.is_valid() else {}
        unit_id = data.get("unit") or (self.unit_value(self.roots[0]) if self.roots else None)
        if unit_id is None:
            return None
        if unit_id == NATION_CODE:
            # The whole country: only for users whose scope is the whole country.
            if not has_national_scope(self.request.user):
                permissions.log_denial(self.request.user, permissions.VIEW, AdministrativeUnit, NATION_CODE)
                raise PermissionDenied
            unit = nation_unit()
        else:
            # Units in force and, for the years before the reform, the old provinces, districts and communes.
            unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
            if unit is None or not permissions.user_can_use_unit(self.request.user, unit):
                permissions.log_denial(self.request.user, permissions.VIEW, AdministrativeUnit, unit_id)
                raise PermissionDenied
        return build_dashboard(unit=unit, first_month=data.get("start"), last_month=data.get("end"), parts=self.parts)

    parts = PARTS

    @staticmethod
    def unit_value(unit) -> str | int:
        """What the unit parameter says for a unit: its id, or ``toan-quoc``."""
        return NATION_CODE if is_nation(unit) else unit.pk

    def resolve_or_deny(self):
        """The dashboard, for the views that have nothing to show without one (a user without a unit)."""
        dashboard = self.resolve()
        if dashboard is None:
            raise PermissionDenied
        return dashboard

    def query_string(self, dashboard) -> str:
        return f"unit={self.unit_value(dashboard.unit)}&start={dashboard.start:%Y-%m}&end={dashboard.end:%Y-%m}"


class DashboardView(DashboardMixin, AdminPage, TemplateView):
    template_name = "campaigns/dashboard.html"
    page_title = gettext_lazy("Online submission dashboard")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dashboard = self.resolve()
        context.update(form=self.form, roots=self.roots, dashboard=dashboard)
        shown = str(self.unit_value(dashboard.unit)) if dashboard is not None else None
        options = [(str(self.unit_value(root)), root.name) for root in self.roots]
        if dashboard is not None and shown not in {value for value, _name in options}:
            options.append((shown, dashboard.unit.name))
        context["unit_options"] = [(value, name, value == shown) for value, name in options]
        if dashboard is not None:
            query = self.query_string(dashboard)
            context.update(
                is_nation=is_nation(dashboard.unit),
                recounting=recount_in_progress(),
                chart_url=f"{reverse('statistics_dashboard_chart')}?{query}",
                export_url=f"{reverse('statistics_dashboard_export')}?{query}",
                indicators_url=f"{reverse('statistics_indicators_export')}?{query}",
                quality_url=f"{reverse('statistics_quality')}?{query}",
                rate_reasons={key: rate.reason for key, rate in dashboard.totals.items() if not rate.is_known},
                periodic=[{"report": report, "rate": percent_vi(report.rate.value)} for report in dashboard.periodic],
                rows=[_row_context(row) for row in dashboard.children],
                totals={key: percent_vi(rate.value) for key, rate in dashboard.totals.items()},
                target_percent=percent_vi(dashboard.target, 0),
                latest=dashboard.points[-1] if dashboard.points else None,
                latest_rate=percent_vi(dashboard.points[-1].rate.value) if dashboard.points else "—",
            )
        return context


def _row_context(row) -> dict:
    interval = row.rate.interval
    reported = bool(row.months_reported)  # a unit that reported no month has no count: "—", not 0
    return {
        "row": row,
        "online": row.online if reported else None,
        "denominator": row.denominator if reported else None,
        "rate": percent_vi(row.rate.value),
        "interval": (f"{percent_vi(interval.low)} – {percent_vi(interval.high)}" if interval.low is not None else "—"),
        "previous": percent_vi(row.previous_rate.value),
        "change": "—" if row.change_points is None else f"{row.change_points:+.1f}".replace(".", ","),
        "bcci": percent_vi(row.bcci_rate.value),
        "bcci_reason": row.bcci_rate.reason,
        "completeness": row.completeness_text,
        "verdict": row.verdict,
        "verdict_label": VERDICT_LABELS.get(row.verdict, ""),
    }


class DashboardChartView(DashboardMixin, View):
    parts = frozenset({"points"})

    def get(self, request):
        dashboard = self.resolve_or_deny()

        png = rate_chart_png(
            months=[point.month for point in dashboard.points],
            rates=[point.rate.value for point in dashboard.points],
            low=[point.rate.interval.low for point in dashboard.points],
            high=[point.rate.interval.high for point in dashboard.points],
            target=dashboard.target,
            title=_("Online dossier rate — %(unit)s") % {"unit": dashboard.unit.name},
            y_label=_("Rate"),
            target_label=_("Target %(target)s") % {"target": percent_vi(dashboard.target, 0)},
        )
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=60"
        return response


class DashboardExportView(DashboardMixin, View):
    parts = frozenset({"children"})

    def get(self, request):
        from openpyxl import Workbook

        dashboard = self.resolve_or_deny()
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Ranking")[:31]
        sheet.append(
            [
                _("Code"),
                _("Unit"),
                _("Received online"),
                _("Dossiers received"),
                _("Online rate"),
                _("95 % interval, low"),
                _("95 % interval, high"),
                _("Previous period"),
                _("Change (points)"),
                _("BCCI rate"),
                _("Against the target"),
                _("Old units only partly merged in"),
                _("Report months with figures"),
                _("Report months expected"),
            ]
        )
        for row in dashboard.children:
            interval = row.rate.interval
            sheet.append(
                [
                    row.unit.code,
                    escape_formula(row.unit.name),
                    # A unit that reported no month has no count: missing, not zero.
                    row.online if row.months_reported else None,
                    row.denominator if row.months_reported else None,
                    row.rate.value,
                    interval.low,
                    interval.high,
                    row.previous_rate.value,
                    None if row.change_points is None else round(row.change_points, 1),
                    row.bcci_rate.value,
                    str(VERDICT_LABELS.get(row.verdict, "")),
                    row.partial_sources,
                    row.months_reported,
                    row.months_expected,
                ]
            )
        for column in "EFGHJ":
            for cell in sheet[column][1:]:
                cell.number_format = "0.0%"
        response = attachment(
            b"",
            content_type=XLSX_CONTENT_TYPE,
            filename=f"ty-le-truc-tuyen-{dashboard.unit.code}-{dashboard.start:%Y%m}-{dashboard.end:%Y%m}.xlsx",
        )
        workbook.save(response)
        return response


class IndicatorsExportView(DashboardMixin, View):
    """The dashboard's download of ``export_indicators``: the communes of the area, report month by month."""

    parts = frozenset()

    def get(self, request):
        dashboard = self.resolve_or_deny()
        kind = request.GET.get("format", "csv")
        if kind not in RENDERERS:
            kind = "csv"
        rows = indicator_rows(scope=dashboard.unit, first=dashboard.start, last=dashboard.end, current_units=True)
        return attachment(
            RENDERERS[kind](rows),
            content_type=CONTENT_TYPES[kind],
            filename=f"chi-so-{dashboard.unit.code}-{dashboard.start:%Y%m}-{dashboard.end:%Y%m}.{kind}",
        )


class DataQualityView(DashboardMixin, AdminPage, TemplateView):
    template_name = "campaigns/data_quality.html"
    parts = frozenset()
    page_title = gettext_lazy("Data quality")
    header_icon = "warning"

    def get_parent_crumbs(self):
        return [(reverse("statistics_dashboard"), _("Online submission dashboard"))]

    def get_context_data(self, **kwargs):

        context = super().get_context_data(**kwargs)
        dashboard = self.resolve()
        context.update(dashboard=dashboard)
        if dashboard is not None:
            # The country's dashboard reads the national roll-up; its data quality needs every unit of the country.
            area = nation_area() if is_nation(dashboard.unit) else dashboard.area
            context.update(
                quality=data_quality(area, dashboard.start, dashboard.end),
                dashboard_url=f"{reverse('statistics_dashboard')}?{self.query_string(dashboard)}",
            )
        return context
