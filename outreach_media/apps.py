from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachMediaConfig(AppConfig):
    name = "outreach_media"
    verbose_name = _("Outreach media")
    default_auto_field = "django.db.models.BigAutoField"
