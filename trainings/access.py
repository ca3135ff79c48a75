"""Who may see and change training sessions and their rosters (PRODUCT.md, Roles).

Sessions follow the unit scope for viewing (communications, unit officers, leaders see the
classes of their units); changing a session and everything personal on its roster belongs to
its trainers (the users listed as trainers, and whoever created it) and to administrators.
Leaders see counts only.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from campaigns.access import permissions
from trainings.models import TrainingSession


def _own(user) -> Q:
    return Q(trainers=user) | Q(created_by=user)


def sessions_for(user, action: str = permissions.VIEW) -> QuerySet:
    """Sessions ``user`` may act on: in scope for viewing, own for changing (administrators: all)."""
    base = TrainingSession.objects.all()
    if not permissions.has_model_permission(user, action, TrainingSession):
        return base.none()
    if permissions.is_unrestricted(user):
        return base
    own = base.filter(_own(user))
    if action != permissions.VIEW:
        return own.distinct()
    in_scope = permissions.filter_for_user(user, base, permissions.VIEW)
    return base.filter(Q(pk__in=own.values("pk")) | Q(pk__in=in_scope.values("pk")))


def can(user, action: str, session: TrainingSession) -> bool:
    if not permissions.has_model_permission(user, action, TrainingSession):
        return False
    if permissions.is_unrestricted(user) or session.is_trainer(user):
        return True
    return action == permissions.VIEW and permissions.user_can(user, action, session)


def can_see_roster(user, session: TrainingSession) -> bool:
    """Names, phones and check-ins: the session's trainers and administrators only."""
    return bool(user and user.is_authenticated and user.is_active) and (
        permissions.is_unrestricted(user) or session.is_trainer(user)
    )


def require_roster(user, session: TrainingSession) -> None:
    if not can_see_roster(user, session):
        permissions.log_denial(user, "roster", TrainingSession, session.pk)
        raise PermissionDenied
