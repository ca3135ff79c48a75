"""Page routing in one query instead of one or two per level of the URL.

Wagtail routes ``/huong-dan/dang-ky/`` by loading the site (one query), the home page (one), then for each path
segment the child with that slug and its specific page (two per level), and checks view restrictions with two more
queries. Here the site of a host, the route of a path (page id, page type, breadcrumb) and the set of pages under a
view restriction are memos of the content version (``cms.page_cache.memo``), so a request only loads its own
specific page. The result is handed to Wagtail's own ``serve`` view (``request._wagtail_route_for_request``), so
hooks, view restrictions and ``Page.serve`` work as usual.

Any case this does not cover falls back to Wagtail's routing: a path that is not exactly a page's URL path, a page
type along the way that overrides ``route`` (e.g. a routable page), or a page that is not live.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from cms.page_cache import memo

SITE_FIELDS = ("id", "hostname", "port", "site_name", "root_page_id", "is_default_site")


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


def _site_values(request):
    site = Site._find_for_request(request)
    if site is None:
        return None
    return {name: getattr(site, name) for name in SITE_FIELDS}, site.root_page.url_path, site.root_page.path


def site_for_request(request):
    """Wagtail's ``Site.find_for_request``, memoised per host and port; also sets ``request._wagtail_site``."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    from django.http.request import split_domain_port

    key = ("site", split_domain_port(request._get_raw_host())[0], request.get_port())
    found = memo(request, key, lambda: _site_values(request))
    site = None
    if found is not None:
        site = Site(**found[0])
        site._cms_root_url_path, site._cms_root_path = found[1], found[2]
    request._wagtail_site = site
    return site


def _route_values(root_url_path: str, root_path: str, components: list[str]):
    paths = [
        root_url_path + "".join(f"{part}/" for part in components[:count]) for count in range(len(components) + 1)
    ]
    above_root = [root_path[:end] for end in range(Page.steplen, len(root_path), Page.steplen)]
    rows, above = {}, []
    for row in Page.objects.filter(Q(url_path__in=paths) | Q(path__in=above_root)).values(
        "pk", "path", "url_path", "title", "content_type_id", "alias_of_id", "live"
    ):
        if row["path"] in above_root:
            above.append(row)
        else:
            rows[row["url_path"]] = row
    if len(rows) != len(paths) or any(not row["path"].startswith(root_path) for row in rows.values()):
        return None  # not exactly a page's URL: Wagtail decides (404, or a routable page's sub-path)
    chain = [rows[path] for path in paths]
    for row in chain:
        model = ContentType.objects.get_for_id(row["content_type_id"]).model_class()
        if model is None or getattr(model, "route", None) is not Page.route:
            return None
    page = chain[-1]
    if not page["live"]:
        return None
    crumbs = tuple(Crumb(row["title"], "/" + row["url_path"][len(root_url_path) :]) for row in chain[:-1])
    # Wagtail checks the view restrictions of the page and of all its ancestors (an alias: of its source page).
    checked = frozenset(row["alias_of_id"] or row["pk"] for row in [*above, *chain])
    return page["pk"], page["content_type_id"], crumbs, checked


def _restricted_page_ids():
    return frozenset(PageViewRestriction.objects.values_list("page_id", flat=True))


def route(request, site, path: str):
    """A RouteResult for the path, or None to let Wagtail route it."""
    root_url_path = getattr(site, "_cms_root_url_path", None)
    if root_url_path is None:
        return None
    components = [component for component in path.split("/") if component]
    values = memo(
        request,
        ("route", site.pk, tuple(components)),
        lambda: _route_values(root_url_path, site._cms_root_path, components),
    )
    if values is None:
        return None
    pk, content_type_id, crumbs, checked = values
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    try:
        page = model.objects.get(pk=pk, live=True)
    except model.DoesNotExist:
        return None
    restricted = memo(request, "restricted-pages", _restricted_page_ids)
    page._cms_unrestricted = not (checked & restricted)
    request._cms_breadcrumb = crumbs
    return RouteResult(page)


def serve(request, path):
    """Wagtail's ``serve`` view, with the site and the route found from the memos when possible."""
    site = site_for_request(request)
    if site is not None and not hasattr(request, "_wagtail_route_for_request"):
        result = route(request, site, path)
        if result is not None:
            request._wagtail_route_for_request = result
    return wagtail_views.serve(request, path)
