from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from campaigns.access import permissions
from campaigns.access.viewsets import ScopedPermissionPolicy
from campaigns.core.admin import register_menu_item, report_urls
from campaigns.core.job_views import JobDetailView, JobDownloadView, JobListView
from campaigns.core.jobs import jobs_of
from campaigns.impact.views import (
    ImpactChartView,
    ImpactDownloadView,
    ImpactIndexView,
    ImpactReportView,
    RolloutPlanView,
    can_view_impact,
)
from campaigns.plans.models import Campaign
from campaigns.plans.viewsets import CampaignViewSet
from campaigns.statistics.admin_import import StatisticsImportView
from campaigns.statistics.models import DossierStatistic
from campaigns.statistics.panels import panel_for
from campaigns.statistics.views import (
    DashboardChartView,
    DashboardExportView,
    DashboardView,
    DataQualityView,
    IndicatorsExportView,
)
from campaigns.statistics.viewsets import AdministrativeUnitsGroup, StatisticsGroup, unit_chooser_viewset
from campaigns.units.models import AdministrativeUnit

register_permission_policy(AdministrativeUnit, ScopedPermissionPolicy(AdministrativeUnit))
register_permission_policy(DossierStatistic, ScopedPermissionPolicy(DossierStatistic))
register_permission_policy(Campaign, ScopedPermissionPolicy(Campaign))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [AdministrativeUnitsGroup(), StatisticsGroup(), CampaignViewSet("campaigns"), unit_chooser_viewset]


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [
        path("statistics/dashboard/", DashboardView.as_view(), name="statistics_dashboard"),
        path("statistics/import/", StatisticsImportView.as_view(), name="statistics_import"),
        path("statistics/dashboard/chart.png", DashboardChartView.as_view(), name="statistics_dashboard_chart"),
        path("statistics/dashboard/export.xlsx", DashboardExportView.as_view(), name="statistics_dashboard_export"),
        path("statistics/dashboard/indicators/", IndicatorsExportView.as_view(), name="statistics_indicators_export"),
        path("statistics/quality/", DataQualityView.as_view(), name="statistics_quality"),
        *report_urls("impact/", ImpactIndexView, "campaign_impact_index"),
        path("impact/<int:pk>/", ImpactReportView.as_view(), name="campaign_impact"),
        path("impact/<int:pk>/plan/", RolloutPlanView.as_view(), name="campaign_rollout_plan"),
        path("impact/<int:pk>/<slug:kind>.png", ImpactChartView.as_view(), name="campaign_impact_chart"),
        path("impact/<int:pk>/report.<slug:kind>", ImpactDownloadView.as_view(), name="campaign_impact_download"),
    ]


register_menu_item(
    _("Dashboard of rates"),
    url_name="statistics_dashboard",
    icon_name="table",
    order=650,
    check=lambda user: permissions.has_model_permission(user, permissions.VIEW, DossierStatistic),
)


@hooks.register("construct_homepage_panels")
def add_scope_rates_panel(request, panels):
    panel = panel_for(request.user)
    if panel is not None:
        panels.insert(0, panel)


register_menu_item(
    _("Campaign impact"), url_name="campaign_impact_index", icon_name="pick", order=460, check=can_view_impact
)


@hooks.register("register_admin_urls")
def register_job_urls():
    return [
        path("jobs/", JobListView.as_view(), name="admin_jobs"),
        path("jobs/<int:pk>/", JobDetailView.as_view(), name="admin_job"),
        path("jobs/<int:pk>/download/", JobDownloadView.as_view(), name="admin_job_download"),
    ]


register_menu_item(
    _("My exports and imports"),
    url_name="admin_jobs",
    icon_name="download",
    order=9000,
    check=lambda user: jobs_of(user).exists(),
)
