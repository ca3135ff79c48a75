"""Erasure from an erasure request: what goes and what stays, then the erasure itself."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from trainings.admin_personal_data.guard import PAGE_TEMPLATE
from trainings.admin_personal_data.requests import RequestPageMixin, edit_url, erase_url, export_url, person_label
from trainings.choices import DataRequestKind
from trainings.models import Attendee
from trainings.people import PERSON_FIELDS
from trainings.personal_data import (
    data_request_close,
    person_erase,
)


def erased_field_labels() -> list[str]:
    """The names of the fields erasure clears (``trainings.people``), as the model labels them."""
    labels = []
    for field in PERSON_FIELDS:
        model_field = Attendee._meta.get_field(field.name)
        if model_field.editable:  # derived fields (the folded name) go with the field they come from
            labels.append(str(model_field.verbose_name))
    return labels


class PersonEraseView(RequestPageMixin, TemplateView):
    """GET: what will be erased and what stays; POST: erase, close the request, back to it with a message."""

    header_icon = "bin"

    def refusal(self) -> str | None:
        if self.data_request.attendee is None:
            return _("This request is not linked to a person, so there is nothing to erase.")
        if self.data_request.kind != DataRequestKind.ERASURE:
            return _(
                "Only an erasure request leads to erasure. If the person asked for their data to be erased, "
                "change the kind of request first."
            )
        return None

    def get_page_title(self):
        return _("Erase personal data")

    def get_template_names(self):
        return [PAGE_TEMPLATE]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attendee = self.data_request.attendee
        cancel = {"cancel_url": edit_url(self.data_request), "cancel_label": _("Back to the request")}
        if attendee.anonymised_at:
            erased_on = date_format(timezone.localtime(attendee.anonymised_at), "SHORT_DATETIME_FORMAT")
            context.update(
                paragraphs=[
                    _("The personal data of %(person)s was erased on %(date)s.")
                    % {"person": attendee, "date": erased_on}
                ],
                **cancel,
            )
            return context
        registrations = attendee.registrations.count()
        comments = attendee.registrations.filter(feedback__isnull=False).exclude(feedback__comment="").count()
        context.update(
            paragraphs=[
                _("You are about to erase the personal data of %(person)s.") % {"person": person_label(attendee)}
            ],
            erased_heading=_("Erased"),
            erased_items=[
                _("Personal details: %(fields)s.") % {"fields": ", ".join(erased_field_labels())},
                _("Comments written in feedback: %(count)s.") % {"count": comments},
            ],
            kept_heading=_("Kept, without anything that identifies the person"),
            kept_items=[
                _("Registrations, attendance and seats: %(count)s (so that class counts stay right).")
                % {"count": registrations},
                _("Consent records (purpose, text shown and times) and feedback ratings."),
            ],
            warning=_("This cannot be undone. If the person also asked for a copy of their data, export it first."),
            export_links=[
                {"url": export_url(self.data_request, "xlsx"), "label": _("Export (Excel)")},
                {"url": export_url(self.data_request, "json"), "label": _("Export (JSON)")},
            ],
            form_action=erase_url(self.data_request),
            submit_label=_("Yes, erase the data"),
            **{**cancel, "cancel_label": _("No, go back")},
        )
        return context

    def post(self, request, *args, **kwargs):
        data_request = self.data_request
        attendee = data_request.attendee
        if attendee.anonymised_at:  # a second click, or another administrator was quicker
            erased_on = date_format(timezone.localtime(attendee.anonymised_at), "SHORT_DATETIME_FORMAT")
            messages.info(
                request,
                _("The personal data of %(person)s was erased on %(date)s.") % {"person": attendee, "date": erased_on},
            )
            return redirect(edit_url(data_request))
        with transaction.atomic():
            attendee = person_erase(actor=request.user, attendee=attendee)
            data_request_close(actor=request.user, data_request=data_request)
        messages.success(request, _("The personal data of %(person)s has been erased.") % {"person": attendee})
        return redirect(edit_url(data_request))
