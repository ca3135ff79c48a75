"""Read-only content API (Wagtail API v2) so a provincial portal can show the guides.

Endpoints under ``/api/v2/``: ``pages/``, ``images/``, ``documents/``. Only live, public pages are listed;
the viewsets answer GET (and HEAD/OPTIONS) only.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)
