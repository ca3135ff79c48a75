"""The trainings services have one shape: keyword-only ``<entity>_<action>(*, actor, …)``; refusals carry a code."""

import inspect

import pytest
from django.utils import translation

from campaigns.core.errors import DomainError
from trainings import cleanup, notifications, personal_data, roster, services
from trainings.personal_data import PersonalDataRefused, UnknownFormat
from trainings.roster import RosterRefused
from trainings.services import CheckInRefused, RegistrationRefused

SERVICES = {
    services: [
        "registration_create",
        "consent_create",
        "registration_cancel",
        "session_reconcile",
        "session_create",
        "registration_check_in",
        "attendance_record",
        "certificate_issue",
        "pending_registration_create",
        "pending_registration_confirm",
        "registration_purge",
        "registration_check_in_scans",
        "feedback_create",
    ],
    personal_data: [
        "person_export",
        "person_correct",
        "consent_withdraw",
        "data_request_close",
        "person_erase",
        "person_anonymise_expired",
    ],
    notifications: [
        "notification_create",
        "notification_create_for_session",
        "notification_create_for_change",
        "notification_deliver",
        "notification_create_reminders",
        "ticket_links_send",
    ],
    roster: ["roster_import"],
    cleanup: ["roster_preview_purge_stale", "roster_preview_forget", "pending_registration_purge_expired"],
}


@pytest.mark.parametrize(
    "function",
    [getattr(module, name) for module, names in SERVICES.items() for name in names],
    ids=lambda function: function.__name__,
)
def test_every_service_is_keyword_only_with_an_actor(function):
    parameters = inspect.signature(function).parameters
    assert parameters, function.__name__
    assert all(parameter.kind is inspect.Parameter.KEYWORD_ONLY for parameter in parameters.values())
    assert "actor" in parameters
    assert parameters["actor"].default is inspect.Parameter.empty  # every caller says who acts (None: nobody)


PARAMS = {"status": "x", "opens": "x", "closes": "x", "end": "x", "format": "x"}


@pytest.mark.parametrize(
    "error", [RegistrationRefused, CheckInRefused, RosterRefused, PersonalDataRefused, UnknownFormat]
)
def test_every_refusal_is_a_domain_error_with_a_translated_message_per_code(error):
    assert issubclass(error, DomainError)
    assert error.messages
    for code, template in error.messages.items():
        refused = error(code, PARAMS if "%(" in str(template) else None)
        assert refused.code == code
        assert str(refused) == refused.message
        with translation.override("en"):
            english = refused.message
        with translation.override("vi"):
            assert refused.message != english, code


def test_a_refusal_message_follows_the_language_active_when_it_is_read():
    refused = RegistrationRefused("closed")
    with translation.override("en"):
        english = refused.message
    with translation.override("vi"):
        assert refused.message != english
    assert english == "Registration for this class is closed."
