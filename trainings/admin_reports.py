"""Reports on training classes in the Wagtail admin, as Wagtail ``ReportView``s."""

from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from campaigns.access import permissions
from trainings import access, selectors
from trainings.models import TrainingSession


class AverageColumn(Column):
    """An average with one decimal in the reader's language ("4,5"), or ``empty`` when there is none."""

    def __init__(self, name, *, empty: str = "", **kwargs):
        super().__init__(name, **kwargs)
        self.empty = empty

    def get_value(self, instance):
        return floatformat(super().get_value(instance), 1) or self.empty


class DayColumn(Column):
    """A moment's local date as dd/mm/yyyy."""

    def get_value(self, instance):
        return date_filter(timezone.localtime(super().get_value(instance)), "d/m/Y")


def may_see_feedback_report(user) -> bool:
    return permissions.has_model_permission(user, permissions.VIEW, TrainingSession)


class FeedbackReportView(ReportView):
    """Answers to the feedback form, by trainer and by class, for the classes in the user's scope."""

    page_title = gettext_lazy("Feedback on classes")
    header_icon = "comment"
    index_url_name = "trainings_feedback"
    index_results_url_name = "trainings_feedback_results"
    results_template_name = "trainings/admin/feedback_report_results.html"
    paginate_by = None  # every class with answers, on one page
    columns = [
        Column("session.title", label=gettext_lazy("Class")),
        DayColumn("session.starts_at", label=gettext_lazy("Date")),
        Column("count", label=gettext_lazy("Answers")),
        AverageColumn("rating", label=gettext_lazy("Average rating (1–5)")),
        AverageColumn("pre", label=gettext_lazy("Quiz before"), empty="—"),
        AverageColumn("post", label=gettext_lazy("Quiz after"), empty="—"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not may_see_feedback_report(request.user):
            permissions.log_denial(request.user, "view", TrainingSession)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.feedback_rows(access.sessions_for(self.request.user))

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["by_trainer"] = selectors.feedback_by_trainer(access.sessions_for(self.request.user))
        return context
