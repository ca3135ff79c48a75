"""Small pieces of the Wagtail admin shared by every layer."""

from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


def report_urls(route: str, view_class, name: str) -> list:
    """A report's two addresses: its page, and the results alone (``<route>results/``, ``<name>_results``) that the
    filters reload."""
    return [
        path(route, view_class.as_view(), name=name),
        path(f"{route}results/", view_class.as_view(results_only=True), name=f"{name}_results"),
    ]


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users for whom ``check(user)`` is true (the view checks again on dispatch)."""

    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


def register_menu_item(label, *, url_name: str, icon_name: str, order: int, check) -> None:
    """Add an item for the admin page named ``url_name`` to the admin menu, shown only to users for whom
    ``check(user)`` is true. The address is looked up when the menu is built, once every URL is registered."""

    def menu_item():
        return PermissionMenuItem(label, reverse(url_name), icon_name=icon_name, order=order, check=check)

    hooks.register("register_admin_menu_item", menu_item)


class AdminPage(WagtailAdminTemplateMixin):
    """An admin page whose breadcrumbs are Home › its parents › itself."""

    _show_breadcrumbs = True

    def get_parent_crumbs(self) -> list[tuple[str, str]]:
        """(url, label) of the pages between Home and this one."""
        return []

    def get_crumb_label(self) -> str:
        return self.get_page_title()

    def get_breadcrumbs_items(self):
        parents = [{"url": url, "label": label} for url, label in self.get_parent_crumbs()]
        home = {"url": reverse("wagtailadmin_home"), "label": _("Home")}
        return [home, *parents, {"url": "", "label": self.get_crumb_label()}]


def attachment(content, *, content_type: str, filename: str) -> HttpResponse:
    """A download of ``content`` saved as ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
