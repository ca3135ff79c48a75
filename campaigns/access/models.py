from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.units.models import unit_link


class UserScope(models.Model):
    """One unit a user works for. Access to a unit includes every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="scopes"
    )
    unit = unit_link("user_scopes")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("user scope")
        verbose_name_plural = _("user scopes")
        ordering = ["user__username", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="user_scope_user_unit_unique")]

    def __str__(self):
        return f"{self.user} — {self.unit}"
