"""Wagtail admin building blocks that route every check through campaigns.access.permissions.

Use ``ScopedModelViewSet`` for any model tied to administrative units: listings show only
objects in the user's scope, and opening, editing or deleting an object outside it is refused
on the server (HTTP 403, denial logged) whatever the menu shows.
"""

from functools import wraps
from urllib.parse import unquote

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from campaigns.access import permissions


class UnitInScopeForm(WagtailAdminModelForm):
    """Refuses a unit outside the user's scope, and a campaign that covers none of it (for models with either)."""

    def clean_unit(self):
        unit = self.cleaned_data.get("unit")
        if unit is not None and not permissions.user_can_use_unit(self.for_user, unit):
            raise forms.ValidationError(_("This unit is outside your scope."), code="out_of_scope")
        return unit

    def clean_campaign(self):
        campaign = self.cleaned_data.get("campaign")
        if campaign is not None and not permissions.campaign_touches_scope(self.for_user, campaign):
            raise forms.ValidationError(_("This campaign does not cover any unit of your scope."), code="out_of_scope")
        return campaign


class ScopedPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        return permissions.user_can(user, action, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_permission_for(self, user, action):
        return permissions.filter_for_user(user, self.model._default_manager.all(), action)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.none()
        for action in actions:
            queryset = queryset | self.instances_user_has_permission_for(user, action)
        return queryset


class ScopedObjectMixin:
    scoped_action = permissions.VIEW

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None:
            permissions.require(self.request.user, self.scoped_action, obj)
        return obj


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return permissions.filter_for_user(self.request.user, super().get_base_queryset(), permissions.VIEW)


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    scoped_action = permissions.CHANGE


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    scoped_action = permissions.DELETE


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    scoped_action = permissions.VIEW


# The action each object view needs; views not listed change the object.
VIEW_ACTIONS = {"delete": permissions.DELETE}
for _name in (
    "history",
    "history_results",
    "usage",
    "inspect",
    "copy",
    "preview_on_edit",
    "revisions_view",
    "revisions_compare",
    "chosen",
    "workflow_history",
    "workflow_history_detail",
    "workflow_preview",
):
    VIEW_ACTIONS[_name] = permissions.VIEW


def _names_an_object(pattern) -> bool:
    """Does the URL pattern carry the object's ``pk``, whatever its syntax (``path`` converter or ``re_path`` group)?"""
    regex = getattr(pattern.pattern, "regex", None)
    return regex is not None and "pk" in regex.groupindex


def scope_guarded(patterns, model, can=None):
    """Wrap every URL that names an object (``pk``) so that an object outside the user's scope is
    refused before the view runs, whatever the view is (edit, delete, history, usage, revisions,
    revision compare, workflow…) and whatever the pattern's syntax. ``can(user, action, obj)``
    decides (default: ``permissions.user_can``). A ``pk`` that names no object is not found."""
    can = can or permissions.user_can

    def guard(view, action):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            raw = unquote(str(kwargs.get("pk", "")))
            if not raw.isdigit():
                raise Http404
            obj = model._default_manager.filter(pk=int(raw)).first()
            if obj is None:
                raise Http404
            if not can(request.user, action, obj):
                permissions.log_denial(request.user, action, model, obj.pk)
                return redirect("wagtailadmin_home")
            return view(request, *args, **kwargs)

        guarded.scope_guarded = True
        return guarded

    for pattern in patterns:
        if hasattr(pattern, "callback") and _names_an_object(pattern):
            action = VIEW_ACTIONS.get(pattern.name or "", permissions.CHANGE)
            pattern.callback = guard(pattern.callback, action)
    return patterns


class ScopeGuardMixin:
    """For viewsets: every object URL goes through ``scope_guarded``."""

    def get_urlpatterns(self):
        return scope_guarded(super().get_urlpatterns(), self.model)


class ScopedModelViewSet(ScopeGuardMixin, ModelViewSet):
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    copy_view_enabled = False
