from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules use models, which exist only once every app is loaded.
        from django.db.models.signals import post_migrate

        from campaigns.core.events import role_groups_synced
        from cms import (
            auth,  # noqa: F401 - connects the login-throttling signal receivers
            checks,  # noqa: F401 - registers the deployment checks
        )
        from cms.page_cache import connect_signals
        from cms.permission_names import translate_permission_names
        from cms.workflow import role_groups_synced_receiver

        connect_signals()  # publications purge the page cache
        role_groups_synced.connect(role_groups_synced_receiver, dispatch_uid="moderation-workflow")
        _refuse_control_characters_in_forms()
        # Every app's post_migrate creates its permissions: the names are translated after each of them.
        post_migrate.connect(translate_permission_names)
        _translate_wagtail_field_labels()
        _group_listing_counts()


def _group_listing_counts() -> None:
    """Wagtail's listings end with the number of rows, written by Python ("19753 số liệu hồ sơ"): grouped the
    way of the admin's language instead ("19.753 số liệu hồ sơ")."""
    from django.utils.formats import number_format
    from wagtail.admin.paginator import WagtailPaginator

    def items_count_label(self):
        if self.count == 1:
            return f"1 {self.verbose_name}"
        return f"{number_format(self.count, force_grouping=True)} {self.verbose_name_plural}"

    WagtailPaginator.items_count_label = property(items_count_label)


def _translate_wagtail_field_labels() -> None:
    """Some of Wagtail's labels come from field names ("Page", "Site name", "Root page", "Port"), which no
    catalogue can translate: they get translated labels here."""
    from wagtail.admin.forms.workflows import WorkflowPageForm
    from wagtail.sites.views import IndexView as SiteIndexView
    from wagtail.users.forms import PagePermissionsForm

    WorkflowPageForm.base_fields["page"].label = _("Page")
    PagePermissionsForm.base_fields["page"].label = _("Page")
    labels = {"port": _("Port"), "site_name": _("Site name"), "root_page": _("Root page")}
    for column in SiteIndexView.columns:
        if column.name in labels:
            column.label = labels[column.name]


def _refuse_control_characters_in_forms() -> None:
    """Every form text field (ours, Wagtail's, Django's) refuses control characters, as Django's own
    fields refuse NUL: a name with ESC or BEL never reaches the database, the exports or the logs."""
    from django import forms

    from campaigns.core.text import ProhibitControlCharactersValidator

    validator = ProhibitControlCharactersValidator()
    if validator not in forms.CharField.default_validators:
        forms.CharField.default_validators = [*forms.CharField.default_validators, validator]
