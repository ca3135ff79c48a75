from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from campaigns.core.admin import report_urls
from cms import routing, views
from cms.admin_i18n import admin_javascript_catalog
from cms.admin_reports import PageFeedbackReportView, SiteHistoryView
from cms.api import api_router

# A database outage outside a view (the session or the user loaded by a middleware) answers the 503 page.
handler500 = "cms.middleware.server_error"

urlpatterns = [
    # Wagtail's Site history report, for administrators only (cms/admin_reports.py): before Wagtail's own URLs.
    *report_urls("admin/reports/site-history/", SiteHistoryView, "site_history"),
    *report_urls("admin/reports/page-feedback/", PageFeedbackReportView, "page_feedback_report"),
    # Same URL as Wagtail's JavaScript catalogue, matched first: adds the project's Vietnamese (cms/admin_i18n.py).
    path("admin/jsi18n/", admin_javascript_catalog),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    # The language switch carries no CSRF token, so that every public page stays cacheable for all visitors: the
    # worst a forged request can do is switch the visitor's language. Same URL and name as Django's own view.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("", include("trainings.urls")),
    path("", include("outreach_media.urls")),
    path("tim-kiem/", views.search, name="search"),
    path("phan-hoi/", views.page_feedback, name="page_feedback"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Uploaded media from MEDIA_ROOT in development and in the demo (with or without DEBUG); production serves them from
# the web server or object storage (docs/operations.md).
if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    from django.views.static import serve as serve_media

    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT})]

# Pages: Wagtail's serve view with memoised site and route lookups (cms.routing); Wagtail's own patterns follow for
# reversing ("wagtail_serve") and for its password and login views.
urlpatterns += [re_path(r"^((?:[\w\-]+/)*)$", routing.serve, name="cms_serve"), path("", include(wagtail_urls))]
