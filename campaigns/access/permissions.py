"""The single server-side answer to "may this user see / change this object?".

Every admin view, export, report and API call asks here. The rule is: an active user needs
the Django model permission for the action, *and* the object must lie within the user's unit
scope. A scope unit covers every unit below it, and the old units (before 01/07/2025) that
went wholly or partly into it. Superusers and members of the administrators group are not
restricted by scope.

Models take part by naming the path from themselves to their administrative unit in a class
attribute ``scope_unit_path`` (``"unit"``, ``"session__unit"``); ``AdministrativeUnit`` is
its own scope. A model without the attribute is not tied to units: model permissions decide.
"""

import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from campaigns.access.models import UserScope
from campaigns.access.roles import Role, role_group_name
from campaigns.units import areas
from campaigns.units.models import AdministrativeUnit

logger = logging.getLogger("campaigns.access")

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
_CACHE_ATTR = "_campaigns_scope_cache"


def is_unrestricted(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role_group_name(Role.ADMINISTRATOR)).exists()


def scope_unit_ids(user) -> frozenset[int] | None:
    """Ids of every unit the user may work with; ``None`` means no restriction."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached[0]
    if is_unrestricted(user):
        result = None
    elif not (user and user.is_authenticated and user.is_active):
        result = frozenset()
    else:
        result = areas.scope_ids(UserScope.objects.filter(user=user).values_list("unit_id", flat=True))
    if user is not None and user.is_authenticated:
        setattr(user, _CACHE_ATTR, (result,))
    return result


def forget_scope(user) -> None:
    """Drop the per-request cache (after the user's scopes changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _scope_path(model) -> str | None:
    if issubclass(model, AdministrativeUnit):
        return "pk"
    return getattr(model, "scope_unit_path", None)


def has_model_permission(user, action: str, model) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def filter_for_user(user, queryset: QuerySet, action: str = VIEW) -> QuerySet:
    """Narrow a queryset to the objects ``user`` may act on."""
    model = queryset.model
    if not has_model_permission(user, action, model):
        return queryset.none()
    scope = scope_unit_ids(user)
    path = _scope_path(model)
    if scope is None or path is None:
        return queryset
    narrowed = queryset.filter(Q(**{f"{path}__in": scope}))
    return narrowed.distinct() if "__" in path else narrowed


def user_can(user, action: str, obj: Model) -> bool:
    """May ``user`` perform ``action`` (view / add / change / delete) on ``obj``?"""
    model = type(obj)
    if not has_model_permission(user, action, model):
        return False
    scope = scope_unit_ids(user)
    path = _scope_path(model)
    if scope is None or path is None:
        return True
    if path == "pk":
        return obj.pk in scope
    if path.count("__") == 0 and hasattr(obj, f"{path}_id"):
        return getattr(obj, f"{path}_id") in scope
    return model._default_manager.filter(pk=obj.pk, **{f"{path}__in": scope}).exists()


def user_can_use_unit(user, unit: AdministrativeUnit | int) -> bool:
    """Is the unit inside the user's scope (for forms that attach new data to a unit)?"""
    scope = scope_unit_ids(user)
    unit_id = unit if isinstance(unit, int) else unit.pk
    return scope is None or unit_id in scope


def require(user, action: str, obj: Model) -> None:
    """Raise ``PermissionDenied`` (and log the denial, without personal data) unless allowed."""
    if user_can(user, action, obj):
        return
    log_denial(user, action, type(obj), obj.pk)
    raise PermissionDenied


def log_denial(user, action: str, model, object_pk=None) -> None:
    logger.warning(
        "access denied: user_id=%s action=%s model=%s object=%s",
        getattr(user, "pk", None),
        action,
        model._meta.label_lower,
        object_pk,
    )


def units_within_scope(user, unit_ids: Iterable[int]) -> bool:
    """Are all these units (and so everything below them) inside the user's scope?"""
    scope = scope_unit_ids(user)
    return scope is None or all(unit_id in scope for unit_id in unit_ids)


def campaign_within_scope(user, campaign) -> bool:
    """May ``user`` see the figures of every unit ``campaign`` analyses? (reports, charts, downloads)"""
    return units_within_scope(user, areas.campaign_unit_ids(campaign))


def campaign_touches_scope(user, campaign) -> bool:
    """Does ``campaign`` cover any unit of the user's scope? (attaching a class or a media item to it)"""
    scope = scope_unit_ids(user)
    if scope is None:
        return True
    return bool(scope & areas.scope_ids(areas.campaign_unit_ids(campaign)))
