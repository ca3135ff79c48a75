"""The leaders' impact report in the Wagtail admin: permission and scope checked on every view."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import permissions
from .choices import RATE_INDICATORS
from .exports import escape_formula
from .formatting import percent_vi
from .impact.narrative import format_month, format_points, format_range, interval
from .impact.render import target_table
from .models import Campaign, ImpactResult

REPORT_PERMISSION = "campaigns.report_campaign"


def can_view_impact(user) -> bool:
    return user.is_active and user.has_perm(REPORT_PERMISSION)


class ImpactAccessMixin:
    """Refuses users without the report permission, and campaigns outside the user's scope."""

    def dispatch(self, request, *args, **kwargs):
        if not can_view_impact(request.user):
            permissions.log_denial(request.user, "report", Campaign)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_campaign(self) -> Campaign:
        campaign = get_object_or_404(Campaign.objects.select_related("unit"), pk=self.kwargs["pk"])
        permissions.require(self.request.user, permissions.VIEW, campaign)
        return campaign


class ImpactIndexView(ImpactAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "campaigns/impact_index.html"
    page_title = gettext_lazy("Campaign impact")
    header_icon = "pick"
    _show_breadcrumbs = True

    def get_breadcrumbs_items(self):
        return [{"url": reverse("wagtailadmin_home"), "label": _("Home")}, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaigns = permissions.filter_for_user(
            self.request.user, Campaign.objects.select_related("unit").order_by("-starts_on")
        )
        results = {result.campaign_id: result for result in ImpactResult.objects.filter(campaign__in=campaigns)}
        rows = []
        for campaign in campaigns:
            result = results.get(campaign.pk)
            overall = (result.payload.get("did") or {}).get("overall") if result else None
            rows.append(
                {
                    "campaign": campaign,
                    "url": reverse("campaign_impact", args=[campaign.pk]),
                    "computed_at": result.computed_at if result else None,
                    "effect": format_points(overall["att"]) if overall else None,
                }
            )
        context["rows"] = rows
        return context


def what_the_data_show(campaign) -> dict:
    """When no effect can be estimated: the reports of longer periods, the reported figures and the
    targets with their reported values, as they are."""
    import datetime

    from .dashboard import periodic_reports
    from .indicators import area_for
    from .report_months import add_months

    start = add_months(campaign.starts_on.replace(day=1), -12)
    end = add_months(campaign.ends_on.replace(day=1), 13) - datetime.timedelta(days=1)
    periodic = periodic_reports(area_for(campaign.unit), start, end)
    targets = [
        {
            "target": target,
            "reported": (
                percent_vi(target.reported_fraction) if target.indicator in RATE_INDICATORS else target.reported_value
            )
            if target.reported_value is not None
            else "—",
        }
        for target in campaign.targets.all()
    ]
    return {
        "periodic": [{"report": report, "rate": percent_vi(report.rate.value)} for report in periodic],
        "figures": list(campaign.reported_figures.select_related("unit")),
        "plan_targets": targets,
    }


def month_vi(label) -> str:
    """ "2022-04" → "04/2022"; None → "—"."""
    return format_month(label) or "—"


def interval_points(row) -> str:
    bounds = interval(row)
    return format_range(*bounds) if bounds else "—"


def _verdict_label(verdict: str) -> str:
    return {
        "reached": _("Reached"),
        "not_reached": _("Not reached"),
        "too_close": _("Too close to call"),
        "no_data": _("No data"),
    }.get(verdict, verdict)


class ImpactReportView(ImpactAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "campaigns/impact_report.html"
    header_icon = "pick"
    _show_breadcrumbs = True

    def get_page_title(self):
        return _("Impact: %(campaign)s") % {"campaign": self.campaign.name}

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("campaign_impact_index"), "label": _("Campaign impact")},
            {"url": "", "label": self.campaign.name},
        ]

    def dispatch(self, request, *args, **kwargs):
        if can_view_impact(request.user):
            self.campaign = self.get_campaign()
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        from .tasks import refresh_impact

        refresh_impact.enqueue(self.campaign.pk)
        messages.success(request, _("The report is being recomputed; reload the page in a moment."))
        return redirect("campaign_impact", self.campaign.pk)

    def get_context_data(self, **kwargs):
        from .impact.cache import cached_impact
        from .impact.report import ImpactError

        context = super().get_context_data(**kwargs)
        try:
            result, current = cached_impact(self.campaign)
        except ImpactError as error:
            context.update(campaign=self.campaign, error=error.message, **what_the_data_show(self.campaign))
            return context
        payload = result.payload
        did = payload.get("did")
        observed = payload["observed"]
        context.update(
            campaign=self.campaign,
            result=result,
            current=current,
            payload=payload,
            did=did,
            overall=did and {"att": format_points(did["overall"]["att"]), "ci": interval_points(did["overall"])},
            observed={
                "baseline": percent_vi(observed["baseline_rate"]),
                "latest": percent_vi(observed["latest_rate"]),
                "change": format_points(observed["change_pp"]),
                "change_ci": interval_points({"ci95": observed.get("change_ci95")}),
            },
            extra=payload.get("extra_online_dossiers"),
            event_rows=[
                {"e": row["e"], "att": format_points(row["att"]), "ci": interval_points(row), "pre": row["e"] < 0}
                for row in (did or {}).get("event_study", [])
            ],
            group_rows=[
                {
                    "group": month_vi(row["group"]),
                    "units": row["units"],
                    "att": format_points(row["att"]),
                    "ci": interval_points(row),
                }
                for row in (did or {}).get("by_group", [])
            ],
            unit_rows=[
                {
                    **row,
                    "baseline": percent_vi(row["baseline_rate"]),
                    "latest": percent_vi(row["latest_rate"]),
                    "change": format_points(row["change_pp"]),
                    "reached_label": month_vi(row["reached"]) if row["reached"] else "—",
                }
                for row in payload.get("units", [])
            ],
            channel_rows=[
                {**row, "effect": format_points(row["effect_per_100"], 2), "ci": interval_points(row)}
                for row in payload.get("channels", [])
            ],
            targets=target_table(payload),
            next_units=payload.get("recommendations", {}).get("next_units", []),
            projections=[
                {**row, "month_label": month_vi(row["month"])}
                for row in payload.get("recommendations", {}).get("projections", [])
                if row["status"] != "reached"
            ][:20],
            window={"start": month_vi(payload["window"]["start"]), "end": month_vi(payload["window"]["end"])},
            chart_urls={
                "counterfactual": reverse("campaign_impact_chart", args=[self.campaign.pk, "counterfactual"]),
                "event_study": reverse("campaign_impact_chart", args=[self.campaign.pk, "event-study"]),
            },
            pdf_url=reverse("campaign_impact_download", args=[self.campaign.pk, "pdf"]),
            xlsx_url=reverse("campaign_impact_download", args=[self.campaign.pk, "xlsx"]),
        )
        return context


class ImpactChartView(ImpactAccessMixin, View):
    def get(self, request, pk, kind):
        from django.core.cache import cache

        from .impact import charts

        campaign = self.get_campaign()
        result = get_object_or_404(ImpactResult, campaign=campaign)
        key = f"impact-chart:{campaign.pk}:{kind}:{result.fingerprint}:{result.computed_at.timestamp()}"
        png = cache.get(key)
        if png is None:
            builder = {"counterfactual": charts.counterfactual_chart, "event-study": charts.event_study_chart}.get(
                kind
            )
            if builder is None:
                raise Http404
            png = builder(result.payload)
            cache.set(key, png, 3600)
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=300"
        return response


class ImpactDownloadView(ImpactAccessMixin, View):
    def get(self, request, pk, kind):
        from .impact import render

        campaign = self.get_campaign()
        result = get_object_or_404(ImpactResult, campaign=campaign)
        if kind == "pdf":
            content, content_type = render.render_pdf(result.payload), "application/pdf"
        elif kind == "xlsx":
            content = render.render_xlsx(result.payload)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        name = escape_formula(campaign.slug)
        response["Content-Disposition"] = f'attachment; filename="tac-dong-{name}.{kind}"'
        return response
