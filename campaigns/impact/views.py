"""The leaders' impact report in the Wagtail admin: permission and scope checked on every view."""

import itertools

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from campaigns.access import permissions
from campaigns.core.admin import AdminPage, attachment
from campaigns.core.formatting import percent_vi
from campaigns.core.text import fold
from campaigns.impact import charts, render
from campaigns.impact.models import ImpactResult, RolloutPlan
from campaigns.impact.narrative import effect_verdict, format_month, format_points, format_range, interval
from campaigns.impact.planning import Design, plan_options, rollout_plan_save
from campaigns.impact.render import (
    band_note,
    cohort_table,
    event_rows,
    figure_interval,
    key_figures,
    periodic_table,
    plan_note,
    plan_table,
    projection_text,
    target_table,
)
from campaigns.impact.render import format_value as render_format
from campaigns.impact.report import ImpactError, periodic_reports_of, reported_targets
from campaigns.impact.tasks import cached_impact, computation_state, queue_refresh
from campaigns.plans.models import Campaign
from campaigns.statistics.exports import escape_formula

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
        # The report shows every unit the campaign analyses: all of them must lie in the viewer's scope.
        if not permissions.campaign_within_scope(self.request.user, campaign):
            permissions.log_denial(self.request.user, "report", Campaign, campaign.pk)
            raise PermissionDenied
        return campaign


class CampaignColumn(Column):
    """The campaign's name as a link to its report, with its plan number below."""

    cell_template_name = "campaigns/tables/impact_campaign_cell.html"


class PeriodColumn(Column):
    def get_value(self, instance):
        campaign = instance["campaign"]
        return f"{date_filter(campaign.starts_on, 'd/m/Y')} – {date_filter(campaign.ends_on, 'd/m/Y')}"


class ComputedColumn(Column):
    def get_value(self, instance):
        computed_at = instance["computed_at"]
        return date_filter(timezone.localtime(computed_at), "d/m/Y H:i") if computed_at else _("not yet")


class ImpactIndexView(ImpactAccessMixin, AdminPage, ReportView):
    """The campaigns in the user's scope, each with its headline effect and when it was computed."""

    template_name = "campaigns/impact_index.html"
    results_template_name = "campaigns/impact_index_results.html"
    page_title = gettext_lazy("Campaign impact")
    header_icon = "pick"
    index_url_name = "campaign_impact_index"
    index_results_url_name = "campaign_impact_index_results"
    paginate_by = None  # every campaign in scope, as before
    columns = [
        CampaignColumn("campaign", label=gettext_lazy("Campaign")),
        Column("unit", accessor="campaign.unit.name", label=gettext_lazy("Unit")),
        PeriodColumn("period", label=gettext_lazy("Period")),
        Column("effect", label=gettext_lazy("Effect (points)")),
        ComputedColumn("computed_at", label=gettext_lazy("Computed")),
    ]

    def get_queryset(self):
        campaigns = permissions.filter_for_user(
            self.request.user, Campaign.objects.select_related("unit").order_by("-starts_on")
        )
        results = {result.campaign_id: result for result in ImpactResult.objects.filter(campaign__in=campaigns)}
        rows = []
        for campaign in campaigns:
            if not permissions.campaign_within_scope(self.request.user, campaign):
                continue
            result = results.get(campaign.pk)
            overall = (result.payload.get("effect") or {}) if result else None
            rows.append(
                {
                    "campaign": campaign,
                    "url": reverse("campaign_impact", args=[campaign.pk]),
                    "computed_at": result.computed_at if result else None,
                    "effect": format_points(overall["att"]) if overall and overall.get("att") is not None else "—",
                }
            )
        return rows


def what_the_data_show(campaign) -> dict:
    """When no effect can be estimated: the reports of longer periods, the reported figures and the targets judged
    on their reported values, as they are: the same tables as the PDF and XLSX (campaigns.impact.render)."""

    periodic = periodic_table({"periodic_reports": periodic_reports_of(campaign)})
    targets = reported_targets(campaign)
    target_headers, target_rows = target_table({"targets": targets})
    return {
        "periodic_headers": periodic[0] if periodic else [],
        "periodic": periodic[1] if periodic else [],
        "figures": list(campaign.reported_figures.select_related("unit")),
        # Judged on reported values only: no interval column.
        "target_headers": [header for index, header in enumerate(target_headers) if index != 4],
        "targets": [[cell for index, cell in enumerate(row) if index != 4] for row in target_rows],
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


_FOLDED: dict[tuple, list[str]] = {}  # (stored report id, computed at) -> the units' folded names, in order


def _folded_names(stored: tuple, units: list[dict]) -> list[str]:
    """The unit table's names folded for the search, once per stored report in this process (folding the nation's
    10.035 names took 0,2 s of every search)."""
    names = _FOLDED.get(stored)
    if names is None or len(names) != len(units):
        if len(_FOLDED) >= 16:
            _FOLDED.clear()
        names = _FOLDED[stored] = [fold(row["name"]) for row in units]
    return names


class ImpactReportView(ImpactAccessMixin, AdminPage, TemplateView):
    template_name = "campaigns/impact_report.html"
    header_icon = "pick"

    def get_page_title(self):
        return _("Impact: %(campaign)s") % {"campaign": self.campaign.name}

    def get_parent_crumbs(self):
        return [(reverse("campaign_impact_index"), _("Campaign impact"))]

    def get_crumb_label(self):
        return self.campaign.name

    def dispatch(self, request, *args, **kwargs):
        if can_view_impact(request.user):
            self.campaign = self.get_campaign()
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):

        # "Tính lại ngay" forces a run even when the stored report looks current (e.g. after a code change).
        ImpactResult.objects.filter(campaign=self.campaign).update(fingerprint="")
        queue_refresh(self.campaign.pk)
        messages.success(request, _("The report is being recomputed; reload the page in a moment."))
        return redirect("campaign_impact", self.campaign.pk)

    def get_context_data(self, **kwargs):

        context = super().get_context_data(**kwargs)
        result, current = cached_impact(self.campaign)
        if result is None:
            # No request computes a report: the worker does, and this page waits for it.
            state = computation_state(self.campaign)
            context.update(campaign=self.campaign, pending=True, state=state["state"], since=state["since"])
            return context
        if "unavailable" in result.payload:
            context.update(
                campaign=self.campaign,
                result=result,
                current=current,
                error=result.payload["unavailable"]["message"],
                pdf_url=reverse("campaign_impact_download", args=[self.campaign.pk, "pdf"]),
                xlsx_url=reverse("campaign_impact_download", args=[self.campaign.pk, "xlsx"]),
                **what_the_data_show(self.campaign),
            )
            return context
        payload = result.payload
        headline = payload.get("effect") if effect_verdict(payload.get("effect")) != "none" else None
        context.update(
            campaign=self.campaign,
            result=result,
            current=current,
            payload=payload,
            headline=headline,
            figures=[
                {
                    "label": f.label,
                    "value": render_format(f.kind, f.value),
                    "range": figure_interval(f),
                    "note": f.note,
                }
                for f in key_figures(payload)
            ],
            event_table=event_rows(payload),
            band_note=band_note(),
            cohorts=cohort_table(payload),
            plan=plan_table(payload),
            plan_note=plan_note(payload) if payload.get("plan") else "",
            plan_url=reverse("campaign_rollout_plan", args=[self.campaign.pk])
            if permissions.user_can(self.request.user, permissions.CHANGE, self.campaign)
            else None,
            units_page=self._units_page(payload.get("units", []), (result.pk, result.computed_at)),
            units_query=self.request.GET.get("q", "")[:100],
            channel_rows=[
                {**row, "effect": format_points(row["effect_per_100"], 2), "ci": interval_points(row)}
                for row in payload.get("channels", [])
            ],
            targets=target_table(payload),
            next_units=payload.get("recommendations", {}).get("next_units", []),
            # The first 20 not yet reached, described without describing the thousands after them.
            projections=[
                {**row, "projection": projection_text(row)}
                for row in itertools.islice(
                    (
                        row
                        for row in payload.get("recommendations", {}).get("projections", [])
                        if row["status"] != "reached"
                    ),
                    20,
                )
            ],
            window={"start": month_vi(payload["window"]["start"]), "end": month_vi(payload["window"]["end"])},
            chart_urls={
                "counterfactual": reverse("campaign_impact_chart", args=[self.campaign.pk, "counterfactual"]),
                "event_study": reverse("campaign_impact_chart", args=[self.campaign.pk, "event-study"]),
            },
            pdf_url=reverse("campaign_impact_download", args=[self.campaign.pk, "pdf"]),
            xlsx_url=reverse("campaign_impact_download", args=[self.campaign.pk, "xlsx"]),
        )
        return context

    UNITS_PER_PAGE = 50

    def _units_page(self, units: list[dict], stored: tuple):
        """One page of the unit table, searched by accent-folded name or code (the nation has 10.035)."""
        from django.core.paginator import Paginator

        query = fold(self.request.GET.get("q", "")[:100]).strip()
        if query:
            names = _folded_names(stored, units)
            units = [row for row, name in zip(units, names, strict=True) if query in name or query in str(row["code"])]
        page = Paginator(units, self.UNITS_PER_PAGE).get_page(self.request.GET.get("p"))
        page.rows = [
            {
                **row,
                "baseline": percent_vi(row["baseline_rate"]),
                "latest": percent_vi(row["latest_rate"]),
                "change": format_points(row["change_pp"]),
                "reached_label": month_vi(row["reached"]) if row["reached"] else "—",
            }
            for row in page.object_list
        ]
        return page


class ImpactChartView(ImpactAccessMixin, View):
    def get(self, request, pk, kind):
        from django.core.cache import cache

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

        campaign = self.get_campaign()
        if kind not in ("pdf", "xlsx"):
            raise Http404
        result, _current = cached_impact(campaign)
        if result is None:
            # Not computed yet: the request does not compute it; the report page waits for the worker.
            messages.warning(request, _("The report is being computed; the download is ready when the page shows it."))
            return redirect("campaign_impact", campaign.pk)
        payload = result.payload
        if kind == "pdf":
            content, content_type = render.render_pdf(payload), "application/pdf"
        elif kind == "xlsx":
            content = render.render_xlsx(payload)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            raise Http404
        return attachment(
            content, content_type=content_type, filename=f"tac-dong-{escape_formula(campaign.slug)}.{kind}"
        )


class RolloutDesignForm(forms.Form):
    """The rollout a leader plans: so many waves of so many units, so many months apart, followed so long."""

    waves = forms.IntegerField(label=gettext_lazy("Waves"), min_value=1, max_value=6, initial=3)
    units_per_wave = forms.IntegerField(label=gettext_lazy("Units per wave"), min_value=1, max_value=500, initial=3)
    wave_gap = forms.IntegerField(label=gettext_lazy("Months between waves"), min_value=1, max_value=12, initial=3)
    months_after = forms.IntegerField(
        label=gettext_lazy("Months followed after the last wave"), min_value=3, max_value=36, initial=12
    )

    def design(self):

        return Design(**{name: self.cleaned_data[name] for name in self.fields})


class RolloutPlanView(AdminPage, TemplateView):
    """Before launch: how small an effect the planned rollout could show, and a random order of reach to save."""

    template_name = "campaigns/rollout_plan.html"
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign.objects.select_related("unit"), pk=kwargs["pk"])
        permissions.require(request.user, permissions.CHANGE, self.campaign)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Measurement plan: %(campaign)s") % {"campaign": self.campaign.name}

    def _options(self, form):

        try:
            return plan_options(self.campaign, form.design()), None
        except ImpactError as error:
            return None, error.message

    def get(self, request, *args, **kwargs):
        form = RolloutDesignForm(request.GET or None)
        options = error = None
        if form.is_bound and form.is_valid():
            options, error = self._options(form)
        return self.render_to_response(self.get_context_data(form=form, options=options, error=error))

    def post(self, request, *args, **kwargs):

        form = RolloutDesignForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, options=None, error=None))
        options, error = self._options(form)
        if options is None:
            return self.render_to_response(self.get_context_data(form=form, options=None, error=error))
        rollout_plan_save(actor=request.user, campaign=self.campaign, chosen=form.design(), options=options)
        messages.success(request, _("The measurement plan was saved; the impact report will show it."))
        return redirect("campaign_rollout_plan", self.campaign.pk)

    def get_context_data(self, **kwargs):

        context = super().get_context_data(**kwargs)
        options = kwargs.get("options")
        if options:
            options = {
                **options,
                "mde_text": format_points(options["mde80"]),
                "compared": [{**row, "mde_text": format_points(row["mde80"])} for row in options["compared"]],
                "waves": [{**wave, "month_text": month_vi(wave["month"])} for wave in options["waves"]],
                "history_text": " – ".join(month_vi(month) for month in options["history"]),
            }
        saved = RolloutPlan.objects.filter(campaign=self.campaign).first()
        context.update(
            campaign=self.campaign,
            options=options,
            saved=saved,
            saved_waves=[{**wave, "month_text": month_vi(wave["month"])} for wave in (saved.waves if saved else [])],
            saved_mde=format_points(saved.mde80) if saved else None,
        )
        return context
