from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import auth  # noqa: F401 - connects the login-throttling signal receivers
        from .page_cache import connect_signals

        connect_signals()  # publications purge the page cache
