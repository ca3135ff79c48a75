"""Admin hooks of the site app: page types whose "add" screen saves nothing before the editor does; the Site
history report only for those who may see it."""

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.viewsets.pages import PageViewSet

from cms.admin_reports import may_see_page_feedback, may_see_site_history
from cms.models import SitePage


class CreateWithoutAutosaveView(CreateView):
    """A new page is created only by "Lưu nháp", "Xuất bản" or "Gửi duyệt".

    Wagtail's autosave would create the page as soon as the first field changes: the editor's own "Lưu nháp" then
    fails with "slug already in use" on the Promote tab that they do not see, and abandoned pages stay in the tree as
    drafts. Autosave stays on once the page exists (its edit screen).
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["autosave_enabled"] = False
        return context


def _site_page_models():
    return [
        model
        for model in apps.get_app_config("cms").get_models()
        if issubclass(model, SitePage) and not model._meta.abstract
    ]


@hooks.register("register_admin_viewset")
def register_page_viewsets():
    return [
        PageViewSet(
            f"cms_{model._meta.model_name}_pages",
            model=model,
            add_view_class=CreateWithoutAutosaveView,
        )
        for model in _site_page_models()
    ]


@hooks.register("construct_reports_menu")
def hide_site_history(request, menu_items):
    if not may_see_site_history(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


class PageFeedbackMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_page_feedback(request.user)


@hooks.register("register_reports_menu_item")
def register_page_feedback_report():
    return PageFeedbackMenuItem(_("Page feedback"), reverse("page_feedback_report"), icon_name="help", order=800)


# Wagtail's help menu links to its English guide and release notes on guide.wagtail.org: both are left out (the
# project's Vietnamese guides for each role are in its docs); the keyboard shortcuts dialog stays.
ENGLISH_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("construct_help_menu")
def drop_english_help(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(ENGLISH_HELP_ITEMS)]
