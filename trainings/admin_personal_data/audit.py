"""How the audit log shows the personal data actions (export, erasure, correction, withdrawal, anonymisation)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from trainings.choices import ConsentPurpose
from trainings.models import Attendee
from trainings.personal_data import (
    ANONYMISE_ACTION,
    CORRECT_ACTION,
    ERASE_ACTION,
    EXPORT_ACTION,
    WITHDRAW_ACTION,
)


@hooks.register("register_log_actions")
def register_personal_data_log_actions(actions):
    @actions.register_action(EXPORT_ACTION)
    class ExportFormatter(LogFormatter):
        label = gettext_lazy("Export personal data")

        def format_message(self, log_entry):
            file_format = str((log_entry.data or {}).get("format", "")).upper()
            return _("Personal data exported (%(format)s)") % {"format": file_format}

    actions.register_action(ERASE_ACTION, gettext_lazy("Erase personal data"), gettext_lazy("Personal data erased"))

    @actions.register_action(CORRECT_ACTION)
    class CorrectFormatter(LogFormatter):
        label = gettext_lazy("Correct personal data")

        def format_message(self, log_entry):
            labels = [
                str(Attendee._meta.get_field(name).verbose_name) for name in (log_entry.data or {}).get("fields", [])
            ]
            return _("Personal data corrected: %(fields)s") % {"fields": ", ".join(labels) or "—"}

    @actions.register_action(WITHDRAW_ACTION)
    class WithdrawFormatter(LogFormatter):
        label = gettext_lazy("Withdraw consent")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            purpose = dict(ConsentPurpose.choices).get(data.get("purpose"), data.get("purpose", "?"))
            return _("Consent withdrawn: %(purpose)s") % {"purpose": purpose}

    @actions.register_action(ANONYMISE_ACTION)
    class AnonymiseFormatter(LogFormatter):
        label = gettext_lazy("Anonymise attendees")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("%(count)s attendee(s) anonymised: last class more than %(days)s days ago") % {
                "count": data.get("count", "?"),
                "days": data.get("days", "?"),
            }
