"""A person's data as a download (JSON or Excel), from their request."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import View

from trainings.admin_personal_data.requests import edit_url, request_or_404
from trainings.personal_data import (
    CONTENT_TYPES,
    FORMATS,
    export_filename,
    person_export,
)


class PersonExportView(View):
    """The person's data as a download; each download leaves an audit entry."""

    def get(self, request, request_id: int, file_format: str):
        if file_format not in FORMATS:
            raise Http404
        data_request = request_or_404(request_id)
        if data_request.attendee is None:
            messages.error(request, _("This request is not linked to a person, so there is nothing to export."))
            return redirect(edit_url(data_request))
        attendee = data_request.attendee
        content = person_export(actor=request.user, attendee=attendee, file_format=file_format)
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{export_filename(attendee, file_format)}"'
        response["Cache-Control"] = "no-store"
        return response
