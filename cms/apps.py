from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            auth,  # noqa: F401 - connects the login-throttling signal receivers
            checks,  # noqa: F401 - registers the deployment checks
        )
        from .page_cache import connect_signals

        connect_signals()  # publications purge the page cache
        _refuse_control_characters_in_forms()


def _refuse_control_characters_in_forms() -> None:
    """Every form text field (ours, Wagtail's, Django's) refuses control characters, as Django's own
    fields refuse NUL: a name with ESC or BEL never reaches the database, the exports or the logs."""
    from django import forms

    from .text import ProhibitControlCharactersValidator

    validator = ProhibitControlCharactersValidator()
    if validator not in forms.CharField.default_validators:
        forms.CharField.default_validators = [*forms.CharField.default_validators, validator]
