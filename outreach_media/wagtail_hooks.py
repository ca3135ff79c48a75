from django.urls import path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from campaigns.admin_scoping import ScopedPermissionPolicy

from .admin_import import ActivityImportView
from .link_views import admin_urlpatterns as link_admin_urlpatterns
from .models import Airing, Distribution, MediaItem, OutreachEvent, Post
from .summary import SummaryView
from .viewsets import OutreachGroup

for _model in (MediaItem, Distribution, Airing, Post, OutreachEvent):
    register_permission_policy(_model, ScopedPermissionPolicy(_model))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return OutreachGroup()


@hooks.register("register_admin_urls")
def register_outreach_urls():
    return [
        path("outreach-media/summary/", SummaryView.as_view(), name="outreach_media_summary"),
        path("outreach-media/import/", ActivityImportView.as_view(), name="outreach_media_import"),
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
