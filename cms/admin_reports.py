"""Wagtail's Site history report, for administrators only, with exports safe against spreadsheet formulas.

The report lists every logged action on every model the user has any permission for (roster exports of
every class included), without the unit scope: so only administrators, who are not limited by scope,
may open it. Its CSV export carries titles typed by users, so a value that a spreadsheet would run as
a formula (``=HYPERLINK(…)``) is written as text.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from wagtail.admin.views.reports.audit_logging import LogEntriesView

from campaigns import permissions
from campaigns.exports import escape_formula


def may_see_site_history(user) -> bool:
    return permissions.is_unrestricted(user)


class SiteHistoryView(LogEntriesView):
    def dispatch(self, request, *args, **kwargs):
        if not may_see_site_history(request.user):
            permissions.log_denial(request.user, "site_history", get_user_model())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return escape_formula(value) if isinstance(value, str) else value
