"""Back office for personal data requests: the request register, export of a person's data, erasure.

Only administrators (superusers and the administrators group) see or use any of it. Every view
checks that on the server and answers anyone else with HTTP 403 (the denial is logged, with the
user's id only); the menu item is hidden from them by the permission policy as well.

Importing this module registers its hooks (audit log actions, admin URLs) and the permission
policy. The viewset is not registered here: ``data_request_viewset`` goes into a menu group.
"""

import functools

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from campaigns.access.permissions import is_unrestricted, log_denial
from campaigns.access.roles import Role, role_group_name
from campaigns.core.text import fold
from campaigns.statistics.viewsets import DayColumn
from trainings.choices import ConsentPurpose, DataRequestKind
from trainings.identity import format_phone, mask_phone, normalise_phone
from trainings.models import Attendee, DataRequest
from trainings.people import PERSON_FIELDS, StaffPersonForm
from trainings.personal_data import (
    ANONYMISE_ACTION,
    CONTENT_TYPES,
    CORRECT_ACTION,
    ERASE_ACTION,
    EXPORT_ACTION,
    FORMATS,
    WITHDRAW_ACTION,
    PersonalDataRefused,
    acknowledge_by,
    acknowledgement_overdue,
    consent_withdraw,
    data_request_close,
    export_filename,
    person_correct,
    person_erase,
    person_export,
)

# --- Audit log actions ------------------------------------------------------------------------


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


# --- Administrators only ----------------------------------------------------------------------


class AdministratorsOnlyPolicy(ModelPermissionPolicy):
    """Every action on the model is for administrators; nobody else, whatever their model permissions."""

    def user_has_permission(self, user, action):
        return is_unrestricted(user)

    def user_has_any_permission(self, user, actions):
        return is_unrestricted(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return is_unrestricted(user)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return is_unrestricted(user)

    def instances_user_has_permission_for(self, user, action):
        manager = self.model._default_manager
        return manager.all() if is_unrestricted(user) else manager.none()

    def instances_user_has_any_permission_for(self, user, actions):
        return self.instances_user_has_permission_for(user, None)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        administrators = Q(is_superuser=True) | Q(groups__name=role_group_name(Role.ADMINISTRATOR))
        return get_user_model().objects.filter(administrators, is_active=True).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


register_permission_policy(DataRequest, AdministratorsOnlyPolicy(DataRequest))

_PAGE = """{% extends "wagtailadmin/generic/base.html" %}
{% block main_content %}
  {% for paragraph in paragraphs %}<p>{{ paragraph }}</p>{% endfor %}
  {% if erased_items %}
    <h2 class="w-h3">{{ erased_heading }}</h2>
    <ul>{% for item in erased_items %}<li>{{ item }}</li>{% endfor %}</ul>
    <h2 class="w-h3">{{ kept_heading }}</h2>
    <ul>{% for item in kept_items %}<li>{{ item }}</li>{% endfor %}</ul>
  {% endif %}
  {% if warning %}<div class="help-block help-warning"><p>{{ warning }}</p></div>{% endif %}
  {% if export_links %}
    <p>{% for link in export_links %}<a class="button button-small button-secondary" href="{{ link.url }}">{{ link.label }}</a> {% endfor %}</p>
  {% endif %}
  {% if submit_label %}
    <form action="{{ form_action }}" method="post">{% csrf_token %}
      <button type="submit" class="button serious">{{ submit_label }}</button>
      <a href="{{ cancel_url }}" class="button button-secondary">{{ cancel_label }}</a>
    </form>
  {% elif cancel_url %}
    <p><a href="{{ cancel_url }}" class="button button-secondary">{{ cancel_label }}</a></p>
  {% endif %}
{% endblock %}
"""


@functools.cache
def _page_template():
    # Texts come translated from Python (makemessages does not read templates held in strings).
    return engines["django"].from_string(_PAGE)


def forbidden(request, *, obj_id=None) -> HttpResponse:
    """HTTP 403 in the admin's frame, and the denial in the access log (user id only)."""
    match = getattr(request, "resolver_match", None)
    action = (match.view_name if match else "") or "personal_data"
    log_denial(request.user, action, DataRequest, obj_id)
    title = _("Access denied")
    context = {
        "header_title": title,
        "page_title": title,
        "breadcrumbs_items": [],
        "paragraphs": [_("Only administrators may handle personal data requests.")],
    }
    return TemplateResponse(request, _page_template(), context, status=403)


def administrators_only(view):
    """Wrap a view so that anyone but an administrator gets 403 before the view does anything."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_unrestricted(request.user):
            return forbidden(request, obj_id=kwargs.get("pk") or kwargs.get("request_id"))
        return view(request, *args, **kwargs)

    return wrapped


# --- The request register ---------------------------------------------------------------------


def person_label(attendee: Attendee | None) -> str:
    """``Attendee #12 · 0912 ••• 678``: enough to tell people apart, never a name."""
    if attendee is None:
        return "—"
    if attendee.anonymised_at:
        return _("%(attendee)s (data erased)") % {"attendee": attendee}
    masked = mask_phone(attendee.phone)
    return f"{attendee} · {masked}" if masked else str(attendee)


class DataRequestForm(WagtailAdminModelForm):
    """The person is found by the phone number they registered with; no list of names is ever shown."""

    phone = forms.CharField(
        label=gettext_lazy("Phone number of the person"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    full_name = forms.CharField(
        label=gettext_lazy("Full name of the person"),
        help_text=gettext_lazy("Only needed when several people of a family registered with the same phone."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._attendee = None
        current = self.instance.attendee if self.instance.attendee_id else None
        field = self.fields["phone"]
        if current is None:
            field.required = True
            field.help_text = _("The number the person registered with, for example 0912 345 678.")
        else:
            field.help_text = _("Now: %(person)s. Leave empty to keep this person.") % {
                "person": person_label(current)
            }

    def clean_phone(self):
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return ""
        phone = normalise_phone(raw)
        if not Attendee.objects.filter(phone=phone).exists():
            raise ValidationError(
                _(
                    "No attendee has registered with this phone number. Check the number with the person; "
                    "if they never registered for a class, we hold no data about them."
                ),
                code="unknown_phone",
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("phone")
        if phone:
            # A family may share one phone: then the name (accents and case ignored) tells which person it is.
            people = Attendee.objects.filter(phone=phone).order_by("pk")
            name = (cleaned.get("full_name") or "").strip()
            if name:
                people = people.filter(name_key=fold(name))
            found = list(people[:2])
            if len(found) == 1:
                self._attendee = found[0]
            elif not found:
                self.add_error(
                    "full_name",
                    ValidationError(
                        _("Nobody with this name registered with this phone number."), code="unknown_name"
                    ),
                )
            else:
                self.add_error(
                    "full_name",
                    ValidationError(
                        _("Several people registered with this phone number (a family sharing it): type the name."),
                        code="ambiguous_phone",
                    ),
                )
        if self._attendee is not None:
            self.instance.attendee = self._attendee
        return cleaned

    def save(self, commit=True):
        if self.for_user is not None and self.for_user.is_authenticated:
            self.instance.handled_by = self.for_user
        return super().save(commit=commit)


class AcknowledgementColumn(Column):
    """The deadline to acknowledge a request, flagged once it has passed."""

    def __init__(self, name="acknowledge_by", **kwargs):
        kwargs.setdefault("label", gettext_lazy("Acknowledgement due"))
        super().__init__(name, accessor=lambda obj: obj, **kwargs)

    def render_cell_html(self, instance, parent_context):
        if instance.acknowledged_on or instance.done_on or not instance.received_on:
            return mark_safe("<td>—</td>")  # noqa: S308 - a constant
        deadline = date_format(acknowledge_by(instance.received_on), "SHORT_DATE_FORMAT")
        if acknowledgement_overdue(instance):
            return format_html(
                '<td><strong class="w-text-text-error" data-overdue>'
                '<svg class="icon icon-warning w-w-4 w-h-4 w-mr-1" aria-hidden="true"><use href="#icon-warning"></use></svg> {}'
                "</strong></td>",
                _("Overdue: due %(date)s") % {"date": deadline},
            )
        return format_html("<td>{}</td>", _("By %(date)s") % {"date": deadline})


class DataRequestFilterSet(WagtailFilterSet):
    class Meta:
        model = DataRequest
        fields = ["kind"]


def _export_url(data_request, file_format):
    return reverse("trainings_person_export", args=[data_request.pk, file_format])


def _correct_url(data_request):
    return reverse("trainings_person_correct", args=[data_request.pk])


def _erase_url(data_request):
    return reverse("trainings_person_erase", args=[data_request.pk])


def action_buttons(data_request) -> list[HeaderButton]:
    """Export for any request about a known person; erase only for an erasure request not yet carried out."""
    if data_request.attendee_id is None:
        return []
    buttons = [
        HeaderButton(_("Export (Excel)"), url=_export_url(data_request, "xlsx"), icon_name="download", priority=10),
        HeaderButton(_("Export (JSON)"), url=_export_url(data_request, "json"), icon_name="download", priority=20),
    ]
    if not data_request.attendee.anonymised_at:
        buttons.append(
            HeaderButton(_("Correct data and consents"), url=_correct_url(data_request), icon_name="edit", priority=25)
        )
    if data_request.kind == DataRequestKind.ERASURE and not data_request.attendee.anonymised_at:
        buttons.append(
            HeaderButton(_("Erase personal data"), url=_erase_url(data_request), icon_name="bin", priority=30)
        )
    return buttons


class DataRequestIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("attendee")


class DataRequestEditView(generic.EditView):
    @cached_property
    def header_buttons(self):
        return [*super().header_buttons, *action_buttons(self.object)]


class DataRequestInspectView(generic.InspectView):
    @cached_property
    def header_buttons(self):
        return [*super().header_buttons, *action_buttons(self.object)]

    def get_attendee_display_value(self):
        return person_label(self.object.attendee)


class DataRequestViewSet(ModelViewSet):
    model = DataRequest
    icon = "lock"
    menu_label = gettext_lazy("Personal data requests")
    menu_order = 100
    add_to_admin_menu = False
    index_view_class = DataRequestIndexView
    edit_view_class = DataRequestEditView
    inspect_view_class = DataRequestInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "__str__",
        Column("attendee", label=gettext_lazy("Person"), accessor=lambda obj: person_label(obj.attendee)),
        Column("kind", label=gettext_lazy("Request"), accessor="get_kind_display"),
        DayColumn("received_on", label=gettext_lazy("Received on")),
        DayColumn("acknowledged_on", label=gettext_lazy("Acknowledged on")),
        DayColumn("done_on", label=gettext_lazy("Done on")),
        AcknowledgementColumn(),
    ]
    filterset_class = DataRequestFilterSet
    list_per_page = 50
    inspect_view_fields = ["attendee", "kind", "received_on", "acknowledged_on", "done_on", "note", "handled_by"]
    edit_handler = ObjectList(
        [
            FieldPanel("phone"),
            FieldPanel("full_name"),
            FieldPanel("kind"),
            FieldRowPanel([FieldPanel("received_on"), FieldPanel("acknowledged_on"), FieldPanel("done_on")]),
            FieldPanel("note"),
        ],
        base_form_class=DataRequestForm,
    )

    def construct_view(self, view_class, **kwargs):
        # Every view of the viewset (list, add, edit, inspect, delete, history, usage) checks first.
        return administrators_only(super().construct_view(view_class, **kwargs))


data_request_viewset = DataRequestViewSet("data_requests")


# --- Export and erasure -----------------------------------------------------------------------


def _request_or_404(request_id: int) -> DataRequest:
    return get_object_or_404(DataRequest.objects.select_related("attendee"), pk=request_id)


def _edit_url(data_request: DataRequest) -> str:
    return reverse(data_request_viewset.get_url_name("edit"), args=[data_request.pk])


class PersonExportView(View):
    """The person's data as a download; each download leaves an audit entry."""

    def get(self, request, request_id: int, file_format: str):
        if file_format not in FORMATS:
            raise Http404
        data_request = _request_or_404(request_id)
        if data_request.attendee is None:
            messages.error(request, _("This request is not linked to a person, so there is nothing to export."))
            return redirect(_edit_url(data_request))
        attendee = data_request.attendee
        content = person_export(actor=request.user, attendee=attendee, file_format=file_format)
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{export_filename(attendee, file_format)}"'
        response["Cache-Control"] = "no-store"
        return response


def erased_field_labels() -> list[str]:
    """The names of the fields erasure clears (``trainings.people``), as the model labels them."""
    labels = []
    for field in PERSON_FIELDS:
        model_field = Attendee._meta.get_field(field.name)
        if model_field.editable:  # derived fields (the folded name) go with the field they come from
            labels.append(str(model_field.verbose_name))
    return labels


class PersonEraseView(WagtailAdminTemplateMixin, TemplateView):
    """GET: what will be erased and what stays; POST: erase, close the request, back to it with a message."""

    header_icon = "bin"

    def dispatch(self, request, *args, **kwargs):
        self.data_request = _request_or_404(kwargs["request_id"])
        refusal = self._refusal()
        if refusal:
            messages.error(request, refusal)
            return redirect(_edit_url(self.data_request))
        return super().dispatch(request, *args, **kwargs)

    def _refusal(self) -> str | None:
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

    def get_page_subtitle(self):
        return str(self.data_request)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(data_request_viewset.get_url_name("index")),
                "label": capfirst(str(DataRequest._meta.verbose_name_plural)),
            },
            {"url": _edit_url(self.data_request), "label": str(self.data_request)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_template_names(self):
        return _page_template()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attendee = self.data_request.attendee
        cancel = {"cancel_url": _edit_url(self.data_request), "cancel_label": _("Back to the request")}
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
                {"url": _export_url(self.data_request, "xlsx"), "label": _("Export (Excel)")},
                {"url": _export_url(self.data_request, "json"), "label": _("Export (JSON)")},
            ],
            form_action=_erase_url(self.data_request),
            submit_label=_("Yes, erase the data"),
            **{**cancel, "cancel_label": _("No, go back")},
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store"
        return response

    def post(self, request, *args, **kwargs):
        data_request = self.data_request
        attendee = data_request.attendee
        if attendee.anonymised_at:  # a second click, or another administrator was quicker
            erased_on = date_format(timezone.localtime(attendee.anonymised_at), "SHORT_DATETIME_FORMAT")
            messages.info(
                request,
                _("The personal data of %(person)s was erased on %(date)s.") % {"person": attendee, "date": erased_on},
            )
            return redirect(_edit_url(data_request))
        with transaction.atomic():
            attendee = person_erase(actor=request.user, attendee=attendee)
            data_request_close(actor=request.user, data_request=data_request)
        messages.success(request, _("The personal data of %(person)s has been erased.") % {"person": attendee})
        return redirect(_edit_url(data_request))


class CorrectionForm(StaffPersonForm):
    """The fields a person may have corrected (``trainings.people``), with the checks of the trainer's form."""


class PersonCorrectView(WagtailAdminTemplateMixin, TemplateView):
    """A correction request carried out: the person's data in a form, and their consents, withdrawable per purpose."""

    header_icon = "edit"
    template_name = "trainings/admin/person_correct.html"

    def dispatch(self, request, *args, **kwargs):
        self.data_request = _request_or_404(kwargs["request_id"])
        attendee = self.data_request.attendee
        if attendee is None or attendee.anonymised_at:
            messages.error(request, _("This request is not linked to a person whose data is kept."))
            return redirect(_edit_url(self.data_request))
        self.attendee = attendee
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Correct data and consents")

    def get_page_subtitle(self):
        return str(self.data_request)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(data_request_viewset.get_url_name("index")),
                "label": capfirst(str(DataRequest._meta.verbose_name_plural)),
            },
            {"url": _edit_url(self.data_request), "label": str(self.data_request)},
            {"url": "", "label": self.get_page_title()},
        ]

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
            back_url=_edit_url(self.data_request),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store"
        return response

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
            return redirect(_correct_url(self.data_request))
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
        return redirect(_edit_url(self.data_request))


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


__all__ = ["DataRequestViewSet", "data_request_viewset", "person_label"]
