"""Back office for personal data requests: the request register, export of a person's data, correction, erasure.

Only administrators (superusers and the administrators group) see or use any of it. Every view
checks that on the server and answers anyone else with HTTP 403 (the denial is logged, with the
user's id only); the menu item is hidden from them by the permission policy as well.

Importing this package registers its hooks (audit log actions, admin URLs) and the permission
policy. The viewset is not registered here: ``data_request_viewset`` goes into a menu group.

- ``guard``: administrators only (policy, 403 page, view wrapper);
- ``audit``: how the audit log shows the actions;
- ``requests``: the request register (viewset);
- ``exports``, ``erasure``, ``correction``: what is done from a request.
"""

from django.urls import path
from wagtail import hooks

from trainings.admin_personal_data import audit  # noqa: F401 - registers the audit log actions
from trainings.admin_personal_data.correction import CorrectionForm, PersonCorrectView
from trainings.admin_personal_data.erasure import PersonEraseView
from trainings.admin_personal_data.exports import PersonExportView
from trainings.admin_personal_data.guard import administrators_only
from trainings.admin_personal_data.requests import DataRequestViewSet, data_request_viewset, person_label


@hooks.register("register_admin_urls")
def register_personal_data_urls():
    return [
        path(
            "trainings/personal-data/<int:request_id>/correct/",
            administrators_only(PersonCorrectView.as_view()),
            name="trainings_person_correct",
        ),
        path(
            "trainings/personal-data/<int:request_id>/export/<str:file_format>/",
            administrators_only(PersonExportView.as_view()),
            name="trainings_person_export",
        ),
        path(
            "trainings/personal-data/<int:request_id>/erase/",
            administrators_only(PersonEraseView.as_view()),
            name="trainings_person_erase",
        ),
    ]


__all__ = ["CorrectionForm", "DataRequestViewSet", "data_request_viewset", "person_label"]
