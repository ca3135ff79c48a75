"""Administrators only: the permission policy of data requests, the 403 page and the view wrapper."""

import functools

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from campaigns.access.permissions import is_unrestricted, log_denial
from campaigns.access.roles import Role, role_group_name
from trainings.models import DataRequest


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


# The page of the personal-data screens; its texts come translated from the views.
PAGE_TEMPLATE = "trainings/admin/personal_data_page.html"


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
    return TemplateResponse(request, PAGE_TEMPLATE, context, status=403)


def administrators_only(view):
    """Wrap a view so that anyone but an administrator gets 403 before the view does anything."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_unrestricted(request.user):
            return forbidden(request, obj_id=kwargs.get("pk") or kwargs.get("request_id"))
        return view(request, *args, **kwargs)

    return wrapped
