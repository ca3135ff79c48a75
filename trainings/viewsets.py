"""Wagtail admin for training sessions: listing by scope, editing and copying by the session's trainers."""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from campaigns.access import permissions
from campaigns.access.roles import Role, role_group_name
from campaigns.access.viewsets import ScopedPermissionPolicy, UnitInScopeForm, scope_guarded
from campaigns.statistics.viewsets import unit_chooser_viewset
from trainings import access, services
from trainings.choices import SEATED, Topic
from trainings.models import TrainingSession


class TrainingSessionPermissionPolicy(ScopedPermissionPolicy):
    """Classes follow trainings.access (trainers see their own classes) rather than the unit scope alone."""

    def user_has_permission_for_instance(self, user, action, instance):
        return access.can(user, action, instance)

    def instances_user_has_permission_for(self, user, action):
        return access.sessions_for(user, action)


class RosterColumn(Column):
    cell_template_name = "trainings/admin/roster_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context["roster_url"] = (
            reverse("trainings_roster", args=[instance.pk]) if access.can_see_roster(request.user, instance) else ""
        )
        return context


class StartColumn(Column):
    def get_value(self, instance):
        return timezone.localtime(instance.starts_at).strftime("%d/%m/%Y %H:%M")


class TrainingSessionFilterSet(WagtailFilterSet):
    starts_at = django_filters.DateFromToRangeFilter(label=_("Starts"), widget=DateRangePickerWidget)

    class Meta:
        model = TrainingSession
        fields = ["audience", "format", "is_public", "campaign"]


class ScopedObject:
    scoped_action = "view"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None and not access.can(self.request.user, self.scoped_action, obj):
            permissions.log_denial(self.request.user, self.scoped_action, TrainingSession, obj.pk)
            raise permissions.PermissionDenied
        return obj


class TrainingSessionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            access.sessions_for(self.request.user)
            .select_related("unit")
            .annotate(seated=Count("registrations", filter=Q(registrations__status__in=SEATED)))
        )

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(HeaderButton(_("Feedback"), url=reverse("trainings_feedback"), icon_name="comment"))
        return buttons


class TrainingSessionEditView(ScopedObject, generic.EditView):
    scoped_action = "change"

    def save_instance(self):
        instance = super().save_instance()
        services.session_reconcile(actor=self.request.user, session=instance, changed=set(self.form.changed_data))
        return instance


class TrainingSessionCreateView(generic.CreateView):
    def save_instance(self):
        return services.session_create(
            actor=self.request.user, session=self.form.save(commit=False), save_related=self.form.save_m2m
        )


class TrainingSessionCopyView(ScopedObject, generic.CopyView):
    """Shows the create form filled from a session; the form posts to the create view, never here."""

    scoped_action = "view"
    http_method_names = ["get", "head", "options"]


class TrainingSessionDeleteView(ScopedObject, generic.DeleteView):
    scoped_action = "delete"


class TrainingSessionForm(UnitInScopeForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "trainers" in self.fields:
            trainers = self.fields["trainers"]
            trainers.queryset = trainers.queryset.filter(
                Q(groups__name=role_group_name(Role.TRAINER)) | Q(is_superuser=True)
            ).distinct()

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if self.instance.pk and capacity is not None:
            seated = self.instance.registrations.filter(status__in=SEATED).count()
            if capacity < seated:
                raise forms.ValidationError(
                    _("%(seated)s people already hold seats: the capacity cannot be lower."),
                    params={"seated": seated},
                )
        return capacity

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The class must end after it starts."))
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes < opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        return data


class TrainingSessionViewSet(ModelViewSet):
    """Every URL that names a session (edit, copy, delete, history, usage…) goes through the scope guard."""

    model = TrainingSession
    icon = "group"
    menu_label = _("Training sessions")
    menu_order = 100
    permission_policy = TrainingSessionPermissionPolicy(TrainingSession)
    index_view_class = TrainingSessionIndexView
    add_view_class = TrainingSessionCreateView
    edit_view_class = TrainingSessionEditView
    copy_view_class = TrainingSessionCopyView
    delete_view_class = TrainingSessionDeleteView
    copy_view_enabled = True
    inspect_view_enabled = False
    list_display = [
        "title",
        Column("unit", label=_("Unit")),
        StartColumn("starts_at", label=_("Starts")),
        "audience",
        Column("seated", label=_("Seats taken")),
        "capacity",
        RosterColumn("roster", label=_("Roster")),
    ]
    list_filter = None
    filterset_class = TrainingSessionFilterSet
    search_fields = ["title", "venue"]
    search_backend_name = None
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("campaign"),
            FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel([FieldPanel("audience"), FieldPanel("format")]),
            FieldPanel("unit", widget=unit_chooser_viewset.widget_class),
            FieldPanel("venue"),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            FieldPanel("capacity"),
            FieldPanel("trainers", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
            FieldPanel("is_public"),
            FieldPanel("is_cancelled"),
            FieldPanel("materials", widget=forms.CheckboxSelectMultiple),
            FieldPanel("description"),
            FieldPanel("reported_attendees"),
            MultiFieldPanel(
                [
                    FieldPanel("issuing_body"),
                    FieldRowPanel([FieldPanel("certificate_place"), FieldPanel("certificate_symbol")]),
                    FieldRowPanel([FieldPanel("signer_title"), FieldPanel("signer_name")]),
                ],
                heading=_("Certificates"),
            ),
        ],
        base_form_class=TrainingSessionForm,
    )

    def get_urlpatterns(self):
        return scope_guarded(super().get_urlpatterns(), TrainingSession, can=access.can)


class TrainingsGroup(ViewSetGroup):
    menu_label = _("Trainings")
    menu_icon = "group"
    menu_order = 500

    def __init__(self, *items):
        self.items = items
        super().__init__()


training_session_viewset = TrainingSessionViewSet("training_sessions")
