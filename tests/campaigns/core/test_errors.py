"""Every refusal of the domain is a DomainError with a stable code, its params, and a translated message."""

from django.utils.translation import override

from campaigns.core.errors import DataFileError, DomainError, RowError
from campaigns.core.imports.uploads import PendingUploadError
from campaigns.impact.report import ImpactError
from campaigns.statistics.indicator_export import IndicatorExportError
from campaigns.statistics.services import ImportReport, StatisticsImportError
from cms.feedback import FeedbackError


def test_a_given_message_is_kept_as_it_was_given():
    error = ImpactError("no_units", "No communes or wards lie in this scope.")
    assert isinstance(error, DomainError)
    assert (error.code, error.params, error.message, str(error)) == (
        "no_units",
        {},
        "No communes or wards lie in this scope.",
        "No communes or wards lie in this scope.",
    )
    export = IndicatorExportError("unknown_scope", "No unit has the code 99.", {"code": "99"})
    assert (export.code, export.params, str(export)) == ("unknown_scope", {"code": "99"}, "No unit has the code 99.")
    feedback = FeedbackError("Choose “Yes” or “No”.", code="answer_missing")
    assert (feedback.code, feedback.message) == ("answer_missing", "Choose “Yes” or “No”.")


def test_the_message_is_built_from_the_code_and_params_in_the_active_language():
    report = ImportReport(rejected_rows=3)
    with override("en"):
        error = StatisticsImportError("invalid_rows", report)
        assert error.message == "Rows rejected: 3. Nothing was written."
    assert error.params == {"rejected": 3} and error.report is report
    with override("vi"):
        assert "3" in error.message and error.message != "Rows rejected: 3. Nothing was written."
    with override("en"):
        assert str(StatisticsImportError("unreadable_file", report)) == "The file cannot be read: nothing was written."
        missing = PendingUploadError(params={"name": "imports/pending/1-x.csv"})
        assert missing.code == "pending_upload_missing"
        assert missing.message == "The uploaded file is no longer available: upload it again."


def test_an_unknown_code_without_a_message_shows_the_code():
    assert DomainError("something_else").message == "something_else"
    assert DomainError().code == "domain_error"


def test_a_data_file_error_lists_every_problem():
    errors = [RowError("units.csv", 3, "code", "x", "not a code"), RowError("units.csv", None, None, None, "empty")]
    error = DataFileError("invalid_unit_data", errors)
    assert error.code == "invalid_unit_data" and error.params == {"count": 2} and error.errors == errors
    assert str(error) == error.message == "\n".join(str(item) for item in errors)
    assert DataFileError().code == "invalid_data_file"
