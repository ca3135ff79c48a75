"""Reports: page feedback for those who edit pages; Wagtail's Site history report, for administrators only, with exports safe against spreadsheet formulas.

The report lists every logged action on every model the user has any permission for (roster exports of
every class included), without the unit scope: so only administrators, who are not limited by scope,
may open it. Its CSV export carries titles typed by users, so a value that a spreadsheet would run as
a formula (``=HYPERLINK(…)``) is written as text.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.permission_policies.pages import PagePermissionPolicy

from campaigns.access import permissions
from campaigns.statistics.exports import escape_formula
from cms.feedback import feedback_counts
from cms.models import PageFeedback


def may_see_site_history(user) -> bool:
    return permissions.is_unrestricted(user)


class FormulaSafeExportMixin:
    """In the exports, a value typed by a user that a spreadsheet would run as a formula is written as text."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return escape_formula(value) if isinstance(value, str) else value


class SiteHistoryView(FormulaSafeExportMixin, LogEntriesView):
    def dispatch(self, request, *args, **kwargs):
        if not may_see_site_history(request.user):
            permissions.log_denial(request.user, "site_history", get_user_model())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- "Was this page useful?" ---------------------------------------------------------------------------------
class PageFeedbackReportView(FormulaSafeExportMixin, ReportView):
    """Answers per page (useful / not useful / with a comment) and the latest comments, for those who edit pages."""

    page_title = gettext_lazy("Page feedback")
    header_icon = "help"
    index_url_name = "page_feedback_report"
    index_results_url_name = "page_feedback_report_results"
    results_template_name = "cms/admin/page_feedback_results.html"
    permission_policy = PagePermissionPolicy()
    permission_required = "change"
    list_export = ["title", "useful", "not_useful", "comments"]
    export_headings = {
        "title": gettext_lazy("Page"),
        "useful": gettext_lazy("Useful"),
        "not_useful": gettext_lazy("Not useful"),
        "comments": gettext_lazy("Comments"),
    }
    columns = [
        Column("title", label=gettext_lazy("Page")),
        Column("useful", label=gettext_lazy("Useful")),
        Column("not_useful", label=gettext_lazy("Not useful")),
        Column("comments", label=gettext_lazy("Comments")),
    ]

    def get_queryset(self):

        return feedback_counts()

    def get_context_data(self, *args, **kwargs):

        context = super().get_context_data(*args, **kwargs)
        context["latest_comments"] = (
            PageFeedback.objects.exclude(comment="").select_related("page").order_by("-created_at", "-pk")[:20]
        )
        return context


def may_see_page_feedback(user) -> bool:
    return PagePermissionPolicy().user_has_permission(user, "change")
