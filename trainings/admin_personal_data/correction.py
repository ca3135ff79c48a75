"""A correction request carried out: the person's data in a form, consents withdrawable per purpose."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from trainings.admin_personal_data.requests import RequestPageMixin, correct_url, edit_url, person_label
from trainings.choices import ConsentPurpose
from trainings.identity import format_phone
from trainings.models import Attendee
from trainings.people import StaffPersonForm
from trainings.personal_data import (
    PersonalDataRefused,
    consent_withdraw,
    person_correct,
)


class CorrectionForm(StaffPersonForm):
    """The fields a person may have corrected (``trainings.people``), with the checks of the trainer's form."""


class PersonCorrectView(RequestPageMixin, TemplateView):
    """A correction request carried out: the person's data in a form, and their consents, withdrawable per purpose."""

    header_icon = "edit"
    template_name = "trainings/admin/person_correct.html"

    def refusal(self) -> str | None:
        attendee = self.data_request.attendee
        if attendee is None or attendee.anonymised_at:
            return _("This request is not linked to a person whose data is kept.")
        self.attendee = attendee
        return None

    def get_page_title(self):
        return _("Correct data and consents")

    def initial(self) -> dict:
        initial = {name: getattr(self.attendee, name) or "" for name in CorrectionForm.base_fields}
        return {**initial, "phone": format_phone(self.attendee.phone)}

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        consents = list(self.attendee.consents.order_by("purpose", "given_at", "pk"))
        labels = dict(ConsentPurpose.choices)
        by_purpose = []
        for purpose, label in labels.items():
            rows = [consent for consent in consents if consent.purpose == purpose]
            by_purpose.append(
                {
                    "purpose": purpose,
                    "label": label,
                    "rows": rows,
                    "active": any(consent.withdrawn_at is None for consent in rows),
                }
            )
        context.update(
            form=form or CorrectionForm(initial=self.initial()),
            person=person_label(self.attendee),
            consents=by_purpose,
            back_url=edit_url(self.data_request),
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "withdraw":
            purpose = request.POST.get("purpose", "")
            if purpose not in ConsentPurpose.values:
                raise Http404
            count = consent_withdraw(
                actor=request.user, attendee=self.attendee, purpose=purpose, data_request=self.data_request
            )
            if count:
                messages.success(
                    request,
                    _("Consent withdrawn on %(date)s: %(purpose)s.")
                    % {
                        "date": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
                        "purpose": ConsentPurpose(purpose).label,
                    },
                )
            else:
                messages.info(request, _("There was no consent in force for this purpose."))
            return redirect(correct_url(self.data_request))
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            changed = person_correct(
                actor=request.user, attendee=self.attendee, changes=form.cleaned_data, data_request=self.data_request
            )
        except PersonalDataRefused as exc:
            form.add_error(exc.field, exc.message)
            return self.render_to_response(self.get_context_data(form=form))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.render_to_response(self.get_context_data(form=form))
        if changed:
            labels = [str(Attendee._meta.get_field(name).verbose_name) for name in changed]
            messages.success(
                request, _("Corrected: %(fields)s. The request is marked done.") % {"fields": ", ".join(labels)}
            )
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect(edit_url(self.data_request))
