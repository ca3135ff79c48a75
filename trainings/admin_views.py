"""Trainer screens in the Wagtail admin: roster, check-in, attendees by hand, roster files, feedback.

Every view checks on the server that the user is a trainer of the session (or an administrator)
before showing or changing anything personal; denials are logged without personal data.
"""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from campaigns.core.imports.views import ImportView
from trainings import access, people, roster, schedule, selectors, services
from trainings.choices import SEATED, ConsentPurpose, RegistrationSource, Status
from trainings.identity import mask_phone
from trainings.models import Registration, TrainingSession
from trainings.pdf import sign_in_sheet_pdf
from trainings.people import StaffPersonForm
from trainings.room_feedback import room_feedback_url

SESSION_IMPORT_KEY = "trainings_roster_import"
_ID = re.compile(r"[0-9]{1,12}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")


def forbidden(request) -> TemplateResponse:
    """A plain 403 page (Wagtail would turn PermissionDenied into a redirect to the dashboard)."""
    message = _("Only the trainers of this class and administrators can see its roster.")
    return TemplateResponse(request, "trainings/admin/forbidden.html", {"message": message}, status=403)


class SessionMixin(WagtailAdminTemplateMixin):
    """Loads the session from the URL and requires roster access."""

    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(TrainingSession, pk=kwargs["pk"])
        try:
            access.require_roster(request.user, self.session)
        except PermissionDenied:
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("training_sessions:index"), "label": TrainingSession._meta.verbose_name_plural},
            {"url": reverse("trainings_roster", args=[self.session.pk]), "label": self.session.title},
            {"url": "", "label": self.get_page_title()},
        ]

    def render(self, template, **context):
        return TemplateResponse(
            self.request, template, {**self.get_context_data(), "session": self.session, **context}
        )


class RosterView(SessionMixin, View):
    page_title = gettext_lazy("Roster")
    header_icon = "group"

    def get(self, request, pk):
        registrations = list(
            self.session.registrations.select_related("attendee", "feedback").order_by("seat", "registered_at")
        )
        for item in registrations:
            item.masked_phone = mask_phone(item.attendee.phone)
            item.certificate_number = getattr(getattr(item, "certificate", None), "number", "")
        groups = {status: [item for item in registrations if item.status == status] for status in Status.values}
        return self.render(
            "trainings/admin/roster.html",
            seated=[item for item in registrations if item.status in SEATED],
            waiting=groups[Status.WAITLISTED],
            cancelled=groups[Status.CANCELLED],
            counts={status: len(items) for status, items in groups.items()},
            free_seats=max(self.session.capacity - sum(len(groups[status]) for status in SEATED), 0),
            feedback=selectors.feedback_summary(TrainingSession.objects.filter(pk=self.session.pk)).get(
                self.session.pk
            ),
            undelivered=selectors.undelivered_messages(self.session),
        )

    def post(self, request, pk):
        action = request.POST.get("action")
        if request.POST.get("certificate"):  # a row's certificate button inside the attendance form
            action = "certificate"
        if action == "attendance":
            present = {int(value) for value in request.POST.getlist("present") if _ID.fullmatch(value)}
            try:
                attended, absent = services.attendance_record(
                    actor=request.user, session=self.session, present_ids=present
                )
            except services.CheckInRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Attendance saved: %(attended)s present, %(absent)s absent.")
                    % {"attended": attended, "absent": absent},
                )
                if not schedule.has_ended(self.session):
                    messages.info(request, _("The class has not ended: nobody is marked absent yet."))
        elif action in ("check_in", "cancel", "certificate"):
            chosen = request.POST.get("certificate") or request.POST.get("registration") or ""
            if not _ID.fullmatch(chosen):
                raise Http404
            registration = get_object_or_404(Registration, pk=int(chosen), session=self.session)
            if action == "check_in":
                try:
                    services.registration_check_in(actor=request.user, registration=registration)
                    messages.success(request, _("Checked in."))
                except services.CheckInRefused as exc:
                    messages.error(request, exc.message)
            elif action == "cancel":
                promoted = services.registration_cancel(actor=request.user, registration=registration)
                messages.success(request, _("Registration cancelled."))
                if promoted:
                    messages.info(request, _("The freed seat went to the first person on the waiting list."))
            else:
                try:
                    certificate = services.certificate_issue(actor=request.user, registration=registration)
                except services.CheckInRefused as exc:
                    messages.error(request, exc.message)
                else:
                    return redirect("trainings:certificate_pdf", code=certificate.code)
        return redirect("trainings_roster", pk=self.session.pk)


class AttendeeForm(StaffPersonForm):
    consent = forms.BooleanField(
        label=gettext_lazy("The person agreed (on paper or in person) to the use of their data for this class"),
        required=True,
    )
    consent_certificate = forms.BooleanField(
        label=gettext_lazy("The person agreed to have their name on a certificate of attendance"), required=False
    )


class AddAttendeeView(SessionMixin, View):
    page_title = gettext_lazy("Add an attendee")
    header_icon = "user"

    def get(self, request, pk):
        return self.render("trainings/admin/attendee_form.html", form=AttendeeForm())

    def post(self, request, pk):
        form = AttendeeForm(request.POST)
        if not form.is_valid():
            return self.render("trainings/admin/attendee_form.html", form=form)
        data = form.cleaned_data
        result = services.registration_create(
            actor=request.user,
            session=self.session,
            phone=data["phone"],
            details=people.details(data),
            consents=[ConsentPurpose.TRAINING] + ([ConsentPurpose.CERTIFICATE] if data["consent_certificate"] else []),
            source=RegistrationSource.TRAINER,
            check_window=False,
        )
        if not result.created:
            messages.warning(request, _("This person is already on the roster."))
        elif result.waitlisted:
            messages.warning(request, _("The class is full: the person is on the waiting list."))
        else:
            messages.success(request, _("Registered, seat %(seat)s.") % {"seat": result.registration.seat})
        return redirect("trainings_roster", pk=self.session.pk)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("XLSX or CSV file"),
        help_text=gettext_lazy("At most 2 MB. Title rows above the header row are fine."),
    )


class RosterConfirmForm(forms.Form):
    attest = forms.BooleanField(
        label=gettext_lazy(
            "I hold the consent forms signed on paper by the people marked in the consent column, and the people "
            "in the file agreed to the use of their data for this class."
        ),
        required=False,
    )


class RosterImportView(ImportView, SessionMixin):
    """The people of the file wait in the session (not the file) between the preview and the confirmation."""

    page_title = gettext_lazy("Import a roster")
    template_name = "trainings/admin/roster_import.html"
    session_key = SESSION_IMPORT_KEY
    form_class = RosterUploadForm
    expired_message = gettext_lazy("Nothing to import: upload the file again.")
    error_limit = None  # at most 2,000 rows: every error is listed
    get_breadcrumbs_items = SessionMixin.get_breadcrumbs_items

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "session": self.session, "result_id": "roster-check"}

    def upload_url(self) -> str:
        return reverse("trainings_roster_import", args=[self.session.pk])

    def check_upload(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > roster.MAX_BYTES:
            form.add_error("file", _("The file is larger than 2 MB."))
            return self.render(form=form)
        try:
            dataset = roster.read_dataset(upload.read(roster.MAX_BYTES + 1), upload.name)
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
            return self.render(form=form)
        check = roster.check_roster(self.session, dataset)
        if check.errors:
            return self.render(form=RosterUploadForm(), check=check, report=check, file_name=upload.name)
        self.keep_preview(
            session=self.session.pk,
            file_name=upload.name,
            header_row=check.header_row,
            rows=[row.__dict__ for row in check.rows],
        )
        return self.preview(check, upload.name, RosterConfirmForm())

    def preview(self, check, file_name, confirm_form):
        return self.render(
            check=check,
            report=check,
            file_name=file_name,
            confirm=True,
            confirm_form=confirm_form,
            confirm_label=ngettext(
                "Import %(count)s attendee into the class “%(title)s”",
                "Import %(count)s attendees into the class “%(title)s”",
                check.to_register,
            )
            % {"count": check.to_register, "title": self.session.title},
        )

    def is_usable(self, pending) -> bool:
        return super().is_usable(pending) and pending["session"] == self.session.pk

    def confirm(self, pending: dict):
        request = self.request
        rows = [roster.RosterRow(**row) for row in pending["rows"]]
        confirm_form = RosterConfirmForm(request.POST)
        confirm_form.is_valid()
        attested = confirm_form.cleaned_data.get("attest")
        try:
            counts = roster.roster_import(
                actor=request.user, session=self.session, rows=rows, attested_by=request.user if attested else None
            )
        except roster.RosterRefused as exc:
            confirm_form.add_error("attest", exc.message)
            check = roster.RosterCheck(rows=rows, header_row=pending.get("header_row", 1))
            return self.preview(check, pending.get("file_name", ""), confirm_form)
        request.session.pop(SESSION_IMPORT_KEY, None)
        log(
            instance=self.session,
            action="trainings.import_roster",
            user=request.user,
            data={**counts, "certificate_consents_attested": sum(row.consent_certificate for row in rows)},
        )
        messages.success(
            request,
            _(
                "Roster imported: %(registered)s registered, %(waitlisted)s on the waiting list, %(unchanged)s already there."
            )
            % counts,
        )
        return redirect("trainings_roster", pk=self.session.pk)


class RosterTemplateView(SessionMixin, View):
    def get(self, request, pk):
        response = HttpResponse(roster.template_xlsx(self.session), content_type=roster.XLSX.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="mau-danh-sach-lop-{self.session.pk}.xlsx"'
        return response


class RosterExportView(SessionMixin, View):
    def get(self, request, pk, file_format):
        if file_format not in ("csv", "xlsx"):
            raise Http404
        data = roster.export_roster(self.session, file_format)
        log(instance=self.session, action="trainings.export_roster", user=request.user, data={"format": file_format})
        content_type = "text/csv" if file_format == "csv" else roster.XLSX.CONTENT_TYPE
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="danh-sach-lop-{self.session.pk}.{file_format}"'
        return response


class SignInSheetView(SessionMixin, View):
    def get(self, request, pk):

        registrations = list(
            self.session.registrations.filter(status__in=SEATED).select_related("attendee").order_by("seat")
        )
        data = sign_in_sheet_pdf(self.session, registrations)
        log(instance=self.session, action="trainings.export_roster", user=request.user, data={"format": "pdf"})
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="diem-danh-lop-{self.session.pk}.pdf"'
        return response


class CheckInView(WagtailAdminTemplateMixin, View):
    """Opened by scanning a ticket's QR code on the trainer's phone; one tap confirms."""

    page_title = gettext_lazy("Check in")
    header_icon = "tick"
    template = "trainings/admin/check_in.html"

    def dispatch(self, request, *args, **kwargs):
        if not _TOKEN.fullmatch(kwargs["token"]):
            raise Http404
        self.registration = get_object_or_404(
            Registration.objects.select_related("session", "attendee"), token=kwargs["token"]
        )
        try:
            access.require_roster(request.user, self.registration.session)
        except PermissionDenied:
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        return {**self.get_context_data(), "registration": self.registration, **extra}

    def get(self, request, token):
        return TemplateResponse(request, self.template, self.context())

    def post(self, request, token):
        try:
            self.registration, first = services.registration_check_in(
                actor=request.user, registration=self.registration
            )
        except services.CheckInRefused as exc:
            return TemplateResponse(request, self.template, self.context(refused=exc.message))
        checked_at = timezone.localtime(self.registration.checked_in_at).strftime("%H:%M %d/%m/%Y")
        note = (_("Checked in at %(time)s.") if first else _("Already checked in at %(time)s.")) % {"time": checked_at}
        return TemplateResponse(request, self.template, self.context(done=note, first=first))


class PurgeSpamForm(forms.Form):
    registered_from = forms.DateTimeField(label=gettext_lazy("Registered from"))
    registered_until = forms.DateTimeField(label=gettext_lazy("Registered until"))

    def clean(self):
        data = super().clean()
        start, end = data.get("registered_from"), data.get("registered_until")
        if start and end and end < start:
            self.add_error("registered_until", _("The end must come after the start."))
        return data


class PurgeSpamView(SessionMixin, View):
    """Remove a burst of fake public registrations: those made in a period that hold a seat or wait."""

    page_title = gettext_lazy("Remove spam registrations")
    header_icon = "bin"
    template = "trainings/admin/purge_spam.html"

    def matching(self, form):
        data = form.cleaned_data
        return self.session.registrations.filter(
            source=RegistrationSource.PUBLIC,
            status__in=[Status.REGISTERED, Status.WAITLISTED],
            registered_at__gte=data["registered_from"],
            registered_at__lte=data["registered_until"],
        )

    def get(self, request, pk):
        form = PurgeSpamForm(request.GET or None)
        if form.is_bound and form.is_valid():
            return self.render(self.template, form=form, count=self.matching(form).count(), preview=True)
        return self.render(self.template, form=form)

    def post(self, request, pk):
        form = PurgeSpamForm(request.POST)
        if not form.is_valid():
            return self.render(self.template, form=form)
        removed, promoted = services.registration_purge(
            actor=request.user,
            session=self.session,
            registered_from=form.cleaned_data["registered_from"],
            registered_until=form.cleaned_data["registered_until"],
        )
        messages.success(
            request,
            _("%(removed)s registrations removed; %(promoted)s people from the waiting list got a seat.")
            % {"removed": removed, "promoted": len(promoted)},
        )
        return redirect("trainings_roster", pk=self.session.pk)


class SessionFeedbackView(SessionMixin, View):
    """Every answer of one class with its comment (from tickets and from the room's link); nobody is named."""

    page_title = gettext_lazy("Feedback and comments")
    header_icon = "comment"

    def get(self, request, pk):

        answers = list(selectors.feedback_comments(self.session))
        return self.render(
            "trainings/admin/session_feedback.html",
            answers=answers,
            summary=selectors.feedback_summary(TrainingSession.objects.filter(pk=self.session.pk)).get(
                self.session.pk
            ),
            with_comment=sum(1 for answer in answers if answer.comment),
            room_url=room_feedback_url(self.session),
        )


class RoomPosterView(SessionMixin, View):
    """A page to print and put up in the room: the class, the QR code of its feedback link and the address."""

    def get(self, request, pk):

        return TemplateResponse(
            request,
            "trainings/admin/room_poster.html",
            {"session": self.session, "room_url": room_feedback_url(self.session)},
        )
