"""The request register: the list, add, edit and inspect views of data requests, and links to act on one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from campaigns.core.text import fold
from campaigns.statistics.viewsets import DayColumn
from trainings.admin_personal_data.guard import administrators_only
from trainings.choices import DataRequestKind
from trainings.identity import mask_phone, normalise_phone
from trainings.models import Attendee, DataRequest
from trainings.personal_data import (
    acknowledge_by,
    acknowledgement_overdue,
)


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


def request_or_404(request_id: int) -> DataRequest:
    return get_object_or_404(DataRequest.objects.select_related("attendee"), pk=request_id)


def edit_url(data_request: DataRequest) -> str:
    return reverse(data_request_viewset.get_url_name("edit"), args=[data_request.pk])


def export_url(data_request, file_format):
    return reverse("trainings_person_export", args=[data_request.pk, file_format])


def correct_url(data_request):
    return reverse("trainings_person_correct", args=[data_request.pk])


def erase_url(data_request):
    return reverse("trainings_person_erase", args=[data_request.pk])


def action_buttons(data_request) -> list[HeaderButton]:
    """Export for any request about a known person; erase only for an erasure request not yet carried out."""
    if data_request.attendee_id is None:
        return []
    buttons = [
        HeaderButton(_("Export (Excel)"), url=export_url(data_request, "xlsx"), icon_name="download", priority=10),
        HeaderButton(_("Export (JSON)"), url=export_url(data_request, "json"), icon_name="download", priority=20),
    ]
    if not data_request.attendee.anonymised_at:
        buttons.append(
            HeaderButton(_("Correct data and consents"), url=correct_url(data_request), icon_name="edit", priority=25)
        )
    if data_request.kind == DataRequestKind.ERASURE and not data_request.attendee.anonymised_at:
        buttons.append(
            HeaderButton(_("Erase personal data"), url=erase_url(data_request), icon_name="bin", priority=30)
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


class RequestPageMixin(WagtailAdminTemplateMixin):
    """A page acting on one request (``request_id`` in the URL): its title under the register's breadcrumbs, never
    cached. ``refusal()`` may send the user back to the request with a message instead."""

    def dispatch(self, request, *args, **kwargs):
        self.data_request = request_or_404(kwargs["request_id"])
        refusal = self.refusal()
        if refusal:
            messages.error(request, refusal)
            return redirect(edit_url(self.data_request))
        return super().dispatch(request, *args, **kwargs)

    def refusal(self) -> str | None:
        return None

    def get_page_subtitle(self):
        return str(self.data_request)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(data_request_viewset.get_url_name("index")),
                "label": capfirst(str(DataRequest._meta.verbose_name_plural)),
            },
            {"url": edit_url(self.data_request), "label": str(self.data_request)},
            {"url": "", "label": self.get_page_title()},
        ]

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store"
        return response
