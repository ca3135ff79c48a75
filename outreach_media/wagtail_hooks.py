from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from campaigns.access.viewsets import ScopedPermissionPolicy
from campaigns.core.admin import register_menu_item, report_urls
from outreach_media.admin_import import ActivityImportView, may_import
from outreach_media.bulk import DistributionBulkView
from outreach_media.link_views import admin_urlpatterns as link_admin_urlpatterns
from outreach_media.models import Airing, Distribution, MediaItem, OutreachEvent, Post, TrackedLink
from outreach_media.summary import SummaryView, may_see_summary
from outreach_media.viewsets import OutreachGroup

for _model in (MediaItem, Distribution, Airing, Post, OutreachEvent, TrackedLink):
    register_permission_policy(_model, ScopedPermissionPolicy(_model))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return OutreachGroup()


@hooks.register("register_admin_urls")
def register_outreach_urls():
    return [
        *report_urls("outreach-media/summary/", SummaryView, "outreach_media_summary"),
        path("outreach-media/import/", ActivityImportView.as_view(), name="outreach_media_import"),
        path("outreach-media/distributions/bulk/", DistributionBulkView.as_view(), name="outreach_media_bulk"),
        path(
            "outreach-media/summary/chart.png",
            SummaryView.as_view(),
            {"output": "png"},
            name="outreach_media_summary_chart",
        ),
        path(
            "outreach-media/summary/export.xlsx",
            SummaryView.as_view(),
            {"output": "xlsx"},
            name="outreach_media_summary_xlsx",
        ),
        *link_admin_urlpatterns,
    ]


register_menu_item(
    _("Outreach summary"), url_name="outreach_media_summary", icon_name="table", order=560, check=may_see_summary
)
register_menu_item(
    _("Import an activity log"), url_name="outreach_media_import", icon_name="upload", order=570, check=may_import
)
