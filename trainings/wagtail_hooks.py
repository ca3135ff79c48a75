from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from campaigns.core.admin import report_urls
from trainings.admin_personal_data import data_request_viewset
from trainings.admin_reports import FeedbackReportView
from trainings.admin_views import (
    AddAttendeeView,
    CheckInView,
    PurgeSpamView,
    RoomPosterView,
    RosterExportView,
    RosterImportView,
    RosterTemplateView,
    RosterView,
    SessionFeedbackView,
    SignInSheetView,
)
from trainings.models import TrainingSession
from trainings.offline import OfflineCheckInView, SyncView, service_worker
from trainings.viewsets import TrainingsGroup, training_session_viewset

register_permission_policy(TrainingSession, training_session_viewset.permission_policy)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return TrainingsGroup(training_session_viewset, data_request_viewset)


@hooks.register("register_admin_urls")
def register_trainer_urls():
    return [
        path("trainings/sessions/<int:pk>/roster/", RosterView.as_view(), name="trainings_roster"),
        path("trainings/sessions/<int:pk>/roster/add/", AddAttendeeView.as_view(), name="trainings_add_attendee"),
        path("trainings/sessions/<int:pk>/roster/import/", RosterImportView.as_view(), name="trainings_roster_import"),
        path(
            "trainings/sessions/<int:pk>/roster/template.xlsx",
            RosterTemplateView.as_view(),
            name="trainings_roster_template",
        ),
        path(
            "trainings/sessions/<int:pk>/roster.<str:file_format>",
            RosterExportView.as_view(),
            name="trainings_roster_export",
        ),
        path(
            "trainings/sessions/<int:pk>/sign-in-sheet.pdf", SignInSheetView.as_view(), name="trainings_sign_in_sheet"
        ),
        path(
            "trainings/sessions/<int:pk>/feedback/", SessionFeedbackView.as_view(), name="trainings_session_feedback"
        ),
        path("trainings/sessions/<int:pk>/feedback/poster/", RoomPosterView.as_view(), name="trainings_room_poster"),
        path("trainings/sessions/<int:pk>/roster/purge/", PurgeSpamView.as_view(), name="trainings_purge_spam"),
        path("trainings/check-in/offline/", OfflineCheckInView.as_view(), name="trainings_offline_check_in"),
        path("trainings/check-in/offline/sw.js", service_worker, name="trainings_check_in_worker"),
        path("trainings/check-in/sync/", SyncView.as_view(), name="trainings_check_in_sync"),
        path("trainings/check-in/<str:token>/", CheckInView.as_view(), name="trainings_check_in"),
        *report_urls("trainings/feedback/", FeedbackReportView, "trainings_feedback"),
    ]


@hooks.register("register_log_actions")
def register_roster_log_actions(actions):
    actions.register_action("trainings.export_roster", _("Export roster"), _("Roster exported"))
    actions.register_action("trainings.import_roster", _("Import roster"), _("Roster imported"))
    actions.register_action(
        "trainings.purge_registrations", _("Remove spam registrations"), _("Spam registrations removed")
    )
